package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeShopify answers GraphQL POSTs with a scripted sequence of replies and
// records what it received.
type fakeShopify struct {
	t       *testing.T
	mu      sync.Mutex
	replies []fakeReply
	calls   []fakeCall
}

type fakeReply struct {
	status int
	header map[string]string
	body   string
	hang   bool // close the connection without answering
}

type fakeCall struct {
	path  string
	token string
	req   gqlRequest
}

func (f *fakeShopify) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	var call fakeCall
	call.path = r.URL.Path
	call.token = r.Header.Get("X-Shopify-Access-Token")
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &call.req); err != nil {
		f.t.Errorf("bad request body: %v", err)
	}
	f.calls = append(f.calls, call)
	if len(f.replies) == 0 {
		f.mu.Unlock()
		f.t.Errorf("unexpected call %d", len(f.calls))
		http.Error(w, "no reply scripted", 500)
		return
	}
	rep := f.replies[0]
	f.replies = f.replies[1:]
	f.mu.Unlock()
	if rep.hang {
		hj, ok := w.(http.Hijacker)
		if !ok {
			f.t.Fatal("no hijacker")
		}
		conn, _, _ := hj.Hijack()
		conn.Close()
		return
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	if rep.status == 0 {
		rep.status = 200
	}
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}

func (f *fakeShopify) script(r ...fakeReply) { f.replies = append(f.replies, r...) }

// testClient returns a client against f whose sleeps are recorded, not slept.
func testClient(t *testing.T, f *fakeShopify) (*Client, *[]time.Duration) {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := NewClient(ClientConfig{ShopDomain: "example.myshopify.com", BaseURL: srv.URL, Token: StaticToken("shpat_secret"), MaxAttempts: 5})
	if err != nil {
		t.Fatal(err)
	}
	var slept []time.Duration
	clock := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return clock }
	c.sleep = func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		clock = clock.Add(d)
		return ctx.Err()
	}
	return c, &slept
}

const okShop = `{"data":{"shop":{"id":"gid://shopify/Shop/1","name":"Demo","myshopifyDomain":"example.myshopify.com","currencyCode":"USD","ianaTimezone":"America/New_York","taxesIncluded":false,"plan":{"publicDisplayName":"Basic"}}},
"extensions":{"cost":{"requestedQueryCost":2,"actualQueryCost":2,"throttleStatus":{"maximumAvailable":2000,"currentlyAvailable":1998,"restoreRate":100}}}}`

func throttled(requested, available, restore float64) string {
	b, _ := json.Marshal(map[string]any{
		"errors": []any{map[string]any{"message": "Throttled", "extensions": map[string]any{"code": "THROTTLED"}}},
		"extensions": map[string]any{"cost": map[string]any{"requestedQueryCost": requested, "actualQueryCost": nil,
			"throttleStatus": map[string]any{"maximumAvailable": 2000, "currentlyAvailable": available, "restoreRate": restore}}},
	})
	return string(b)
}

func TestDoSendsTokenVersionAndDecodes(t *testing.T) {
	f := &fakeShopify{t: t}
	f.script(fakeReply{body: okShop})
	c, _ := testClient(t, f)
	var traced []string
	c.cfg.Trace = func(op, q string, vars map[string]any) { traced = append(traced, op) }
	s, err := c.Shop(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "Demo" || s.PlanDisplayName != "Basic" || s.IanaTimezone != "America/New_York" {
		t.Fatalf("shop = %+v", s)
	}
	if f.calls[0].path != "/admin/api/2026-10/graphql.json" || f.calls[0].token != "shpat_secret" {
		t.Fatalf("call = %+v", f.calls[0])
	}
	if f.calls[0].req.Query != OpShop.Query {
		t.Fatal("query text not sent as embedded")
	}
	if len(traced) != 1 || traced[0] != "Shop" {
		t.Fatalf("trace = %v", traced)
	}
	if got := c.Throttle(); got.CurrentlyAvailable != 1998 || got.RestoreRate != 100 {
		t.Fatalf("throttle = %+v", got)
	}
	if c.RequestedCost("Shop") != 2 {
		t.Fatal("requested cost not recorded")
	}
}

func TestUnstableOperationsUseUnstablePath(t *testing.T) {
	f := &fakeShopify{t: t}
	f.script(fakeReply{body: `{"data":{"inventoryPurchaseOrders":{"nodes":[],"pageInfo":{"hasNextPage":false}}}}`})
	c, _ := testClient(t, f)
	if err := c.PurchaseOrders(context.Background(), func(*PurchaseOrder) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if f.calls[0].path != "/admin/api/unstable/graphql.json" {
		t.Fatalf("path = %s", f.calls[0].path)
	}
}

func TestThrottledUnder200WaitsFromThrottleStatus(t *testing.T) {
	f := &fakeShopify{t: t}
	f.script(fakeReply{body: throttled(502, 2, 50)}, fakeReply{body: okShop})
	c, slept := testClient(t, f)
	if _, err := c.Shop(context.Background()); err != nil {
		t.Fatal(err)
	}
	// (502 - 2) / 50 = 10 s, from the response, not from any constant.
	if len(*slept) != 1 || (*slept)[0] != 10*time.Second {
		t.Fatalf("slept %v, want [10s]", *slept)
	}
}

func TestThrottledUnder429(t *testing.T) {
	f := &fakeShopify{t: t}
	f.script(fakeReply{status: 429, body: throttled(300, 100, 200)}, fakeReply{body: okShop})
	c, slept := testClient(t, f)
	if _, err := c.Shop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(*slept) != 1 || (*slept)[0] != time.Second {
		t.Fatalf("slept %v, want [1s]", *slept)
	}
}

func Test429WithRetryAfterOnly(t *testing.T) {
	f := &fakeShopify{t: t}
	f.script(fakeReply{status: 429, header: map[string]string{"Retry-After": "2.5"}, body: "slow down"}, fakeReply{body: okShop})
	c, slept := testClient(t, f)
	if _, err := c.Shop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(*slept) != 1 || (*slept)[0] != 2500*time.Millisecond {
		t.Fatalf("slept %v", *slept)
	}
}

func TestThrottledForeverGivesUpTyped(t *testing.T) {
	f := &fakeShopify{t: t}
	for range 5 {
		f.script(fakeReply{body: throttled(100, 0, 100)})
	}
	c, slept := testClient(t, f)
	_, err := c.Shop(context.Background())
	var te *ThrottledError
	if !errors.As(err, &te) || te.Requested != 100 {
		t.Fatalf("err = %v", err)
	}
	if len(f.calls) != 5 || len(*slept) != 4 {
		t.Fatalf("calls %d sleeps %d", len(f.calls), len(*slept))
	}
}

func TestServerErrorsAndNetworkErrorsRetriedWithBackoff(t *testing.T) {
	f := &fakeShopify{t: t}
	f.script(fakeReply{status: 502, body: "bad gateway"}, fakeReply{hang: true}, fakeReply{status: 503}, fakeReply{body: okShop})
	c, slept := testClient(t, f)
	if _, err := c.Shop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(*slept) != 3 {
		t.Fatalf("slept %v", *slept)
	}
	for i, d := range *slept {
		lo := (500 * time.Millisecond << i) / 2
		hi := 500 * time.Millisecond << i
		if d < lo || d > hi {
			t.Errorf("backoff %d = %v, want in [%v, %v]", i, d, lo, hi)
		}
	}
}

func TestServerErrorsBounded(t *testing.T) {
	f := &fakeShopify{t: t}
	for range 5 {
		f.script(fakeReply{status: 500})
	}
	c, _ := testClient(t, f)
	_, err := c.Shop(context.Background())
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != 500 || !strings.Contains(err.Error(), "giving up after 5") {
		t.Fatalf("err = %v", err)
	}
}

func TestAccessDeniedIsPermanentAndNamesScope(t *testing.T) {
	f := &fakeShopify{t: t}
	f.script(fakeReply{body: `{"data":{"shopifyPaymentsAccount":null},"errors":[{"message":"Access denied for shopifyPaymentsAccount field.","path":["shopifyPaymentsAccount"],
	"extensions":{"code":"ACCESS_DENIED","documentation":"https://shopify.dev/api/usage/access-scopes","requiredAccess":"` + "`read_shopify_payments_accounts`" + ` access scope."}}]}`})
	c, slept := testClient(t, f)
	err := c.Payouts(context.Background(), PayoutsQuery{}, time.Millisecond, func(*Payout) error { return nil })
	var ad *AccessDeniedError
	if !errors.As(err, &ad) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "read_shopify_payments_accounts") || len(*slept) != 0 || len(f.calls) != 1 {
		t.Fatalf("err %v, sleeps %d, calls %d", err, len(*slept), len(f.calls))
	}
}

func TestOtherGraphQLErrorsTyped(t *testing.T) {
	f := &fakeShopify{t: t}
	f.script(fakeReply{body: `{"errors":[{"message":"Query cost is 1200, which exceeds the single query max cost limit (1000).","extensions":{"code":"MAX_COST_EXCEEDED","cost":1200,"maxCost":1000}}]}`})
	c, _ := testClient(t, f)
	_, err := c.Shop(context.Background())
	var ge *GraphQLError
	if !errors.As(err, &ge) || ge.Code() != "MAX_COST_EXCEEDED" || !strings.Contains(err.Error(), "exceeds the single query max cost") {
		t.Fatalf("err = %v", err)
	}
}

func TestUnauthorizedIsPermanent(t *testing.T) {
	f := &fakeShopify{t: t}
	f.script(fakeReply{status: 401, body: `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`})
	c, _ := testClient(t, f)
	_, err := c.Shop(context.Background())
	if !errors.Is(err, ErrUnauthorized) || len(f.calls) != 1 {
		t.Fatalf("err = %v calls %d", err, len(f.calls))
	}
	if strings.Contains(err.Error(), "shpat_secret") {
		t.Fatal("token leaked into error")
	}
}

func TestContextCancelStopsRetrying(t *testing.T) {
	f := &fakeShopify{t: t}
	f.script(fakeReply{status: 503})
	c, _ := testClient(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	c.sleep = func(ctx context.Context, d time.Duration) error { cancel(); return sleepContext(ctx, d) }
	_, err := c.Shop(ctx)
	if !errors.Is(err, context.Canceled) || len(f.calls) != 1 {
		t.Fatalf("err = %v calls %d", err, len(f.calls))
	}
}

func TestBucketProjectionDelaysExpensiveQuery(t *testing.T) {
	f := &fakeShopify{t: t}
	page := `{"data":{"locations":{"nodes":[],"pageInfo":{"hasNextPage":false}}},"extensions":{"cost":{"requestedQueryCost":202,"actualQueryCost":3,"throttleStatus":{"maximumAvailable":1000,"currentlyAvailable":2,"restoreRate":50}}}}`
	f.script(fakeReply{body: page}, fakeReply{body: page})
	c, slept := testClient(t, f)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	if _, err := c.Locations(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(*slept) != 0 {
		t.Fatalf("first call slept %v", *slept)
	}
	now = now.Add(time.Second) // 2 + 50 = 52 available, 202 needed: 3 s more
	if _, err := c.Locations(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(*slept) != 1 || (*slept)[0] != 3*time.Second {
		t.Fatalf("slept %v, want [3s]", *slept)
	}
}

// A batch dearer than any request of its operation before waits for its own
// cost, or Shopify would refuse it for a bucket short of it.
func TestBucketProjectionWaitsForABatchsOwnCost(t *testing.T) {
	f := &fakeShopify{t: t}
	page := `{"data":{"locations":{"nodes":[],"pageInfo":{"hasNextPage":false}}},"extensions":{"cost":{"requestedQueryCost":202,"actualQueryCost":3,"throttleStatus":{"maximumAvailable":1000,"currentlyAvailable":252,"restoreRate":50}}}}`
	f.script(fakeReply{body: page}, fakeReply{body: page})
	c, slept := testClient(t, f)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	op := *OpLocations
	if err := c.Do(context.Background(), &op, map[string]any{"first": 1}, nil); err != nil {
		t.Fatal(err)
	}
	op.Cost = 402 // 252 available, 202 asked last time: 150 short, 3 s at 50 a second
	if err := c.Do(context.Background(), &op, map[string]any{"first": 2}, nil); err != nil {
		t.Fatal(err)
	}
	if len(*slept) != 1 || (*slept)[0] != 3*time.Second {
		t.Fatalf("slept %v, want [3s]", *slept)
	}
}

func TestNewClientValidates(t *testing.T) {
	if _, err := NewClient(ClientConfig{ShopDomain: "evil.com", Token: StaticToken("x")}); err == nil {
		t.Fatal("accepted a non-myshopify domain")
	}
	if _, err := NewClient(ClientConfig{ShopDomain: "ok.myshopify.com"}); err == nil {
		t.Fatal("accepted no token")
	}
}

var _ net.Conn // hijack uses net
