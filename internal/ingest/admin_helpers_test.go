package ingest_test

import (
	"context"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/store"
)

// admin is shop administration over the pipeline, as the App wires it.
func admin(db store.API, ing *ingest.Service) *shopadmin.Service {
	return shopadmin.New(shopadmin.Options{Store: db, Pipeline: ing})
}

// register registers shop as every front door does, fills in what
// registration set and returns the app token.
func register(t *testing.T, db store.API, ing *ingest.Service, shop *shopqb.Shop) string {
	t.Helper()
	settings := shop.Settings
	reg, err := admin(db, ing).Register(context.Background(), shopadmin.Registration{
		Domain: shop.Domain, Name: shop.Name, TimeZone: shop.TimeZone, Currency: shop.Currency, ShopifyURL: shop.ShopifyURL,
		Settings: &settings,
	}, "test")
	if err != nil {
		t.Fatal(err)
	}
	*shop = *reg.Shop
	return reg.AppToken
}
