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
	b.ResetTimer()
	for b.Loop() {
		if status, resp := s.execute(schema, "2026-10", req, "http://sim"); status != 200 || resp["errors"] != nil {
			b.Fatalf("%d %v", status, resp["errors"])
		}
	}
}
