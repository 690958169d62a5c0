package qbxml

import (
	"strings"
	"testing"
)

func TestLookupQueriesValidate(t *testing.T) {
	docs := map[string]string{}
	add := func(name string, q Request, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		el, err := MarshalRequest(q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		doc, err := MsgSet{}.Build([]Raw{{RequestID: "q1", XML: el}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		docs[name] = doc
	}
	for kind, typ := range txnQueryTypes {
		q, err := TxnQueryFor(kind, "#1042", "2026-11-20")
		add(kind+"/ref", q, err)
		el, _ := MarshalRequest(q)
		if !strings.HasPrefix(el, "<"+typ+"QueryRq>") {
			t.Errorf("%s: query element %s", kind, el)
		}
		if typ == "Deposit" {
			if !strings.Contains(el, "<FromTxnDate>2026-11-20</FromTxnDate><ToTxnDate>2026-11-20</ToTxnDate>") {
				t.Errorf("deposit lookup is not by date: %s", el)
			}
		} else if !strings.Contains(el, "<RefNumber>#1042</RefNumber>") {
			t.Errorf("%s lookup is not by RefNumber: %s", kind, el)
		}
		// QuickBooks returns ExternalGUID only when asked for it.
		if !strings.Contains(el, "<IncludeRetElement>ExternalGUID</IncludeRetElement>") || !strings.Contains(el, "<OwnerID>0</OwnerID>") ||
			!strings.Contains(el, "<IncludeRetElement>TxnID</IncludeRetElement>") {
			t.Errorf("%s lookup does not ask for ExternalGUID (IncludeRetElement, OwnerID 0): %s", kind, el)
		}
		q, err = TxnQueryFor(kind, "", "2026-11-20")
		add(kind+"/date", q, err)
	}
	for _, kind := range []string{"CustomerAdd", "VendorAdd", "AccountAdd", "PaymentMethodAdd", "ClassAdd",
		"ItemInventoryAdd", "ItemNonInventoryAdd", "ItemServiceAdd", "ItemOtherChargeAdd", "ItemDiscountAdd",
		"ItemSalesTaxAdd", "ItemPaymentAdd"} {
		q, err := ListQueryFor(kind, "Kim Minjun & Co")
		add(kind, q, err)
		if el, _ := MarshalRequest(q); !strings.Contains(el, "<FullName>Kim Minjun &amp; Co</FullName>") {
			t.Errorf("%s: %s", kind, el)
		}
	}
	for name, problem := range validateEach(t, docs) {
		t.Errorf("%s does not validate:\n%s\n%s", name, problem, docs[name])
	}
}

func TestLookupRefusals(t *testing.T) {
	if _, err := TxnQueryFor("CustomerAdd", "#1", ""); err == nil {
		t.Error("TxnQueryFor accepted a list kind")
	}
	if _, err := TxnQueryFor("SalesReceiptAdd", "", ""); err == nil {
		t.Error("TxnQueryFor accepted no RefNumber and no date")
	}
	if _, err := TxnQueryFor("DepositAdd", "#1", ""); err == nil {
		t.Error("deposit lookup without a date accepted")
	}
	if _, err := TxnQueryFor("SalesReceiptAdd", "", "20-11-2026"); err == nil {
		t.Error("bad date accepted")
	}
	if _, err := ListQueryFor("SalesReceiptAdd", "X"); err == nil {
		t.Error("ListQueryFor accepted a transaction kind")
	}
	if _, err := ListQueryFor("CustomerAdd", " "); err == nil {
		t.Error("ListQueryFor accepted an empty name")
	}
	if _, err := MarshalRequest(TxnTypeQuery{Type: "Payroll"}); err == nil {
		t.Error("unknown transaction type accepted")
	}
	got, err := MarshalRequest(TxnTypeQuery{Type: "ItemReceipt", Iteration: Iteration{Iterator: IteratorStart}, TxnFilter: TxnFilter{MaxReturned: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `<ItemReceiptQueryRq iterator="Start"><MaxReturned>3</MaxReturned></ItemReceiptQueryRq>`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}
