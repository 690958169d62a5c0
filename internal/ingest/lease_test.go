package ingest_test

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
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

// countingShop serves generated orders and counts what is read.
type countingShop struct {
	generatedShop
	orders, order, variants atomic.Int32
	// gate, when set, holds Orders until it is closed.
	gate    chan struct{}
	reading chan struct{}
}

func (c *countingShop) Orders(ctx context.Context, from, to time.Time, fn func(*shopify.Order) error) error {
	c.orders.Add(1)
	if c.gate != nil {
		c.reading <- struct{}{}
		<-c.gate
	}
	return c.generatedShop.Orders(ctx, from, to, fn)
}

func (c *countingShop) Order(_ context.Context, gid string) (*shopify.Order, error) {
	c.order.Add(1)
	for i := range c.generatedShop.orders {
		if c.generatedShop.orders[i].ID == gid {
			o := c.generatedShop.orders[i]
			return &o, nil
		}
	}
	return c.emptyShop.Order(context.Background(), gid)
}

func (c *countingShop) Variants(ctx context.Context, fn func(*shopify.ProductVariant) error) error {
	c.variants.Add(1)
	return nil
}

// startedShop registers a started shop with an Enterprise preflight.
func startedShop(t *testing.T, db *store.DB, domain string) *shopqb.Shop {
	t.Helper()
	ctx := context.Background()
	shop := &shopqb.Shop{Domain: domain, TimeZone: "UTC", Settings: shopqb.DefaultSettings()}
	register(t, db, ingest.New(ingest.Options{Store: db}), shop)
	now := time.Now()
	shop.Settings.StartDate = "2026-11-01"
	shop.StartedAt = &now
	if err := db.UpdateShop(ctx, shop); err != nil {
		t.Fatal(err)
	}
	pre, _ := json.Marshal(syncengine.Preflight{Edition: "Enterprise", DefaultTax: "Out of State"})
	if err := db.PutKV(ctx, shop.ID, "preflight", pre); err != nil {
		t.Fatal(err)
	}
	return shop
}

func generatedOrders(domain string, n int) []shopify.Order {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	return shopifysim.Generate(shopifysim.GeneratorOptions{Seed: 3, Orders: n, Days: 5, Start: start,
		Shop: shopifysim.Shop{Domain: domain, Currency: "USD", Timezone: "UTC"}}).Orders
}

// TestOneSyncOfAShopAtATime: two pipelines on one database (two processes)
// asked to sync one shop at once run one after the other: the second waits
// for the first's lease, then syncs, and the lease log shows two holdings
// that do not overlap.
func TestOneSyncOfAShopAtATime(t *testing.T) {
	for _, backend := range storetest.Backends() {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			url := storetest.URL(t, backend)
			var dbs [2]*store.DB
			for i := range dbs {
				db, err := store.Open(ctx, url, nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				dbs[i] = db
			}
			shop := startedShop(t, dbs[0], "lease.myshopify.com")
			src := &countingShop{generatedShop: generatedShop{orders: generatedOrders(shop.Domain, 20)},
				gate: make(chan struct{}), reading: make(chan struct{}, 2)}
			var svcs [2]*ingest.Service
			for i := range svcs {
				svcs[i] = ingest.New(ingest.Options{Store: dbs[i], Holder: []string{"one", "two"}[i],
					Source: func(context.Context, *shopqb.Shop) (ingest.Source, error) { return src, nil }})
				svcs[i].LeaseRetry = 10 * time.Millisecond
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			wg.Add(1)
			go func() { defer wg.Done(); _, errs[0] = svcs[0].Sync(ctx, shop.ID, shopqb.TriggerManual) }()
			<-src.reading // the first holds the lease and is reading
			wg.Add(1)
			go func() { defer wg.Done(); _, errs[1] = svcs[1].Sync(ctx, shop.ID, shopqb.TriggerSchedule) }()
			time.Sleep(150 * time.Millisecond)
			if runs, _ := dbs[0].SyncRuns(ctx, shop.ID, 0); len(runs) != 1 {
				t.Fatalf("%d sync runs while the first sync holds the lease, want 1", len(runs))
			}
			close(src.gate)
			wg.Wait()
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("syncs: %v, %v", errs[0], errs[1])
			}
			runs, _ := dbs[0].SyncRuns(ctx, shop.ID, 0)
			if len(runs) != 2 || src.orders.Load() != 2 {
				t.Fatalf("%d runs, %d reads; want 2 of each", len(runs), src.orders.Load())
			}
			hist, err := dbs[0].SyncLeaseHistory(ctx, shop.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(hist) != 2 || hist[0].Holder != "one" || hist[1].Holder != "two" || hist[0].ReleasedAt == nil ||
				hist[1].AcquiredAt.Before(*hist[0].ReleasedAt) {
				t.Fatalf("lease history %+v", hist)
			}
		})
	}
}

// TestWebhookRereadsOnlyItsOrder: a webhook's run reads the one order it
// names — not the window, not the products — plans it into the outbox, and
// leaves the watermark where the last full sync put it.
func TestWebhookRereadsOnlyItsOrder(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	shop := startedShop(t, db, "hook.myshopify.com")
	// Detail inventory: no posting sums a day, so exactly the named order
	// is planned (in summary modes its whole days are, from snapshots).
	shop.Settings.InventoryMode = shopqb.Detail
	if err := db.UpdateShop(ctx, shop); err != nil {
		t.Fatal(err)
	}
	orders := generatedOrders(shop.Domain, 10)
	src := &countingShop{generatedShop: generatedShop{orders: orders[:9]}}
	svc := ingest.New(ingest.Options{Store: db, Source: func(context.Context, *shopqb.Shop) (ingest.Source, error) { return src, nil }})
	if _, err := svc.Sync(ctx, shop.ID, shopqb.TriggerManual); err != nil {
		t.Fatal(err)
	}
	mark, _ := db.KV(ctx, shop.ID, "watermark:orders")
	before, _ := db.CountPostings(ctx, shop.ID)
	// The tenth order arrives; its webhook names it.
	src.generatedShop.orders = orders
	src.orders.Store(0)
	src.variants.Store(0)
	late := orders[9]
	run, err := svc.SyncOrder(ctx, shop.ID, late.ID)
	if err != nil {
		t.Fatal(err)
	}
	if src.order.Load() != 1 || src.orders.Load() != 0 || src.variants.Load() != 0 {
		t.Fatalf("webhook read %d orders by id, %d windows, %d product lists; want 1, 0, 0", src.order.Load(), src.orders.Load(), src.variants.Load())
	}
	if run.Trigger != shopqb.TriggerWebhook || run.Counts["orders_planned"] != 1 || run.Counts["postings_new"] == 0 {
		t.Fatalf("webhook run %+v", run)
	}
	after, _ := db.CountPostings(ctx, shop.ID)
	if after[shopqb.Planned] <= before[shopqb.Planned] {
		t.Fatalf("outbox %v before, %v after: the late order was not planned", before, after)
	}
	if again, _ := db.KV(ctx, shop.ID, "watermark:orders"); string(again) != string(mark) {
		t.Fatalf("the webhook moved the watermark from %s to %s", mark, again)
	}
	if _, err := svc.SyncOrder(ctx, shop.ID, "gid://shopify/Refund/1"); err == nil {
		t.Fatal("a refund GID was accepted as an order")
	}
}
