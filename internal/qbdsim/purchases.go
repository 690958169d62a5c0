package qbdsim

import (
	"slices"
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
	lineName := "ItemLineAdd"
	if kind == "PurchaseOrder" {
		lineName = "PurchaseOrderLineAdd"
	}
	received, err := c.lineLinks(t, body, lineName)
	if err != nil {
		return nil, err
	}
	for _, r := range received {
		if !slices.ContainsFunc(linked, func(n *node) bool { return n.text("TxnID") == r.po.TxnID }) {
			linked = append(linked, elKids("LinkedTxn", el("TxnID", r.po.TxnID), el("TxnType", r.po.Type), el("TxnDate", r.po.TxnDate),
				refNumberNode(r.po), el("LinkType", "QUANTYPE"), el("Amount", r.po.Total.String())))
		}
	}
	var total money.Cents
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
	ret, err := c.commit(t, body)
	if err != nil {
		return nil, err
	}
	c.receive(t, received)
	return ret, nil
}

// poReceipt is a purchase-order line a receipt or bill line receives.
type poReceipt struct {
	po   *txnRecord
	line *node // the PurchaseOrderLineRet in the purchase order's stored body
	qty  int64 // dec5
}

// lineLinks checks each line's LinkToTxn, as QuickBooks does before it saves
// anything: the transaction must be a purchase order of the same vendor and
// the line one of its lines, or the request fails with 3120 (object not
// found). The link is taken off the line (…LineRet has no LinkToTxn) and an
// omitted ItemRef is taken from the purchase-order line.
func (c *Company) lineLinks(t *txnRecord, body *node, lineName string) ([]poReceipt, error) {
	var out []poReceipt
	for _, line := range body.children(lineName) {
		link := line.child("LinkToTxn")
		if link == nil {
			continue
		}
		if t.Type == "PurchaseOrder" {
			return nil, stErr(stInvalidValue, "There is an invalid element \"LinkToTxn\" in a purchase order line.")
		}
		txnID, lineID := link.text("TxnID"), link.text("TxnLineID")
		po := c.st.txByID[txnID]
		if po == nil || po.Type != "PurchaseOrder" || po.EntityID != t.EntityID {
			return nil, stErr(stNotFound, "Object \"%s\" specified in the request cannot be found.", txnID)
		}
		var poLine *node
		for _, l := range po.Body.children("PurchaseOrderLineRet") {
			if l.text("TxnLineID") == lineID {
				poLine = l
			}
		}
		if poLine == nil {
			return nil, stErr(stNotFound, "Object \"%s\" specified in the request cannot be found.", lineID)
		}
		line.remove("LinkToTxn")
		if !line.has("ItemRef") && poLine.has("ItemRef") {
			line.Kids = append([]*node{poLine.child("ItemRef").clone()}, line.Kids...)
		}
		qty, hasQty, err := optDec5(line, "Quantity")
		if err != nil {
			return nil, err
		}
		if !hasQty {
			qty = dec5Scale
		}
		out = append(out, poReceipt{po: po, line: poLine, qty: qty})
	}
	return out, nil
}

// receive counts received quantities on the purchase-order lines once the
// receipt is saved and links the order back to it, so a PurchaseOrderQuery
// shows ReceivedQuantity, IsFullyReceived and the receipt as a LinkedTxn.
func (c *Company) receive(t *txnRecord, received []poReceipt) {
	for _, r := range received {
		addReceived(r.line, r.qty)
		t.Received = append(t.Received, receivedLine{PO: r.po.TxnID, LineID: r.line.text("TxnLineID"), Qty: r.qty})
		if slices.ContainsFunc(r.po.Body.children("LinkedTxn"), func(n *node) bool { return n.text("TxnID") == t.TxnID }) {
			continue
		}
		back := elKids("LinkedTxn", el("TxnID", t.TxnID), el("TxnType", t.Type), el("TxnDate", t.TxnDate), refNumberNode(t),
			el("LinkType", "QUANTYPE"), el("Amount", t.Total.String()))
		at := slices.IndexFunc(r.po.Body.Kids, func(n *node) bool { return n.Name == "PurchaseOrderLineRet" })
		if at < 0 {
			at = len(r.po.Body.Kids)
		}
		r.po.Body.Kids = slices.Insert(r.po.Body.Kids, at, back)
	}
}

// addReceived changes a purchase-order line's ReceivedQuantity by qty (dec5).
func addReceived(line *node, qty int64) {
	prev, _, _ := optDec5(line, "ReceivedQuantity") // written by the simulator: always valid
	if q := line.child("ReceivedQuantity"); q != nil {
		q.Text = formatDec5(prev + qty)
		return
	}
	line.insertAfter(el("ReceivedQuantity", formatDec5(prev+qty)), "TxnLineID", "ItemRef", "ManufacturerPartNumber", "Desc", "Quantity",
		"UnitOfMeasure", "OverrideUOMSetRef", "Rate", "ClassRef", "Amount", "TaxAmount", "InventorySiteLocationRef", "CustomerRef", "ServiceDate", "SalesTaxCodeRef")
}

// unreceive gives back what a deleted receipt or bill received on purchase
// orders and drops it from their linked transactions.
func (c *Company) unreceive(t *txnRecord) {
	for _, r := range t.Received {
		po := c.st.txByID[r.PO]
		if po == nil {
			continue
		}
		for _, l := range po.Body.children("PurchaseOrderLineRet") {
			if l.text("TxnLineID") == r.LineID {
				addReceived(l, -r.Qty)
			}
		}
		kept := po.Body.Kids[:0]
		for _, k := range po.Body.Kids {
			if k.Name != "LinkedTxn" || k.text("TxnID") != t.TxnID {
				kept = append(kept, k)
			}
		}
		po.Body.Kids = kept
	}
}

// fullyReceived reports whether every line of a purchase order has arrived.
func fullyReceived(po *txnRecord) bool {
	for _, l := range po.Body.children("PurchaseOrderLineRet") {
		ordered, has, _ := optDec5(l, "Quantity")
		if !has {
			ordered = dec5Scale
		}
		got, _, _ := optDec5(l, "ReceivedQuantity")
		if got < ordered {
			return false
		}
	}
	return true
}
