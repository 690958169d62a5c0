package qbxml

import (
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/testenv"
)

const (
	testGUID  GUID = "{6F9619FF-8B86-D011-B42D-00C04FC964FF}"
	testGUID2 GUID = "{0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D}"
)

func shopifyAddress() *Address {
	return &Address{Addr1: "Kim Minjun", Addr2: "12 Main Street", Addr3: "Suite 4", City: "Springfield",
		State: "IL", PostalCode: "62701", Country: "US", Note: "Leave at door"}
}

// requestExamples holds one realistic request of every kind shopqb sends,
// filled the way the planner fills them (and with most optional fields set,
// so that the schema checks their order).
func requestExamples() map[string]Request {
	price := money.MustParse("24.99")
	return map[string]Request{
		"CustomerAdd": CustomerAdd{
			Name: "Kim Minjun 1042", IsActive: Bool(true), ClassRef: ByName("Online Store"),
			CompanyName: "Gim Trading", Salutation: "Mr.", FirstName: "Minjun", MiddleName: "J", LastName: "Kim",
			JobTitle: "Buyer", BillAddress: shopifyAddress(), ShipAddress: shopifyAddress(), PrintAs: "Kim Minjun",
			Phone: "+1 217 555 0100", Mobile: "+1 217 555 0101", AltPhone: "217-555-0102", Fax: "217-555-0103",
			Email: "minjun@example.com", Cc: "ap@example.com", Contact: "Minjun Kim",
			CustomerTypeRef: ByName("Shopify"), TermsRef: ByName("Net 30"), SalesTaxCodeRef: ByName("Tax"),
			ItemSalesTaxRef: ByName("Shopify 0%"), ResaleNumber: "R-12345", AccountNumber: "gid-1042",
			PreferredPaymentMethodRef: ByName("Shopify Payments"), Notes: "Shopify customer 1042",
			ExternalGUID: testGUID,
		},
		"VendorAdd": VendorAdd{
			Name: "Acme Supply Co", IsActive: Bool(true), CompanyName: "Acme Supply Co", FirstName: "Ann",
			LastName: "Lee", VendorAddress: shopifyAddress(), ShipAddress: shopifyAddress(), Phone: "555-0199",
			Email: "orders@acme.example", Contact: "Ann Lee", NameOnCheck: "Acme Supply Company",
			AccountNumber: "ACME-7", Notes: "Stocky supplier 17", VendorTypeRef: ByName("Suppliers"),
			TermsRef: ByName("Net 30"), VendorTaxIdent: "12-3456789", IsVendorEligibleFor1099: Bool(false),
			ExternalGUID: testGUID,
		},
		"AccountAdd": AccountAdd{
			Name: "Shopify Payments Clearing", IsActive: Bool(true), ParentRef: ByName("Clearing"),
			AccountType: AccountOtherCurrentAsset, AccountNumber: "12010", Desc: "Money held by Shopify Payments until payout",
		},
		"ClassAdd":         ClassAdd{Name: "Main Street Store", IsActive: Bool(true), ParentRef: ByName("Locations")},
		"PaymentMethodAdd": PaymentMethodAdd{Name: "Shopify Payments", IsActive: Bool(true), PaymentMethodType: PaymentOtherCreditCard},
		"ItemInventoryAdd": ItemInventoryAdd{
			Name: "TSHIRT-BLK-M", BarCode: &BarCode{BarCodeValue: "0123456789012", AssignEvenIfUsed: Bool(false), AllowOverride: Bool(false)},
			IsActive: Bool(true), ClassRef: ByName("Apparel"), ParentRef: ByName("Shopify"), ManufacturerPartNumber: "TS-001",
			SalesTaxCodeRef: ByName("Tax"), SalesDesc: "T-shirt / Black / M", SalesPrice: Price(price),
			IncomeAccountRef: ByName("Sales:Merchandise"), PurchaseDesc: "T-shirt black M", PurchaseCost: "8.125",
			COGSAccountRef: ByName("Cost of Goods Sold"), PrefVendorRef: ByName("Acme Supply Co"),
			AssetAccountRef: ByName("Inventory Asset"), ReorderPoint: "5", Max: "100", QuantityOnHand: "12",
			TotalValue: Amt(money.MustParse("97.50")), InventoryDate: "2026-11-01", ExternalGUID: testGUID,
		},
		"ItemNonInventoryAdd": ItemNonInventoryAdd{
			Name: "Shopify Apparel", IsActive: Bool(true), ParentRef: ByName("Shopify"), ClassRef: ByName("Apparel"),
			ManufacturerPartNumber: "SUMMARY", SalesTaxCodeRef: ByName("Tax"),
			SalesAndPurchase: &SalesAndPurchase{SalesDesc: "Apparel (summary)", SalesPrice: "0", IncomeAccountRef: ByName("Sales:Apparel"),
				PurchaseDesc: "Apparel cost", PurchaseCost: "0", PurchaseTaxCodeRef: ByName("Non"),
				ExpenseAccountRef: ByName("Cost of Goods Sold"), PrefVendorRef: ByName("Acme Supply Co")},
			ExternalGUID: testGUID,
		},
		"ItemServiceAdd": ItemServiceAdd{
			Name: "Gift wrapping", IsActive: Bool(true), ClassRef: ByName("Online Store"), ParentRef: ByName("Shopify"),
			SalesTaxCodeRef: ByName("Non"),
			SalesOrPurchase: &SalesOrPurchase{Desc: "Gift wrapping service", Price: "4.5", AccountRef: ByName("Sales:Services")},
			ExternalGUID:    testGUID,
		},
		"ItemOtherChargeAdd": ItemOtherChargeAdd{
			Name: "Shipping", IsActive: Bool(true), ClassRef: ByName("Online Store"), ParentRef: ByName("Shopify"),
			SalesTaxCodeRef: ByName("Non"),
			SalesOrPurchase: &SalesOrPurchase{Desc: "Shipping charged to customers", AccountRef: ByName("Shipping Income")},
			ExternalGUID:    testGUID,
		},
		"ItemDiscountAdd": ItemDiscountAdd{
			Name: "Shopify discount", IsActive: Bool(true), ClassRef: ByName("Online Store"), ParentRef: ByName("Shopify"),
			ItemDesc: "Discount codes and automatic discounts", SalesTaxCodeRef: ByName("Tax"),
			AccountRef: ByName("Sales Discounts"), ExternalGUID: testGUID,
		},
		"ItemSalesTaxAdd": ItemSalesTaxAdd{
			Name: "IL State Tax 6.25%", IsActive: Bool(true), ClassRef: ByName("Online Store"),
			ItemDesc: "Illinois state tax (Shopify)", TaxRate: "6.25", TaxVendorRef: ByName("Illinois Department of Revenue"),
			ExternalGUID: testGUID,
		},
		"ItemPaymentAdd": ItemPaymentAdd{
			Name: "Paid by Gift Card", IsActive: Bool(true), ClassRef: ByName("Online Store"),
			ItemDesc: "Gift card tender", DepositToAccountRef: ByName("Gift Card Liability"),
			PaymentMethodRef: ByName("Gift Card"), ExternalGUID: testGUID,
		},
		"SalesReceiptAdd": SalesReceiptAdd{
			DefMacro: "TxnID:order-1042", CustomerRef: ByName("Shopify Online"), ClassRef: ByName("Online Store"),
			TemplateRef: ByName("Custom Sales Receipt"), TxnDate: "2026-11-20", RefNumber: "#1042",
			BillAddress: shopifyAddress(), ShipAddress: shopifyAddress(), IsPending: Bool(false), CheckNumber: "pi_3N",
			PaymentMethodRef: ByName("Shopify Payments"), DueDate: "2026-11-20", SalesRepRef: ByName("POS"),
			ShipDate: "2026-11-21", ShipMethodRef: ByName("UPS"), FOB: "Origin", ItemSalesTaxRef: ByName("Shopify 0%"),
			Memo: "Shopify order #1042 (gid://shopify/Order/5512345)", CustomerMsgRef: ByName("Thank you"),
			IsToBePrinted: Bool(false), IsToBeEmailed: Bool(false), CustomerSalesTaxCodeRef: ByName("Tax"),
			DepositToAccountRef: ByName("Shopify Payments Clearing"), Other: "web", ExternalGUID: testGUID,
			Lines: []SalesLine{
				{ItemRef: ByName("TSHIRT-BLK-M"), Desc: "T-shirt / Black / M", Quantity: "2", UnitOfMeasure: "ea",
					Rate: Price(price), ClassRef: ByName("Online Store"), Amount: Amt(2 * price),
					ServiceDate: "2026-11-20", SalesTaxCodeRef: ByName("Tax"), Other1: "variant 4411", Other2: "sku TS"},
				{ItemRef: ByName("Shopify discount"), Desc: "WELCOME10", Amount: Amt(money.MustParse("-5.00"))},
				{ItemRef: ByName("Shipping"), Amount: Amt(money.MustParse("7.50"))},
				{ItemRef: ByName("IL State Tax 6.25%"), Desc: "Illinois State Tax", Amount: Amt(money.MustParse("2.81"))},
				{ItemRef: ByName("Paid by Gift Card"), Amount: Amt(money.MustParse("-10.00"))},
			},
		},
		"CreditMemoAdd": CreditMemoAdd{
			DefMacro: "TxnID:refund-981", CustomerRef: ByName("Shopify Online"), ClassRef: ByName("Online Store"),
			TxnDate: "2026-11-25", RefNumber: "R1042-1", Memo: "Refund 981 of order #1042",
			ItemSalesTaxRef: ByName("Shopify 0%"), ExternalGUID: testGUID,
			Lines: []SalesLine{
				{ItemRef: ByName("TSHIRT-BLK-M"), Quantity: "1", Rate: Price(price), Amount: Amt(price)},
				{ItemRef: ByName("IL State Tax 6.25%"), Amount: Amt(money.MustParse("1.56"))},
			},
		},
		"ARRefundCreditCardAdd": ARRefundCreditCardAdd{
			CustomerRef: ByName("Shopify Online"), RefundFromAccountRef: ByName("Shopify Payments Clearing"),
			ARAccountRef: ByName("Accounts Receivable"), TxnDate: "2026-11-25", RefNumber: "R1042-1",
			Address: shopifyAddress(), PaymentMethodRef: ByName("Shopify Payments"), Memo: "Refund 981 of order #1042",
			ExternalGUID:    testGUID2,
			RefundAppliedTo: []RefundAppliedToTxn{{TxnID: TxnIDFromMacro("refund-981"), RefundAmount: Amount(money.MustParse("26.55"))}},
		},
		"JournalEntryAdd": JournalEntryAdd{
			TxnDate: "2026-11-20", RefNumber: "COGS1120", IsAdjustment: Bool(false), ExternalGUID: testGUID,
			Debits: []JournalLine{{AccountRef: ByName("Cost of Goods Sold"), Amount: Amt(money.MustParse("16.25")),
				Memo: "COGS 2026-11-20 Online Store", EntityRef: ByName("Shopify Online"), ClassRef: ByName("Online Store")}},
			Credits: []JournalLine{{AccountRef: ByName("Inventory Asset"), Amount: Amt(money.MustParse("16.25")),
				Memo: "COGS 2026-11-20 Online Store", ClassRef: ByName("Online Store")}},
		},
		"DepositAdd": DepositAdd{
			TxnDate: "2026-11-22", DepositToAccountRef: ByName("Checking"), Memo: "Shopify payout 9988 (2026-11-22)",
			ExternalGUID: testGUID,
			Lines: []DepositLine{
				{AccountRef: ByName("Shopify Payments Clearing"), Memo: "Charges", PaymentMethodRef: ByName("Shopify Payments"),
					ClassRef: ByName("Online Store"), Amount: Amt(money.MustParse("1250.00"))},
				{EntityRef: ByName("Shopify"), AccountRef: ByName("Merchant Fees"), Memo: "Fees", CheckNumber: "9988",
					Amount: Amt(money.MustParse("-36.55"))},
				{PaymentTxnID: &MacroTxnID{UseMacro: "TxnID:order-1042"}, OverrideMemo: "order #1042",
					OverrideCheckNumber: "1042", OverrideClassRef: ByName("Online Store")},
			},
		},
		"PurchaseOrderAdd": PurchaseOrderAdd{
			VendorRef: ByName("Acme Supply Co"), ClassRef: ByName("Apparel"), ShipToEntityRef: ByName("Shopify Online"),
			TemplateRef: ByName("Custom Purchase Order"), TxnDate: "2026-11-10", RefNumber: "PO1001",
			VendorAddress: shopifyAddress(), ShipAddress: shopifyAddress(), TermsRef: ByName("Net 30"),
			DueDate: "2026-12-10", ExpectedDate: "2026-11-24", ShipMethodRef: ByName("UPS"), FOB: "Origin",
			Memo: "Shopify purchase order #PO1001", VendorMsg: "Please ship together", IsToBePrinted: Bool(false),
			IsToBeEmailed: Bool(false), Other1: "stocky", Other2: "loc 1", ExternalGUID: testGUID,
			Lines: []PurchaseOrderLine{{ItemRef: ByName("TSHIRT-BLK-M"), ManufacturerPartNumber: "TS-001",
				Desc: "T-shirt black M", Quantity: "24", UnitOfMeasure: "ea", Rate: "8.125", ClassRef: ByName("Apparel"),
				Amount: Amt(money.MustParse("195.00")), CustomerRef: ByName("Shopify Online"), ServiceDate: "2026-11-24",
				OverrideItemAccountRef: ByName("Inventory Asset"), Other1: "x", Other2: "y"}},
		},
		"ItemReceiptAdd": ItemReceiptAdd{
			VendorRef: ByName("Acme Supply Co"), APAccountRef: ByName("Accounts Payable"), TxnDate: "2026-11-24",
			RefNumber: "PO1001-R1", Memo: "Received PO1001", ExternalGUID: testGUID,
			ExpenseLines: []ExpenseLine{{AccountRef: ByName("Freight In"), Amount: Amt(money.MustParse("12.00")),
				Memo: "Freight", ClassRef: ByName("Apparel"), BillableStatus: "NotBillable"}},
			ItemLines: []ItemLine{{ItemRef: ByName("TSHIRT-BLK-M"), Desc: "T-shirt black M", Quantity: "24",
				UnitOfMeasure: "ea", Cost: "8.125", Amount: Amt(money.MustParse("195.00")), ClassRef: ByName("Apparel"),
				LinkToTxn: &LinkToTxn{TxnID: "3F-1700000000", TxnLineID: "41-1700000000"}}},
		},
		// A link planned before the purchase order is posted: the pending
		// reference must itself be valid qbXML.
		"ItemReceiptAdd pending link": ItemReceiptAdd{
			VendorRef: ByName("Acme Supply Co"), TxnDate: "2026-11-24", RefNumber: "PO1001-R2",
			ItemLines: []ItemLine{{ItemRef: ByName("TSHIRT-BLK-M"), Quantity: "2", Cost: "8.125", Amount: Amt(money.MustParse("16.25")),
				LinkToTxn: mustLink("po:12345678901234", 3)}},
		},
		"AccountQuery": AccountQuery{ListFilter: ListFilter{ActiveStatus: ActiveOnly},
			AccountType: []string{AccountIncome, AccountOtherCurrentAsset}, IncludeRetElement: []string{"ListID", "FullName", "AccountType"}},
		"ItemSalesTaxQuery": ItemSalesTaxQuery{Iteration: Iteration{Iterator: IteratorStart},
			ListFilter: ListFilter{MaxReturned: 100, ActiveStatus: ActiveAll}},
		"PaymentMethodQuery": PaymentMethodQuery{ListFilter: ListFilter{NameFilter: &NameFilter{MatchCriterion: StartsWith, Name: "Shopify"}},
			PaymentMethodType: []string{PaymentOtherCreditCard}},
		"ClassQuery": ClassQuery{ListFilter: ListFilter{ActiveStatus: ActiveOnly, FromModifiedDate: "2026-11-01T00:00:00-05:00"}},
		"CustomerQuery": CustomerQuery{Iteration: Iteration{Iterator: IteratorContinue, IteratorID: "{eb05f701-e727-472f-8ade-6753c4f67a46}"},
			ListFilter: ListFilter{MaxReturned: 500, ActiveStatus: ActiveAll}, IncludeRetElement: []string{"ListID", "Name", "EditSequence", "ExternalGUID"},
			OwnerID: []GUID{"0"}},
		"VendorQuery": VendorQuery{ListFilter: ListFilter{FullName: []string{"Acme Supply Co"}}},
		"ItemQuery": ItemQuery{Iteration: Iteration{Iterator: IteratorStart},
			ListFilter: ListFilter{MaxReturned: 500, FromModifiedDate: "2026-11-01T00:00:00", ToModifiedDate: "2026-11-26T23:59:59"}},
		"TxnTypeQuery/SalesReceipt": TxnTypeQuery{Type: "SalesReceipt", TxnFilter: TxnFilter{RefNumber: []string{"#1042"}}, IncludeLineItems: Bool(false),
			IncludeRetElement: []string{"TxnID", "RefNumber", "TxnDate", "TotalAmount", "ExternalGUID", "EditSequence"}},
		"TxnTypeQuery/SalesReceipt by date": TxnTypeQuery{Type: "SalesReceipt", Iteration: Iteration{Iterator: IteratorStart}, TxnFilter: TxnFilter{MaxReturned: 100,
			TxnDateRangeFilter: &TxnDateRangeFilter{FromTxnDate: "2026-11-20", ToTxnDate: "2026-11-20"},
			EntityFilter:       &EntityFilter{FullName: []string{"Shopify Online"}},
			AccountFilter:      &AccountFilter{FullName: []string{"Shopify Payments Clearing"}},
			RefNumberFilter:    &RefNumberFilter{MatchCriterion: StartsWith, RefNumber: "#10"}}},
		"TxnTypeQuery/CreditMemo": TxnTypeQuery{Type: "CreditMemo", TxnFilter: TxnFilter{ModifiedDateRangeFilter: &ModifiedDateRangeFilter{FromModifiedDate: "2026-11-25T00:00:00-05:00"}},
			IncludeLineItems: Bool(true)},
		"TxnTypeQuery/Deposit": TxnTypeQuery{Type: "Deposit", TxnFilter: TxnFilter{TxnDateRangeFilter: &TxnDateRangeFilter{FromTxnDate: "2026-11-22", ToTxnDate: "2026-11-22"},
			AccountFilter: &AccountFilter{FullName: []string{"Checking"}}}, IncludeRetElement: []string{"TxnID", "ExternalGUID", "DepositTotal"}},
		"TxnTypeQuery/JournalEntry": TxnTypeQuery{Type: "JournalEntry", TxnFilter: TxnFilter{RefNumberCaseSensitive: []string{"COGS1120"}}},
		"TxnTypeQuery/PurchaseOrder": TxnTypeQuery{Type: "PurchaseOrder", TxnFilter: TxnFilter{RefNumber: []string{"PO1001"}},
			IncludeRetElement: []string{"TxnID", "RefNumber", "VendorRef", "TotalAmount", "ExternalGUID"}, OwnerID: []GUID{"0"}},
		"TxnTypeQuery/ItemReceipt": TxnTypeQuery{Type: "ItemReceipt", TxnFilter: TxnFilter{TxnDateRangeFilter: &TxnDateRangeFilter{DateMacro: "ThisMonth"}}},
		"TxnTypeQuery/ARRefundCreditCard": TxnTypeQuery{Type: "ARRefundCreditCard", Iteration: Iteration{Iterator: IteratorStart},
			TxnFilter:        TxnFilter{MaxReturned: 20, ModifiedDateRangeFilter: &ModifiedDateRangeFilter{FromModifiedDate: "2026-11-01T00:00:00"}},
			IncludeLineItems: Bool(true), OwnerID: []GUID{"0"}},
	}
}

// TestRequestsValidateAgainstXSD builds every request kind, wraps each in
// its own message set and validates it against the real qbXML 13.0 schema.
// The documents go to xmllint in one run (one file each, judged separately)
// because compiling the schema is most of the cost.
func TestRequestsValidateAgainstXSD(t *testing.T) {
	docs := map[string]string{}
	for name, req := range requestExamples() {
		el, err := MarshalRequest(req)
		if err != nil {
			t.Fatalf("%s: MarshalRequest: %v", name, err)
		}
		rq := req.RequestName()
		if !strings.HasPrefix(el, "<"+rq) || !strings.HasSuffix(el, "</"+rq+">") {
			t.Fatalf("%s: element is not wrapped in %s: %s", name, rq, el)
		}
		if strings.Contains(el, "requestID") {
			t.Fatalf("%s: MarshalRequest must not set a requestID: %s", name, el)
		}
		doc, err := MsgSet{NewMessageSetID: "batch-7"}.Build([]Raw{{RequestID: "posting-42", XML: el}})
		if err != nil {
			t.Fatalf("%s: Build: %v", name, err)
		}
		docs[name] = doc
	}
	for name, problem := range validateEach(t, docs) {
		t.Errorf("%s does not validate:\n%s\n--- message ---\n%s", name, problem, docs[name])
	}
}

// validateEach runs xmllint once over one file per document and returns the
// diagnostics of each document that fails, keyed by its name.
func validateEach(t *testing.T, docs map[string]string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	args := []string{"--noout", "--nonet", "--schema", testenv.QBXMLSchema(t)}
	fileOf := map[string]string{}
	i := 0
	for name, doc := range docs {
		i++
		f := filepath.Join(dir, fmt.Sprintf("doc%03d.xml", i))
		if err := os.WriteFile(f, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		fileOf[name] = f
		args = append(args, f)
	}
	out, err := exec.Command(testenv.Xmllint(t), args...).CombinedOutput()
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		t.Fatalf("run xmllint: %v", err)
	}
	text := string(out)
	failed := map[string]string{}
	for name, f := range fileOf {
		if strings.Contains(text, f+" validates") {
			continue
		}
		var lines []string
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, f+":") || strings.HasPrefix(l, f+" ") {
				lines = append(lines, l)
			}
		}
		failed[name] = strings.Join(lines, "\n")
	}
	if err == nil && len(failed) > 0 {
		t.Fatalf("xmllint exited 0 but did not report every file as valid:\n%s", text)
	}
	return failed
}

// TestAllRequestsInOneMessageSet sends every kind in one set, the way a
// batch leaves shopqb, with stopOnError and a message set ID.
func TestAllRequestsInOneMessageSet(t *testing.T) {
	var raws []Raw
	for name, req := range requestExamples() {
		el, err := MarshalRequest(req)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		raws = append(raws, Raw{RequestID: name, XML: el})
	}
	doc, err := MsgSet{OnError: StopOnError, NewMessageSetID: "ms-2f9c1a7e04b5d6c8e9"}.Build(raws)
	if err != nil {
		t.Fatal(err)
	}
	ValidateXSD(t, doc)
	for _, r := range raws {
		if !strings.Contains(doc, `requestID="`+r.RequestID+`"`) {
			t.Errorf("requestID %q missing from the message set", r.RequestID)
		}
	}
}

// TestEveryKindHasAnExample keeps requestExamples complete: every request
// kind shopqb sends must be schema-checked.
func TestEveryKindHasAnExample(t *testing.T) {
	want := strings.Fields(`SalesReceiptAddRq CustomerAddRq VendorAddRq AccountAddRq ClassAddRq
		PaymentMethodAddRq ItemInventoryAddRq ItemNonInventoryAddRq ItemServiceAddRq ItemOtherChargeAddRq
		ItemDiscountAddRq ItemSalesTaxAddRq ItemPaymentAddRq CreditMemoAddRq
		ARRefundCreditCardAddRq JournalEntryAddRq DepositAddRq PurchaseOrderAddRq ItemReceiptAddRq
		AccountQueryRq ItemSalesTaxQueryRq PaymentMethodQueryRq ClassQueryRq CustomerQueryRq VendorQueryRq ItemQueryRq`)
	for _, typ := range txnQueryTypes {
		want = append(want, typ+"QueryRq") // TxnQueryFor, recovering a lost response
	}
	have := map[string]bool{}
	for _, r := range requestExamples() {
		have[r.RequestName()] = true
	}
	for _, name := range want {
		if !have[name] {
			t.Errorf("no example for %s", name)
		}
	}
}

// TestRequestsRoundTrip decodes every example back into its type and
// re-encodes it: the types also read requests (the QuickBooks simulator and
// tests can use them) and no field is lost on the way.
func TestRequestsRoundTrip(t *testing.T) {
	for name, req := range requestExamples() {
		if _, custom := req.(TxnTypeQuery); custom {
			continue
		}
		first, err := xml.Marshal(req)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		back := reflect.New(reflect.TypeOf(req))
		if err := xml.Unmarshal(first, back.Interface()); err != nil {
			t.Fatalf("%s: decode: %v", name, err)
		}
		second, err := xml.Marshal(back.Elem().Interface())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(first) != string(second) {
			t.Errorf("%s changed on a round trip:\n%s\n%s", name, first, second)
		}
	}
}
