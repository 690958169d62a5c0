package shopify_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/testenv"
)

// These tests run the client against the project's Shopify simulator over
// HTTP: its schema validation, cost accounting and data are independent of
// the client, so agreement here means the two read the API the same way.

func startSim(t *testing.T, opts shopifysim.Options) (*shopifysim.Sim, string) {
	t.Helper()
	opts.SchemaDir = filepath.Join(testenv.SharedDir(t), "shopify")
	if opts.Shop.Domain == "" {
		opts.Shop.Domain = "demo-store.myshopify.com"
	}
	if opts.AccessToken == "" {
		opts.AccessToken = "shpat_sim"
	}
	sim, err := shopifysim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

func simClient(t *testing.T, url string, token string) *shopify.Client {
	t.Helper()
	c, err := shopify.NewClient(shopify.ClientConfig{ShopDomain: "demo-store.myshopify.com", BaseURL: url, Token: shopify.StaticToken(token)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSimulatorReadsEverything(t *testing.T) {
	// A fast-restoring bucket keeps the test quick; throttling has its own test.
	sim, url := startSim(t, shopifysim.Options{Seed: 7, Orders: 25, Days: 3, Bucket: shopifysim.BucketOptions{MaximumAvailable: 2000, RestoreRate: 100000}})
	c := simClient(t, url, "shpat_sim")
	ctx := context.Background()
	data := sim.Data()

	shop, err := c.Shop(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if shop.MyshopifyDomain != "demo-store.myshopify.com" || shop.CurrencyCode == "" {
		t.Fatalf("shop = %+v", shop)
	}
	locs, err := c.Locations(ctx)
	if err != nil || len(locs) != len(data.Locations) {
		t.Fatalf("locations %d (want %d): %v", len(locs), len(data.Locations), err)
	}

	byID := map[string]*shopify.Order{}
	for i := range data.Orders {
		byID[data.Orders[i].ID] = &data.Orders[i]
	}
	n := 0
	err = c.Orders(ctx, shopify.OrdersQuery{}, func(o *shopify.Order) error {
		n++
		compareOrder(t, o, byID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(data.Orders) {
		t.Fatalf("read %d orders, simulator has %d", n, len(data.Orders))
	}

	var customers, products, payouts, pos int
	if err := c.Customers(ctx, shopify.UpdatedRange{}, func(*shopify.Customer) error { customers++; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := c.Products(ctx, shopify.UpdatedRange{}, func(p *shopify.Product) error {
		products++
		if len(p.Variants) == 0 {
			t.Errorf("product %s without variants", p.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	payoutByID := map[string]*shopify.Payout{}
	for i := range data.Payouts {
		payoutByID[data.Payouts[i].ID] = &data.Payouts[i]
	}
	if err := c.Payouts(ctx, shopify.PayoutsQuery{}, 10*time.Millisecond, func(p *shopify.Payout) error {
		payouts++
		want := payoutByID[p.ID]
		if want == nil || len(p.BalanceTransactions) != len(want.BalanceTransactions) || p.Net.Amount != want.Net.Amount {
			t.Errorf("payout %s: %d balance transactions, net %v; simulator %+v", p.ID, len(p.BalanceTransactions), p.Net.Amount, want)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := c.PurchaseOrders(ctx, func(*shopify.PurchaseOrder) error { pos++; return nil }); err != nil {
		t.Fatal(err)
	}
	native := 0
	for _, po := range data.PurchaseOrders {
		if po.Source == "shopify" {
			native++
		}
	}
	if customers != len(data.Customers) || products != len(data.Products) || payouts != len(data.Payouts) || pos != native {
		t.Fatalf("customers %d/%d products %d/%d payouts %d/%d purchase orders %d/%d",
			customers, len(data.Customers), products, len(data.Products), payouts, len(data.Payouts), pos, native)
	}
	// The simulator computes requested cost independently of the client's
	// estimator; every operation that ran must be under the 1000-point cap.
	ran := 0
	for _, op := range shopify.Operations() {
		cost := c.RequestedCost(op.Name)
		if cost == 0 {
			continue
		}
		ran++
		t.Logf("%-28s simulator requestedQueryCost %4d", op.Name, cost)
		if cost >= 1000 {
			t.Errorf("%s: requested cost %d is over the cap", op.Name, cost)
		}
	}
	if ran < 8 {
		t.Errorf("only %d operations reported a cost", ran)
	}
}

func TestSimulatorAccessDeniedNamesScope(t *testing.T) {
	_, url := startSim(t, shopifysim.Options{Seed: 1, Orders: 2, Scopes: []string{"read_orders", "read_products"}})
	c := simClient(t, url, "shpat_sim")
	err := c.Payouts(context.Background(), shopify.PayoutsQuery{}, 10*time.Millisecond, func(*shopify.Payout) error { return nil })
	var ad *shopify.AccessDeniedError
	if !errors.As(err, &ad) || len(ad.RequiredAccess) == 0 {
		t.Fatalf("err = %v", err)
	}
	t.Logf("access denied: %v", err)
}

func TestSimulatorRejectsBadToken(t *testing.T) {
	_, url := startSim(t, shopifysim.Options{Seed: 1, Orders: 1})
	c := simClient(t, url, "shpat_wrong")
	if _, err := c.Shop(context.Background()); !errors.Is(err, shopify.ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
}

func TestSimulatorThrottlingIsSurvived(t *testing.T) {
	// A tiny bucket forces THROTTLED answers; the client must wait and finish.
	_, url := startSim(t, shopifysim.Options{Seed: 3, Orders: 6, Bucket: shopifysim.BucketOptions{MaximumAvailable: 1000, RestoreRate: 1000}})
	c := simClient(t, url, "shpat_sim")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n := 0
	if err := c.Orders(ctx, shopify.OrdersQuery{}, func(*shopify.Order) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 6 {
		t.Fatalf("read %d orders", n)
	}
	if ts := c.Throttle(); ts.MaximumAvailable != 1000 || ts.RestoreRate != 1000 {
		t.Fatalf("throttle status %+v", ts)
	}
}

func TestSimulatorBulkOrders(t *testing.T) {
	sim, url := startSim(t, shopifysim.Options{Seed: 5, Orders: 12, Days: 2, Bucket: shopifysim.BucketOptions{MaximumAvailable: 2000, RestoreRate: 100000}})
	c := simClient(t, url, "shpat_sim")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	byID := map[string]*shopify.Order{}
	for i := range sim.Data().Orders {
		byID[sim.Data().Orders[i].ID] = &sim.Data().Orders[i]
	}
	n := 0
	err := c.BulkOrders(ctx, shopify.OrdersQuery{}, 10*time.Millisecond, func(o *shopify.Order) error {
		n++
		compareOrder(t, o, byID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(sim.Data().Orders) {
		t.Fatalf("bulk read %d orders, simulator has %d", n, len(sim.Data().Orders))
	}
}

func TestSimulatorClientCredentials(t *testing.T) {
	_, url := startSim(t, shopifysim.Options{Seed: 1, Orders: 1, ClientID: "cid", ClientSecret: "csecret"})
	cc, err := shopify.NewClientCredentials(shopify.ClientCredentialsConfig{ShopDomain: "demo-store.myshopify.com", BaseURL: url, ClientID: "cid", ClientSecret: "csecret"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := shopify.NewClient(shopify.ClientConfig{ShopDomain: "demo-store.myshopify.com", BaseURL: url, Token: cc})
	if _, err := c.Shop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// compareOrder checks an order read through the client against the
// simulator's own copy: same children, same money.
func compareOrder(t *testing.T, o *shopify.Order, byID map[string]*shopify.Order) {
	t.Helper()
	want, ok := byID[o.ID]
	if !ok {
		t.Errorf("unknown order %s", o.ID)
		return
	}
	if len(o.LineItems) != len(want.LineItems) || len(o.Refunds) != len(want.Refunds) || len(o.Transactions) != len(want.Transactions) ||
		len(o.Agreements) != len(want.Agreements) || len(o.ShippingLines) != len(want.ShippingLines) || len(o.DiscountApplications) != len(want.DiscountApplications) {
		t.Errorf("order %s: lines %d/%d refunds %d/%d transactions %d/%d agreements %d/%d shipping %d/%d discounts %d/%d", o.ID,
			len(o.LineItems), len(want.LineItems), len(o.Refunds), len(want.Refunds), len(o.Transactions), len(want.Transactions),
			len(o.Agreements), len(want.Agreements), len(o.ShippingLines), len(want.ShippingLines), len(o.DiscountApplications), len(want.DiscountApplications))
	}
	if o.TotalPriceSet.ShopMoney.Amount != want.TotalPriceSet.ShopMoney.Amount || o.TotalTaxSet.ShopMoney.Amount != want.TotalTaxSet.ShopMoney.Amount {
		t.Errorf("order %s totals %v/%v", o.ID, o.TotalPriceSet.ShopMoney.Amount, want.TotalPriceSet.ShopMoney.Amount)
	}
	for i := range min(len(o.LineItems), len(want.LineItems)) {
		if o.LineItems[i].ID != want.LineItems[i].ID || o.LineItems[i].DiscountedTotalSet.ShopMoney.Amount != want.LineItems[i].DiscountedTotalSet.ShopMoney.Amount {
			t.Errorf("order %s line %d differs", o.ID, i)
		}
	}
	for i := range min(len(o.Refunds), len(want.Refunds)) {
		if len(o.Refunds[i].RefundLineItems) != len(want.Refunds[i].RefundLineItems) || o.Refunds[i].TotalRefundedSet.ShopMoney.Amount != want.Refunds[i].TotalRefundedSet.ShopMoney.Amount {
			t.Errorf("order %s refund %d differs", o.ID, i)
		}
	}
	// Sales are read for edits only (keepEditSalesOnly): the planner books no other agreement's.
	for i := range min(len(o.Agreements), len(want.Agreements)) {
		wantSales := len(want.Agreements[i].Sales)
		if want.Agreements[i].Reason != "ORDER_EDIT" {
			wantSales = 0
		}
		if len(o.Agreements[i].Sales) != wantSales {
			t.Errorf("order %s agreement %d (%s): %d sales, want %d", o.ID, i, want.Agreements[i].Reason, len(o.Agreements[i].Sales), wantSales)
		}
	}
	for i := range min(len(o.TaxLines), len(want.TaxLines)) {
		if o.TaxLines[i].Rate != want.TaxLines[i].Rate || o.TaxLines[i].PriceSet.ShopMoney.Amount != want.TaxLines[i].PriceSet.ShopMoney.Amount {
			t.Errorf("order %s tax line %d: %+v, want %+v", o.ID, i, o.TaxLines[i], want.TaxLines[i])
		}
	}
}

func TestSimulatorOAuthInstallAndExpiringToken(t *testing.T) {
	_, base := startSim(t, shopifysim.Options{Seed: 1, Orders: 1, ClientID: "cid", ClientSecret: "csecret"})
	app := &shopify.OAuthApp{ClientID: "cid", ClientSecret: "csecret", Scopes: []string{"read_orders"}, RedirectURL: "https://shopqb.example/oauth/callback",
		Expiring: true, ShopURL: func(string) string { return base }}
	state, err := shopify.NewState()
	if err != nil {
		t.Fatal(err)
	}
	install, err := app.InstallURL("demo-store.myshopify.com", state)
	if err != nil {
		t.Fatal(err)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(install)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d %v", res.StatusCode, err)
	}
	cb, err := app.VerifyCallback(loc.Query(), state)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := app.Exchange(context.Background(), cb)
	if err != nil || tok.RefreshToken == "" || tok.ExpiresAt.IsZero() {
		t.Fatalf("%v %v", tok, err)
	}
	store := &tokenMap{m: map[string]shopify.Token{cb.Shop: tok}}
	c, _ := shopify.NewClient(shopify.ClientConfig{ShopDomain: cb.Shop, BaseURL: base, Token: app.TokenSource(cb.Shop, store)})
	if _, err := c.Shop(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A replayed callback with another state is refused.
	if _, err := app.VerifyCallback(loc.Query(), "other-state"); !errors.Is(err, shopify.ErrCallbackInvalid) {
		t.Fatalf("replay: %v", err)
	}
	// The refresh grant works against the simulator too.
	fresh, err := app.Refresh(context.Background(), cb.Shop, tok.RefreshToken)
	if err != nil || fresh.AccessToken == tok.AccessToken {
		t.Fatalf("refresh: %v", err)
	}
}

type tokenMap struct{ m map[string]shopify.Token }

func (s *tokenMap) Load(_ context.Context, shop string) (shopify.Token, error) {
	t, ok := s.m[shop]
	if !ok {
		return shopify.Token{}, shopify.ErrNoToken
	}
	return t, nil
}

func (s *tokenMap) Save(_ context.Context, shop string, t shopify.Token) error {
	s.m[shop] = t
	return nil
}

// The bulk back-fill and the paged read must build the same snapshot of
// every order, or a shop's books would depend on how it was read.
func TestBulkAndPagedReadsBuildIdenticalSnapshots(t *testing.T) {
	sim, url := startSim(t, shopifysim.Options{Seed: 11, Orders: 120, Days: 5, Bucket: shopifysim.BucketOptions{MaximumAvailable: 2000, RestoreRate: 100000}})
	c := simClient(t, url, "shpat_sim")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	lengthenFollowUps(t, sim)
	refunds, edits, long := followUpsOf(sim.Data().Orders, time.Time{})
	if refunds == 0 || edits == 0 || long < 3 {
		t.Fatalf("the shop needs refunds, edits and long ones to prove anything: %d refunds, %d edited orders, %d long", refunds, edits, long)
	}
	read := func(bulk bool) map[string]string {
		out := map[string]string{}
		fn := func(o *shopify.Order) error {
			b, err := json.Marshal(o)
			if err != nil {
				return err
			}
			if _, dup := out[o.ID]; dup {
				t.Errorf("order %s read twice", o.ID)
			}
			out[o.ID] = string(b)
			return nil
		}
		var err error
		if bulk {
			err = c.BulkOrders(ctx, shopify.OrdersQuery{}, 10*time.Millisecond, fn)
		} else {
			err = c.Orders(ctx, shopify.OrdersQuery{}, fn)
		}
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := sim.Stats().Requests
	bulk := read(true)
	bulkRequests := sim.Stats().Requests - before
	paged := read(false)
	if len(bulk) != len(sim.Data().Orders) || len(paged) != len(bulk) {
		t.Fatalf("bulk read %d orders, paged %d, shop has %d", len(bulk), len(paged), len(sim.Data().Orders))
	}
	for id, p := range paged {
		if b := bulk[id]; b != p {
			i := 0
			for i < len(b) && i < len(p) && b[i] == p[i] {
				i++
			}
			from := max(0, i-80)
			t.Errorf("order %s differs at byte %d:\nbulk  …%s…\npaged …%s…", id, i, b[from:min(len(b), i+80)], p[from:min(len(p), i+80)])
		}
	}
	// Run, status polls, and the batches: never a request per order. A
	// refund or an edit longer than a batch's firsts takes its own.
	refundBatches, editBatches := followUpBatches(sim.Data().Orders, time.Time{})
	limit := 6 + refundBatches + editBatches + long
	t.Logf("%d orders, %d refunds, %d edited: bulk path %d requests (limit %d)", len(bulk), refunds, edits, bulkRequests, limit)
	if bulkRequests > limit {
		t.Errorf("bulk path made %d requests, want at most %d", bulkRequests, limit)
	}
}

// An incremental read of K changed orders is one bulk operation (a run, a
// status poll or two, the download) and the batched follow-ups of the
// refunds and edits among them, each request full but for the last: about
// K/250 + a constant requests for the orders, never a request per order.
// The follow-ups are counted apart, per operation, as the bench shows them.
func TestIncrementalBulkReadRequests(t *testing.T) {
	sim, url := startSim(t, shopifysim.Options{Seed: 4, Orders: 800, Days: 5, Bucket: shopifysim.BucketOptions{MaximumAvailable: 2000, RestoreRate: 100000}})
	c := simClient(t, url, "shpat_sim")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	mark := time.Now().UTC().Add(time.Second).Truncate(time.Second)
	const k = 600
	var changed []string
	for _, o := range sim.Data().Orders[:k] {
		changed = append(changed, o.ID)
	}
	time.Sleep(time.Until(mark))
	for _, id := range changed {
		if err := sim.UpdateOrder(id, nil); err != nil {
			t.Fatal(err)
		}
	}
	refunds, edited, long := followUpsOf(sim.Data().Orders, mark)
	if refunds == 0 || edited == 0 {
		t.Fatalf("the changed orders need refunds and edits to prove anything: %d refunds, %d edited", refunds, edited)
	}
	before := sim.Stats()
	n := 0
	err := c.BulkOrders(ctx, shopify.OrdersQuery{UpdatedSince: mark}, 10*time.Millisecond, func(*shopify.Order) error { n++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	after := sim.Stats()
	ops := func(name string) int { return after.ByOperation[name].Requests - before.ByOperation[name].Requests }
	refundBatches, editBatches := followUpBatches(sim.Data().Orders, mark)
	followUps := 0
	for name := range after.ByOperation {
		if shopify.FollowUpOf(name) != shopify.NotFollowUp {
			followUps += ops(name)
		}
	}
	got := after.Requests - before.Requests
	orderPart := got - followUps
	t.Logf("K = %d changed orders (%d refunds, %d edited, %d long): %d requests, %d for the orders (limit %d), follow-ups %d refunds + %d edits (batches %d + %d, long %d)",
		n, refunds, edited, long, got, orderPart, 4+k/250, ops("RefundsByID"), ops("OrderEditSales"), refundBatches, editBatches, long)
	if n != len(changed) {
		t.Fatalf("read %d of %d changed orders", n, len(changed))
	}
	if orderPart > 4+k/250 {
		t.Errorf("the orders took %d requests besides the follow-ups, want at most %d", orderPart, 4+k/250)
	}
	if ops("RefundsByID") > refundBatches || ops("OrderEditSales") > editBatches {
		t.Errorf("%d RefundsByID and %d OrderEditSales requests, want at most %d and %d", ops("RefundsByID"), ops("OrderEditSales"), refundBatches, editBatches)
	}
	if followUps > refundBatches+editBatches+long {
		t.Errorf("%d follow-up requests, want at most %d", followUps, refundBatches+editBatches+long)
	}
}

// followUpsOf counts, among the orders updated since from, what the bulk
// path's follow-ups must read: refunds, edited orders, and the requests of
// their own that objects longer than a batch asks for take
// (RefundsByID.graphql, OrderEditSales.graphql).
func followUpsOf(orders []shopify.Order, from time.Time) (refunds, edited, long int) {
	for _, o := range orders {
		if o.UpdatedAt.Before(from) {
			continue
		}
		for i, r := range o.Refunds {
			refunds++
			asked := shopify.RefundReads(&o)[i]
			if len(r.RefundLineItems) > asked.Lines || len(r.RefundShippingLines) > asked.Shipping || len(r.OrderAdjustments) > 1 || len(r.Transactions) > asked.Transactions {
				long++
			}
		}
		edits, longEdit := 0, false
		for _, a := range o.Agreements {
			if a.Reason == "ORDER_EDIT" {
				edits++
				longEdit = longEdit || len(a.Sales) > 1
			}
		}
		if edits > 0 {
			edited++
		}
		if longEdit {
			long += 3 // asked again at 4, 16 and 20 sales, in batches of their own at most
		}
		if edits > 1 || longEdit {
			long += ceilDiv(len(o.Agreements), shopify.OpOrderAgreements.PageSize) // the ledger by itself
		}
	}
	return refunds, edited, long
}

// followUpBatches bounds the full batches the follow-ups of the orders
// updated since from take: refunds are packed to the cost cap, so each
// request but the last holds more than the cap less the dearest refund;
// edits go 50 to a request at one sale each.
func followUpBatches(orders []shopify.Order, from time.Time) (refunds, edits int) {
	sum, dearest, edited := 0, 0, 0
	for _, o := range orders {
		if o.UpdatedAt.Before(from) {
			continue
		}
		for _, r := range shopify.RefundReads(&o) {
			sum += r.Cost
			dearest = max(dearest, r.Cost)
		}
		for _, a := range o.Agreements {
			if a.Reason == "ORDER_EDIT" {
				edited++
				break
			}
		}
	}
	if sum > 0 {
		refunds = 1 + sum/(shopify.PackedQueryCost-dearest+1)
	}
	return refunds, ceilDiv(edited, shopify.EditBatchSize(1))
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// lengthenFollowUps makes a few of the shop's objects longer than the
// batched follow-ups' firsts, so the continuations are read too: a refund
// with six lines, one with four transactions, an order edited twice, an
// edit with two sales.
func lengthenFollowUps(t *testing.T, sim *shopifysim.Sim) {
	t.Helper()
	var refunded, edited []string
	for _, o := range sim.Data().Orders {
		if len(o.Refunds) == 1 && len(o.Refunds[0].RefundLineItems) > 0 && len(o.Refunds[0].Transactions) > 0 {
			refunded = append(refunded, o.ID)
		}
		for _, a := range o.Agreements {
			if a.Reason == "ORDER_EDIT" && len(o.Refunds) == 0 {
				edited = append(edited, o.ID)
				break
			}
		}
	}
	if len(refunded) < 2 || len(edited) < 2 {
		t.Fatalf("the shop has %d refunded and %d edited orders to lengthen", len(refunded), len(edited))
	}
	change := func(id string, fn func(*shopify.Order)) {
		if err := sim.UpdateOrder(id, fn); err != nil {
			t.Fatal(err)
		}
	}
	change(refunded[0], func(o *shopify.Order) {
		r := &o.Refunds[0]
		for len(r.RefundLineItems) < 6 {
			r.RefundLineItems = append(r.RefundLineItems, r.RefundLineItems[0])
		}
	})
	change(refunded[1], func(o *shopify.Order) {
		r := &o.Refunds[0]
		for len(r.Transactions) < 4 {
			r.Transactions = append(r.Transactions, r.Transactions[0])
		}
	})
	change(edited[0], func(o *shopify.Order) {
		for _, a := range o.Agreements {
			if a.Reason == "ORDER_EDIT" {
				again := a
				again.ID = "gid://shopify/OrderEditAgreement/990000001"
				o.Agreements = append(o.Agreements, again)
				break
			}
		}
	})
	change(edited[1], func(o *shopify.Order) {
		for i := range o.Agreements {
			if a := &o.Agreements[i]; a.Reason == "ORDER_EDIT" {
				more := a.Sales[0]
				more.ID = "gid://shopify/ProductSale/990000002"
				a.Sales = append(a.Sales, more)
				break
			}
		}
	})
}

// Balance transactions come from one bulk operation per fifty payouts,
// grouped by payout on disk; the paged read must give the same payouts.
func TestBulkAndPagedPayoutsMatch(t *testing.T) {
	sim, url := startSim(t, shopifysim.Options{Seed: 9, Orders: 300, Days: 6, Bucket: shopifysim.BucketOptions{MaximumAvailable: 2000, RestoreRate: 100000}})
	c := simClient(t, url, "shpat_sim")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	read := func(bulk bool) []string {
		var out []string
		fn := func(p *shopify.Payout) error {
			b, err := json.Marshal(p)
			out = append(out, string(b))
			return err
		}
		var err error
		if bulk {
			err = c.Payouts(ctx, shopify.PayoutsQuery{}, 10*time.Millisecond, fn)
		} else {
			err = c.PayoutsPaged(ctx, shopify.PayoutsQuery{}, fn)
		}
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := sim.Stats().Requests
	bulk := read(true)
	bulkRequests := sim.Stats().Requests - before
	before = sim.Stats().Requests
	paged := read(false)
	pagedRequests := sim.Stats().Requests - before
	txns := 0
	for _, p := range sim.Data().Payouts {
		txns += len(p.BalanceTransactions)
	}
	if len(bulk) == 0 || txns == 0 || len(bulk) != len(paged) {
		t.Fatalf("bulk %d payouts, paged %d, %d balance transactions", len(bulk), len(paged), txns)
	}
	for i := range paged {
		if bulk[i] != paged[i] {
			t.Errorf("payout %d differs:\nbulk  %.300s\npaged %.300s", i, bulk[i], paged[i])
		}
	}
	t.Logf("%d payouts, %d balance transactions: bulk %d requests, paged %d", len(bulk), txns, bulkRequests, pagedRequests)
	if bulkRequests > 4+len(bulk)/50 {
		t.Errorf("bulk payouts took %d requests", bulkRequests)
	}
}
