package planner

import (
	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// expected computes, from Shopify's own figures, what the books must show per
// category once the plan is posted: order totals (price, tax, tips,
// shipping, discounts), the money each gateway took and paid back, payout
// nets and fees, unit costs. It reads Shopify's totals rather than the planned
// lines, so the reconciliation report compares two independent sums. Where
// prices include tax, the split of tax between price, shipping and discounts
// follows the rule in doc.go, as Shopify states no such split itself.
func (p *planner) expected() Totals {
	t := newTotals()
	t.ByDay = map[string]map[shopqb.Category]money.Cents{}
	t.Refunds, t.BySource = map[string]map[shopqb.Category]money.Cents{}, map[string]map[Cell]money.Cents{}
	t.Sources = p.expectedSources()
	for _, o := range sortOrders(p.in.Orders) {
		t := t.of(o.ID)
		if p.booked[o.ID] {
			p.expectSale(t.on(p.date(o.ProcessedAt)), o)
			p.expectRemovals(t, o)
		} else if p.beforeStart(o) && !o.Test {
			p.expectLateEdits(t, o)
		}
		if o.Test {
			continue
		}
		anyRefund, lastRefund := false, ""
		for i := range o.Refunds {
			r := &o.Refunds[i]
			if p.editRefunds[r.ID] && (!p.booked[o.ID] || p.waitingRefunds[r.ID]) {
				continue
			}
			if !p.refundBooked(o, r) {
				continue
			}
			p.expectRefund(t.on(p.date(refundTime(r))), o, r)
			anyRefund = true
			lastRefund = p.date(refundTime(r))
		}
		if anyRefund && o.TotalCashRoundingAdjustment != nil {
			// What cash refunds were rounded by is over/short.
			t.on(lastRefund).refunding().add(shopqb.CashOverShort, o.TotalCashRoundingAdjustment.RefundSet.ShopMoney.Amount)
		}
	}
	for i := range p.in.Payouts {
		po := &p.in.Payouts[i]
		if po.Status != "PAID" || (p.set.StartDate != "" && p.date(po.IssuedAt) < p.set.StartDate) {
			continue
		}
		t := t.of(po.ID).on(p.date(po.IssuedAt))
		t.add(shopqb.Bank, payoutNet(po))
		for _, bt := range po.BalanceTransactions {
			if bt.Type == "TRANSFER" || bt.Type == "PAYOUT" || bt.Test {
				continue
			}
			l, _ := payoutCategory(bt.Type)
			t.add(l.category, -bt.Amount.Amount)
			t.add(shopqb.ProcessingFees, bt.Fee.Amount)
		}
	}
	for _, d := range p.docs {
		t := t.of(docSource(d)).on(d.date)
		switch d.kind {
		case kindJournalEntry:
			if len(d.key) > 5 && d.key[:5] == "cogs:" {
				for _, l := range d.je {
					t.add(l.category, l.amount)
				}
			}
		case kindItemReceipt:
			for _, l := range d.lines {
				t.add(shopqb.InventoryAsset, l.amount)
				t.add(shopqb.AccountsPayable, -l.amount)
			}
		}
	}
	return t
}

func (p *planner) expectSale(t Totals, o *shopify.Order) {
	tax := o.TotalTaxSet.ShopMoney.Amount
	tip := o.TotalTipReceivedSet.ShopMoney.Amount
	t.add(shopqb.SalesTaxPayable, -tax)
	for _, tl := range o.TaxLines {
		if name := p.name("taxitem:" + tl.Title + ":" + string(tl.Rate)); name != "" && tl.PriceSet.ShopMoney.Amount != 0 {
			t.ByTaxItem[name] -= tl.PriceSet.ShopMoney.Amount
		}
	}
	t.add(shopqb.TipsPayable, -tip)
	var giftCards, taxInShipping, taxInDiscounts money.Cents
	for _, li := range o.LineItems {
		gross := li.OriginalTotalSet.ShopMoney.Amount
		var disc money.Cents
		for _, a := range li.DiscountAllocations {
			disc += a.AllocatedAmountSet.ShopMoney.Amount
		}
		if li.IsGiftCard {
			giftCards += gross
		}
		if o.TaxesIncluded {
			lt := sumTax(li.TaxLines)
			taxInDiscounts += taxShare(lt, gross, gross-disc) - lt
		}
	}
	for _, sl := range o.ShippingLines {
		if sl.IsRemoved || !o.TaxesIncluded {
			continue
		}
		gross := sl.OriginalPriceSet.ShopMoney.Amount
		var disc money.Cents
		for _, a := range sl.DiscountAllocations {
			disc += a.AllocatedAmountSet.ShopMoney.Amount
		}
		st := sumTax(sl.TaxLines)
		in := taxShare(st, gross, gross-disc)
		taxInShipping += in
		taxInDiscounts += in - st
	}
	shipping := o.TotalShippingPriceSet.ShopMoney.Amount - taxInShipping
	discounts := o.TotalDiscountsSet.ShopMoney.Amount - taxInDiscounts
	t.add(shopqb.GiftCardLiability, -giftCards)
	t.add(shopqb.ShippingIncome, -shipping)
	t.add(shopqb.Discounts, discounts)
	t.add(shopqb.SalesIncome, -(o.TotalPriceSet.ShopMoney.Amount - tax - tip - giftCards - shipping + discounts))
	if o.TotalCashRoundingAdjustment != nil {
		t.add(shopqb.CashOverShort, -o.TotalCashRoundingAdjustment.PaymentSet.ShopMoney.Amount)
	}
	for g, a := range salePayments(o) {
		t.add(p.moneyCategory(g), a)
	}
}

// moneyCategory is where a gateway's money sits: its clearing account, or the
// liability a gift card or store credit draws down.
func (p *planner) moneyCategory(gateway string) shopqb.Category {
	return shopqb.GatewayCategory(gateway)
}

// expectRemovals takes out what order edits removed, from the edits' own
// sales in Shopify's ledger: the order totals are before removals (as
// Shopify keeps removed units on the order), so this is what brings the
// order to its figures after the edit.
func (p *planner) expectRemovals(t Totals, o *shopify.Order) {
	lines := map[string]*shopify.LineItem{}
	for i := range o.LineItems {
		lines[o.LineItems[i].ID] = &o.LineItems[i]
	}
	for _, e := range p.edits[o.ID] {
		if e.waiting {
			continue
		}
		t := t.on(p.date(e.ag.HappenedAt))
		for _, s := range e.ag.Sales {
			if !removes(s) {
				continue
			}
			total, tax := s.TotalAmount.ShopMoney.Amount, s.TotalTaxAmount.ShopMoney.Amount
			cat := shopqb.SalesIncome
			switch s.LineType {
			case "SHIPPING":
				cat = shopqb.ShippingIncome
			case "TIP":
				cat = shopqb.TipsPayable
			case "PRODUCT", "GIFT_CARD":
				if s.LineItem != nil && lines[s.LineItem.ID] != nil && lines[s.LineItem.ID].IsGiftCard {
					cat = shopqb.GiftCardLiability
				}
			}
			t.add(cat, -(total - tax))
			t.add(shopqb.SalesTaxPayable, -tax)
			for _, st := range s.Taxes {
				if name := p.name("taxitem:" + st.TaxLine.Title + ":" + string(st.TaxLine.Rate)); name != "" {
					t.ByTaxItem[name] -= st.Amount.ShopMoney.Amount
				}
			}
		}
	}
}

// expectLateEdits is what the edits on or after the start date of an order
// processed before it change, from the edits' own sales in Shopify's ledger
// and the money Shopify took or paid back after each: the sale itself is not
// in these books, so each edit counts in full, additions and removals alike.
func (p *planner) expectLateEdits(t Totals, o *shopify.Order) {
	lines := map[string]*shopify.LineItem{}
	for i := range o.LineItems {
		lines[o.LineItems[i].ID] = &o.LineItems[i]
	}
	for _, e := range p.edits[o.ID] {
		if e.early || e.waiting {
			continue
		}
		for _, s := range e.ag.Sales {
			total, tax := s.TotalAmount.ShopMoney.Amount, s.TotalTaxAmount.ShopMoney.Amount
			cat := shopqb.SalesIncome
			switch s.LineType {
			case "SHIPPING":
				cat = shopqb.ShippingIncome
			case "TIP":
				cat = shopqb.TipsPayable
			case "PRODUCT", "GIFT_CARD":
				if s.LineItem != nil && lines[s.LineItem.ID] != nil && lines[s.LineItem.ID].IsGiftCard {
					cat = shopqb.GiftCardLiability
				}
			}
			t.add(cat, -(total - tax))
			t.add(shopqb.SalesTaxPayable, -tax)
			for _, st := range s.Taxes {
				if name := p.name("taxitem:" + st.TaxLine.Title + ":" + string(st.TaxLine.Rate)); name != "" {
					t.ByTaxItem[name] -= st.Amount.ShopMoney.Amount
				}
			}
		}
		for g, a := range e.salePay {
			t.add(p.moneyCategory(g), a)
		}
		for _, r := range o.Refunds {
			if !e.refunds[r.ID] {
				continue
			}
			for _, tx := range r.Transactions {
				if movesMoney(tx) && tx.Kind == "REFUND" {
					t.add(p.moneyCategory(tx.Gateway), -tx.AmountSet.ShopMoney.Amount.Abs())
				}
			}
		}
	}
}

func (p *planner) expectRefund(t Totals, o *shopify.Order, r *shopify.Refund) {
	t = t.refunding()
	lines := map[string]*shopify.LineItem{}
	for i := range o.LineItems {
		lines[o.LineItems[i].ID] = &o.LineItems[i]
	}
	tips := p.tipLines(o)
	var tax money.Cents
	for _, rli := range r.RefundLineItems {
		li := lines[rli.LineItem.ID]
		sub, lt := rli.SubtotalSet.ShopMoney.Amount, rli.TotalTaxSet.ShopMoney.Amount
		tax += lt
		if o.TaxesIncluded {
			sub -= lt
		}
		if li != nil {
			p.expectRefundTax(t, o, lt, li.TaxLines)
		}
		switch {
		case li != nil && tips[li.ID]:
			t.add(shopqb.TipsPayable, sub)
		case li != nil && li.IsGiftCard:
			t.add(shopqb.GiftCardLiability, sub)
		default:
			t.add(shopqb.SalesIncome, sub)
		}
	}
	for _, rs := range r.RefundShippingLines {
		sub, st := rs.SubtotalAmountSet.ShopMoney.Amount, rs.TaxAmountSet.ShopMoney.Amount
		tax += st
		if o.TaxesIncluded {
			sub -= st
		}
		t.add(shopqb.ShippingIncome, sub)
		var shipTax []shopify.TaxLine
		for _, sl := range o.ShippingLines {
			shipTax = append(shipTax, sl.TaxLines...)
		}
		p.expectRefundTax(t, o, st, shipTax)
	}
	for _, adj := range r.OrderAdjustments {
		t.add(shopqb.SalesIncome, adj.AmountSet.ShopMoney.Amount)
		tax += adj.TaxAmountSet.ShopMoney.Amount
		p.expectRefundTax(t, o, adj.TaxAmountSet.ShopMoney.Amount, nil)
	}
	t.add(shopqb.SalesTaxPayable, tax)
	for _, tx := range r.Transactions {
		if !movesMoney(tx) || tx.Kind != "REFUND" {
			continue
		}
		t.add(p.moneyCategory(tx.Gateway), -tx.AmountSet.ShopMoney.Amount.Abs())
	}
}

// expectRefundTax books refunded tax per tax item, spread over the
// jurisdictions by what each charged (the rule in doc.go).
func (p *planner) expectRefundTax(t Totals, o *shopify.Order, tax money.Cents, from []shopify.TaxLine) {
	lines, err := p.refundTaxLines(o, tax, from)
	if err != nil {
		return // the plan itself already failed on this refund
	}
	for _, l := range lines {
		t.ByTaxItem[l.taxItem] += l.amount
	}
}

// docSource is the source (Totals.BySource) of a document's expected
// figures: a receipt's is its purchase order, a cost of goods journal its own.
func docSource(d *txnDoc) string {
	if d.kind == kindItemReceipt && d.applyTo != "" {
		return d.applyTo
	}
	return d.key
}

// expectedSources are the sources this plan accounts for whole (Totals.Sources):
// every order, payout and purchase order of the input and, in summary
// inventory mode, the cost of goods journal of every open day its orders book on.
func (p *planner) expectedSources() []string {
	var out []string
	cogsDays := map[string]bool{}
	for i := range p.in.Orders {
		o := &p.in.Orders[i]
		out = append(out, o.ID)
		if p.set.InventoryMode != shopqb.Summary {
			continue
		}
		cogsDays[p.date(o.ProcessedAt)] = true
		for j := range o.Refunds {
			cogsDays[p.date(refundTime(&o.Refunds[j]))] = true
		}
		for _, ag := range o.Agreements {
			cogsDays[p.date(ag.HappenedAt)] = true
		}
	}
	for _, d := range sortedKeys(cogsDays) {
		if p.dayOpen(d) && !p.in.More { // a part's day journal is its last part's
			out = append(out, "cogs:"+d)
		}
	}
	for i := range p.in.Payouts {
		out = append(out, p.in.Payouts[i].ID)
	}
	for i := range p.in.PurchaseOrders {
		out = append(out, "po:"+numericID(p.in.PurchaseOrders[i].ID))
	}
	return out
}
