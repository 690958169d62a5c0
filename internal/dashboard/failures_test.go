package dashboard_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/dashboard"
	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/setup"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// TestFailureGroups builds failures by hand — a missing list entry (3140)
// on seven sales receipts and on one credit memo, QuickBooks not starting
// (0x80040408) on two deposits — and checks the dashboard groups them by
// cause (code and kind), largest first, with the classified text and
// QuickBooks' own message as evidence, a sample of at most five; that a
// cause's postings page by cursor; and that retrying a cause queues exactly
// its postings, each once, audited.
func TestFailureGroups(t *testing.T) {
	for _, backend := range storetest.Backends() {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, backend)
			now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
			shop := &shopqb.Shop{Domain: "fail.myshopify.com", Name: "Fail", TimeZone: "UTC", Currency: "USD", QBWCUser: "fail",
				FileID: "{00000000-0000-0000-0000-000000000002}", Settings: shopqb.DefaultSettings(), StartedAt: &now}
			if err := db.CreateShop(ctx, shop); err != nil {
				t.Fatal(err)
			}
			type failure struct {
				key, kind, code, class, message string
			}
			var fs []failure
			for i := 0; i < 7; i++ {
				fs = append(fs, failure{fmt.Sprintf("order:%d:sale", 100+i), "SalesReceiptAdd", "3140", "merchant_fix",
					fmt.Sprintf(`There is an invalid reference to QuickBooks Item "MUG-%d" in the Sales Receipt.`, i)})
			}
			fs = append(fs, failure{"refund:9", "CreditMemoAdd", "3140", "merchant_fix", `There is an invalid reference to QuickBooks Account "Shipping Income" in the Credit Memo.`})
			for i := 0; i < 2; i++ {
				fs = append(fs, failure{fmt.Sprintf("payout:%d", i), "DepositAdd", "0x80040408", "merchant_fix", "Could not start QuickBooks."})
			}
			var ps []*shopqb.Posting
			for _, f := range fs {
				ps = append(ps, &shopqb.Posting{Key: f.key, Kind: f.kind, Request: "<" + f.kind + "Rq/>", PlanHash: "h", TxnDate: "2026-11-19"})
			}
			ps = append(ps, &shopqb.Posting{Key: "order:1:sale", Kind: "SalesReceiptAdd", Request: "<SalesReceiptAddRq/>", PlanHash: "h", TxnDate: "2026-11-19"})
			if _, _, err := db.UpsertPostings(ctx, shop.ID, ps); err != nil {
				t.Fatal(err)
			}
			for i, f := range fs {
				ps[i].State, ps[i].ErrorCode, ps[i].ErrorClass, ps[i].ErrorMessage, ps[i].Attempts = shopqb.Failed, f.code, f.class, f.message, 1
			}
			if err := db.UpdatePostings(ctx, ps[:len(fs)]); err != nil {
				t.Fatal(err)
			}
			svc, err := dashboard.New(dashboard.Config{Store: db, Admin: shopadmin.New(shopadmin.Options{Store: db}), QuickBooks: connected{now.Add(-time.Minute)},
				Company: func(context.Context, int64) (planner.Company, error) {
					return planner.Company{Edition: "enterprise"}, nil
				},
				EnqueueSync: func(context.Context, int64) error { return nil }, Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			d, err := svc.Dashboard(ctx, shop.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := []struct {
				cause    dashboard.Cause
				count    int
				why, fix string
				kindID   string
				evidence string
			}{
				{dashboard.Cause{Code: "3140", Class: "merchant_fix", Kind: "SalesReceiptAdd"}, 7, "books.failure.why.merchant_fix", "books.failure.fix.merchant_fix", "books.kind.SalesReceiptAdd", fs[0].message},
				{dashboard.Cause{Code: "0x80040408", Class: "merchant_fix", Kind: "DepositAdd"}, 2, "books.failure.why.merchant_fix", "books.failure.fix.merchant_fix", "books.kind.DepositAdd", "Could not start QuickBooks."},
				// A missing account is named, with what to do about it.
				{dashboard.Cause{Code: "3140", Class: "merchant_fix", Kind: "CreditMemoAdd"}, 1, "books.failure.why.missing_account", "books.failure.fix.missing_account", "books.kind.CreditMemoAdd", fs[7].message},
			}
			if len(d.Failures) != len(want) {
				t.Fatalf("%d groups: %+v", len(d.Failures), d.Failures)
			}
			for i, w := range want {
				g := d.Failures[i]
				if g.Cause != w.cause || g.Count != w.count || g.Why.ID != w.why || g.Fix.ID != w.fix ||
					g.Kind.ID != w.kindID || g.Evidence != w.evidence || g.Code != w.cause.Code || g.What.Args["Count"] != w.count {
					t.Errorf("group %d: %+v", i, g)
				}
				if w.fix == "books.failure.fix.missing_account" {
					if g.Why.Args["Account"] != "Shipping Income" || g.Fix.Args["Account"] != "Shipping Income" ||
						g.Fix.Args["Category"].(dashboard.Message).ID != setup.CategoryLabel(shopqb.ShippingIncome).ID || g.Fix.Args["Type"] != setup.AccountType("Income") {
						t.Errorf("group %d names the account, its type and category: why %+v fix %+v", i, g.Why, g.Fix)
					}
				}
				if len(g.Sample) != min(w.count, 5) {
					t.Errorf("group %d: %d in the sample", i, len(g.Sample))
				}
				for _, p := range g.Sample {
					if p.State != shopqb.Failed || p.Kind != w.cause.Kind {
						t.Errorf("group %d sample: %+v", i, p)
					}
				}
			}
			if d.Counts[shopqb.Failed] != len(fs) || d.Progress.Failed != len(fs) {
				t.Errorf("counts %v, progress %+v", d.Counts, d.Progress)
			}

			// The seven receipts, three at a time.
			var seen []string
			cursor := ""
			for pages := 0; ; pages++ {
				page, err := svc.FailedPostings(ctx, shop.ID, want[0].cause, cursor, 3)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range page.Postings {
					seen = append(seen, p.Key)
				}
				if page.Next == "" {
					break
				}
				if cursor = page.Next; pages > 5 {
					t.Fatal("paging does not end")
				}
			}
			if fmt.Sprint(seen) != "[order:100:sale order:101:sale order:102:sale order:103:sale order:104:sale order:105:sale order:106:sale]" {
				t.Errorf("paged: %v", seen)
			}

			// Retrying the deposits' cause queues those two and nothing else.
			n, err := svc.RetryCause(ctx, shop.ID, want[1].cause, "ann@example.com")
			if err != nil || n != 2 {
				t.Fatalf("retry cause: %d, %v", n, err)
			}
			counts, err := db.CountPostingsIn(ctx, shop.ID, shopqb.Failed, shopqb.Planned)
			if err != nil {
				t.Fatal(err)
			}
			if counts[shopqb.Failed] != 8 || counts[shopqb.Planned] != 3 {
				t.Errorf("after retrying the deposits: %v", counts)
			}
			if d, err = svc.Dashboard(ctx, shop.ID); err != nil || len(d.Failures) != 2 || d.Failures[0].Cause != want[0].cause {
				t.Fatalf("after retrying the deposits: %+v %v", d.Failures, err)
			}
			audit, err := db.Audit(ctx, shop.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			retried := 0
			for _, a := range audit {
				if a.Action == "retry_posting" {
					retried++
				}
			}
			if retried != 2 {
				t.Errorf("%d retries audited: %+v", retried, audit)
			}
		})
	}
}
