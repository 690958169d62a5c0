package demo_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/cli"
	"github.com/shopqb/shopqb/internal/demo"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// testClock is the one clock of Shopify and shopqb in a world.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

var newYork = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return loc
}()

func nyDay(t time.Time) string { return t.In(newYork).Format("2006-01-02") }

// The clock of the late-change scenario, New York time: the generated
// orders are sold 1–10 October; everything is posted on the 12th; on the
// 13th Shopify receives what arrives late; on the 14th, after the 13th's
// grace period, its summary is posted.
var (
	postedAt  = time.Date(2026, 10, 12, 12, 0, 0, 0, newYork)
	lateAt    = time.Date(2026, 10, 13, 9, 0, 0, 0, newYork)
	nextDayAt = time.Date(2026, 10, 14, 4, 0, 0, 0, newYork)
	lateDay   = time.Date(2026, 10, 5, 15, 0, 0, 0, newYork)
)

// lateChanges is what reaches Shopify after the days it concerns were
// posted, made on a simulator whose clock stands at lateAt. Both worlds of
// a comparison apply it to simulators of the same seed, so they get the
// same documents.
type lateChanges struct {
	lateOrder, duties, refunded, edited shopify.Order
	refundDay                           string
}

func applyLateChanges(t *testing.T, w *world) lateChanges {
	t.Helper()
	var lc lateChanges
	data := w.sim.Data()
	orders := append([]shopify.Order(nil), data.Orders...)
	locationsOn := map[string]bool{} // POS locations that sold on the late day
	for _, o := range orders {
		if o.RetailLocation != nil && nyDay(o.ProcessedAt) == nyDay(lateDay) && o.CancelledAt == nil {
			locationsOn[o.RetailLocation.ID] = true
		}
	}
	// A POS order sold offline on the 5th, uploaded now, at a location whose
	// day was posted: the day's summary is adjusted.
	for i := 0; ; i++ {
		o, err := w.sim.GenerateOrder(lateDay, "pos")
		if err != nil {
			t.Fatal(err)
		}
		if locationsOn[o.RetailLocation.ID] && o.TotalPriceSet.ShopMoney.Amount > 0 {
			lc.lateOrder = o
			break
		}
		if i == 50 {
			t.Fatal("no late order at a location that sold on the late day")
		}
	}
	if err := w.sim.AddOrder(lc.lateOrder); err != nil {
		t.Fatal(err)
	}
	// A cross-border web order of the same day whose total includes duties
	// (Shopify's totalPriceSet does; shopqb reads no duties): it cannot be
	// booked exactly and must fail alone.
	duty := money.MustParse("15.00")
	d, err := w.sim.GenerateOrder(lateDay.Add(time.Hour), "web")
	if err != nil {
		t.Fatal(err)
	}
	d.TotalPriceSet.ShopMoney.Amount += duty
	d.TotalPriceSet.PresentmentMoney.Amount += duty
	for i := len(d.Transactions) - 1; i >= 0; i-- {
		if d.Transactions[i].Kind == "SALE" {
			d.Transactions[i].AmountSet.ShopMoney.Amount += duty
			d.Transactions[i].AmountSet.PresentmentMoney.Amount += duty
			break
		}
	}
	if err := w.sim.AddOrder(d); err != nil {
		t.Fatal(err)
	}
	lc.duties = d
	// A refund dated on a day whose refunds were posted, at the same
	// location, of an order sold before that day.
	for _, o := range orders {
		if lc.refunded.ID != "" {
			break
		}
		for _, r := range o.Refunds {
			day := nyDay(refundTime(r))
			if o.CancelledAt != nil || r.Note != "" || day <= "2026-10-02" || day > "2026-10-10" {
				continue
			}
			for _, c := range orders {
				if sameLocation(c, o) && nyDay(c.ProcessedAt) < day && len(c.Refunds) == 0 && c.CancelledAt == nil &&
					len(c.Agreements) == 1 && refundable(c) {
					lc.refunded, lc.refundDay = c, day
					break
				}
			}
			break
		}
	}
	if lc.refunded.ID == "" {
		t.Fatal("no order to refund late")
	}
	dated, _ := time.ParseInLocation("2006-01-02 15:04", lc.refundDay+" 12:00", newYork)
	for i := 0; ; i++ {
		if _, err := w.sim.RefundOrder(lc.refunded.ID, dated); err == nil {
			break
		} else if i == 20 {
			t.Fatalf("refund %s: %v", lc.refunded.Name, err)
		}
	}
	// An edit now of a POS order sold days ago: it books on the 13th.
	for _, o := range orders {
		if o.RetailLocation != nil && nyDay(o.ProcessedAt) >= "2026-10-06" && o.ID != lc.refunded.ID && o.CancelledAt == nil &&
			len(o.Refunds) == 0 && len(o.Agreements) == 1 {
			if err := w.sim.EditOrder(o.ID); err == nil {
				lc.edited = o
				break
			}
		}
	}
	if lc.edited.ID == "" {
		t.Fatal("no order to edit late")
	}
	return lc
}

func refundTime(r shopify.Refund) time.Time {
	if r.ProcessedAt != nil {
		return *r.ProcessedAt
	}
	return r.CreatedAt
}

func sameLocation(a, b shopify.Order) bool {
	if a.RetailLocation == nil || b.RetailLocation == nil {
		return a.RetailLocation == nil && b.RetailLocation == nil
	}
	return a.RetailLocation.ID == b.RetailLocation.ID
}

func refundable(o shopify.Order) bool {
	for _, li := range o.LineItems {
		if !li.IsGiftCard && li.CurrentQuantity > 0 {
			return o.TotalPriceSet.ShopMoney.Amount > 0
		}
	}
	return false
}

// dayBooks is each day's trial balance in a company, 1–14 October.
func dayBooks(w *world) map[string]string {
	out := map[string]string{}
	for d := time.Date(2026, 10, 1, 12, 0, 0, 0, newYork); !d.After(nextDayAt); d = d.AddDate(0, 0, 1) {
		day := d.Format("2006-01-02")
		var lines []string
		for _, l := range w.company.TrialBalanceFor(day, day) {
			lines = append(lines, fmt.Sprintf("  %s Dr %s Cr %s", l.Account, l.Debit, l.Credit))
		}
		out[day] = strings.Join(lines, "\n")
	}
	return out
}

func (w *world) sync() *shopqb.SyncRun {
	w.t.Helper()
	run, err := w.apps[0].Ingest.Sync(context.Background(), w.shop.ID, "test")
	if err != nil {
		w.t.Fatal(err)
	}
	return run
}

// TestLateChangesAreBooked: an order sold offline days ago, a refund dated
// in the past and an order edit reach Shopify after their days were posted
// to QuickBooks, with a cross-border order whose duties shopqb cannot book.
// Through the simulators and the Web Connector, in summary and in detail
// sales mode, QuickBooks ends with every day's books equal to those of a
// shop where everything was known before posting (whose books reconcile
// with Shopify's own totals), the adjustments are in the report, and the
// order with duties fails alone, named by `shopqb admin status`.
func TestLateChangesAreBooked(t *testing.T) {
	for _, mode := range []shopqb.Mode{shopqb.Summary, shopqb.Detail} {
		t.Run(string(mode), func(t *testing.T) { testLateChanges(t, mode) })
	}
}

func testLateChanges(t *testing.T, mode shopqb.Mode) {
	orders := 150
	if testing.Short() {
		orders = 80
	}
	settings := func(s *shopqb.Settings) { s.SalesMode = mode }

	// The late shop: posted first, the changes arrive after.
	lateClock := &testClock{t: postedAt}
	late := newWorldWith(t, worldOptions{dbURL: filepath.Join(t.TempDir(), "late.db"), processes: 1, orders: orders, seed: 21,
		now: lateClock.Now, settings: settings})
	late.setup()
	late.drain(200)
	if c := late.counts(); c[shopqb.Failed]+c[shopqb.Planned]+c[shopqb.InDoubt] != 0 {
		t.Fatalf("first posting left %v", c)
	}
	lateClock.Set(lateAt)
	lc := applyLateChanges(t, late)
	run := late.sync()
	late.drain(200)
	lateClock.Set(nextDayAt)
	late.sync()
	late.drain(200)

	// The shop where everything was in Shopify before anything was posted.
	onTimeClock := &testClock{t: lateAt}
	onTime := newWorldWith(t, worldOptions{dbURL: filepath.Join(t.TempDir(), "ontime.db"), processes: 1, orders: orders, seed: 21,
		now: onTimeClock.Now, settings: settings})
	if got := applyLateChanges(t, onTime); got.lateOrder.ID != lc.lateOrder.ID || got.refunded.ID != lc.refunded.ID || got.edited.ID != lc.edited.ID {
		t.Fatalf("the two shops differ: late %s %s %s, on time %s %s %s", lc.lateOrder.ID, lc.refunded.ID, lc.edited.ID,
			got.lateOrder.ID, got.refunded.ID, got.edited.ID)
	}
	onTimeClock.Set(nextDayAt)
	onTime.setup()
	onTime.drain(200)

	// Every day's books are those of the shop that knew everything in time.
	want, got := dayBooks(onTime), dayBooks(late)
	if want[nyDay(lateDay)] == "" || want[lc.refundDay] == "" || want[nyDay(lateAt)] == "" {
		t.Fatalf("no books on %s, %s or %s", nyDay(lateDay), lc.refundDay, nyDay(lateAt))
	}
	for day, w := range want {
		if got[day] != w {
			t.Errorf("%s in QuickBooks after the late changes:\n%s\nwith everything known in time:\n%s", day, got[day], w)
		}
	}
	ctx := context.Background()
	rep, err := demo.BuildReport(ctx, late.apps[0], late.shop, late.sim, late.company)
	if err != nil {
		t.Fatal(err)
	}
	onTimeRep, err := demo.BuildReport(ctx, onTime.apps[0], onTime.shop, onTime.sim, onTime.company)
	if err != nil {
		t.Fatal(err)
	}
	var summary bytes.Buffer
	demo.PrintSummary(&summary, rep)
	if rep.Differences != 0 || onTimeRep.Differences != 0 || rep.TotalDebit != rep.TotalCredit {
		t.Errorf("reconciliation with Shopify's totals: %d differences late, %d on time\n%s", rep.Differences, onTimeRep.Differences, summary.String())
	}

	// The order with duties failed alone, with its reason; the late order of
	// the same day was booked.
	var failed []demo.FailureRow
	for _, f := range rep.Failures {
		if f.State == string(shopqb.Failed) {
			failed = append(failed, f)
		}
	}
	dutiesKey := "order:" + lc.duties.LegacyResourceID + ":sale"
	if len(failed) != 1 || failed[0].Key != dutiesKey || !strings.Contains(failed[0].Message, "total") || !strings.Contains(failed[0].Message, lc.duties.Name) {
		t.Fatalf("failures %+v, want only %s with its reason", rep.Failures, dutiesKey)
	}
	if c := late.counts(); c[shopqb.Planned]+c[shopqb.InDoubt]+c[shopqb.Sent] != 0 {
		t.Errorf("outbox left %v", c)
	}
	if run.Counts["documents_failed"] != 1 {
		t.Errorf("the late sync counted %d failed documents: %v", run.Counts["documents_failed"], run.Counts)
	}
	var status bytes.Buffer
	m := &cli.Main{Stdout: &status, Stderr: &status, Getenv: func(string) string { return "" }}
	if code := m.Run(ctx, []string{"admin", "status", "--database", late.dbURL, "--key-file", late.keyFile, "--shop", late.shop.Domain}); code != 0 {
		t.Fatalf("admin status exit %d: %s", code, status.String())
	}
	if !strings.Contains(status.String(), "failed "+dutiesKey) || !strings.Contains(status.String(), lc.duties.Name) {
		t.Errorf("admin status does not name the failed order %s:\n%s", lc.duties.Name, status.String())
	}

	// A retry re-checks the order against Shopify (a sync plans it again)
	// rather than queueing a posting that has no request; it still does
	// not add up, so it stays failed with its reason.
	retried, err := late.apps[0].Admin.RetryFailed(ctx, late.shop.ID, "test")
	if err != nil || retried.Rechecked != 1 || retried.Queued != 0 {
		t.Errorf("retry of the failed document: %+v, %v", retried, err)
	}
	if p, err := late.apps[0].Store.PostingByKey(ctx, late.shop.ID, dutiesKey); err != nil || p.State != shopqb.Failed || p.ErrorClass != shopqb.ErrorClassDocument {
		t.Errorf("the failed document after the retry: %+v, %v", p, err)
	}

	// In summary mode the late order and the late refund adjust their days'
	// posted summaries, and the report shows each with what it moved.
	if mode == shopqb.Summary {
		var sales, refunds, cogs bool
		for _, a := range rep.Adjustments {
			if a.Original == "" || a.OriginalRef == "" || len(a.ByAccount) == 0 || !strings.Contains(a.Key, ":adj:") || a.State != string(shopqb.Done) {
				t.Errorf("adjustment %+v lacks what a bookkeeper needs", a)
			}
			var sum money.Cents
			for _, m := range a.ByAccount {
				sum += m.Amount
			}
			if sum != 0 {
				t.Errorf("adjustment %s does not balance: %+v", a.Key, a.ByAccount)
			}
			switch {
			case a.Date == nyDay(lateDay) && a.Kind == "SalesReceiptAdd":
				sales = strings.Contains(strings.Join(a.Orders, " "), lc.lateOrder.Name)
			case a.Date == lc.refundDay && a.Kind == "CreditMemoAdd":
				refunds = true
			case a.Date == nyDay(lateDay) && a.Kind == "JournalEntryAdd":
				cogs = true
			}
		}
		if !sales || !refunds || !cogs {
			t.Errorf("adjustments in the report (sales of %s %v, refunds of %s %v, cost of goods %v):\n%s",
				nyDay(lateDay), sales, lc.refundDay, refunds, cogs, summary.String())
		}
		if run.Counts["adjustments"] == 0 {
			t.Errorf("the late sync counted no adjustments: %v", run.Counts)
		}
		if !strings.Contains(summary.String(), "Adjustments") {
			t.Errorf("the printed report shows no adjustments:\n%s", summary.String())
		}
	}
	if testing.Verbose() {
		t.Log(summary.String())
	}
	t.Logf("%s mode: %d adjustments, %d drifts recorded; late order %s, refund of %s dated %s, edit of %s, duties order %s failed alone",
		mode, len(rep.Adjustments), len(rep.Drifts), lc.lateOrder.Name, lc.refunded.Name, lc.refundDay, lc.edited.Name, lc.duties.Name)
}
