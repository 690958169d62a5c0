package qbdsim

import (
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
