package shopifysim

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/shopify"
)

func TestNewRequiresSchema(t *testing.T) {
	if _, err := New(Options{}); err == nil || !strings.Contains(err.Error(), "SchemaDir") {
		t.Fatalf("New without schema: %v", err)
	}
	if _, err := New(Options{SchemaDir: "/nonexistent/schemas"}); err == nil {
		t.Fatal("New with a missing schema folder succeeded")
	}
}

func TestAuthAndVersion(t *testing.T) {
	ts := newTestSim(t, nil)
	status, body := ts.post(t, "2026-10", "wrong", `{ shop { name } }`, nil)
	if status != http.StatusUnauthorized || !strings.Contains(string(body), "Invalid API key or access token") {
		t.Fatalf("wrong token: HTTP %d %s", status, body)
	}
	status, _ = ts.post(t, "2026-10", "", `{ shop { name } }`, nil)
	if status != http.StatusUnauthorized {
		t.Fatalf("no token: HTTP %d", status)
	}
	status, _ = ts.post(t, "1999-01", testToken, `{ shop { name } }`, nil)
	if status != http.StatusNotFound {
		t.Fatalf("unknown version: HTTP %d", status)
	}
	r := ts.gql(t, `{ shop { name myshopifyDomain currencyCode ianaTimezone __typename } }`, nil)
	mustNoErrors(t, r)
	var shop map[string]any
	decode(t, r.Data["shop"], &shop)
	if shop["myshopifyDomain"] != "demo-store.myshopify.com" || shop["currencyCode"] != "USD" || shop["__typename"] != "Shop" {
		t.Fatalf("shop = %v", shop)
	}
}

func TestValidationErrorsLikeShopify(t *testing.T) {
	ts := newTestSim(t, nil)
	r := ts.gql(t, "{\n  orders(first: 1) { nodes { receiptNumber } }\n}", nil)
	if len(r.Errors) != 1 || r.Data != nil {
		t.Fatalf("want one error and no data, got %+v", r)
	}
	e := r.Errors[0]
	if !strings.Contains(e.Message, `Cannot query field "receiptNumber" on type "Order"`) || e.Extensions["code"] != "undefinedField" {
		t.Fatalf("error = %+v", e)
	}
	if len(e.Locations) != 1 || e.Locations[0].Line != 2 {
		t.Fatalf("locations = %+v", e.Locations)
	}
	r = ts.gql(t, `{ orders(first: 1) { nodes { id } `, nil)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "syntaxError" {
		t.Fatalf("syntax error: %+v", r.Errors)
	}
	r = ts.gql(t, `query($n: Int!) { orders(first: $n) { nodes { id } } }`, map[string]any{"n": "ten"})
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "variableMismatch" {
		t.Fatalf("bad variable: %+v", r.Errors)
	}
	// Purchase orders exist only in the unstable schema.
	r = ts.gql(t, `{ inventoryPurchaseOrders(first: 1) { nodes { id } } }`, nil)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "undefinedField" {
		t.Fatalf("2026-10 accepted inventoryPurchaseOrders: %+v", r.Errors)
	}
}

type pageOfOrders struct {
	Edges []struct {
		Cursor string `json:"cursor"`
		Node   struct {
			ID        string    `json:"id"`
			UpdatedAt time.Time `json:"updatedAt"`
		} `json:"node"`
	} `json:"edges"`
	PageInfo struct {
		HasNextPage     bool    `json:"hasNextPage"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		StartCursor     *string `json:"startCursor"`
		EndCursor       *string `json:"endCursor"`
	} `json:"pageInfo"`
}

const ordersPageQuery = `query Page($first: Int, $last: Int, $after: String, $before: String, $q: String, $rev: Boolean, $sort: OrderSortKeys) {
  orders(first: $first, last: $last, after: $after, before: $before, query: $q, reverse: $rev, sortKey: $sort) {
    edges { cursor node { id updatedAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`

// walk pages through a query forwards and returns the ids in order.
func walkOrders(t *testing.T, ts *testSim, vars map[string]any) []string {
	t.Helper()
	var ids []string
	var after any
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("pagination does not end")
		}
		v := map[string]any{"first": 7, "after": after}
		for k, x := range vars {
			v[k] = x
		}
		r := ts.gql(t, ordersPageQuery, v)
		mustNoErrors(t, r)
		var p pageOfOrders
		decode(t, r.Data["orders"], &p)
		for _, e := range p.Edges {
			ids = append(ids, e.Node.ID)
		}
		if pages > 0 != p.PageInfo.HasPreviousPage && len(p.Edges) > 0 {
			t.Fatalf("hasPreviousPage = %v on page %d", p.PageInfo.HasPreviousPage, pages)
		}
		if !p.PageInfo.HasNextPage {
			return ids
		}
		after = *p.PageInfo.EndCursor
	}
}

func TestPaginationSortReverseAndFilters(t *testing.T) {
	ts := newTestSim(t, nil)
	data := ts.Data()
	orders := append([]shopify.Order(nil), data.Orders...)
	sort.SliceStable(orders, func(a, b int) bool {
		if !orders[a].UpdatedAt.Equal(orders[b].UpdatedAt) {
			return orders[a].UpdatedAt.Before(orders[b].UpdatedAt)
		}
		return itemIDOf(orders[a].ID) < itemIDOf(orders[b].ID)
	})
	var want []string
	for _, o := range orders {
		want = append(want, o.ID)
	}
	got := walkOrders(t, ts, map[string]any{"sort": "UPDATED_AT"})
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("UPDATED_AT walk:\n got %v\nwant %v", got, want)
	}
	rev := walkOrders(t, ts, map[string]any{"sort": "UPDATED_AT", "rev": true})
	for i := range rev {
		if rev[i] != want[len(want)-1-i] {
			t.Fatalf("reverse walk differs at %d", i)
		}
	}
	// Watermark filter, as incremental sync uses it.
	mark := orders[len(orders)/2].UpdatedAt
	var wantAfter []string
	for _, o := range orders {
		if o.UpdatedAt.After(mark) {
			wantAfter = append(wantAfter, o.ID)
		}
	}
	got = walkOrders(t, ts, map[string]any{"sort": "UPDATED_AT", "q": "updated_at:>'" + mark.Format(time.RFC3339) + "'"})
	if strings.Join(got, ",") != strings.Join(wantAfter, ",") {
		t.Fatalf("updated_at filter: got %d ids, want %d", len(got), len(wantAfter))
	}
	// Combined with AND and a status filter.
	var wantCancelled []string
	for _, o := range orders {
		if o.CancelledAt != nil && !o.UpdatedAt.After(mark) {
			wantCancelled = append(wantCancelled, o.ID)
		}
	}
	got = walkOrders(t, ts, map[string]any{"sort": "UPDATED_AT", "q": "status:cancelled AND updated_at:<='" + mark.Format(time.RFC3339) + "'"})
	if strings.Join(got, ",") != strings.Join(wantCancelled, ",") {
		t.Fatalf("status filter: got %v want %v", got, wantCancelled)
	}
	// last/before walks backwards from the end.
	r := ts.gql(t, ordersPageQuery, map[string]any{"last": 5, "sort": "UPDATED_AT"})
	mustNoErrors(t, r)
	var tail pageOfOrders
	decode(t, r.Data["orders"], &tail)
	if len(tail.Edges) != 5 || tail.Edges[4].Node.ID != want[len(want)-1] || tail.PageInfo.HasNextPage || !tail.PageInfo.HasPreviousPage {
		t.Fatalf("last 5: %+v", tail)
	}
	r = ts.gql(t, ordersPageQuery, map[string]any{"last": 5, "before": *tail.PageInfo.StartCursor, "sort": "UPDATED_AT"})
	var prev pageOfOrders
	decode(t, r.Data["orders"], &prev)
	if len(prev.Edges) != 5 || prev.Edges[4].Node.ID != want[len(want)-6] {
		t.Fatalf("page before: %+v", prev)
	}
	// Missing first/last is refused, as Shopify does.
	r = ts.gql(t, `{ orders { nodes { id } } }`, nil)
	if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "first or last") {
		t.Fatalf("no first/last: %+v", r.Errors)
	}
	// id range filter.
	idn := itemIDOf(want[3])
	got = walkOrders(t, ts, map[string]any{"q": "id:<=" + itoa(idn)})
	if len(got) != countIDsAtMost(want, idn) {
		t.Fatalf("id filter returned %d", len(got))
	}
}

func itemIDOf(gid string) int64 { return itemID(map[string]any{"id": gid}) }

func countIDsAtMost(ids []string, n int64) int {
	c := 0
	for _, id := range ids {
		if itemIDOf(id) <= n {
			c++
		}
	}
	return c
}

func TestFragmentsAliasesTypenameAndMoney(t *testing.T) {
	ts := newTestSim(t, nil)
	q := `fragment Money on MoneyBag { shopMoney { amount currencyCode } }
fragment SaleParts on Sale { actionType lineType totalAmount { ...Money } }
query {
  firstOne: orders(first: 1, sortKey: ID) { nodes { ...OrderParts } }
  lastOne: orders(first: 1, sortKey: ID, reverse: true) { nodes { id name } }
}
fragment OrderParts on Order {
  __typename id name legacyResourceId
  total: totalPriceSet { ...Money }
  lineItems(first: 10) { nodes { id sku quantity } }
  agreements(first: 10) { nodes { __typename reason sales(first: 20) { nodes { __typename ...SaleParts ... on ProductSale { lineItem { id } } } } } }
}`
	r := ts.gql(t, q, nil)
	mustNoErrors(t, r)
	var first struct {
		Nodes []struct {
			Typename         string `json:"__typename"`
			ID               string `json:"id"`
			LegacyResourceID string `json:"legacyResourceId"`
			Total            struct {
				ShopMoney struct{ Amount, CurrencyCode string } `json:"shopMoney"`
			} `json:"total"`
			LineItems struct {
				Nodes []struct{ ID, SKU string } `json:"nodes"`
			} `json:"lineItems"`
			Agreements struct {
				Nodes []struct {
					Typename string `json:"__typename"`
					Sales    struct {
						Nodes []map[string]any `json:"nodes"`
					} `json:"sales"`
				} `json:"nodes"`
			} `json:"agreements"`
		} `json:"nodes"`
	}
	decode(t, r.Data["firstOne"], &first)
	data := ts.Data()
	o := data.Orders[0]
	n := first.Nodes[0]
	if n.Typename != "Order" || n.ID != o.ID || n.LegacyResourceID != gidNumber(o.ID) {
		t.Fatalf("node = %+v", n)
	}
	if n.Total.ShopMoney.Amount != o.TotalPriceSet.ShopMoney.Amount.String() || n.Total.ShopMoney.CurrencyCode != "USD" {
		t.Fatalf("total %+v, want %s", n.Total, o.TotalPriceSet.ShopMoney.Amount)
	}
	if len(n.LineItems.Nodes) != len(o.LineItems) {
		t.Fatalf("line items %d, want %d", len(n.LineItems.Nodes), len(o.LineItems))
	}
	ag := n.Agreements.Nodes[0]
	if ag.Typename != "OrderAgreement" {
		t.Fatalf("agreement typename %q", ag.Typename)
	}
	for _, s := range ag.Sales.Nodes {
		if s["__typename"] == "ProductSale" {
			li, _ := s["lineItem"].(map[string]any)
			if li == nil || li["id"] == "" {
				t.Fatalf("ProductSale without its line item: %v", s)
			}
		} else if _, ok := s["lineItem"]; ok {
			t.Fatalf("inline fragment applied to %v", s["__typename"])
		}
		if s["actionType"] != "ORDER" {
			t.Fatalf("sale = %v", s)
		}
	}
	var last struct{ Nodes []struct{ ID string } }
	decode(t, r.Data["lastOne"], &last)
	if last.Nodes[0].ID != data.Orders[len(data.Orders)-1].ID {
		t.Fatalf("reverse alias gave %s", last.Nodes[0].ID)
	}
}

func TestNodeAndNonNullZeroValues(t *testing.T) {
	ts := newTestSim(t, nil)
	o := ts.Data().Orders[1]
	r := ts.gql(t, `query($id: ID!, $ids: [ID!]!) {
  node(id: $id) { __typename id ... on Order { name confirmationNumber closed } }
  nodes(ids: $ids) { __typename id }
  order(id: $id) { name customerAcceptsMarketing }
}`, map[string]any{"id": o.ID, "ids": []string{o.ID, o.LineItems[0].ID, "gid://shopify/Order/1"}})
	mustNoErrors(t, r)
	var node map[string]any
	decode(t, r.Data["node"], &node)
	if node["__typename"] != "Order" || node["name"] != o.Name {
		t.Fatalf("node = %v", node)
	}
	// Fields the data lacks: nullable → null, non-null → zero value.
	if node["confirmationNumber"] != nil || node["closed"] != false {
		t.Fatalf("missing fields = %v / %v", node["confirmationNumber"], node["closed"])
	}
	var nodes []map[string]any
	decode(t, r.Data["nodes"], &nodes)
	if len(nodes) != 3 || nodes[1]["__typename"] != "LineItem" || nodes[2] != nil {
		t.Fatalf("nodes = %v", nodes)
	}
}

func TestQueryCostAndThrottling(t *testing.T) {
	ts := newTestSim(t, func(o *Options) { o.Bucket = BucketOptions{MaximumAvailable: 100, RestoreRate: 10} })
	// 2 + 10 × (1 order + (2 + 5 × 1 line)) = 82.
	q := `{ orders(first: 10) { edges { node { id lineItems(first: 5) { nodes { id } } } } } }`
	r := ts.gql(t, q, nil)
	mustNoErrors(t, r)
	c := r.Extensions.Cost
	if c.RequestedQueryCost != 82 || c.ActualQueryCost == nil || *c.ActualQueryCost > 82 || *c.ActualQueryCost < 2+10*3 {
		t.Fatalf("cost = %+v", c)
	}
	if c.ThrottleStatus.MaximumAvailable != 100 || c.ThrottleStatus.RestoreRate != 10 ||
		c.ThrottleStatus.CurrentlyAvailable != float64(100-*c.ActualQueryCost) {
		t.Fatalf("throttle status = %+v", c.ThrottleStatus)
	}
	// Scalars are free, objects 1.
	r = ts.gql(t, `{ shop { id name } }`, nil)
	if r.Extensions.Cost.RequestedQueryCost != 1 {
		t.Fatalf("shop cost %d", r.Extensions.Cost.RequestedQueryCost)
	}
	// Drain: a query needing more than is available is THROTTLED with HTTP 200.
	var throttled bool
	for i := 0; i < 5 && !throttled; i++ {
		r = ts.gql(t, q, nil)
		if len(r.Errors) > 0 {
			if r.Errors[0].Extensions["code"] != "THROTTLED" || r.Data != nil || r.Extensions.Cost.ActualQueryCost != nil {
				t.Fatalf("throttle response = %+v", r)
			}
			throttled = true
		}
	}
	if !throttled {
		t.Fatal("never throttled")
	}
	ts.clock.Advance(10 * time.Second) // restores 100 points
	r = ts.gql(t, q, nil)
	mustNoErrors(t, r)

	// The single-query cap.
	r = ts.gql(t, `{ orders(first: 250) { nodes { id lineItems(first: 250) { nodes { id } } } } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "MAX_COST_EXCEEDED" || r.Data != nil {
		t.Fatalf("max cost: %+v", r)
	}
	// Mutations cost 10.
	r = ts.gql(t, `mutation { bulkOperationRunQuery(query: "{ orders { edges { node { id } } } }", groupObjects: false) { bulkOperation { id } userErrors { message } } }`, nil)
	if r.Extensions.Cost.RequestedQueryCost != 10 {
		t.Fatalf("mutation cost %d", r.Extensions.Cost.RequestedQueryCost)
	}
}

func TestAccessDenied(t *testing.T) {
	ts := newTestSim(t, func(o *Options) { o.Scopes = []string{"read_orders", "read_shopify_payments_accounts"} })
	r := ts.gql(t, `{ orders(first: 1) { nodes { id } } customers(first: 1) { nodes { id } } }`, nil)
	if len(r.Errors) != 1 {
		t.Fatalf("errors = %+v", r.Errors)
	}
	e := r.Errors[0]
	if e.Extensions["code"] != "ACCESS_DENIED" || e.Extensions["requiredAccess"] != "`read_customers` access scope." ||
		len(e.Path) != 1 || e.Path[0] != "customers" {
		t.Fatalf("access denied error = %+v", e)
	}
	if string(r.Data["customers"]) != "null" || string(r.Data["orders"]) == "null" {
		t.Fatalf("data = %s / %s", r.Data["customers"], r.Data["orders"])
	}
	r = ts.gql(t, `{ shopifyPaymentsAccount { id payouts(first: 1) { nodes { id } } } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["requiredAccess"] != "`read_shopify_payments_payouts` access scope." {
		t.Fatalf("payouts without scope: %+v", r.Errors)
	}
}

func TestPayoutsOverGraphQL(t *testing.T) {
	ts := newTestSim(t, nil)
	d := ts.Data()
	if len(d.Payouts) == 0 {
		t.Fatal("no payouts generated")
	}
	p := d.Payouts[0]
	r := ts.gql(t, `query($q: String) { shopifyPaymentsAccount {
  payouts(first: 100, sortKey: ISSUED_AT) { nodes { id net { amount } transactionType status issuedAt } }
  balanceTransactions(first: 100, query: $q) { nodes { id type amount { amount } fee { amount } net { amount } associatedPayout { id } sourceOrderTransactionId } }
} }`, map[string]any{"q": "payout_id:" + gidNumber(p.ID)})
	mustNoErrors(t, r)
	var acct struct {
		Payouts struct {
			Nodes []struct {
				ID  string
				Net struct{ Amount string }
			}
		}
		BalanceTransactions struct {
			Nodes []struct {
				ID               string
				Net              struct{ Amount string }
				AssociatedPayout struct{ ID string }
			}
		}
	}
	decode(t, r.Data["shopifyPaymentsAccount"], &acct)
	if len(acct.Payouts.Nodes) != len(d.Payouts) {
		t.Fatalf("%d payouts, want %d", len(acct.Payouts.Nodes), len(d.Payouts))
	}
	if len(acct.BalanceTransactions.Nodes) != len(p.BalanceTransactions) {
		t.Fatalf("payout filter: %d balance transactions, want %d", len(acct.BalanceTransactions.Nodes), len(p.BalanceTransactions))
	}
	for _, bt := range acct.BalanceTransactions.Nodes {
		if bt.AssociatedPayout.ID != p.ID {
			t.Fatalf("balance transaction %s in payout %s", bt.ID, bt.AssociatedPayout.ID)
		}
	}
}

func TestPurchaseOrdersOnUnstable(t *testing.T) {
	ts := newTestSim(t, nil)
	r := ts.gqlVersion(t, "unstable", `{ inventoryPurchaseOrders(first: 10) { nodes { id name status currency
  origin { supplier { name } } destination { name }
  lineItems(first: 20) { nodes { supplierSku totalQuantity unitCost { amount currencyCode } } } } } }`, nil)
	mustNoErrors(t, r)
	var pos struct {
		Nodes []struct {
			Name      string
			Status    string
			LineItems struct {
				Nodes []struct {
					TotalQuantity int
					UnitCost      struct{ Amount string }
				}
			}
		}
	}
	decode(t, r.Data["inventoryPurchaseOrders"], &pos)
	native := 0
	for _, po := range ts.Data().PurchaseOrders {
		if po.Source == "shopify" {
			native++
		}
	}
	if len(pos.Nodes) != native || native == 0 {
		t.Fatalf("%d purchase orders, want %d", len(pos.Nodes), native)
	}
	for _, po := range pos.Nodes {
		if po.Status != "DRAFT" && po.Status != "ORDERED" {
			t.Fatalf("status %q outside the schema enum", po.Status)
		}
		if len(po.LineItems.Nodes) == 0 || po.LineItems.Nodes[0].UnitCost.Amount == "" {
			t.Fatalf("purchase order %s lines = %+v", po.Name, po.LineItems)
		}
	}
}

func TestUpdateOrderBumpsUpdatedAt(t *testing.T) {
	ts := newTestSim(t, nil)
	o := ts.Data().Orders[0]
	if err := ts.UpdateOrder(o.ID, func(x *shopify.Order) { x.Test = true }); err != nil {
		t.Fatal(err)
	}
	r := ts.gql(t, `query($id: ID!) { order(id: $id) { updatedAt test } }`, map[string]any{"id": o.ID})
	mustNoErrors(t, r)
	var got struct {
		UpdatedAt time.Time
		Test      bool
	}
	decode(t, r.Data["order"], &got)
	if !got.Test || !got.UpdatedAt.After(o.UpdatedAt) {
		t.Fatalf("after update: %+v (was %s)", got, o.UpdatedAt)
	}
	if err := ts.UpdateOrder("gid://shopify/Order/404", nil); err == nil {
		t.Fatal("updating a missing order succeeded")
	}
}

func TestOrdersOlderThan60DaysNeedReadAllOrders(t *testing.T) {
	ts := newTestSim(t, func(o *Options) { o.Scopes = []string{"read_orders"} })
	all := len(ts.Data().Orders)
	count := func() int {
		r := ts.gql(t, `{ orders(first: 250) { nodes { id } } }`, nil)
		mustNoErrors(t, r)
		var c struct{ Nodes []struct{ ID string } }
		decode(t, r.Data["orders"], &c)
		return len(c.Nodes)
	}
	if n := count(); n != all {
		t.Fatalf("recent orders: %d of %d", n, all)
	}
	ts.clock.Advance(70 * 24 * time.Hour)
	if n := count(); n != 0 {
		t.Fatalf("%d orders older than 60 days served without read_all_orders", n)
	}
	old := ts.Data().Orders[0].ID
	r := ts.gql(t, `query($id: ID!) { order(id: $id) { id } }`, map[string]any{"id": old})
	if string(r.Data["order"]) != "null" {
		t.Fatalf("old order by id: %s", r.Data["order"])
	}
}

func TestBareGraphQLBody(t *testing.T) {
	ts := newTestSim(t, nil)
	req, _ := http.NewRequest(http.MethodPost, ts.srv.URL+"/admin/api/2026-10/graphql.json", strings.NewReader(`{ shop { name } }`))
	req.Header.Set("Content-Type", "application/graphql")
	req.Header.Set("X-Shopify-Access-Token", testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.Header.Get("X-Shopify-API-Version") != "2026-10" {
		t.Fatal(err, resp.Header)
	}
	mustNoErrors(t, r)
	if !strings.Contains(string(r.Data["shop"]), "Demo Store") {
		t.Fatalf("shop = %s", r.Data["shop"])
	}
}

func TestDerivedOrderFields(t *testing.T) {
	ts := newTestSim(t, nil)
	var o shopify.Order
	for _, x := range ts.Data().Orders {
		if len(x.Refunds) > 0 && len(x.Refunds[0].RefundLineItems) > 0 {
			o = x
			break
		}
	}
	if o.ID == "" {
		t.Fatal("no refunded order")
	}
	r := ts.gql(t, `query($id: ID!) { order(id: $id) {
  netPaymentSet { shopMoney { amount currencyCode } }
  currentSubtotalPriceSet { shopMoney { amount } }
  app { name }
  transactions { fees { flatFee { amount currencyCode } } }
} }`, map[string]any{"id": o.ID})
	mustNoErrors(t, r)
	var got struct {
		NetPaymentSet struct {
			ShopMoney struct{ Amount, CurrencyCode string }
		}
		CurrentSubtotalPriceSet struct{ ShopMoney struct{ Amount string } }
		App                     struct{ Name string }
		Transactions            []struct {
			Fees []struct {
				FlatFee struct{ Amount, CurrencyCode string }
			}
		}
	}
	decode(t, r.Data["order"], &got)
	net := o.TotalReceivedSet.ShopMoney.Amount - o.TotalRefundedSet.ShopMoney.Amount
	if got.NetPaymentSet.ShopMoney.Amount != net.String() || got.NetPaymentSet.ShopMoney.CurrencyCode != "USD" {
		t.Fatalf("netPayment %+v, want %s", got.NetPaymentSet, net)
	}
	sub := o.SubtotalPriceSet.ShopMoney.Amount
	for _, rf := range o.Refunds {
		for _, rl := range rf.RefundLineItems {
			sub -= rl.SubtotalSet.ShopMoney.Amount
		}
	}
	if got.CurrentSubtotalPriceSet.ShopMoney.Amount != sub.String() {
		t.Fatalf("currentSubtotal %s, want %s", got.CurrentSubtotalPriceSet.ShopMoney.Amount, sub)
	}
	wantApp := map[string]string{"pos": "Point of Sale", "web": "Online Store"}[o.SourceName]
	if got.App.Name != wantApp {
		t.Fatalf("app %q for %s", got.App.Name, o.SourceName)
	}
	for _, tx := range got.Transactions {
		for _, f := range tx.Fees {
			if f.FlatFee.CurrencyCode != "USD" {
				t.Fatalf("zero MoneyV2 in %q", f.FlatFee.CurrencyCode)
			}
		}
	}
}

func TestIntrospection(t *testing.T) {
	ts := newTestSim(t, nil)
	r := ts.gql(t, `{
  __schema { queryType { name } mutationType { name } }
  order: __type(name: "Order") { kind name fields { name type { kind name ofType { kind name } } }
    interfaces { name } }
  all: __type(name: "Order") { fields(includeDeprecated: true) { name isDeprecated } }
  sale: __type(name: "Sale") { kind possibleTypes { name } }
  status: __type(name: "OrderDisplayFinancialStatus") { enumValues { name } }
}`, nil)
	mustNoErrors(t, r)
	var got struct {
		Schema struct {
			QueryType, MutationType struct{ Name string }
		} `json:"__schema"`
		Order struct {
			Kind   string
			Fields []struct {
				Name string
				Type struct {
					Kind   string
					Name   *string
					OfType *struct{ Kind, Name string }
				}
			}
			Interfaces []struct{ Name string }
		} `json:"order"`
		All struct {
			Fields []struct {
				Name         string
				IsDeprecated bool
			}
		} `json:"all"`
		Sale struct {
			Kind          string
			PossibleTypes []struct{ Name string }
		} `json:"sale"`
		Status struct{ EnumValues []struct{ Name string } } `json:"status"`
	}
	raw, _ := json.Marshal(r.Data)
	decode(t, raw, &got)
	if got.Schema.QueryType.Name != "QueryRoot" || got.Schema.MutationType.Name != "Mutation" {
		t.Fatalf("root types %+v", got.Schema)
	}
	idOK := false
	for _, f := range got.Order.Fields {
		if f.Name == "id" && f.Type.Kind == "NON_NULL" && f.Type.OfType != nil && f.Type.OfType.Name == "ID" {
			idOK = true
		}
	}
	if got.Order.Kind != "OBJECT" || !idOK || len(got.Order.Interfaces) == 0 {
		t.Fatalf("Order type: kind %s, id ok %v, %d interfaces", got.Order.Kind, idOK, len(got.Order.Interfaces))
	}
	deprecated := 0
	for _, f := range got.All.Fields {
		if f.IsDeprecated {
			deprecated++
		}
	}
	if deprecated == 0 || len(got.All.Fields)-deprecated != len(got.Order.Fields) {
		t.Fatalf("includeDeprecated: %d fields, %d deprecated, %d by default", len(got.All.Fields), deprecated, len(got.Order.Fields))
	}
	if got.Sale.Kind != "INTERFACE" || len(got.Sale.PossibleTypes) < 5 || len(got.Status.EnumValues) < 5 {
		t.Fatalf("Sale %+v, status %+v", got.Sale, got.Status)
	}
	if r.Extensions.Cost.RequestedQueryCost != 0 {
		t.Fatalf("introspection cost %d", r.Extensions.Cost.RequestedQueryCost)
	}
}
