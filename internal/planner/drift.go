package planner

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
)

// Drift: Shopify changes after QuickBooks has a transaction. A late order
// for a day whose summary was posted, a refund recorded late, an order
// edited after its receipt: the transaction planned now differs from the one
// QuickBooks holds. QuickBooks' transaction is never edited (shopqb would
// have to trust its own earlier request to be what QuickBooks kept, and the
// bookkeeper may have reconciled the day); the difference is booked as an
// adjusting transaction on the same date, keyed <key>:adj:<n>.
//
// Why the difference is computed against the sum of what is posted, not
// from a chain of hashes: QuickBooks' books for the day are the original
// plus every adjustment that is in QuickBooks or may be (sent, done, in
// doubt — an in-doubt posting is resolved to exactly its content, found or
// sent again, so it counts as booked). What Shopify says now minus that sum
// is exactly what is missing, whatever happened in between:
//   - planning the same data twice gives the same difference and, because
//     at most one adjustment of a transaction is unsent at a time and it is
//     reused (same key, new content replaces old while still planned), the
//     same key and hash: the outbox changes nothing, no second adjustment;
//   - a crash between planning and committing commits nothing (one
//     transaction); a crash after leaves the adjustment planned, and the
//     next plan reuses it;
//   - if the unsent adjustment is claimed by the Web Connector between
//     planning and committing, the store records the commit's change to it
//     as drift instead of applying it, and the next plan of the day (the
//     48-hour reconciliation pull re-reads the changed order) books what is
//     still missing as <key>:adj:<n+1>;
//   - a change that is undone before its adjustment left (Shopify back to
//     what QuickBooks holds) withdraws the unsent adjustment.
// A hash chain would instead key each adjustment by the content it moves
// from, which gives a new key whenever an unsent adjustment's content
// changes, and so two adjustments for one change.

// adjKey is the key of a transaction's n-th adjustment.
func adjKey(base string, n int) string { return base + ":adj:" + strconv.Itoa(n) }

// adjIndex is n in <base>:adj:<n>[:…], or 0.
func adjIndex(base, key string) int {
	rest, ok := strings.CutPrefix(key, base+":adj:")
	if !ok {
		return 0
	}
	num, _, _ := strings.Cut(rest, ":")
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0
	}
	return n
}

// booked says whether QuickBooks holds, or may hold, a posting in state s.
func booked(s shopqb.PostingState) bool {
	return s == shopqb.Sent || s == shopqb.Done || s == shopqb.InDoubt
}

// adjust replaces every planned transaction QuickBooks already holds in
// another form (Input.Posted) by an adjustment booking the difference, and
// lists unsent adjustments no longer needed in p.withdrawn.
func (p *planner) adjust() {
	if len(p.in.Posted) == 0 {
		return
	}
	bases := map[string]*shopqb.Posting{}
	adjs := map[string][]*shopqb.Posting{}
	for _, ps := range p.in.Posted {
		if ps.BaseKey != "" {
			adjs[ps.BaseKey] = append(adjs[ps.BaseKey], ps)
		} else {
			bases[ps.Key] = ps
		}
	}
	children := map[string][]*txnDoc{}
	for _, d := range p.docs {
		if d.parent != "" {
			children[d.parent] = append(children[d.parent], d)
		}
	}
	type job struct {
		d      *txnDoc
		base   *shopqb.Posting
		key    string
		n      int
		booked *content
	}
	var jobs []job
	drop := map[*txnDoc]bool{}
	for _, d := range p.docs {
		base, ok := bases[d.key]
		if d.parent != "" || !ok || !booked(base.State) {
			continue
		}
		if !adjustable(d.kind) || base.Content == "" {
			// The store records the drift; nothing books it automatically.
			p.warnf("%s (%s) changed in Shopify after it was posted to QuickBooks, and a %s cannot be adjusted automatically: compare it with Shopify and correct it in QuickBooks by hand",
				d.label, d.key, kindLabel(d.kind))
			continue
		}
		sum, err := decodeContent(base.Content)
		if err != nil {
			p.warnf("%s (%s): what was posted cannot be read back (%v): not adjusted, compare it with Shopify by hand", d.label, d.key, err)
			continue
		}
		n, open := 0, ""
		list := adjs[d.key]
		sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
		bad := false
		for _, a := range list {
			i := adjIndex(d.key, a.Key)
			n = max(n, i)
			if a.Key != adjKey(d.key, i) {
				continue // a refund paying out an adjusting credit memo: in the memo's content
			}
			if !booked(a.State) {
				open = a.Key
				continue
			}
			c, err := decodeContent(a.Content)
			if err != nil {
				p.warnf("%s (%s): adjustment %s cannot be read back (%v): not adjusted further", d.label, d.key, a.Key, err)
				bad = true
				break
			}
			sum = sum.plus(c)
		}
		drop[d] = true
		for _, c := range children[d.key] {
			drop[c] = true
		}
		if bad {
			continue
		}
		key := open
		if key == "" {
			key = adjKey(d.key, n+1)
			n++
		} else {
			n = adjIndex(d.key, open)
		}
		jobs = append(jobs, job{d: d, base: base, key: key, n: n, booked: sum})
	}
	if len(drop) == 0 {
		return
	}
	kept := p.docs[:0]
	for _, d := range p.docs {
		if !drop[d] {
			kept = append(kept, d)
		}
	}
	p.docs = kept
	emitted := map[string]bool{}
	for _, j := range jobs {
		diff := contentOf(j.d).minus(j.booked)
		if diff.empty() {
			continue // QuickBooks already holds what Shopify says
		}
		p.drifted++
		from := len(p.docs)
		p.adjustment(j.d, j.base, j.key, j.n, diff)
		for _, d := range p.docs[from:] {
			d.baseKey = j.d.key
			emitted[d.key] = true
		}
	}
	// Unsent adjustments (and their refunds) this plan did not produce
	// again are no longer needed.
	for _, list := range adjs {
		for _, a := range list {
			if !booked(a.State) && !emitted[a.Key] {
				p.withdrawn = append(p.withdrawn, a.Key)
			}
		}
	}
	sort.Strings(p.withdrawn)
}

// adjustment plans the transaction that books diff, the difference between
// what Shopify says for d now and what QuickBooks holds for it, dated as d.
// Sales that grew get a further sales receipt and sales that shrank a credit
// memo (refunds the other way round), each with the real money by gateway;
// a journal entry gets a journal entry of the differences per account.
func (p *planner) adjustment(d *txnDoc, base *shopqb.Posting, key string, n int, diff *content) {
	ref := p.refNumber(key, adjRef(base.RefNumber, n), maxRefNumber)
	what := fmt.Sprintf("Adjustment %d to %s %s", n, kindLabel(d.kind), cmpOr(base.RefNumber, d.key))
	why := "changes in Shopify after it was posted"
	if len(diff.Orders) > 0 {
		why = "orders added or changed after it was posted: " + strings.Join(diff.Orders, " ")
	}
	memo := truncate(fmt.Sprintf("%s (%s, %s): %s", what, d.label, d.date, why), 4095)
	label := fmt.Sprintf("adjustment %d of %s", n, d.label)
	if d.kind == kindJournalEntry {
		adj := &txnDoc{key: key, kind: kindJournalEntry, date: d.date, ref: ref, label: label}
		for _, l := range diff.JE {
			adj.je = append(adj.je, jeLine{category: l.Category, amount: l.Amount, memo: truncate(what+": "+d.label, 4095)})
		}
		p.docs = append(p.docs, adj)
		return
	}
	// More sold is a further receipt, less sold a credit memo; more
	// refunded a further credit memo, less refunded a receipt.
	ps := diff.parts()
	salesForm := (d.kind == kindSalesReceipt) == (ps.sum() >= 0)
	if ps.sum() < 0 {
		ps = negate(ps)
	}
	if salesForm {
		r := p.receiptFromParts(ps, key, d.date, ref, d.customer, d.class)
		r.label, r.memo, r.orders = label, memo, diff.Orders
		p.docs = append(p.docs, r)
		return
	}
	// A credit memo pays money back through refunds, which cannot be
	// negative: money the change took in instead is a line on the gateway's
	// payment item, as on a receipt.
	for _, g := range sortedKeys(ps.payments) {
		if a := ps.payments[g]; a < 0 {
			ps.lines = append(ps.lines, docLine{item: p.paymentItem(g), desc: "Paid by " + gatewayLabel(g), amount: -a,
				category: shopqb.ClearingCategory(g)})
			delete(ps.payments, g)
		}
	}
	from := len(p.docs)
	p.creditMemo(ps, key, d.date, ref, d.customer, d.class, label, memo)
	p.docs[from].orders = diff.Orders
}

// negate flips every amount and quantity of ps.
func negate(ps *parts) *parts {
	out := newParts()
	for _, l := range ps.lines {
		l.amount, l.qty = -l.amount, -l.qty
		out.lines = append(out.lines, l)
	}
	for g, a := range ps.payments {
		out.payments[g] = -a
	}
	return out
}

// adjRef is the RefNumber of adjustment n of a transaction numbered ref:
// the original's number with "A<n>", within QuickBooks' 11 characters.
func adjRef(ref string, n int) string {
	suf := "A" + strconv.Itoa(n)
	r := []rune(ref)
	if len(r)+len(suf) > maxRefNumber {
		r = r[:max(0, maxRefNumber-len(suf))]
	}
	return string(r) + suf
}

func kindLabel(kind string) string {
	switch kind {
	case kindSalesReceipt:
		return "sales receipt"
	case kindCreditMemo:
		return "credit memo"
	case kindJournalEntry:
		return "journal entry"
	}
	return strings.TrimSuffix(kind, "Add")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// docFailure is a Shopify document that could not be booked exactly. It
// fails alone, on a posting of its own, and the rest of the plan goes on.
type docFailure struct {
	key, kind, date, label string
	err                    error
}

// failDoc records that the document behind key does not add up.
func (p *planner) failDoc(key, kind, date, label string, err error) {
	p.failures = append(p.failures, docFailure{key: key, kind: kind, date: date, label: label, err: err})
}

// failurePosting is a failed posting that tells the bookkeeper what is wrong
// and what to do. It has no request and never leaves for QuickBooks.
func failurePosting(f docFailure) *shopqb.Posting {
	msg := fmt.Sprintf("Shopify %s was not booked because its figures do not add up: %v. shopqb books nothing it would have to guess, "+
		"so this one document waits while the rest of the shop keeps syncing. Check it in Shopify admin; when Shopify's figures agree "+
		"(a payment settles, the order is corrected), the next sync books it. If Shopify shows it correctly, report it with this message.",
		f.label, f.err)
	return &shopqb.Posting{Key: f.key, Kind: f.kind, TxnDate: f.date, State: shopqb.Failed, ErrorClass: shopqb.ErrorClassDocument,
		ErrorCode: "unbookable", ErrorMessage: msg, PlanHash: planHash("failed\x00" + msg)}
}

// dayOpen says whether a day's summaries are planned now: the caller said
// the input holds the whole day (Input.Days), and the shop's day has ended
// plus the grace period (Input.Now). A day held back is listed in
// p.heldBack so the caller plans it again later.
func (p *planner) dayOpen(date string) bool {
	if p.in.Days != nil && !p.in.Days[date] {
		return false
	}
	if p.in.Now.IsZero() {
		return true
	}
	d, err := time.ParseInLocation("2006-01-02", date, p.loc)
	if err != nil {
		return true
	}
	closes := p.set.SummaryDue(d)
	if p.in.Now.Before(closes) {
		p.heldBack[date] = true
		return false
	}
	return true
}
