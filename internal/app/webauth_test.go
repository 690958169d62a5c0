package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/webauth"
)

// embeddedPage is a page of the /app tree behind the App's authenticator.
func embeddedPage(a *App) http.Handler {
	return a.Embedded.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "shop %d", webauth.FromContext(r.Context()).ShopID)
	}))
}

func load(h http.Handler, idToken string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/app/?embedded=1&id_token="+url.QueryEscape(idToken), nil))
	return rec
}

// Managed installation against the simulator: the first document load of
// a shop shopqb does not know exchanges App Bridge's session token for an
// expiring offline token, registers the shop and reads Shopify with it;
// later loads exchange nothing while the token can be refreshed.
func TestManagedInstallByTokenExchange(t *testing.T) {
	ctx := context.Background()
	clock := newAuthClock()
	ts := startAuthSim(t, clock, "")
	cfg := oauthTestConfig(ts, clock, nil)
	cfg.ManagedInstall = true
	cfg.Listen = "-"
	a := openAuthApp(t, t.TempDir(), cfg)
	page := embeddedPage(a)

	idToken, err := ts.sim.SessionToken("7001")
	if err != nil {
		t.Fatal(err)
	}
	rec := load(page, idToken)
	if rec.Code != 200 {
		t.Fatalf("first load: %d %s", rec.Code, rec.Body.String())
	}
	shop, err := a.Store.ShopByDomain(ctx, authSimDomain)
	if err != nil || shop.ShopifyAuth != shopqb.AuthOAuth || shop.Name != "Auth Test Shop" || shop.Currency != "CAD" {
		t.Fatalf("managed install registered %+v, %v", shop, err)
	}
	if rec.Body.String() != fmt.Sprintf("shop %d", shop.ID) || rec.Header().Get("Content-Security-Policy") != "frame-ancestors https://"+authSimDomain+" https://admin.shopify.com;" {
		t.Fatalf("first load answered %q with CSP %q", rec.Body.String(), rec.Header().Get("Content-Security-Policy"))
	}
	if n := ts.grants.count(shopify.GrantTokenExchange); n != 1 {
		t.Fatalf("%d token exchanges, want 1", n)
	}
	tok, err := (sealedTokenStore{a: a, shop: shop, name: shopadmin.SecretShopifyOAuthToken}).Load(ctx, shop.Domain)
	if err != nil || tok.RefreshToken == "" {
		t.Fatalf("stored token %v %v: want an expiring token with its refresh token, sealed", tok, err)
	}
	readAuthOrders(t, a, shop)

	// Two hours on, the access token has expired but the refresh token
	// lives: no new exchange; the sync source refreshes it.
	clock.Advance(2 * time.Hour)
	next, _ := ts.sim.SessionToken("7001")
	if rec := load(page, next); rec.Code != 200 {
		t.Fatalf("later load: %d", rec.Code)
	}
	if n := ts.grants.count(shopify.GrantTokenExchange); n != 1 {
		t.Fatalf("a usable token was exchanged again (%d exchanges)", n)
	}
	readAuthOrders(t, a, shop)
	if ts.grants.count("refresh_token") != 1 {
		t.Fatalf("expiring token not refreshed: %d refreshes", ts.grants.count("refresh_token"))
	}

	// A token that Shopify refuses at exchange (expired for Shopify, 5 s
	// old: within shopqb's 10 s leeway) is an invalid session: 401 and the
	// retry header, and no shop is registered.
	if _, err := a.Store.DeleteShopData(ctx, shop.ID, nil); err != nil {
		t.Fatal(err)
	}
	stale, _ := ts.sim.SessionToken("7002")
	clock.Advance(time.Minute + 5*time.Second)
	rec = load(page, stale)
	if rec.Code != http.StatusUnauthorized || rec.Header().Get(webauth.RetryHeader) != "1" {
		t.Fatalf("exchange refused: %d %v", rec.Code, rec.Header())
	}
	if n := ts.grants.count(shopify.GrantTokenExchange); n != 2 {
		t.Fatalf("%d exchanges, want the refused one counted too", n)
	}
	if _, err := a.Store.ShopByDomain(ctx, authSimDomain); !errors.Is(err, shopqb.ErrNotFound) {
		t.Fatalf("a shop was registered after a refused exchange: %v", err)
	}
}

func TestUnknownShopRefusedWithoutManagedInstall(t *testing.T) {
	clock := newAuthClock()
	ts := startAuthSim(t, clock, "")
	cfg := oauthTestConfig(ts, clock, nil)
	cfg.Listen = "-"
	a := openAuthApp(t, t.TempDir(), cfg)
	idToken, _ := ts.sim.SessionToken("7001")
	rec := load(embeddedPage(a), idToken)
	if rec.Code != http.StatusUnauthorized || rec.Header().Get(webauth.RetryHeader) != "1" {
		t.Fatalf("unknown shop without managed install: %d", rec.Code)
	}
	if ts.grants.count(shopify.GrantTokenExchange) != 0 {
		t.Fatal("token exchange for a shop that may not install")
	}
	if _, err := a.Store.ShopByDomain(context.Background(), authSimDomain); !errors.Is(err, shopqb.ErrNotFound) {
		t.Fatal("shop registered without managed install")
	}
	// A deployment without a Shopify app has no embedded tree, and managed install needs one.
	b := openAuthApp(t, t.TempDir(), Config{Listen: "-"})
	if b.Embedded != nil || b.Standalone == nil {
		t.Fatalf("no Shopify app: embedded %v standalone %v", b.Embedded, b.Standalone)
	}
	dir := t.TempDir()
	if _, err := Open(context.Background(), Config{DatabaseURL: dir + "/db", KeyFile: dir + "/key", ManagedInstall: true}); err == nil {
		t.Fatal("managed install without a Shopify app accepted")
	}
}

// A registered OAuth shop whose stored token can no longer be refreshed
// gets a new one by exchange on its next document load.
func TestRegisteredShopWithoutUsableTokenIsExchanged(t *testing.T) {
	ctx := context.Background()
	clock := newAuthClock()
	ts := startAuthSim(t, clock, "")
	cfg := oauthTestConfig(ts, clock, nil)
	cfg.Listen = "-"
	a := openAuthApp(t, t.TempDir(), cfg)
	reg, err := a.Admin.Register(ctx, shopadmin.Registration{Domain: authSimDomain, Name: "x", TimeZone: "America/Toronto", ShopifyAuth: shopqb.AuthOAuth, ShopifyURL: ts.url}, "test")
	if err != nil {
		t.Fatal(err)
	}
	store := sealedTokenStore{a: a, shop: reg.Shop, name: shopadmin.SecretShopifyOAuthToken}
	dead := shopify.Token{AccessToken: "shpat_dead", ExpiresAt: clock.Now().Add(-time.Hour), RefreshToken: "shprt_dead", RefreshExpiresAt: clock.Now().Add(-time.Minute)}
	if err := store.Save(ctx, authSimDomain, dead); err != nil {
		t.Fatal(err)
	}
	idToken, _ := ts.sim.SessionToken("7001")
	if rec := load(embeddedPage(a), idToken); rec.Code != 200 {
		t.Fatalf("load: %d %s", rec.Code, rec.Body.String())
	}
	tok, _ := store.Load(ctx, authSimDomain)
	if tok.AccessToken == dead.AccessToken || ts.grants.count(shopify.GrantTokenExchange) != 1 {
		t.Fatal("dead token not replaced by exchange")
	}
	readAuthOrders(t, a, reg.Shop)
	if !offlineTokenUsable(tok, clock.Now()) || offlineTokenUsable(dead, clock.Now()) || offlineTokenUsable(shopify.Token{}, clock.Now()) {
		t.Fatal("offlineTokenUsable")
	}
}
