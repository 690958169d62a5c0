package ingest_test

import (
	"context"
	"encoding/json"
	"errors"
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

// planningState is what a plan commits for a shop besides snapshots and
// watermarks, as text: the outbox, the names, the expected figures, the
// drift records and the planning key/values.
func planningState(t *testing.T, db *store.DB, shopID int64) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	c, err := db.CountPostings(ctx, shopID)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "outbox %v\n", c)
	if err := db.EachPlanName(ctx, shopID, func(key, name string) error {
		fmt.Fprintf(&b, "name %s = %s\n", key, name)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	figs, err := db.ExpectedByDay(ctx, shopID, "2026-01-01", "2027-12-31")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range figs {
		fmt.Fprintf(&b, "expected %+v\n", f)
	}
	drifts, err := db.Drifts(ctx, shopID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "drifts %d\n", len(drifts))
	for _, k := range []string{"planned:once", "expected:complete", "held_days", "start:check:counts", "reset:relink"} {
		v, err := db.KV(ctx, shopID, k)
		switch {
		case errors.Is(err, shopqb.ErrNotFound):
			fmt.Fprintf(&b, "kv %s absent\n", k)
		case err != nil:
			t.Fatal(err)
		default:
			fmt.Fprintf(&b, "kv %s = %q\n", k, v)
		}
	}
	return b.String()
}

// listLimitShop is a shop of 40 generated orders on a Pro file 15 names
// short of the limit: detail customers do not fit, summary ones do. It is
// planned 5 orders a call, so a check past the limit refuses after some of
// its calls committed.
func listLimitShop(t *testing.T, db *store.DB, now *time.Time) (*ingest.Service, *shopqb.Shop, *shopSource) {
	t.Helper()
	*now = time.Date(2026, 11, 8, 0, 0, 0, 0, time.UTC)
	src := &shopSource{data: limitShopData(40)}
	ing := ingest.New(ingest.Options{Store: db, Now: func() time.Time { return *now },
		Source: func(context.Context, *shopqb.Shop) (ingest.Source, error) { return src, nil }})
	ingest.SetPlanChunk(ing, 5, 5, false)
	ctx := context.Background()
	shop := &shopqb.Shop{Domain: "limit.myshopify.com", TimeZone: "UTC", Settings: shopqb.DefaultSettings()}
	register(t, db, ing, shop)
	shop.Settings.StartDate = "2026-11-01"
	shop.Settings.CustomersMode = shopqb.Detail
	if err := db.UpdateShop(ctx, shop); err != nil {
		t.Fatal(err)
	}
	setCustomers(t, db, shop.ID, 14485)
	return ing, shop, src
}

// limitShopData is the generated shop of listLimitShop, of orders orders
// over five days.
func limitShopData(orders int) *shopifysim.Data {
	return shopifysim.Generate(shopifysim.GeneratorOptions{Seed: 2, Orders: orders, Days: 5, Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Shop: shopifysim.Shop{Domain: "limit.myshopify.com", Currency: "USD", Timezone: "UTC"}})
}

// refusedCheck is the newest start check of the shop, which must have
// failed after committing postings (which the refusal then undid).
func refusedCheck(t *testing.T, db *store.DB, shopID int64) {
	t.Helper()
	runs, err := db.SyncRunsBefore(context.Background(), shopID, 0, 1)
	if err != nil || len(runs) == 0 {
		t.Fatalf("runs: %v, %v", runs, err)
	}
	if r := runs[0]; r.Trigger != shopqb.TriggerStartCheck || r.Status != shopqb.RunFailed || r.Counts[shopqb.CountPostingsNew] == 0 {
		t.Fatalf("the refused check %s %s %v committed nothing before it refused; the test would prove nothing", r.Trigger, r.Status, r.Counts)
	}
}

// setCustomers gives the shop a Pro preflight with that many customers.
func setCustomers(t *testing.T, db *store.DB, shopID int64, customers int) {
	t.Helper()
	pre, _ := json.Marshal(syncengine.Preflight{Edition: "Pro", ListLimit: 14500, DefaultTax: "Out of State", Customers: customers})
	if err := db.PutKV(context.Background(), shopID, "preflight", pre); err != nil {
		t.Fatal(err)
	}
}

// setMode changes the shop's customers mode as the merchant does before
// the start.
func setMode(t *testing.T, db *store.DB, ing *ingest.Service, shopID int64, mode shopqb.Mode) {
	t.Helper()
	shop, err := db.ShopByID(context.Background(), shopID)
	if err != nil {
		t.Fatal(err)
	}
	shop.Settings.CustomersMode = mode
	if err := admin(db, ing).UpdateSettings(context.Background(), shopID, "test", shop.Settings); err != nil {
		t.Fatal(err)
	}
}

// TestStartRefusesPastTheListLimit: on QuickBooks Pro, detail customers
// that would push the file past 14,500 names are refused at the start, with
// the counts, before the settings are locked. The check planned the shop
// for real before it refused: nothing of its plan is left (no posting, no
// name, no expected figure, no planning state), so after the merchant
// chooses summary customers the start plans the books of those settings:
// the same books as a shop started in summary mode in the first place.
func TestStartRefusesPastTheListLimit(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	var now time.Time
	ing, shop, _ := listLimitShop(t, db, &now)
	pristine := planningState(t, db, shop.ID)
	err := admin(db, ing).Start(ctx, shop.ID, "test")
	if err == nil || !strings.Contains(err.Error(), "14500") || !strings.Contains(err.Error(), "summary") {
		t.Fatalf("start: %v", err)
	}
	got, _ := db.ShopByID(ctx, shop.ID)
	if got.StartedAt != nil {
		t.Error("the settings were locked despite the refusal")
	}
	refusedCheck(t, db, shop.ID)
	if after := planningState(t, db, shop.ID); after != pristine {
		t.Errorf("the refused check left some of its plan:\n%s\nbefore it:\n%s", after, pristine)
	}
	// Summary customers fit: the start goes through.
	setMode(t, db, ing, shop.ID, shopqb.Summary)
	if err := admin(db, ing).Start(ctx, shop.ID, "test"); err != nil {
		t.Fatalf("start in summary mode: %v", err)
	}
	now = now.Add(time.Hour)
	if _, err := ing.Sync(ctx, shop.ID, shopqb.TriggerManual); err != nil {
		t.Fatal(err)
	}
	got2 := books(t, db, shop.ID)
	if strings.Contains(got2, "name customer:gid") {
		t.Errorf("a detail customer's name is left from the refused check:\n%s", got2)
	}

	// The same shop started in summary mode at once.
	ref := storetest.Open(t, store.SQLite)
	var refNow time.Time
	refIng, refShop, _ := listLimitShop(t, ref, &refNow)
	setMode(t, ref, refIng, refShop.ID, shopqb.Summary)
	if err := admin(ref, refIng).Start(ctx, refShop.ID, "test"); err != nil {
		t.Fatal(err)
	}
	refNow = refNow.Add(time.Hour)
	if _, err := refIng.Sync(ctx, refShop.ID, shopqb.TriggerManual); err != nil {
		t.Fatal(err)
	}
	if want := books(t, ref, refShop.ID); got2 != want || !strings.Contains(want, "posting ") {
		t.Errorf("the books after a refused start differ from a shop started in summary mode at once:\n%s", lineDiff(want, got2))
	}
}

// TestRefusedStartAfterResetKeepsTheNames: a shop reset after it planned
// keeps the names QuickBooks may hold; a check refused at its new start
// (the orders have new customers and the file filled up meanwhile) gives back
// exactly that state, names, figures and flags, and the outbox stays empty
// until a start that fits.
func TestRefusedStartAfterResetKeepsTheNames(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	var now time.Time
	ing, shop, src := listLimitShop(t, db, &now)
	setCustomers(t, db, shop.ID, 100) // room for detail customers
	if err := admin(db, ing).Start(ctx, shop.ID, "test"); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	if _, err := ing.Sync(ctx, shop.ID, shopqb.TriggerManual); err != nil {
		t.Fatal(err)
	}
	if _, err := admin(db, ing).Reset(ctx, shop.ID, "test"); err != nil {
		t.Fatal(err)
	}
	reset := planningState(t, db, shop.ID)
	if !strings.Contains(reset, "name customer:") {
		t.Fatalf("the reset kept no customer names; the test would prove nothing:\n%s", reset)
	}
	setCustomers(t, db, shop.ID, 14485)
	// Every order's customer is now a new Shopify customer (a new name).
	for i := range src.data.Orders {
		o := &src.data.Orders[i]
		if o.Customer != nil {
			c := *o.Customer
			c.ID += "0"
			o.Customer, o.UpdatedAt = &c, o.UpdatedAt.Add(time.Minute)
		}
	}
	if err := ing.Rewind(ctx, shop.ID); err != nil { // read the orders again
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	if err := admin(db, ing).Start(ctx, shop.ID, "test"); err == nil || !strings.Contains(err.Error(), "14500") {
		t.Fatalf("start on a full file: %v", err)
	}
	refusedCheck(t, db, shop.ID)
	if after := planningState(t, db, shop.ID); after != reset {
		t.Errorf("the refused check after the reset left:\n%s\nthe reset left:\n%s", after, reset)
	}
	setMode(t, db, ing, shop.ID, shopqb.Summary)
	if err := admin(db, ing).Start(ctx, shop.ID, "test"); err != nil {
		t.Fatalf("start in summary mode: %v", err)
	}
	if c, _ := db.CountPostings(ctx, shop.ID); c[shopqb.Planned]+c[shopqb.InDoubt] == 0 {
		t.Errorf("the accepted check planned nothing: %v", c)
	}
}
