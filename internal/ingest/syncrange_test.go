package ingest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// windowedShop serves the orders updated in the window asked, as Shopify's
// updated_at filter does, except those hidden (an order whose webhook was
// lost and that the index served late).
type windowedShop struct {
	emptyShop
	orders []shopify.Order
	hidden map[string]bool
}

func (w *windowedShop) Orders(_ context.Context, from, to time.Time, fn func(*shopify.Order) error) error {
	for i := range w.orders {
		o := &w.orders[i]
		if w.hidden[o.ID] || o.UpdatedAt.Before(from) || o.UpdatedAt.After(to) {
			continue
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

// TestSyncRange: re-syncing a range of a complete shop reads its orders and
// adds nothing; with an order Shopify has and shopqb never read, it adds
// exactly that order's postings and its expected figures, once — a second
// re-sync adds nothing again. Other days' orders are not read.
func TestSyncRange(t *testing.T) {
	for _, backend := range storetest.Backends() {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, backend)
			start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
			data := shopifysim.Generate(shopifysim.GeneratorOptions{Seed: 5, Orders: 60, Days: 10, Start: start,
				Shop: shopifysim.Shop{Domain: "range.myshopify.com", Currency: "USD", Timezone: "UTC"}})
			src := &windowedShop{orders: data.Orders, hidden: map[string]bool{}}
			// The order to hide: processed on day 4,
			// not a test order, nothing of it on another day (it may be updated later).
			day := func(t time.Time) string { return t.UTC().Format(time.DateOnly) }
			var lost *shopify.Order
			for i := range data.Orders {
				o := &data.Orders[i]
				sameDay := true
				for _, a := range o.Agreements {
					sameDay = sameDay && day(a.HappenedAt) == "2026-11-04"
				}
				if day(o.ProcessedAt) == "2026-11-04" && !o.Test && len(o.Refunds) == 0 && sameDay {
					lost = o
					break
				}
			}
			if lost == nil {
				t.Fatal("no order to lose on 2026-11-04")
			}
			src.hidden[lost.ID] = true
			now := start.AddDate(0, 0, 12)
			ing := ingest.New(ingest.Options{Store: db, Now: func() time.Time { return now },
				Source: func(context.Context, *shopqb.Shop) (ingest.Source, error) { return src, nil }})
			shop := startedThroughAdmin(t, db, ing, "range.myshopify.com")
			if _, err := ing.Sync(ctx, shop.ID, shopqb.TriggerManual); err != nil {
				t.Fatal(err)
			}
			keys := func() map[string]bool {
				ps, err := db.ListPostings(ctx, shopqb.PostingFilter{ShopID: shop.ID, Limit: 100000})
				if err != nil {
					t.Fatal(err)
				}
				out := map[string]bool{}
				for _, p := range ps {
					out[p.Key] = true
				}
				return out
			}
			before := keys()
			lostKey := "order:" + lost.ID[strings.LastIndex(lost.ID, "/")+1:] + ":sale"
			if before[lostKey] {
				t.Fatalf("%s planned though never read", lostKey)
			}
			from, to := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 6, 0, 0, 0, 0, time.UTC)
			expectedSales := func() int64 {
				rows, err := db.ExpectedByDay(ctx, shop.ID, "2026-11-04", "2026-11-04")
				if err != nil {
					t.Fatal(err)
				}
				var sum int64
				for _, r := range rows {
					if r.Category == shopqb.SalesIncome {
						sum += int64(r.Amount)
					}
				}
				return sum
			}
			salesBefore := expectedSales()

			// A complete range: read, nothing added.
			run, err := ing.SyncRange(ctx, shop.ID, from, to, shopqb.TriggerManual)
			if err != nil {
				t.Fatal(err)
			}
			if run.Counts["orders_read"] == 0 || run.Counts["postings_new"] != 0 || run.Counts["postings_updated"] != 0 {
				t.Fatalf("re-sync of a complete range: %v", run.Counts)
			}
			inRange := 0
			for i := range data.Orders {
				o := &data.Orders[i]
				if !src.hidden[o.ID] && o.ProcessedAt.Before(to) && !o.ProcessedAt.Before(from) {
					inRange++
				}
			}
			if run.Counts["orders_read"] < inRange || run.Counts["orders_read"] >= len(data.Orders)-1 {
				t.Errorf("read %d orders; %d are processed in the range, %d in the shop", run.Counts["orders_read"], inRange, len(data.Orders))
			}
			if got := keys(); len(got) != len(before) {
				t.Fatalf("%d postings after, %d before", len(got), len(before))
			}

			// The lost order: exactly its postings are added.
			delete(src.hidden, lost.ID)
			run, err = ing.SyncRange(ctx, shop.ID, from, to, shopqb.TriggerManual)
			if err != nil {
				t.Fatal(err)
			}
			after := keys()
			var added []string
			for k := range after {
				if !before[k] {
					added = append(added, k)
				}
			}
			if !after[lostKey] || run.Counts["postings_new"] != len(added) {
				t.Fatalf("added %v, counted %d new", added, run.Counts["postings_new"])
			}
			for _, k := range added {
				if !strings.Contains(k, lost.ID[strings.LastIndex(lost.ID, "/")+1:]) && !strings.HasPrefix(k, "customer:") && !strings.HasPrefix(k, "item:") {
					t.Errorf("added %s, not of order %s", k, lost.Name)
				}
			}
			if expectedSales() >= salesBefore {
				t.Errorf("Shopify's sales of the day did not grow with the order: %d then %d", salesBefore, expectedSales())
			}
			// Once: a second re-sync adds nothing.
			run, err = ing.SyncRange(ctx, shop.ID, from, to, shopqb.TriggerManual)
			if err != nil {
				t.Fatal(err)
			}
			if run.Counts["postings_new"] != 0 || len(keys()) != len(after) {
				t.Fatalf("second re-sync: %v", run.Counts)
			}
			if _, err := ing.SyncRange(ctx, shop.ID, to, from, shopqb.TriggerManual); shopqb.ErrorCode(err) != shopqb.EInvalid {
				t.Errorf("an empty range: %v", err)
			}
		})
	}
}
