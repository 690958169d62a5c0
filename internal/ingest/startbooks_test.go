package ingest_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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

var updateBooks = flag.Bool("update-start-books", false, "rewrite testdata/start-books-*.txt from the code under test")

// shopSource serves a generated shop as Shopify does: the orders updated
// in a window, the payouts issued in one, every variant and purchase order.
type shopSource struct {
	data   *shopifysim.Data
	hidden map[string]bool
}

func (s *shopSource) Orders(_ context.Context, from, to time.Time, fn func(*shopify.Order) error) error {
	for i := range s.data.Orders {
		o := &s.data.Orders[i]
		if s.hidden[o.ID] || o.UpdatedAt.Before(from) || o.UpdatedAt.After(to) {
			continue
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

func (s *shopSource) Order(_ context.Context, gid string) (*shopify.Order, error) {
	for i := range s.data.Orders {
		if s.data.Orders[i].ID == gid && !s.hidden[gid] {
			return &s.data.Orders[i], nil
		}
	}
	return nil, fmt.Errorf("order %s: %w", gid, shopqb.ErrNotFound)
}

func (s *shopSource) Payouts(_ context.Context, from, to time.Time, fn func(*shopify.Payout) error) error {
	for i := range s.data.Payouts {
		p := &s.data.Payouts[i]
		if p.IssuedAt.Before(from) || p.IssuedAt.After(to) {
			continue
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

func (s *shopSource) Variants(_ context.Context, fn func(*shopify.ProductVariant) error) error {
	for i := range s.data.Products {
		for j := range s.data.Products[i].Variants {
			if err := fn(&s.data.Products[i].Variants[j]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *shopSource) PurchaseOrders(_ context.Context, fn func(*shopify.PurchaseOrder) error) error {
	for i := range s.data.PurchaseOrders {
		if err := fn(&s.data.PurchaseOrders[i]); err != nil {
			return err
		}
	}
	return nil
}

// startBooksShop is the generated shop of these tests: five days of
// orders from the start date, with payouts, products and purchase orders.
func startBooksShop(domain string) *shopifysim.Data {
	return shopifysim.Generate(shopifysim.GeneratorOptions{Seed: 11, Orders: 90, Days: 5, Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Shop: shopifysim.Shop{Domain: domain, Currency: "USD", Timezone: "UTC"}})
}

// startBooksModes are the settings the books are compared in: every
// posting its own document, and the day summaries the start's check and
// the first sync plan by whole days.
var startBooksModes = map[string]func(*shopqb.Settings){
	"detail": func(*shopqb.Settings) {},
	"summary": func(s *shopqb.Settings) {
		s.SalesMode, s.InventoryMode, s.CustomersMode = shopqb.Summary, shopqb.Summary, shopqb.Summary
	},
}

// The start's check runs at checkAt, when the last day's summaries are
// still held back (the day ended at midnight, the grace period runs to
// 03:00), and the first sync at syncAt, when they are due: the check holds
// them back and the sync books them, as a first sync planning the whole
// shop books them.
var (
	checkAt = time.Date(2026, 11, 6, 1, 0, 0, 0, time.UTC)
	syncAt  = time.Date(2026, 11, 6, 4, 0, 0, 0, time.UTC)
)

// lateOrder makes the last order sold on 2026-11-04 without a refund reach
// Shopify's index only after the start's check (an offline POS uploading
// late): the check does not read it, the first sync must. It returns its
// GID.
func lateOrder(t *testing.T, data *shopifysim.Data) string {
	t.Helper()
	var late *shopify.Order
	for i := range data.Orders {
		o := &data.Orders[i]
		if o.ProcessedAt.Format(time.DateOnly) == "2026-11-04" && len(o.Refunds) == 0 && (late == nil || o.ProcessedAt.After(late.ProcessedAt)) {
			late = o
		}
	}
	if late == nil {
		t.Fatal("no order sold on 2026-11-04 without a refund")
	}
	late.UpdatedAt = checkAt.Add(30 * time.Minute)
	return late.ID
}

// startAndSync registers the shop, starts it through shop administration
// with the clock at checkAt, calls between, and syncs it at syncAt,
// planning chunk orders a call (0: the default).
func startAndSync(t *testing.T, db store.API, src ingest.Source, domain string, mode func(*shopqb.Settings), chunk int, between func(shopID int64)) (*shopqb.Shop, *shopqb.SyncRun) {
	t.Helper()
	ctx := context.Background()
	now := checkAt
	ing := ingest.New(ingest.Options{Store: db, Now: func() time.Time { return now },
		Source: func(context.Context, *shopqb.Shop) (ingest.Source, error) { return src, nil }})
	if chunk > 0 {
		ingest.SetPlanChunk(ing, chunk, chunk, false)
	}
	shop := &shopqb.Shop{Domain: domain, TimeZone: "UTC", Settings: shopqb.DefaultSettings()}
	register(t, db, ing, shop)
	shop.Settings.StartDate = "2026-11-01"
	mode(&shop.Settings)
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
	if between != nil {
		between(shop.ID)
	}
	now = syncAt
	run, err := ing.Sync(ctx, shop.ID, shopqb.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	return shop, run
}

// books is the shop's outbox, names and expected figures as text: each
// posting's key, kind, state, date, dependencies and a digest of its qbXML
// (and of its failure, for a document that did not add up).
func books(t *testing.T, db store.API, shopID int64) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	after := int64(0)
	var lines []string
	for {
		ps, err := db.ListPostings(ctx, shopqb.PostingFilter{ShopID: shopID, AfterID: after, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) == 0 {
			break
		}
		for _, p := range ps {
			after = p.ID
			full, err := db.PostingByKey(ctx, shopID, p.Key)
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("posting %s %s %s %s deps=%v request=%x error=%x", full.Key, full.Kind, full.State, full.TxnDate,
				full.DependsOn, sha256.Sum256([]byte(full.Request)), sha256.Sum256([]byte(full.ErrorClass+full.ErrorMessage))))
		}
	}
	slices.Sort(lines)
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	if err := db.EachPlanName(ctx, shopID, func(key, name string) error {
		fmt.Fprintf(&b, "name %s = %s\n", key, name)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	figs, err := db.(*store.DB).ExpectedByDay(ctx, shopID, "2026-10-01", "2026-12-31")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range figs {
		fmt.Fprintf(&b, "expected %s %s refund=%v %d\n", f.Day, f.Category, f.Refund, f.Amount)
	}
	return b.String()
}

// TestStartThenFirstSyncBooks: a shop started (its check plans it) and
// synced once has the books a start that only checked and a first sync
// that planned the whole shop gave: the golden files were written by
// that code (before the check planned for real), on the same shop, clock
// and settings, and every chunking gives them. In the "late" shops an
// order reaches Shopify between the check and the first sync: the check
// did not plan it, the first sync does, and the books (the day it was sold
// on, whose summary the check booked without it, too) are those of the
// shop where it was there all along.
func TestStartThenFirstSyncBooks(t *testing.T) {
	ctx := context.Background()
	for name, mode := range startBooksModes {
		for _, late := range []bool{false, true} {
			variant := name
			if late {
				variant += "-late"
			}
			golden := filepath.Join("testdata", "start-books-"+name+".txt") // the late order is booked as any other
			for _, chunk := range []int{0, 7} {
				db := storetest.Open(t, store.SQLite)
				data := startBooksShop("books.myshopify.com")
				var lateGID string
				if late {
					lateGID = lateOrder(t, data)
				}
				between := func(shopID int64) {
					if *updateBooks {
						return // the code that wrote the goldens planned nothing at the start
					}
					c, err := db.CountPostings(ctx, shopID)
					if err != nil {
						t.Fatal(err)
					}
					if c[shopqb.Planned] == 0 {
						t.Errorf("%s: the start's check left the outbox empty: %v", variant, c)
					}
					if late && name == "detail" {
						if _, err := db.PostingByKey(ctx, shopID, "order:"+strings.TrimPrefix(lateGID, "gid://shopify/Order/")+":sale"); err == nil {
							t.Errorf("the order Shopify had not indexed at the check is booked already")
						}
					}
				}
				shop, run := startAndSync(t, db, &shopSource{data: data}, "books.myshopify.com", mode, chunk, between)
				if late && !*updateBooks && run.Counts["orders_read"] == 0 {
					t.Errorf("%s: the first sync read nothing: %v", variant, run.Counts)
				}
				got := books(t, db, shop.ID)
				if !strings.Contains(got, "posting ") || !strings.Contains(got, "expected ") {
					t.Fatalf("%s: the books are empty; the test would prove nothing:\n%s", variant, got)
				}
				if late && name == "detail" && !strings.Contains(got, "posting order:"+strings.TrimPrefix(lateGID, "gid://shopify/Order/")+":sale ") {
					t.Errorf("the late order %s is not booked after the first sync", lateGID)
				}
				if *updateBooks && chunk == 0 && !late {
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatal(err)
				}
				if got != string(want) {
					t.Errorf("%s, %d orders a call: the books differ from %s:\n%s", variant, chunk, golden, lineDiff(string(want), got))
				}
			}
		}
	}
}

// lineDiff lists the lines only one of a and b has.
func lineDiff(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ina, inb := in(a), in(b)
	var out strings.Builder
	for _, l := range strings.Split(a, "\n") {
		if !inb[l] {
			out.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if !ina[l] {
			out.WriteString("+ " + l + "\n")
		}
	}
	return out.String()
}
