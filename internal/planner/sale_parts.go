package planner

import (
	"fmt"
	"sort"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// parts are the accounting pieces of one sale or one refund before they are
// put on a QuickBooks form: item lines (products, discounts, shipping, tips,
// gift cards, tax, rounding, liability redemptions) and the money by gateway.
// Detail mode puts one order's parts on one form; summary mode merges the
// parts of a day × location first. Keeping both on the same pieces is what
// makes the two modes agree to the cent.
type parts struct {
	lines    []docLine
	payments map[string]money.Cents // real-money gateway → net amount
}

func newParts() *parts { return &parts{payments: map[string]money.Cents{}} }

// clone is a copy of ps that later merges cannot change.
func (ps *parts) clone() *parts {
	c := &parts{lines: append([]docLine(nil), ps.lines...), payments: make(map[string]money.Cents, len(ps.payments))}
	for g, a := range ps.payments {
		c.payments[g] = a
	}
	return c
}

// merge adds o's lines and payments into ps, combining lines that share item,
// category, tax item and description so a summary stays short. idx is
// where each of ps's lines is, by lineID (lineIndex), and merge keeps it
// so: a summary merges every order of its day, and an index made anew for
// each would cost the day's orders times its lines.
func (ps *parts) merge(o *parts, idx map[[4]string]int) {
	for _, l := range o.lines {
		id := lineID(l)
		if i, ok := idx[id]; ok {
			ps.lines[i].amount += l.amount
			ps.lines[i].qty += l.qty
			continue
		}
		idx[id] = len(ps.lines)
		ps.lines = append(ps.lines, l)
	}
	for g, a := range o.payments {
		ps.payments[g] += a
	}
}

// netLines combines lines on the same item, category and tax item and drops
// those that cancel out, so taking an edit out of a sale leaves the lines as
// they were before the edit rather than a sale and its reversal (which, on an
// inventory item, QuickBooks would read as a return).
func netLines(in []docLine) []docLine {
	type id struct {
		item, taxItem string
		category      shopqb.Category
	}
	idx := map[id]int{}
	var out []docLine
	for _, l := range in {
		k := id{l.item, l.taxItem, l.category}
		if i, ok := idx[k]; ok {
			out[i].amount += l.amount
			out[i].qty += l.qty
			continue
		}
		idx[k] = len(out)
		out = append(out, l)
	}
	kept := out[:0]
	for _, l := range out {
		if l.amount != 0 || l.qty != 0 {
			kept = append(kept, l)
		}
	}
	return kept
}

// lineIndex is where each of ps's lines is, by lineID, for merge.
func (ps *parts) lineIndex() map[[4]string]int {
	idx := make(map[[4]string]int, len(ps.lines))
	for i, l := range ps.lines {
		idx[lineID(l)] = i
	}
	return idx
}

func lineID(l docLine) [4]string { return [4]string{l.item, string(l.category), l.taxItem, l.desc} }

// sum is the total of the item lines.
func (ps *parts) sum() money.Cents {
	var t money.Cents
	for _, l := range ps.lines {
		t += l.amount
	}
	return t
}

// liabilityItem says whether a gateway is not money but a liability being
// used up (a gift card, store credit) and which item books it.
func liabilityItem(gateway string) (string, bool) {
	switch gateway {
	case "gift_card":
		return itemGiftCard, true
	case "store_credit", "shopify_store_credit":
		return itemStoreCredit, true
	}
	return "", false
}

// movesMoney reports whether a transaction moved money: only successful
// sales, captures, refunds and cash change do; authorizations and voids never.
func movesMoney(t shopify.OrderTransaction) bool {
	if t.Status != "SUCCESS" || t.Test {
		return false
	}
	switch t.Kind {
	case "SALE", "CAPTURE", "REFUND", "CHANGE":
		return true
	}
	return false
}

// salePayments nets an order's sale-time money by gateway: sales and captures
// in, cash change out. Refund transactions belong to their refunds.
func salePayments(o *shopify.Order) map[string]money.Cents {
	out := map[string]money.Cents{}
	for _, t := range o.Transactions {
		if !movesMoney(t) {
			continue
		}
		a := t.AmountSet.ShopMoney.Amount
		switch t.Kind {
		case "SALE", "CAPTURE":
			out[t.Gateway] += a
		case "CHANGE":
			out[t.Gateway] -= a.Abs()
		}
	}
	return out
}

// taxShare returns how much of gross holds tax when a line priced tax
// inclusive carries tax in total after discounts of net: the tax is spread
// over the undiscounted price and the discounts in proportion, rounded half
// away from zero, so price − discounts − tax is exactly what was charged.
func taxShare(tax, gross, net money.Cents) money.Cents {
	if net == 0 || tax == 0 {
		return 0
	}
	return mulDiv(tax, gross, net)
}

// mulDiv is a×b/c rounded half away from zero, in integers.
func mulDiv(a, b, c money.Cents) money.Cents {
	n := int64(a) * int64(b)
	d := int64(c)
	if d < 0 {
		n, d = -n, -d
	}
	if n >= 0 {
		return money.Cents((n + d/2) / d)
	}
	return money.Cents(-((-n + d/2) / d))
}

func sumTax(lines []shopify.TaxLine) money.Cents {
	var t money.Cents
	for _, tl := range lines {
		t += tl.PriceSet.ShopMoney.Amount
	}
	return t
}

// discountLines books one line's discount allocations as discount-item lines
// (negative), each net of its share of tax when prices include tax.
func (p *planner) discountLines(o *shopify.Order, allocs []shopify.DiscountAllocation, taxInDiscounts money.Cents) []docLine {
	if len(allocs) == 0 {
		return nil
	}
	weights := make([]money.Cents, len(allocs))
	for i, a := range allocs {
		weights[i] = a.AllocatedAmountSet.ShopMoney.Amount
	}
	shares := money.Split(taxInDiscounts, weights)
	var out []docLine
	for i, a := range allocs {
		amt := a.AllocatedAmountSet.ShopMoney.Amount - shares[i]
		if amt == 0 {
			continue
		}
		out = append(out, docLine{item: p.fixedItem(itemDiscount), desc: discountLabel(o, a.DiscountApplication.Index),
			amount: -amt, category: shopqb.Discounts})
	}
	return out
}

// discountLabel names a discount by its code or title.
func discountLabel(o *shopify.Order, index int) string {
	for _, d := range o.DiscountApplications {
		if d.Index == index {
			if d.Code != "" {
				return "Discount " + cleanText(d.Code)
			}
			if d.Title != "" {
				return "Discount " + cleanText(d.Title)
			}
		}
	}
	return "Discount"
}

// orderTotals is what a sale's lines add up to by kind, tax included where
// Shopify includes it, for comparing against Shopify's own order totals.
type orderTotals struct {
	discounts, shipping, tax, tips, giftCards, charged money.Cents
}

// saleParts turns an order into its sale-time parts and checks them against
// Shopify's totals. It is the core of salesReceiptForOrder and of the daily
// summary receipt. When the order was edited, the edits' lines and the money
// taken after each edit are left out: they are booked as adjustments.
func (p *planner) saleParts(o *shopify.Order) (*parts, error) {
	ps, err := p.saleCharges(o)
	if err != nil {
		return nil, err
	}
	pay := salePayments(o)
	if edits := p.edits[o.ID]; len(edits) > 0 {
		for _, e := range edits {
			for _, l := range e.charges {
				l.amount, l.qty = -l.amount, -l.qty
				ps.lines = append(ps.lines, l)
			}
			for g, a := range e.salePay {
				pay[g] -= a
			}
		}
		ps.lines = netLines(ps.lines)
	}
	if o.TotalCashRoundingAdjustment != nil {
		if r := o.TotalCashRoundingAdjustment.PaymentSet.ShopMoney.Amount; r != 0 {
			ps.lines = append(ps.lines, docLine{item: p.fixedItem(itemCashRounding), desc: "Cash rounding",
				amount: r, category: shopqb.CashOverShort})
		}
	}
	for _, g := range sortedKeys(pay) {
		if a := pay[g]; a != 0 {
			ps.addMoney(p, g, a)
		}
	}
	var paid money.Cents
	for _, a := range ps.payments {
		paid += a
	}
	if paid != ps.sum() {
		return nil, fmt.Errorf("order %s: payments by gateway come to %s but the charges less gift cards, store credit and rounding come to %s",
			o.Name, paid, ps.sum())
	}
	return ps, nil
}

// saleCharges books what the order charged (products, discounts, shipping,
// tips, gift cards sold, tax) and checks it against Shopify's totals.
func (p *planner) saleCharges(o *shopify.Order) (*parts, error) {
	ps := newParts()
	var got orderTotals
	incl := o.TaxesIncluded
	tips := p.tipLines(o)
	for _, li := range o.LineItems {
		gross := li.OriginalTotalSet.ShopMoney.Amount
		if tips[li.ID] {
			// A tip line is owed to staff: tips payable, no sales, no tax.
			if gross != 0 {
				ps.lines = append(ps.lines, docLine{item: p.fixedItem(itemTip), desc: "Tip", amount: gross, category: shopqb.TipsPayable})
			}
			got.tips += gross
			continue
		}
		var disc money.Cents
		for _, a := range li.DiscountAllocations {
			disc += a.AllocatedAmountSet.ShopMoney.Amount
		}
		tax := sumTax(li.TaxLines)
		var inGross, inDiscounts money.Cents
		if incl {
			inGross = taxShare(tax, gross, gross-disc)
			inDiscounts = inGross - tax
		}
		item, cat := p.productItem(o, li)
		if li.IsGiftCard {
			got.giftCards += gross - disc
		}
		desc := cleanText(li.Name)
		if li.SKU != "" {
			desc = cleanText(li.SKU + " " + li.Name)
		}
		ps.lines = append(ps.lines, docLine{item: item, desc: desc, qty: li.Quantity, amount: gross - inGross, category: cat})
		ps.lines = append(ps.lines, p.discountLines(o, li.DiscountAllocations, inDiscounts)...)
		got.discounts += disc
	}
	for _, sl := range o.ShippingLines {
		if sl.IsRemoved {
			continue
		}
		gross := sl.OriginalPriceSet.ShopMoney.Amount
		var disc money.Cents
		for _, a := range sl.DiscountAllocations {
			disc += a.AllocatedAmountSet.ShopMoney.Amount
		}
		tax := sumTax(sl.TaxLines)
		var inGross, inDiscounts money.Cents
		if incl {
			inGross = taxShare(tax, gross, gross-disc)
			inDiscounts = inGross - tax
		}
		if gross != 0 {
			ps.lines = append(ps.lines, docLine{item: p.fixedItem(itemShipping), desc: "Shipping " + cleanText(sl.Title),
				amount: gross - inGross, category: shopqb.ShippingIncome})
		}
		ps.lines = append(ps.lines, p.discountLines(o, sl.DiscountAllocations, inDiscounts)...)
		got.shipping += gross
		got.discounts += disc
	}
	if tip := o.TotalTipReceivedSet.ShopMoney.Amount; tip != 0 && len(tips) == 0 {
		// The tip is not carried on a line: book it from the order's total.
		ps.lines = append(ps.lines, docLine{item: p.fixedItem(itemTip), desc: "Tip", amount: tip, category: shopqb.TipsPayable})
		got.tips = tip
	}
	for _, tl := range mergeTaxLines(o.TaxLines) {
		amt := tl.PriceSet.ShopMoney.Amount
		if amt == 0 {
			continue
		}
		key, name, err := p.taxItem(tl)
		if err != nil {
			return nil, fmt.Errorf("order %s: %w", o.Name, err)
		}
		ps.lines = append(ps.lines, docLine{item: key, desc: name, amount: amt, category: shopqb.SalesTaxPayable, taxItem: name})
		got.tax += amt
	}
	got.charged = ps.sum()
	if err := checkOrderTotals(o, got); err != nil {
		if tip := o.TotalTipReceivedSet.ShopMoney.Amount; len(tips) == 0 && tip != 0 && got.charged-o.TotalPriceSet.ShopMoney.Amount == tip {
			return nil, fmt.Errorf("%w; the difference is the tip (%s): a line item seems to carry it as well as the order's tip total, "+
				"but no line can be told apart as the tip (no TipSale names one, and no untaxed line without a product that never ships comes to it)", err, tip)
		}
		return nil, err
	}
	return ps, nil
}

// checkOrderTotals is the per-order reconciliation: what the lines add up to
// must be what Shopify says the order totals are.
func checkOrderTotals(o *shopify.Order, got orderTotals) error {
	var giftCards money.Cents
	for _, li := range o.LineItems {
		if li.IsGiftCard {
			giftCards += li.DiscountedTotalSet.ShopMoney.Amount
		}
	}
	want := orderTotals{
		giftCards: giftCards,
		discounts: o.TotalDiscountsSet.ShopMoney.Amount,
		shipping:  o.TotalShippingPriceSet.ShopMoney.Amount,
		tax:       o.TotalTaxSet.ShopMoney.Amount,
		tips:      o.TotalTipReceivedSet.ShopMoney.Amount,
		charged:   o.TotalPriceSet.ShopMoney.Amount,
	}
	check := []struct {
		what      string
		got, want money.Cents
	}{
		{"discounts", got.discounts, want.discounts},
		{"shipping", got.shipping, want.shipping},
		{"tax", got.tax, want.tax},
		{"tips", got.tips, want.tips},
		{"gift cards sold", got.giftCards, want.giftCards},
		{"total", got.charged, want.charged},
	}
	for _, c := range check {
		if c.got != c.want {
			return fmt.Errorf("order %s: posted %s %s, Shopify's total is %s (difference %s)",
				o.Name, c.what, c.got, c.want, c.got-c.want)
		}
	}
	return nil
}

// mergeTaxLines combines tax lines with the same title and rate, in the order
// first seen: one QuickBooks tax item per jurisdiction.
func mergeTaxLines(in []shopify.TaxLine) []shopify.TaxLine {
	var out []shopify.TaxLine
	idx := map[string]int{}
	for _, tl := range in {
		k := tl.Title + "\x00" + string(tl.Rate)
		if i, ok := idx[k]; ok {
			out[i].PriceSet.ShopMoney.Amount += tl.PriceSet.ShopMoney.Amount
			continue
		}
		idx[k] = len(out)
		out = append(out, tl)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
