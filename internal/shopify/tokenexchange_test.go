package shopify_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
)

type memTokens map[string]shopify.Token

func (m memTokens) Load(_ context.Context, shop string) (shopify.Token, error) {
	t, ok := m[shop]
	if !ok {
		return shopify.Token{}, shopify.ErrNoToken
	}
	return t, nil
}

func (m memTokens) Save(_ context.Context, shop string, t shopify.Token) error {
	m[shop] = t
	return nil
}

// Managed installation against the simulator: App Bridge's session token
// buys an expiring offline token that reads the shop and is refreshed
// before it expires; a session token Shopify would refuse is
// invalid_subject_token.
func TestTokenExchangeAgainstSimulator(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	sim, url := startSim(t, shopifysim.Options{Seed: 1, Orders: 1, ClientID: "cid", ClientSecret: "csecret", Now: clock})
	app := &shopify.OAuthApp{ClientID: "cid", ClientSecret: "csecret", Expiring: true,
		ShopURL: func(string) string { return url }, Now: clock, HTTP: http.DefaultClient}
	ctx := context.Background()
	const shop = "demo-store.myshopify.com"

	idToken, err := sim.SessionToken("42")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := app.ExchangeIDToken(ctx, shop, shopify.Secret(idToken))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || !tok.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("exchanged token %v: want an expiring token with a refresh token", tok)
	}
	store := memTokens{shop: tok}
	ts := app.TokenSource(shop, store)
	c, err := shopify.NewClient(shopify.ClientConfig{ShopDomain: shop, BaseURL: url, Token: ts})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := c.Shop(ctx); err != nil || s.MyshopifyDomain != shop {
		t.Fatalf("read the shop with the exchanged token: %v %v", s, err)
	}

	// 58 minutes on, the token source refreshes it and the new one reads.
	now = now.Add(58 * time.Minute)
	got, err := ts.Token(ctx)
	if err != nil || got.AccessToken == tok.AccessToken || got.RefreshToken == tok.RefreshToken {
		t.Fatalf("token not refreshed near expiry: %v %v", got, err)
	}
	if store[shop].AccessToken != got.AccessToken {
		t.Fatal("refreshed token not saved")
	}
	if _, err := c.Shop(ctx); err != nil {
		t.Fatalf("read with the refreshed token: %v", err)
	}

	// Refused subject tokens: expired, signed with another secret, for another app, another shop.
	sign := func(secret, aud, dest string, exp time.Time) string {
		raw, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
			"iss": dest + "/admin", "dest": dest, "aud": aud, "sub": "42",
			"exp": exp.Unix(), "nbf": now.Add(-time.Second).Unix(), "iat": now.Unix(),
		}).SignedString([]byte(secret))
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	stale := idToken // issued 58 minutes ago, valid for one
	for name, raw := range map[string]string{
		"expired":      stale,
		"wrong secret": sign("other-secret", "cid", "https://"+shop, now.Add(time.Minute)),
		"wrong aud":    sign("csecret", "other-app", "https://"+shop, now.Add(time.Minute)),
		"other shop":   sign("csecret", "cid", "https://other.myshopify.com", now.Add(time.Minute)),
		"not a jwt":    "hello",
	} {
		_, err := app.ExchangeIDToken(ctx, shop, shopify.Secret(raw))
		if !shopify.IsInvalidSubjectToken(err) {
			t.Errorf("%s: %v, want invalid_subject_token", name, err)
		}
	}
	if _, err := app.ExchangeIDToken(ctx, shop, shopify.Secret(sign("csecret", "cid", "https://"+shop, now.Add(time.Minute)))); err != nil {
		t.Fatalf("a good token signed by hand: %v", err)
	}
	bad := *app
	bad.ClientSecret = "wrong"
	if _, err := bad.ExchangeIDToken(ctx, shop, shopify.Secret(idToken)); err == nil || shopify.IsInvalidSubjectToken(err) {
		t.Fatalf("wrong client secret: %v, want invalid_client", err)
	}
}
