package ingest_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// generatedShop serves a generated shop's orders as the Shopify source.
type generatedShop struct {
	emptyShop
	orders []shopify.Order
}

func (g generatedShop) Orders(_ context.Context, _, _ time.Time, fn func(*shopify.Order) error) error {
	for i := range g.orders {
		if err := fn(&g.orders[i]); err != nil {
			return err
		}
	}
	return nil
}

// TestStartRefusesPastTheListLimit: on QuickBooks Pro, detail customers
// that would push the file past 14,500 names are refused at the start, with
// the counts, before the settings are locked.
func TestStartRefusesPastTheListLimit(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	data := shopifysim.Generate(shopifysim.GeneratorOptions{Seed: 2, Orders: 40, Days: 5, Start: start,
		Shop: shopifysim.Shop{Domain: "limit.myshopify.com", Currency: "USD", Timezone: "UTC"}})
	ing := ingest.New(ingest.Options{Store: db, Now: func() time.Time { return start.AddDate(0, 0, 7) },
		Source: func(context.Context, *shopqb.Shop) (ingest.Source, error) {
			return generatedShop{orders: data.Orders}, nil
		}})
	ctx := context.Background()
	shop := &shopqb.Shop{Domain: "limit.myshopify.com", TimeZone: "UTC", Settings: shopqb.DefaultSettings()}
	register(t, db, ing, shop)
	shop.Settings.StartDate = "2026-11-01"
	shop.Settings.CustomersMode = shopqb.Detail
	if err := db.UpdateShop(ctx, shop); err != nil {
		t.Fatal(err)
	}
	pre, _ := json.Marshal(syncengine.Preflight{Edition: "Pro", ListLimit: 14500, DefaultTax: "Out of State", Customers: 14485})
	if err := db.PutKV(ctx, shop.ID, "preflight", pre); err != nil {
		t.Fatal(err)
	}
	err := admin(db, ing).Start(ctx, shop.ID, "test")
	if err == nil || !strings.Contains(err.Error(), "14500") || !strings.Contains(err.Error(), "summary") {
		t.Fatalf("start: %v", err)
	}
	got, _ := db.ShopByID(ctx, shop.ID)
	if got.StartedAt != nil {
		t.Error("the settings were locked despite the refusal")
	}
	if c, _ := db.CountPostings(ctx, shop.ID); len(c) != 0 {
		t.Errorf("the check filled the outbox: %v", c)
	}
	// Summary customers fit: the start goes through.
	got.Settings.CustomersMode = shopqb.Summary
	if err := db.UpdateShop(ctx, got); err != nil {
		t.Fatal(err)
	}
	if err := admin(db, ing).Start(ctx, shop.ID, "test"); err != nil {
		t.Fatalf("start in summary mode: %v", err)
	}
}
