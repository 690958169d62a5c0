package qbxml

import (
	"fmt"
	"strings"

	"github.com/shopqb/shopqb/internal/money"
)

// ListShape is what makes an existing QuickBooks list record usable in place
// of one shopqb would add: its type and the account it books to. Two items
// called "Shipping" are the same thing to shopqb only when both are Other
// Charge items on the same income account; a Service item of that name on
// "Construction Income:Labor Income" is someone else's item, and linking to
// it would book shipping income to labour.
type ListShape struct {
	// Type is the record type without Add/Ret: "ItemOtherCharge", "ItemService",
	// "ItemSalesTax", "Account", "Customer", …
	Type string
	// Account is the full name of the account the record books to (an item's
	// income or sales account, a discount's account, a payment item's deposit
	// account); "" when the type has none (sales-tax items book to Sales Tax
	// Payable) or the record does not say.
	Account string
	// AccountType is an account's own type (Account records only).
	AccountType string
}

// accountPaths are where each list type names its account, in Add and Ret alike.
var accountPaths = map[string][]string{
	"ItemService":      {"SalesOrPurchase/AccountRef/FullName", "SalesAndPurchase/IncomeAccountRef/FullName"},
	"ItemNonInventory": {"SalesOrPurchase/AccountRef/FullName", "SalesAndPurchase/IncomeAccountRef/FullName"},
	"ItemOtherCharge":  {"SalesOrPurchase/AccountRef/FullName", "SalesAndPurchase/IncomeAccountRef/FullName"},
	"ItemInventory":    {"IncomeAccountRef/FullName"},
	"ItemDiscount":     {"AccountRef/FullName"},
	"ItemPayment":      {"DepositToAccountRef/FullName"},
}

// ItemAccountElements are the IncomeAccount-bearing elements of every item
// Ret, for an ItemQuery's IncludeRetElement: with FullName they are all
// ShapeOfRet needs.
var ItemAccountElements = []string{"SalesOrPurchase", "SalesAndPurchase", "IncomeAccountRef", "AccountRef", "DepositToAccountRef"}

func shapeOf(typ string, n *Node) ListShape {
	s := ListShape{Type: typ}
	for _, p := range accountPaths[typ] {
		if v := strings.TrimSpace(n.Value(p)); v != "" {
			s.Account = v
			break
		}
	}
	if typ == "Account" {
		s.AccountType = strings.TrimSpace(n.Value("AccountType"))
	}
	return s
}

// ShapeOfAdd reads the shape of the record an Add request (as a posting
// stores it: "<ItemOtherChargeAddRq><ItemOtherChargeAdd>…") would create.
func ShapeOfAdd(addRq string) (ListShape, error) {
	add, err := AddElement(addRq)
	if err != nil {
		return ListShape{}, err
	}
	return shapeOf(strings.TrimSuffix(add.Name, "Add"), add), nil
}

// ShapeOfRet reads the shape of a record QuickBooks returned ("ItemServiceRet").
func ShapeOfRet(r *Ret) ListShape {
	return shapeOf(strings.TrimSuffix(r.Type, "Ret"), r.Node)
}

// Differs reports how an existing record (have) differs from the one shopqb
// needs (want), in words naming both, or "" when have can be used as want.
// An account is compared only when both sides name one: a record whose
// account QuickBooks did not return cannot be told apart by it.
func (want ListShape) Differs(have ListShape) string {
	if !strings.EqualFold(want.Type, have.Type) {
		return fmt.Sprintf("it is %s, not %s", describeType(have), describeType(want))
	}
	if want.Account != "" && have.Account != "" && !strings.EqualFold(want.Account, have.Account) {
		return fmt.Sprintf("it books to %q, not %q", have.Account, want.Account)
	}
	if want.AccountType != "" && have.AccountType != "" && !strings.EqualFold(want.AccountType, have.AccountType) {
		return fmt.Sprintf("it is a %s account, not a %s account", have.AccountType, want.AccountType)
	}
	return ""
}

var typeWords = map[string]string{
	"ItemService": "a Service item", "ItemNonInventory": "a Non-inventory Part item", "ItemInventory": "an Inventory Part item",
	"ItemInventoryAssembly": "an Inventory Assembly item", "ItemOtherCharge": "an Other Charge item", "ItemDiscount": "a Discount item",
	"ItemSalesTax": "a Sales Tax item", "ItemSalesTaxGroup": "a Sales Tax Group", "ItemPayment": "a Payment item",
	"ItemSubtotal": "a Subtotal item", "ItemGroup": "a Group item", "ItemFixedAsset": "a Fixed Asset item",
	"Account": "an account", "Customer": "a customer", "Vendor": "a vendor", "Employee": "an employee", "OtherName": "an other name",
	"PaymentMethod": "a payment method", "Class": "a class",
}

func describeType(s ListShape) string {
	w := typeWords[s.Type]
	if w == "" {
		w = "a " + s.Type + " record"
	}
	if s.Account != "" {
		w += fmt.Sprintf(" on %q", s.Account)
	}
	return w
}

// Describe is the shape in words: `an Other Charge item on "Shipping Income"`.
func (s ListShape) Describe() string { return describeType(s) }

// AddElement returns the …Add element inside a stored …AddRq request as a
// Node tree, so a reader outside this package (the planner's golden ledger,
// which books the rendered requests back) reads requests with the same
// parser as responses instead of a second one.
func AddElement(addRq string) (*Node, error) {
	roots, err := parseTree(addRq)
	if err != nil {
		return nil, fmt.Errorf("qbxml: read request: %w", err)
	}
	if len(roots) != 1 || !strings.HasSuffix(roots[0].Name, "AddRq") {
		return nil, fmt.Errorf("qbxml: not an Add request")
	}
	name := strings.TrimSuffix(roots[0].Name, "Rq")
	for _, c := range roots[0].Children {
		if c.Name == name {
			return c, nil
		}
	}
	return nil, fmt.Errorf("qbxml: %s has no %s", roots[0].Name, name)
}

// TxnKey is what identifies a transaction when its ExternalGUID is not
// available: QuickBooks may not return it (a query without OwnerID 0, an
// older release), or the record was re-saved by hand. A transaction in
// QuickBooks with the same RefNumber, date, entity and amount as an in-doubt
// posting is that posting.
type TxnKey struct {
	RefNumber string
	TxnDate   string
	// Entity is the customer (sales forms, payments, refunds) or vendor
	// (purchase orders, receipts, bills); "" for types without one.
	Entity string
	// Amount is the total QuickBooks reports for the type; nil when the type
	// reports none (journal entries, inventory adjustments) or the request's
	// lines leave it to QuickBooks to compute.
	Amount *money.Cents
}

// txnRetFields are, per transaction type, where its Ret carries the entity
// and the total, for the recovery query's IncludeRetElement and TxnKeyOfRet.
var txnRetFields = map[string]struct{ entity, amount string }{
	"SalesReceipt":       {"CustomerRef", "TotalAmount"},
	"CreditMemo":         {"CustomerRef", "TotalAmount"},
	"ARRefundCreditCard": {"CustomerRef", "TotalAmount"},
	"JournalEntry":       {"", ""},
	"Deposit":            {"", "DepositTotal"},
	"PurchaseOrder":      {"VendorRef", "TotalAmount"},
	"ItemReceipt":        {"VendorRef", "TotalAmount"},
}

// lineAmountPaths are the line elements whose Amounts add up to a type's total.
var lineAmountPaths = map[string][]string{
	"SalesReceipt":       {"SalesReceiptLineAdd"},
	"CreditMemo":         {"CreditMemoLineAdd"},
	"Deposit":            {"DepositLineAdd"},
	"PurchaseOrder":      {"PurchaseOrderLineAdd"},
	"ItemReceipt":        {"ExpenseLineAdd", "ItemLineAdd"},
	"ARRefundCreditCard": {"RefundAppliedToTxnAdd"},
}

// TxnKeyOfAdd reads the identifying figures of the transaction an Add
// request creates. The amount is the sum of the lines' Amounts, and is left
// nil when a line has none (a group, a subtotal, a payment deposited by TxnID)
// rather than guessed.
func TxnKeyOfAdd(addRq string) (TxnKey, error) {
	add, err := AddElement(addRq)
	if err != nil {
		return TxnKey{}, err
	}
	typ := strings.TrimSuffix(add.Name, "Add")
	k := TxnKey{RefNumber: add.Value("RefNumber"), TxnDate: add.Value("TxnDate")}
	f := txnRetFields[typ]
	if f.entity != "" {
		k.Entity = add.Value(f.entity + "/FullName")
	}
	if lineAmountPaths[typ] != nil {
		var sum money.Cents
		lines := 0
		for _, name := range lineAmountPaths[typ] {
			field := "Amount"
			if typ == "ARRefundCreditCard" {
				field = "RefundAmount"
			}
			for _, l := range add.FindAll(name) {
				a, err := money.Parse(l.Value(field))
				if err != nil {
					return k, nil // a line without its own amount: leave the total to QuickBooks
				}
				sum += a
				lines++
			}
		}
		if lines > 0 {
			k.Amount = &sum
		}
	}
	return k, nil
}

// TxnKeyOfRet reads the same figures from a transaction QuickBooks returned.
func TxnKeyOfRet(r *Ret) TxnKey {
	typ := strings.TrimSuffix(r.Type, "Ret")
	k := TxnKey{RefNumber: r.RefNumber, TxnDate: r.TxnDate}
	f := txnRetFields[typ]
	if f.entity != "" {
		k.Entity = r.Node.Value(f.entity + "/FullName")
	}
	if f.amount != "" {
		k.Amount = centsAt(r.Node, f.amount)
	}
	return k
}

// SameTxn reports whether a returned transaction (have) is the one want
// describes: same reference number and date, and the same entity and amount
// wherever want knows them. A figure want knows but have lacks is a
// mismatch: the record cannot be confirmed as shopqb's.
func (want TxnKey) SameTxn(have TxnKey) bool {
	if !strings.EqualFold(strings.TrimSpace(want.RefNumber), strings.TrimSpace(have.RefNumber)) {
		return false
	}
	if want.TxnDate != "" && want.TxnDate != have.TxnDate {
		return false
	}
	if want.Entity != "" && !strings.EqualFold(strings.TrimSpace(want.Entity), strings.TrimSpace(have.Entity)) {
		return false
	}
	if want.Amount != nil && (have.Amount == nil || *have.Amount != *want.Amount) {
		return false
	}
	return true
}

// txnLookupElements are the Ret elements a recovery query asks for: enough
// to match by ExternalGUID or by TxnKey, and to record the posting as done.
func txnLookupElements(typ string) []string {
	els := []string{"TxnID", "EditSequence", "TxnDate", "RefNumber", "ExternalGUID"}
	f := txnRetFields[typ]
	if f.entity != "" {
		els = append(els, f.entity)
	}
	if f.amount != "" {
		els = append(els, f.amount)
	}
	return els
}
