package qbdsim

import (
	"strconv"
	"strings"

	"github.com/shopqb/shopqb/internal/money"
)

// txnStart does what every transaction Add shares: copy and clean the
// request, check lengths, date and closing date, ExternalGUID and references.
func (c *Company) txnStart(kind string, rq *node) (*txnRecord, *node, error) {
	add := rq.child(kind + "Add")
	if add == nil {
		return nil, nil, stErr(stMissingElement, "There is a missing element: \"%sAdd\".", kind)
	}
	body := add.clone()
	body.Name = "Body"
	latin1Tree(body)
	if err := checkLengths(body, kind, true, ""); err != nil {
		return nil, nil, err
	}
	t := &txnRecord{Type: kind, TxnDate: c.today()}
	if d := body.text("TxnDate"); d != "" {
		if _, err := parseDateField("TxnDate", d); err != nil {
			return nil, nil, err
		}
		t.TxnDate = d
	} else {
		body.insertAfter(el("TxnDate", t.TxnDate), txnDateAfter[kind]...)
	}
	if err := c.checkClosingDate(kind, t.TxnDate); err != nil {
		return nil, nil, err
	}
	t.RefNumber = body.text("RefNumber")
	if body.has("ExternalGUID") {
		g := body.text("ExternalGUID")
		if err := checkGUID(g); err != nil {
			return nil, nil, err
		}
		t.ExternalGUID = g
	}
	if err := c.enrichRefs(body, kind); err != nil {
		return nil, nil, err
	}
	for _, name := range []string{"CustomerRef", "VendorRef", "EntityRef"} {
		if r := body.child(name); r != nil {
			t.EntityID = r.text("ListID")
			break
		}
	}
	return t, body, nil
}

// txnDateAfter lists, per transaction, the fields that precede TxnDate, so
// a defaulted date lands in schema position.
var txnDateAfter = map[string][]string{
	"SalesReceipt": {"CustomerRef", "ClassRef", "TemplateRef"}, "Invoice": {"CustomerRef", "ClassRef", "ARAccountRef", "TemplateRef"},
	"CreditMemo": {"CustomerRef", "ClassRef", "ARAccountRef", "TemplateRef"}, "ReceivePayment": {"CustomerRef", "ARAccountRef"},
	"ARRefundCreditCard": {"CustomerRef", "RefundFromAccountRef", "ARAccountRef"}, "Bill": {"VendorRef", "VendorAddress", "APAccountRef"},
	"ItemReceipt": {"VendorRef", "APAccountRef"}, "PurchaseOrder": {"VendorRef", "ClassRef", "InventorySiteRef", "ShipToEntityRef", "TemplateRef"},
	"InventoryAdjustment": {"AccountRef", "InventorySiteRef"},
}

// checkClosingDate answers 3171 for a change dated on or before the closing date.
func (c *Company) checkClosingDate(kind, date string) error {
	if cd := c.st.Options.ClosingDate; cd != "" && date <= cd {
		return stErr(stClosedPeriod, "An attempt was made to modify a %s with a date that is on or before the closing date of the company (%s).", kind, cd)
	}
	return nil
}

// commit gives the transaction its IDs, checks that it balances and stores it.
func (c *Company) commit(t *txnRecord, body *node) (*node, error) {
	var sum money.Cents
	for _, s := range t.Splits {
		sum += s.Amount
		if a := c.st.byID[s.Account]; a == nil || a.Kind != "Account" {
			// An item without the account this transaction needs (a tax
			// item on a bill, say) cannot be posted.
			return nil, stErr(stInvalidValue, "There is an invalid value in the %s: one of its items has no account to post this transaction to.", t.Type)
		}
	}
	if sum != 0 {
		// A ledger that does not balance is a simulator bug, never a user
		// error; refuse the transaction rather than corrupt the books.
		return nil, stErr(1000, "QuickBooks found an internal error: the %s does not balance by %s.", t.Type, sum)
	}
	now := c.stamp()
	t.TxnID = c.newTxnID()
	c.st.TxnNum++
	t.TxnNumber = c.st.TxnNum
	t.EditSequence = c.newEditSequence()
	t.Created, t.Modified = now, now
	if t.ExternalGUID != "" {
		body.remove("ExternalGUID")
	}
	t.Body = body
	c.st.Txns = append(c.st.Txns, t)
	c.st.post(t, 1)
	c.st.txByID[t.TxnID] = t
	return c.txnRet(t, true), nil
}

// txnRet writes a transaction as its …Ret element; without line items when
// the query did not ask for them (IncludeLineItems), as QuickBooks does.
func (c *Company) txnRet(t *txnRecord, lines bool) *node {
	n := &node{Name: t.Type + "Ret"}
	n.add(el("TxnID", t.TxnID), el("TimeCreated", formatTime(t.Created)), el("TimeModified", formatTime(t.Modified)),
		el("EditSequence", t.EditSequence))
	if t.Type != "InventoryAdjustment" && t.Type != "Deposit" {
		n.add(el("TxnNumber", strconv.FormatInt(t.TxnNumber, 10)))
	}
	var lineKids []*node
	for _, k := range t.Body.Kids {
		if isLineElement(k.Name) {
			lineKids = append(lineKids, k)
			continue
		}
		n.add(k.clone())
	}
	// Figures that change after the transaction is saved (payments,
	// refunds) are written at query time, in schema position.
	switch t.Type {
	case "Invoice":
		n.insertAfter(el("AppliedAmount", (t.Open-t.Total).String()), "Subtotal", "ItemSalesTaxRef", "SalesTaxPercentage", "SalesTaxTotal")
		n.insertAfter(el("BalanceRemaining", t.Open.String()), "AppliedAmount")
		n.insertAfter(el("IsPaid", boolText(t.Open == 0)), "BalanceRemaining", "CurrencyRef", "ExchangeRate", "Memo")
	case "CreditMemo":
		n.insertAfter(el("CreditRemaining", t.Open.String()), "TotalAmount")
	case "Bill":
		n.insertAfter(el("IsPaid", boolText(t.Open == 0)), "AmountDue", "RefNumber", "TermsRef", "Memo", "IsTaxIncluded", "SalesTaxCodeRef")
	case "PurchaseOrder":
		n.insertAfter(el("IsManuallyClosed", "false"), "TotalAmount", "CurrencyRef", "ExchangeRate", "TotalAmountInHomeCurrency")
		n.insertAfter(el("IsFullyReceived", boolText(fullyReceived(t))), "IsManuallyClosed")
	case "ReceivePayment":
		var used money.Cents
		for _, a := range t.Applied {
			used += a.Amount
		}
		n.insertAfter(el("UnusedPayment", (t.Total-used).String()), "TotalAmount", "PaymentMethodRef", "Memo", "DepositToAccountRef", "CreditCardTxnInfo")
		n.insertAfter(el("UnusedCredits", "0.00"), "UnusedPayment")
	}
	if t.ExternalGUID != "" {
		n.add(el("ExternalGUID", t.ExternalGUID))
	}
	if lines {
		for _, k := range lineKids {
			n.add(k.clone())
		}
	}
	if t.Type == "Bill" {
		n.add(el("OpenAmount", t.Open.String()))
	}
	return n
}

func isLineElement(name string) bool {
	switch name {
	case "SalesReceiptLineRet", "InvoiceLineRet", "CreditMemoLineRet", "PurchaseOrderLineRet", "ItemLineRet",
		"ExpenseLineRet", "DepositLineRet", "JournalDebitLine", "JournalCreditLine", "InventoryAdjustmentLineRet",
		"AppliedToTxnRet", "RefundAppliedToTxnRet", "LinkedTxn":
		return true
	}
	return false
}

// lineRet renames an …LineAdd to …LineRet and gives it a TxnLineID.
func (c *Company) lineRet(line *node, retName string) {
	line.Name = retName
	c.st.NextTxn++
	id := el("TxnLineID", fmtLineID(c.st.NextTxn, c.stamp().Unix()))
	line.Kids = append([]*node{id}, line.Kids...)
}

func fmtLineID(seq, unix int64) string {
	return strings.ToUpper(strconv.FormatInt(seq, 16)) + "-" + strconv.FormatInt(unix, 10)
}

// setAmount writes the line's Amount (computed or given) in schema position.
func setAmount(line *node, name string, amt money.Cents, after ...string) {
	if a := line.child(name); a != nil {
		a.Text = amt.String()
		return
	}
	line.insertAfter(el(name, amt.String()), after...)
}

// optAmount reads an optional AMTTYPE child.
func optAmount(n *node, name string) (money.Cents, bool, error) {
	v := n.text(name)
	if v == "" {
		return 0, false, nil
	}
	a, err := parseAmountField(name, v)
	return a, err == nil, err
}

// optDec5 reads an optional PRICETYPE/QUANTYPE/PERCENTTYPE child.
func optDec5(n *node, name string) (int64, bool, error) {
	v := n.text(name)
	if v == "" {
		return 0, false, nil
	}
	d, err := parseDec5(name, v)
	return d, err == nil, err
}

func (c *Company) refRecord(n *node, name string) *listRecord {
	if r := n.child(name); r != nil {
		return c.st.byID[r.text("ListID")]
	}
	return nil
}

// accountOr returns the referenced account or the special account role.
func (c *Company) accountOr(n *node, refName, role string) string {
	if r := c.refRecord(n, refName); r != nil {
		return r.ListID
	}
	return c.special(role)
}
