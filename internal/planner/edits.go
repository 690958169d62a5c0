package planner

import (
	"fmt"
	"sort"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// orderEdit is one ORDER_EDIT agreement of an order: the lines it changed
// and the money taken (or paid back) because of it. The receipt already
// posted for the order is never edited; the edit is booked as its own
// adjustment posting dated when it happened.
type orderEdit struct {
	ag *shopify.SalesAgreement
	ps *parts
	// charges are the item and tax lines of what the edit added (no money),
	// and salePay the sale-time money by gateway taken after it: both are
	// taken out of the original sale. What an edit removed stays in the
	// sale: Shopify keeps removed units on the order (lineItems.quantity
	// includes them, totalPriceSet is before removals), so the receipt books
	// the order as it was sold and the edit takes them back.
	charges []docLine
	salePay map[string]money.Cents
	// removed are the units the edit took off, for summary-mode cost of
	// goods: unfulfilled units only can be removed, so they never left stock.
	removed []removedUnits
	// added are the units the edit put on, for the cost of goods of an
	// edit of an order sold before the start date (planCOGS).
	added []removedUnits
	// refunds are the ids of the refunds without lines that paid it back;
	// waiting is set when an edit that took away has not been paid back in
	// full yet: it is booked, with its refunds, once it has.
	refunds map[string]bool
	waiting bool
	// early is set on an edit before the start date of an order processed
	// before it: neither is booked (planLateEdits).
	early bool
}

// removedUnits is a quantity an order edit took off (or put on) a line.
type removedUnits struct {
	line *shopify.LineItem
	qty  int
}

// removes says whether an edit's sale takes something away: Shopify books a
// removal as a RETURN (or UPDATE) sale with a negative quantity or amount.
func removes(s shopify.Sale) bool {
	if s.Quantity != nil && *s.Quantity < 0 {
		return true
	}
	return s.TotalAmount.ShopMoney.Amount < 0
}

// orderEdits splits an order's history at its edits. Each edit's lines come
// from the agreement's sales (amount net of tax on the line's item, tax per
// jurisdiction); each sale-time transaction belongs to the last agreement
// processed before it, and a refund without lines (money returned because an
// edit removed something) belongs to the last edit before it. It returns the
// edits and the ids of the refunds they consumed.
func (p *planner) orderEdits(o *shopify.Order) ([]orderEdit, map[string]bool, error) {
	var edits []orderEdit
	for i := range o.Agreements {
		if ag := &o.Agreements[i]; ag.Reason == "ORDER_EDIT" {
			edits = append(edits, orderEdit{ag: ag, ps: newParts(), salePay: map[string]money.Cents{}, refunds: map[string]bool{}})
		}
	}
	if len(edits) == 0 {
		return nil, nil, nil
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].ag.HappenedAt.Before(edits[j].ag.HappenedAt) })
	lines := map[string]*shopify.LineItem{}
	for i := range o.LineItems {
		lines[o.LineItems[i].ID] = &o.LineItems[i]
	}
	for ei := range edits {
		e := &edits[ei]
		for _, s := range e.ag.Sales {
			from := len(e.ps.lines)
			total, tax := s.TotalAmount.ShopMoney.Amount, s.TotalTaxAmount.ShopMoney.Amount
			qty := 0
			if s.Quantity != nil {
				qty = *s.Quantity
			}
			var item string
			cat := shopqb.SalesIncome
			desc := "Order edit"
			switch s.LineType {
			case "PRODUCT", "GIFT_CARD":
				li := (*shopify.LineItem)(nil)
				if s.LineItem != nil {
					li = lines[s.LineItem.ID]
				}
				if li == nil {
					return nil, nil, fmt.Errorf("order %s edit %s: sale %s refers to a line that is not on the order", o.Name, e.ag.ID, s.ID)
				}
				item, cat = p.productItem(o, *li)
				desc = "Order edit: " + cleanText(li.Name)
			case "SHIPPING":
				item, cat = p.fixedItem(itemShipping), shopqb.ShippingIncome
			case "TIP":
				item, cat = p.fixedItem(itemTip), shopqb.TipsPayable
			default:
				item = p.fixedItem(itemRefundAdjust)
			}
			e.ps.lines = append(e.ps.lines, docLine{item: item, desc: desc, qty: qty, amount: total - tax, category: cat})
			var taxed money.Cents
			for _, st := range s.Taxes {
				key, name, err := p.taxItem(st.TaxLine)
				if err != nil {
					return nil, nil, fmt.Errorf("order %s edit %s: %w", o.Name, e.ag.ID, err)
				}
				a := st.Amount.ShopMoney.Amount
				taxed += a
				if a != 0 {
					e.ps.lines = append(e.ps.lines, docLine{item: key, desc: name, amount: a, category: shopqb.SalesTaxPayable, taxItem: name})
				}
			}
			if taxed != tax {
				return nil, nil, fmt.Errorf("order %s edit %s: sale %s has tax %s but its tax lines add up to %s", o.Name, e.ag.ID, s.ID, tax, taxed)
			}
			if !removes(s) {
				e.charges = append(e.charges, e.ps.lines[from:]...)
				if s.LineType == "PRODUCT" && qty > 0 {
					e.added = append(e.added, removedUnits{line: lines[s.LineItem.ID], qty: qty})
				}
				continue
			}
			if s.LineType == "PRODUCT" && qty < 0 {
				e.removed = append(e.removed, removedUnits{line: lines[s.LineItem.ID], qty: -qty})
			}
		}
	}
	editAt := func(t shopify.OrderTransaction) int {
		at := -1
		for i, e := range edits {
			if !e.ag.HappenedAt.After(t.ProcessedAt) {
				at = i
			}
		}
		return at
	}
	for _, t := range o.Transactions {
		if !movesMoney(t) || t.Kind == "REFUND" {
			continue
		}
		if i := editAt(t); i >= 0 {
			a := t.AmountSet.ShopMoney.Amount
			if t.Kind == "CHANGE" {
				a = -a.Abs()
			}
			edits[i].ps.addMoney(p, t.Gateway, a)
			edits[i].salePay[t.Gateway] += a
		}
	}
	consumed := map[string]bool{}
	for _, r := range o.Refunds {
		if len(r.RefundLineItems) > 0 || len(r.RefundShippingLines) > 0 || len(r.OrderAdjustments) > 0 {
			continue
		}
		for _, t := range r.Transactions {
			if !movesMoney(t) || t.Kind != "REFUND" {
				continue
			}
			if i := editAt(t); i >= 0 {
				edits[i].ps.addMoney(p, t.Gateway, -t.AmountSet.ShopMoney.Amount.Abs())
				edits[i].refunds[r.ID] = true
				consumed[r.ID] = true
			}
		}
	}
	return edits, consumed, nil
}

// addMoney books money on parts: liabilities as lines, real gateways as payments.
func (ps *parts) addMoney(p *planner, gateway string, a money.Cents) {
	if item, ok := liabilityItem(gateway); ok {
		ps.lines = append(ps.lines, docLine{item: p.fixedItem(item), desc: "Paid by " + gatewayLabel(gateway), amount: -a, category: p.moneyCategory(gateway)})
		return
	}
	ps.payments[gateway] += a
}

// planEdit books an edit of a booked order as an adjustment dated when it
// happened: a SalesReceipt when it added to the order, a CreditMemo with its
// refunds when it took away. An edit that took away more than Shopify has
// paid back so far waits (with a warning) rather than leave the customer's
// credit half refunded in the books; the sale stays booked as sold.
func (p *planner) planEdit(o *shopify.Order, e *orderEdit) error {
	key := "order:" + numericID(o.ID) + ":adjust:" + numericID(e.ag.ID)
	var paid money.Cents
	for _, a := range e.ps.payments {
		paid += a
	}
	if sum := e.ps.sum(); sum < 0 && paid <= 0 && paid > sum {
		p.warnf("order %s edit %s took away %s but Shopify has paid back %s of it so far: the edit is booked once the refund is complete",
			o.Name, numericID(e.ag.ID), -sum, -paid)
		e.waiting = true
		for id := range e.refunds {
			p.waitingRefunds[id] = true
		}
		return nil
	}
	if paid != e.ps.sum() {
		return fmt.Errorf("order %s edit %s: after gift cards and store credit the edit changed the order by %s, but gateways took or paid back %s for it",
			o.Name, numericID(e.ag.ID), e.ps.sum(), paid)
	}
	date := p.date(e.ag.HappenedAt)
	locID, locName := orderLocation(o)
	ref := p.refNumber(key, o.Name+"E", maxRefNumber)
	label := "edit of order " + o.Name
	memo := "Shopify order " + cleanText(o.Name) + " edited"
	if e.ps.sum() >= 0 && paid >= 0 {
		d := p.receiptFromParts(e.ps, key, date, ref, p.orderCustomer(o), p.classFor(locID, locName))
		d.label, d.memo = label, memo
		p.addReceipt(d)
		return nil
	}
	if len(e.ps.lines) == 0 && len(e.ps.payments) == 0 {
		return nil
	}
	neg := newParts()
	for _, l := range e.ps.lines {
		l.amount = -l.amount
		l.qty = -l.qty
		neg.lines = append(neg.lines, l)
	}
	for g, a := range e.ps.payments {
		neg.payments[g] = -a
	}
	p.creditMemo(neg, key, date, ref, p.orderCustomer(o), p.classFor(locID, locName), label, memo)
	return nil
}
