package ingest_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/syncengine"
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

// startedThroughAdmin registers a UTC shop starting on 2026-11-01, gives it
// an Enterprise preflight and starts it as the merchant does, through
// shop administration.
func startedThroughAdmin(t *testing.T, db store.API, ing *ingest.Service, domain string) *shopqb.Shop {
	t.Helper()
	ctx := context.Background()
	shop := &shopqb.Shop{Domain: domain, TimeZone: "UTC", Settings: shopqb.DefaultSettings()}
	register(t, db, ing, shop)
	shop.Settings.StartDate = "2026-11-01"
	if err := db.UpdateShop(ctx, shop); err != nil {
		t.Fatal(err)
	}
	pre, _ := json.Marshal(syncengine.Preflight{Edition: "Enterprise", DefaultTax: "Out of State"})
	if err := db.PutKV(ctx, shop.ID, "preflight", pre); err != nil {
		t.Fatal(err)
	}
	if err := admin(db, ing).Start(ctx, shop.ID, "test"); err != nil {
		t.Fatal(err)
	}
	return shop
}
