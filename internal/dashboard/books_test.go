package dashboard_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/dashboard"
	"github.com/shopqb/shopqb/internal/demo"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store/storetest"
	"github.com/shopqb/shopqb/internal/testenv"
)

// TestBooksAfterADemoSync runs the demo (the Shopify simulator, the real
// planner and engine, the simulated QuickBooks and Web Connector) on each
// database, then reads its books through the service: the reconciliation
// has no difference and agrees with the demo's report per account, its CSV
// has the same figures, an order with a refund shows both documents with
// their QuickBooks references and ledgers, the progress is complete.
func TestBooksAfterADemoSync(t *testing.T) {
	for _, backend := range storetest.Backends() {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			url := storetest.URL(t, backend)
			rep, err := demo.Run(ctx, demo.Options{Orders: 80, Days: 12, Seed: 7, SalesMode: shopqb.Detail, CustomersMode: shopqb.Summary,
				InventoryMode: shopqb.Summary, VendorsMode: shopqb.Summary, Edition: "enterprise", DatabaseURL: url,
				SharedDir: testenv.SharedDir(t)})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Differences != 0 || rep.Postings.Done == 0 {
				t.Fatalf("the demo itself did not reconcile: %d differences, %d done", rep.Differences, rep.Postings.Done)
			}
			a, err := app.Open(ctx, app.Config{DatabaseURL: url, Listen: "127.0.0.1:0", KeyFile: filepath.Join(t.TempDir(), "k")})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close(context.Background()) })
			books, err := a.Books()
			if err != nil {
				t.Fatal(err)
			}
			shop, err := a.Store.ShopByDomain(ctx, rep.Shop)
			if err != nil {
				t.Fatal(err)
			}
			loc, _ := time.LoadLocation(shop.TimeZone)
			from, to := shop.Settings.StartDate, time.Now().In(loc).AddDate(0, 0, 1).Format("2006-01-02")

			rec, err := books.Reconciliation(ctx, shop.ID, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Differences != 0 {
				for _, r := range rec.ByDay {
					if r.Difference != 0 {
						t.Errorf("%s %s: Shopify %s, QuickBooks %s", r.Day, r.Category, r.Shopify, r.QuickBooks)
					}
				}
				t.Fatalf("%d differences", rec.Differences)
			}
			// The chart's split: sales and refunds agree per day, and the
			// demo has refunds to show.
			var refunds money.Cents
			for _, p := range rec.Series {
				if p.GrossSalesShopify != p.GrossSalesQuickBooks || p.RefundsShopify != p.RefundsQuickBooks ||
					p.SalesShopify != p.GrossSalesShopify-p.RefundsShopify {
					t.Errorf("series %s: sales %s/%s refunds %s/%s net %s", p.Day, p.GrossSalesShopify, p.GrossSalesQuickBooks,
						p.RefundsShopify, p.RefundsQuickBooks, p.SalesShopify)
				}
				refunds += p.RefundsShopify
			}
			if refunds <= 0 {
				t.Errorf("no refunds in the series (%s)", refunds)
			}
			// The figures the sync stored are those a plan of the range gives.
			pre, err := a.Engine.LoadPreflight(ctx, shop.ID)
			if err != nil {
				t.Fatal(err)
			}
			company := ingest.CompanyOf(pre)
			fromT, _ := time.ParseInLocation("2006-01-02", from, loc)
			toT, _ := time.ParseInLocation("2006-01-02", to, loc)
			planned, err := dashboard.Expected(ctx, a.Store, shop, company, fromT, toT.AddDate(0, 0, 1))
			if err != nil {
				t.Fatal(err)
			}
			stored, err := a.Store.ExpectedByDay(ctx, shop.ID, from, to)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]map[shopqb.Category]money.Cents{}
			for _, r := range stored {
				if got[r.Day] == nil {
					got[r.Day] = map[shopqb.Category]money.Cents{}
				}
				got[r.Day][r.Category] += r.Amount
			}
			for day, cats := range planned.ByDay {
				for c, amt := range cats {
					if got[day][c] != amt {
						t.Errorf("stored %s %s: %s, planned %s", day, c, got[day][c], amt)
					}
					delete(got[day], c)
				}
			}
			for day, cats := range got {
				for c, amt := range cats {
					if amt != 0 {
						t.Errorf("stored %s %s: %s, planned nothing", day, c, amt)
					}
				}
			}
			// Per account, the done postings' ledger equals the simulated
			// company's balance and Shopify's figure equals the report's.
			qb, sh := map[string]money.Cents{}, map[string]money.Cents{}
			for _, r := range rec.ByCategory {
				qb[strings.ToLower(r.Account)] += r.QuickBooks
				sh[strings.ToLower(r.Account)] += r.Shopify
			}
			checked := 0
			for _, r := range rep.Reconciliation {
				k := strings.ToLower(r.Account)
				if sh[k] != r.Shopify || qb[k] != r.QuickBooks {
					t.Errorf("%s (%s): service Shopify %s QuickBooks %s, report Shopify %s QuickBooks %s", r.Account, r.Category, sh[k], qb[k], r.Shopify, r.QuickBooks)
				}
				checked++
			}
			if checked < 5 {
				t.Fatalf("only %d report rows", checked)
			}
			for _, p := range rec.Payouts {
				if p.Difference != 0 || p.DepositState != shopqb.Done {
					t.Errorf("payout %s: net %s, deposit %s (%s)", p.PayoutID, p.Net, p.Deposit, p.DepositState)
				}
			}
			if len(rec.Payouts) == 0 {
				t.Error("no payout matched")
			}
			// The CSV holds the view's figures.
			var buf bytes.Buffer
			if err := books.ReconciliationCSV(ctx, shop.ID, from, to, "categories", &buf); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(&buf).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(rec.ByCategory)+1 {
				t.Fatalf("CSV has %d rows for %d categories", len(rows), len(rec.ByCategory))
			}
			for i, r := range rec.ByCategory {
				if rows[i+1][0] != string(r.Category) || rows[i+1][2] != r.Shopify.String() || rows[i+1][3] != r.QuickBooks.String() {
					t.Errorf("CSV row %v for %+v", rows[i+1], r)
				}
			}

			// An order with a refund: found by its name and its number, both documents done with references.
			var refunded *shopify.Order
			err = a.Store.EachLatestSnapshot(ctx, shop.ID, "order", func(s *shopqb.Snapshot) error {
				var o shopify.Order
				if err := json.Unmarshal(s.Body, &o); err != nil {
					return err
				}
				if refunded == nil && len(o.Refunds) > 0 && !o.Test && o.ProcessedAt.In(loc).Format("2006-01-02") >= from {
					refunded = &o
				}
				return nil
			})
			if err != nil || refunded == nil {
				t.Fatalf("no refunded order in the demo (%v)", err)
			}
			for _, q := range []string{refunded.Name, strings.TrimPrefix(refunded.Name, "#")} {
				res, err := books.FindOrders(ctx, shop.ID, q, "", 10)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Hits) != 1 || res.Hits[0].GID != refunded.ID || res.Hits[0].State != shopqb.Done {
					t.Fatalf("search %q: %+v", q, res.Hits)
				}
			}
			ov, err := books.Order(ctx, shop.ID, refunded.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(ov.Events) < 2 {
				t.Fatalf("order %s: %d events", refunded.Name, len(ov.Events))
			}
			for _, ev := range ov.Events {
				if len(ev.Postings) == 0 {
					t.Errorf("%s: event %s has no posting", refunded.Name, ev.What.ID)
				}
				for _, p := range ev.Postings {
					var sum money.Cents
					for _, l := range p.Ledger {
						sum += l.Debit - l.Credit
					}
					if p.State != shopqb.Done || p.TxnID == "" || p.RefNumber == "" || len(p.Ledger) < 2 || sum != 0 || !strings.Contains(p.Request, p.Kind[:len(p.Kind)-3]) {
						t.Errorf("%s %s: state %s TxnID %q Ref %q ledger %+v (sum %s)", refunded.Name, p.Key, p.State, p.TxnID, p.RefNumber, p.Ledger, sum)
					}
				}
			}
			if len(ov.Payouts) > 0 {
				pv, err := books.Payout(ctx, shop.ID, ov.Payouts[0].GID, false)
				if err != nil {
					t.Fatal(err)
				}
				if pv.Difference != 0 || pv.Deposit == nil || pv.Deposit.State != shopqb.Done {
					t.Errorf("payout %s: difference %s", pv.ID, pv.Difference)
				}
			}

			// The dashboard: all posted, nothing failed, history listed.
			d, err := books.Dashboard(ctx, shop.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Progress.Phase != "idle" || d.Progress.Percent != 100 || d.Counts[shopqb.Done] != rep.Postings.Done || len(d.Failures) != 0 || len(d.History) == 0 {
				t.Errorf("dashboard: progress %+v counts %v failures %d history %d", d.Progress, d.Counts, len(d.Failures), len(d.History))
			}
			if d.Connection.Product == "" || d.Connection.LastContact == nil {
				t.Errorf("connection: %+v", d.Connection)
			}
			for _, c := range d.BooksCheck {
				if !c.Balanced {
					t.Errorf("books check %s: %s", c.Day, c.Difference)
				}
			}
			page, err := books.Shops(ctx, "demo", "", 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Shops) != 1 || page.Shops[0].ID != shop.ID {
				t.Errorf("operator search: %+v", page.Shops)
			}
			if page, err = books.Shops(ctx, "nomatch", "", 10); err != nil || len(page.Shops) != 0 {
				t.Errorf("operator search for nothing: %+v %v", page, err)
			}
		})
	}
}
