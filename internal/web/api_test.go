package web_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbwc"
	"github.com/shopqb/shopqb/internal/secret"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/web"
)

func TestEveryEndpointNeedsTheAdminToken(t *testing.T) {
	f := newFixture(t)
	c := f.createShop("guarded.myshopify.com", "")
	before := f.shopRecord(c.ID)
	for _, e := range endpoints {
		for name, auth := range map[string]string{
			"no header":       "",
			"wrong token":     "Bearer admin-token-for-tests-0123456780",
			"token prefix":    "Bearer " + adminToken[:10],
			"no Bearer":       adminToken,
			"other scheme":    "Basic " + adminToken,
			"token and extra": "Bearer " + adminToken + "x",
		} {
			rec := f.send(e.method, e.path, e.body, auth, false)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s %s with %s: status %d, want 401", e.method, e.path, name, rec.Code)
			}
			if rec.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with %s: no WWW-Authenticate", e.method, e.path, name)
			}
		}
	}
	// Nothing changed: same token hash, settings, no new shop.
	after := f.shopRecord(c.ID)
	if !bytes.Equal(before.AppTokenHash, after.AppTokenHash) || after.Settings.Schedule != before.Settings.Schedule || after.StartedAt != nil {
		t.Error("an unauthenticated request changed the shop")
	}
	shops, _ := f.db.ListShops(context.Background())
	if len(shops) != 1 {
		t.Errorf("%d shops after unauthenticated creates, want 1", len(shops))
	}
	if _, err := f.db.Secret(context.Background(), c.ID, shopadmin.SecretShopifyToken); !errors.Is(err, shopqb.ErrNotFound) {
		t.Errorf("an unauthenticated request stored a Shopify token (err %v)", err)
	}
}

func TestAPIDisabledWithoutAdminToken(t *testing.T) {
	f := newFixture(t, func(s *setup) { s.web.AdminToken = "" })
	for _, auth := range []string{"", "Bearer ", "Bearer anything"} {
		rec := f.send("GET", "/api/shops", nil, auth, false)
		if rec.Code != http.StatusNotFound || !strings.Contains(errorOf(t, rec), "disabled") {
			t.Errorf("auth %q: %d %s, want 404 disabled", auth, rec.Code, rec.Body)
		}
	}
}

func TestCreateShop(t *testing.T) {
	f := newFixture(t)
	const shopifyToken = "shpat_0123456789abcdef0123456789abcdef"
	rec := f.callOnce("POST", "/api/shops", map[string]string{
		"domain": " Corner-Store.myshopify.com ", "name": "Corner Store", "timeZone": "America/Denver",
		"shopifyUrl": "http://127.0.0.1:9999", "shopifyToken": shopifyToken,
	})
	var c created
	want(t, rec, http.StatusCreated, &c)
	if c.ID == 0 || c.Domain != "corner-store.myshopify.com" || c.QBWCUser != "corner-store" || c.AppToken == "" || !c.ShopifyTokenStored || c.Warning != "" {
		t.Fatalf("created %+v", c)
	}
	if loc := rec.Header().Get("Location"); loc != pathOf(c.ID, "") {
		t.Errorf("Location %q", loc)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("the one-time token answer may be cached: Cache-Control %q", rec.Header().Get("Cache-Control"))
	}
	if strings.Contains(rec.Body.String(), shopifyToken) {
		t.Error("the create answer echoes the Shopify token")
	}
	shop := f.shopRecord(c.ID)
	if !secret.CheckAppToken(shop.AppTokenHash, c.AppToken) {
		t.Error("the app token returned is not the one whose hash was stored")
	}
	if shop.TimeZone != "America/Denver" || shop.ShopifyURL != "http://127.0.0.1:9999" || shop.ShopifyAuth != "static" || shop.Currency != "USD" || shop.Settings.SalesMode != shopqb.Detail {
		t.Errorf("stored shop %+v", shop)
	}
	if got := f.openSecret(c.ID, shop.Domain, shopadmin.SecretShopifyToken); got != shopifyToken {
		t.Errorf("stored Shopify token %q", got)
	}
	ct, _ := f.db.Secret(context.Background(), c.ID, shopadmin.SecretShopifyToken)
	if bytes.Contains(ct, []byte(shopifyToken)) {
		t.Error("the Shopify token is stored in the clear")
	}

	var list []map[string]any
	want(t, f.call("GET", "/api/shops", nil), http.StatusOK, &list)
	if len(list) != 1 || list[0]["domain"] != "corner-store.myshopify.com" || list[0]["qbwcUser"] != "corner-store" {
		t.Errorf("list %v", list)
	}
	var one map[string]any
	want(t, f.call("GET", pathOf(c.ID, ""), nil), http.StatusOK, &one)
	if one["name"] != "Corner Store" || one["started"] != false || one["timeZone"] != "America/Denver" {
		t.Errorf("shop %v", one)
	}
	f.noSecrets(shopifyToken, c.AppToken)

	// Same domain again: 409, and the existing shop keeps its token.
	rec = f.callOnce("POST", "/api/shops", map[string]string{"domain": "corner-store.myshopify.com", "timeZone": "UTC"})
	want(t, rec, http.StatusConflict, nil)
	if !secret.CheckAppToken(f.shopRecord(c.ID).AppTokenHash, c.AppToken) {
		t.Error("a refused duplicate replaced the app token")
	}
}

func TestCreateShopRefusesBadInput(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name, body string
		status     int
		mention    string
	}{
		{"no domain", `{"timeZone":"UTC"}`, 400, "domain"},
		{"URL as domain", `{"domain":"https://a.myshopify.com","timeZone":"UTC"}`, 400, "domain"},
		{"domain with path", `{"domain":"a.myshopify.com/admin","timeZone":"UTC"}`, 400, "domain"},
		{"not a Shopify domain", `{"domain":"shop.example.com","timeZone":"UTC"}`, 400, "myshopify.com"},
		{"no time zone", `{"domain":"a.myshopify.com"}`, 400, "time zone"},
		{"bad time zone", `{"domain":"a.myshopify.com","timeZone":"Mars/Olympus"}`, 400, "time zone"},
		{"Local zone", `{"domain":"a.myshopify.com","timeZone":"Local"}`, 400, "time zone"},
		{"bad shopifyUrl", `{"domain":"a.myshopify.com","timeZone":"UTC","shopifyUrl":"ftp://x"}`, 400, "Shopify URL"},
		{"token with a space", `{"domain":"a.myshopify.com","timeZone":"UTC","shopifyToken":"shpat_a b"}`, 400, "Shopify token"},
		{"unknown field", `{"domain":"a.myshopify.com","timeZone":"UTC","colour":"red"}`, 400, "colour"},
		{"bad currency", `{"domain":"a.myshopify.com","timeZone":"UTC","currency":"euro"}`, 400, "currency"},
		{"client id without its auth", `{"domain":"a.myshopify.com","timeZone":"UTC","clientId":"id","clientSecret":"s"}`, 400, "client_credentials"},
		{"oauth through the API", `{"domain":"a.myshopify.com","timeZone":"UTC","shopifyAuth":"oauth"}`, 400, "/shopify/install"},
		{"wrong type", `{"domain":42,"timeZone":"UTC"}`, 400, "domain"},
		{"empty body", ``, 400, "empty"},
		{"not JSON", `domain=a`, 400, "JSON"},
		{"two objects", `{"domain":"a.myshopify.com","timeZone":"UTC"}{}`, 400, "more than one"},
		{"over 1 MiB", `{"domain":"a.myshopify.com","timeZone":"UTC","name":"` + strings.Repeat("x", 1<<20) + `"}`, 413, "bytes"},
	} {
		rec := f.call("POST", "/api/shops", tc.body)
		if rec.Code != tc.status || !strings.Contains(errorOf(t, rec), tc.mention) {
			t.Errorf("%s: %d %q, want %d mentioning %q", tc.name, rec.Code, errorOf(t, rec), tc.status, tc.mention)
		}
	}
	if shops, _ := f.db.ListShops(context.Background()); len(shops) != 0 {
		t.Errorf("refused requests registered %d shops", len(shops))
	}
	f.noSecrets("shpat_a b")
}

// A Shopify token that cannot be stored must not lose the one-time app token.
func TestCreateShopKeepsAppTokenWhenShopifyTokenFails(t *testing.T) {
	f := newFixture(t, func(s *setup) {
		s.admin.Store = failingSecrets{s.admin.Store, errors.New("disk full")}
	})
	rec := f.callOnce("POST", "/api/shops", map[string]string{"domain": "a.myshopify.com", "timeZone": "UTC", "shopifyToken": "shpat_kept_out"})
	var c created
	want(t, rec, http.StatusCreated, &c)
	if c.AppToken == "" || c.ShopifyTokenStored || !strings.Contains(c.Warning, "shopify-token") {
		t.Errorf("created %+v", c)
	}
	if !strings.Contains(f.logs.String(), "disk full") {
		t.Error("the failure was not logged for the operator")
	}
	f.noSecrets("shpat_kept_out")
}

func TestShopLookupErrors(t *testing.T) {
	f := newFixture(t)
	for _, e := range endpoints {
		if !strings.Contains(e.path, "/shops/1") {
			continue
		}
		for _, tc := range []struct {
			id     string
			status int
		}{{"999", 404}, {"abc", 400}, {"0", 400}, {"-3", 400}} {
			p := strings.Replace(e.path, "/shops/1", "/shops/"+tc.id, 1)
			rec := f.call(e.method, p, e.body)
			if rec.Code != tc.status {
				t.Errorf("%s %s: %d, want %d (%s)", e.method, p, rec.Code, tc.status, rec.Body)
			}
		}
	}
	want(t, f.call("GET", "/api/nothing-here", nil), http.StatusNotFound, nil)
}

func TestRotateToken(t *testing.T) {
	f := newFixture(t)
	c := f.createShop("rotate.myshopify.com", "")
	rec := f.callOnce("POST", pathOf(c.ID, "token"), nil)
	var out struct {
		AppToken string `json:"appToken"`
	}
	want(t, rec, http.StatusOK, &out)
	hash := f.shopRecord(c.ID).AppTokenHash
	if out.AppToken == "" || out.AppToken == c.AppToken || !secret.CheckAppToken(hash, out.AppToken) || secret.CheckAppToken(hash, c.AppToken) {
		t.Fatal("the rotation did not replace the app token")
	}
	audit := f.audit(c.ID)
	if !hasAudit(audit, "api", "token_rotated") {
		t.Errorf("audit %v lacks the rotation by api", audit)
	}
	f.noSecrets(c.AppToken, out.AppToken)
}

func TestQWC(t *testing.T) {
	f := newFixture(t)
	c := f.createShop("qwc-shop.myshopify.com", "shpat_qwc_secret")
	rec := f.call("GET", pathOf(c.ID, "qwc")+"?url=https://sync.example.com/qbwc&everyMinutes=30", nil)
	want(t, rec, http.StatusOK, nil)
	if ct := rec.Header().Get("Content-Type"); ct != "application/xml" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename=qwc-shop.qwc` {
		t.Errorf("Content-Disposition %q", cd)
	}
	q, err := qbwc.ParseQWC(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	shop := f.shopRecord(c.ID)
	if q.AppURL != "https://sync.example.com/qbwc" || q.AppSupport != "https://sync.example.com/support" || q.UserName != "qwc-shop" ||
		q.OwnerID != shop.OwnerID || q.FileID != shop.FileID || q.RunEveryNMinutes != 30 || q.AppUniqueName != "shopqb-qwc-shop.myshopify.com" {
		t.Errorf("qwc %+v", q)
	}
	// The file is what `shopqb qwc` writes: both build it with web.ShopQWC.
	same, err := web.ShopQWC(shop, "https://sync.example.com/qbwc", 30)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := same.Marshal(); !bytes.Equal(b, rec.Body.Bytes()) {
		t.Errorf("API file differs from ShopQWC's:\n%s\n%s", rec.Body, b)
	}
	for _, tc := range []struct{ query, mention string }{
		{"", "url"},
		{"?url=not%20a%20url", "not a URL"},
		{"?url=http://sync.example.com/qbwc", "https"},
		{"?url=https://sync.example.com/qbwc&everyMinutes=0", "everyMinutes"},
		{"?url=https://sync.example.com/qbwc&everyMinutes=often", "everyMinutes"},
	} {
		rec := f.call("GET", pathOf(c.ID, "qwc")+tc.query, nil)
		if rec.Code != http.StatusBadRequest || !strings.Contains(errorOf(t, rec), tc.mention) {
			t.Errorf("%q: %d %s", tc.query, rec.Code, rec.Body)
		}
	}
	// http is fine for this machine.
	want(t, f.call("GET", pathOf(c.ID, "qwc")+"?url=http://localhost:8080/qbwc", nil), http.StatusOK, nil)
	f.noSecrets("shpat_qwc_secret", c.AppToken)
}

func TestSettings(t *testing.T) {
	f := newFixture(t)
	c := f.createShop("settings.myshopify.com", "")
	var s shopqb.Settings
	want(t, f.call("GET", pathOf(c.ID, "settings"), nil), http.StatusOK, &s)
	if s.SalesMode != shopqb.Detail || s.Schedule != "manual" || s.Mapping[shopqb.Bank] != "Checking" {
		t.Fatalf("default settings %+v", s)
	}
	// Fields present change, the rest stay; mapping entries merge.
	want(t, f.call("PUT", pathOf(c.ID, "settings"), `{"startDate":"2026-10-01","salesMode":"summary","schedule":"daily 02:30","mapping":{"bank":"Operating Account"}}`), http.StatusOK, &s)
	stored := f.shopRecord(c.ID).Settings
	if stored.StartDate != "2026-10-01" || stored.SalesMode != shopqb.Summary || stored.Schedule != "daily 02:30" ||
		stored.Mapping[shopqb.Bank] != "Operating Account" || stored.Mapping[shopqb.SalesIncome] != "Sales" || stored.CustomersMode != shopqb.Summary {
		t.Errorf("stored settings %+v", stored)
	}
	if s.StartDate != stored.StartDate || s.Mapping[shopqb.Bank] != "Operating Account" {
		t.Errorf("answer %+v differs from what was stored", s)
	}
	for _, tc := range []struct{ body, mention string }{
		{`{"salesMode":"weekly"}`, "choose detail or summary"},
		{`{"schedule":"hourly"}`, "daily HH:MM"},
		{`{"schedule":"daily 25:00"}`, "daily HH:MM"},
		{`{"salesMode":"summary","color":"blue"}`, "color"},
		{`{"mapping":["bank"]}`, "mapping"},
		{``, "empty"},
	} {
		rec := f.call("PUT", pathOf(c.ID, "settings"), tc.body)
		if rec.Code != http.StatusBadRequest || !strings.Contains(errorOf(t, rec), tc.mention) {
			t.Errorf("%s: %d %s", tc.body, rec.Code, rec.Body)
		}
	}
	if got := f.shopRecord(c.ID).Settings; got.Schedule != "daily 02:30" || got.SalesMode != shopqb.Summary {
		t.Errorf("refused changes were saved: %+v", got)
	}
}

func TestSettingsLockedAfterStart(t *testing.T) {
	f := newFixture(t)
	c := f.createShop("locked.myshopify.com", "")
	f.startShop(c.ID)
	for _, body := range []string{
		`{"startDate":"2026-01-01"}`, `{"salesMode":"summary"}`, `{"customersMode":"detail"}`,
		`{"inventoryMode":"detail"}`, `{"vendorsMode":"detail"}`,
	} {
		rec := f.call("PUT", pathOf(c.ID, "settings"), body)
		if rec.Code != http.StatusConflict || !strings.Contains(errorOf(t, rec), "locked") {
			t.Errorf("%s after the start: %d %s, want 409 locked", body, rec.Code, rec.Body)
		}
	}
	s := f.shopRecord(c.ID).Settings
	if s.StartDate != "2026-11-01" || s.SalesMode != shopqb.Detail || s.CustomersMode != shopqb.Summary {
		t.Errorf("locked settings changed: %+v", s)
	}
	// The mapping and the schedule stay editable, and mapping changes are audited.
	want(t, f.call("PUT", pathOf(c.ID, "settings"), `{"schedule":"daily 03:00","mapping":{"processing_fees":"Bank Charges"}}`), http.StatusOK, nil)
	if s := f.shopRecord(c.ID).Settings; s.Mapping[shopqb.ProcessingFees] != "Bank Charges" || s.Schedule != "daily 03:00" {
		t.Errorf("settings %+v", s)
	}
	if a := f.audit(c.ID); !hasAudit(a, "api", "mapping_changed") || !hasAudit(a, "api", "started") {
		t.Errorf("audit %v", a)
	}
}

// failingSecrets is a store whose secrets cannot be written.
type failingSecrets struct {
	shopadmin.Store
	err error
}

func (f failingSecrets) PutSecret(context.Context, int64, string, []byte) error { return f.err }
