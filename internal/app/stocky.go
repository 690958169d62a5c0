package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/secret"
)

// SetStockyKey stores a shop's Stocky API key, sealed and bound to the shop
// exactly like its Shopify token, and the Store-Name Stocky expects with it.
// An empty storeName means the shop's myshopify domain, which is what Stocky
// uses unless the merchant was told otherwise.
func (a *App) SetStockyKey(ctx context.Context, shop *shopqb.Shop, storeName, key string) error {
	if strings.TrimSpace(key) == "" {
		return errors.New("the Stocky API key is empty")
	}
	storeName = strings.TrimSpace(storeName)
	if storeName == "" {
		storeName = shop.Domain
	}
	ct, err := a.Box.Seal([]byte(key), secret.Bind(shop.Domain, SecretStockyKey))
	if err != nil {
		return fmt.Errorf("seal the Stocky key of %s: %w", shop.Domain, err)
	}
	if err := a.Store.PutKV(ctx, shop.ID, KVStockyStore, []byte(storeName)); err != nil {
		return fmt.Errorf("store the Stocky store name of %s: %w", shop.Domain, err)
	}
	if err := a.Store.PutSecret(ctx, shop.ID, SecretStockyKey, ct); err != nil {
		return fmt.Errorf("store the Stocky key of %s: %w", shop.Domain, err)
	}
	return nil
}
