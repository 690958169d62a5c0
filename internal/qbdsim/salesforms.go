package qbdsim

import (
	"github.com/shopqb/shopqb/internal/money"
)

// lineAmountAfter are the line fields that precede Amount in schema order.
var lineAmountAfter = []string{"TxnLineID", "ItemRef", "Desc", "Quantity", "UnitOfMeasure", "Rate", "RatePercent", "PriceLevelRef", "ClassRef"}

// salesForm posts a sales receipt, invoice or credit memo. sign is +1 for a
// sale and -1 for a credit memo, which reverses every line and restocks
// inventory at the current average cost.
func (c *Company) salesForm(kind string, rq *node, sign money.Cents) (*node, error) {
	t, body, err := c.txnStart(kind, rq)
	if err != nil {
		return nil, err
	}
	if kind != "SalesReceipt" && t.EntityID == "" {
		return nil, stErr(stMissingElement, "There is a missing element: \"CustomerRef\".")
	}
	if body.has(kind + "LineGroupAdd") {
		return nil, stErr(stFeatureOff, "Group item lines are not supported by this company file simulator.")
	}
	lines := body.children(kind + "LineAdd")
	if len(lines) == 0 && kind != "Invoice" {
		return nil, stErr(stMissingElement, "There is a missing element: \"%sLineAdd\".", kind)
	}
	stp := c.special("SalesTaxPayable")
	customer := c.st.byID[t.EntityID]
	var (
		total, sinceSubtotal, prevAmount, taxableTotal money.Cents
		prevWasTax                                     bool
	)
	post := func(acct string, amt money.Cents, item string) {
		if amt != 0 {
			t.Splits = append(t.Splits, split{Account: acct, Amount: amt, Item: item})
		}
	}
	for _, line := range lines {
		c.lineRet(line, kind+"LineRet")
		lineID := line.text("TxnLineID")
		item := c.refRecord(line, "ItemRef")
		amt, hasAmt, err := optAmount(line, "Amount")
		if err != nil {
			return nil, err
		}
		qty, hasQty, err := optDec5(line, "Quantity")
		if err != nil {
			return nil, err
		}
		rate, hasRate, err := optDec5(line, "Rate")
		if err != nil {
			return nil, err
		}
		pct, hasPct, err := optDec5(line, "RatePercent")
		if err != nil {
			return nil, err
		}
		if item == nil {
			if hasAmt && amt != 0 {
				return nil, stErr(stMissingElement, "There is a missing element: \"ItemRef\" (a line with an amount needs an item).")
			}
			continue
		}
		taxable := false
		code := item.TaxCode
		if r := c.refRecord(line, "SalesTaxCodeRef"); r != nil {
			code = r.ListID
		}
		if tc := c.st.byID[code]; tc != nil {
			taxable = tc.Taxable
		}
		isTax := false
		switch item.Kind {
		case "ItemSubtotal":
			setAmount(line, "Amount", sinceSubtotal, lineAmountAfter...)
			prevAmount, sinceSubtotal, prevWasTax = sinceSubtotal, 0, false
			continue
		case "ItemSalesTax":
			isTax = true
			if !hasAmt {
				// QuickBooks computes only the first tax line after a
				// subtotal or item; consecutive tax lines need an Amount.
				if !prevWasTax {
					amt = percentOf(prevAmount, item.Percent)
				}
			}
			post(stp, -sign*amt, item.ListID)
		case "ItemDiscount":
			if !hasAmt {
				switch {
				case hasPct:
					amt = -percentOf(prevAmount, pct)
				case item.HasPercent:
					amt = -percentOf(prevAmount, item.Percent)
				default:
					amt = -item.Price
				}
			}
			post(c.lineAccount(line, item.IncomeAcct), -sign*amt, "")
		case "ItemPayment":
			if !hasAmt {
				amt = -prevAmount
			}
			dep := item.DepositTo
			if dep == "" {
				dep = c.special("UF")
			}
			post(dep, sign*-amt, "")
			if dep == c.special("UF") && sign > 0 {
				t.UF = append(t.UF, ufPart{LineID: lineID, Account: dep, Amount: -amt})
			}
		case "ItemOtherCharge", "ItemService", "ItemNonInventory", "ItemInventory":
			if !hasAmt {
				switch {
				case hasPct:
					amt = percentOf(prevAmount, pct)
				case item.Kind == "ItemOtherCharge" && item.HasPercent && !hasRate:
					amt = percentOf(prevAmount, item.Percent)
				default:
					if !hasRate {
						rate = int64(item.Price) * 1000
					}
					if !hasQty {
						qty = dec5Scale
					}
					amt = qtyTimesRate(qty, rate)
				}
			}
			post(c.lineAccount(line, item.IncomeAcct), -sign*amt, "")
			if item.Kind == "ItemInventory" {
				if !hasQty {
					qty = dec5Scale
				}
				if sign > 0 {
					cost := item.costOf(qty)
					post(item.COGSAcct, cost, "")
					post(item.AssetAcct, -cost, "")
					c.move(t, item, -qty, -cost)
				} else {
					value := qtyTimesRate(qty, item.avgCost())
					post(item.AssetAcct, value, "")
					post(item.COGSAcct, -value, "")
					c.move(t, item, qty, value)
				}
			}
		}
		setAmount(line, "Amount", amt, lineAmountAfter...)
		total += amt
		sinceSubtotal += amt
		prevAmount, prevWasTax = amt, isTax
		if taxable && !isTax && item.Kind != "ItemPayment" {
			taxableTotal += amt
		}
	}
	// Header sales tax: the form's tax item (or the customer's, or the
	// company's most common one) applied to the taxable lines.
	subtotal := total
	var taxItem *listRecord
	var tax money.Cents
	if c.st.Options.SalesTaxOn {
		taxItem = c.refRecord(body, "ItemSalesTaxRef")
		if taxItem == nil && customer != nil {
			taxItem = c.st.byID[customer.ItemSalesTax]
		}
		if taxItem == nil {
			taxItem = c.st.byID[c.st.DefaultTaxItem]
		}
		if taxItem != nil {
			tax = percentOf(taxableTotal, taxItem.Percent)
			post(stp, -sign*tax, taxItem.ListID)
			total += tax
		}
	}
	headerAfter := []string{"CustomerRef", "ClassRef", "ARAccountRef", "TemplateRef", "TxnDate", "RefNumber", "BillAddress", "ShipAddress", "IsPending", "IsFinanceCharge", "CheckNumber", "PONumber", "TermsRef", "PaymentMethodRef", "DueDate", "SalesRepRef", "FOB", "ShipDate", "ShipMethodRef"}
	body.remove("ItemSalesTaxRef")
	tail := []*node{el("Subtotal", subtotal.String())}
	if taxItem != nil {
		tail = append(tail, refNode("ItemSalesTaxRef", taxItem), el("SalesTaxPercentage", formatDec5(taxItem.Percent)), el("SalesTaxTotal", tax.String()))
	}
	if kind != "Invoice" {
		// InvoiceRet carries AppliedAmount and BalanceRemaining instead (see txnRet).
		tail = append(tail, el("TotalAmount", total.String()))
	}
	for i := len(tail) - 1; i >= 0; i-- {
		body.insertAfter(tail[i], headerAfter...)
	}
	switch kind {
	case "SalesReceipt":
		dep := c.accountOr(body, "DepositToAccountRef", "UF")
		// The header takes what the payment-item lines did not.
		t.Splits = append(t.Splits, split{Account: dep, Amount: total})
		if dep == c.special("UF") {
			t.UF = append(t.UF, ufPart{Account: dep, Amount: total})
		}
	case "Invoice":
		t.Splits = append(t.Splits, split{Account: c.accountOr(body, "ARAccountRef", "AR"), Amount: total, Entity: t.EntityID})
		t.Open = total
	case "CreditMemo":
		t.Splits = append(t.Splits, split{Account: c.accountOr(body, "ARAccountRef", "AR"), Amount: -total, Entity: t.EntityID})
		t.Open = total
	}
	t.Total = total
	return c.commit(t, body)
}

// lineAccount honours OverrideItemAccountRef.
func (c *Company) lineAccount(line *node, def string) string {
	if r := c.refRecord(line, "OverrideItemAccountRef"); r != nil {
		return r.ListID
	}
	return def
}
