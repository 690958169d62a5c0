package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// TestExpectedFigures: a commit replaces each of its sources' figures whole
// (a source listed without rows is cleared), leaves other sources alone,
// ReplaceAll clears the shop's, and the sums are per day, category and flow,
// of one shop only.
func TestExpectedFigures(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		a := storetest.MustShopID(t, db, "a.myshopify.com")
		b := storetest.MustShopID(t, db, "b.myshopify.com")
		commit := func(shop int64, f store.ExpectedFigures) {
			t.Helper()
			if _, err := db.CommitPlan(ctx, shop, store.PlanCommit{Expected: &f}); err != nil {
				t.Fatal(err)
			}
		}
		row := func(src, day string, c shopqb.Category, refund bool, amt money.Cents) store.ExpectedRow {
			return store.ExpectedRow{Source: src, Day: day, Category: c, Refund: refund, Amount: amt}
		}
		commit(a, store.ExpectedFigures{Sources: []string{"o1", "o2", "p1"}, Rows: []store.ExpectedRow{
			row("o1", "2026-01-01", shopqb.SalesIncome, false, -1000),
			row("o1", "2026-01-03", shopqb.SalesIncome, true, 400),
			row("o2", "2026-01-01", shopqb.SalesIncome, false, -500),
			row("p1", "2026-01-02", shopqb.Bank, false, 1500),
		}})
		commit(b, store.ExpectedFigures{Sources: []string{"o1"}, Rows: []store.ExpectedRow{row("o1", "2026-01-01", shopqb.SalesIncome, false, -7)}})
		sums := func(shop int64, from, to string) string {
			t.Helper()
			rows, err := db.ExpectedByDay(ctx, shop, from, to)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rows {
				flow := ""
				if r.Refund {
					flow = " refund"
				}
				out = append(out, r.Day+" "+string(r.Category)+flow+" "+r.Amount.String())
			}
			return strings.Join(out, "; ")
		}
		if got, want := sums(a, "2026-01-01", "2026-01-03"), "2026-01-01 sales_income -15.00; 2026-01-02 bank 15.00; 2026-01-03 sales_income refund 4.00"; got != want {
			t.Fatalf("sums: %s, want %s", got, want)
		}
		if got, want := sums(a, "2026-01-02", "2026-01-02"), "2026-01-02 bank 15.00"; got != want {
			t.Fatalf("one day: %s, want %s", got, want)
		}
		// o1 planned again: its refund is gone, its sale changed; o2 listed without rows books nothing now.
		commit(a, store.ExpectedFigures{Sources: []string{"o1", "o2"}, Rows: []store.ExpectedRow{row("o1", "2026-01-01", shopqb.SalesIncome, false, -900)}})
		if got, want := sums(a, "2026-01-01", "2026-01-03"), "2026-01-01 sales_income -9.00; 2026-01-02 bank 15.00"; got != want {
			t.Fatalf("after replacing: %s, want %s", got, want)
		}
		commit(a, store.ExpectedFigures{ReplaceAll: true, Sources: []string{"o3"}, Rows: []store.ExpectedRow{row("o3", "2026-01-02", shopqb.SalesIncome, false, -1)}})
		if got, want := sums(a, "2026-01-01", "2026-01-03"), "2026-01-02 sales_income -0.01"; got != want {
			t.Fatalf("after replacing all: %s, want %s", got, want)
		}
		if got, want := sums(b, "2026-01-01", "2026-01-03"), "2026-01-01 sales_income -0.07"; got != want {
			t.Fatalf("other shop: %s, want %s", got, want)
		}
	})
}

// TestPostingResponses: an answer is kept per posting, replaced by a later
// one, never readable by another shop, and rewritten by the redaction.
func TestPostingResponses(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		a := storetest.MustShopID(t, db, "a.myshopify.com")
		b := storetest.MustShopID(t, db, "b.myshopify.com")
		if _, _, err := db.UpsertPostings(ctx, a, []*shopqb.Posting{posting("customer:1", "CustomerAdd")}); err != nil {
			t.Fatal(err)
		}
		p, err := db.PostingByKey(ctx, a, "customer:1")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if err := db.PutPostingResponses(ctx, a, map[int64]string{p.ID: "<CustomerRet><Name>first</Name></CustomerRet>"}, now); err != nil {
			t.Fatal(err)
		}
		if err := db.PutPostingResponses(ctx, a, map[int64]string{p.ID: "<CustomerRet><Name>Ann Lee</Name></CustomerRet>"}, now); err != nil {
			t.Fatal(err)
		}
		// Another shop can neither write nor read it.
		if err := db.PutPostingResponses(ctx, b, map[int64]string{p.ID: "<x/>"}, now); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.PostingResponses(ctx, b, []int64{p.ID}); len(got) != 0 {
			t.Fatalf("shop b reads %v", got)
		}
		got, err := db.PostingResponses(ctx, a, []int64{p.ID, p.ID + 1000})
		if err != nil || len(got) != 1 || got[p.ID] != "<CustomerRet><Name>Ann Lee</Name></CustomerRet>" {
			t.Fatalf("answers: %v %v", got, err)
		}
		n, err := db.RedactPostingResponses(ctx, a, func(key string, state shopqb.PostingState, r string) (string, error) {
			if key != "customer:1" || state != shopqb.Planned {
				t.Errorf("offered %s (%s)", key, state)
			}
			return strings.ReplaceAll(r, "Ann Lee", "Redacted"), nil
		})
		if err != nil || n != 1 {
			t.Fatalf("redacted %d: %v", n, err)
		}
		if got, _ := db.PostingResponses(ctx, a, []int64{p.ID}); got[p.ID] != "<CustomerRet><Name>Redacted</Name></CustomerRet>" {
			t.Fatalf("after redaction: %v", got)
		}
	})
}

// TestDoneLedgerByDay: only done postings count, refunds' documents are
// their own flow, other days and shops are out, and the two ways of summing
// (the days' whole ledger less what waits, or each row joined to its
// posting when many wait) agree.
func TestDoneLedgerByDay(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		a := storetest.MustShopID(t, db, "a.myshopify.com")
		b := storetest.MustShopID(t, db, "b.myshopify.com")
		mk := func(key, day string, amt money.Cents) *shopqb.Posting {
			p := posting(key, "SalesReceiptAdd")
			p.TxnDate = day
			p.Ledger = []shopqb.LedgerLine{{Category: shopqb.UndepositedFunds, Amount: amt}, {Category: shopqb.SalesIncome, Amount: -amt}}
			return p
		}
		sale, refund, waiting, other, late := mk("order:1:sale", "2026-01-01", 1000), mk("refund:9", "2026-01-01", -300),
			mk("order:2:sale", "2026-01-01", 50), mk("order:3:sale", "2026-01-05", 7), mk("order:4:sale", "2026-01-02", 11)
		if _, _, err := db.UpsertPostings(ctx, a, []*shopqb.Posting{sale, refund, waiting, other, late}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.UpsertPostings(ctx, b, []*shopqb.Posting{mk("order:1:sale", "2026-01-01", 99)}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []*shopqb.Posting{sale, refund, other, late} {
			p.State = shopqb.Done
		}
		late.State = shopqb.Failed
		if err := db.UpdatePostings(ctx, []*shopqb.Posting{sale, refund, other, late}); err != nil {
			t.Fatal(err)
		}
		sums := func() string {
			rows, err := db.DoneLedgerByDay(ctx, a, "2026-01-01", "2026-01-03")
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rows {
				flow := ""
				if r.Refund {
					flow = " refund"
				}
				out = append(out, r.Day+" "+string(r.Category)+flow+" "+r.Amount.String())
			}
			return strings.Join(out, "; ")
		}
		want := "2026-01-01 sales_income -10.00; 2026-01-01 sales_income refund 3.00; 2026-01-01 undeposited_funds 10.00; 2026-01-01 undeposited_funds refund -3.00"
		if got := sums(); got != want {
			t.Fatalf("by the whole ledger less what waits:\n got %s\nwant %s", got, want)
		}
		restore := store.SetNotDoneAtMost(0)
		defer restore()
		if got := sums(); got != want {
			t.Fatalf("joined:\n got %s\nwant %s", got, want)
		}
	})
}
