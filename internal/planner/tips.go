package planner

import (
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// Tips. In Shopify's 2026-10 schema a tip is a line item: the sales ledger's
// TipSale has a non-null lineItem, returns refund a tip by tipLineId, and the
// schema says tips are non-fulfillable lines left out of
// subtotalLineItemsQuantity. The same money is also totalTipReceivedSet, so
// a tip line booked as merchandise would count the tip twice. A tip is owed
// to staff: it is booked once, to tips payable, never to sales or sales tax,
// and a refunded tip gives back that same liability.

// tipLines returns the ids of an order's tip line items (memoised per
// order, as sales, refunds and the expected totals all ask).
func (p *planner) tipLines(o *shopify.Order) map[string]bool {
	if t, ok := p.tips[o.ID]; ok {
		return t
	}
	t := findTipLines(o)
	p.tips[o.ID] = t
	return t
}

// findTipLines tells which of an order's lines are tips. The agreements say
// so outright (a TipSale, or a sale of line type TIP, names its line item).
// Without them the schema's own marks are used: a tip has no variant, is not
// a gift card, needs no shipping, carries no tax and can never be fulfilled,
// and together such lines must come to exactly the order's
// totalTipReceivedSet; when subtotalLineItemsQuantity was read, their units
// must also be the ones it leaves out. An order whose tip is not on any line
// (older shapes) has none, and its tip is booked from totalTipReceivedSet.
func findTipLines(o *shopify.Order) map[string]bool {
	out := map[string]bool{}
	onOrder := map[string]bool{}
	for _, li := range o.LineItems {
		onOrder[li.ID] = true
	}
	for _, ag := range o.Agreements {
		for _, s := range ag.Sales {
			if (s.Typename == "TipSale" || s.LineType == "TIP") && s.LineItem != nil && onOrder[s.LineItem.ID] {
				out[s.LineItem.ID] = true
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	tip := o.TotalTipReceivedSet.ShopMoney.Amount
	if tip == 0 {
		return out
	}
	var sum money.Cents
	units, left := 0, 0
	for _, li := range o.LineItems {
		if !li.IsGiftCard {
			left += li.Quantity
		}
		if !looksLikeTip(li) {
			continue
		}
		out[li.ID] = true
		sum += li.OriginalTotalSet.ShopMoney.Amount
		units += li.Quantity
	}
	if sum != tip {
		return map[string]bool{}
	}
	if q := o.SubtotalLineItemsQuantity; q != nil && *q > 0 && left-*q != units {
		// The subtotal counts these units: they are sold, not tipped.
		return map[string]bool{}
	}
	return out
}

// looksLikeTip is what the schema says of every tip line: no product
// variant, not a gift card, nothing to ship, no tax, and not fulfillable.
func looksLikeTip(li shopify.LineItem) bool {
	if li.Variant != nil || li.IsGiftCard || li.RequiresShipping || li.Quantity <= 0 {
		return false
	}
	if sumTax(li.TaxLines) != 0 || len(li.DiscountAllocations) > 0 {
		return false
	}
	return li.NonFulfillableQuantity == nil || *li.NonFulfillableQuantity >= li.Quantity
}
