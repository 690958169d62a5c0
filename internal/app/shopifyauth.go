package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopify"
)

// DefaultShopifyScopes are what the sync reads (reference §3.6), asked for
// at install when the deployment names none. Purchase orders and payouts
// that a shop does not grant become warnings, not failures.
var DefaultShopifyScopes = []string{
	"read_orders", "read_all_orders", "read_customers", "read_products", "read_inventory", "read_locations",
	"read_shopify_payments_payouts", "read_inventory_purchase_orders", "read_inventory_transfers", "read_inventory_shipments",
}

func (a *App) oauthNow() time.Time {
	if a.cfg.Now != nil {
		return a.cfg.Now()
	}
	return time.Now()
}

// shopifyTokenSource picks the shop's TokenSource by its ShopifyAuth.
func (a *App) shopifyTokenSource(ctx context.Context, shop *shopqb.Shop) (shopify.TokenSource, error) {
	switch shop.ShopifyAuth {
	case "", shopqb.AuthStatic:
		tok, err := a.Admin.OpenSecret(ctx, shop, shopadmin.SecretShopifyToken)
		if errors.Is(err, shopqb.ErrNotFound) {
			return nil, fmt.Errorf("no Shopify token for %s: run `shopqb admin shopify-token`", shop.Domain)
		}
		if err != nil {
			return nil, err
		}
		return shopify.StaticToken(tok), nil
	case shopqb.AuthClientCredentials:
		id, err := a.Admin.OpenSecret(ctx, shop, shopadmin.SecretShopifyClientID)
		if err == nil {
			var sec []byte
			sec, err = a.Admin.OpenSecret(ctx, shop, shopadmin.SecretShopifyClientSecret)
			if err == nil {
				return shopify.NewClientCredentials(shopify.ClientCredentialsConfig{
					ShopDomain: shop.Domain, BaseURL: shop.ShopifyURL, ClientID: string(id), ClientSecret: shopify.Secret(sec),
					HTTP: a.cfg.ShopifyHTTP, Store: sealedTokenStore{a: a, shop: shop, name: shopadmin.SecretShopifyCCToken},
				})
			}
		}
		if errors.Is(err, shopqb.ErrNotFound) {
			return nil, fmt.Errorf("no Shopify client credentials for %s: run `shopqb admin shop-add --auth client_credentials` or store them with the API", shop.Domain)
		}
		return nil, err
	case shopqb.AuthOAuth:
		oa := a.shopOAuthApp(shop)
		if oa == nil {
			return nil, fmt.Errorf("%s uses the Shopify app (OAuth) but this server has no app: start it with --shopify-client-id and --shopify-client-secret", shop.Domain)
		}
		ts := &reloadingTokenSource{fresh: func() shopify.TokenSource {
			return oa.TokenSource(shop.Domain, sealedTokenStore{a: a, shop: shop, name: shopadmin.SecretShopifyOAuthToken})
		}}
		return ts, nil
	}
	return nil, fmt.Errorf("shop %s: %w", shop.Domain, shopqb.ValidShopifyAuth(shop.ShopifyAuth))
}

// sealedTokenStore keeps one shop's token (access token, expiry, refresh
// token) as JSON in the store's secrets, sealed with the server's key.
type sealedTokenStore struct {
	a    *App
	shop *shopqb.Shop
	name string
}

func (s sealedTokenStore) check(domain string) error {
	if domain != s.shop.Domain {
		return fmt.Errorf("token store of %s asked for %s", s.shop.Domain, domain)
	}
	return nil
}

// Load returns the stored token, or shopify.ErrNoToken.
func (s sealedTokenStore) Load(ctx context.Context, domain string) (shopify.Token, error) {
	if err := s.check(domain); err != nil {
		return shopify.Token{}, err
	}
	pt, err := s.a.Admin.OpenSecret(ctx, s.shop, s.name)
	if errors.Is(err, shopqb.ErrNotFound) {
		return shopify.Token{}, shopify.ErrNoToken
	}
	if err != nil {
		return shopify.Token{}, err
	}
	var t shopify.Token
	if err := json.Unmarshal(pt, &t); err != nil {
		// The plaintext is a token: it stays out of the error.
		return shopify.Token{}, fmt.Errorf("stored %s of %s is not a token", s.name, domain)
	}
	if t.AccessToken == "" {
		return shopify.Token{}, shopify.ErrNoToken
	}
	return t, nil
}

// Save replaces the stored token.
func (s sealedTokenStore) Save(ctx context.Context, domain string, t shopify.Token) error {
	if err := s.check(domain); err != nil {
		return err
	}
	raw, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("encode %s of %s: %w", s.name, domain, err)
	}
	return s.a.Admin.SealSecret(ctx, s.shop, s.name, raw)
}

// reloadingTokenSource wraps an OAuth token source. Refresh tokens are
// single-use, so when two processes (or a sync and a payout poll in one)
// refresh the same shop at once, the loser's refresh is refused with
// invalid_grant although the winner has already saved a good token. The
// loser then starts again from the stored token instead of failing.
type reloadingTokenSource struct {
	fresh func() shopify.TokenSource

	mu  sync.Mutex
	cur shopify.TokenSource
}

func (s *reloadingTokenSource) Token(ctx context.Context) (shopify.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		s.cur = s.fresh()
	}
	t, err := s.cur.Token(ctx)
	var te *shopify.TokenError
	if errors.As(err, &te) && te.Code == "invalid_grant" {
		s.cur = s.fresh()
		t, err = s.cur.Token(ctx)
	}
	if errors.As(err, &te) {
		return shopify.Token{}, fmt.Errorf("%w (if the app was uninstalled, install it again at /shopify/install?shop=<domain>)", err)
	}
	return t, err
}

// oauthApp is this deployment's Shopify app, or nil when none is configured.
func (a *App) oauthApp() *shopify.OAuthApp {
	if a.cfg.ShopifyClientID == "" || a.cfg.ShopifyClientSecret == "" {
		return nil
	}
	scopes := a.cfg.ShopifyScopes
	if len(scopes) == 0 {
		scopes = DefaultShopifyScopes
	}
	return &shopify.OAuthApp{
		ClientID:     a.cfg.ShopifyClientID,
		ClientSecret: shopify.Secret(a.cfg.ShopifyClientSecret),
		Scopes:       scopes,
		RedirectURL:  a.URL + "/shopify/callback",
		// Public apps must use expiring offline tokens (reference §3.5).
		Expiring: true,
		HTTP:     a.cfg.ShopifyHTTP,
		ShopURL:  a.cfg.ShopifyShopURL,
		Now:      a.oauthNow,
	}
}

// shopOAuthApp is the app as one shop reaches it: its ShopifyURL, when
// set, is where its token endpoint lives.
func (a *App) shopOAuthApp(shop *shopqb.Shop) *shopify.OAuthApp {
	oa := a.oauthApp()
	if oa != nil && shop.ShopifyURL != "" {
		base := shop.ShopifyURL
		oa.ShopURL = func(string) string { return base }
	}
	return oa
}
