package app

import (
	"bytes"
	"context"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/secret"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/testenv"
)

// These tests run the three ways of reaching Shopify against the project's
// Shopify simulator over HTTP: its token endpoint and authorize page are
// written from Shopify's documentation, independently of the client.

const (
	authSimDomain       = "auth-test.myshopify.com"
	authSimClientID     = "app-client-id"
	authSimClientSecret = "app-client-secret-4f1c"
)

// authClock is the shared clock of the simulator and the apps, so that
// tokens expire for both at once. It runs with real time (the simulator's
// cost bucket refills by it) from an offset that Advance moves.
type authClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func newAuthClock() *authClock { return &authClock{} }

func (c *authClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *authClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// authGrants counts the simulator's token endpoint calls by grant type.
type authGrants struct {
	mu sync.Mutex
	n  map[string]int
}

func (g *authGrants) count(grant string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n[grant]
}

type authSim struct {
	sim    *shopifysim.Sim
	url    string
	grants *authGrants
}

func startAuthSim(t *testing.T, clock *authClock, accessToken string) *authSim {
	t.Helper()
	opts := shopifysim.Options{
		SchemaDir: filepath.Join(testenv.SharedDir(t), "shopify"),
		Shop:      shopifysim.Shop{Domain: authSimDomain, Name: "Auth Test Shop", Currency: "CAD", Timezone: "America/Toronto"},
		Seed:      7, Orders: 6, Days: 3,
		AccessToken: accessToken, ClientID: authSimClientID, ClientSecret: authSimClientSecret,
		// Throttling is tested in internal/shopify; a roomy bucket keeps
		// these repeated reads from waiting for it to refill.
		Bucket: shopifysim.BucketOptions{MaximumAvailable: 200000, RestoreRate: 20000},
	}
	if clock != nil {
		opts.Now = clock.Now
	}
	sim, err := shopifysim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	grants := &authGrants{n: map[string]int{}}
	h := sim.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/admin/oauth/access_token" {
			r.ParseForm()
			grant := r.PostForm.Get("grant_type")
			if grant == "" {
				grant = "authorization_code"
			}
			grants.mu.Lock()
			grants.n[grant]++
			grants.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &authSim{sim: sim, url: srv.URL, grants: grants}
}

// openAuthApp opens an App on the test's database (several may share it),
// listening on a free port unless cfg.Listen is "-".
func openAuthApp(t *testing.T, dir string, cfg Config) *App {
	t.Helper()
	cfg.DatabaseURL = filepath.Join(dir, "shopqb.db")
	cfg.KeyFile = filepath.Join(dir, "shopqb.key")
	switch cfg.Listen {
	case "":
		cfg.Listen = "127.0.0.1:0"
	case "-": // no HTTP server
		cfg.Listen = ""
	}
	a, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	return a
}

// readAuthOrders reads the simulator's orders through the shop's sync source.
func readAuthOrders(t *testing.T, a *App, shop *shopqb.Shop) int {
	t.Helper()
	src, err := a.shopifySource(context.Background(), shop)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = src.Orders(context.Background(), time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
		func(*shopify.Order) error { n++; return nil })
	if err != nil {
		t.Fatalf("read orders of %s: %v", shop.Domain, err)
	}
	if n == 0 {
		t.Fatal("no orders read")
	}
	return n
}

func TestClientCredentialsSourceReadsAndKeepsItsToken(t *testing.T) {
	ctx := context.Background()
	ts := startAuthSim(t, nil, "")
	dir := t.TempDir()
	a := openAuthApp(t, dir, Config{Listen: "-"})
	shop := &shopqb.Shop{Domain: authSimDomain, TimeZone: "America/Toronto", Currency: "CAD", ShopifyAuth: shopqb.AuthClientCredentials, ShopifyURL: ts.url}
	// Registered without its credentials (Register refuses that), to see
	// what a sync says when they are missing.
	shop.QBWCUser = "auth-test"
	if err := a.Store.CreateShop(ctx, shop); err != nil {
		t.Fatal(err)
	}
	if _, err := a.shopifySource(ctx, shop); err == nil || !strings.Contains(err.Error(), "no Shopify client credentials") {
		t.Fatalf("source without credentials: %v", err)
	}
	if err := a.Admin.SetShopifyClientCredentials(ctx, shop.ID, "test", authSimClientID, authSimClientSecret); err != nil {
		t.Fatal(err)
	}
	if ws, err := a.Admin.OpenSecret(ctx, shop, shopadmin.SecretWebhook); err != nil || string(ws) != authSimClientSecret {
		t.Fatalf("webhook secret after storing client credentials: %v", err)
	}
	n := readAuthOrders(t, a, shop)
	if g := ts.grants.count("client_credentials"); g != 1 {
		t.Fatalf("%d client-credentials grants, want 1", g)
	}
	// A new source (the next sync) reuses the stored token.
	if m := readAuthOrders(t, a, shop); m != n {
		t.Fatalf("second read got %d orders, first %d", m, n)
	}
	ct, err := a.Store.Secret(ctx, shop.ID, shopadmin.SecretShopifyCCToken)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(ct, []byte("shpat_")) || bytes.Contains(ct, []byte("accessToken")) {
		t.Fatal("the cached token is stored in the clear")
	}
	a.Close(ctx)

	// A restart (another App on the same database) does not grant again.
	b := openAuthApp(t, dir, Config{Listen: "-"})
	shop2, err := b.Store.ShopByDomain(ctx, authSimDomain)
	if err != nil {
		t.Fatal(err)
	}
	readAuthOrders(t, b, shop2)
	if g := ts.grants.count("client_credentials"); g != 1 {
		t.Fatalf("%d client-credentials grants after a restart, want 1", g)
	}

	// New credentials drop the old token; wrong ones give Shopify's refusal.
	if err := b.Admin.SetShopifyClientCredentials(ctx, shop2.ID, "test", authSimClientID, "not-the-secret"); err != nil {
		t.Fatal(err)
	}
	src, err := b.shopifySource(ctx, shop2)
	if err != nil {
		t.Fatal(err)
	}
	err = src.Orders(ctx, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), func(*shopify.Order) error { return nil })
	var te *shopify.TokenError
	if !errors.As(err, &te) || te.Code != "invalid_client" || strings.Contains(err.Error(), "not-the-secret") {
		t.Fatalf("read with a wrong secret: %v", err)
	}
	if err := b.Admin.SetShopifyClientCredentials(ctx, shop2.ID, "test", " ", authSimClientSecret); err == nil {
		t.Fatal("empty client id accepted")
	}
}

func TestStaticTokenAndUnknownAuth(t *testing.T) {
	ctx := context.Background()
	ts := startAuthSim(t, nil, "shpat_static_token")
	a := openAuthApp(t, t.TempDir(), Config{Listen: "-"})
	shop := &shopqb.Shop{Domain: authSimDomain, TimeZone: "America/Toronto", Currency: "CAD", ShopifyURL: ts.url}
	reg, err := a.Admin.Register(ctx, shopadmin.Registration{Domain: shop.Domain, TimeZone: shop.TimeZone, Currency: shop.Currency, ShopifyURL: shop.ShopifyURL}, "test")
	if err != nil {
		t.Fatal(err)
	}
	shop = reg.Shop
	if _, err := a.shopifySource(ctx, shop); err == nil || !strings.Contains(err.Error(), "shopqb admin shopify-token") {
		t.Fatalf("source without a token: %v", err)
	}
	if err := a.Admin.SetShopifyToken(ctx, shop.ID, "test", "shpat_static_token"); err != nil {
		t.Fatal(err)
	}
	readAuthOrders(t, a, shop) // ShopifyAuth "" is static
	shop.ShopifyAuth = "magic"
	if _, err := a.shopifySource(ctx, shop); err == nil || !strings.Contains(err.Error(), `unknown Shopify auth "magic"`) {
		t.Fatalf("unknown auth: %v", err)
	}
	shop.ShopifyAuth = shopqb.AuthOAuth
	if _, err := a.shopifySource(ctx, shop); err == nil || !strings.Contains(err.Error(), "--shopify-client-id") {
		t.Fatalf("oauth shop on a server without an app: %v", err)
	}
	if ts.grants.count("client_credentials")+ts.grants.count("authorization_code") != 0 {
		t.Fatal("a static token asked for a grant")
	}
}

// authBrowser follows one redirect at a time, like a merchant's authBrowser would,
// so each hop can be checked.
var authBrowser = &http.Client{
	Timeout:       20 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func browse(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	res, err := authBrowser.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// authorize starts an install at a and follows it to Shopify's (the
// simulator's) authorize page, returning the callback URL Shopify sends the
// authBrowser back to.
func authorizeInstall(t *testing.T, a *App, ts *authSim, shop string) *url.URL {
	t.Helper()
	res, body := browse(t, a.URL+"/shopify/install?shop="+url.QueryEscape(shop))
	if res.StatusCode != http.StatusFound {
		t.Fatalf("install: HTTP %d %s", res.StatusCode, body)
	}
	authURL, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	q := authURL.Query()
	if authURL.Path != "/admin/oauth/authorize" || q.Get("client_id") != authSimClientID || q.Get("redirect_uri") != a.URL+"/shopify/callback" ||
		len(q.Get("state")) < 32 || !strings.Contains(q.Get("scope"), "read_orders") || strings.Contains(authURL.String(), authSimClientSecret) {
		t.Fatalf("authorize URL = %s", authURL)
	}
	if !strings.HasPrefix(authURL.String(), ts.url) {
		t.Fatalf("authorize URL %s is not the shop's", authURL)
	}
	res, body = browse(t, authURL.String())
	if res.StatusCode != http.StatusFound {
		t.Fatalf("authorize: HTTP %d %s", res.StatusCode, body)
	}
	cb, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return cb
}

var appTokenOnPage = regexp.MustCompile(`<code id="app-token">([^<]+)</code>`)

func oauthTestConfig(ts *authSim, clock *authClock, log *slog.Logger) Config {
	return Config{
		ShopifyClientID: authSimClientID, ShopifyClientSecret: authSimClientSecret,
		ShopifyShopURL: func(string) string { return ts.url },
		Now:            clock.Now, Log: log,
	}
}

func TestOAuthInstallCreatesShopReadsAndRefreshes(t *testing.T) {
	ctx := context.Background()
	clock := newAuthClock()
	ts := startAuthSim(t, clock, "")
	var logs bytes.Buffer
	a := openAuthApp(t, t.TempDir(), oauthTestConfig(ts, clock, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))

	cb := authorizeInstall(t, a, ts, authSimDomain)
	res, page := browse(t, cb.String())
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("callback: HTTP %d %v\n%s", res.StatusCode, res.Header, page)
	}
	m := appTokenOnPage.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "shopqb qwc --shop "+authSimDomain+" --url "+a.URL+"/qbwc") {
		t.Fatalf("callback page lacks the app token or the next step:\n%s", page)
	}
	shop, err := a.Store.ShopByDomain(ctx, authSimDomain)
	if err != nil {
		t.Fatal(err)
	}
	if shop.ShopifyAuth != shopqb.AuthOAuth || shop.ShopifyURL != ts.url || shop.Name != "Auth Test Shop" || shop.TimeZone != "America/Toronto" || shop.Currency != "CAD" {
		t.Fatalf("created shop = %+v", shop)
	}
	if !secret.CheckAppToken(shop.AppTokenHash, html.UnescapeString(m[1])) {
		t.Fatal("the app token shown is not the shop's")
	}
	if !strings.Contains(page, shop.QBWCUser) {
		t.Fatal("the page does not name the Web Connector user")
	}
	if ws, err := a.Admin.OpenSecret(ctx, shop, shopadmin.SecretWebhook); err != nil || string(ws) != authSimClientSecret {
		t.Fatalf("the app's client secret is not the shop's webhook secret: %v", err)
	}
	store := sealedTokenStore{a: a, shop: shop, name: shopadmin.SecretShopifyOAuthToken}
	first, err := store.Load(ctx, authSimDomain)
	if err != nil || first.RefreshToken == "" || first.ExpiresAt.IsZero() {
		t.Fatalf("stored token = %v, %v; want an expiring offline token", first, err)
	}

	// Read with the stored offline token.
	readAuthOrders(t, a, shop)
	if ts.grants.count("authorization_code") != 1 || ts.grants.count("refresh_token") != 0 {
		t.Fatalf("grants = %v", ts.grants.n)
	}
	// The same callback again: its state was used up.
	if res, _ := browse(t, cb.String()); res.StatusCode != http.StatusForbidden {
		t.Fatalf("replayed callback: HTTP %d, want 403", res.StatusCode)
	}

	// Two hours later the 1-hour token has expired on both sides: the next
	// read refreshes it and stores the rotated pair.
	clock.Advance(2 * time.Hour)
	readAuthOrders(t, a, shop)
	if ts.grants.count("refresh_token") != 1 {
		t.Fatalf("grants after expiry = %v, want one refresh", ts.grants.n)
	}
	second, err := store.Load(ctx, authSimDomain)
	if err != nil || second.AccessToken == first.AccessToken || second.RefreshToken == first.RefreshToken || !second.ExpiresAt.After(clock.Now()) {
		t.Fatalf("token after refresh = %v, %v", second, err)
	}

	// Installing again updates the token of the existing shop; no new shop,
	// no new app token.
	cb = authorizeInstall(t, a, ts, authSimDomain)
	res, page = browse(t, cb.String())
	if res.StatusCode != http.StatusOK || appTokenOnPage.MatchString(page) || !strings.Contains(page, "already registered") {
		t.Fatalf("re-install: HTTP %d\n%s", res.StatusCode, page)
	}
	if shops, _ := a.Store.ListShops(ctx); len(shops) != 1 {
		t.Fatalf("%d shops after a re-install", len(shops))
	}
	third, _ := store.Load(ctx, authSimDomain)
	if third.AccessToken == second.AccessToken {
		t.Fatal("re-install did not store the new token")
	}
	readAuthOrders(t, a, shop)

	for _, leak := range []string{"shpat_", "shprt_", authSimClientSecret, first.AccessToken.Reveal(), m[1]} {
		if strings.Contains(logs.String(), leak) {
			t.Fatalf("log shows a secret (%q):\n%s", leak[:6], logs.String())
		}
	}
}

// signedAuthCallback is a callback query as Shopify would sign it with secret.
func signedAuthCallback(a *App, params url.Values, secretKey string) string {
	params.Set("hmac", shopifysim.CallbackHMAC(params, secretKey))
	return a.URL + "/shopify/callback?" + params.Encode()
}

func TestOAuthCallbackRejections(t *testing.T) {
	ctx := context.Background()
	clock := newAuthClock()
	ts := startAuthSim(t, clock, "")
	a := openAuthApp(t, t.TempDir(), oauthTestConfig(ts, clock, nil))

	// A genuine callback, held back while forgeries built on its parts
	// (including its real, exchangeable code) are tried.
	genuine := authorizeInstall(t, a, ts, authSimDomain)
	gq := genuine.Query()
	// A state issued for another store.
	res, _ := browse(t, a.URL+"/shopify/install?shop=other-store.myshopify.com")
	otherAuth, _ := url.Parse(res.Header.Get("Location"))
	otherState := otherAuth.Query().Get("state")

	variant := func(change func(url.Values)) url.Values {
		v := url.Values{}
		for k := range gq {
			if k != "hmac" {
				v.Set(k, gq.Get(k))
			}
		}
		change(v)
		return v
	}
	cases := []struct {
		name string
		url  string
		want int
	}{
		{"bad hmac", signedAuthCallback(a, variant(func(url.Values) {}), "some-other-secret"), http.StatusForbidden},
		{"hmac of other parameters", a.URL + "/shopify/callback?" + variant(func(v url.Values) {
			v.Set("hmac", gq.Get("hmac"))
			v.Set("code", "attacker-code")
		}).Encode(), http.StatusForbidden},
		{"wrong state", signedAuthCallback(a, variant(func(v url.Values) { v.Set("state", "forged-state-forged-state-forged") }), authSimClientSecret), http.StatusForbidden},
		{"state of another store", signedAuthCallback(a, variant(func(v url.Values) { v.Set("state", otherState) }), authSimClientSecret), http.StatusForbidden},
		{"stale timestamp", signedAuthCallback(a, variant(func(v url.Values) {
			v.Set("timestamp", strconv.FormatInt(clock.Now().Add(-10*time.Minute).Unix(), 10))
		}), authSimClientSecret), http.StatusForbidden},
		{"future timestamp", signedAuthCallback(a, variant(func(v url.Values) {
			v.Set("timestamp", strconv.FormatInt(clock.Now().Add(10*time.Minute).Unix(), 10))
		}), authSimClientSecret), http.StatusForbidden},
		{"foreign domain", signedAuthCallback(a, variant(func(v url.Values) { v.Set("shop", "evil.example.com") }), authSimClientSecret), http.StatusBadRequest},
		{"lookalike domain", signedAuthCallback(a, variant(func(v url.Values) { v.Set("shop", authSimDomain+".evil.com") }), authSimClientSecret), http.StatusBadRequest},
		{"upper-case domain", signedAuthCallback(a, variant(func(v url.Values) { v.Set("shop", strings.ToUpper(authSimDomain)) }), authSimClientSecret), http.StatusBadRequest},
		{"no hmac", a.URL + "/shopify/callback?" + variant(func(url.Values) {}).Encode(), http.StatusBadRequest},
		{"no code", signedAuthCallback(a, variant(func(v url.Values) { v.Del("code") }), authSimClientSecret), http.StatusBadRequest},
	}
	for _, c := range cases {
		res, body := browse(t, c.url)
		if res.StatusCode != c.want {
			t.Errorf("%s: HTTP %d, want %d\n%s", c.name, res.StatusCode, c.want, body)
		}
	}
	if shops, _ := a.Store.ListShops(ctx); len(shops) != 0 {
		t.Fatalf("rejected callbacks created %d shops", len(shops))
	}
	if n := ts.grants.count("authorization_code"); n != 0 {
		t.Fatalf("rejected callbacks exchanged %d codes", n)
	}
	for _, bad := range []string{"", "evil.example.com", authSimDomain + ".evil.com", "https://" + authSimDomain, "a b.myshopify.com"} {
		if res, _ := browse(t, a.URL+"/shopify/install?shop="+url.QueryEscape(bad)); res.StatusCode != http.StatusBadRequest {
			t.Errorf("install for %q: HTTP %d, want 400", bad, res.StatusCode)
		}
	}

	// The genuine callback still works: the rejections consumed nothing.
	if res, body := browse(t, genuine.String()); res.StatusCode != http.StatusOK {
		t.Fatalf("genuine callback: HTTP %d\n%s", res.StatusCode, body)
	}
	if shops, _ := a.Store.ListShops(ctx); len(shops) != 1 {
		t.Fatalf("%d shops after the genuine callback", len(shops))
	}

	// A state past its time is refused even when everything else is right.
	late := authorizeInstall(t, a, ts, authSimDomain)
	clock.Advance(installStateTTL + time.Minute)
	lq := late.Query()
	lq.Set("timestamp", strconv.FormatInt(clock.Now().Unix(), 10))
	if res, _ := browse(t, signedAuthCallback(a, lq, authSimClientSecret)); res.StatusCode != http.StatusForbidden {
		t.Fatalf("expired state: HTTP %d, want 403", res.StatusCode)
	}

	// A server without an app answers 404 with the reason.
	b := openAuthApp(t, t.TempDir(), Config{})
	if res, body := browse(t, b.URL+"/shopify/install?shop="+authSimDomain); res.StatusCode != http.StatusNotFound || !strings.Contains(body, "--shopify-client-id") {
		t.Fatalf("install without an app: HTTP %d %s", res.StatusCode, body)
	}
}

func TestOAuthCallbackServedByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	clock := newAuthClock()
	ts := startAuthSim(t, clock, "")
	dir := t.TempDir()
	a1 := openAuthApp(t, dir, oauthTestConfig(ts, clock, nil))
	a2 := openAuthApp(t, dir, oauthTestConfig(ts, clock, nil))

	// Behind a load balancer the callback may reach the other process.
	cb := authorizeInstall(t, a1, ts, authSimDomain)
	if !strings.HasPrefix(cb.String(), a1.URL+"/shopify/callback?") {
		t.Fatalf("callback URL = %s", cb)
	}
	res, page := browse(t, a2.URL+strings.TrimPrefix(cb.String(), a1.URL))
	if res.StatusCode != http.StatusOK || !appTokenOnPage.MatchString(page) {
		t.Fatalf("callback at the second process: HTTP %d\n%s", res.StatusCode, page)
	}
	shop, err := a1.Store.ShopByDomain(ctx, authSimDomain)
	if err != nil {
		t.Fatal(err)
	}
	readAuthOrders(t, a1, shop)

	// Both processes hold the token when it expires and both refresh: the
	// refresh token is single-use, so one refresh is refused, and that
	// process carries on with the token the other one stored.
	ts1, err := a1.shopifyTokenSource(ctx, shop)
	if err != nil {
		t.Fatal(err)
	}
	ts2, err := a2.shopifyTokenSource(ctx, shop)
	if err != nil {
		t.Fatal(err)
	}
	t1, err1 := ts1.Token(ctx)
	t2, err2 := ts2.Token(ctx)
	if err1 != nil || err2 != nil || t1.AccessToken != t2.AccessToken {
		t.Fatalf("tokens before expiry: %v %v", err1, err2)
	}
	clock.Advance(90 * time.Minute)
	r1, err := ts1.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := ts2.Token(ctx)
	if err != nil {
		t.Fatalf("the second process could not recover from the lost refresh race: %v", err)
	}
	if r1.AccessToken == t1.AccessToken || r2.AccessToken != r1.AccessToken {
		t.Fatal("the processes do not share the refreshed token")
	}
	if n := ts.grants.count("refresh_token"); n != 2 {
		t.Fatalf("%d refresh grants, want 2 (one refused)", n)
	}
	readAuthOrders(t, a2, shop)
}
