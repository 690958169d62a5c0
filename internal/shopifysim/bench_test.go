package shopifysim

import "testing"

func BenchmarkGenerate1000Orders(b *testing.B) {
	for b.Loop() {
		Generate(genOpts(1, 1000))
	}
}

// BenchmarkOrdersPage measures one 50-order page over 1000 orders,
// including validation, costing and execution.
func BenchmarkOrdersPage(b *testing.B) {
	s, err := New(Options{SchemaDir: schemaDirB(b), Seed: 1, Orders: 1000, Days: 30, AccessToken: testToken,
		Bucket: BucketOptions{MaximumAvailable: 1e12, RestoreRate: 1e12}})
	if err != nil {
		b.Fatal(err)
	}
	schema, err := s.schemas.get("2026-10")
	if err != nil {
		b.Fatal(err)
	}
	req := graphqlRequest{Query: `{ orders(first: 50, sortKey: UPDATED_AT, query: "updated_at:>'2026-11-05T00:00:00Z'") {
  nodes { id name totalPriceSet { shopMoney { amount } } lineItems(first: 10) { nodes { id sku quantity } } } pageInfo { hasNextPage endCursor } } }`}
	// The first request builds the served trees; measure pages, not that.
	if status, resp := s.execute(schema, "2026-10", req, "http://sim"); status != 200 || resp["errors"] != nil {
		b.Fatalf("%d %v", status, resp["errors"])
	}
	b.ResetTimer()
	for b.Loop() {
		if status, resp := s.execute(schema, "2026-10", req, "http://sim"); status != 200 || resp["errors"] != nil {
			b.Fatalf("%d %v", status, resp["errors"])
		}
	}
}

// BenchmarkPageAllOrders reads every order of a 5000-order shop in pages of
// 250 by cursor, the way ingest does; it exposes any per-page cost that
// grows with the shop (re-filtering, re-sorting, scanning for the cursor).
func BenchmarkPageAllOrders(b *testing.B) {
	const orders = 5000
	s, err := New(Options{SchemaDir: schemaDirB(b), Seed: 1, Orders: orders, Days: 30, AccessToken: testToken,
		Bucket: BucketOptions{MaximumAvailable: 1e12, RestoreRate: 1e12}})
	if err != nil {
		b.Fatal(err)
	}
	schema, err := s.schemas.get("2026-10")
	if err != nil {
		b.Fatal(err)
	}
	const q = `query($after: String) { orders(first: 250, after: $after, sortKey: UPDATED_AT, query: "updated_at:>'2020-01-01T00:00:00Z'") {
  nodes { id name updatedAt } pageInfo { hasNextPage endCursor } } }`
	if _, err := s.treesLocked(); err != nil { // built once, outside the timing
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		var after any
		read := 0
		for {
			status, resp := s.execute(schema, "2026-10", graphqlRequest{Query: q, Variables: map[string]any{"after": after}}, "http://sim")
			if status != 200 || resp["errors"] != nil {
				b.Fatalf("%d %v", status, resp["errors"])
			}
			conn := resp["data"].(*omap).vals["orders"].(*omap)
			read += len(conn.vals["nodes"].([]any))
			pi := conn.vals["pageInfo"].(*omap)
			if pi.vals["hasNextPage"] != true {
				break
			}
			after = pi.vals["endCursor"]
		}
		if read != orders {
			b.Fatalf("read %d orders, want %d", read, orders)
		}
	}
}
