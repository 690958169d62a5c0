package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/secret"
	"github.com/shopqb/shopqb/internal/shopadmin"
)

func TestSecretEndpoints(t *testing.T) {
	f := newFixture(t)
	c := f.createShop("secrets.myshopify.com", "")
	const (
		tok1, tok2 = "shpat_first_token_value", "shpat_second_token_value"
		wh1, wh2   = "whsec_first_value", "whsec_second_value"
		stockyKey  = "stocky_api_key_value"
	)
	ctx := context.Background()
	want(t, f.call("PUT", pathOf(c.ID, "shopify-token"), map[string]string{"token": tok1}), http.StatusOK, nil)
	want(t, f.call("PUT", pathOf(c.ID, "shopify-token"), map[string]string{"token": " " + tok2 + "\n"}), http.StatusOK, nil)
	if got := f.openSecret(c.ID, c.Domain, shopadmin.SecretShopifyToken); got != tok2 {
		t.Errorf("Shopify token %q", got)
	}
	want(t, f.call("PUT", pathOf(c.ID, "webhook-secret"), map[string]string{"secret": wh1}), http.StatusOK, nil)
	want(t, f.call("PUT", pathOf(c.ID, "webhook-secret"), map[string]string{"secret": wh2}), http.StatusOK, nil)
	if cur, prev := f.openSecret(c.ID, c.Domain, shopadmin.SecretWebhook), f.openSecret(c.ID, c.Domain, shopadmin.SecretWebhookPrevious); cur != wh2 || prev != wh1 {
		t.Errorf("webhook secrets %q, previous %q", cur, prev)
	}
	want(t, f.call("PUT", pathOf(c.ID, "stocky-key"), map[string]string{"key": stockyKey}), http.StatusOK, nil)
	if got := f.openSecret(c.ID, c.Domain, shopadmin.SecretStockyKey); got != stockyKey {
		t.Errorf("Stocky key %q", got)
	}
	if v, _ := f.db.KV(ctx, c.ID, shopadmin.KVStockyStore); string(v) != c.Domain {
		t.Errorf("Stocky store name %q, want the domain", v)
	}
	want(t, f.call("PUT", pathOf(c.ID, "stocky-key"), map[string]string{"key": stockyKey, "storeName": "secrets-store"}), http.StatusOK, nil)
	if v, _ := f.db.KV(ctx, c.ID, shopadmin.KVStockyStore); string(v) != "secrets-store" {
		t.Errorf("Stocky store name %q", v)
	}
	for _, tc := range []struct{ path, body, mention string }{
		{"shopify-token", `{}`, "token is required"},
		{"shopify-token", `{"token":"  "}`, "token is required"},
		{"shopify-token", `{"token":"shpat_a\u0000b"}`, "control"},
		{"shopify-token", `{"accessToken":"x"}`, "accessToken"},
		{"webhook-secret", `{"secret":""}`, "secret is required"},
		{"webhook-secret", `{"token":"x"}`, "token"},
		{"stocky-key", `{"storeName":"s"}`, "key is required"},
		{"stocky-key", `{"key":"k","storeName":"a\u0007"}`, "store name"},
	} {
		rec := f.call("PUT", pathOf(c.ID, tc.path), tc.body)
		if rec.Code != http.StatusBadRequest || !strings.Contains(errorOf(t, rec), tc.mention) {
			t.Errorf("%s %s: %d %s", tc.path, tc.body, rec.Code, rec.Body)
		}
	}
	// Refusals stored nothing over the good values.
	if got := f.openSecret(c.ID, c.Domain, shopadmin.SecretShopifyToken); got != tok2 {
		t.Errorf("a refused token replaced the stored one: %q", got)
	}
	for _, p := range []string{"", "settings", "audit", "preflight", "runs", "postings"} {
		f.call("GET", pathOf(c.ID, p), nil)
	}
	f.call("GET", "/api/shops", nil)
	f.noSecrets(tok1, tok2, wh1, wh2, stockyKey, c.AppToken)

	off := newFixture(t, func(s *setup) {
		s.admin.Box, s.web.EnqueueSync = nil, nil
	})
	oc := off.createShop("off.myshopify.com", "")
	for _, e := range []struct{ method, path, body string }{
		{"PUT", "shopify-token", `{"token":"t"}`}, {"PUT", "webhook-secret", `{"secret":"s"}`},
		{"PUT", "stocky-key", `{"key":"k"}`}, {"POST", "sync", ""},
	} {
		want(t, off.call(e.method, pathOf(oc.ID, e.path), e.body), http.StatusNotImplemented, nil)
	}
	want(t, off.callOnce("POST", "/api/shops", `{"domain":"b.myshopify.com","timeZone":"UTC","shopifyToken":"t"}`), http.StatusNotImplemented, nil)
}

// One shop's id never reaches another shop's data, whatever is in the
// query or the body.
func TestShopsAreIsolated(t *testing.T) {
	f := newFixture(t)
	one := f.createShop("one.myshopify.com", "shpat_one")
	two := f.createShop("two.myshopify.com", "shpat_two")
	f.addPostings(two.ID, "two-order", 4, 2)
	ctx := context.Background()

	var ps []postingLine
	want(t, f.call("GET", pathOf(one.ID, "postings"), nil), http.StatusOK, &ps)
	if len(ps) != 0 {
		t.Errorf("shop 1 lists %d postings of shop 2", len(ps))
	}
	want(t, f.call("GET", pathOf(one.ID, "postings")+"?shopId="+decimal(two.ID)+"&state=failed", nil), http.StatusOK, &ps)
	if len(ps) != 0 {
		t.Errorf("a shopId query parameter reached shop 2: %v", ps)
	}
	want(t, f.call("GET", pathOf(two.ID, "postings"), nil), http.StatusOK, &ps)
	if len(ps) != 4 {
		t.Errorf("shop 2 lists %d postings, want 4", len(ps))
	}
	// Retry through shop 1 leaves shop 2's failures alone.
	var q struct {
		Queued int `json:"queued"`
	}
	want(t, f.call("POST", pathOf(one.ID, "retry"), nil), http.StatusOK, &q)
	if counts, _ := f.db.CountPostings(ctx, two.ID); q.Queued != 0 || counts[shopqb.Failed] != 2 {
		t.Errorf("retry of shop 1 queued %d, shop 2 now %v", q.Queued, counts)
	}
	// A body cannot name another shop.
	want(t, f.call("PUT", pathOf(one.ID, "settings"), `{"id":2,"schedule":"daily 01:00"}`), http.StatusBadRequest, nil)
	want(t, f.call("PUT", pathOf(one.ID, "settings"), `{"schedule":"daily 01:00"}`), http.StatusOK, nil)
	if s := f.shopRecord(two.ID).Settings.Schedule; s != "manual" {
		t.Errorf("shop 2's schedule became %q", s)
	}
	want(t, f.call("PUT", pathOf(one.ID, "stocky-key"), `{"key":"stocky_one"}`), http.StatusOK, nil)
	if _, err := f.db.Secret(ctx, two.ID, shopadmin.SecretStockyKey); !errors.Is(err, shopqb.ErrNotFound) {
		t.Errorf("shop 1's Stocky key reached shop 2 (err %v)", err)
	}
	if got := f.openSecret(two.ID, two.Domain, shopadmin.SecretShopifyToken); got != "shpat_two" {
		t.Errorf("shop 2's Shopify token is %q", got)
	}
	// Rotating shop 1's token leaves shop 2's working.
	f.callOnce("POST", pathOf(one.ID, "token"), nil)
	if !secret.CheckAppToken(f.shopRecord(two.ID).AppTokenHash, two.AppToken) {
		t.Error("rotating shop 1 changed shop 2's app token")
	}
	// Audit and preflight stay per shop.
	for _, l := range f.audit(one.ID) {
		if strings.Contains(l.Detail, "two.myshopify.com") {
			t.Errorf("shop 1's audit shows %v", l)
		}
	}
	f.putPreflight(two.ID)
	want(t, f.call("GET", pathOf(one.ID, "preflight"), nil), http.StatusNotFound, nil)
	var qwc bytes.Buffer
	qwc.WriteString(f.call("GET", pathOf(one.ID, "qwc")+"?url=https://h.example/qbwc", nil).Body.String())
	if strings.Contains(qwc.String(), "two") {
		t.Error("shop 1's .qwc names shop 2")
	}
	f.noSecrets("shpat_one", "shpat_two", "stocky_one", one.AppToken, two.AppToken)
}

// The server app.Open starts wires every secret endpoint to the App's own
// methods, so the API and `shopqb admin` store secrets the same way.
func TestAppServesTheAPI(t *testing.T) {
	t.Setenv(secret.KeyEnvVar, "")
	dir := t.TempDir()
	ctx := context.Background()
	a, err := app.Open(ctx, app.Config{DatabaseURL: filepath.Join(dir, "shopqb.db"), KeyFile: filepath.Join(dir, "shopqb.key"), Listen: "127.0.0.1:0", AdminToken: adminToken})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	do := func(method, path, body string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, a.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+adminToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	res := do("POST", "/api/shops", `{"domain":"wired.myshopify.com","timeZone":"UTC","shopifyToken":"shpat_wired"}`)
	var c struct {
		ID                 int64 `json:"id"`
		ShopifyTokenStored bool  `json:"shopifyTokenStored"`
	}
	if err := json.NewDecoder(res.Body).Decode(&c); err != nil || res.StatusCode != http.StatusCreated || !c.ShopifyTokenStored {
		t.Fatalf("create: %d %+v %v", res.StatusCode, c, err)
	}
	for path, body := range map[string]string{
		"webhook-secret": `{"secret":"whsec_wired"}`,
		"stocky-key":     `{"key":"stocky_wired","storeName":"Wired"}`,
	} {
		if res := do("PUT", "/api/shops/"+decimal(c.ID)+"/"+path, body); res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	if res := do("POST", "/api/shops/"+decimal(c.ID)+"/sync", ""); res.StatusCode != http.StatusConflict {
		t.Errorf("sync before the start: %d, want 409", res.StatusCode)
	}
	for name, want := range map[string]string{
		shopadmin.SecretShopifyToken: "shpat_wired", shopadmin.SecretWebhook: "whsec_wired", shopadmin.SecretStockyKey: "stocky_wired",
	} {
		ct, err := a.Store.Secret(ctx, c.ID, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if pt, err := a.Box.Open(ct, secret.Bind("wired.myshopify.com", name)); err != nil || string(pt) != want {
			t.Errorf("%s: %q %v", name, pt, err)
		}
	}
}
