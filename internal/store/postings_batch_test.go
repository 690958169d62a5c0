package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// TestUpsertPostingsBatches covers what the multi-row statements of
// UpsertPostings must keep from one-posting-at-a-time semantics: more
// postings than one statement carries, new and existing ones mixed, ids in
// the caller's order, and a key given twice in one call.
func TestUpsertPostingsBatches(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "batch.myshopify.com")

		var first []*shopqb.Posting
		for i := range 450 { // three statements' worth
			first = append(first, posting(fmt.Sprintf("order:%d:sale", i), "SalesReceiptAdd", "customer:1", fmt.Sprintf("item:%d", i%7)))
		}
		if ins, upd, err := db.UpsertPostings(ctx, shop, first); err != nil || ins != 450 || upd != 0 {
			t.Fatalf("first upsert = %d, %d, %v; want 450, 0", ins, upd, err)
		}
		for i := 1; i < len(first); i++ {
			if first[i].ID <= first[i-1].ID {
				t.Fatalf("ids not in the caller's order at %d: %d after %d", i, first[i].ID, first[i-1].ID)
			}
		}
		got, err := db.PostingByKey(ctx, shop, "order:449:sale")
		if err != nil || !slices.Equal(got.DependsOn, []string{"customer:1", "item:1"}) || got.ID != first[449].ID {
			t.Fatalf("last of the first upsert = %+v, %v", got, err)
		}

		// Order 0 is sent, so it stays as it is; 1 and 2 change; 3 is given
		// twice with two new contents (the last wins); 10 is new; the rest are unchanged.
		sent := first[0]
		sent.State = shopqb.Sent
		if err := db.UpdatePostings(ctx, []*shopqb.Posting{sent}); err != nil {
			t.Fatal(err)
		}
		var again []*shopqb.Posting
		for i := range 450 {
			again = append(again, posting(fmt.Sprintf("order:%d:sale", i), "SalesReceiptAdd", "customer:1", fmt.Sprintf("item:%d", i%7)))
		}
		for _, i := range []int{0, 1, 2, 3} {
			again[i].PlanHash, again[i].DependsOn = "h2", []string{"customer:2"}
		}
		twice := posting("order:3:sale", "SalesReceiptAdd", "customer:3")
		twice.PlanHash = "h3"
		fresh := posting("order:new:sale", "SalesReceiptAdd", "customer:1")
		again = append(again, twice, fresh)
		ins, upd, err := db.UpsertPostings(ctx, shop, again)
		if err != nil || ins != 1 || upd != 4 {
			t.Fatalf("second upsert = %d inserted, %d updated, %v; want 1, 4 (orders 1, 2, 3 twice)", ins, upd, err)
		}
		if fresh.ID <= first[449].ID || fresh.State != shopqb.Planned || twice.ID != first[3].ID || again[5].ID != 0 {
			t.Fatalf("fields after the second upsert: fresh %d %s, twice %d (want %d), unchanged id %d (want 0)",
				fresh.ID, fresh.State, twice.ID, first[3].ID, again[5].ID)
		}
		check := func(key, hash string, deps ...string) {
			t.Helper()
			p, err := db.PostingByKey(ctx, shop, key)
			if err != nil || p.PlanHash != hash || !slices.Equal(p.DependsOn, deps) {
				t.Fatalf("%s = %+v, %v; want hash %s deps %v", key, p, err, hash, deps)
			}
		}
		check("order:0:sale", "h1", "customer:1", "item:0")
		check("order:1:sale", "h2", "customer:2")
		check("order:3:sale", "h3", "customer:3")
		check("order:5:sale", "h1", "customer:1", "item:5")

		// ClaimReady joins posting_deps, not the deps column: the table must
		// hold exactly the last list, so order 3 waits for customer 3 alone.
		var done []*shopqb.Posting
		for _, k := range []string{"customer:1", "customer:2", "customer:3"} {
			done = append(done, posting(k, "CustomerAdd"))
		}
		if _, _, err := db.UpsertPostings(ctx, shop, done); err != nil {
			t.Fatal(err)
		}
		for _, p := range done[2:] {
			p.State = shopqb.Done
		}
		if err := db.UpdatePostings(ctx, done[2:]); err != nil {
			t.Fatal(err)
		}
		ready, err := db.ListPostings(ctx, shopqb.PostingFilter{ShopID: shop, States: []shopqb.PostingState{shopqb.Planned}})
		if err != nil {
			t.Fatal(err)
		}
		claimed, err := db.ClaimReady(ctx, shop, fresh.NextAttempt, len(ready), "ms-batch")
		if err != nil {
			t.Fatal(err)
		}
		if got := keys(claimed); !slices.Contains(got, "order:3:sale") || slices.Contains(got, "order:1:sale") {
			t.Fatalf("claimed %v; want order 3 (its only dependency is done) and not order 1", got)
		}

		// A refused call changes nothing, in the database or in the caller's postings.
		bad := []*shopqb.Posting{posting("order:bad:sale", "SalesReceiptAdd"), posting("loop", "CustomerAdd", "loop")}
		if _, _, err := db.UpsertPostings(ctx, shop, bad); err == nil {
			t.Fatal("self-dependency accepted")
		}
		if bad[0].ID != 0 || bad[0].State != "" {
			t.Fatalf("refused upsert filled in its postings: %+v", bad[0])
		}
	})
}

// TestRecordResults: a round trip's outcomes and QuickBooks' answers land
// together, and a call that fails on one posting keeps neither the other
// outcomes nor any answer.
func TestRecordResults(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "results.myshopify.com")
		ps := []*shopqb.Posting{posting("customer:1", "CustomerAdd"), posting("customer:2", "CustomerAdd")}
		if _, _, err := db.UpsertPostings(ctx, shop, ps); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
		ps[0].State, ps[0].QBID, ps[0].EditSequence = shopqb.Done, "80000001-1", "1"
		ps[1].State, ps[1].ErrorCode = shopqb.Failed, "3100"
		answers := map[int64]string{ps[0].ID: "<CustomerAddRs statusCode=\"0\"/>", ps[1].ID: "<CustomerAddRs statusCode=\"3100\"/>"}
		if err := db.RecordResults(ctx, shop, ps, answers, at); err != nil {
			t.Fatal(err)
		}
		got, err := db.PostingsByID(ctx, shop, []int64{ps[0].ID, ps[1].ID})
		if err != nil || len(got) != 2 || got[0].State != shopqb.Done || got[0].QBID != "80000001-1" || got[1].ErrorCode != "3100" {
			t.Fatalf("postings after RecordResults: %+v, %v", got, err)
		}
		kept, err := db.PostingResponses(ctx, shop, []int64{ps[0].ID, ps[1].ID})
		if err != nil || !maps.Equal(kept, answers) {
			t.Fatalf("answers kept = %v, %v; want %v", kept, err, answers)
		}

		// A posting that does not exist refuses the whole call.
		ps[0].State = shopqb.Planned
		ghost := &shopqb.Posting{ID: ps[1].ID + 1000, Key: "ghost", State: shopqb.Done}
		err = db.RecordResults(ctx, shop, []*shopqb.Posting{ps[0], ghost}, map[int64]string{ps[0].ID: "<changed/>"}, at)
		if !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("RecordResults with an unknown posting = %v; want ErrNotFound", err)
		}
		if p, _ := db.PostingByKey(ctx, shop, "customer:1"); p.State != shopqb.Done {
			t.Fatalf("refused call changed customer:1 to %s", p.State)
		}
		if kept, _ := db.PostingResponses(ctx, shop, []int64{ps[0].ID}); kept[ps[0].ID] != answers[ps[0].ID] {
			t.Fatalf("refused call changed the kept answer to %q", kept[ps[0].ID])
		}
	})
}
