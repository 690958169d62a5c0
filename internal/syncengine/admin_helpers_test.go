package syncengine_test

import (
	"context"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// admin is shop administration over the pipeline, as the App wires it;
// these tests read no Shopify, so the start's trial run has nothing to read.
func admin(db store.API, _ *syncengine.Engine) *shopadmin.Service {
	return shopadmin.New(shopadmin.Options{Store: db, Pipeline: ingest.New(ingest.Options{Store: db})})
}

// register registers shop (its domain, zone and settings) as every front
// door does, fills in what registration set and returns the app token.
func register(t *testing.T, db store.API, eng *syncengine.Engine, shop *shopqb.Shop) string {
	t.Helper()
	settings := shop.Settings
	reg, err := admin(db, eng).Register(context.Background(), shopadmin.Registration{
		Domain: shop.Domain, Name: shop.Name, TimeZone: shop.TimeZone, Currency: shop.Currency, ShopifyURL: shop.ShopifyURL,
		Settings: &settings,
	}, "test")
	if err != nil {
		t.Fatal(err)
	}
	*shop = *reg.Shop
	return reg.AppToken
}
