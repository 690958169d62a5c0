package planner

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/qbxml"
)

// The golden ledger is booked from the rendered qbXML, the way QuickBooks
// would book it, rather than from the planner's own txnDoc ledger: a golden
// diff then shows every move the requests make, and comparing the two
// ledgers catches a renderer that sends an account or item other than the
// one the planner reconciled with. The rules here are written from the
// qbXML reference (qbd.md), independently of the planner's and the
// simulator's accounting.

// QuickBooks' own accounts where a request leaves the reference out.
const (
	defaultAR          = "Accounts Receivable" // ARAccountRef omitted
	defaultAP          = "Accounts Payable"    // APAccountRef omitted
	defaultUndeposited = "Undeposited Funds"   // DepositToAccountRef omitted
)

// bookedItem is where an item's lines land: sales forms book to sales,
// purchase forms to purchase.
type bookedItem struct {
	typ             string // "ItemOtherCharge", …
	sales, purchase string // account full names; "" when the item has none on that side
	salesTax        bool   // a sales-tax item: its lines are that jurisdiction's tax
}

// move is one debit-positive effect of a rendered request on an account.
type move struct {
	account string
	amount  money.Cents
	item    string // the item the line goes through, "" for header and account lines
	taxItem string // the sales-tax item, when the line is tax
}

// bookedTxn is one rendered transaction request and its moves.
type bookedTxn struct {
	key, kind, date, ref string
	moves                []move
}

// renderedBooks is a plan booked from its rendered requests.
type renderedBooks struct {
	txns      []bookedTxn
	byAccount map[string]money.Cents
	byTaxItem map[string]money.Cents
}

// itemBook collects every item the plan's transactions can name: those
// QuickBooks already holds (the preflight's KnownItems, with their accounts),
// those the plan links by a known name (as the Add the planner would have
// sent for them, which is what linking by name assumes), the Adds of
// postings QuickBooks holds from earlier plans, and the plan's own item Adds.
func itemBook(p *planner, in Input, plan *Plan, taxAccount string) (map[string]bookedItem, error) {
	book := map[string]bookedItem{}
	for _, it := range in.Company.KnownItems {
		b := bookedItem{typ: it.Type, sales: it.Account, salesTax: it.Type == "ItemSalesTax"}
		if b.salesTax {
			b.sales = taxAccount
		}
		book[strings.ToLower(it.Name)] = b
	}
	read := func(key, req string) error {
		add, err := qbxml.AddElement(req)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if !strings.HasPrefix(add.Name, "Item") {
			return nil
		}
		b, err := itemAccounts(add, taxAccount)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		book[strings.ToLower(add.Value("Name"))] = b
		return nil
	}
	for _, k := range sortedKeys(p.lists) {
		r := p.lists[k]
		if _, known := book[strings.ToLower(r.name)]; !r.linked || known || r.build == nil {
			continue
		}
		req, err := qbxml.MarshalRequest(r.build(r.name, ""))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		if err := read(k, req); err != nil {
			return nil, err
		}
	}
	for _, ps := range append(append([]*shopqb.Posting(nil), in.Posted...), plan.Postings...) {
		if ps.TxnDate != "" || ps.State == shopqb.Failed {
			continue // transactions and unsent records name no item accounts
		}
		if err := read(ps.Key, ps.Request); err != nil {
			return nil, err
		}
	}
	return book, nil
}

// itemAccounts reads the accounts an item Add books to, per item type.
func itemAccounts(add *qbxml.Node, taxAccount string) (bookedItem, error) {
	typ := strings.TrimSuffix(add.Name, "Add")
	b := bookedItem{typ: typ}
	switch typ {
	case "ItemInventory":
		b.sales, b.purchase = add.Value("IncomeAccountRef/FullName"), add.Value("AssetAccountRef/FullName")
	case "ItemService", "ItemNonInventory", "ItemOtherCharge":
		if one := add.Value("SalesOrPurchase/AccountRef/FullName"); one != "" {
			b.sales, b.purchase = one, one
		} else {
			b.sales = add.Value("SalesAndPurchase/IncomeAccountRef/FullName")
			b.purchase = add.Value("SalesAndPurchase/ExpenseAccountRef/FullName")
		}
	case "ItemDiscount":
		b.sales = add.Value("AccountRef/FullName")
	case "ItemPayment":
		// A payment item deposits to its account, or to Undeposited Funds.
		b.sales = or(add.Value("DepositToAccountRef/FullName"), defaultUndeposited)
	case "ItemSalesTax":
		b.sales, b.salesTax = taxAccount, true
	default:
		return b, fmt.Errorf("%s: the golden ledger has no rule for the accounts of this item type", add.Name)
	}
	if b.sales == "" && b.purchase == "" {
		return b, fmt.Errorf("%s %q names no account", add.Name, add.Value("Name"))
	}
	return b, nil
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// bookRendered books every transaction request of the plan (failed postings
// are never sent, list records move no money).
func bookRendered(p *planner, in Input, plan *Plan) (*renderedBooks, error) {
	taxAccount := goldenMapping(in).Account(shopqb.SalesTaxPayable)
	items, err := itemBook(p, in, plan, taxAccount)
	if err != nil {
		return nil, err
	}
	books := &renderedBooks{byAccount: map[string]money.Cents{}, byTaxItem: map[string]money.Cents{}}
	for _, ps := range plan.Postings {
		if ps.State == shopqb.Failed || ps.TxnDate == "" {
			continue
		}
		txn, err := bookRequest(ps.Request, items)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ps.Key, err)
		}
		txn.key = ps.Key
		books.txns = append(books.txns, txn)
		for _, m := range txn.moves {
			books.byAccount[m.account] += m.amount
			if m.taxItem != "" {
				books.byTaxItem[m.taxItem] += m.amount
			}
		}
	}
	return books, nil
}

// goldenMapping is the shop's mapping as QuickBooks sees it: the defaults
// with the merchant's choices on top.
func goldenMapping(in Input) shopqb.Mapping {
	m := shopqb.DefaultMapping()
	for c, a := range in.Shop.Settings.Mapping {
		if a != "" {
			m[c] = a
		}
	}
	return m
}

// bookRequest turns one transaction Add into its moves, header first, then
// each line in order.
func bookRequest(req string, items map[string]bookedItem) (bookedTxn, error) {
	add, err := qbxml.AddElement(req)
	if err != nil {
		return bookedTxn{}, err
	}
	txn := bookedTxn{kind: add.Name, date: add.Value("TxnDate"), ref: add.Value("RefNumber")}
	amount := func(n *qbxml.Node, path string) (money.Cents, error) {
		v := n.Value(path)
		if v == "" {
			return 0, fmt.Errorf("%s: a %s without %s leaves the amount to QuickBooks", add.Name, n.Name, path)
		}
		return money.Parse(v)
	}
	// itemLines books form lines through their items: on a sales form a
	// positive amount credits the item's account (sign -1), on a credit
	// memo or purchase it debits it (sign +1).
	itemLines := func(path string, sign money.Cents, purchase bool) (money.Cents, error) {
		var total money.Cents
		for _, l := range add.FindAll(path) {
			a, err := amount(l, "Amount")
			if err != nil {
				return 0, err
			}
			name := l.Value("ItemRef/FullName")
			it, ok := items[strings.ToLower(name)]
			if !ok {
				return 0, fmt.Errorf("%s: item %q is neither added by the plan nor known to QuickBooks", add.Name, name)
			}
			acct := it.sales
			if purchase {
				acct = it.purchase
			}
			if acct == "" {
				return 0, fmt.Errorf("%s: item %q (%s) has no account for this form", add.Name, name, it.typ)
			}
			m := move{account: acct, amount: sign * a, item: name}
			if it.salesTax {
				m.item, m.taxItem = "", name
			}
			txn.moves = append(txn.moves, m)
			total += a
		}
		return total, nil
	}
	// header puts the form's own account first, as QuickBooks' journal does.
	header := func(acct string, amt money.Cents) {
		txn.moves = append([]move{{account: acct, amount: amt}}, txn.moves...)
	}
	switch add.Name {
	case "SalesReceiptAdd":
		total, err := itemLines("SalesReceiptLineAdd", -1, false)
		if err != nil {
			return txn, err
		}
		header(or(add.Value("DepositToAccountRef/FullName"), defaultUndeposited), total)
	case "CreditMemoAdd":
		total, err := itemLines("CreditMemoLineAdd", 1, false)
		if err != nil {
			return txn, err
		}
		header(or(add.Value("ARAccountRef/FullName"), defaultAR), -total)
	case "ARRefundCreditCardAdd":
		var total money.Cents
		for _, l := range add.FindAll("RefundAppliedToTxnAdd") {
			a, err := amount(l, "RefundAmount")
			if err != nil {
				return txn, err
			}
			total += a
		}
		txn.moves = append(txn.moves, move{account: or(add.Value("ARAccountRef/FullName"), defaultAR), amount: total},
			move{account: add.Value("RefundFromAccountRef/FullName"), amount: -total})
	case "DepositAdd":
		var total money.Cents
		for _, l := range add.FindAll("DepositLineAdd") {
			acct := l.Value("AccountRef/FullName")
			if acct == "" {
				return txn, fmt.Errorf("DepositAdd: a line without AccountRef (a deposited payment) has no rule here")
			}
			a, err := amount(l, "Amount")
			if err != nil {
				return txn, err
			}
			txn.moves = append(txn.moves, move{account: acct, amount: -a})
			total += a
		}
		header(add.Value("DepositToAccountRef/FullName"), total)
	case "JournalEntryAdd":
		for _, side := range []struct {
			path string
			sign money.Cents
		}{{"JournalDebitLine", 1}, {"JournalCreditLine", -1}} {
			for _, l := range add.FindAll(side.path) {
				a, err := amount(l, "Amount")
				if err != nil {
					return txn, err
				}
				txn.moves = append(txn.moves, move{account: l.Value("AccountRef/FullName"), amount: side.sign * a})
			}
		}
	case "ItemReceiptAdd":
		total, err := itemLines("ItemLineAdd", 1, true)
		if err != nil {
			return txn, err
		}
		for _, l := range add.FindAll("ExpenseLineAdd") {
			a, err := amount(l, "Amount")
			if err != nil {
				return txn, err
			}
			txn.moves = append(txn.moves, move{account: l.Value("AccountRef/FullName"), amount: a})
			total += a
		}
		header(or(add.Value("APAccountRef/FullName"), defaultAP), -total)
	case "PurchaseOrderAdd":
		// A purchase order is a non-posting transaction.
	default:
		return txn, fmt.Errorf("%s: the golden ledger has no rule for this transaction type", add.Name)
	}
	for _, m := range txn.moves {
		if m.account == "" {
			return txn, fmt.Errorf("%s: a line of %s names no account", add.Name, m.amount)
		}
	}
	return txn, nil
}

// ledgerText prints each rendered transaction's debits and credits by
// account, with the item each line goes through, then the totals by account,
// the per-tax-item totals and the warnings.
func ledgerText(books *renderedBooks, plan *Plan) string {
	var b strings.Builder
	for _, t := range books.txns {
		fmt.Fprintf(&b, "%s %s %s ref=%s\n", t.date, t.kind, t.key, t.ref)
		for _, m := range t.moves {
			if m.amount == 0 {
				continue
			}
			side := "Dr"
			if m.amount < 0 {
				side = "Cr"
			}
			via := ""
			switch {
			case m.taxItem != "":
				via = "  [" + m.taxItem + "]"
			case m.item != "":
				via = "  via " + m.item
			}
			fmt.Fprintf(&b, "  %s %-28s %12s%s\n", side, m.account, m.amount.Abs(), via)
		}
	}
	b.WriteString("\nTotals by account (debit positive)\n")
	var sum money.Cents
	for _, a := range sortedKeys(books.byAccount) {
		sum += books.byAccount[a]
		if books.byAccount[a] != 0 {
			fmt.Fprintf(&b, "  %-30s %12s\n", a, books.byAccount[a])
		}
	}
	fmt.Fprintf(&b, "  %-30s %12s\n", "(sum)", sum)
	if len(books.byTaxItem) > 0 {
		b.WriteString("Sales tax by item\n")
		for _, k := range sortedKeys(books.byTaxItem) {
			fmt.Fprintf(&b, "  %-30s %12s\n", k, books.byTaxItem[k])
		}
	}
	for _, w := range plan.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	return b.String()
}

// renderedDifferences lists where the rendered books do not balance,
// transaction by transaction, or differ from the planner's own ledger by
// account and by tax item, each transaction and the plan. A difference is a
// bug in the renderer (it sends another account or item than the planner
// booked) or in the planner's ledger (it books what the request does not say).
func renderedDifferences(p *planner, plan *Plan, books *renderedBooks) []string {
	var diffs []string
	acct := func(c shopqb.Category) string {
		if c == arCategory {
			return defaultAR
		}
		return p.m.Account(c)
	}
	docs := map[string]*txnDoc{}
	for _, d := range p.docs {
		docs[d.key] = d
	}
	for _, txn := range books.txns {
		var sum money.Cents
		got, tax := map[string]money.Cents{}, map[string]money.Cents{}
		for _, m := range txn.moves {
			sum += m.amount
			got[m.account] += m.amount
			if m.taxItem != "" {
				tax[m.taxItem] += m.amount
			}
		}
		if sum != 0 {
			diffs = append(diffs, fmt.Sprintf("%s as rendered does not balance: debits − credits = %s", txn.key, sum))
		}
		d, ok := docs[txn.key]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%s is rendered but the planner has no such transaction", txn.key))
			continue
		}
		want, wantTax := map[string]money.Cents{}, map[string]money.Cents{}
		for _, e := range d.ledger() {
			want[acct(e.category)] += e.amount
			if e.taxItem != "" {
				wantTax[e.taxItem] += e.amount
			}
		}
		diffs = append(diffs, amountDifferences(txn.key+" account", got, want)...)
		diffs = append(diffs, amountDifferences(txn.key+" tax item", tax, wantTax)...)
		delete(docs, txn.key)
	}
	for _, k := range sortedKeys(docs) {
		diffs = append(diffs, fmt.Sprintf("the planner booked %s, but no request of the plan renders it", k))
	}
	want := map[string]money.Cents{}
	for c, a := range plan.Ledger.ByCategory {
		want[acct(c)] += a
	}
	diffs = append(diffs, amountDifferences("plan account", books.byAccount, want)...)
	return append(diffs, amountDifferences("plan tax item", books.byTaxItem, plan.Ledger.ByTaxItem)...)
}

// amountDifferences names each key whose rendered amount differs from the
// planner's, zero amounts counting as absent.
func amountDifferences(what string, rendered, planned map[string]money.Cents) []string {
	names := map[string]bool{}
	for k := range rendered {
		names[k] = true
	}
	for k := range planned {
		names[k] = true
	}
	var out []string
	for _, k := range sortedKeys(names) {
		if g, w := rendered[k], planned[k]; g != w {
			out = append(out, fmt.Sprintf("%s %q: rendered requests book %s, the planner's ledger %s", what, k, g, w))
		}
	}
	return out
}

// A renderer that sends another account, or an item defined on another
// account, than the planner booked is caught by the comparison.
func TestRenderedLedgerCatchesWhatThePlannerDidNotBook(t *testing.T) {
	in, _ := goldenInput(t, "testdata/golden/summary-mode")
	for _, tc := range []struct{ name, key, from, to string }{
		{"deposit account", "summary:sales:2026-11-20:7001", "<FullName>Cash Drawer</FullName>", "<FullName>Checking</FullName>"},
		{"item account", "item:type:Kitchen", "<FullName>Sales</FullName>", "<FullName>Shipping Income</FullName>"},
		{"line amount", "summary:sales:2026-11-21:online", "<Amount>5.00</Amount>", "<Amount>6.00</Amount>"},
		{"tax item", "summary:sales:2026-11-20:7002", "<FullName>NY State Tax 4%</FullName>", "<FullName>Tips</FullName>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, plan, err := build(in)
			if err != nil {
				t.Fatal(err)
			}
			books, err := bookRendered(p, in, plan)
			if err != nil {
				t.Fatal(err)
			}
			if d := renderedDifferences(p, plan, books); len(d) > 0 {
				t.Fatalf("the untouched plan differs: %v", d)
			}
			tampered := false
			for _, ps := range plan.Postings {
				if ps.Key == tc.key && strings.Contains(ps.Request, tc.from) {
					ps.Request, tampered = strings.Replace(ps.Request, tc.from, tc.to, 1), true
				}
			}
			if !tampered {
				t.Fatalf("%s has no %s", tc.key, tc.from)
			}
			if books, err = bookRendered(p, in, plan); err != nil {
				t.Fatal(err)
			}
			if d := renderedDifferences(p, plan, books); len(d) == 0 {
				t.Error("the tampered request went unnoticed")
			} else {
				t.Log(strings.Join(d, "\n"))
			}
		})
	}
}
