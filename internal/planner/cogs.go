package planner

import (
	"fmt"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// unitCost is a variant's cost as captured when the orders were read: the
// Variants snapshot first, then the cost carried on the line's variant.
func (p *planner) unitCost(v *shopify.ProductVariant) (money.Cents, bool) {
	if v == nil {
		return 0, false
	}
	if sv, ok := p.in.Variants[v.ID]; ok && sv.InventoryItem != nil && sv.InventoryItem.UnitCost != nil {
		return sv.InventoryItem.UnitCost.Amount, true
	}
	if v.InventoryItem != nil && v.InventoryItem.UnitCost != nil {
		return v.InventoryItem.UnitCost.Amount, true
	}
	return 0, false
}

// planCOGS is summary inventory mode's cost of goods: one journal entry per
// day, Dr COGS / Cr inventory asset for what was sold that day, less what was
// restocked by refunds that day. Detail inventory mode never gets one:
// QuickBooks books COGS from the inventory items itself, and doing both would
// count it twice.
func (p *planner) planCOGS() error {
	if p.set.InventoryMode != shopqb.Summary {
		return nil
	}
	byDate := p.carriedCOGS()
	if byDate == nil {
		byDate = map[string]money.Cents{}
	}
	missing := map[string]bool{}
	cost := func(o *shopify.Order, li *shopify.LineItem, qty int) money.Cents {
		if li.IsGiftCard || li.Variant == nil || qty == 0 {
			return 0
		}
		c, ok := p.unitCost(li.Variant)
		if !ok {
			if !missing[li.Variant.ID] {
				missing[li.Variant.ID] = true
				p.warnf("variant %s (%s) has no unit cost in Shopify: its cost of goods is booked as zero (first seen on order %s)",
					numericID(li.Variant.ID), cleanText(li.Name), o.Name)
			}
			return 0
		}
		return c * money.Cents(qty)
	}
	for _, o := range sortOrders(p.in.Orders) {
		if p.booked[o.ID] {
			d := p.date(o.ProcessedAt)
			for i := range o.LineItems {
				byDate[d] += cost(o, &o.LineItems[i], o.LineItems[i].Quantity)
			}
			// Units an edit removed were sold with the order (its quantity
			// keeps them) and come back on the day of the edit.
			for _, e := range p.edits[o.ID] {
				if e.waiting {
					continue
				}
				for _, r := range e.removed {
					if r.line != nil {
						byDate[p.date(e.ag.HappenedAt)] -= cost(o, r.line, r.qty)
					}
				}
			}
		}
		if p.beforeStart(o) && !o.Test {
			// The sale's cost is in the books kept before the start; what
			// an edit on or after it added leaves stock on the edit's day.
			for _, e := range p.edits[o.ID] {
				if e.early || e.waiting {
					continue
				}
				for _, a := range e.added {
					if a.line != nil {
						byDate[p.date(e.ag.HappenedAt)] += cost(o, a.line, a.qty)
					}
				}
			}
		}
		if o.Test {
			continue
		}
		lines := map[string]*shopify.LineItem{}
		for i := range o.LineItems {
			lines[o.LineItems[i].ID] = &o.LineItems[i]
		}
		for i := range o.Refunds {
			r := &o.Refunds[i]
			if !p.refundBooked(o, r) || p.editRefunds[r.ID] {
				continue
			}
			d := p.date(refundTime(r))
			for _, rli := range r.RefundLineItems {
				if li, ok := lines[rli.LineItem.ID]; ok && rli.Restocked {
					byDate[d] -= cost(o, li, rli.Quantity)
				}
			}
		}
	}
	if p.in.More {
		// Only the days of this plan are summed whole at the end: what
		// the orders book on other days is their own calls' to sum.
		p.carryOut.cogs = map[string]money.Cents{}
		for d, a := range byDate {
			if p.dayOpen(d) {
				p.carryOut.cogs[d] = a
			}
		}
		return nil
	}
	for _, d := range sortedKeys(byDate) {
		a := byDate[d]
		if a == 0 || !p.dayOpen(d) {
			continue
		}
		key := "cogs:" + d
		p.docs = append(p.docs, &txnDoc{key: key, kind: kindJournalEntry, date: d,
			ref: p.refNumber(key, summaryRef("C", d, ""), maxRefNumber), label: "cost of goods sold on " + d,
			je: []jeLine{
				{category: shopqb.COGS, amount: a, memo: fmt.Sprintf("Shopify cost of goods sold %s", d)},
				{category: shopqb.InventoryAsset, amount: -a, memo: fmt.Sprintf("Shopify cost of goods sold %s", d)},
			}})
	}
	return nil
}
