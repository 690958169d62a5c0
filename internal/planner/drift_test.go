package planner

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// posted marks a plan's postings as QuickBooks holding them.
func posted(plan *Plan, prev ...*shopqb.Posting) []*shopqb.Posting {
	out := append([]*shopqb.Posting(nil), prev...)
	for i, p := range plan.Postings {
		c := *p
		c.ID, c.State = int64(len(prev)+i+1), shopqb.Done
		out = append(out, &c)
	}
	return out
}

func ledgerSum(plans ...*Plan) map[shopqb.Category]money.Cents {
	out := map[shopqb.Category]money.Cents{}
	for _, p := range plans {
		for c, a := range p.Ledger.ByCategory {
			out[c] += a
			if out[c] == 0 {
				delete(out, c)
			}
		}
	}
	return out
}

// A late order for a summary day already posted becomes one adjustment that
// books exactly the difference; planning the same data again gives the same
// adjustment, and the books end equal to a plan of the whole day at once.
func TestLateOrderBecomesOneAdjustment(t *testing.T) {
	in := goldenCase(t, "split-tender-with-change")
	in.Shop.Settings.SalesMode = shopqb.Summary
	first := in.Orders[0]
	late := first
	late.ID, late.Name = first.ID+"7", "#1077"
	in.Orders = []shopify.Order{first}
	before, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Orders = []shopify.Order{first, late}
	whole, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Posted = posted(before)
	adj, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if adj.Adjusted != 1 {
		t.Fatalf("adjusted %d", adj.Adjusted)
	}
	var a *shopqb.Posting
	for _, p := range adj.Postings {
		if strings.HasPrefix(p.Key, "summary:sales:") {
			if a != nil || !strings.HasSuffix(p.Key, ":adj:1") || p.BaseKey == "" {
				t.Fatalf("summary postings: %s (base %q)", p.Key, p.BaseKey)
			}
			a = p
		}
	}
	if a == nil || !strings.Contains(a.Request, "#1077") || strings.Contains(a.Request, "#1001") || !strings.Contains(a.Request, "Adjustment 1") {
		t.Fatalf("adjustment %v", a)
	}
	if got, want := ledgerSum(before, adj), ledgerSum(whole); len(got) != len(want) {
		t.Fatalf("books after the adjustment %v, whole day %v", got, want)
	} else {
		for c := range want {
			if got[c] != want[c] {
				t.Errorf("%s: %s after adjustment, %s whole day", c, got[c], want[c])
			}
		}
	}
	// Same data again, the adjustment still planned: same key, same hash.
	in.Posted = append(posted(before), &shopqb.Posting{ID: 99, Key: a.Key, BaseKey: a.BaseKey, State: shopqb.Planned, Content: a.Content, PlanHash: a.PlanHash})
	again, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range again.Postings {
		if strings.HasPrefix(p.Key, "summary:sales:") && (p.Key != a.Key || p.PlanHash != a.PlanHash) {
			t.Fatalf("re-plan gave %s %s, had %s %s", p.Key, p.PlanHash, a.Key, a.PlanHash)
		}
	}
	// Once it is in QuickBooks, nothing more is due.
	done := posted(before)
	done = append(done, &shopqb.Posting{ID: 100, Key: a.Key, BaseKey: a.BaseKey, State: shopqb.Done, Content: a.Content, PlanHash: a.PlanHash, RefNumber: a.RefNumber})
	in.Posted = done
	after, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range after.Postings {
		if strings.HasPrefix(p.Key, "summary:sales:") {
			t.Fatalf("a second adjustment %s after the first was posted", p.Key)
		}
	}
	// The late order changed back before its adjustment left: withdrawn.
	in.Orders = []shopify.Order{first}
	in.Posted = append(posted(before), &shopqb.Posting{ID: 99, Key: a.Key, BaseKey: a.BaseKey, State: shopqb.Planned, Content: a.Content})
	back, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Withdrawn) != 1 || back.Withdrawn[0] != a.Key {
		t.Fatalf("withdrawn %v", back.Withdrawn)
	}
}

// A late refund on a summary day whose refunds were posted is a further
// credit memo with its refund; held-back days wait for the day to end.
func TestSummaryDayHeldBackUntilTheDayEnds(t *testing.T) {
	in := goldenCase(t, "split-tender-with-change")
	in.Shop.Settings.SalesMode = shopqb.Summary
	in.Now = in.Orders[0].ProcessedAt
	plan, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.HeldBack) != 1 {
		t.Fatalf("held back %v", plan.HeldBack)
	}
	for _, p := range plan.Postings {
		if strings.HasPrefix(p.Key, "summary:") {
			t.Fatalf("%s planned before its day ended", p.Key)
		}
	}
	in.Now = in.Orders[0].ProcessedAt.AddDate(0, 0, 2)
	if plan, err = Build(in); err != nil || len(plan.HeldBack) != 0 {
		t.Fatalf("two days later: held %v, %v", plan.HeldBack, err)
	}
}

// renumbered is a copy of o as another order of the same shop: every id of
// the order, its lines, refunds, transactions and agreements gets the
// prefix 9, its name #9…
func renumbered(t *testing.T, o shopify.Order) shopify.Order {
	t.Helper()
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	s := regexp.MustCompile(`gid://shopify/(Order|LineItem|Refund|OrderTransaction|OrderAgreement|Sale|OrderAdjustment)/`).
		ReplaceAllString(string(b), "gid://shopify/$1/9")
	s = strings.ReplaceAll(s, `"name":"`+o.Name+`"`, `"name":"#9`+strings.TrimPrefix(o.Name, "#")+`"`)
	var out shopify.Order
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// withoutRefunds is o as it was before its refunds.
func withoutRefunds(o shopify.Order) shopify.Order { return withoutRefundsOf(o, nil) }

// withoutRefundsOf is o as it was before the refunds of ids (all when nil):
// the refunds, their transactions and agreements gone, the quantities back.
func withoutRefundsOf(o shopify.Order, ids map[string]bool) shopify.Order {
	refundTxn := map[string]bool{}
	when := map[time.Time]bool{}
	o.LineItems = append([]shopify.LineItem(nil), o.LineItems...)
	var kept []shopify.Refund
	for _, r := range o.Refunds {
		if ids != nil && !ids[r.ID] {
			kept = append(kept, r)
			continue
		}
		for _, tx := range r.Transactions {
			refundTxn[tx.ID] = true
		}
		when[r.CreatedAt] = true
		if r.ProcessedAt != nil {
			when[*r.ProcessedAt] = true
		}
		for _, rl := range r.RefundLineItems {
			for i := range o.LineItems {
				if o.LineItems[i].ID == rl.LineItem.ID {
					o.LineItems[i].CurrentQuantity += rl.Quantity
				}
			}
		}
	}
	o.Refunds = kept
	var txns []shopify.OrderTransaction
	for _, tx := range o.Transactions {
		if !refundTxn[tx.ID] {
			txns = append(txns, tx)
		}
	}
	o.Transactions = txns
	var ags []shopify.SalesAgreement
	for _, a := range o.Agreements {
		if a.Reason != "REFUND" || !when[a.HappenedAt] {
			ags = append(ags, a)
		}
	}
	o.Agreements = ags
	return o
}

// checkBooksEqual says the books after before's postings and the
// adjustments equal the books of one plan of everything.
func checkBooksEqual(t *testing.T, whole *Plan, plans ...*Plan) {
	t.Helper()
	got, want := ledgerSum(plans...), ledgerSum(whole)
	for c := range want {
		if got[c] != want[c] {
			t.Errorf("%s: %s after the adjustment, %s planned at once", c, got[c], want[c])
		}
	}
	for c := range got {
		if _, ok := want[c]; !ok {
			t.Errorf("%s: %s after the adjustment, nothing planned at once", c, got[c])
		}
	}
}

// A refund recorded late, dated on a day whose refunds were posted, is a
// further credit memo for that day with its refund paying the money back:
// exactly the late refund, and the day's books end as if it had been known.
func TestLateRefundBecomesCreditMemoAdjustment(t *testing.T) {
	in := goldenCase(t, "summary-mode")
	second := renumbered(t, in.Orders[0]) // sold and refunded like #2001, at the same store
	all := append(append([]shopify.Order(nil), in.Orders...), second)
	in.Orders = append(append([]shopify.Order(nil), in.Orders...), withoutRefunds(second))
	before, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Orders = all
	whole, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Posted = posted(before)
	adj, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	base := "summary:refunds:2026-11-21:7001"
	var memo, refund *shopqb.Posting
	for _, p := range adj.Postings {
		switch p.Key {
		case base + ":adj:1":
			memo = p
		case base + ":adj:1:payment:cash":
			refund = p
		}
		if p.Key == base || p.Key == base+":payment:cash" {
			t.Errorf("the posted %s was planned again", p.Key)
		}
	}
	if memo == nil || refund == nil {
		t.Fatalf("no credit memo adjustment with its refund: %v", keysOf(adj))
	}
	if memo.Kind != "CreditMemoAdd" || memo.BaseKey != base || memo.RefNumber != "R261121-0A1" || refund.BaseKey != base {
		t.Fatalf("memo %s %s base %s ref %s; refund base %s", memo.Key, memo.Kind, memo.BaseKey, memo.RefNumber, refund.BaseKey)
	}
	if !strings.Contains(memo.Request, "#92001") || strings.Contains(memo.Request, "#2001 ") {
		t.Errorf("the adjustment does not name just the late refund's order:\n%s", memo.Request)
	}
	b, err := BookedBy(memo.Kind, memo.Content)
	if err != nil {
		t.Fatal(err)
	}
	// What the memo books with its refund is #2001's refund again: 25.00
	// back off sales, 1.00 of tax, 26.00 out of the cash drawer.
	if b.ByCategory[shopqb.SalesIncome] != money.MustParse("25.00") || b.ByCategory[shopqb.SalesTaxPayable] != money.MustParse("1.00") {
		t.Errorf("credit memo adjustment books %v", b.ByCategory)
	}
	checkBooksEqual(t, whole, before, adj)
}

// A late order on a day whose cost of goods was posted (summary inventory)
// adjusts the day's journal entry by the late order's cost alone.
func TestLateOrderAdjustsCostOfGoods(t *testing.T) {
	in := goldenCase(t, "summary-mode")
	late := withoutRefunds(renumbered(t, in.Orders[1])) // a mug at the Brooklyn store, 20 November
	before, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Orders = append(append([]shopify.Order(nil), in.Orders...), late)
	whole, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Posted = posted(before)
	adj, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	var je *shopqb.Posting
	for _, p := range adj.Postings {
		if p.Key == "cogs:2026-11-20:adj:1" {
			je = p
		}
		if p.Key == "cogs:2026-11-20" {
			t.Errorf("the posted journal entry was planned again")
		}
	}
	if je == nil || je.Kind != "JournalEntryAdd" || je.BaseKey != "cogs:2026-11-20" || je.RefNumber != "C261120A1" {
		t.Fatalf("no cost-of-goods adjustment: %v", keysOf(adj))
	}
	var wantCost money.Cents
	for c, a := range ledgerSum(whole) {
		if c == shopqb.COGS {
			wantCost += a
		}
	}
	for c, a := range ledgerSum(before) {
		if c == shopqb.COGS {
			wantCost -= a
		}
	}
	b, err := BookedBy(je.Kind, je.Content)
	if err != nil {
		t.Fatal(err)
	}
	if wantCost <= 0 || b.ByCategory[shopqb.COGS] != wantCost || b.ByCategory[shopqb.InventoryAsset] != -wantCost || len(b.ByCategory) != 2 {
		t.Errorf("cost-of-goods adjustment books %v, the late order cost %s", b.ByCategory, wantCost)
	}
	checkBooksEqual(t, whole, before, adj)
}

func keysOf(p *Plan) []string {
	var out []string
	for _, ps := range p.Postings {
		out = append(out, ps.Key)
	}
	return out
}
