package qbdsim

import (
	"strings"

	"github.com/shopqb/shopqb/internal/money"
)

// receivePayment: Dr deposit account (Undeposited Funds by default), Cr A/R;
// applications reduce invoices' balance due (3210 when paying too much).
func (c *Company) receivePayment(rq *node) (*node, error) {
	t, body, err := c.txnStart("ReceivePayment", rq)
	if err != nil {
		return nil, err
	}
	if t.EntityID == "" {
		return nil, stErr(stMissingElement, "There is a missing element: \"CustomerRef\".")
	}
	total, _, err := optAmount(body, "TotalAmount")
	if err != nil {
		return nil, err
	}
	ar := c.accountOr(body, "ARAccountRef", "AR")
	var appliedSum money.Cents
	var discSplits []split
	autoApply := body.text("IsAutoApply") == "true"
	body.remove("IsAutoApply")
	if autoApply {
		// Auto-apply pays the customer's oldest open invoices first.
		left := total
		for _, inv := range c.st.Txns {
			if left == 0 {
				break
			}
			if inv.Type != "Invoice" || inv.EntityID != t.EntityID || inv.Open <= 0 {
				continue
			}
			amt := min(inv.Open, left)
			left -= amt
			appliedSum += amt
			t.Applied = append(t.Applied, applied{TxnID: inv.TxnID, Amount: amt})
			body.add(elKids("AppliedToTxnRet", el("TxnID", inv.TxnID), el("TxnType", "Invoice"), el("TxnDate", inv.TxnDate),
				refNumberNode(inv), el("BalanceRemaining", (inv.Open-amt).String()), el("Amount", amt.String())))
		}
	}
	for _, ap := range body.children("AppliedToTxnAdd") {
		ap.Name = "AppliedToTxnRet"
		inv := c.st.txByID[ap.text("TxnID")]
		if inv == nil || inv.Type != "Invoice" || inv.EntityID != t.EntityID {
			return nil, stErr(stBadRef, "There is an invalid reference to QuickBooks Invoice \"%s\" in the ReceivePayment.", ap.text("TxnID"))
		}
		already := t.pending(inv.TxnID)
		amt, _, err := optAmount(ap, "PaymentAmount")
		if err != nil {
			return nil, err
		}
		// SetCredit applies an open credit memo to the invoice: no money
		// moves, both open balances go down.
		var credits money.Cents
		for _, sc := range ap.children("SetCredit") {
			cm := c.st.txByID[sc.text("CreditTxnID")]
			if cm == nil || cm.Type != "CreditMemo" || cm.EntityID != t.EntityID {
				return nil, stErr(stBadRef, "There is an invalid reference to QuickBooks CreditMemo \"%s\" in the ReceivePayment.", sc.text("CreditTxnID"))
			}
			ca, _, err := optAmount(sc, "AppliedAmount")
			if err != nil {
				return nil, err
			}
			if ca > cm.Open-t.pending(cm.TxnID) {
				return nil, stErr(stInvalidValue, "There is an invalid value in the field \"AppliedAmount\": the credit memo has only %s left.", cm.Open)
			}
			credits += ca
			t.Applied = append(t.Applied, applied{TxnID: cm.TxnID, Amount: ca}, applied{TxnID: inv.TxnID, Amount: ca})
		}
		disc, _, err := optAmount(ap, "DiscountAmount")
		if err != nil {
			return nil, err
		}
		if disc != 0 {
			acct := c.refRecord(ap, "DiscountAccountRef")
			if acct == nil {
				return nil, stErr(stMissingElement, "There is a missing element: \"DiscountAccountRef\".")
			}
			discSplits = append(discSplits, split{Account: acct.ListID, Amount: disc}, split{Account: ar, Amount: -disc, Entity: t.EntityID})
			t.Applied = append(t.Applied, applied{TxnID: inv.TxnID, Amount: disc})
		}
		if amt+credits+disc > inv.Open-already {
			return nil, stErr(stInvalidValue, "There is an invalid value in the field \"PaymentAmount\".  QuickBooks error message: You cannot pay more than the amount due.")
		}
		appliedSum += amt
		if amt != 0 {
			t.Applied = append(t.Applied, applied{TxnID: inv.TxnID, Amount: amt})
		}
		// The Ret describes the invoice paid, as QuickBooks reports it.
		rest := ap.Kids
		ap.Kids = nil
		ap.add(el("TxnID", inv.TxnID), el("TxnType", "Invoice"), el("TxnDate", inv.TxnDate), refNumberNode(inv),
			el("BalanceRemaining", (inv.Open-already-amt-credits-disc).String()), el("Amount", amt.String()))
		for _, k := range rest {
			if k.Name == "DiscountAmount" || k.Name == "DiscountAccountRef" {
				ap.add(k)
			}
		}
	}
	if appliedSum > total {
		return nil, stErr(stInvalidValue, "There is an invalid value in the field \"TotalAmount\": the payments applied (%s) exceed the amount received (%s).", appliedSum, total)
	}
	for _, a := range t.Applied {
		c.st.txByID[a.TxnID].Open -= a.Amount
	}
	dep := c.accountOr(body, "DepositToAccountRef", "UF")
	t.Splits = append([]split{{Account: dep, Amount: total}, {Account: ar, Amount: -total, Entity: t.EntityID}}, discSplits...)
	if dep == c.special("UF") {
		t.UF = []ufPart{{Account: dep, Amount: total}}
	}
	t.Total = total
	return c.commit(t, body)
}

// pending is what this (uncommitted) transaction already takes from another one.
func (t *txnRecord) pending(id string) money.Cents {
	var p money.Cents
	for _, a := range t.Applied {
		if a.TxnID == id && !a.UF {
			p += a.Amount
		}
	}
	return p
}

// arRefund pays out a customer credit: Dr A/R, Cr the refund-from account,
// reducing each credit memo's remaining credit.
func (c *Company) arRefund(rq *node) (*node, error) {
	t, body, err := c.txnStart("ARRefundCreditCard", rq)
	if err != nil {
		return nil, err
	}
	if t.EntityID == "" {
		return nil, stErr(stMissingElement, "There is a missing element: \"CustomerRef\".")
	}
	from := c.refRecord(body, "RefundFromAccountRef")
	if from == nil {
		return nil, stErr(stMissingElement, "There is a missing element: \"RefundFromAccountRef\".")
	}
	var total money.Cents
	refs := body.children("RefundAppliedToTxnAdd")
	if len(refs) == 0 {
		return nil, stErr(stMissingElement, "There is a missing element: \"RefundAppliedToTxnAdd\".")
	}
	for _, ap := range refs {
		ap.Name = "RefundAppliedToTxnRet"
		cm := c.st.txByID[ap.text("TxnID")]
		if cm == nil || cm.EntityID != t.EntityID || (cm.Type != "CreditMemo" && cm.Type != "ReceivePayment") {
			return nil, stErr(stBadRef, "There is an invalid reference to QuickBooks CreditMemo \"%s\" in the ARRefundCreditCard.", ap.text("TxnID"))
		}
		amt, _, err := optAmount(ap, "RefundAmount")
		if err != nil {
			return nil, err
		}
		already := t.pending(cm.TxnID)
		if cm.Type == "CreditMemo" && amt > cm.Open-already {
			return nil, stErr(stInvalidValue, "There is an invalid value in the field \"RefundAmount\".  QuickBooks error message: The refund is more than the credit remaining.")
		}
		total += amt
		t.Applied = append(t.Applied, applied{TxnID: cm.TxnID, Amount: amt})
		remaining := cm.Open - already - amt
		if cm.Type != "CreditMemo" {
			remaining = 0
		}
		ap.Kids = nil
		ap.add(el("TxnID", cm.TxnID), el("TxnType", cm.Type), el("TxnDate", cm.TxnDate), refNumberNode(cm),
			el("CreditRemaining", remaining.String()), el("RefundAmount", amt.String()))
	}
	for _, a := range t.Applied {
		if cm := c.st.txByID[a.TxnID]; cm.Type == "CreditMemo" {
			cm.Open -= a.Amount
		}
	}
	body.insertAfter(el("TotalAmount", total.String()), "Address", "PaymentMethodRef", "RefNumber", "TxnDate")
	t.Splits = []split{{Account: c.accountOr(body, "ARAccountRef", "AR"), Amount: total, Entity: t.EntityID}, {Account: from.ListID, Amount: -total}}
	t.Total = total
	return c.commit(t, body)
}

// journalEntry posts its lines as given; debits must equal credits.
func (c *Company) journalEntry(rq *node) (*node, error) {
	t, body, err := c.txnStart("JournalEntry", rq)
	if err != nil {
		return nil, err
	}
	var debits, credits money.Cents
	for _, line := range body.Kids {
		var sign money.Cents
		switch line.Name {
		case "JournalDebitLine":
			sign = 1
		case "JournalCreditLine":
			sign = -1
		default:
			continue
		}
		c.lineRet(line, line.Name)
		acct := c.refRecord(line, "AccountRef")
		if acct == nil {
			return nil, stErr(stMissingElement, "There is a missing element: \"AccountRef\".")
		}
		amt, _, err := optAmount(line, "Amount")
		if err != nil {
			return nil, err
		}
		if amt < 0 {
			return nil, stErr(stInvalidValue, "There is an invalid value \"%s\" in the field \"Amount\": journal lines carry positive amounts.", amt)
		}
		ent := ""
		if e := c.refRecord(line, "EntityRef"); e != nil {
			ent = e.ListID
		}
		if (acct.AccountType == "AccountsReceivable" || acct.AccountType == "AccountsPayable") && ent == "" {
			return nil, stErr(stGeneralSave, "There was an error when saving a JournalEntry.  QuickBooks error message: A line posting to %s needs a customer or vendor name.", acct.FullName)
		}
		item := ""
		if ti := c.refRecord(line, "ItemSalesTaxRef"); ti != nil {
			item = ti.ListID
		}
		if sign > 0 {
			debits += amt
		} else {
			credits += amt
		}
		if amt != 0 {
			t.Splits = append(t.Splits, split{Account: acct.ListID, Amount: sign * amt, Entity: ent, Item: item})
		}
	}
	if debits != credits {
		return nil, stErr(stGeneralSave, "There was an error when saving a JournalEntry.  QuickBooks error message: Transaction not in balance: debits %s, credits %s.", debits, credits)
	}
	t.Total = debits
	return c.commit(t, body)
}

// deposit: Dr the bank account, Cr Undeposited Funds for each payment
// picked up and each other line's account (negative lines allowed); cash
// back reduces the deposit.
func (c *Company) deposit(rq *node) (*node, error) {
	t, body, err := c.txnStart("Deposit", rq)
	if err != nil {
		return nil, err
	}
	bank := c.refRecord(body, "DepositToAccountRef")
	if bank == nil {
		return nil, stErr(stMissingElement, "There is a missing element: \"DepositToAccountRef\".")
	}
	var total money.Cents
	type pick struct {
		txn  *txnRecord
		part int
	}
	var picks []pick
	for _, line := range body.children("DepositLineAdd") {
		c.lineRet(line, "DepositLineRet")
		txnLine := line.child("TxnLineID")
		if pid := line.text("PaymentTxnID"); pid != "" {
			pay := c.st.txByID[pid]
			if pay == nil {
				return nil, stErr(stBadRef, "There is an invalid reference to QuickBooks payment transaction \"%s\" in the Deposit.", pid)
			}
			lineID := line.text("PaymentTxnLineID")
			found := -1
			for i, p := range pay.UF {
				if p.LineID == lineID {
					found = i
				}
			}
			if found < 0 {
				return nil, stErr(stBadRef, "There is an invalid reference to QuickBooks payment \"%s\" in the Deposit: it holds no undeposited funds.", pid)
			}
			for _, p := range picks {
				if p.txn == pay && p.part == found {
					return nil, stErr(stInvalidValue, "The payment \"%s\" appears twice in the Deposit.", pid)
				}
			}
			if pay.UF[found].DepositedBy != "" {
				return nil, stErr(stInvalidValue, "There is an invalid value in the field \"PaymentTxnID\".  QuickBooks error message: The payment \"%s\" has already been deposited.", pid)
			}
			part := pay.UF[found]
			picks = append(picks, pick{pay, found})
			t.Splits = append(t.Splits, split{Account: part.Account, Amount: -part.Amount})
			total += part.Amount
			// The Ret names the payment deposited and where its money sat.
			var payLine *node
			if part.LineID != "" {
				payLine = el("PaymentTxnLineID", part.LineID)
			}
			line.Kids = nil
			line.add(el("TxnType", pay.Type), el("TxnID", pay.TxnID), txnLine, payLine, refNode("AccountRef", c.st.byID[part.Account]), el("Amount", part.Amount.String()))
			continue
		}
		acct := c.refRecord(line, "AccountRef")
		if acct == nil {
			return nil, stErr(stMissingElement, "There is a missing element: \"AccountRef\".")
		}
		amt, _, err := optAmount(line, "Amount")
		if err != nil {
			return nil, err
		}
		ent := ""
		if e := c.refRecord(line, "EntityRef"); e != nil {
			ent = e.ListID
		}
		t.Splits = append(t.Splits, split{Account: acct.ListID, Amount: -amt, Entity: ent})
		total += amt
	}
	if cb := body.child("CashBackInfoAdd"); cb != nil {
		c.lineRet(cb, "CashBackInfoRet")
		acct := c.refRecord(cb, "AccountRef")
		amt, _, err := optAmount(cb, "Amount")
		if err != nil {
			return nil, err
		}
		if acct == nil {
			return nil, stErr(stMissingElement, "There is a missing element: \"AccountRef\".")
		}
		t.Splits = append(t.Splits, split{Account: acct.ListID, Amount: amt})
		total -= amt
	}
	t.Splits = append(t.Splits, split{Account: bank.ListID, Amount: total})
	body.insertAfter(el("DepositTotal", total.String()), "DepositToAccountRef", "Memo", "CashBackInfoRet", "CurrencyRef", "ExchangeRate")
	t.Total = total
	out, err := c.commit(t, body)
	if err == nil {
		for _, p := range picks {
			p.txn.UF[p.part].DepositedBy = t.TxnID
			t.Applied = append(t.Applied, applied{TxnID: p.txn.TxnID, UFLine: p.txn.UF[p.part].LineID, UF: true})
		}
	}
	return out, err
}

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

// inventoryAdjustment changes quantity and/or value of inventory items
// against the adjustment account; quantity changes are valued at average cost.
func (c *Company) inventoryAdjustment(rq *node) (*node, error) {
	t, body, err := c.txnStart("InventoryAdjustment", rq)
	if err != nil {
		return nil, err
	}
	acct := c.refRecord(body, "AccountRef")
	if acct == nil {
		return nil, stErr(stMissingElement, "There is a missing element: \"AccountRef\".")
	}
	lines := body.children("InventoryAdjustmentLineAdd")
	if len(lines) == 0 {
		return nil, stErr(stMissingElement, "There is a missing element: \"InventoryAdjustmentLineAdd\".")
	}
	// Work out every line first so a bad line changes nothing.
	type change struct {
		item  *listRecord
		qty   int64
		value money.Cents
	}
	var changes []change
	for _, line := range lines {
		c.lineRet(line, "InventoryAdjustmentLineRet")
		item := c.refRecord(line, "ItemRef")
		if item == nil || item.Kind != "ItemInventory" {
			return nil, stErr(stInvalidValue, "There is an invalid value in the field \"ItemRef\": only inventory items can be adjusted.")
		}
		adj := line.child("QuantityAdjustment")
		vadj := line.child("ValueAdjustment")
		if adj == nil {
			adj = vadj
		}
		if adj == nil {
			return nil, stErr(stMissingElement, "There is a missing element: \"QuantityAdjustment\".")
		}
		var dq int64
		if v := adj.text("NewQuantity"); v != "" {
			nq, err := parseDec5("NewQuantity", v)
			if err != nil {
				return nil, err
			}
			dq = nq - item.Qty
		} else if v := adj.text("QuantityDifference"); v != "" {
			if dq, err = parseDec5("QuantityDifference", v); err != nil {
				return nil, err
			}
		}
		var dv money.Cents
		switch {
		case vadj != nil && vadj.text("NewValue") != "":
			nv, err := parseAmountField("NewValue", vadj.text("NewValue"))
			if err != nil {
				return nil, err
			}
			dv = nv - item.Value
		case vadj != nil && vadj.text("ValueDifference") != "":
			if dv, err = parseAmountField("ValueDifference", vadj.text("ValueDifference")); err != nil {
				return nil, err
			}
		case dq < 0:
			dv = -item.costOf(-dq)
		default:
			dv = qtyTimesRate(dq, item.avgCost())
		}
		changes = append(changes, change{item, dq, dv})
		// InventoryAdjustmentLineRet states the differences, whichever way they were asked for.
		id := line.child("TxnLineID")
		line.Kids = nil
		line.add(id, refNode("ItemRef", item), el("QuantityDifference", formatDec5(dq)), el("ValueDifference", dv.String()))
	}
	for _, ch := range changes {
		c.move(t, ch.item, ch.qty, ch.value)
		if ch.value != 0 {
			t.Splits = append(t.Splits, split{Account: ch.item.AssetAcct, Amount: ch.value}, split{Account: acct.ListID, Amount: -ch.value})
		}
	}
	return c.commit(t, body)
}

// txnDel deletes a transaction and undoes its effects (ledger, inventory,
// applications), refusing closed periods (3171).
func (c *Company) txnDel(rq *node) (*node, error) {
	typ, id := rq.text("TxnDelType"), rq.text("TxnID")
	t := c.st.txByID[id]
	if t == nil || t.Type != typ {
		return nil, stErr(stNotFound, "Object \"%s\" specified in the request cannot be found.", id)
	}
	if err := c.checkClosingDate(typ, t.TxnDate); err != nil {
		return nil, err
	}
	for _, m := range t.Moves {
		if it := c.st.byID[m.Item]; it != nil {
			it.Qty -= m.Qty
			it.Value -= m.Value
		}
	}
	for _, a := range t.Applied {
		other := c.st.txByID[a.TxnID]
		if other == nil {
			continue
		}
		if a.UF {
			for i := range other.UF {
				if other.UF[i].LineID == a.UFLine {
					other.UF[i].DepositedBy = ""
				}
			}
			continue
		}
		if other.Type == "Invoice" || other.Type == "CreditMemo" {
			other.Open += a.Amount
		}
	}
	out := c.st.Txns[:0]
	for _, x := range c.st.Txns {
		if x != t {
			out = append(out, x)
		}
	}
	c.st.Txns = out
	delete(c.st.txByID, id)
	now := c.stamp()
	c.st.Deleted = append(c.st.Deleted, deletedTxn{TxnID: id, Type: typ, Deleted: now})
	return elKids("TxnDelRs", el("TxnDelType", typ), el("TxnID", id), el("TimeDeleted", formatTime(now)), refNumberNode(t)), nil
}

func refNumberNode(t *txnRecord) *node {
	if t.RefNumber == "" {
		return nil
	}
	return el("RefNumber", t.RefNumber)
}

// checkOpening validates the opening-balance fields of a list Add before
// anything is stored, so a bad amount or a closed-period date refuses the
// whole Add.
func (c *Company) checkOpening(kind string, add *node) error {
	if _, _, err := optAmount(add, "OpenBalance"); err != nil {
		return err
	}
	if _, _, err := optAmount(add, "TotalValue"); err != nil {
		return err
	}
	if _, _, err := optDec5(add, "QuantityOnHand"); err != nil {
		return err
	}
	for _, f := range []string{"OpenBalanceDate", "InventoryDate"} {
		if d := add.text(f); d != "" {
			if _, err := parseDateField(f, d); err != nil {
				return err
			}
		}
	}
	date := add.text("OpenBalanceDate")
	if kind == "ItemInventory" {
		date = add.text("InventoryDate")
	}
	if date == "" {
		date = c.today()
	}
	if add.has("OpenBalance") || add.has("QuantityOnHand") {
		return c.checkClosingDate(kind, date)
	}
	return nil
}

// openingBalance posts what an Add brings with it: an account's OpenBalance
// (against Opening Balance Equity) and an inventory item's starting
// quantity and value, as QuickBooks does with an inventory adjustment.
func (c *Company) openingBalance(r *listRecord, add *node) error {
	switch r.Kind {
	case "Account":
		amt, ok, err := optAmount(add, "OpenBalance")
		if err != nil || !ok || amt == 0 {
			return err
		}
		if creditNormal(r.AccountType) {
			amt = -amt
		}
		date := add.text("OpenBalanceDate")
		if date == "" {
			date = c.today()
		}
		t := &txnRecord{Type: "JournalEntry", TxnDate: date, Total: amt.Abs(),
			Splits: []split{{Account: r.ListID, Amount: amt}, {Account: c.special("OBE"), Amount: -amt}},
		}
		c.commit(t, elKids("Body", el("TxnDate", date), el("IsAdjustment", "false")))
	case "Customer", "Vendor":
		// QuickBooks records a name's opening balance as an invoice (or a
		// bill) against Uncategorized Income (or Expenses).
		amt, ok, err := optAmount(add, "OpenBalance")
		if err != nil || !ok || amt == 0 {
			return err
		}
		date := add.text("OpenBalanceDate")
		if date == "" {
			date = c.today()
		}
		t := &txnRecord{Type: "Invoice", TxnDate: date, EntityID: r.ListID, Total: amt, Open: amt}
		t.Splits = []split{{Account: c.special("AR"), Amount: amt, Entity: r.ListID}, {Account: c.special("UncategorizedIncome"), Amount: -amt}}
		body := elKids("Body", refNode("CustomerRef", r), refNode("ARAccountRef", c.st.byID[c.special("AR")]), el("TxnDate", date), el("Subtotal", amt.String()))
		if r.Kind == "Vendor" {
			t.Type = "Bill"
			t.Splits = []split{{Account: c.special("AP"), Amount: -amt, Entity: r.ListID}, {Account: c.special("UncategorizedExpenses"), Amount: amt}}
			body = elKids("Body", refNode("VendorRef", r), refNode("APAccountRef", c.st.byID[c.special("AP")]), el("TxnDate", date), el("AmountDue", amt.String()))
		}
		c.commit(t, body)
	case "ItemInventory":
		qty, ok, err := optDec5(add, "QuantityOnHand")
		if err != nil || !ok || qty == 0 {
			return err
		}
		value, hasValue, err := optAmount(add, "TotalValue")
		if err != nil {
			return err
		}
		if !hasValue {
			value = qtyTimesRate(qty, int64(r.Cost)*1000)
		}
		date := add.text("InventoryDate")
		if date == "" {
			date = c.today()
		}
		t := &txnRecord{Type: "InventoryAdjustment", TxnDate: date}
		c.move(t, r, qty, value)
		t.Splits = []split{{Account: r.AssetAcct, Amount: value}, {Account: c.special("OBE"), Amount: -value}}
		line := elKids("InventoryAdjustmentLineAdd", refNode("ItemRef", r), el("QuantityDifference", formatDec5(qty)), el("ValueDifference", value.String()))
		c.lineRet(line, "InventoryAdjustmentLineRet")
		c.commit(t, elKids("Body", refNode("AccountRef", c.st.byID[c.special("OBE")]), el("TxnDate", date), line))
	}
	return nil
}
