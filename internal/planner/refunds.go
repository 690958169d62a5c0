package planner

import (
	"time"

	"fmt"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// refundParts turns one refund into credit-memo lines and the money returned
// by gateway. Lines are amounts debited (reversed): returned products (through
// the variant's inventory item when restocked in detail inventory mode, so
// QuickBooks puts them back in stock; through a "not restocked" item
// otherwise), refunded shipping, order adjustments, and the refunded tax per
// jurisdiction. Refunds to gift cards or store credit are negative lines
// against the liability; real money is paid out by ARRefundCreditCard.
func (p *planner) refundParts(o *shopify.Order, r *shopify.Refund) (*parts, error) {
	ps := newParts()
	incl := o.TaxesIncluded
	lines := map[string]*shopify.LineItem{}
	for i := range o.LineItems {
		lines[o.LineItems[i].ID] = &o.LineItems[i]
	}
	tips := p.tipLines(o)
	var shipTax []shopify.TaxLine
	for _, sl := range o.ShippingLines {
		shipTax = append(shipTax, sl.TaxLines...)
	}
	for _, rli := range r.RefundLineItems {
		li, ok := lines[rli.LineItem.ID]
		if !ok {
			return nil, fmt.Errorf("order %s refund %s: refunded line %s is not on the order", o.Name, r.ID, rli.LineItem.ID)
		}
		sub, tax := rli.SubtotalSet.ShopMoney.Amount, rli.TotalTaxSet.ShopMoney.Amount
		if tips[li.ID] {
			// A refunded tip gives back the tips liability it was booked to.
			if tax != 0 {
				return nil, fmt.Errorf("order %s refund %s: the refunded tip %s carries %s of tax, but a tip is never taxed",
					o.Name, numericID(r.ID), cleanText(li.Name), tax)
			}
			if sub != 0 {
				ps.lines = append(ps.lines, docLine{item: p.fixedItem(itemTip), desc: "Refunded tip", amount: sub, category: shopqb.TipsPayable})
			}
			continue
		}
		net := sub
		if incl {
			net -= tax
		}
		item, cat := p.returnItem(o, li, rli.Restocked)
		desc := "Return " + cleanText(li.Name)
		if !rli.Restocked && !li.IsGiftCard {
			desc = "Refund (not restocked) " + cleanText(li.Name)
		}
		ps.lines = append(ps.lines, docLine{item: item, desc: desc, qty: rli.Quantity, amount: net, category: cat})
		tl, err := p.refundTaxLines(o, tax, li.TaxLines)
		if err != nil {
			return nil, err
		}
		ps.lines = append(ps.lines, tl...)
	}
	for _, rs := range r.RefundShippingLines {
		sub, tax := rs.SubtotalAmountSet.ShopMoney.Amount, rs.TaxAmountSet.ShopMoney.Amount
		net := sub
		if incl {
			net -= tax
		}
		if net != 0 {
			ps.lines = append(ps.lines, docLine{item: p.fixedItem(itemShipping), desc: "Refunded shipping", amount: net, category: shopqb.ShippingIncome})
		}
		tl, err := p.refundTaxLines(o, tax, shipTax)
		if err != nil {
			return nil, err
		}
		ps.lines = append(ps.lines, tl...)
	}
	for _, adj := range r.OrderAdjustments {
		a, tax := adj.AmountSet.ShopMoney.Amount, adj.TaxAmountSet.ShopMoney.Amount
		if a != 0 {
			ps.lines = append(ps.lines, docLine{item: p.fixedItem(itemRefundAdjust), desc: "Refund adjustment " + cleanText(adj.Reason),
				amount: a, category: shopqb.SalesIncome})
		}
		tl, err := p.refundTaxLines(o, tax, nil)
		if err != nil {
			return nil, err
		}
		ps.lines = append(ps.lines, tl...)
	}
	var refunded money.Cents
	for _, t := range r.Transactions {
		if !movesMoney(t) || t.Kind != "REFUND" {
			continue
		}
		a := t.AmountSet.ShopMoney.Amount.Abs()
		refunded += a
		if item, ok := liabilityItem(t.Gateway); ok {
			ps.lines = append(ps.lines, docLine{item: p.fixedItem(item), desc: "Refunded to " + gatewayLabel(t.Gateway),
				amount: -a, category: p.moneyCategory(t.Gateway)})
			continue
		}
		ps.payments[t.Gateway] += a
	}
	var paid money.Cents
	for _, a := range ps.payments {
		paid += a
	}
	if gap := paid - ps.sum(); gap != 0 && p.takeRefundRounding(o, gap) {
		// Cash paid back was rounded (totalCashRoundingAdjustment.refundSet):
		// the difference is over/short, not a wrong refund.
		ps.lines = append(ps.lines, docLine{item: p.fixedItem(itemCashRounding), desc: "Cash rounding", amount: gap, category: shopqb.CashOverShort})
	}
	if paid != ps.sum() {
		return nil, fmt.Errorf("order %s refund %s: refunded lines less gift cards and store credit come to %s but gateways paid back %s (refund transactions %s in all)",
			o.Name, numericID(r.ID), ps.sum(), paid, refunded)
	}
	if want := r.TotalRefundedSet.ShopMoney.Amount; want != refunded {
		return nil, fmt.Errorf("order %s refund %s: refund transactions total %s, Shopify's totalRefunded is %s", o.Name, numericID(r.ID), refunded, want)
	}
	return ps, nil
}

// takeRefundRounding uses up the order's cash rounding on refunds
// (totalCashRoundingAdjustment.refundSet, the amount cash refunds differ from
// what the returned parts were worth) to explain gap, when the order still
// has that much rounding of the same sign left. Refunds are booked in order,
// so each cent of rounding is used once.
func (p *planner) takeRefundRounding(o *shopify.Order, gap money.Cents) bool {
	left, seen := p.refundRounding[o.ID]
	if !seen {
		if o.TotalCashRoundingAdjustment != nil {
			left = o.TotalCashRoundingAdjustment.RefundSet.ShopMoney.Amount
		}
	}
	if left == 0 || (gap < 0) != (left < 0) || gap.Abs() > left.Abs() {
		p.refundRounding[o.ID] = left
		return false
	}
	p.refundRounding[o.ID] = left - gap
	return true
}

// returnItem picks the item a returned line is reversed through.
func (p *planner) returnItem(o *shopify.Order, li *shopify.LineItem, restocked bool) (string, shopqb.Category) {
	if li.IsGiftCard {
		return p.fixedItem(itemGiftCard), shopqb.GiftCardLiability
	}
	if p.set.InventoryMode == shopqb.Detail && !restocked && li.Variant != nil {
		return p.fixedItem(itemNoRestock), shopqb.SalesIncome
	}
	return p.productItem(o, *li)
}

// refundTaxLines spreads a refunded tax amount over the jurisdictions that
// charged it (the line's tax lines, else the order's), in proportion to what
// each charged, so every tax item gives back exactly its share.
func (p *planner) refundTaxLines(o *shopify.Order, tax money.Cents, from []shopify.TaxLine) ([]docLine, error) {
	if tax == 0 {
		return nil, nil
	}
	tls := mergeTaxLines(from)
	if sumTax(tls) == 0 {
		tls = mergeTaxLines(o.TaxLines)
	}
	if len(tls) == 0 {
		return nil, fmt.Errorf("order %s: %s of tax refunded but the order has no tax lines to return it to", o.Name, tax)
	}
	weights := make([]money.Cents, len(tls))
	for i, tl := range tls {
		weights[i] = tl.PriceSet.ShopMoney.Amount
	}
	var out []docLine
	for i, a := range money.Split(tax, weights) {
		if a == 0 {
			continue
		}
		key, name, err := p.taxItem(tls[i])
		if err != nil {
			return nil, fmt.Errorf("order %s: %w", o.Name, err)
		}
		out = append(out, docLine{item: key, desc: name, amount: a, category: shopqb.SalesTaxPayable, taxItem: name})
	}
	return out, nil
}

// refundTime is when the refund happened (processedAt from 2026-01, else createdAt).
func refundTime(r *shopify.Refund) time.Time {
	if r.ProcessedAt != nil {
		return *r.ProcessedAt
	}
	return r.CreatedAt
}

// refundBooked says whether a refund is booked: not before the start date,
// and not when it only undoes an order that was never booked without moving
// money (cancelling an unpaid order restocks but refunds nothing). A refund
// that moved money is always booked, even when its order predates the start.
func (p *planner) refundBooked(o *shopify.Order, r *shopify.Refund) bool {
	if o.Test || (p.set.StartDate != "" && p.date(refundTime(r)) < p.set.StartDate) {
		return false
	}
	if p.booked[o.ID] {
		return true
	}
	for _, t := range r.Transactions {
		if movesMoney(t) && t.Kind == "REFUND" && t.AmountSet.ShopMoney.Amount != 0 {
			return true
		}
	}
	return false
}

// planRefunds books every refund: in detail mode a CreditMemo per refund and
// an ARRefundCreditCard per gateway that paid money back; in summary mode the
// same per refund day × location.
func (p *planner) planRefunds() error {
	groups := carriedGroups(p.carry().refunds)
	for _, o := range sortOrders(p.in.Orders) {
		if o.Test {
			continue
		}
		for i := range o.Refunds {
			r := &o.Refunds[i]
			if p.editRefunds[r.ID] {
				continue // booked with the edit it paid back
			}
			if !p.refundBooked(o, r) {
				continue
			}
			date := p.date(refundTime(r))
			key := "refund:" + numericID(r.ID)
			ps, err := p.refundParts(o, r)
			if err != nil {
				p.failDoc(key, kindCreditMemo, date, "refund "+numericID(r.ID)+" of order "+o.Name, err)
				continue
			}
			if len(ps.lines) == 0 {
				continue
			}
			locID, locName := orderLocation(o)
			if p.set.SalesMode == shopqb.Detail {
				p.creditMemo(ps, key, date, p.refNumber(key, o.Name+"R", maxRefNumber), p.orderCustomer(o),
					p.classFor(locID, locName), "refund of order "+o.Name, "Shopify refund of order "+cleanText(o.Name))
				continue
			}
			if !p.dayOpen(date) {
				continue
			}
			k := date + ":" + locID
			g, ok := groups[k]
			if !ok {
				g = &summaryGroup{date: date, locID: locID, locName: locName, ps: newParts()}
				groups[k] = g
			}
			g.add(ps, cleanText(o.Name))
			p.cleared = append(p.cleared, key)
		}
	}
	if p.in.More {
		p.carryOut.refunds = groups // the day's last part books them
		return nil
	}
	for _, k := range sortedKeys(groups) {
		g := groups[k]
		key := "summary:refunds:" + g.date + ":" + g.locID
		from := len(p.docs)
		p.creditMemo(g.ps, key, g.date, p.refNumber(key, summaryRef("R", g.date, g.locID), maxRefNumber),
			p.locationCustomer(g.locID, g.locName), p.classFor(g.locID, g.locName),
			fmt.Sprintf("refunds of %s at %s", g.date, g.locName), summaryMemo("Shopify refunds", g.date, g.locName, g.orders))
		p.docs[from].orders = g.orders
	}
	return nil
}

// creditMemo adds the credit memo and one refund per gateway applied to it.
func (p *planner) creditMemo(ps *parts, key, date, ref, customer, class, label, memo string) {
	cm := &txnDoc{key: key, kind: kindCreditMemo, date: date, ref: ref, customer: customer, class: class,
		zeroTaxHeader: true, lines: ps.lines, label: label, memo: memo, src: ps.clone()}
	p.docs = append(p.docs, cm)
	for _, g := range sortedKeys(ps.payments) {
		a := ps.payments[g]
		if a == 0 {
			continue
		}
		rk := key + ":payment:" + g
		p.docs = append(p.docs, &txnDoc{key: rk, kind: kindARRefund, date: date, ref: ref, customer: customer,
			account: shopqb.ClearingCategory(g), paymentMethod: p.paymentMethod(g), applyTo: key, refund: a,
			deps: []string{key}, label: label, memo: "Refund by " + gatewayLabel(g) + ": " + memo, parent: key})
	}
}
