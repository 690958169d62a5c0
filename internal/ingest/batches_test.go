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
// outbox and the same expected figures as the shop planned in one call, in
// detail and summary sales mode with summary inventory (a COGS journal per
// day), and in detail sales and inventory (no posting sums a day): the calls are cut between days, and an order booking on days of
// two calls is planned in both. The first plan finds its days by the
// snapshot index, or by walking every snapshot: the same books. A later sync
// of a few of the orders (the days they touch are planned again whole)
// changes nothing either.
func TestPlannerCallsDoNotChangeTheBooks(t *testing.T) {
	for _, modes := range [][2]shopqb.Mode{{shopqb.Detail, shopqb.Summary}, {shopqb.Summary, shopqb.Summary}, {shopqb.Detail, shopqb.Detail}} {
		t.Run(fmt.Sprintf("sales %s inventory %s", modes[0], modes[1]), func(t *testing.T) {
			whole, wholeRuns, _ := plannedBooks(t, modes, 1000, true)
			if len(whole) == 0 {
				t.Fatal("nothing planned: nothing compared")
			}
			for _, c := range []struct {
				chunk int
				scan  bool
			}{{7, true}, {7, false}, {1000, false}} {
				name := fmt.Sprintf("%d orders to a call, days by walking the snapshots %v", c.chunk, c.scan)
				cut, cutRuns, _ := plannedBooks(t, modes, c.chunk, c.scan)
				for k, w := range whole {
					if got, ok := cut[k]; !ok {
						t.Errorf("%s: %s planned in one call, missing: %s", name, k, w)
					} else if got != w {
						t.Errorf("%s: %s differs: one call %s, now %s", name, k, w, got)
					}
				}
				for k, got := range cut {
					if _, ok := whole[k]; !ok {
						t.Errorf("%s: %s planned only now: %s", name, k, got)
					}
				}
				for i := range wholeRuns {
					for _, count := range []string{"orders_planned", "warnings", "documents_failed"} {
						if w, got := wholeRuns[i].Counts[count], cutRuns[i].Counts[count]; w != got {
							t.Errorf("%s: run %d counted %s %d in one call, %d now", name, i, count, w, got)
						}
					}
				}
				if n := cutRuns[0].Counts["orders_planned"]; n == 0 {
					t.Errorf("%s: the first run planned no order", name)
				}
				if n := cutRuns[1].Counts["postings_new"] + cutRuns[1].Counts["postings_updated"]; n != 0 {
					t.Errorf("%s: the re-sync of unchanged orders changed %d postings", name, n)
				}
			}
		})
	}
}

// plannedBooks syncs a generated shop in the sales and inventory modes twice (the whole shop, then a few of
// its orders again) with planner calls of about chunk orders and chunk
// balance transactions, and returns each posting and expected
// figure by key, the runs, and each run's planner calls of orders (their
// GIDs, days and whether more of the day follows).
func plannedBooks(t *testing.T, modes [2]shopqb.Mode, chunk int, scanDays bool) (map[string]string, []*shopqb.SyncRun, [][]string) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	shop := startedShop(t, db, "batches.myshopify.com")
	shop.Settings.SalesMode, shop.Settings.InventoryMode = modes[0], modes[1]
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
	ingest.SetPlanChunk(svc, chunk, chunk, scanDays)
	calls := [][]string{nil, nil}
	run := 0
	ingest.SawCalls(svc, func(gids, days []string, more bool) {
		calls[run] = append(calls[run], fmt.Sprintf("days %v more %v orders %v", days, more, gids))
	})
	var runs []*shopqb.SyncRun
	out := map[string]string{}
	for n, read := range [][]int{nil, {3, 70, 140}} {
		run = n
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
		deposits := booksAfter(t, db, shop.ID, fmt.Sprintf("after sync %d: ", n+1), out)
		if deposits < 2 {
			t.Fatalf("%d payouts planned: payouts in calls of their own are not tested", deposits)
		}
	}
	return out, runs, calls
}

// TestLaterRunWalksTheIndexAsTheList: a later run with day postings finds
// the days to plan again by walking the snapshot index (holding days, not
// the shop's orders) and makes exactly the planner calls that listing every
// stored order with its days makes — the same orders, days and parts, in
// the same order — with calls of a few orders (days in parts), of some,
// and of all. The orders read again chain days (sold on one, refunded on
// another), so the closure reaches beyond their own days.
func TestLaterRunWalksTheIndexAsTheList(t *testing.T) {
	for _, modes := range [][2]shopqb.Mode{{shopqb.Summary, shopqb.Summary}, {shopqb.Detail, shopqb.Summary}} {
		for _, chunk := range []int{7, 40, 1000} {
			t.Run(fmt.Sprintf("sales %s inventory %s, %d orders to a call", modes[0], modes[1], chunk), func(t *testing.T) {
				_, _, listed := plannedBooks(t, modes, chunk, true)
				_, _, walked := plannedBooks(t, modes, chunk, false)
				later, want := walked[1], listed[1]
				if len(want) == 0 {
					t.Fatal("the later run made no planner call: nothing compared")
				}
				orders := 0
				for _, c := range want {
					orders += strings.Count(c, "gid://")
				}
				if orders <= 3 {
					t.Fatalf("the later run planned %d orders: the closure over days is not tested", orders)
				}
				if len(later) != len(want) {
					t.Errorf("%d calls walking the index, %d listing the orders", len(later), len(want))
				}
				for i := range min(len(later), len(want)) {
					if later[i] != want[i] {
						t.Errorf("call %d:\n walking the index %s\n listing the orders %s", i, later[i], want[i])
					}
				}
			})
		}
	}
}

// booksAfter adds the shop's postings and expected figures to out, each
// keyed by what it is behind prefix, and returns how many deposits of
// payouts there are.
func booksAfter(t *testing.T, db *store.DB, shopID int64, prefix string, out map[string]string) int {
	t.Helper()
	ctx := context.Background()
	ps, err := db.ListPostings(ctx, shopqb.PostingFilter{ShopID: shopID, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	deposits := 0
	for _, p := range ps {
		if strings.HasPrefix(p.Key, "payout:") {
			deposits++
		}
		out[prefix+"posting "+p.Key] = fmt.Sprintf("%s %s %s %s", p.Kind, p.TxnDate, p.State, p.PlanHash)
	}
	days, err := db.ExpectedByDay(ctx, shopID, "2026-10-01", "2026-12-01")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range days {
		out[fmt.Sprintf("%sexpected %+v", prefix, d)] = "present"
	}
	return deposits
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

// TestFirstSyncCountsTheTrialsOrders: the start's check plans every order;
// the first real sync after it counts them as its own, those it did not
// read again as the check's (orders_from_check), once each, however many
// planner calls planned them.
func TestFirstSyncCountsTheTrialsOrders(t *testing.T) {
	for _, chunk := range []int{1000, 7} {
		ctx := context.Background()
		db := storetest.Open(t, store.SQLite)
		shop := startedShop(t, db, "trial.myshopify.com")
		startedAt := shop.StartedAt
		shop.Settings.SalesMode, shop.Settings.StartDate, shop.StartedAt = shopqb.Summary, "2026-11-02", nil
		if err := db.UpdateShop(ctx, shop); err != nil {
			t.Fatal(err)
		}
		orders := generatedOrders(shop.Domain, 150)
		src := &generatedShop{orders: orders}
		svc := ingest.New(ingest.Options{Store: db, Now: func() time.Time { return time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC) },
			Source: func(context.Context, *shopqb.Shop) (ingest.Source, error) { return *src, nil }})
		ingest.SetPlanChunk(svc, chunk, chunk, false)
		if _, err := svc.CheckStart(ctx, shop.ID); err != nil {
			t.Fatal(err)
		}
		shop.StartedAt = startedAt
		if err := db.UpdateShop(ctx, shop); err != nil {
			t.Fatal(err)
		}
		src.orders = []shopify.Order{orders[100], orders[120], orders[140]} // all sold after the start
		run, err := svc.Sync(ctx, shop.ID, shopqb.TriggerManual)
		if err != nil {
			t.Fatal(err)
		}
		planned, fromCheck := run.Counts["orders_planned"], run.Counts[shopqb.CountOrdersFromCheck]
		if planned < 100 || fromCheck != planned-3 {
			t.Errorf("%d orders to a call: planned %d, from the trial %d; want %d from the trial", chunk, planned, fromCheck, planned-3)
		}
	}
}
