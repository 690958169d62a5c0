package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// TestCommitPlanIsOneTransaction: postings, names and key/values land
// together, and a commit that fails leaves none of them.
func TestCommitPlanIsOneTransaction(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "commit.myshopify.com")
		res, err := db.CommitPlan(ctx, shop, store.PlanCommit{
			Postings: []*shopqb.Posting{
				{Key: "customer:1", Kind: "CustomerAdd", Request: "<CustomerAddRq/>", PlanHash: "h1"},
				{Key: "order:1:sale", Kind: "SalesReceiptAdd", Request: "<SalesReceiptAddRq/>", PlanHash: "h2", DependsOn: []string{"customer:1"}},
			},
			Names: map[string]string{"customer:1": "Ann"},
			KV:    map[string][]byte{"watermark:orders": []byte("t1")},
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted != 2 || res.Updated != 0 {
			t.Fatalf("first commit %+v", res)
		}
		if v, err := db.KV(ctx, shop, "watermark:orders"); err != nil || string(v) != "t1" {
			t.Fatalf("watermark %q, %v", v, err)
		}
		// The second posting is invalid (no kind): the whole commit fails,
		// the changed posting and the watermark stay as they were.
		_, err = db.CommitPlan(ctx, shop, store.PlanCommit{
			Postings: []*shopqb.Posting{
				{Key: "customer:1", Kind: "CustomerAdd", Request: "<CustomerAddRq>changed</CustomerAddRq>", PlanHash: "h1b"},
				{Key: "order:2:sale", Request: "<x/>", PlanHash: "h3"},
			},
			Names: map[string]string{"customer:1": "Ann B", "order:2:sale": "R2"},
			KV:    map[string][]byte{"watermark:orders": []byte("t2")},
		})
		if err == nil {
			t.Fatal("a commit with an invalid posting succeeded")
		}
		p, err := db.PostingByKey(ctx, shop, "customer:1")
		if err != nil {
			t.Fatal(err)
		}
		v, _ := db.KV(ctx, shop, "watermark:orders")
		if p.PlanHash != "h1" || string(v) != "t1" {
			t.Fatalf("after the failed commit: posting hash %s, watermark %s; want h1, t1", p.PlanHash, v)
		}
		if _, err := db.PostingByKey(ctx, shop, "order:2:sale"); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("posting of the failed commit: %v", err)
		}
		if got := planNames(t, db, shop); len(got) != 1 || got["customer:1"] != "Ann" {
			t.Fatalf("names after the failed commit: %v; want only customer:1 = Ann", got)
		}
	})
}

// TestCommitPlanRelinksArchivedPostings: after an admin reset, a planned
// posting whose key QuickBooks may already hold is put in doubt in the same
// commit; one that never left shopqb stays planned.
func TestCommitPlanRelinksArchivedPostings(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "relink.myshopify.com")
		first := []*shopqb.Posting{
			{Key: "order:1:sale", Kind: "SalesReceiptAdd", Request: "<a/>", PlanHash: "a"},
			{Key: "order:2:sale", Kind: "SalesReceiptAdd", Request: "<b/>", PlanHash: "b"},
		}
		if _, err := db.CommitPlan(ctx, shop, store.PlanCommit{Postings: first}); err != nil {
			t.Fatal(err)
		}
		first[0].State = shopqb.Done
		if err := db.UpdatePostings(ctx, first[:1]); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ArchivePostings(ctx, shop, "reset"); err != nil {
			t.Fatal(err)
		}
		again := []*shopqb.Posting{
			{Key: "order:1:sale", Kind: "SalesReceiptAdd", Request: "<a/>", PlanHash: "a"},
			{Key: "order:2:sale", Kind: "SalesReceiptAdd", Request: "<b/>", PlanHash: "b"},
		}
		res, err := db.CommitPlan(ctx, shop, store.PlanCommit{Postings: again, RelinkArchived: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted != 2 || res.Relinked != 1 {
			t.Fatalf("commit after reset %+v", res)
		}
		p1, _ := db.PostingByKey(ctx, shop, "order:1:sale")
		p2, _ := db.PostingByKey(ctx, shop, "order:2:sale")
		if p1.State != shopqb.InDoubt || p2.State != shopqb.Planned {
			t.Fatalf("states after relink: %s, %s", p1.State, p2.State)
		}
	})
}

// TestCommitPlanBooksDriftInItsTransaction: the commit reports drift on a
// posting QuickBooks holds, withdraws an unsent adjustment and clears a
// document failure; when the commit fails, none of that happened.
func TestCommitPlanBooksDriftInItsTransaction(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "commit-drift.myshopify.com")
		base := &shopqb.Posting{Key: "summary:sales:2026-01-01:online", Kind: "SalesReceiptAdd", Request: "<a/>", PlanHash: "h1"}
		adj := &shopqb.Posting{Key: base.Key + ":adj:1", Kind: "SalesReceiptAdd", Request: "<b/>", PlanHash: "j1", BaseKey: base.Key}
		bad := &shopqb.Posting{Key: "order:9:sale", Kind: "SalesReceiptAdd", State: shopqb.Failed,
			ErrorClass: shopqb.ErrorClassDocument, ErrorMessage: "does not add up", PlanHash: "f1"}
		if _, err := db.CommitPlan(ctx, shop, store.PlanCommit{Postings: []*shopqb.Posting{base, adj, bad}}); err != nil {
			t.Fatal(err)
		}
		base.State = shopqb.Done
		if err := db.UpdatePostings(ctx, []*shopqb.Posting{base}); err != nil {
			t.Fatal(err)
		}
		changed := func() *shopqb.Posting {
			return &shopqb.Posting{Key: base.Key, Kind: "SalesReceiptAdd", Request: "<c/>", PlanHash: "h2"}
		}
		// A failing commit (a posting without a kind) leaves all three as they were.
		_, err := db.CommitPlan(ctx, shop, store.PlanCommit{
			Postings: []*shopqb.Posting{changed(), {Key: "order:10:sale", Request: "<x/>", PlanHash: "x"}},
			Withdraw: []string{adj.Key}, Cleared: []string{bad.Key},
		})
		if err == nil {
			t.Fatal("a commit with an invalid posting succeeded")
		}
		if d, _ := db.Drifts(ctx, shop, 0); len(d) != 0 {
			t.Fatalf("drift recorded by a failed commit: %+v", d)
		}
		for _, key := range []string{adj.Key, bad.Key} {
			if _, err := db.PostingByKey(ctx, shop, key); err != nil {
				t.Fatalf("%s after the failed commit: %v", key, err)
			}
		}
		res, err := db.CommitPlan(ctx, shop, store.PlanCommit{
			Postings: []*shopqb.Posting{changed()}, Withdraw: []string{adj.Key}, Cleared: []string{bad.Key},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Drifts) != 1 || res.Drifts[0].PostedHash != "h1" || res.Drifts[0].PlannedHash != "h2" ||
			res.Withdrawn != 1 || res.Cleared != 1 || res.Updated != 0 {
			t.Fatalf("commit %+v", res)
		}
		for _, key := range []string{adj.Key, bad.Key} {
			if _, err := db.PostingByKey(ctx, shop, key); !errors.Is(err, shopqb.ErrNotFound) {
				t.Fatalf("%s after the commit: %v", key, err)
			}
		}
		if p, _ := db.PostingByKey(ctx, shop, base.Key); p.PlanHash != "h1" {
			t.Fatalf("a done posting was edited: %+v", p)
		}
	})
}
