package shopifysim

import (
	"fmt"
	"strings"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// This file is the one place the simulator does Shopify's arithmetic. The
// rules it follows, so every figure a client sees can be recomputed from the
// parts:
//   - a line's base is originalUnitPrice × quantity minus every discount
//     allocated to it; order-level discounts are spread over eligible lines in
//     proportion to their amount after line discounts, pennies to the largest
//     (money.Split), and gift-card lines never take discounts or tax;
//   - tax is computed per line and per jurisdiction and rounded half-up there,
//     once; the order's TaxLines are the per-(title, rate) sums. Because each
//     line's pennies are fixed when the line is sold, an edit that adds a line
//     never re-spreads earlier pennies (Shopify's ledger promises the same);
//   - with taxesIncluded the base already contains the tax: tax is
//     base × rate / (1 + Σ rates);
//   - subtotal = Σ line bases; totalPrice = subtotal + shipping + tax (when
//     not included) + tips. Tips are not line items here (see FIXTURES.md).

// ppmDenominator is one million: rates and shares are held in millionths.
const ppmDenominator = 1_000_000

// mulDivRound returns round-half-up(a × num / den) for a ≥ 0, den > 0.
func mulDivRound(a money.Cents, num, den int64) money.Cents {
	if a < 0 {
		return -mulDivRound(-a, num, den)
	}
	return money.Cents((int64(a)*num*2 + den) / (2 * den))
}

// taxFor is one jurisdiction's tax on base.
func taxFor(base money.Cents, rate int64, inclusive bool, sumRates int64) money.Cents {
	if base <= 0 || rate <= 0 {
		return 0
	}
	if inclusive {
		return mulDivRound(base, rate, ppmDenominator+sumRates)
	}
	return mulDivRound(base, rate, ppmDenominator)
}

func ppmFraction(ppm int64) string {
	s := fmt.Sprintf("%d.%06d", ppm/ppmDenominator, ppm%ppmDenominator)
	s = strings.TrimRight(s, "0")
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	return s
}

func ppmPercent(ppm int64) string {
	s := fmt.Sprintf("%d.%04d", ppm/10_000, ppm%10_000)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func bag(c money.Cents, currency string) shopify.MoneyBag {
	m := shopify.Money{Amount: c, CurrencyCode: currency}
	return shopify.MoneyBag{ShopMoney: m, PresentmentMoney: m}
}

func taxLine(j Jurisdiction, amount money.Cents, currency string) shopify.TaxLine {
	return shopify.TaxLine{Title: j.Title, Rate: shopify.DecimalText(j.Rate()), RatePercentage: shopify.DecimalText(j.RatePercentage()), PriceSet: bag(amount, currency)}
}

// lineBase is what the customer pays for a line before tax is added.
func lineBase(li shopify.LineItem) money.Cents {
	base := li.OriginalTotalSet.ShopMoney.Amount
	for _, a := range li.DiscountAllocations {
		base -= a.AllocatedAmountSet.ShopMoney.Amount
	}
	return base
}

func sumTax(lines []shopify.TaxLine) money.Cents {
	var t money.Cents
	for _, tl := range lines {
		t += tl.PriceSet.ShopMoney.Amount
	}
	return t
}

// lineTaxes prices one line's tax lines under the given jurisdictions.
func lineTaxes(base money.Cents, taxable bool, rates []Jurisdiction, inclusive bool, currency string) []shopify.TaxLine {
	out := []shopify.TaxLine{}
	if !taxable {
		return out
	}
	var sum int64
	for _, j := range rates {
		sum += j.PPM
	}
	for _, j := range rates {
		out = append(out, taxLine(j, taxFor(base, j.PPM, inclusive, sum), currency))
	}
	return out
}

// retotal recomputes every order-level figure that derives from the lines,
// shipping, transactions and refunds. It is called after building, editing
// or refunding an order, so the snapshot is always self-consistent.
func retotal(o *shopify.Order) {
	cur := o.CurrencyCode
	var subtotal, discounts, shipping money.Cents
	type key struct{ title, rate string }
	agg := map[key]*shopify.TaxLine{}
	var order []key
	addTax := func(tls []shopify.TaxLine) {
		for _, tl := range tls {
			k := key{tl.Title, string(tl.Rate)}
			if agg[k] == nil {
				c := tl
				c.PriceSet = bag(0, cur)
				agg[k] = &c
				order = append(order, k)
			}
			agg[k].PriceSet = bag(agg[k].PriceSet.ShopMoney.Amount+tl.PriceSet.ShopMoney.Amount, cur)
		}
	}
	var tips money.Cents
	tipLines := false
	subtotalQty := 0
	for i := range o.LineItems {
		li := &o.LineItems[i]
		if isTipLine(*li) {
			// A tip is not part of the subtotal (subtotalPriceSet and
			// subtotalLineItemsQuantity leave it out) and is never fulfillable.
			tips += lineBase(*li)
			tipLines = true
			nf := li.Quantity
			li.NonFulfillableQuantity = &nf
			continue
		}
		if !li.IsGiftCard {
			subtotalQty += li.Quantity
		}
		// Refunded and removed units can no longer be fulfilled.
		nf := li.Quantity - li.CurrentQuantity
		li.NonFulfillableQuantity = &nf
	}
	o.SubtotalLineItemsQuantity = &subtotalQty
	if tipLines {
		o.TotalTipReceivedSet = bag(tips, cur)
	}
	for _, li := range o.LineItems {
		if isTipLine(li) {
			continue
		}
		subtotal += lineBase(li)
		for _, a := range li.DiscountAllocations {
			discounts += a.AllocatedAmountSet.ShopMoney.Amount
		}
		addTax(li.TaxLines)
	}
	for _, sl := range o.ShippingLines {
		if sl.IsRemoved {
			continue
		}
		shipping += sl.DiscountedPriceSet.ShopMoney.Amount
		addTax(sl.TaxLines)
	}
	o.TaxLines = []shopify.TaxLine{}
	var tax money.Cents
	for _, k := range order {
		o.TaxLines = append(o.TaxLines, *agg[k])
		tax += agg[k].PriceSet.ShopMoney.Amount
	}
	total := subtotal + shipping + o.TotalTipReceivedSet.ShopMoney.Amount
	if !o.TaxesIncluded {
		total += tax
	}
	o.SubtotalPriceSet = bag(subtotal, cur)
	o.TotalDiscountsSet = bag(discounts, cur)
	o.TotalShippingPriceSet = bag(shipping, cur)
	o.TotalTaxSet = bag(tax, cur)
	o.TotalPriceSet = bag(total, cur)
	o.TotalTipReceivedSet = bag(o.TotalTipReceivedSet.ShopMoney.Amount, cur)

	var received, refunded money.Cents
	gateways := []string{}
	seen := map[string]bool{}
	for _, t := range o.Transactions {
		if t.Status != "SUCCESS" {
			continue
		}
		switch t.Kind {
		case "SALE", "CAPTURE":
			received += t.AmountSet.ShopMoney.Amount
		case "CHANGE":
			received -= t.AmountSet.ShopMoney.Amount
		}
		if (t.Kind == "SALE" || t.Kind == "CAPTURE") && !seen[t.Gateway] {
			seen[t.Gateway] = true
			gateways = append(gateways, t.Gateway)
		}
	}
	for _, r := range o.Refunds {
		refunded += r.TotalRefundedSet.ShopMoney.Amount
	}
	o.PaymentGatewayNames = gateways
	o.TotalReceivedSet = bag(received, cur)
	o.TotalRefundedSet = bag(refunded, cur)
	o.CurrentTotalPriceSet = bag(total-refunded, cur)
	due := total // what the customer owes once cash rounding is applied
	if o.TotalCashRoundingAdjustment != nil {
		due += o.TotalCashRoundingAdjustment.PaymentSet.ShopMoney.Amount
	}
	switch {
	case refunded > 0 && refunded >= received:
		o.DisplayFinancialStatus = "REFUNDED"
	case refunded > 0:
		o.DisplayFinancialStatus = "PARTIALLY_REFUNDED"
	case received >= due || total == 0:
		o.DisplayFinancialStatus = "PAID"
	case received > 0:
		o.DisplayFinancialStatus = "PARTIALLY_PAID"
	default:
		o.DisplayFinancialStatus = "PENDING"
	}
}

// FinishOrder recomputes the order-level totals (subtotal, discounts,
// shipping, tax lines, total, received, refunded, financial status) from an
// order's lines, shipping lines, tips, transactions and refunds, exactly as
// the generator does. Use it before AddOrder when building an order by hand.
func FinishOrder(o *shopify.Order) { retotal(o) }

func centsOf(n int) money.Cents { return money.Cents(n) }
