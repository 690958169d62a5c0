package ingest_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// namesShop syncs a generated shop on a fresh database with planner calls
// of about chunk orders, and returns the database, the service and the shop.
func namesShop(t *testing.T, chunk int) (*store.DB, *ingest.Service, *shopqb.Shop) {
	t.Helper()
	db := storetest.Open(t, store.SQLite)
	shop := startedShop(t, db, "names.myshopify.com")
	data := shopifysim.Generate(shopifysim.GeneratorOptions{Seed: 4, Orders: 60, Days: 5,
		Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Shop: shopifysim.Shop{Domain: shop.Domain, Currency: "USD", Timezone: "UTC"}})
	src := &paidShop{generatedShop: generatedShop{orders: data.Orders}, payouts: data.Payouts}
	svc := ingest.New(ingest.Options{Store: db, Now: func() time.Time { return time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC) },
		Source: func(context.Context, *shopqb.Shop) (ingest.Source, error) { return *src, nil }})
	ingest.SetPlanChunk(svc, chunk, chunk, false)
	if _, err := svc.Sync(context.Background(), shop.ID, shopqb.TriggerManual); err != nil {
		t.Fatal(err)
	}
	return db, svc, shop
}

func storedNames(t *testing.T, db *store.DB, shopID int64) map[string]string {
	t.Helper()
	names := map[string]string{}
	if err := db.EachPlanName(context.Background(), shopID, func(key, name string) error {
		names[key] = name
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return names
}

// TestCommitsStoreTheNamesTheyAdd: a shop planned in many calls, each
// commit storing only the names its plan added, ends with the names of the
// shop planned in one call, and every list record and RefNumber in the
// outbox has its name stored.
func TestCommitsStoreTheNamesTheyAdd(t *testing.T) {
	ctx := context.Background()
	oneDB, _, oneShop := namesShop(t, 1000)
	manyDB, _, manyShop := namesShop(t, 7)
	one, many := storedNames(t, oneDB, oneShop.ID), storedNames(t, manyDB, manyShop.ID)
	if len(one) < 20 {
		t.Fatalf("only %d names stored: nothing compared", len(one))
	}
	if !maps.Equal(one, many) {
		t.Fatalf("%d names planned in one call, %d in calls of 7 orders", len(one), len(many))
	}
	ps, err := manyDB.ListPostings(ctx, shopqb.PostingFilter{ShopID: manyShop.ID, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	// Every RefNumber stored is that of a posting in the outbox (payment
	// postings of a refund reuse their document's, unstored), and every
	// customer record has its name stored.
	byKey := map[string]*shopqb.Posting{}
	for _, p := range ps {
		byKey[p.Key] = p
		if strings.HasPrefix(p.Key, "customer:") && many[p.Key] != p.Name {
			t.Errorf("%s is named %q, stored %q", p.Key, p.Name, many[p.Key])
		}
	}
	refs := 0
	for k, n := range many {
		key, ok := strings.CutPrefix(k, "refnumber:")
		if !ok {
			continue
		}
		refs++
		if p := byKey[key]; p == nil || p.RefNumber != n {
			t.Errorf("RefNumber %q of %s stored, its posting is %+v", n, key, p)
		}
	}
	if refs < 10 {
		t.Fatalf("%d RefNumbers stored: nothing compared", refs)
	}
}

// TestSyncMovesTheOldNameMap: a shop whose names are still the one
// key/value of before (an upgrade) has them moved into rows by its next
// sync, which plans with them: nothing in the outbox changes.
func TestSyncMovesTheOldNameMap(t *testing.T) {
	ctx := context.Background()
	db, svc, shop := namesShop(t, 7)
	names := storedNames(t, db, shop.ID)
	raw, err := json.Marshal(names)
	if err != nil {
		t.Fatal(err)
	}
	// What a shopqb from before plan_names left behind.
	if _, err := db.SQL().ExecContext(ctx, "DELETE FROM plan_names WHERE shop_id = ?", shop.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.PutKV(ctx, shop.ID, store.KVLegacyPlanNames, raw); err != nil {
		t.Fatal(err)
	}
	run, err := svc.Sync(ctx, shop.ID, shopqb.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	if n := run.Counts["postings_new"] + run.Counts["postings_updated"]; n != 0 {
		t.Fatalf("the sync after the move changed %d postings", n)
	}
	if got := storedNames(t, db, shop.ID); !maps.Equal(got, names) {
		t.Fatalf("%d names after the move, want %d", len(got), len(names))
	}
	if _, err := db.KV(ctx, shop.ID, store.KVLegacyPlanNames); !errors.Is(err, shopqb.ErrNotFound) {
		t.Fatalf("the old name map is still stored: %v", err)
	}
}

// TestResetKeepsTheNames: an admin reset archives the outbox and leaves
// the names (QuickBooks may hold records by them), so the shop planned again
// gives every record the name it had, and no name is added.
func TestResetKeepsTheNames(t *testing.T) {
	ctx := context.Background()
	db, svc, shop := namesShop(t, 7)
	names := storedNames(t, db, shop.ID)
	archived, err := admin(db, svc).Reset(ctx, shop.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	if archived == 0 {
		t.Fatal("the reset archived nothing: nothing tested")
	}
	if got := storedNames(t, db, shop.ID); !maps.Equal(got, names) {
		t.Fatalf("%d names after the reset, want %d", len(got), len(names))
	}
	// Started again, as startedShop starts it.
	again, err := db.ShopByID(ctx, shop.ID)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	again.StartedAt = &now
	if err := db.UpdateShop(ctx, again); err != nil {
		t.Fatal(err)
	}
	run, err := svc.Sync(ctx, shop.ID, shopqb.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	if run.Counts["postings_new"] == 0 {
		t.Fatalf("nothing planned again after the reset: %+v", run.Counts)
	}
	if got := storedNames(t, db, shop.ID); !maps.Equal(got, names) {
		t.Fatalf("%d names after planning again, want %d", len(got), len(names))
	}
}
