package qbdsim

import (
	"github.com/shopqb/shopqb/internal/money"
)

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
