package ingest_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// TestRunCountsTheOrdersItHandles: the history's "orders read" comes from
// the run record. The start's trial reads and plans every order, and shows
// no postings added; the first real sync reads only what changed since
// (nothing here) and shows the orders the trial planned (orders_from_check)
// and the postings it added, which the Web Connector sends after the
// start; later syncs and a re-sync count only what they read themselves.
func TestRunCountsTheOrdersItHandles(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	data := shopifysim.Generate(shopifysim.GeneratorOptions{Seed: 7, Orders: 40, Days: 5, Start: start,
		Shop: shopifysim.Shop{Domain: "counts.myshopify.com", Currency: "USD", Timezone: "UTC"}})
	src := &windowedShop{orders: data.Orders}
	now := start.AddDate(0, 0, 7)
	ing := ingest.New(ingest.Options{Store: db, Now: func() time.Time { return now },
		Source: func(context.Context, *shopqb.Shop) (ingest.Source, error) { return src, nil }})
	shop := startedThroughAdmin(t, db, ing, "counts.myshopify.com")
	runs := func() []*shopqb.SyncRun {
		rs, err := db.SyncRunsBefore(ctx, shop.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	trial := runs()[0]
	if trial.Trigger != shopqb.TriggerStartCheck || trial.Counts[shopqb.CountOrdersRead] != len(data.Orders) || trial.Counts[shopqb.CountOrdersFromCheck] != 0 ||
		trial.Counts[shopqb.CountPostingsNew] != 0 || trial.Counts["orders_planned"] == 0 {
		t.Fatalf("trial run %s: counts %v; want all %d orders read and planned, no postings shown as added", trial.Trigger, trial.Counts, len(data.Orders))
	}
	// The check planned for real: its postings wait in the outbox for the
	// start, and the first sync shows them as its own.
	planned, err := db.CountPostings(ctx, shop.ID)
	if err != nil {
		t.Fatal(err)
	}
	inOutbox := 0
	for _, n := range planned {
		inOutbox += n
	}
	if inOutbox == 0 {
		t.Fatal("the start's check left the outbox empty")
	}

	now = now.Add(time.Hour) // nothing changed in Shopify since the trial
	first, err := ing.Sync(ctx, shop.ID, shopqb.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	got := first.Counts[shopqb.CountOrdersRead] + first.Counts[shopqb.CountOrdersFromCheck]
	if first.Counts[shopqb.CountOrdersFromCheck] == 0 || got != first.Counts["orders_planned"] || got > len(data.Orders) ||
		first.Counts["orders_planned"] != trial.Counts["orders_planned"] {
		t.Errorf("first sync: counts %v; want the orders it planned (read now or by the trial) counted once, as the trial planned them (%v)", first.Counts, trial.Counts)
	}
	if first.Counts[shopqb.CountPostingsNew] != inOutbox {
		t.Errorf("first sync: %d postings new, the outbox holds %d", first.Counts[shopqb.CountPostingsNew], inOutbox)
	}

	now = now.Add(time.Hour)
	later, err := ing.Sync(ctx, shop.ID, shopqb.TriggerSchedule)
	if err != nil {
		t.Fatal(err)
	}
	if later.Counts[shopqb.CountOrdersFromCheck] != 0 {
		t.Errorf("a later sync counts orders from the trial: %v", later.Counts)
	}
	resync, err := ing.SyncRange(ctx, shop.ID, start, start.AddDate(0, 0, 3), shopqb.TriggerResync)
	if err != nil {
		t.Fatal(err)
	}
	if resync.Trigger != shopqb.TriggerResync || resync.Counts[shopqb.CountOrdersRead] == 0 || resync.Counts[shopqb.CountOrdersFromCheck] != 0 ||
		resync.Counts[shopqb.CountPostingsNew] != 0 {
		t.Errorf("re-sync: %s %v; want its own orders read and nothing new", resync.Trigger, resync.Counts)
	}
}
