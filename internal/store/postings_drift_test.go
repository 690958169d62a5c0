package store_test

import (
	"context"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// A planned change to a posting QuickBooks holds is never applied, never
// dropped silently: it is reported, recorded once per distinct change, and
// PostedFor hands the posting and its adjustments to the planner.
func TestDriftIsRecordedAndPostedForFindsIt(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "drift.myshopify.com")
		base := posting("summary:sales:2026-01-01:online", "SalesReceiptAdd")
		base.Content = `{"lines":[]}`
		same := posting("order:1:sale", "SalesReceiptAdd")
		if _, _, err := db.UpsertPostings(ctx, shop, []*shopqb.Posting{base, same}); err != nil {
			t.Fatal(err)
		}
		base.State, same.State = shopqb.Done, shopqb.Done
		if err := db.UpdatePostings(ctx, []*shopqb.Posting{base, same}); err != nil {
			t.Fatal(err)
		}
		// Unchanged: nothing to hand over.
		got, err := db.PostedFor(ctx, shop, map[string]string{base.Key: "h1", same.Key: "h1"})
		if err != nil || got != nil {
			t.Fatalf("unchanged postings: %v, %v", got, err)
		}
		for range 2 {
			changed := posting(base.Key, "SalesReceiptAdd")
			changed.PlanHash, changed.Content = "h2", `{"lines":[{"amount":"1.00","category":"sales_income"}]}`
			rep, err := db.UpsertPostingsReport(ctx, shop, []*shopqb.Posting{changed})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Updated != 0 || len(rep.Drifts) != 1 || rep.Drifts[0].State != shopqb.Done || rep.Drifts[0].PostedHash != "h1" {
				t.Fatalf("report %+v", rep)
			}
		}
		drifts, err := db.Drifts(ctx, shop, 0)
		if err != nil || len(drifts) != 1 || drifts[0].PlannedHash != "h2" || drifts[0].PlannedContent == "" {
			t.Fatalf("drifts %+v, %v", drifts, err)
		}
		if p, _ := db.PostingByKey(ctx, shop, base.Key); p.PlanHash != "h1" || p.Content != `{"lines":[]}` {
			t.Fatalf("a done posting was edited: %+v", p)
		}
		// Drifted: the base and its adjustments.
		adj := posting(base.Key+":adj:1", "SalesReceiptAdd")
		adj.BaseKey = base.Key
		if _, _, err := db.UpsertPostings(ctx, shop, []*shopqb.Posting{adj}); err != nil {
			t.Fatal(err)
		}
		got, err = db.PostedFor(ctx, shop, map[string]string{base.Key: "h2", same.Key: "h1"})
		if err != nil || len(got) != 2 || got[0].Key != base.Key || got[1].Key != adj.Key || got[1].BaseKey != base.Key {
			t.Fatalf("posted for a drifted key: %v, %v", keys(got), err)
		}
		// An adjustment no longer needed is withdrawn, with a record.
		if n, err := db.WithdrawPostings(ctx, shop, []string{adj.Key, base.Key}); err != nil || n != 1 {
			t.Fatalf("withdrew %d, %v (a done posting must stay)", n, err)
		}
		if drifts, _ := db.Drifts(ctx, shop, 0); len(drifts) != 2 || drifts[0].State != "withdrawn" {
			t.Fatalf("withdrawal not recorded: %+v", drifts)
		}
	})
}

// A document that failed in planning fails on its posting, goes back to
// planned when it plans again, is never claimed without a request, and is
// cleared when it was booked inside a summary.
func TestDocumentFailures(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "doc.myshopify.com")
		bad := &shopqb.Posting{Key: "order:1:sale", Kind: "SalesReceiptAdd", State: shopqb.Failed, ErrorClass: shopqb.ErrorClassDocument,
			ErrorMessage: "does not add up", PlanHash: "f1"}
		if _, _, err := db.UpsertPostings(ctx, shop, []*shopqb.Posting{bad}); err != nil {
			t.Fatal(err)
		}
		p, _ := db.PostingByKey(ctx, shop, bad.Key)
		if p.State != shopqb.Failed || p.ErrorMessage != "does not add up" {
			t.Fatalf("stored %+v", p)
		}
		// Retried by hand: planned, but never claimed without a request.
		p.State = shopqb.Planned
		if err := db.UpdatePostings(ctx, []*shopqb.Posting{p}); err != nil {
			t.Fatal(err)
		}
		if claimed, err := db.ClaimReady(ctx, shop, p.NextAttempt.Add(1e12), 10, "ms"); err != nil || len(claimed) != 0 {
			t.Fatalf("claimed a posting without a request: %v, %v", keys(claimed), err)
		}
		good := posting("order:1:sale", "SalesReceiptAdd")
		if _, upd, err := db.UpsertPostings(ctx, shop, []*shopqb.Posting{good}); err != nil || upd != 1 {
			t.Fatalf("updated %d, %v", upd, err)
		}
		p, _ = db.PostingByKey(ctx, shop, bad.Key)
		if p.State != shopqb.Planned || p.ErrorClass != "" || p.Request == "" {
			t.Fatalf("after the document planned again: %+v", p)
		}
		// Failing again, then booked inside a summary: cleared.
		if _, _, err := db.UpsertPostings(ctx, shop, []*shopqb.Posting{bad}); err != nil {
			t.Fatal(err)
		}
		if n, err := db.ClearDocumentFailures(ctx, shop, []string{bad.Key, "order:2:sale"}); err != nil || n != 1 {
			t.Fatalf("cleared %d, %v", n, err)
		}
	})
}
