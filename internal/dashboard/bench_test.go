package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/dashboard"
	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// connected is a Web Connector that visited a minute ago.
type connected struct{ at time.Time }

func (c connected) Connection(context.Context, int64) (*syncengine.Connection, error) {
	prev := c.at.Add(-15 * time.Minute)
	return &syncengine.Connection{State: syncengine.ConnConnected, At: c.at, LastContact: &c.at, PreviousContact: &prev}, nil
}

func (connected) LoadPreflight(context.Context, int64) (*syncengine.Preflight, error) {
	return &syncengine.Preflight{Product: "QuickBooks Enterprise Solutions 24.0", CompanyFile: `C:\books.qbw`}, nil
}

// bigShop builds, directly in the store, a shop of n generated orders over
// a year planned by the real planner, every posting done.
func bigShop(b *testing.B, backend string, n int) (*dashboard.Service, *shopqb.Shop, string) {
	b.Helper()
	ctx := context.Background()
	db := storetest.Open(b, backend)
	loc, _ := time.LoadLocation("America/New_York")
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
	data := shopifysim.Generate(shopifysim.GeneratorOptions{Seed: 3, Orders: n, Days: 365, Start: start,
		Shop: shopifysim.Shop{Domain: "big.myshopify.com", Name: "Big", Currency: "USD", Timezone: loc.String()}})
	shop := &shopqb.Shop{Domain: "big.myshopify.com", Name: "Big", TimeZone: loc.String(), Currency: "USD", QBWCUser: "big",
		FileID: "{00000000-0000-0000-0000-000000000001}", Settings: shopqb.DefaultSettings()}
	shop.Settings.StartDate = "2024-12-01"
	now := time.Now()
	shop.StartedAt = &now
	if err := db.CreateShop(ctx, shop); err != nil {
		b.Fatal(err)
	}
	put := func(kind, gid string, updated time.Time, v any) {
		body, err := json.Marshal(v)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.PutSnapshot(ctx, &shopqb.Snapshot{ShopID: shop.ID, Kind: kind, GID: gid, UpdatedAt: updated, Body: body}); err != nil {
			b.Fatal(err)
		}
	}
	in := planner.Input{Shop: *shop, Company: planner.Company{Edition: "enterprise"}, Orders: data.Orders, Payouts: data.Payouts,
		PurchaseOrders: data.PurchaseOrders}
	in.Variants = map[string]shopify.ProductVariant{}
	for _, p := range data.Products {
		for _, v := range p.Variants {
			in.Variants[v.ID] = v
			put("variant", v.ID, v.UpdatedAt, v)
		}
	}
	for i := range data.Orders {
		put("order", data.Orders[i].ID, data.Orders[i].UpdatedAt, data.Orders[i])
	}
	for i := range data.Payouts {
		put("payout", data.Payouts[i].ID, data.Payouts[i].IssuedAt, data.Payouts[i])
	}
	for i := range data.PurchaseOrders {
		put("purchase_order", data.PurchaseOrders[i].ID, data.PurchaseOrders[i].UpdatedAt, data.PurchaseOrders[i])
	}
	plan, err := planner.Build(in)
	if err != nil {
		b.Fatal(err)
	}
	for first := 0; first < len(plan.Postings); first += 5000 {
		if _, _, err := db.UpsertPostings(ctx, shop.ID, plan.Postings[first:min(first+5000, len(plan.Postings))]); err != nil {
			b.Fatal(err)
		}
	}
	// Shopify's figures as the commit step stores them (ingest.expectedFigures).
	figs := &store.ExpectedFigures{ReplaceAll: true, Sources: plan.Expected.Sources}
	for src, cells := range plan.Expected.BySource {
		for c, a := range cells {
			figs.Rows = append(figs.Rows, store.ExpectedRow{Source: src, Day: c.Day, Category: c.Category, Refund: c.Refund, Amount: a})
		}
	}
	if _, err := db.CommitPlan(ctx, shop.ID, store.PlanCommit{Expected: figs, KV: map[string][]byte{store.KVExpectedComplete: []byte("1")}}); err != nil {
		b.Fatal(err)
	}
	q := "UPDATE postings SET state = 'done', qbid = 'TXN-' || CAST(id AS TEXT), updated_at = ? WHERE shop_id = ?"
	if db.Dialect() == store.Postgres {
		q = "UPDATE postings SET state = 'done', qbid = 'TXN-' || CAST(id AS TEXT), updated_at = $1 WHERE shop_id = $2"
	}
	var at any = now.UTC()
	if db.Dialect() == store.SQLite {
		at = now.UTC().Format("2006-01-02T15:04:05.000000Z") // the store's SQLite time layout
	}
	if _, err := db.SQL().ExecContext(ctx, q, at, shop.ID); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		r := &shopqb.SyncRun{ShopID: shop.ID, Trigger: "schedule", StartedAt: now.Add(time.Duration(i-50) * time.Hour), Status: "ok", Counts: map[string]int{}}
		if err := db.CreateSyncRun(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	svc, err := dashboard.New(dashboard.Config{Store: db, Admin: shopadmin.New(shopadmin.Options{Store: db}), QuickBooks: connected{now.Add(-time.Minute)},
		Company:     func(context.Context, int64) (planner.Company, error) { return in.Company, nil },
		EnqueueSync: func(context.Context, int64) error { return nil },
		Now:         func() time.Time { return time.Date(2025, 12, 31, 12, 0, 0, 0, loc) }})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d orders, %d payouts, %d postings", backend, len(data.Orders), len(data.Payouts), len(plan.Postings))
	return svc, shop, data.Orders[n/2].Name
}

// BenchmarkBooks measures the server time of the dashboard, an order lookup
// and the reconciliation of a week for a shop of 100,000 orders
// (SHOPQB_BENCH_ORDERS overrides; SHOPQB_BENCH_BACKEND=postgres for PostgreSQL).
func BenchmarkBooks(b *testing.B) {
	n := 100000
	if s := os.Getenv("SHOPQB_BENCH_ORDERS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	backend := store.SQLite
	if os.Getenv("SHOPQB_BENCH_BACKEND") == store.Postgres {
		backend = store.Postgres
	}
	svc, shop, name := bigShop(b, backend, n)
	ctx := context.Background()
	b.Run("dashboard", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Dashboard(ctx, shop.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("order_lookup", func(b *testing.B) {
		for b.Loop() {
			res, err := svc.FindOrders(ctx, shop.ID, name, "", 10)
			if err != nil || len(res.Hits) != 1 {
				b.Fatal(err, res)
			}
			if _, err := svc.Order(ctx, shop.ID, res.Hits[0].GID, true); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reconciliation_week", func(b *testing.B) {
		for b.Loop() {
			v, err := svc.Reconciliation(ctx, shop.ID, "2025-06-02", "2025-06-08")
			if err != nil {
				b.Fatal(err)
			}
			if v.Differences != 0 {
				b.Fatal(fmt.Sprintf("%d differences", v.Differences))
			}
		}
	})
}
