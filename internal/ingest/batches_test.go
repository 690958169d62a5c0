package ingest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// TestPlannerCallsDoNotChangeTheBooks: a shop planned a few orders (and a
// few balance transactions of its payouts) to a planner call gives the same
// outbox and the same expected figures as the shop planned in one call, in detail and summary sales mode (summary
// inventory, a COGS journal per day, in both): the calls are cut between
// days, and an order booking on days of two calls is planned in both. A
// later sync of a few of the orders (the days they touch are planned again
// whole) changes nothing either.
func TestPlannerCallsDoNotChangeTheBooks(t *testing.T) {
	for _, mode := range []shopqb.Mode{shopqb.Detail, shopqb.Summary} {
		t.Run(string(mode), func(t *testing.T) {
			whole, wholeRuns := plannedBooks(t, mode, 0)
			cut, cutRuns := plannedBooks(t, mode, 7)
			if len(whole) == 0 {
				t.Fatal("nothing planned: nothing compared")
			}
			for k, w := range whole {
				if c, ok := cut[k]; !ok {
					t.Errorf("%s planned in one call, missing when cut: %s", k, w)
				} else if c != w {
					t.Errorf("%s differs: one call %s, cut %s", k, w, c)
				}
			}
			for k, c := range cut {
				if _, ok := whole[k]; !ok {
					t.Errorf("%s planned only when cut: %s", k, c)
				}
			}
			for i := range wholeRuns {
				for _, count := range []string{"orders_planned", "warnings", "documents_failed"} {
					if w, c := wholeRuns[i].Counts[count], cutRuns[i].Counts[count]; w != c {
						t.Errorf("run %d counted %s %d in one call, %d cut", i, count, w, c)
					}
				}
			}
			if n := cutRuns[0].Counts["orders_planned"]; n == 0 {
				t.Error("the first run planned no order")
			}
			if n := cutRuns[1].Counts["postings_new"] + cutRuns[1].Counts["postings_updated"]; n != 0 {
				t.Errorf("the re-sync of unchanged orders changed %d postings", n)
			}
		})
	}
}

// plannedBooks syncs a generated shop twice (the whole shop, then a few of
// its orders again) with planner calls of about chunk orders (0: the
// default, one call for this shop) and returns each posting and expected
// figure by key, and the runs.
func plannedBooks(t *testing.T, mode shopqb.Mode, chunk int) (map[string]string, []*shopqb.SyncRun) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	shop := startedShop(t, db, "batches.myshopify.com")
	shop.Settings.SalesMode = mode
	shop.Settings.StartDate = "2026-11-02"
	if err := db.UpdateShop(ctx, shop); err != nil {
		t.Fatal(err)
	}
	data := shopifysim.Generate(shopifysim.GeneratorOptions{Seed: 3, Orders: 150, Days: 5,
		Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Shop: shopifysim.Shop{Domain: shop.Domain, Currency: "USD", Timezone: "UTC"}})
	orders := data.Orders
	src := &paidShop{generatedShop: generatedShop{orders: orders}, payouts: data.Payouts}
	svc := ingest.New(ingest.Options{Store: db, Now: func() time.Time { return time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC) },
		Source: func(context.Context, *shopqb.Shop) (ingest.Source, error) { return *src, nil }})
	if chunk > 0 {
		ingest.SetPlanChunk(svc, chunk, chunk)
	}
	var runs []*shopqb.SyncRun
	for _, read := range [][]int{nil, {3, 70, 140}} {
		if read != nil {
			src.payouts = src.payouts[:1]
			src.orders = nil
			for _, i := range read {
				src.orders = append(src.orders, orders[i])
			}
		}
		run, err := svc.Sync(ctx, shop.ID, shopqb.TriggerManual)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	ps, err := db.ListPostings(ctx, shopqb.PostingFilter{ShopID: shop.ID, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	deposits := 0
	for _, p := range ps {
		if strings.HasPrefix(p.Key, "payout:") {
			deposits++
		}
		out["posting "+p.Key] = fmt.Sprintf("%s %s %s %s", p.Kind, p.TxnDate, p.State, p.PlanHash)
	}
	days, err := db.ExpectedByDay(ctx, shop.ID, "2026-10-01", "2026-12-01")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range days {
		out[fmt.Sprintf("expected %+v", d)] = "present"
	}
	if deposits < 2 {
		t.Fatalf("%d payouts planned: payouts in calls of their own are not tested", deposits)
	}
	return out, runs
}

// paidShop is a generated shop with its payouts.
type paidShop struct {
	generatedShop
	payouts []shopify.Payout
}

func (s paidShop) Payouts(_ context.Context, _, _ time.Time, fn func(*shopify.Payout) error) error {
	for i := range s.payouts {
		if err := fn(&s.payouts[i]); err != nil {
			return err
		}
	}
	return nil
}
