package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// emptyShop is a Shopify source with nothing new.
type emptyShop struct{}

func (emptyShop) Orders(context.Context, time.Time, time.Time, func(*shopify.Order) error) error {
	return nil
}
func (emptyShop) Payouts(context.Context, time.Time, time.Time, func(*shopify.Payout) error) error {
	return nil
}
func (emptyShop) Order(_ context.Context, gid string) (*shopify.Order, error) {
	return nil, fmt.Errorf("order %s: not found", gid)
}
func (emptyShop) Variants(context.Context, func(*shopify.ProductVariant) error) error { return nil }
func (emptyShop) PurchaseOrders(context.Context, func(*shopify.PurchaseOrder) error) error {
	return nil
}

// TestDailySchedule: a daily sync at 02:00 shop time is due once per day, on
// the first tick at or after 02:00 in the shop's zone, not before.
func TestDailySchedule(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	now := time.Date(2026, 11, 20, 6, 30, 0, 0, time.UTC) // 01:30 in New York
	ctx := context.Background()
	ing := ingest.New(ingest.Options{Store: db, Now: func() time.Time { return now },
		Source: func(context.Context, *shopqb.Shop) (ingest.Source, error) { return emptyShop{}, nil }})
	// tick is what the periodic job does: a sync job for each due shop,
	// here run at once.
	tick := func() error {
		due, err := ing.DueSchedules(ctx)
		for _, id := range due {
			if _, serr := ing.Sync(ctx, id, shopqb.TriggerSchedule); serr != nil {
				return serr
			}
		}
		return err
	}
	shop := &shopqb.Shop{Domain: "daily.myshopify.com", TimeZone: "America/New_York", Settings: shopqb.DefaultSettings()}
	register(t, db, ing, shop)
	shop.Settings.Schedule = "daily 02:00"
	shop.Settings.StartDate = "2026-11-01"
	started := now
	shop.StartedAt = &started
	if err := db.UpdateShop(ctx, shop); err != nil {
		t.Fatal(err)
	}
	pre, _ := json.Marshal(syncengine.Preflight{Edition: "Enterprise", DefaultTax: "Out of State"})
	if err := db.PutKV(ctx, shop.ID, "preflight", pre); err != nil {
		t.Fatal(err)
	}
	runs := func() int {
		rs, err := db.SyncRuns(ctx, shop.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		return len(rs)
	}
	steps := []struct {
		at   time.Time
		runs int
	}{
		{time.Date(2026, 11, 20, 6, 30, 0, 0, time.UTC), 1}, // yesterday's 02:00 never ran: catch up once
		{time.Date(2026, 11, 20, 6, 59, 0, 0, time.UTC), 1}, // 01:59: nothing new is due
		{time.Date(2026, 11, 20, 7, 0, 0, 0, time.UTC), 2},  // 02:00 New York
		{time.Date(2026, 11, 20, 7, 15, 0, 0, time.UTC), 2}, // once a day
		{time.Date(2026, 11, 21, 7, 1, 0, 0, time.UTC), 3},  // the next day
	}
	for _, s := range steps {
		now = s.at
		if err := tick(); err != nil {
			t.Fatal(err)
		}
		if got := runs(); got != s.runs {
			t.Errorf("at %s: %d sync runs, want %d", s.at.Format(time.RFC3339), got, s.runs)
		}
	}
	// A manual shop is never synced by the tick.
	shop.Settings.Schedule = "manual"
	_ = db.UpdateShop(ctx, shop)
	now = time.Date(2026, 11, 23, 7, 1, 0, 0, time.UTC)
	_ = tick()
	if got := runs(); got != 3 {
		t.Errorf("manual schedule synced: %d runs", got)
	}
}
