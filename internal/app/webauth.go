package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/webauth"
)

// The two ways into the merchant pages (internal/webauth): the embedded
// tree, with Shopify's session tokens, exists when the deployment has a
// Shopify app (client id and secret); the standalone tree, with the
// deployment's own users, always.

func (a *App) openWebAuth() error {
	var err error
	a.Standalone, err = webauth.NewStandalone(webauth.StandaloneConfig{Store: a.Store, Log: a.log})
	if err != nil {
		return fmt.Errorf("standalone login: %w", err)
	}
	if a.cfg.ShopifyClientID == "" || a.cfg.ShopifyClientSecret == "" {
		if a.cfg.ManagedInstall {
			return errors.New("managed installation needs the Shopify app: give its client id and client secret")
		}
		return nil
	}
	a.Embedded, err = webauth.NewEmbedded(webauth.EmbeddedConfig{
		ClientID: a.cfg.ShopifyClientID, ClientSecret: shopify.Secret(a.cfg.ShopifyClientSecret),
		PreviousSecret: shopify.Secret(a.cfg.ShopifyPreviousClientSecret),
		Shops:          a.Store, Installer: a, ManagedInstall: a.cfg.ManagedInstall,
		Now: a.cfg.Now, Log: a.log,
	})
	if err != nil {
		return fmt.Errorf("embedded app: %w", err)
	}
	return nil
}

var _ webauth.Installer = (*App)(nil)

// EnsureOfflineToken implements webauth.Installer: a shop that uses this
// deployment's app (ShopifyAuth oauth) and holds no usable offline token —
// none, or one that has expired with no live refresh token — gets one by
// token exchange. Shops reaching Shopify another way are left alone.
func (a *App) EnsureOfflineToken(ctx context.Context, shop *shopqb.Shop, st *webauth.SessionToken) error {
	if shop.ShopifyAuth != shopqb.AuthOAuth {
		return nil
	}
	ts := sealedTokenStore{a: a, shop: shop, name: shopadmin.SecretShopifyOAuthToken}
	tok, err := ts.Load(ctx, shop.Domain)
	switch {
	case err == nil && offlineTokenUsable(tok, a.oauthNow()):
		return nil
	case err != nil && !errors.Is(err, shopify.ErrNoToken):
		return err
	}
	oa := a.shopOAuthApp(shop)
	if oa == nil {
		return fmt.Errorf("%s uses the Shopify app but this server has none configured", shop.Domain)
	}
	tok, err = oa.ExchangeIDToken(ctx, shop.Domain, st.Raw)
	if err != nil {
		return err
	}
	if err := ts.Save(ctx, shop.Domain, tok); err != nil {
		return err
	}
	_ = a.Store.AddAudit(ctx, shop.ID, "shopify-user:"+st.User+"@"+shop.Domain, "shopify_token_exchanged", "scope "+tok.Scope)
	return nil
}

// offlineTokenUsable reports whether a stored token still works or can be
// refreshed (the token source refreshes five minutes before expiry).
func offlineTokenUsable(t shopify.Token, now time.Time) bool {
	if t.AccessToken == "" {
		return false
	}
	if t.ExpiresAt.IsZero() || now.Add(5*time.Minute).Before(t.ExpiresAt) {
		return true
	}
	return t.RefreshToken != "" && (t.RefreshExpiresAt.IsZero() || now.Before(t.RefreshExpiresAt))
}

// InstallShop implements webauth.Installer for managed installation: the
// session token of a shop shopqb does not know is exchanged for its offline
// token, and only when Shopify gives one is the shop registered (through
// shopadmin, as the OAuth callback does). The new shop's app token is not
// shown here: the wizard's Connect step makes the one the merchant pastes.
func (a *App) InstallShop(ctx context.Context, st *webauth.SessionToken) (*shopqb.Shop, error) {
	oa := a.oauthApp()
	if oa == nil {
		return nil, errors.New("managed installation needs the Shopify app's client id and secret")
	}
	tok, err := oa.ExchangeIDToken(ctx, st.Shop, st.Raw)
	if err != nil {
		return nil, err
	}
	shop, _, err := a.storeInstall(ctx, st.Shop, tok)
	if err != nil {
		return nil, fmt.Errorf("managed install of %s: %w", st.Shop, err)
	}
	a.log.Info("shop installed by token exchange", "shop", st.Shop)
	return shop, nil
}
