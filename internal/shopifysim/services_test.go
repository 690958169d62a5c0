package shopifysim

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

func TestBulkOperationJSONL(t *testing.T) {
	ts := newTestSim(t, nil)
	inner := `{ orders(sortKey: ID) { edges { node { id name lineItems { edges { node { id sku } } } } } } }`
	r := ts.gql(t, `mutation($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: false) {
  bulkOperation { id status } userErrors { field message } } }`, map[string]any{"q": inner})
	mustNoErrors(t, r)
	var run struct {
		BulkOperation struct{ ID, Status string }
		UserErrors    []struct{ Message string }
	}
	decode(t, r.Data["bulkOperationRunQuery"], &run)
	if run.BulkOperation.Status != "CREATED" || len(run.UserErrors) > 0 {
		t.Fatalf("run = %+v", run)
	}
	var op struct {
		ID, Status, URL, ObjectCount, RootObjectCount string
	}
	for i := 0; i < 5 && op.Status != "COMPLETED"; i++ {
		r = ts.gql(t, `{ currentBulkOperation { id status url objectCount rootObjectCount } }`, nil)
		mustNoErrors(t, r)
		decode(t, r.Data["currentBulkOperation"], &op)
	}
	if op.Status != "COMPLETED" || op.ID != run.BulkOperation.ID || op.URL == "" {
		t.Fatalf("operation = %+v", op)
	}
	resp, err := http.Get(op.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	d := ts.Data()
	wantLines := map[string]string{}
	for _, o := range d.Orders {
		for _, li := range o.LineItems {
			wantLines[li.ID] = o.ID
		}
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	roots, children, total := 0, 0, 0
	seenParent := map[string]bool{}
	for sc.Scan() {
		total++
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("line %d: %v", total, err)
		}
		if _, nested := line["lineItems"]; nested {
			t.Fatal("nested connection left inside its parent line")
		}
		if p, ok := line["__parentId"].(string); ok {
			children++
			if wantLines[line["id"].(string)] != p || !seenParent[p] {
				t.Fatalf("child %v has parent %s", line, p)
			}
		} else {
			roots++
			seenParent[line["id"].(string)] = true
		}
	}
	if roots != len(d.Orders) || children != len(wantLines) {
		t.Fatalf("JSONL has %d roots, %d children; want %d, %d", roots, children, len(d.Orders), len(wantLines))
	}
	if op.ObjectCount != strconv.Itoa(total) || op.RootObjectCount != strconv.Itoa(roots) {
		t.Fatalf("counts %s/%s, file has %d/%d", op.ObjectCount, op.RootObjectCount, total, roots)
	}

	// Bulk rules.
	for q, want := range map[string]string{
		`{ shop { name } }`: "at least one connection",
		`{ products { edges { node { variants { edges { node { id } } } } } } }`:                              "",
		`{ orders { edges { node { agreements { edges { node { sales { edges { node { id } } } } } } } } } }`: "nesting depth",
		`{ orders { edges { node { nope } } } }`:                                                              "Invalid bulk query",
		`{ orders { edges { node { refunds { refundLineItems { edges { node { quantity } } } } } } } }`:       "within a list field",
		`{ orders { edges { node { refunds { id totalRefundedSet { shopMoney { amount } } } } } } }`:          "",
		// The other ways to a refund's lines or an edit's sales that the
		// schemas offer (internal/shopify/followups.go) are refused too: a
		// refund reached through its agreement or a return nests three
		// deep, and nodes(ids:) is a list.
		`{ orders { edges { node { agreements { edges { node { ... on RefundAgreement { refund { refundLineItems { edges { node { quantity } } } } } } } } } } } }`: "nesting depth",
		`{ orders { edges { node { returns { edges { node { refunds { edges { node { id } } } } } } } } } }`:                                                        "nesting depth",
		`{ nodes(ids: ["gid://shopify/Refund/1"]) { ... on Refund { refundLineItems { edges { node { quantity } } } } } }`:                                          "within a list field",
		`{ orders { edges { node { agreements { edges { node { id ... on RefundAgreement { refund { id } } } } } } } } }`:                                           "",
	} {
		r = ts.gql(t, `mutation($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: false) { bulkOperation { id } userErrors { message } } }`, map[string]any{"q": q})
		mustNoErrors(t, r)
		decode(t, r.Data["bulkOperationRunQuery"], &run)
		switch {
		case want == "" && len(run.UserErrors) > 0:
			t.Errorf("%s: refused: %v", q, run.UserErrors)
		case want != "" && (len(run.UserErrors) == 0 || !strings.Contains(run.UserErrors[0].Message, want)):
			t.Errorf("%s: user errors %v, want %q", q, run.UserErrors, want)
		}
	}
}

func postForm(t *testing.T, ts *testSim, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(ts.srv.URL+"/admin/oauth/access_token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func TestTokenEndpoint(t *testing.T) {
	ts := newTestSim(t, func(o *Options) { o.Scopes = []string{"read_orders", "read_products"} })
	status, m := postForm(t, ts, url.Values{"grant_type": {"client_credentials"}, "client_id": {"client-id"}, "client_secret": {"wrong"}})
	if status != http.StatusUnauthorized || m["error"] != "invalid_client" {
		t.Fatalf("wrong secret: %d %v", status, m)
	}
	status, m = postForm(t, ts, url.Values{"grant_type": {"client_credentials"}, "client_id": {"client-id"}, "client_secret": {"client-secret"}})
	tok, _ := m["access_token"].(string)
	if status != 200 || !strings.HasPrefix(tok, "shpat_") || m["scope"] != "read_orders,read_products" || m["expires_in"] != float64(86399) {
		t.Fatalf("client credentials: %d %v", status, m)
	}
	if s, _ := ts.post(t, "2026-10", tok, `{ shop { name } }`, nil); s != 200 {
		t.Fatalf("issued token refused: %d", s)
	}
	ts.clock.Advance(25 * time.Hour)
	if s, _ := ts.post(t, "2026-10", tok, `{ shop { name } }`, nil); s != http.StatusUnauthorized {
		t.Fatalf("expired token accepted: %d", s)
	}

	// Authorization code flow with an expiring offline token.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(ts.srv.URL + "/admin/oauth/authorize?client_id=client-id&scope=read_orders&state=nonce-1&redirect_uri=" +
		url.QueryEscape("https://app.example/callback"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	q := loc.Query()
	if resp.StatusCode != http.StatusFound || q.Get("state") != "nonce-1" || q.Get("shop") != "demo-store.myshopify.com" {
		t.Fatalf("authorize redirect %d %s", resp.StatusCode, loc)
	}
	// Verify the callback HMAC independently of CallbackHMAC.
	var parts []string
	for _, k := range []string{"code", "host", "shop", "state", "timestamp"} {
		parts = append(parts, k+"="+q.Get(k))
	}
	mac := hmac.New(sha256.New, []byte("client-secret"))
	mac.Write([]byte(strings.Join(parts, "&")))
	if got := q.Get("hmac"); got != hexString(mac.Sum(nil)) {
		t.Fatalf("callback hmac %s", got)
	}
	form := url.Values{"client_id": {"client-id"}, "client_secret": {"client-secret"}, "code": {q.Get("code")}, "expiring": {"1"}}
	status, m = postForm(t, ts, form)
	if status != 200 || m["expires_in"] != float64(3600) || m["refresh_token"] == nil || m["refresh_token_expires_in"] == nil {
		t.Fatalf("code exchange: %d %v", status, m)
	}
	if status, _ = postForm(t, ts, form); status != http.StatusBadRequest {
		t.Fatalf("authorization code reused: %d", status)
	}
	refresh := m["refresh_token"].(string)
	rform := url.Values{"grant_type": {"refresh_token"}, "client_id": {"client-id"}, "client_secret": {"client-secret"}, "refresh_token": {refresh}}
	status, m2 := postForm(t, ts, rform)
	if status != 200 || m2["access_token"] == m["access_token"] || m2["refresh_token"] == refresh {
		t.Fatalf("refresh: %d %v", status, m2)
	}
	if status, _ = postForm(t, ts, rform); status != http.StatusBadRequest {
		t.Fatalf("refresh token reused: %d", status)
	}
	ts.clock.Advance(61 * time.Minute)
	if s, _ := ts.post(t, "2026-10", m2["access_token"].(string), `{ shop { name } }`, nil); s != http.StatusUnauthorized {
		t.Fatalf("expiring token outlived its hour: %d", s)
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func TestSignedWebhooks(t *testing.T) {
	var mu sync.Mutex
	var got []*http.Request
	var bodies [][]byte
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r)
		bodies = append(bodies, b)
		mu.Unlock()
	}))
	defer hook.Close()
	ts := newTestSim(t, func(o *Options) { o.WebhookURL = hook.URL; o.WebhookSecret = "hook-secret" })
	o := ts.Data().Orders[0]
	o.ID = ""
	o.Name = "#9001"
	if err := ts.AddOrder(o); err != nil {
		t.Fatal(err)
	}
	if err := ts.UpdateOrder(ts.Data().Orders[0].ID, func(x *shopify.Order) { x.Test = true }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d deliveries", len(got))
	}
	for i, r := range got {
		mac := hmac.New(sha256.New, []byte("hook-secret"))
		mac.Write(bodies[i])
		want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
		if r.Header.Get("X-Shopify-Hmac-Sha256") != want {
			t.Fatalf("delivery %d: bad signature", i)
		}
		for _, h := range []string{"X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-Webhook-Id", "X-Shopify-Event-Id",
			"X-Shopify-Triggered-At", "X-Shopify-API-Version"} {
			if r.Header.Get(h) == "" {
				t.Fatalf("delivery %d lacks %s", i, h)
			}
		}
		var p map[string]any
		if err := json.Unmarshal(bodies[i], &p); err != nil || !strings.HasPrefix(p["admin_graphql_api_id"].(string), "gid://shopify/Order/") {
			t.Fatalf("payload %s", bodies[i])
		}
	}
	if got[0].Header.Get("X-Shopify-Topic") != "orders/create" || got[1].Header.Get("X-Shopify-Topic") != "orders/updated" {
		t.Fatal("wrong topics")
	}
	if got[0].Header.Get("X-Shopify-Webhook-Id") == got[1].Header.Get("X-Shopify-Webhook-Id") {
		t.Fatal("webhook ids repeat")
	}
	// A bulk operation announces its end.
	ts.gql(t, `mutation { bulkOperationRunQuery(query: "{ customers { edges { node { id } } } }", groupObjects: false) { userErrors { message } } }`, nil)
	for i := 0; i < 3; i++ {
		ts.gql(t, `{ currentBulkOperation { status } }`, nil)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 || got[2].Header.Get("X-Shopify-Topic") != "bulk_operations/finish" || !strings.Contains(string(bodies[2]), `"status":"completed"`) {
		t.Fatalf("bulk finish webhook: %d deliveries", len(got))
	}
	if err := ts.AddOrder(ts.Data().Orders[1]); err == nil {
		t.Fatal("adding an order twice succeeded")
	}
}

func stockyGet(t *testing.T, ts *testSim, path, key string) (int, map[string]json.RawMessage) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ts.srv.URL+path, nil)
	req.Header.Set("Store-Name", "demo-store.myshopify.com")
	req.Header.Set("Authorization", "API KEY="+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func TestStockyAPI(t *testing.T) {
	ts := newTestSim(t, func(o *Options) { o.StockyAPIKey = "stocky-key" })
	if s, _ := stockyGet(t, ts, "/api/v2/purchase_orders.json", "wrong"); s != http.StatusUnauthorized {
		t.Fatalf("wrong key: %d", s)
	}
	var ids []int64
	since := "0"
	for page := 0; page < 10; page++ {
		s, m := stockyGet(t, ts, "/api/v2/purchase_orders.json?limit=1&since_id="+since, "stocky-key")
		if s != 200 {
			t.Fatalf("HTTP %d", s)
		}
		var pos []struct {
			ID            int64           `json:"id"`
			SupplierID    json.RawMessage `json:"supplier_id"`
			PurchaseItems []struct {
				CostPrice   json.RawMessage `json:"cost_price"`
				RetailPrice json.RawMessage `json:"retail_price"`
				UpdatedAt   string          `json:"updated_at"`
			} `json:"purchase_items"`
		}
		decode(t, m["purchase_orders"], &pos)
		if len(pos) == 0 {
			break
		}
		if len(pos) != 1 {
			t.Fatalf("limit=1 gave %d", len(pos))
		}
		po := pos[0]
		if po.SupplierID[0] != '"' || po.PurchaseItems[0].RetailPrice[0] != '"' || po.PurchaseItems[0].CostPrice[0] == '"' {
			t.Fatalf("Stocky quirks lost: %s %s %s", po.SupplierID, po.PurchaseItems[0].RetailPrice, po.PurchaseItems[0].CostPrice)
		}
		if _, err := time.Parse("01/02/2006 15:04", po.PurchaseItems[0].UpdatedAt); err != nil {
			t.Fatalf("item updated_at %q not in locale format", po.PurchaseItems[0].UpdatedAt)
		}
		var c money.Cents
		if err := json.Unmarshal(po.PurchaseItems[0].CostPrice, &c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, po.ID)
		since = strconv.FormatInt(po.ID, 10)
	}
	stocky := 0
	for _, po := range ts.Data().PurchaseOrders {
		if po.Source == "stocky" {
			stocky++
		}
	}
	if len(ids) != stocky || stocky == 0 {
		t.Fatalf("paged %d purchase orders, want %d", len(ids), stocky)
	}
	s, m := stockyGet(t, ts, "/api/v2/purchase_orders/"+strconv.FormatInt(ids[0], 10)+".json", "stocky-key")
	if s != 200 || m["purchase_order"] == nil {
		t.Fatalf("show: %d %v", s, m)
	}
	for _, res := range []string{"suppliers", "stock_adjustments", "stock_transfers", "stock_adjustment_items", "tax_types"} {
		s, m := stockyGet(t, ts, "/api/v2/"+res+".json", "stocky-key")
		var list []any
		decode(t, m[res], &list)
		if s != 200 || len(list) == 0 {
			t.Fatalf("%s: %d %v", res, s, m)
		}
	}
	retired := newTestSim(t, func(o *Options) { o.StockyAPIKey = "stocky-key"; o.StockyRetired = true })
	if s, _ := stockyGet(t, retired, "/api/v2/purchase_orders.json", "stocky-key"); s != http.StatusGone {
		t.Fatalf("retired: %d", s)
	}
}

func TestFixturesReplaceAndAdd(t *testing.T) {
	dir := t.TempDir()
	base := Generate(genOpts(42, 80))
	existing := base.Orders[0]
	replaced, _ := toTree(existing)
	replaced["name"] = "#FIXTURE"
	// Lines as a GraphQL connection, the way a pasted response has them.
	replaced["lineItems"] = map[string]any{"edges": []any{map[string]any{"node": replaced["lineItems"].([]any)[0]}}}
	write := func(rel string, v any) {
		p := filepath.Join(dir, rel)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		b, _ := json.Marshal(v)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("orders/replaced.json", replaced)
	write("orders/777.json", map[string]any{"name": "#777", "processedAt": "2026-11-03T15:00:00Z", "currencyCode": "USD",
		"totalPriceSet": map[string]any{"shopMoney": map[string]any{"amount": "12.30", "currencyCode": "USD"}}})
	ts := newTestSim(t, func(o *Options) { o.FixturesDir = dir })
	d := ts.Data()
	if len(d.Orders) != len(base.Orders)+1 {
		t.Fatalf("%d orders, want %d", len(d.Orders), len(base.Orders)+1)
	}
	if d.Orders[0].Name != "#FIXTURE" || len(d.Orders[0].LineItems) != 1 {
		t.Fatalf("replacement not applied: %s with %d lines", d.Orders[0].Name, len(d.Orders[0].LineItems))
	}
	added := d.Orders[len(d.Orders)-1]
	if added.ID != "gid://shopify/Order/777" || added.TotalPriceSet.ShopMoney.Amount != money.MustParse("12.30") {
		t.Fatalf("added = %+v", added)
	}
	r := ts.gql(t, `{ order(id: "gid://shopify/Order/777") { name totalPriceSet { shopMoney { amount } } } }`, nil)
	mustNoErrors(t, r)
	if !bytes.Contains(r.Data["order"], []byte(`"12.30"`)) {
		t.Fatalf("served %s", r.Data["order"])
	}
	write("orders/bad.json", "not an object")
	if _, err := New(Options{SchemaDir: schemaDir(t), FixturesDir: dir}); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Fatalf("bad fixture: %v", err)
	}
}

// The example in FIXTURES.md must load and be served as documented.
func TestFixturesDocExample(t *testing.T) {
	doc, err := os.ReadFile("FIXTURES.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(doc), "```json\n")
	example, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("no JSON example in FIXTURES.md")
	}
	dir := t.TempDir()
	_ = os.MkdirAll(filepath.Join(dir, "orders"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "orders", "1001.json"), []byte(example), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := newTestSim(t, func(o *Options) { o.FixturesDir = dir })
	r := ts.gql(t, `{ order(id: "gid://shopify/Order/1001") { name legacyResourceId taxLines { rate ratePercentage }
  lineItems(first: 5) { nodes { sku quantity taxLines { rate } } }
  transactions { kind gateway device { id } amountSet { shopMoney { amount } } } } }`, nil)
	mustNoErrors(t, r)
	want := `{"name":"#1001","legacyResourceId":"1001","taxLines":[{"rate":0.0625,"ratePercentage":null}],` +
		`"lineItems":{"nodes":[{"sku":"MUG-1","quantity":2,"taxLines":[{"rate":0.0625}]}]},` +
		`"transactions":[{"kind":"SALE","gateway":"cash","device":null,"amountSet":{"shopMoney":{"amount":"21.25"}}}]}`
	if string(r.Data["order"]) != want {
		t.Fatalf("served\n%s\nwant\n%s", r.Data["order"], want)
	}
}

func TestPOSTransactionsNameTheirRegister(t *testing.T) {
	ts := newTestSim(t, nil)
	var o shopify.Order
	for _, x := range ts.Data().Orders {
		if x.SourceName == "pos" && len(x.Transactions) > 0 {
			o = x
			break
		}
	}
	r := ts.gql(t, `query($id: ID!) { order(id: $id) { sourceIdentifier retailLocation { id } transactions { device { id } location { id } } } }`,
		map[string]any{"id": o.ID})
	mustNoErrors(t, r)
	var got struct {
		RetailLocation struct{ ID string }
		Transactions   []struct {
			Device struct{ ID string }
		}
	}
	decode(t, r.Data["order"], &got)
	dev := got.Transactions[0].Device.ID
	ok := false
	for _, reg := range ts.Data().Registers {
		ok = ok || (reg.ID == dev && reg.LocationID == got.RetailLocation.ID)
	}
	if !ok {
		t.Fatalf("device %q is not a register of %s", dev, got.RetailLocation.ID)
	}
}
