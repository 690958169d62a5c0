package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// Shopify's bulk rules: at least one and at most five connections, and
// connections nested at most two deep (orders > lineItems is two).
func TestBulkQueriesValidateAndRespectBulkLimits(t *testing.T) {
	schema := loadSchema(t, DefaultAPIVersion)
	for _, op := range BulkQueries() {
		doc, err := withFilter(op, "updated_at:>='2026-01-01T00:00:00Z' AND name:\"#1\\\"}\"")
		if err != nil {
			t.Fatal(err)
		}
		q, errs := gqlparser.LoadQuery(schema, doc)
		if errs != nil {
			t.Fatalf("%s: %v", op.Name, errs)
		}
		if len(q.Operations[0].VariableDefinitions) != 0 {
			t.Fatalf("%s: bulk queries cannot take variables", op.Name)
		}
		count, depth := connections(q.Operations[0].SelectionSet, 0)
		if count < 1 || count > 5 || depth > 2 {
			t.Fatalf("%s: %d connections, %d deep", op.Name, count, depth)
		}
	}
}

func connections(set ast.SelectionSet, level int) (count, depth int) {
	for _, sel := range set {
		var sub ast.SelectionSet
		here := 0
		switch s := sel.(type) {
		case *ast.Field:
			sub = s.SelectionSet
			if s.Definition != nil && strings.HasSuffix(s.Definition.Type.Name(), "Connection") {
				here = 1
			}
		case *ast.InlineFragment:
			sub = s.SelectionSet
		case *ast.FragmentSpread:
			sub = s.Definition.SelectionSet
		}
		c, d := connections(sub, level+here)
		count += c + here
		depth = max(depth, d, level+here)
	}
	return count, depth
}

func TestRebuildBulkAttachesChildrenInAnyOrder(t *testing.T) {
	jsonl := strings.Join([]string{
		`{"__typename":"OrderAgreement","id":"gid://shopify/SalesAgreement/1","__parentId":"gid://shopify/Order/1"}`,
		`{"id":"gid://shopify/Order/1","name":"#1 \\\"}{","refunds":[{"id":"r","note":"a,b}"}]}`,
		`{"__typename":"LineItem","id":"gid://shopify/LineItem/1","__parentId":"gid://shopify/Order/1"}`,
		``,
		`{"id":"gid://shopify/Order/2","name":"#2"}`,
		`{"__typename":"LineItem","id":"gid://shopify/LineItem/2","__parentId":"gid://shopify/Order/1"}`,
	}, "\n")
	var roots []map[string]any
	err := RebuildBulk(strings.NewReader(jsonl), orderChildField, func(r json.RawMessage) error {
		var m map[string]any
		if err := json.Unmarshal(r, &m); err != nil {
			return fmt.Errorf("%w: %s", err, r)
		}
		roots = append(roots, m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]map[string]any{}
	for _, r := range roots {
		byName[r["id"].(string)] = r
	}
	one, two := byName["gid://shopify/Order/1"], byName["gid://shopify/Order/2"]
	if len(roots) != 2 || one == nil || two == nil || one["name"] != `#1 \"}{` {
		t.Fatalf("roots = %v", roots)
	}
	lines := one["lineItems"].([]any)
	agreements := one["agreements"].([]any)
	if len(lines) != 2 || len(agreements) != 1 || two["lineItems"] != nil || len(one["refunds"].([]any)) != 1 {
		t.Fatalf("rebuilt = %v", roots)
	}
	// An orphan or an unknown child type is an error, never silently dropped.
	if err := RebuildBulk(strings.NewReader(`{"__typename":"LineItem","id":"x","__parentId":"gid://shopify/Order/9"}`), orderChildField, func(json.RawMessage) error { return nil }); err == nil {
		t.Fatal("orphan accepted")
	}
	if err := RebuildBulk(strings.NewReader(`{"id":"o"}`+"\n"+`{"__typename":"Fulfillment","__parentId":"o"}`), orderChildField, func(json.RawMessage) error { return nil }); err == nil {
		t.Fatal("unknown child type accepted")
	}
	if err := RebuildBulk(strings.NewReader(`{"id":"o","name":"x`), orderChildField, func(json.RawMessage) error { return nil }); err == nil {
		t.Fatal("truncated line accepted")
	}
}

func TestBulkOrdersRunPollDownloadRebuild(t *testing.T) {
	r := &routedShopify{t: t, routes: map[string]func(map[string]any) string{}}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	mux.Handle("/admin/", r)
	header := orderHeader("gid://shopify/Order/1", "2026-11-01T11:00:00Z", "gid://shopify/Refund/5")
	// The bulk file holds the core fields; drop the header's connections the bulk query does not select.
	var m map[string]any
	json.Unmarshal([]byte(header), &m)
	delete(m, "discountApplications")
	delete(m, "shippingLines")
	root, _ := json.Marshal(m)
	li := strings.Replace(lineItem("gid://shopify/LineItem/1"), `"discountAllocations":[]`,
		`"discountAllocations":[{"allocatedAmountSet":`+bag("1.00")+`,"discountApplication":{"index":0}}]`, 1)
	var lm map[string]any
	json.Unmarshal([]byte(li), &lm)
	lm["__typename"] = "LineItem"
	lm["__parentId"] = "gid://shopify/Order/1"
	child, _ := json.Marshal(lm)
	discount := `{"__typename":"DiscountCodeApplication","index":0,"allocationMethod":"ACROSS","targetSelection":"ALL","targetType":"LINE_ITEM","code":"FALL10","__parentId":"gid://shopify/Order/1"}`
	agreement := `{"__typename":"OrderAgreement","id":"gid://shopify/SalesAgreement/1","happenedAt":"2026-11-01T10:00:00Z","reason":"ORDER","__parentId":"gid://shopify/Order/1"}`
	mux.HandleFunc("/bulk/file.jsonl", func(w http.ResponseWriter, req *http.Request) {
		if req.Header.Get("X-Shopify-Access-Token") != "" {
			t.Error("token sent to the storage URL")
		}
		fmt.Fprintf(w, "%s\n%s\n%s\n%s\n", discount, root, child, agreement)
	})
	r.routes["BulkRun"] = func(v map[string]any) string {
		q := v["query"].(string)
		if !strings.Contains(q, `orders(query: "updated_at:>='2026-11-01T00:00:00Z'"`) {
			t.Errorf("bulk query = %s", q)
		}
		return `{"bulkOperationRunQuery":{"bulkOperation":{"id":"gid://shopify/BulkOperation/1","status":"CREATED"},"userErrors":[]}}`
	}
	polls := 0
	r.routes["BulkStatus"] = func(map[string]any) string {
		polls++
		if polls < 3 {
			return `{"bulkOperation":{"id":"gid://shopify/BulkOperation/1","status":"RUNNING"}}`
		}
		return `{"bulkOperation":{"id":"gid://shopify/BulkOperation/1","status":"COMPLETED","objectCount":"2","url":"` + srv.URL + `/bulk/file.jsonl"}}`
	}
	// What the bulk file cannot carry comes in batches by id, never per order.
	r.routes["RefundsByID"] = func(v map[string]any) string {
		// The order has one line and no shipping lines: one refund line is
		// asked for, and no shipping lines.
		if len(v) != 3 || v["id_0"] != "gid://shopify/Refund/5" || v["lines_0"] != float64(1) || v["transactions_0"] != float64(1) {
			t.Errorf("refund variables = %v", v)
		}
		return `{"r0":{"id":"gid://shopify/Refund/5","createdAt":"2026-11-01T11:00:00Z","updatedAt":"2026-11-01T11:00:00Z","totalRefundedSet":` + bag("1.00") + `,
"refundLineItems":{"nodes":[],"pageInfo":{"hasNextPage":false}},"refundShippingLines":{"nodes":[],"pageInfo":{"hasNextPage":false}},"orderAdjustments":{"nodes":[],"pageInfo":{"hasNextPage":false}},"transactions":{"nodes":[],"pageInfo":{"hasNextPage":false}}}}`
	}
	c, err := NewClient(ClientConfig{ShopDomain: "example.myshopify.com", BaseURL: srv.URL, Token: StaticToken("t")})
	if err != nil {
		t.Fatal(err)
	}
	var slept []time.Duration
	c.sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	var got []*Order
	err = c.BulkOrders(context.Background(), OrdersQuery{UpdatedSince: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}, time.Second, func(o *Order) error {
		got = append(got, o)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].LineItems) != 1 || len(got[0].Refunds) != 1 || len(got[0].DiscountApplications) != 1 || got[0].DiscountApplications[0].Code != "FALL10" || len(got[0].Agreements) != 1 {
		t.Fatalf("got %+v", got)
	}
	if polls != 3 || len(slept) != 2 {
		t.Fatalf("polls %d sleeps %v", polls, slept)
	}
}

func TestBulkFailureAndUserErrorsAreTyped(t *testing.T) {
	r := &routedShopify{t: t, routes: map[string]func(map[string]any) string{}}
	r.routes["BulkRun"] = func(map[string]any) string {
		return `{"bulkOperationRunQuery":{"bulkOperation":null,"userErrors":[{"field":["query"],"message":"A bulk query operation for this app and shop is already in progress","code":"OPERATION_IN_PROGRESS"}]}}`
	}
	r.routes["BulkStatus"] = func(map[string]any) string {
		return `{"bulkOperation":{"id":"gid://shopify/BulkOperation/1","status":"FAILED","errorCode":"ACCESS_DENIED"}}`
	}
	c := routedClient(t, r)
	_, err := c.StartBulkQuery(context.Background(), BulkQueryOrders.Query)
	var ue *UserErrorsError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "already in progress") {
		t.Fatalf("err = %v", err)
	}
	_, err = c.WaitBulk(context.Background(), "gid://shopify/BulkOperation/1", time.Millisecond)
	var bf *BulkFailedError
	if !errors.As(err, &bf) || bf.Operation.ErrorCode != "ACCESS_DENIED" {
		t.Fatalf("err = %v", err)
	}
}

// Bulk connections nest two deep at most, so a child's parent is a root: a
// child of a child (or a file whose ids loop) is refused, not recursed into.
func TestRebuildBulkRefusesGrandchildren(t *testing.T) {
	jsonl := `{"id":"o","__typename":"Order"}` + "\n" + `{"id":"l","__typename":"LineItem","__parentId":"o"}` + "\n" +
		`{"id":"s","__typename":"LineItem","__parentId":"l"}`
	err := RebuildBulk(strings.NewReader(jsonl), orderChildField, func(json.RawMessage) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "two levels") {
		t.Fatalf("err = %v", err)
	}
}

// TestRebuildBulkSpreadsLargePartitions: partitions spooled larger than
// the join may hold are spread over smaller files first, and every root
// comes out rebuilt byte for byte as without the spread, its children in
// file order.
func TestRebuildBulkSpreadsLargePartitions(t *testing.T) {
	var lines []string
	for i := range 3000 {
		order := fmt.Sprintf("gid://shopify/Order/%d", i)
		lines = append(lines, fmt.Sprintf(`{"__typename":"LineItem","id":"gid://shopify/LineItem/%d-a","__parentId":%q}`, i, order))
		lines = append(lines, fmt.Sprintf(`{"id":%q,"name":"#%d"}`, order, 1000+i))
		lines = append(lines, fmt.Sprintf(`{"__typename":"LineItem","id":"gid://shopify/LineItem/%d-b","__parentId":%q}`, i, order))
	}
	// The children of an order far from it in the file.
	for i := range 3000 {
		lines = append(lines, fmt.Sprintf(`{"__typename":"OrderAgreement","id":"gid://shopify/SalesAgreement/%d","__parentId":"gid://shopify/Order/%d"}`, i, (i*7)%3000))
	}
	jsonl := strings.Join(lines, "\n")
	rebuilt := func(partBytes int64) map[string]string {
		t.Helper()
		out := map[string]string{}
		err := rebuildBulk(strings.NewReader(jsonl), orderChildField, func(r json.RawMessage) error {
			var head struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(r, &head); err != nil {
				return fmt.Errorf("%w: %s", err, r)
			}
			if _, dup := out[head.ID]; dup {
				return fmt.Errorf("%s rebuilt twice", head.ID)
			}
			out[head.ID] = string(r)
			return nil
		}, partBytes)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// 3000 orders over bulkPartitions files: each far more than 1 KiB,
	// so every partition is spread, some twice.
	const small = 1 << 10
	if len(jsonl)/bulkPartitions < 4*small {
		t.Fatalf("%d bytes over %d partitions: too little to spread", len(jsonl), bulkPartitions)
	}
	whole, spread := rebuilt(1<<40), rebuilt(small)
	if len(whole) != 3000 || !maps.Equal(whole, spread) {
		t.Fatalf("%d roots joined whole, %d spread; differing e.g. %v", len(whole), len(spread), firstDiff(whole, spread))
	}
	want := `{"id":"gid://shopify/Order/7","name":"#1007","lineItems":[{"__typename":"LineItem","id":"gid://shopify/LineItem/7-a","__parentId":"gid://shopify/Order/7"},{"__typename":"LineItem","id":"gid://shopify/LineItem/7-b","__parentId":"gid://shopify/Order/7"}],"agreements":[{"__typename":"OrderAgreement","id":"gid://shopify/SalesAgreement/1","__parentId":"gid://shopify/Order/7"}]}`
	if spread["gid://shopify/Order/7"] != want {
		t.Fatalf("order 7 rebuilt as %s", spread["gid://shopify/Order/7"])
	}
}

func firstDiff(a, b map[string]string) string {
	for k, v := range a {
		if b[k] != v {
			return fmt.Sprintf("%s: %q / %q", k, v, b[k])
		}
	}
	return ""
}

// The join reads a line's own id, __parentId and __typename, whether
// written plainly or with escapes, and not those of objects inside it.
func TestScanTopLevelReadsOwnMembers(t *testing.T) {
	for line, want := range map[string]topLevel{
		`{"id":"gid://shopify/Order/1","customer":{"id":"gid://shopify/Customer/9"}}`:                        {id: "gid://shopify/Order/1"},
		`{"__typename":"LineItem","id":"gid:\/\/shopify\/LineItem\/2","__parentId":"gid://shopify/Order/1"}`: {id: "gid://shopify/LineItem/2", parent: "gid://shopify/Order/1", typename: "LineItem"},
		`{"lines":[{"id":"x"}], "id" : "caf\u00e9" , "n":1}`:                                                 {id: "café"},
	} {
		got, err := scanTopLevel([]byte(line), topLevel{})
		if err != nil || got != want {
			t.Errorf("scanTopLevel(%s) = %+v, %v; want %+v", line, got, err, want)
		}
	}
	// After another line: what it shares is the same, what it does not is its own.
	prev := topLevel{id: "gid://shopify/Order/1", typename: "LineItem"}
	for _, line := range []string{`{"__typename":"LineItem","id":"gid://shopify/LineItem/3","__parentId":"gid://shopify/Order/1"}`,
		`{"__typename":"ShippingLine","id":"gid://shopify/Order/1x","__parentId":"gid://shopify/Order/2"}`} {
		fresh, err1 := scanTopLevel([]byte(line), topLevel{})
		after, err2 := scanTopLevel([]byte(line), prev)
		if err1 != nil || err2 != nil || fresh != after {
			t.Errorf("scanTopLevel(%s) after %+v = %+v, %v; alone %+v, %v", line, prev, after, err2, fresh, err1)
		}
		prev = after
	}
	if _, err := scanTopLevel([]byte(`{"id":"a"`), topLevel{}); err == nil {
		t.Error("a truncated line was read")
	}
}
