package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/shopqb/shopqb"
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
	if err := a.Store.PutKV(ctx, shop.ID, KVStockyStore, []byte(storeName)); err != nil {
		return fmt.Errorf("store the Stocky store name of %s: %w", shop.Domain, err)
	}
	return a.sealShopSecret(ctx, shop, SecretStockyKey, []byte(key))
}
