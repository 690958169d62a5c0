package planner

import (
	"fmt"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // the shop's zone must resolve the same on every host

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/shopify"
)

// planner holds one Build's working state. It is created fresh for every
// call and never shared, so Build stays a pure function of its Input.
type planner struct {
	// newNames and newItems count the list records this plan adds, for the
	// caller planning a shop in parts (see Plan.NewNames).
	newNames, newItems int
	in                 Input
	set                shopqb.Settings
	m                  shopqb.Mapping
	loc                *time.Location
	names              map[string]string
	spaces             map[string]*nameSpace
	known              map[string]bool      // lower-case names QuickBooks already holds
	knownItems         map[string]KnownItem // lower-case item names → the existing item
	accounts           map[string]bool      // lower-case account full names that exist
	lists              map[string]*listRec
	docs               []*txnDoc
	warnings           []string
	booked             map[string]bool // order GIDs whose sale is booked
	// edits are each order's ORDER_EDIT agreements, and editRefunds the
	// line-less refunds that paid an edit back (booked with the edit).
	edits       map[string][]orderEdit
	accountKeys map[string]string // lower-case account name → the AccountAdd key creating it
	// refundRounding is each order's cash rounding on refunds not yet used.
	refundRounding map[string]money.Cents
	editRefunds    map[string]bool
	// waitingRefunds are edit refunds of edits not booked yet (planEdit).
	waitingRefunds map[string]bool
	// tips are each order's tip line items (tips.go).
	tips map[string]map[string]bool
	// carryOut is what this plan hands on when more of its days follow
	// (Input.More). It is its own allocation, not a field of the planner:
	// the caller keeps Plan.Carry for the next part, and a pointer into
	// the planner would keep the whole planner (its orders, documents and
	// the previous part's carry) alive with it, so each part of a day held
	// every earlier part's working state until the day's last part.
	carryOut *DayCarry
	// failures are documents that did not add up (drift.go); heldBack the
	// days whose summaries wait (dayOpen); cleared the documents booked in
	// a summary; drifted and withdrawn are adjust's results.
	failures  []docFailure
	heldBack  map[string]bool
	cleared   []string
	drifted   int
	withdrawn []string
}

// Build turns Shopify documents, the merchant's settings and mapping into
// QuickBooks postings. It is pure: no I/O, no clock, no randomness, and the
// same input gives byte-identical output; with a name book (Input.Book) it
// reads the names of earlier plans from the book's source, and only those. It fails, naming the Shopify
// document and the figures, when a document cannot be booked exactly or when
// a transaction would not balance.
func Build(in Input) (*Plan, error) {
	_, plan, err := build(in)
	return plan, err
}

// build is Build keeping the working state, which tests read to print each
// transaction's ledger effect.
func build(in Input) (*planner, *Plan, error) {
	p, err := newPlanner(in)
	if err != nil {
		return nil, nil, err
	}
	plan, err := p.plan()
	if in.Book != nil && in.Book.err != nil {
		// A name the book could not read may have been given again: the
		// plan, or its refusal, is not to be trusted.
		return p, nil, fmt.Errorf("plan: read the names of earlier plans: %w", in.Book.err)
	}
	return p, plan, err
}

func (p *planner) plan() (*Plan, error) {
	if err := p.planSales(); err != nil {
		return nil, err
	}
	if err := p.planRefunds(); err != nil {
		return nil, err
	}
	if err := p.planPayouts(); err != nil {
		return nil, err
	}
	if err := p.planCOGS(); err != nil {
		return nil, err
	}
	if err := p.planPurchasing(); err != nil {
		return nil, err
	}
	if err := p.checkListLimits(); err != nil {
		return nil, err
	}
	return p.finish()
}

func newPlanner(in Input) (*planner, error) {
	set := in.Shop.Settings
	for what, m := range map[string]shopqb.Mode{"sales": set.SalesMode, "customers": set.CustomersMode,
		"inventory": set.InventoryMode, "vendors": set.VendorsMode} {
		if !m.Valid() {
			return nil, fmt.Errorf("plan: %s mode %q is neither detail nor summary", what, m)
		}
	}
	loc := time.UTC
	if in.Shop.TimeZone != "" {
		l, err := time.LoadLocation(in.Shop.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("plan: shop time zone %q: %w", in.Shop.TimeZone, err)
		}
		loc = l
	}
	m := shopqb.Mapping{}
	for k, v := range shopqb.DefaultMapping() {
		m[k] = v
	}
	for k, v := range set.Mapping {
		if v != "" {
			m[k] = v
		}
	}
	in.Orders = latest(in.Orders, func(o *shopify.Order) string { return o.ID },
		func(a, b *shopify.Order) bool { return a.UpdatedAt.After(b.UpdatedAt) })
	in.Payouts = latest(in.Payouts, func(po *shopify.Payout) string { return po.ID },
		func(a, b *shopify.Payout) bool { return false })
	in.PurchaseOrders = latest(in.PurchaseOrders, func(po *shopify.PurchaseOrder) string { return po.ID },
		func(a, b *shopify.PurchaseOrder) bool { return a.UpdatedAt.After(b.UpdatedAt) })
	p := &planner{in: in, set: set, m: m, loc: loc, names: map[string]string{}, spaces: map[string]*nameSpace{},
		known: map[string]bool{}, accounts: map[string]bool{}, lists: map[string]*listRec{}, booked: map[string]bool{},
		edits: map[string][]orderEdit{}, heldBack: map[string]bool{}, editRefunds: map[string]bool{}, waitingRefunds: map[string]bool{}, accountKeys: map[string]string{}, refundRounding: map[string]money.Cents{},
		tips: map[string]map[string]bool{}, carryOut: &DayCarry{}}
	for _, n := range in.Company.KnownNames {
		p.known[strings.ToLower(n)] = true
	}
	p.knownItems = make(map[string]KnownItem, len(in.Company.KnownItems))
	for _, it := range in.Company.KnownItems {
		p.knownItems[strings.ToLower(it.Name)] = it
		p.known[strings.ToLower(it.Name)] = true
	}
	for _, a := range in.Company.Accounts {
		p.accounts[strings.ToLower(a)] = true
	}
	// Names from earlier plans are kept (the engine stores Plan.Names as the
	// next plan's Input.Names) and reserved first, so new records never take them.
	// With a book (Input.Book) they are read from it instead, and the plan's
	// own names are only those it gives or keeps.
	if in.Book != nil {
		return p, nil
	}
	for _, k := range sortedKeys(in.Names) {
		p.names[k] = in.Names[k]
		if ns := namespaceOf(k); ns != "" {
			p.space(ns).claim(k, in.Names[k])
		}
	}
	return p, nil
}

// namespaceOf tells which name list a key's name lives in.
func namespaceOf(key string) string {
	switch {
	case strings.HasPrefix(key, "customer:"), strings.HasPrefix(key, "vendor:"):
		return nsEntities
	case strings.HasPrefix(key, "item:"), strings.HasPrefix(key, "taxitem:"):
		return nsItems
	case strings.HasPrefix(key, "payment-method:"):
		return nsMethods
	case strings.HasPrefix(key, "class:"):
		return nsClasses
	case strings.HasPrefix(key, "refnumber:"):
		return refSpace(strings.TrimPrefix(key, "refnumber:"))
	}
	return ""
}

// date is the calendar day of t in the shop's zone, as qbXML's DATETYPE.
func (p *planner) date(t time.Time) string { return t.In(p.loc).Format("2006-01-02") }

func (p *planner) warnf(format string, args ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
}

// finish checks every transaction, renders list records and transactions to
// postings, and computes the ledger and Shopify's expected totals.
func (p *planner) finish() (*Plan, error) {
	// What Shopify says is computed from the documents as planned in full,
	// before drift turns some of them into adjustments.
	expected := p.expected()
	p.adjust()
	plan := &Plan{Names: p.names, Ledger: newTotals(), NewNames: p.newNames, NewItems: p.newItems,
		Adjusted: p.drifted, Withdrawn: p.withdrawn, Failed: len(p.failures), Cleared: p.cleared, HeldBack: sortedKeys(p.heldBack)}
	if p.in.More {
		plan.Carry = p.carryOut
	}
	// Dependencies first: they may still create AccountAdds for mapped
	// accounts a transaction uses directly (deposit and journal lines).
	docDeps := make(map[*txnDoc][]string, len(p.docs))
	for _, d := range p.docs {
		docDeps[d] = p.docDeps(d)
	}
	for _, d := range p.docs {
		if err := checkBalance(d); err != nil {
			return nil, err
		}
		for _, e := range d.ledger() {
			plan.Ledger.add(e.category, e.amount)
			if e.taxItem != "" && e.amount != 0 {
				plan.Ledger.ByTaxItem[e.taxItem] += e.amount
			}
		}
	}
	for _, k := range sortedKeys(p.lists) {
		r := p.lists[k]
		if r.linked {
			continue
		}
		guid := externalGUID(p.in.Shop.FileID, r.key)
		req, err := qbxml.MarshalRequest(r.build(r.name, qbxml.GUID(guid)))
		if err != nil {
			return nil, fmt.Errorf("plan %s %q: %w", r.key, r.name, err)
		}
		if !hasGUID(r.kind) {
			guid = ""
		}
		plan.Postings = append(plan.Postings, &shopqb.Posting{Key: r.key, Kind: r.kind, DependsOn: p.liveDeps(r.deps),
			Request: req, ExternalGUID: guid, Name: r.name, PlanHash: planHash(req)})
	}
	docs := append([]*txnDoc(nil), p.docs...)
	sort.SliceStable(docs, func(i, j int) bool {
		if docs[i].date != docs[j].date {
			return docs[i].date < docs[j].date
		}
		return docs[i].key < docs[j].key
	})
	seen := map[string]bool{}
	for _, ps := range plan.Postings {
		seen[ps.Key] = true
	}
	for _, d := range docs {
		if seen[d.key] {
			return nil, fmt.Errorf("plan: %s (%s) would be posted twice", d.key, d.label)
		}
		seen[d.key] = true
		guid := externalGUID(p.in.Shop.FileID, d.key)
		req, err := qbxml.MarshalRequest(p.render(d, qbxml.GUID(guid)))
		if err != nil {
			return nil, fmt.Errorf("plan %s (%s): %w", d.key, d.label, err)
		}
		plan.Postings = append(plan.Postings, &shopqb.Posting{Key: d.key, Kind: d.kind, DependsOn: docDeps[d],
			Request: req, ExternalGUID: guid, RefNumber: d.ref, TxnDate: d.date, PlanHash: planHash(req),
			Content: contentOf(d).encode(), BaseKey: d.baseKey,
			Ledger: d.ledgerLines()})
	}
	for _, f := range p.failures {
		if seen[f.key] {
			continue // booked after all (another part of the plan)
		}
		seen[f.key] = true
		plan.Postings = append(plan.Postings, failurePosting(f))
	}
	plan.Expected = expected
	plan.Warnings = p.warnings
	return plan, nil
}

// hasGUID says whether a list Add carries an ExternalGUID in qbXML 13.0
// (accounts, classes and payment methods do not).
func hasGUID(kind string) bool {
	switch kind {
	case "AccountAdd", "ClassAdd", "PaymentMethodAdd":
		return false
	}
	return true
}

// liveDeps keeps the dependencies that are postings (linked records already exist).
func (p *planner) liveDeps(keys []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range keys {
		if r, ok := p.lists[k]; ok && r.linked {
			continue
		}
		if k != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// docDeps lists everything a transaction refers to: its customer or vendor,
// class, items, payment method, accounts that must be created, and earlier
// transactions (the credit memo a refund applies to).
func (p *planner) docDeps(d *txnDoc) []string {
	keys := []string{d.customer, d.vendor, d.class, d.paymentMethod, p.accountDep(d.account)}
	for _, l := range d.lines {
		keys = append(keys, l.item)
		if l.item == "" {
			keys = append(keys, p.accountDep(l.category))
		}
	}
	for _, l := range d.je {
		keys = append(keys, p.accountDep(l.category))
	}
	if d.kind == kindItemReceipt {
		keys = append(keys, p.accountDep(shopqb.AccountsPayable))
	}
	keys = append(keys, d.deps...)
	return p.liveDeps(keys)
}

// checkBalance fails when a transaction's debits and credits differ.
func checkBalance(d *txnDoc) error {
	var sum money.Cents
	for _, e := range d.ledger() {
		sum += e.amount
	}
	if sum != 0 {
		return fmt.Errorf("%s (%s): transaction %s does not balance: debits − credits = %s", d.label, d.key, d.kind, sum)
	}
	return nil
}

// latest keeps one snapshot per document id: the one newer says is newer,
// else the later one in the input. A document read twice is never booked twice.
func latest[T any](in []T, id func(*T) string, newer func(a, b *T) bool) []T {
	idx := map[string]int{}
	var out []T
	for i := range in {
		k := id(&in[i])
		if j, ok := idx[k]; ok {
			if !newer(&out[j], &in[i]) {
				out[j] = in[i]
			}
			continue
		}
		idx[k] = len(out)
		out = append(out, in[i])
	}
	return out
}
