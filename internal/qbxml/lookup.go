package qbxml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
)

// txnQueryTypes are the transaction types shopqb posts, keyed by the Add
// that creates them: their queries share the TxnQuery shape (TxnFilter,
// IncludeLineItems, IncludeRetElement, OwnerID), and a lost response is
// recovered by one.
var txnQueryTypes = map[string]string{
	"SalesReceiptAdd":       "SalesReceipt",
	"CreditMemoAdd":         "CreditMemo",
	"ARRefundCreditCardAdd": "ARRefundCreditCard",
	"JournalEntryAdd":       "JournalEntry",
	"DepositAdd":            "Deposit",
	"PurchaseOrderAdd":      "PurchaseOrder",
	"ItemReceiptAdd":        "ItemReceipt",
}

// TxnTypeQuery queries one transaction type named at run time, e.g. Type
// "ARRefundCreditCard" is written as ARRefundCreditCardQueryRq. It covers
// the types in txnQueryTypes, whose queries all accept this sequence.
type TxnTypeQuery struct {
	Type string
	Iteration
	TxnFilter
	IncludeLineItems  *bool    `xml:"IncludeLineItems,omitempty"`
	IncludeRetElement []string `xml:"IncludeRetElement,omitempty" max:"50"`
	OwnerID           []GUID   `xml:"OwnerID,omitempty"`
}

// RequestName implements Request.
func (q TxnTypeQuery) RequestName() string { return q.Type + "QueryRq" }

func (q TxnTypeQuery) validate() error {
	known := false
	for _, t := range txnQueryTypes {
		known = known || t == q.Type
	}
	if !known {
		return fmtUnknown("transaction query type", q.Type)
	}
	if err := q.Iteration.validate(); err != nil {
		return err
	}
	if q.Type == "Deposit" && (len(q.RefNumber)+len(q.RefNumberCaseSensitive) > 0 || q.RefNumberFilter != nil || q.RefNumberRangeFilter != nil) {
		return errors.New("deposits have no RefNumber to query by")
	}
	return q.TxnFilter.validate()
}

// MarshalXML writes the query under its type's element name, whatever
// element the caller asked for.
func (q TxnTypeQuery) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type body struct {
		Iteration
		TxnFilter
		IncludeLineItems  *bool    `xml:"IncludeLineItems,omitempty"`
		IncludeRetElement []string `xml:"IncludeRetElement,omitempty"`
		OwnerID           []GUID   `xml:"OwnerID,omitempty"`
	}
	start := xml.StartElement{Name: xml.Name{Local: q.RequestName()}}
	return e.EncodeElement(body{q.Iteration, q.TxnFilter, q.IncludeLineItems, q.IncludeRetElement, q.OwnerID}, start)
}

// TxnQueryFor builds the query that finds what a transaction posting of the
// given kind ("SalesReceiptAdd", …) may have created, for recovery after a
// lost response: by exact RefNumber when there is one (any date, since the
// bookkeeper may have re-dated it), otherwise by transaction date (deposits
// have no RefNumber). The caller compares each returned ExternalGUID with the
// posting's before deciding anything, or the TxnKey where it is missing.
//
// QuickBooks returns a record's ExternalGUID in a query only when asked: the
// query names it in IncludeRetElement (with the other fields the match needs,
// since IncludeRetElement limits the answer to what it lists) and carries
// OwnerID 0, as the 13.0 schema allows for every transaction query.
func TxnQueryFor(kind, refNumber string, txnDate string) (Request, error) {
	typ, ok := txnQueryTypes[kind]
	if !ok {
		return nil, fmt.Errorf("qbxml: no transaction query for %q", kind)
	}
	q := TxnTypeQuery{Type: typ, IncludeLineItems: Bool(false),
		IncludeRetElement: txnLookupElements(typ), OwnerID: []GUID{"0"}}
	refNumber = strings.TrimSpace(refNumber)
	switch {
	case refNumber != "" && typ != "Deposit":
		q.RefNumber = []string{refNumber}
	case txnDate != "":
		if _, err := Date(txnDate).MarshalText(); err != nil {
			return nil, fmt.Errorf("qbxml: look up %s: %w", kind, err)
		}
		q.TxnDateRangeFilter = &TxnDateRangeFilter{FromTxnDate: Date(txnDate), ToTxnDate: Date(txnDate)}
	default:
		return nil, fmt.Errorf("qbxml: look up %s: need a RefNumber or a TxnDate", kind)
	}
	return q, nil
}

// ListQueryFor builds the query that finds a list record of the given kind
// ("CustomerAdd", "ItemInventoryAdd", …) by its full name: after a lost
// response, or after status 3100 (name in use) to link the existing record.
func ListQueryFor(kind, fullName string) (Request, error) {
	if strings.TrimSpace(fullName) == "" {
		return nil, fmt.Errorf("qbxml: look up %s: empty name", kind)
	}
	byName := ListFilter{FullName: []string{fullName}}
	switch kind {
	case "CustomerAdd":
		return CustomerQuery{ListFilter: byName}, nil
	case "VendorAdd":
		return VendorQuery{ListFilter: byName}, nil
	case "AccountAdd":
		return AccountQuery{ListFilter: byName}, nil
	case "PaymentMethodAdd":
		return PaymentMethodQuery{ListFilter: byName}, nil
	case "ClassAdd":
		return ClassQuery{ListFilter: byName}, nil
	case "ItemSalesTaxAdd":
		return ItemSalesTaxQuery{ListFilter: byName}, nil
	case "ItemInventoryAdd", "ItemNonInventoryAdd", "ItemServiceAdd", "ItemOtherChargeAdd",
		"ItemDiscountAdd", "ItemPaymentAdd":
		// Item names are unique across all item types, so ItemQuery finds a
		// clash with an item of another type too.
		return ItemQuery{ListFilter: byName}, nil
	}
	return nil, fmt.Errorf("qbxml: no list query for %q", kind)
}
