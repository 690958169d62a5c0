package planner

import (
	"sort"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
)

// arCategory is QuickBooks' default Accounts Receivable. Credit memos and
// refund cheques pass through it and net to zero; it is not a mapped category
// because QuickBooks picks it when ARAccountRef is left out.
const arCategory shopqb.Category = "accounts_receivable"

// The transaction kinds the planner produces, named as the qbXML request.
const (
	kindSalesReceipt  = "SalesReceiptAdd"
	kindCreditMemo    = "CreditMemoAdd"
	kindARRefund      = "ARRefundCreditCardAdd"
	kindDeposit       = "DepositAdd"
	kindJournalEntry  = "JournalEntryAdd"
	kindPurchaseOrder = "PurchaseOrderAdd"
	kindItemReceipt   = "ItemReceiptAdd"
)

// txnDoc is one QuickBooks transaction in the planner's own terms: what it
// refers to by list key and where each amount lands by category. It is
// rendered to qbXML only at the end, so the accounting can be checked
// (balance, reconciliation) on these values rather than on XML.
type txnDoc struct {
	key   string
	kind  string
	date  string // YYYY-MM-DD in the shop's zone
	ref   string // RefNumber, already unique and within the limit
	memo  string
	label string // the Shopify document, for error messages ("order #1001")

	customer string // list key
	vendor   string // list key
	class    string // list key, "" when class tracking is off

	// account is DepositTo (receipts, deposits) or RefundFrom (refunds).
	account       shopqb.Category
	paymentMethod string // list key
	zeroTaxHeader bool   // put the company's 0 % item in the header

	lines   []docLine
	je      []jeLine
	applyTo string // key of the credit memo a refund applies to, or the PO a receipt links
	refund  money.Cents
	deps    []string // keys of transactions this one needs first

	// src are the parts a sales receipt or credit memo was made of, and
	// orders the Shopify orders it covers: its content (content.go).
	src    *parts
	orders []string
	// parent is, on a refund paying out a credit memo, the credit memo's key:
	// the two are booked, and adjusted, together.
	parent string
	// baseKey is, on an adjustment, the key of the transaction it adjusts.
	baseKey string
}

// docLine is an item (or deposit/bill) line. Amount is the line amount as
// QuickBooks shows it: on a receipt a positive amount credits category, on a
// credit memo it debits it.
type docLine struct {
	item     string // list key of the item; "" for deposit lines
	desc     string
	qty      int
	rate     money.Cents // unit price or cost when qty is set
	amount   money.Cents
	category shopqb.Category
	taxItem  string // tax item name when the line is a sales-tax line
	// poLine is, on an item receipt, the line (from 1, as planned) of the
	// purchase order in applyTo that this line receives; 0 links nothing.
	poLine int
}

// jeLine is a journal-entry line; positive debits, negative credits.
type jeLine struct {
	category shopqb.Category
	amount   money.Cents
	memo     string
}

// total is the sum of the document's item lines.
func (d *txnDoc) total() money.Cents {
	var t money.Cents
	for _, l := range d.lines {
		t += l.amount
	}
	return t
}

// ledger returns the document's effect by category, debit positive. Every
// kind is written out here so the balance check and the golden ledgers read
// the same accounting rule.
func (d *txnDoc) ledger() []ledgerEntry {
	var out []ledgerEntry
	switch d.kind {
	case kindSalesReceipt:
		out = append(out, ledgerEntry{d.account, d.total(), ""})
		for _, l := range d.lines {
			out = append(out, ledgerEntry{l.category, -l.amount, l.taxItem})
		}
	case kindCreditMemo:
		out = append(out, ledgerEntry{arCategory, -d.total(), ""})
		for _, l := range d.lines {
			out = append(out, ledgerEntry{l.category, l.amount, l.taxItem})
		}
	case kindARRefund:
		out = append(out, ledgerEntry{arCategory, d.refund, ""}, ledgerEntry{d.account, -d.refund, ""})
	case kindDeposit:
		out = append(out, ledgerEntry{d.account, d.total(), ""})
		for _, l := range d.lines {
			out = append(out, ledgerEntry{l.category, -l.amount, ""})
		}
	case kindJournalEntry:
		for _, l := range d.je {
			out = append(out, ledgerEntry{l.category, l.amount, ""})
		}
	case kindItemReceipt:
		out = append(out, ledgerEntry{shopqb.AccountsPayable, -d.total(), ""})
		for _, l := range d.lines {
			out = append(out, ledgerEntry{l.category, l.amount, ""})
		}
	case kindPurchaseOrder:
		// A purchase order is a non-posting transaction: no ledger effect.
	}
	return out
}

// ledgerLines is ledger() summed by category, in category order, for the
// posting (the merchant's pages show it and reconciliation sums it by day).
func (d *txnDoc) ledgerLines() []shopqb.LedgerLine {
	sum := map[shopqb.Category]money.Cents{}
	for _, e := range d.ledger() {
		sum[e.category] += e.amount
	}
	var out []shopqb.LedgerLine
	for c, a := range sum {
		if a != 0 {
			out = append(out, shopqb.LedgerLine{Category: c, Amount: a})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Category < out[j].Category })
	return out
}

// ledgerEntry is one debit-positive effect on a category.
type ledgerEntry struct {
	category shopqb.Category
	amount   money.Cents
	taxItem  string
}
