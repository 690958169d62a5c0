package qbdsim

import (
	"strings"

	"github.com/shopqb/shopqb/internal/money"
)

// purchase posts item receipts and bills: Dr inventory or expense, Cr A/P.
// Purchase orders share the line handling but post nothing.
func (c *Company) purchase(kind string, rq *node) (*node, error) {
	t, body, err := c.txnStart(kind, rq)
	if err != nil {
		return nil, err
	}
	if t.EntityID == "" {
		return nil, stErr(stMissingElement, "There is a missing element: \"VendorRef\".")
	}
	var linked []*node
	for _, l := range body.children("LinkToTxnID") {
		po := c.st.txByID[strings.TrimSpace(l.Text)]
		if po == nil || po.Type != "PurchaseOrder" || po.EntityID != t.EntityID {
			return nil, stErr(stNotFound, "Object \"%s\" specified in the request cannot be found.", l.Text)
		}
		linked = append(linked, elKids("LinkedTxn", el("TxnID", po.TxnID), el("TxnType", po.Type), el("TxnDate", po.TxnDate),
			refNumberNode(po), el("LinkType", "QUANTYPE"), el("Amount", po.Total.String())))
	}
	body.remove("LinkToTxnID")
	var total money.Cents
	lineName := "ItemLineAdd"
	if kind == "PurchaseOrder" {
		lineName = "PurchaseOrderLineAdd"
	}
	if body.has("ItemGroupLineAdd") || body.has("PurchaseOrderLineGroupAdd") {
		return nil, stErr(stFeatureOff, "Group item lines are not supported by this company file simulator.")
	}
	for _, line := range body.children("ExpenseLineAdd") {
		c.lineRet(line, "ExpenseLineRet")
		acct := c.refRecord(line, "AccountRef")
		if acct == nil {
			return nil, stErr(stMissingElement, "There is a missing element: \"AccountRef\".")
		}
		amt, _, err := optAmount(line, "Amount")
		if err != nil {
			return nil, err
		}
		t.Splits = append(t.Splits, split{Account: acct.ListID, Amount: amt})
		total += amt
	}
	for _, line := range body.children(lineName) {
		c.lineRet(line, lineName[:len(lineName)-3]+"Ret")
		item := c.refRecord(line, "ItemRef")
		if item == nil {
			return nil, stErr(stMissingElement, "There is a missing element: \"ItemRef\".")
		}
		qty, hasQty, err := optDec5(line, "Quantity")
		if err != nil {
			return nil, err
		}
		if !hasQty {
			qty = dec5Scale
		}
		costField := "Cost"
		if kind == "PurchaseOrder" {
			costField = "Rate"
		}
		cost, hasCost, err := optDec5(line, costField)
		if err != nil {
			return nil, err
		}
		amt, hasAmt, err := optAmount(line, "Amount")
		if err != nil {
			return nil, err
		}
		if !hasAmt {
			if !hasCost {
				cost = int64(item.Cost) * 1000
			}
			amt = qtyTimesRate(qty, cost)
		}
		setAmount(line, "Amount", amt, "TxnLineID", "ItemRef", "ManufacturerPartNumber", "InventorySiteRef", "InventorySiteLocationRef", "SerialNumber", "LotNumber", "Desc", "Quantity", "UnitOfMeasure", "Cost", "Rate", "ClassRef")
		total += amt
		if kind == "PurchaseOrder" {
			continue
		}
		switch {
		case item.Kind == "ItemInventory":
			acct := c.lineAccount(line, item.AssetAcct)
			t.Splits = append(t.Splits, split{Account: acct, Amount: amt})
			c.move(t, item, qty, amt)
		default:
			acct := item.ExpenseAcct
			if acct == "" {
				acct = item.IncomeAcct
			}
			t.Splits = append(t.Splits, split{Account: c.lineAccount(line, acct), Amount: amt})
		}
	}
	switch kind {
	case "Bill":
		body.insertAfter(el("AmountDue", total.String()), "VendorRef", "VendorAddress", "APAccountRef", "TxnDate", "DueDate")
	case "ItemReceipt":
		body.insertAfter(el("TotalAmount", total.String()), "VendorRef", "APAccountRef", "TxnDate")
	default:
		body.insertAfter(el("TotalAmount", total.String()), "VendorRef", "ClassRef", "InventorySiteRef", "ShipToEntityRef", "TemplateRef", "TxnDate", "RefNumber",
			"VendorAddress", "ShipAddress", "TermsRef", "DueDate", "ExpectedDate", "ShipMethodRef", "FOB")
	}
	if kind != "PurchaseOrder" {
		t.Splits = append(t.Splits, split{Account: c.accountOr(body, "APAccountRef", "AP"), Amount: -total, Entity: t.EntityID})
	}
	if kind == "Bill" {
		t.Open = total
	}
	t.Total = total
	// LinkedTxn follows ExternalGUID; txnRet writes it with the lines.
	lines := body.Kids[:0:0]
	for _, k := range body.Kids {
		if isLineElement(k.Name) {
			lines = append(lines, k)
		}
	}
	keep := body.Kids[:0:0]
	for _, k := range body.Kids {
		if !isLineElement(k.Name) {
			keep = append(keep, k)
		}
	}
	body.Kids = append(append(keep, linked...), lines...)
	return c.commit(t, body)
}
