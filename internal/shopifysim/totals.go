package shopifysim

import (
	"github.com/shopqb/shopqb/internal/money"
)

// TaxKey identifies a tax jurisdiction the way QuickBooks sales-tax items
// are keyed: Shopify's title and rate.
type TaxKey struct {
	Title string
	Rate  string
}

// Totals are Shopify's own figures, summed from the order-level fields
// Shopify reports (not recomputed), so reconciliation compares QuickBooks
// with what Shopify says. All amounts are shop money.
type Totals struct {
	Orders    int
	Cancelled int
	Refunds   int // refund documents

	GrossSales    money.Cents // Σ originalTotal of lines other than gift cards and tips
	Discounts     money.Cents // Σ totalDiscountsSet
	Subtotal      money.Cents // Σ subtotalPriceSet
	Tax           money.Cents // Σ totalTaxSet
	TaxByLine     map[TaxKey]money.Cents
	Shipping      money.Cents // Σ totalShippingPriceSet
	Tips          money.Cents // Σ totalTipReceivedSet
	TipLines      int         // tip line items (the way POS carries a tip)
	TipRefunds    int         // refund lines that give a tip back
	GiftCardsSold money.Cents // Σ discounted totals of isGiftCard lines
	TotalPrice    money.Cents // Σ totalPriceSet

	// PaymentsByGateway is money received per gateway: SUCCESS SALE and
	// CAPTURE less CHANGE given back.
	PaymentsByGateway map[string]money.Cents
	// RefundsByGateway is SUCCESS REFUND transactions per gateway.
	RefundsByGateway map[string]money.Cents
	Refunded         money.Cents // Σ totalRefundedSet
	CashRounding     money.Cents // Σ totalCashRoundingAdjustment.paymentSet
	Fees             money.Cents // Σ Shopify Payments fees on order transactions

	// PayoutsNet is the bank effect of every payout (withdrawals negative);
	// PayoutNets the same per payout GID.
	PayoutsNet money.Cents
	PayoutNets map[string]money.Cents
}

// ComputeTotals sums the documents in data.
func ComputeTotals(data *Data) Totals {
	t := Totals{TaxByLine: map[TaxKey]money.Cents{}, PaymentsByGateway: map[string]money.Cents{},
		RefundsByGateway: map[string]money.Cents{}, PayoutNets: map[string]money.Cents{}}
	for _, o := range data.Orders {
		if o.Test {
			continue
		}
		t.Orders++
		if o.CancelledAt != nil {
			t.Cancelled++
		}
		t.Refunds += len(o.Refunds)
		tips := map[string]bool{}
		for _, li := range o.LineItems {
			tips[li.ID] = isTipLine(li)
		}
		for _, r := range o.Refunds {
			for _, rl := range r.RefundLineItems {
				if tips[rl.LineItem.ID] {
					t.TipRefunds++
				}
			}
		}
		for _, li := range o.LineItems {
			if li.IsGiftCard {
				t.GiftCardsSold += lineBase(li)
				continue
			}
			if isTipLine(li) {
				t.TipLines++
				continue // a tip is not a sale (Tips holds it)
			}
			t.GrossSales += li.OriginalTotalSet.ShopMoney.Amount
		}
		t.Discounts += o.TotalDiscountsSet.ShopMoney.Amount
		t.Subtotal += o.SubtotalPriceSet.ShopMoney.Amount
		t.Tax += o.TotalTaxSet.ShopMoney.Amount
		for _, tl := range o.TaxLines {
			t.TaxByLine[TaxKey{tl.Title, string(tl.Rate)}] += tl.PriceSet.ShopMoney.Amount
		}
		t.Shipping += o.TotalShippingPriceSet.ShopMoney.Amount
		t.Tips += o.TotalTipReceivedSet.ShopMoney.Amount
		t.TotalPrice += o.TotalPriceSet.ShopMoney.Amount
		t.Refunded += o.TotalRefundedSet.ShopMoney.Amount
		if o.TotalCashRoundingAdjustment != nil {
			t.CashRounding += o.TotalCashRoundingAdjustment.PaymentSet.ShopMoney.Amount
		}
		for _, tx := range o.Transactions {
			if tx.Status != "SUCCESS" {
				continue
			}
			amt := tx.AmountSet.ShopMoney.Amount
			switch tx.Kind {
			case "SALE", "CAPTURE":
				t.PaymentsByGateway[tx.Gateway] += amt
			case "CHANGE":
				t.PaymentsByGateway[tx.Gateway] -= amt
			case "REFUND":
				t.RefundsByGateway[tx.Gateway] += amt
			}
			for _, f := range tx.Fees {
				t.Fees += f.Amount.Amount + f.TaxAmount.Amount
			}
		}
	}
	for _, p := range data.Payouts {
		n := PayoutSignedNet(p)
		t.PayoutsNet += n
		t.PayoutNets[p.ID] = n
	}
	return t
}
