package app

import (
	"context"
	"fmt"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/secret"
)

// Every per-shop secret (Shopify token, client credentials, webhook
// secrets, the Stocky key) goes through these two functions: encrypted with
// the server's key and bound to the shop and the secret's name.

// openShopSecret decrypts one of the shop's secrets; shopqb.ErrNotFound when absent.
func (a *App) openShopSecret(ctx context.Context, shop *shopqb.Shop, name string) ([]byte, error) {
	ct, err := a.Store.Secret(ctx, shop.ID, name)
	if err != nil {
		return nil, err
	}
	pt, err := a.Box.Open(ct, secret.Bind(shop.Domain, name))
	if err != nil {
		return nil, fmt.Errorf("decrypt %s of %s (wrong SHOPQB_SECRET_KEY?): %w", name, shop.Domain, err)
	}
	return pt, nil
}

// sealShopSecret encrypts a value bound to the shop and the secret's name,
// so a ciphertext copied to another shop or name does not open.
func (a *App) sealShopSecret(ctx context.Context, shop *shopqb.Shop, name string, value []byte) error {
	ct, err := a.Box.Seal(value, secret.Bind(shop.Domain, name))
	if err != nil {
		return fmt.Errorf("seal %s of %s: %w", name, shop.Domain, err)
	}
	if err := a.Store.PutSecret(ctx, shop.ID, name, ct); err != nil {
		return fmt.Errorf("store %s of %s: %w", name, shop.Domain, err)
	}
	return nil
}
