package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/qbdsim"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
)

// ReportVersion is bumped only when a field changes meaning or disappears;
// fields are only ever added. The format is documented in docs/report.md.
const ReportVersion = 1

// Report is the demo's JSON report.
type Report struct {
	Version        int            `json:"version"`
	Shop           string         `json:"shop"`
	Options        OptionsView    `json:"options"`
	Shopify        ShopifyView    `json:"shopify"`
	QuickBooks     QuickBooksView `json:"quickbooks"`
	Postings       PostingsView   `json:"postings"`
	WebConnector   WCView         `json:"webConnector"`
	TrialBalance   []TBRow        `json:"trialBalance"`
	TotalDebit     money.Cents    `json:"totalDebit"`
	TotalCredit    money.Cents    `json:"totalCredit"`
	Reconciliation []ReconRow     `json:"reconciliation"`
	// Differences counts reconciliation rows whose difference is not zero.
	Differences int `json:"differences"`
	// HeldBack are the days whose summaries shopqb holds back until the
	// shop's day has ended plus the grace period, so late sales of the day
	// land in them: not yet in QuickBooks by design, so the reconciliation
	// shows their amounts apart (ReconRow.HeldBack), not as differences.
	HeldBack []HeldDayRow `json:"heldBack"`
	// SalesTax is QuickBooks' sales-tax liability per tax item.
	SalesTax     []qbdsim.TaxLiability `json:"salesTax"`
	Lists        map[string]int        `json:"listCounts"`
	Transactions map[string]int        `json:"transactionCounts"`
	Failures     []FailureRow          `json:"failures"`
	// Adjustments are the transactions booked because Shopify changed after
	// what they adjust was posted: a late order or refund for a day already
	// in QuickBooks, an edit after its receipt.
	Adjustments []AdjustmentRow `json:"adjustments"`
	// Drifts are planned changes to postings QuickBooks already held, as
	// recorded when they were found (never applied to the posting itself).
	Drifts         []DriftRow `json:"drifts"`
	DurationMillis int64      `json:"durationMillis"`
}

// OptionsView echoes what the demo ran with.
type OptionsView struct {
	Orders        int    `json:"orders"`
	Days          int    `json:"days"`
	Seed          int64  `json:"seed"`
	StartDate     string `json:"startDate"`
	SalesMode     string `json:"salesMode"`
	CustomersMode string `json:"customersMode"`
	InventoryMode string `json:"inventoryMode"`
	VendorsMode   string `json:"vendorsMode"`
	Edition       string `json:"edition"`
	Faults        string `json:"faults,omitempty"`
}

// ShopifyView counts what was read.
type ShopifyView struct {
	OrdersRead int         `json:"ordersRead"`
	Orders     int         `json:"orders"`
	Refunds    int         `json:"refunds"`
	Payouts    int         `json:"payouts"`
	TotalPrice money.Cents `json:"totalPrice"`
	Tax        money.Cents `json:"tax"`
	// Tips is Σ totalTipReceivedSet; TipLines the tip line items carrying
	// it and TipsRefunded the refund lines giving a tip back.
	Tips         money.Cents `json:"tips"`
	TipLines     int         `json:"tipLines"`
	TipsRefunded int         `json:"tipsRefunded"`
	// RefundsOfEarlierSales are refunds on or after the start date of
	// orders processed before it: booked at the refund, the sale not.
	RefundsOfEarlierSales int `json:"refundsOfEarlierSales"`
}

// QuickBooksView is what the preflight found.
type QuickBooksView struct {
	Product      string   `json:"product"`
	Edition      string   `json:"edition"`
	QBXMLVersion string   `json:"qbxmlVersion"`
	CompanyFile  string   `json:"companyFile"`
	Problems     []string `json:"problems"`
}

// PostingsView counts the outbox.
type PostingsView struct {
	Planned int            `json:"planned"`
	Sent    int            `json:"sent"`
	Done    int            `json:"done"`
	Failed  int            `json:"failed"`
	InDoubt int            `json:"inDoubt"`
	Total   int            `json:"total"`
	ByKind  map[string]int `json:"byKind"`
}

// WCView counts the Web Connector's work.
type WCView struct {
	Sessions         int `json:"sessions"`
	RoundTrips       int `json:"roundTrips"`
	Requests         int `json:"requests"`
	LostResponses    int `json:"lostResponses"`
	ConnectionErrors int `json:"connectionErrors"`
	TransportErrors  int `json:"transportErrors"`
}

// TBRow is one trial-balance line.
type TBRow struct {
	Account string      `json:"account"`
	Type    string      `json:"type"`
	Debit   money.Cents `json:"debit"`
	Credit  money.Cents `json:"credit"`
}

// ReconRow compares one mapping category's account in QuickBooks with
// Shopify's own figure (debit positive).
type ReconRow struct {
	Category   string      `json:"category"`
	Account    string      `json:"account"`
	QuickBooks money.Cents `json:"quickbooks"`
	Shopify    money.Cents `json:"shopify"`
	// HeldBack is what the held-back days' summaries will book on the
	// account once they are due (Report.HeldBack).
	HeldBack money.Cents `json:"heldBack"`
	// Difference is QuickBooks plus HeldBack less Shopify: what is wrong,
	// not what is waiting.
	Difference money.Cents `json:"difference"`
}

// HeldDayRow is one shop day whose summaries are held back, and when they
// are planned (RFC 3339, in the shop's zone).
type HeldDayRow struct {
	Date  string `json:"date"`
	Until string `json:"until"`
}

// FailureRow is a posting that did not make it, with the reason.
type FailureRow struct {
	Key     string `json:"key"`
	Kind    string `json:"kind"`
	State   string `json:"state"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// AdjustmentRow is one adjusting transaction: which original it adjusts,
// the day both are dated, and the difference it books by account.
type AdjustmentRow struct {
	Key         string `json:"key"`
	Kind        string `json:"kind"`
	RefNumber   string `json:"refNumber"`
	State       string `json:"state"`
	Date        string `json:"date"`
	Original    string `json:"original"`
	OriginalRef string `json:"originalRef"`
	// Orders are the Shopify orders the difference comes from, when known.
	Orders []string `json:"orders,omitempty"`
	// ByAccount is the difference, debit positive, per QuickBooks account.
	ByAccount []AccountAmount `json:"byAccount"`
}

// AccountAmount is an amount on one account, debit positive.
type AccountAmount struct {
	Account string      `json:"account"`
	Amount  money.Cents `json:"amount"`
}

// DriftRow is one recorded change to a posting QuickBooks held.
type DriftRow struct {
	Key string `json:"key"`
	// State is the posting's state when the change was found, or
	// "withdrawn" for an unsent adjustment no longer needed.
	State      string `json:"state"`
	DetectedAt string `json:"detectedAt"`
}

func optionsView(o Options, start string) OptionsView {
	v := OptionsView{Orders: o.Orders, Days: o.Days, Seed: o.Seed, StartDate: start, SalesMode: string(o.SalesMode),
		CustomersMode: string(o.CustomersMode), InventoryMode: string(o.InventoryMode), VendorsMode: string(o.VendorsMode), Edition: o.Edition}
	f := o.Faults
	if f.LoseResponseRate+f.ConnectionErrorRate+f.BusyRate+f.LockErrorRate > 0 || f.PerRequestLatency > 0 || f.PerRoundTripLatency > 0 {
		v.Faults = fmt.Sprintf("lose=%g conn=%g busy=%g lock=%g request=%s roundtrip=%s seed=%d", f.LoseResponseRate, f.ConnectionErrorRate, f.BusyRate, f.LockErrorRate, f.PerRequestLatency, f.PerRoundTripLatency, f.Seed)
	}
	return v
}

// BuildReport reports on a shop synced from sim into company by a: the
// outbox, the books, the reconciliation with Shopify's totals, the
// adjustments and failures. The demo's report is this; tests that run their
// own simulators read the same one.
func BuildReport(ctx context.Context, a *app.App, shop *shopqb.Shop, sim *shopifysim.Sim, company *qbdsim.Company) (*Report, error) {
	rep := &Report{Version: ReportVersion, Shop: shop.Domain}
	if err := fillReport(ctx, rep, a, shop, sim, company); err != nil {
		return nil, err
	}
	return rep, nil
}

// PrintSummary writes the report's plain-text summary, as the demo prints it.
func PrintSummary(w io.Writer, r *Report) { printSummary(w, r) }

func fillReport(ctx context.Context, rep *Report, a *app.App, shop *shopqb.Shop, sim *shopifysim.Sim, company *qbdsim.Company) error {
	shop, err := a.Store.ShopByID(ctx, shop.ID)
	if err != nil {
		return err
	}
	totals := sim.Totals()
	rep.Shopify.Orders, rep.Shopify.Refunds, rep.Shopify.Payouts = totals.Orders, totals.Refunds, len(totals.PayoutNets)
	rep.Shopify.TotalPrice, rep.Shopify.Tax = totals.TotalPrice, totals.Tax
	rep.Shopify.Tips, rep.Shopify.TipLines, rep.Shopify.TipsRefunded = totals.Tips, totals.TipLines, totals.TipRefunds
	rep.Shopify.RefundsOfEarlierSales = refundsOfEarlierSales(sim.Data(), shop)
	if runs, err := a.Store.SyncRuns(ctx, shop.ID, 100); err == nil {
		// The start's check reads the shop once; syncs after it read
		// what changed since (with an overlap), so the sum counts re-reads.
		for _, r := range runs {
			rep.Shopify.OrdersRead += r.Counts["orders_read"]
		}
	}
	rep.Postings.ByKind = map[string]int{}
	byKey := map[string]*shopqb.Posting{}
	var adjusting []*shopqb.Posting
	after := int64(0)
	for {
		ps, err := a.Store.ListPostings(ctx, shopqb.PostingFilter{ShopID: shop.ID, AfterID: after, Limit: 1000})
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			break
		}
		for _, p := range ps {
			after = p.ID
			byKey[p.Key] = p
			if p.BaseKey != "" {
				adjusting = append(adjusting, p)
			}
			rep.Postings.Total++
			rep.Postings.ByKind[p.Kind]++
			switch p.State {
			case shopqb.Planned:
				rep.Postings.Planned++
			case shopqb.Sent:
				rep.Postings.Sent++
			case shopqb.Done:
				rep.Postings.Done++
			case shopqb.Failed:
				rep.Postings.Failed++
			case shopqb.InDoubt:
				rep.Postings.InDoubt++
			}
			if p.State != shopqb.Done {
				rep.Failures = append(rep.Failures, FailureRow{Key: p.Key, Kind: p.Kind, State: string(p.State), Code: p.ErrorCode, Message: p.ErrorMessage})
			}
		}
	}
	if err := fillAdjustments(ctx, rep, a, shop, byKey, adjusting); err != nil {
		return err
	}
	qr := company.Report()
	balance := map[string]money.Cents{}
	for _, l := range qr.TrialBalance {
		rep.TrialBalance = append(rep.TrialBalance, TBRow{Account: l.Account, Type: l.AccountType, Debit: l.Debit, Credit: l.Credit})
		rep.TotalDebit += l.Debit
		rep.TotalCredit += l.Credit
		balance[strings.ToLower(l.Account)] = l.Debit - l.Credit
	}
	rep.SalesTax, rep.Lists, rep.Transactions = qr.SalesTax, qr.Lists, qr.Transactions

	expected, held, err := expectedTotals(ctx, a, shop, rep)
	if err != nil {
		return fmt.Errorf("reconciliation: %w", err)
	}
	// Several categories may share one account (gift cards sold and redeemed):
	// compare per account, listing each category under it.
	byAccount, heldByAccount := map[string]money.Cents{}, map[string]money.Cents{}
	cats := map[shopqb.Category]bool{}
	for c := range expected.ByCategory {
		cats[c] = true
	}
	for c := range held {
		cats[c] = true
		heldByAccount[strings.ToLower(shop.Settings.Mapping.Account(c))] += held[c]
	}
	for c := range shop.Settings.Mapping {
		cats[c] = true
	}
	for c := range cats {
		byAccount[strings.ToLower(shop.Settings.Mapping.Account(c))] += expected.ByCategory[c]
	}
	names := make([]string, 0, len(cats))
	for c := range cats {
		names = append(names, string(c))
	}
	sort.Strings(names)
	for _, n := range names {
		c := shopqb.Category(n)
		acct := shop.Settings.Mapping.Account(c)
		key := strings.ToLower(acct)
		row := ReconRow{Category: n, Account: acct, QuickBooks: balance[key], Shopify: byAccount[key], HeldBack: heldByAccount[key]}
		row.Difference = row.QuickBooks + row.HeldBack - row.Shopify
		if row.QuickBooks == 0 && row.Shopify == 0 && row.HeldBack == 0 && expected.ByCategory[c] == 0 {
			continue
		}
		if row.Difference != 0 {
			rep.Differences++
		}
		rep.Reconciliation = append(rep.Reconciliation, row)
	}
	return nil
}

// refundsOfEarlierSales counts the refunds, on or after the shop's start
// date, of orders processed before it (test orders left out).
func refundsOfEarlierSales(d *shopifysim.Data, shop *shopqb.Shop) int {
	start := shop.Settings.StartDate
	if start == "" {
		return 0
	}
	loc, err := time.LoadLocation(shop.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	day := func(t time.Time) string { return t.In(loc).Format(time.DateOnly) }
	n := 0
	for _, o := range d.Orders {
		if o.Test || day(o.ProcessedAt) >= start {
			continue
		}
		for _, r := range o.Refunds {
			at := r.CreatedAt
			if r.ProcessedAt != nil {
				at = *r.ProcessedAt
			}
			if day(at) >= start {
				n++
			}
		}
	}
	return n
}

// fillAdjustments lists the adjusting transactions with what they moved and
// the recorded drift, so a bookkeeper sees every change after posting.
func fillAdjustments(ctx context.Context, rep *Report, a *app.App, shop *shopqb.Shop, byKey map[string]*shopqb.Posting, adjusting []*shopqb.Posting) error {
	rep.Adjustments, rep.Drifts = []AdjustmentRow{}, []DriftRow{}
	for _, p := range adjusting {
		if p.Content == "" {
			// A refund paying out an adjusting credit memo: what it moves is
			// in the memo's row.
			continue
		}
		row := AdjustmentRow{Key: p.Key, Kind: p.Kind, RefNumber: p.RefNumber, State: string(p.State), Date: p.TxnDate, Original: p.BaseKey}
		if o := byKey[p.BaseKey]; o != nil {
			row.OriginalRef = o.RefNumber
		}
		b, err := planner.BookedBy(p.Kind, p.Content)
		if err != nil {
			return fmt.Errorf("adjustment %s: %w", p.Key, err)
		}
		row.Orders = b.Orders
		byAcct := map[string]money.Cents{}
		for c, amt := range b.ByCategory {
			byAcct[shop.Settings.Mapping.Account(c)] += amt
		}
		for _, acct := range sortedAccounts(byAcct) {
			if byAcct[acct] != 0 {
				row.ByAccount = append(row.ByAccount, AccountAmount{Account: acct, Amount: byAcct[acct]})
			}
		}
		rep.Adjustments = append(rep.Adjustments, row)
	}
	sort.Slice(rep.Adjustments, func(i, j int) bool {
		x, y := rep.Adjustments[i], rep.Adjustments[j]
		if x.Date != y.Date {
			return x.Date < y.Date
		}
		return x.Key < y.Key
	})
	drifts, err := a.Store.Drifts(ctx, shop.ID, 0)
	if err != nil {
		return err
	}
	for _, d := range drifts {
		rep.Drifts = append(rep.Drifts, DriftRow{Key: d.Key, State: string(d.State), DetectedAt: d.DetectedAt.UTC().Format(time.RFC3339)})
	}
	return nil
}

func sortedAccounts(m map[string]money.Cents) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// expectedTotals asks the planner what Shopify's own totals say the books
// must show, over every order and payout read; and, when the last sync held
// days back (ingest.Service.HeldDays, listed in rep.HeldBack), what their
// summaries will book per category: the plan of every day less the plan
// without the held days.
func expectedTotals(ctx context.Context, a *app.App, shop *shopqb.Shop, rep *Report) (planner.Totals, map[shopqb.Category]money.Cents, error) {
	in, err := plannerInput(ctx, a, shop)
	if err != nil {
		return planner.Totals{}, nil, err
	}
	plan, err := planner.Build(in)
	if err != nil {
		return planner.Totals{}, nil, err
	}
	days, err := a.Ingest.HeldDays(ctx, shop.ID)
	if err != nil {
		return planner.Totals{}, nil, err
	}
	rep.HeldBack = []HeldDayRow{}
	if len(days) == 0 {
		return plan.Expected, nil, nil
	}
	loc, err := time.LoadLocation(shop.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	heldDay := map[string]bool{}
	for _, d := range days {
		heldDay[d] = true
		t, err := time.ParseInLocation(time.DateOnly, d, loc)
		if err != nil {
			return planner.Totals{}, nil, fmt.Errorf("held day %q: %w", d, err)
		}
		rep.HeldBack = append(rep.HeldBack, HeldDayRow{Date: d, Until: shop.Settings.SummaryDue(t).Format(time.RFC3339)})
	}
	// Every day that may hold a booking, but the held ones: from the
	// earliest order to the day after the last held day or today, whichever
	// is later.
	in.Days = map[string]bool{}
	first, last := days[0], days[len(days)-1]
	if today := time.Now().In(loc).Format(time.DateOnly); today > last {
		last = today
	}
	for _, o := range in.Orders {
		if d := o.ProcessedAt.In(loc).Format(time.DateOnly); d < first {
			first = d
		}
	}
	day, err := time.ParseInLocation(time.DateOnly, first, loc)
	if err != nil {
		return planner.Totals{}, nil, err
	}
	end, err := time.ParseInLocation(time.DateOnly, last, loc)
	if err != nil {
		return planner.Totals{}, nil, err
	}
	for ; !day.After(end.AddDate(0, 0, 1)); day = day.AddDate(0, 0, 1) {
		if d := day.Format(time.DateOnly); !heldDay[d] {
			in.Days[d] = true
		}
	}
	open, err := planner.Build(in)
	if err != nil {
		return planner.Totals{}, nil, err
	}
	held := map[shopqb.Category]money.Cents{}
	for c, amt := range plan.Ledger.ByCategory {
		held[c] += amt
	}
	for c, amt := range open.Ledger.ByCategory {
		held[c] -= amt
	}
	return plan.Expected, held, nil
}

// plannerInput is every order, payout and variant read, as the planner
// takes them.
func plannerInput(ctx context.Context, a *app.App, shop *shopqb.Shop) (planner.Input, error) {
	pre, err := a.Engine.LoadPreflight(ctx, shop.ID)
	if err != nil {
		return planner.Input{}, err
	}
	var in planner.Input
	in.Shop = *shop
	in.Company = ingest.CompanyOf(pre)
	in.Variants = map[string]shopify.ProductVariant{}
	err = a.Store.EachLatestSnapshot(ctx, shop.ID, "order", func(s *shopqb.Snapshot) error {
		var o shopify.Order
		if err := json.Unmarshal(s.Body, &o); err != nil {
			return err
		}
		// Every order: the planner books the refunds and edits, on or
		// after the start date, of orders processed before it.
		in.Orders = append(in.Orders, o)
		return nil
	})
	if err != nil {
		return planner.Input{}, err
	}
	err = a.Store.EachLatestSnapshot(ctx, shop.ID, "payout", func(s *shopqb.Snapshot) error {
		var p shopify.Payout
		if err := json.Unmarshal(s.Body, &p); err != nil {
			return err
		}
		in.Payouts = append(in.Payouts, p)
		return nil
	})
	if err != nil {
		return planner.Input{}, err
	}
	err = a.Store.EachLatestSnapshot(ctx, shop.ID, "variant", func(s *shopqb.Snapshot) error {
		var v shopify.ProductVariant
		if err := json.Unmarshal(s.Body, &v); err != nil {
			return err
		}
		in.Variants[v.ID] = v
		return nil
	})
	if err != nil {
		return planner.Input{}, err
	}
	return in, nil
}

func printSummary(w io.Writer, r *Report) {
	o := r.Options
	fmt.Fprintf(w, "shopqb demo: %s, %d orders over the last %d days (seed %d), booked from %s\n", r.Shop, o.Orders, o.Days, o.Seed, o.StartDate)
	fmt.Fprintf(w, "  into %s (qbXML %s); modes: sales %s, customers %s, inventory %s, vendors %s\n",
		r.QuickBooks.Product, r.QuickBooks.QBXMLVersion, o.SalesMode, o.CustomersMode, o.InventoryMode, o.VendorsMode)
	if o.Faults != "" {
		fmt.Fprintf(w, "  faults: %s\n", o.Faults)
	}
	fmt.Fprintf(w, "\nShopify         %d orders read (%d orders, %d refunds, %d payouts in the shop)\n", r.Shopify.OrdersRead, r.Shopify.Orders, r.Shopify.Refunds, r.Shopify.Payouts)
	fmt.Fprintf(w, "                tips %s on %d tip lines, %d refunded; %d refunds of sales before the start date\n",
		r.Shopify.Tips, r.Shopify.TipLines, r.Shopify.TipsRefunded, r.Shopify.RefundsOfEarlierSales)
	fmt.Fprintf(w, "Postings        %d planned: %d done, %d failed, %d in doubt, %d waiting\n", r.Postings.Total, r.Postings.Done, r.Postings.Failed, r.Postings.InDoubt, r.Postings.Planned+r.Postings.Sent)
	per := 0.0
	if r.WebConnector.RoundTrips > 0 {
		per = float64(r.Postings.Done) / float64(r.WebConnector.RoundTrips)
	}
	fmt.Fprintf(w, "Web Connector   %d sessions, %d round trips (%.1f postings per round trip), %d lost responses, %d connection errors\n",
		r.WebConnector.Sessions, r.WebConnector.RoundTrips, per, r.WebConnector.LostResponses, r.WebConnector.ConnectionErrors)
	fmt.Fprintf(w, "\nTrial balance of the QuickBooks company\n")
	fmt.Fprintf(w, "  %-36s %14s %14s\n", "Account", "Debit", "Credit")
	for _, l := range r.TrialBalance {
		fmt.Fprintf(w, "  %-36s %14s %14s\n", l.Account, blankZero(l.Debit), blankZero(l.Credit))
	}
	fmt.Fprintf(w, "  %-36s %14s %14s\n", "Total", r.TotalDebit, r.TotalCredit)
	fmt.Fprintf(w, "\nReconciliation  %d categories compared with Shopify's totals, %d differences\n", len(r.Reconciliation), r.Differences)
	for _, row := range r.Reconciliation {
		switch {
		case row.Difference != 0:
			fmt.Fprintf(w, "  %-28s %-28s QuickBooks %s, held back %s, Shopify %s, difference %s\n", row.Category, row.Account, row.QuickBooks, row.HeldBack, row.Shopify, row.Difference)
		case row.HeldBack != 0:
			fmt.Fprintf(w, "  %-28s %-28s QuickBooks %s, held back %s, Shopify %s\n", row.Category, row.Account, row.QuickBooks, row.HeldBack, row.Shopify)
		}
	}
	for _, h := range r.HeldBack {
		until := h.Until
		if t, err := time.Parse(time.RFC3339, h.Until); err == nil {
			until = t.Format("2006-01-02 15:04 -07:00")
		}
		fmt.Fprintf(w, "Held back       %s until %s: its day summaries wait for late sales of the day, then post (not a difference)\n", h.Date, until)
	}
	if len(r.Adjustments) > 0 {
		fmt.Fprintf(w, "\nAdjustments     %d transactions booked for changes in Shopify after the original was posted\n", len(r.Adjustments))
		for _, a := range r.Adjustments {
			var moves []string
			for _, m := range a.ByAccount {
				moves = append(moves, fmt.Sprintf("%s %s", m.Account, m.Amount))
			}
			orders := ""
			if len(a.Orders) > 0 {
				orders = " (orders " + strings.Join(a.Orders, " ") + ")"
			}
			fmt.Fprintf(w, "  %s %s %s adjusts %s %s%s: %s\n", a.Date, a.RefNumber, a.Key, cmpOr(a.OriginalRef, "-"), a.Original, orders, strings.Join(moves, ", "))
		}
	}
	if len(r.Drifts) > 0 {
		fmt.Fprintf(w, "Drift           %d planned changes to postings QuickBooks held were recorded, not applied\n", len(r.Drifts))
	}
	for i, f := range r.Failures {
		if i == 10 {
			fmt.Fprintf(w, "  … and %d more\n", len(r.Failures)-10)
			break
		}
		fmt.Fprintf(w, "  not posted: %s (%s, %s) %s\n", f.Key, f.State, f.Code, f.Message)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func blankZero(c money.Cents) string {
	if c == 0 {
		return ""
	}
	return c.String()
}
