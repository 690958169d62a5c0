package planner

import (
	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbxml"
)

// render turns a planned transaction into its typed qbXML request; the qbxml
// package puts the elements in schema order and refuses values the schema
// would reject.
func (p *planner) render(d *txnDoc, guid qbxml.GUID) qbxml.Request {
	n := func(key string) *qbxml.Ref { return nameRef(p.name(key)) }
	switch d.kind {
	case kindSalesReceipt:
		add := qbxml.SalesReceiptAdd{CustomerRef: n(d.customer), ClassRef: n(d.class), TxnDate: qbxml.Date(d.date),
			RefNumber: d.ref, PaymentMethodRef: n(d.paymentMethod), ItemSalesTaxRef: p.headerTaxItem(d), Memo: d.memo,
			DepositToAccountRef: nameRef(p.m.Account(d.account)), ExternalGUID: guid}
		for _, l := range d.lines {
			add.Lines = append(add.Lines, p.salesLine(l))
		}
		return add
	case kindCreditMemo:
		add := qbxml.CreditMemoAdd{DefMacro: "TxnID:" + d.key, CustomerRef: n(d.customer), ClassRef: n(d.class),
			TxnDate: qbxml.Date(d.date), RefNumber: d.ref, ItemSalesTaxRef: p.headerTaxItem(d), Memo: d.memo, ExternalGUID: guid}
		for _, l := range d.lines {
			add.Lines = append(add.Lines, p.salesLine(l))
		}
		return add
	case kindARRefund:
		return qbxml.ARRefundCreditCardAdd{CustomerRef: n(d.customer), RefundFromAccountRef: nameRef(p.m.Account(d.account)),
			TxnDate: qbxml.Date(d.date), RefNumber: d.ref, PaymentMethodRef: n(d.paymentMethod), Memo: truncate(d.memo, qbxml.MaxMemo),
			ExternalGUID: guid, RefundAppliedTo: []qbxml.RefundAppliedToTxn{{TxnID: qbxml.TxnIDFromMacro(d.applyTo), RefundAmount: qbxml.Amount(d.refund)}}}
	case kindDeposit:
		add := qbxml.DepositAdd{TxnDate: qbxml.Date(d.date), DepositToAccountRef: nameRef(p.m.Account(d.account)), Memo: d.memo, ExternalGUID: guid}
		for _, l := range d.lines {
			add.Lines = append(add.Lines, qbxml.DepositLine{AccountRef: nameRef(p.m.Account(l.category)), Memo: l.desc, Amount: qbxml.Amt(l.amount)})
		}
		return add
	case kindJournalEntry:
		add := qbxml.JournalEntryAdd{TxnDate: qbxml.Date(d.date), RefNumber: d.ref, ExternalGUID: guid}
		for _, l := range d.je {
			line := qbxml.JournalLine{AccountRef: nameRef(p.m.Account(l.category)), Amount: qbxml.Amt(l.amount.Abs()), Memo: l.memo}
			if l.amount >= 0 {
				add.Debits = append(add.Debits, line)
			} else {
				add.Credits = append(add.Credits, line)
			}
		}
		return add
	case kindPurchaseOrder:
		add := qbxml.PurchaseOrderAdd{DefMacro: "TxnID:" + d.key, VendorRef: n(d.vendor), ClassRef: n(d.class),
			TxnDate: qbxml.Date(d.date), RefNumber: d.ref, Memo: d.memo, ExternalGUID: guid}
		for _, l := range d.lines {
			add.Lines = append(add.Lines, qbxml.PurchaseOrderLine{ItemRef: n(l.item), Desc: l.desc, Quantity: qty(l.qty),
				Rate: qbxml.Price(l.rate), Amount: qbxml.Amt(l.amount)})
		}
		return add
	case kindItemReceipt:
		// The payable goes to the mapped account: without APAccountRef
		// QuickBooks would use its default A/P account while shopqb's
		// ledger and reconciliation say the mapped one.
		add := qbxml.ItemReceiptAdd{VendorRef: n(d.vendor), APAccountRef: nameRef(p.m.Account(shopqb.AccountsPayable)),
			TxnDate: qbxml.Date(d.date), RefNumber: d.ref, Memo: d.memo, ExternalGUID: guid}
		for _, l := range d.lines {
			line := qbxml.ItemLine{ItemRef: n(l.item), Desc: l.desc, Quantity: qty(l.qty), Cost: qbxml.Price(l.rate), Amount: qbxml.Amt(l.amount)}
			if l.poLine > 0 {
				// planPurchasing checked the reference fits.
				line.LinkToTxn, _ = qbxml.LinkToPending(d.applyTo, l.poLine)
			}
			add.ItemLines = append(add.ItemLines, line)
		}
		return add
	}
	panic("planner: no renderer for " + d.kind)
}

// nameRef refers to a list record by full name; "" leaves the reference out.
func nameRef(fullName string) *qbxml.Ref {
	if fullName == "" {
		return nil
	}
	return qbxml.ByName(fullName)
}

func (p *planner) headerTaxItem(d *txnDoc) *qbxml.Ref {
	if !d.zeroTaxHeader {
		return nil
	}
	return nameRef(p.in.Company.ZeroRateTaxItem)
}

// salesLine is an item line of a receipt or credit memo: quantity and amount,
// never a rate, so QuickBooks keeps Shopify's amount to the cent.
func (p *planner) salesLine(l docLine) qbxml.SalesLine {
	return qbxml.SalesLine{ItemRef: nameRef(p.name(l.item)), Desc: l.desc, Quantity: qty(l.qty), Amount: qbxml.Amt(l.amount)}
}

func qty(q int) qbxml.Decimal {
	if q == 0 {
		return ""
	}
	return qbxml.Qty(int64(q))
}
