package planner

import (
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// Input is everything a plan is computed from. It is plain data so Build can
// stay pure: the sync engine reads snapshots and QuickBooks' preflight answers
// and hands them over; nothing here is fetched.
type Input struct {
	// Shop gives the settings (modes, mapping, class per location), the time
	// zone transactions are dated in, and the FileID ExternalGUIDs derive from.
	Shop shopqb.Shop
	// Company is what QuickBooks' preflight said about the company file.
	Company Company
	// Orders carry their refunds, transactions and agreements.
	Orders         []shopify.Order
	Payouts        []shopify.Payout
	PurchaseOrders []shopify.PurchaseOrder
	// Variants by variant GID, with inventoryItem.unitCost captured when the
	// orders were read (COGS in summary inventory mode, item costs).
	Variants map[string]shopify.ProductVariant
	// Names are the QuickBooks names (and reference numbers) assigned to keys in
	// earlier plans. They win over anything computed now, so a name never
	// changes between plans.
	Names map[string]string
	// Book, when set, finds the names of earlier plans instead of Names
	// (which is then ignored), and Plan.Names is only what this plan gave or
	// kept: the caller adds it to the book (NameBook.Add) and stores it.
	Book *NameBook
	// Posted are postings QuickBooks holds, or may hold, for transactions
	// this plan produces, in another form than planned now, with all their
	// adjustments (store.PostedFor). Each such transaction is planned as an
	// adjustment booking the difference (drift.go). Nil plans everything
	// as new.
	Posted []*shopqb.Posting
	// Days, when not nil, are the days whose summaries (summary sales and
	// refunds, the daily cost of goods) this plan may produce: the caller
	// promises Orders holds every order with a sale, refund or edit on each
	// of them. A summary planned from part of a day would book the rest of
	// the day as a change. Nil means Orders is the whole shop.
	Days map[string]bool
	// Now, when set, holds a day's summaries back until the shop's day has
	// ended plus Settings.SummaryGrace (Plan.HeldBack lists them). Zero
	// plans every day.
	Now time.Time
	// More says that more orders of Days follow in later calls: a day too
	// big for one call is planned in parts, each part's orders following
	// the last part's in sortOrders' order (processing time, then id). A
	// part plans its orders' own documents and, instead of the day
	// summaries, hands what they add to them on in Plan.Carry; the last
	// part (More false) plans the summaries from all of it. Carry is the
	// previous part's Plan.Carry, nil for the first.
	More  bool
	Carry *DayCarry
}

// Company is the QuickBooks company file as the preflight queries saw it.
type Company struct {
	// Edition is "pro", "premier" or "enterprise"; the first two cap lists at 14,500.
	Edition string
	// ExistingNames counts customers+vendors+employees+other names already in the file.
	ExistingNames int
	// ExistingItems counts items of every type already in the file.
	ExistingItems int
	// ClassTracking is PreferencesRet's IsUsingClassTracking.
	ClassTracking bool
	// ZeroRateTaxItem is the company's most common sales-tax item, verified to be 0 %.
	// It goes in every receipt header so QuickBooks never computes tax itself.
	ZeroRateTaxItem string
	// TaxAgency is the vendor the company's existing sales-tax items pay (from
	// ItemSalesTaxQuery's TaxVendorRef). New tax items pay it too; when it is
	// empty shopqb adds a "Sales Tax Agency" vendor, because QuickBooks
	// refuses a sales-tax item without one.
	TaxAgency string
	// Accounts are the full names of accounts that exist; mapped accounts not
	// listed get an AccountAdd posting.
	Accounts []string
	// KnownNames are list names QuickBooks already holds (customers, vendors,
	// items, payment methods, classes). A planned list record whose name is
	// known is linked to the existing record instead of being added again.
	KnownNames []string
	// KnownItems are the existing items with their type and account (from
	// the preflight's item list). A known item is linked only when it is of
	// the type and on the account shopqb's own would be; a same-name item of
	// another kind (a Service item "Shipping" on a labour income account)
	// makes the planner choose a distinct name instead.
	KnownItems []KnownItem
}

// KnownItem is an item the company file already has.
type KnownItem struct {
	Name string
	// Type is the item type without Ret: "ItemService", "ItemOtherCharge",
	// "ItemSalesTaxGroup", …
	Type string
	// Account is the full name of the account the item books to, "" when
	// it has none or QuickBooks did not say.
	Account string
}

// Plan is the result of Build: the postings to send, the names they use, and
// what Shopify's own totals say the books must show.
type Plan struct {
	// Postings are list records first (by key), then transactions by date and
	// key. State is left empty: the sync engine owns it.
	Postings []*shopqb.Posting
	// Names maps every list key (and "refnumber:<posting key>") to the name
	// assigned: Input.Names plus what this plan added. With Input.Book it is
	// only the names this plan gave or kept, for NameBook.Add.
	Names map[string]string
	// Expected is computed from Shopify's figures (order totals, transactions,
	// refunds, payouts, unit costs and received purchase orders),
	// independently of the planned lines, for the reconciliation report. COGS
	// and inventory asset are included only in summary inventory mode: in
	// detail mode QuickBooks values them itself at its average cost.
	Expected Totals
	// Ledger is the debit/credit effect of the postings by category, debit
	// positive, as QuickBooks will book them (COGS of inventory items, which
	// QuickBooks computes itself, excluded). It also holds the unmapped
	// category "accounts_receivable", which credit memos and refunds pass
	// through and which nets to zero.
	Ledger Totals
	// Warnings are things the merchant should know that did not stop the plan.
	Warnings []string
	// NewNames and NewItems count the names (customers, vendors) and items
	// this plan adds to QuickBooks. A caller planning a shop in parts adds
	// them to Company.ExistingNames/ExistingItems for the next part, so the
	// 14,500 limit is checked against the whole.
	NewNames, NewItems int
	// Carry is, for a part of a day with more to follow (Input.More), what
	// its orders add to the day summaries: the next part's Input.Carry.
	Carry *DayCarry
	// HeldBack are the days whose summaries wait for the day to end (Now):
	// the caller plans them again later.
	HeldBack []string
	// Adjusted counts transactions QuickBooks held in another form than
	// planned now (drift), each booked by an adjustment when there was a
	// difference left.
	Adjusted int
	// Withdrawn are unsent adjustments no longer needed (store.WithdrawPostings).
	Withdrawn []string
	// Failed counts documents that did not add up; each is a failed posting
	// in Postings, with the reason.
	Failed int
	// Cleared are keys of documents booked inside a day summary whose
	// earlier document failure no longer stands (store.ClearDocumentFailures).
	Cleared []string
}

// Totals are amounts per accounting category, debit positive, and per sales-tax
// item name (the slice of SalesTaxPayable each jurisdiction holds).
type Totals struct {
	ByCategory map[shopqb.Category]money.Cents
	ByTaxItem  map[string]money.Cents
	// ByDay splits ByCategory by the day (YYYY-MM-DD, shop zone) each amount
	// is booked on, the day the transaction that books it is dated: the
	// reconciliation compares one day of Shopify with that day's postings.
	// Only Expected fills it.
	ByDay map[string]map[shopqb.Category]money.Cents
	// Refunds is the part of ByDay that refunds book (their lines, their
	// tax, the money paid back), so a chart can show a day's sales and
	// refunds apart; ByDay includes it. Only Expected fills it.
	Refunds map[string]map[shopqb.Category]money.Cents
	// BySource splits ByDay by what books it: an order's or a payout's GID,
	// a purchase order's key ("po:…", its receipts) or a day's cost of
	// goods journal ("cogs:YYYY-MM-DD"). Sources lists every source the
	// plan accounted for, with figures or without, so a caller storing
	// BySource per source replaces each of them whole (a source absent from
	// BySource books nothing). The reconciliation sums the stored figures
	// of a range instead of planning it again. Only Expected fills them.
	BySource map[string]map[Cell]money.Cents
	Sources  []string

	day    string // the day add books to (on)
	source string // the source add books to (of)
	refund bool   // add books a refund's figure (refunding)
}

// Cell is one figure of a source: a day, a category, and whether a refund books it.
type Cell struct {
	Day      string
	Category shopqb.Category
	Refund   bool
}

func newTotals() Totals {
	return Totals{ByCategory: map[shopqb.Category]money.Cents{}, ByTaxItem: map[string]money.Cents{}}
}

// of returns t booking to source as well (the maps are shared).
func (t Totals) of(source string) Totals {
	t.source = source
	return t
}

// refunding returns t booking a refund's figures.
func (t Totals) refunding() Totals {
	t.refund = true
	return t
}

// on returns t booking to day as well (the maps are shared).
func (t Totals) on(day string) Totals {
	if t.ByDay == nil {
		panic("planner: Totals.on without ByDay")
	}
	t.day = day
	return t
}

func (t Totals) add(c shopqb.Category, amt money.Cents) {
	if amt == 0 {
		return
	}
	t.ByCategory[c] += amt
	if t.day != "" {
		m := t.ByDay[t.day]
		if m == nil {
			m = map[shopqb.Category]money.Cents{}
			t.ByDay[t.day] = m
		}
		m[c] += amt
		if t.refund && t.Refunds != nil {
			r := t.Refunds[t.day]
			if r == nil {
				r = map[shopqb.Category]money.Cents{}
				t.Refunds[t.day] = r
			}
			r[c] += amt
		}
		if t.source != "" && t.BySource != nil {
			m := t.BySource[t.source]
			if m == nil {
				m = map[Cell]money.Cents{}
				t.BySource[t.source] = m
			}
			m[Cell{Day: t.day, Category: c, Refund: t.refund}] += amt
		}
	}
}
