package planner

import (
	"fmt"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// bookable says whether an order's sale is booked at all: test orders never
// are, and an order without any money-moving sale transaction yet (pending,
// or cancelled before payment) waits, with a warning, instead of guessing.
func (p *planner) bookable(o *shopify.Order) bool {
	if o.Test {
		return false
	}
	if p.beforeStart(o) {
		return false
	}
	pay := salePayments(o)
	var paid int64
	for _, a := range pay {
		paid += int64(a)
	}
	total := o.TotalPriceSet.ShopMoney.Amount
	if o.TotalCashRoundingAdjustment != nil {
		total += o.TotalCashRoundingAdjustment.PaymentSet.ShopMoney.Amount
	}
	if int64(total) != paid {
		switch {
		case o.CancelledAt != nil && paid == 0:
			p.warnf("order %s was cancelled before payment: nothing to book", o.Name)
		case paid < int64(total):
			p.warnf("order %s is not fully paid (paid %s of %s, status %s): it will be booked once paid",
				o.Name, money.Cents(paid), total, o.DisplayFinancialStatus)
		default:
			p.warnf("order %s took %s in payments but its total is %s: it is not booked until Shopify's figures agree",
				o.Name, money.Cents(paid), total)
		}
		return false
	}
	return true
}

// beforeStart says whether an order was processed before the start date: its
// sale is not booked, but its refunds and edits on or after the start are.
func (p *planner) beforeStart(o *shopify.Order) bool {
	return p.set.StartDate != "" && p.date(o.ProcessedAt) < p.set.StartDate
}

// planLateEdits books the edits, on or after the start date, of an order
// processed before it: each is the same adjustment as an edit of a booked
// order (what it added or took away, and the money for it), dated when it
// happened. Edits before the start are in the books the merchant kept before
// shopqb, with the sale.
// An edit that does not add up fails alone, like any other.
func (p *planner) planLateEdits(o *shopify.Order, edits []orderEdit) {
	for i := range edits {
		e := &edits[i]
		if p.date(e.ag.HappenedAt) < p.set.StartDate {
			e.early = true
			continue
		}
		if err := p.planEdit(o, e); err != nil {
			p.failDoc("order:"+numericID(o.ID)+":adjust:"+numericID(e.ag.ID), kindSalesReceipt,
				p.date(e.ag.HappenedAt), "edit of order "+o.Name, err)
		}
	}
}

// lateEdit is the first edit on or after the start date of an order, if any.
func (p *planner) lateEdit(o *shopify.Order) *shopify.SalesAgreement {
	for i := range o.Agreements {
		if ag := &o.Agreements[i]; ag.Reason == "ORDER_EDIT" && p.date(ag.HappenedAt) >= p.set.StartDate {
			return ag
		}
	}
	return nil
}

// planSales books every bookable order: one receipt per order in detail
// sales mode, one per day × location in summary mode. An order that does not
// add up fails alone (failDoc); the rest of the day is booked.
func (p *planner) planSales() error {
	groups := carriedGroups(p.carry().sales)
	for _, o := range sortOrders(p.in.Orders) {
		if o.Test {
			continue
		}
		saleKey := "order:" + numericID(o.ID) + ":sale"
		label := "order " + o.Name
		edits, consumed, err := p.orderEdits(o)
		if err != nil {
			if !p.beforeStart(o) {
				p.failDoc(saleKey, kindSalesReceipt, p.date(o.ProcessedAt), label, err)
			} else if ag := p.lateEdit(o); ag != nil {
				// Only the edits on or after the start are booked: they fail.
				p.failDoc("order:"+numericID(o.ID)+":adjust:"+numericID(ag.ID), kindSalesReceipt, p.date(ag.HappenedAt),
					"edit of order "+o.Name, err)
			}
			continue
		}
		p.edits[o.ID] = edits
		for id := range consumed {
			p.editRefunds[id] = true
		}
		if p.beforeStart(o) {
			// The sale is in the books already (it predates shopqb), but
			// what happened to it on or after the start is not.
			p.planLateEdits(o, edits)
			continue
		}
		if !p.bookable(o) {
			continue
		}
		// The sale first: an order that does not add up fails alone, and
		// nothing of it (edits, cost of goods) is booked.
		var receipt *txnDoc
		var ps *parts
		if p.set.SalesMode == shopqb.Detail {
			receipt, err = p.salesReceiptForOrder(o)
		} else {
			ps, err = p.saleParts(o)
		}
		if err != nil {
			p.failDoc(saleKey, kindSalesReceipt, p.date(o.ProcessedAt), label, err)
			continue
		}
		p.booked[o.ID] = true
		for i := range edits {
			if err := p.planEdit(o, &edits[i]); err != nil {
				p.failDoc("order:"+numericID(o.ID)+":adjust:"+numericID(edits[i].ag.ID), kindSalesReceipt,
					p.date(edits[i].ag.HappenedAt), "edit of order "+o.Name, err)
			}
		}
		if receipt != nil {
			p.addReceipt(receipt)
			continue
		}
		date := p.date(o.ProcessedAt)
		if !p.dayOpen(date) {
			continue
		}
		locID, locName := orderLocation(o)
		k := date + ":" + locID
		g, ok := groups[k]
		if !ok {
			g = &summaryGroup{date: date, locID: locID, locName: locName, ps: newParts()}
			groups[k] = g
		}
		g.add(ps, cleanText(o.Name))
		p.cleared = append(p.cleared, saleKey)
	}
	if p.in.More {
		p.carryOut.sales = groups // the day's last part books them
		return nil
	}
	for _, k := range sortedKeys(groups) {
		g := groups[k]
		key := "summary:sales:" + g.date + ":" + g.locID
		d := p.receiptFromParts(g.ps, key, g.date, p.refNumber(key, summaryRef("S", g.date, g.locID), maxRefNumber),
			p.locationCustomer(g.locID, g.locName), p.classFor(g.locID, g.locName))
		d.label = fmt.Sprintf("sales of %s at %s", g.date, g.locName)
		d.memo = summaryMemo("Shopify sales", g.date, g.locName, g.orders)
		d.orders = g.orders
		p.addReceipt(d)
	}
	return nil
}

// summaryRef is a RefNumber for a day × location summary: a letter, the date
// as YYMMDD and the end of the location id, within 11 characters.
func summaryRef(prefix, date, locID string) string {
	d := strings.ReplaceAll(date, "-", "")
	if len(d) == 8 {
		d = d[2:]
	}
	if locID == "" {
		return prefix + d
	}
	if locID == "online" {
		locID = "web"
	}
	if len(locID) > 3 {
		locID = locID[len(locID)-3:]
	}
	return prefix + d + "-" + locID
}

// summaryMemo lists the orders a summary covers, so an accountant can trace it.
func summaryMemo(what, date, loc string, orders []string) string {
	m := fmt.Sprintf("%s %s %s: %d orders: %s", what, date, cleanText(loc), len(orders), strings.Join(orders, " "))
	return truncate(m, 4095)
}

// addReceipt keeps a sales receipt unless it has no lines at all (an order
// with nothing on it), which QuickBooks cannot record and nothing needs.
func (p *planner) addReceipt(d *txnDoc) {
	if len(d.lines) == 0 {
		p.warnf("%s has no lines: nothing to book", d.label)
		return
	}
	p.docs = append(p.docs, d)
}
