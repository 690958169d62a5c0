package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/demo"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/testenv"
)

// TestTipLinesAndEarlierSalesReconcile runs the demo (simulated Shopify,
// shopqb, the Web Connector and QuickBooks) on a shop whose POS orders carry
// their tips as line items, some refunded, in detail and in summary sales
// mode; once from two weeks before the first order and once started on the
// third day, so refunds of sales before the start come after it. Every
// posting must go through and every category reconcile to the cent.
func TestTipLinesAndEarlierSalesReconcile(t *testing.T) {
	for _, c := range []struct {
		mode     shopqb.Mode
		startDay int
	}{{shopqb.Detail, 0}, {shopqb.Summary, 3}, {shopqb.Summary, 0}, {shopqb.Detail, 3}} {
		if testing.Short() && c.mode == shopqb.Summary && c.startDay == 0 {
			break // -short: one run per mode
		}
		t.Run(string(c.mode)+"-from-day-"+string(rune('0'+c.startDay)), func(t *testing.T) {
			rep, err := demo.Run(context.Background(), demo.Options{Orders: 300, Days: 8, Seed: 13, SalesMode: c.mode,
				CustomersMode: shopqb.Summary, InventoryMode: shopqb.Summary, VendorsMode: shopqb.Summary, Edition: "enterprise",
				SharedDir: testenv.SharedDir(t), StartDay: c.startDay})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Shopify.TipLines == 0 || rep.Shopify.TipsRefunded == 0 {
				t.Fatalf("the shop has %d tip lines, %d refunded: nothing to test", rep.Shopify.TipLines, rep.Shopify.TipsRefunded)
			}
			if c.startDay > 0 && rep.Shopify.RefundsOfEarlierSales == 0 {
				t.Fatal("no refund after the start date of a sale before it: nothing to test")
			}
			if rep.Postings.Total == 0 || rep.Postings.Done != rep.Postings.Total {
				t.Errorf("postings %+v, not posted: %+v", rep.Postings, rep.Failures)
			}
			if rep.Differences != 0 {
				for _, r := range rep.Reconciliation {
					if r.Difference != 0 {
						t.Errorf("%s (%s): QuickBooks %s, Shopify %s", r.Category, r.Account, r.QuickBooks, r.Shopify)
					}
				}
			}
			var tips bool
			for _, r := range rep.Reconciliation {
				if r.Category == string(shopqb.TipsPayable) {
					tips = r.QuickBooks != 0
				}
			}
			if !tips {
				t.Error("tips payable shows nothing in QuickBooks")
			}
			t.Logf("%d tip lines (%d refunded), %d refunds of earlier sales, %d postings", rep.Shopify.TipLines,
				rep.Shopify.TipsRefunded, rep.Shopify.RefundsOfEarlierSales, rep.Postings.Total)
		})
	}
}

// TestStartedOnDayDBooksTheRefundsOfEarlierSales: a shop started on day D
// books, of its orders sold before D, exactly the refunds made on or after D,
// each dated at the refund, and no sale; its payouts' deposits put in the
// bank exactly what Shopify paid out from D on.
func TestStartedOnDayDBooksTheRefundsOfEarlierSales(t *testing.T) {
	const orders, seed = 300, 21
	w := newWorld(t, t.TempDir()+"/started.db", 1, orders, seed)
	loc, _ := time.LoadLocation("America/New_York")
	first := time.Date(2026, 10, 1, 0, 0, 0, 0, loc)
	startDate := first.AddDate(0, 0, 4).Format(time.DateOnly)
	ctx := context.Background()
	a := w.apps[0]
	shop, err := a.Store.ShopByID(ctx, w.shop.ID)
	if err != nil {
		t.Fatal(err)
	}
	shop.Settings.StartDate = startDate
	shop.Settings.SalesMode = shopqb.Detail
	if err := a.Store.UpdateShop(ctx, shop); err != nil {
		t.Fatal(err)
	}
	w.setup()
	w.drain(300)
	if c := w.counts(); c[shopqb.Failed]+c[shopqb.Planned]+c[shopqb.InDoubt] != 0 {
		t.Fatalf("postings left: %v", c)
	}
	// The same documents the simulator serves (the generator is deterministic).
	data := shopifysim.Generate(shopifysim.GeneratorOptions{Seed: seed, Orders: orders, Days: 10, Start: first,
		Shop: shopifysim.Shop{Domain: "faults.myshopify.com", Name: "Faults", Currency: "USD", Timezone: loc.String()}})
	day := func(t time.Time) string { return t.In(loc).Format(time.DateOnly) }
	posted := map[string]*shopqb.Posting{}
	ps, err := a.Store.ListPostings(ctx, shopqb.PostingFilter{ShopID: w.shop.ID, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		posted[p.Key] = p
	}
	wantRefunds, early := 0, 0
	for _, o := range data.Orders {
		if o.Test {
			continue
		}
		before := day(o.ProcessedAt) < startDate
		if p := posted["order:"+num(o.ID)+":sale"]; before && p != nil {
			t.Errorf("order %s sold %s, before the start, was booked", o.Name, day(o.ProcessedAt))
		}
		for _, r := range o.Refunds {
			if len(r.RefundLineItems)+len(r.RefundShippingLines)+len(r.OrderAdjustments) == 0 || !movedMoney(r) {
				continue // pays back an edit (booked with it), or moved nothing
			}
			at := r.CreatedAt
			if r.ProcessedAt != nil {
				at = *r.ProcessedAt
			}
			p := posted["refund:"+num(r.ID)]
			switch {
			case day(at) < startDate && p != nil:
				t.Errorf("refund %s of order %s on %s, before the start, was booked", num(r.ID), o.Name, day(at))
			case day(at) >= startDate && p == nil:
				t.Errorf("refund %s of order %s on %s was not booked", num(r.ID), o.Name, day(at))
			case day(at) >= startDate:
				wantRefunds++
				if before {
					early++
				}
				if p.TxnDate != day(at) || p.State != shopqb.Done {
					t.Errorf("refund %s of order %s: posted %s dated %s, want done and dated %s", num(r.ID), o.Name, p.State, p.TxnDate, day(at))
				}
			}
		}
	}
	if early == 0 {
		t.Fatal("no refund on or after the start of a sale before it: nothing tested")
	}
	booked := 0
	for k := range posted {
		if strings.HasPrefix(k, "refund:") && !strings.Contains(k, ":payment:") {
			booked++
		}
	}
	if booked != wantRefunds {
		t.Errorf("%d refunds booked, want exactly %d", booked, wantRefunds)
	}
	// The bank holds exactly the payouts from the start date on.
	var bank money.Cents
	for _, po := range data.Payouts {
		if po.Status == "PAID" && day(po.IssuedAt) >= startDate {
			bank += shopifysim.PayoutSignedNet(po)
		}
	}
	var checking money.Cents
	for _, l := range w.company.TrialBalance() {
		if l.Account == shop.Settings.Mapping.Account(shopqb.Bank) {
			checking = l.Debit - l.Credit
		}
	}
	if checking != bank || bank == 0 {
		t.Errorf("bank in QuickBooks %s, Shopify paid out %s from %s", checking, bank, startDate)
	}
	t.Logf("started %s: %d refunds booked, %d of sales before the start; bank %s", startDate, wantRefunds, early, bank)
}

func num(gid string) string { return gid[strings.LastIndexByte(gid, '/')+1:] }

func movedMoney(r shopify.Refund) bool {
	for _, t := range r.Transactions {
		if t.Status == "SUCCESS" && t.Kind == "REFUND" && !t.Test && t.AmountSet.ShopMoney.Amount != 0 {
			return true
		}
	}
	return false
}
