package qbxml

import (
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/money"
)

// TestSchemaCheckCatchesMistakes proves the XSD check can fail: hand-made
// documents with mistakes QuickBooks rejects must be reported.
func TestSchemaCheckCatchesMistakes(t *testing.T) {
	wrap := func(body string) string {
		return `<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="continueOnError">` +
			body + `</QBXMLMsgsRq></QBXML>`
	}
	bad := map[string]string{
		"order": wrap(`<SalesReceiptAddRq><SalesReceiptAdd><Memo>x</Memo><TxnDate>2026-11-20</TxnDate>` +
			`<SalesReceiptLineAdd><ItemRef><FullName>A</FullName></ItemRef></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq>`),
		"amount": wrap(`<SalesReceiptAddRq><SalesReceiptAdd><SalesReceiptLineAdd><ItemRef><FullName>A</FullName></ItemRef>` +
			`<Amount>10.5</Amount></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq>`),
		"refnumber": wrap(`<SalesReceiptAddRq><SalesReceiptAdd><RefNumber>123456789012</RefNumber><SalesReceiptLineAdd>` +
			`<ItemRef><FullName>A</FullName></ItemRef></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq>`),
		"onError": strings.Replace(wrap(""), ` onError="continueOnError"`, "", 1),
	}
	good := map[string]string{"empty recovery set": wrap("")}
	failed := validateEach(t, mergeDocs(bad, good))
	for name := range bad {
		if _, ok := failed[name]; !ok {
			t.Errorf("%s: invalid document was not rejected", name)
		}
	}
	for name := range good {
		if problem, ok := failed[name]; ok {
			t.Errorf("%s: valid document rejected: %s", name, problem)
		}
	}
}

func mergeDocs(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func TestMarshalRequestRefusesBadInput(t *testing.T) {
	line := []SalesLine{{ItemRef: ByName("A"), Amount: Amt(100)}}
	cases := []struct {
		name string
		req  Request
		want string
	}{
		{"long RefNumber", SalesReceiptAdd{RefNumber: "#123456789012", Lines: line}, "SalesReceiptAdd.RefNumber is 13 characters, QuickBooks allows 11"},
		{"long line desc", SalesReceiptAdd{Lines: []SalesLine{{ItemRef: ByName("A"), Desc: strings.Repeat("x", 4096)}}}, "Lines[0].Desc is 4096 characters"},
		{"korean name", CustomerAdd{Name: "김민준"}, "CustomerAdd.Name contains '김' (U+AE40), which QuickBooks cannot store"},
		{"emoji in memo", SalesReceiptAdd{Memo: "thanks 🎉", Lines: line}, "SalesReceiptAdd.Memo contains"},
		{"control char in line", SalesReceiptAdd{Lines: []SalesLine{{ItemRef: ByName("A\x00")}}}, "Lines[0].ItemRef.FullName contains control character U+0000"},
		{"c1 control", VendorAdd{Name: "Acme\u0085"}, "control character U+0085"},
		{"non-latin query name", CustomerQuery{ListFilter: ListFilter{FullName: []string{"Ivan Иванов"}}}, "FullName[0] contains"},
		{"invalid utf8", CustomerAdd{Name: "Caf\xe9"}, "not valid UTF-8"},
		{"long customer name", CustomerAdd{Name: strings.Repeat("é", 42)}, "Name is 42 characters, QuickBooks allows 41"},
		{"no lines", SalesReceiptAdd{}, "at least one line"},
		{"amount without item", SalesReceiptAdd{Lines: []SalesLine{{Amount: Amt(1)}}}, "needs an ItemRef"},
		{"rate and percent", SalesReceiptAdd{Lines: []SalesLine{{ItemRef: ByName("A"), Rate: "1", RatePercent: "5"}}}, "Rate or RatePercent"},
		{"bad decimal", SalesReceiptAdd{Lines: []SalesLine{{ItemRef: ByName("A"), Quantity: "1.234567"}}}, "not a qbXML decimal"},
		{"float decimal", SalesReceiptAdd{Lines: []SalesLine{{ItemRef: ByName("A"), Rate: "1e3"}}}, "not a qbXML decimal"},
		{"bad date", SalesReceiptAdd{TxnDate: "2026-02-30", Lines: line}, "not a date"},
		{"guid without braces", SalesReceiptAdd{ExternalGUID: "6F9619FF-8B86-D011-B42D-00C04FC964FF", Lines: line}, "not a qbXML GUID"},
		{"huge amount", SalesReceiptAdd{Lines: []SalesLine{{ItemRef: ByName("A"), Amount: Amt(money.Cents(1_000_000_000_000_000))}}}, "more than 13 integer digits"},
		{"ref with both ids", SalesReceiptAdd{CustomerRef: &Ref{ListID: "1", FullName: "A"}, Lines: line}, "not both"},
		{"line ref with both ids", SalesReceiptAdd{Lines: []SalesLine{{ItemRef: &Ref{ListID: "8-1", FullName: "A"}}}}, "Lines[0].ItemRef: set ListID or FullName, not both"},
		{"missing customer", CreditMemoAdd{Lines: line}, "CustomerRef is required"},
		{"empty name", CustomerAdd{Name: "  "}, "Name is required"},
		{"unknown account type", AccountAdd{Name: "X", AccountType: "Savings"}, "AccountType"},
		{"unknown payment type", PaymentMethodAdd{Name: "X", PaymentMethodType: "Bitcoin"}, "PaymentMethodType"},
		{"inventory part without accounts", ItemInventoryAdd{Name: "A", IncomeAccountRef: ByName("Sales")}, "COGSAccountRef is required"},
		{"item without accounts form", ItemServiceAdd{Name: "A"}, "one of SalesAndPurchase, SalesOrPurchase is required"},
		{"item with both forms", ItemOtherChargeAdd{Name: "A", SalesOrPurchase: &SalesOrPurchase{AccountRef: ByName("X")},
			SalesAndPurchase: &SalesAndPurchase{IncomeAccountRef: ByName("X")}}, "set only one"},
		{"discount without account", ItemDiscountAdd{Name: "D"}, "AccountRef is required"},
		{"unbalanced journal", JournalEntryAdd{Debits: []JournalLine{{AccountRef: ByName("A"), Amount: Amt(100)}},
			Credits: []JournalLine{{AccountRef: ByName("B"), Amount: Amt(99)}}}, "do not balance"},
		{"deposit line mixing forms", DepositAdd{DepositToAccountRef: ByName("Checking"), Lines: []DepositLine{{
			PaymentTxnID: &MacroTxnID{TxnID: "1"}, AccountRef: ByName("X")}}}, "set only one"},
		{"deposit without account", DepositAdd{Lines: []DepositLine{{AccountRef: ByName("X"), Amount: Amt(1)}}}, "DepositToAccountRef is required"},
		{"refund without credit", ARRefundCreditCardAdd{CustomerRef: ByName("C")}, "at least one credit"},
		{"po with two ship-tos", PurchaseOrderAdd{VendorRef: ByName("V"), InventorySiteRef: ByName("S"), ShipToEntityRef: ByName("E"),
			Lines: []PurchaseOrderLine{{ItemRef: ByName("A")}}}, "set only one"},
		{"list ids and filters", CustomerQuery{ListFilter: ListFilter{ListID: []string{"1"}, MaxReturned: 5}}, "set only one"},
		{"continue without id", CustomerQuery{Iteration: Iteration{Iterator: IteratorContinue}}, "needs the IteratorID"},
		{"bad iterator", ItemQuery{Iteration: Iteration{Iterator: "Next"}}, "iterator"},
		{"bad match", VendorQuery{ListFilter: ListFilter{NameFilter: &NameFilter{MatchCriterion: "Like", Name: "A"}}}, "MatchCriterion"},
		{"refnumber and filters", TxnTypeQuery{Type: "SalesReceipt", TxnFilter: TxnFilter{RefNumber: []string{"#1"}, MaxReturned: 1}}, "set only one"},
		{"both date filters", TxnTypeQuery{Type: "SalesReceipt", TxnFilter: TxnFilter{ModifiedDateRangeFilter: &ModifiedDateRangeFilter{},
			TxnDateRangeFilter: &TxnDateRangeFilter{DateMacro: "Today"}}}, "set only one"},
		{"deposit by refnumber", TxnTypeQuery{Type: "Deposit", TxnFilter: TxnFilter{RefNumber: []string{"1"}}}, "no RefNumber"},
		{"deposit ids and filters", TxnTypeQuery{Type: "Deposit", TxnFilter: TxnFilter{TxnID: []string{"1"}, MaxReturned: 2}}, "set only one"},
		{"bad modified date", ClassQuery{ListFilter: ListFilter{FromModifiedDate: "yesterday"}}, "date-time"},
		{"long include element", AccountQuery{IncludeRetElement: []string{strings.Repeat("A", 51)}}, "IncludeRetElement[0] is 51 characters"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := MarshalRequest(c.req)
			if err == nil {
				t.Fatalf("accepted: %s", got)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not mention %q", err, c.want)
			}
			if !strings.HasPrefix(err.Error(), c.req.RequestName()+": ") {
				t.Fatalf("error %q does not name the request", err)
			}
		})
	}
}

func TestMarshalRequestShapes(t *testing.T) {
	var nilReq *SalesReceiptAdd
	if _, err := MarshalRequest(nilReq); err == nil {
		t.Fatal("nil request accepted")
	}
	if _, err := MarshalRequest(nil); err == nil {
		t.Fatal("nil interface accepted")
	}
	// Pointers and values marshal alike.
	q := &CustomerQuery{Iteration: Iteration{Iterator: IteratorStart}, ListFilter: ListFilter{MaxReturned: 100}}
	got, err := MarshalRequest(q)
	if err != nil {
		t.Fatal(err)
	}
	want := `<CustomerQueryRq iterator="Start"><MaxReturned>100</MaxReturned></CustomerQueryRq>`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	got, err = MarshalRequest(SalesReceiptAdd{TxnDate: "2026-11-20", Lines: []SalesLine{{ItemRef: ByName("Tee & Co <XL>"), Amount: Amt(money.MustParse("-5"))}}})
	if err != nil {
		t.Fatal(err)
	}
	want = `<SalesReceiptAddRq><SalesReceiptAdd><TxnDate>2026-11-20</TxnDate><SalesReceiptLineAdd><ItemRef>` +
		`<FullName>Tee &amp; Co &lt;XL&gt;</FullName></ItemRef><Amount>-5.00</Amount></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq>`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	// Amt(0) is sent as 0.00; a nil amount is left out.
	got, _ = MarshalRequest(SalesReceiptAdd{Lines: []SalesLine{{ItemRef: ByName("A"), Amount: Amt(0)}, {ItemRef: ByName("B")}}})
	if strings.Count(got, "<Amount>0.00</Amount>") != 1 {
		t.Fatalf("zero amount handling: %s", got)
	}
}

// TestCleanedTextIsAccepted ties the text rules to the request checks: what
// CleanName and CleanText produce is always accepted by MarshalRequest.
func TestCleanedTextIsAccepted(t *testing.T) {
	inputs := []string{"김민준", "王小明", "Иван Петров", "Nguyễn Văn Anh", "José Müller", "Café: Déjà vu",
		"🎉🎉", "a\x00b\x07c", "line1\nline2\ttab\r", "C1\u0085\u009fcontrol", strings.Repeat("긴이름", 40),
		"Ｆｕｌｌｗｉｄｔｈ", "ﬁ ligature", "\u200bzero width", "Tee & Co <XL>", ""}
	for _, in := range inputs {
		name := CleanName(in, "Customer 1042", MaxCustomerName)
		memo := CleanText(in, MaxMemo)
		req := SalesReceiptAdd{CustomerRef: ByName(name), Memo: memo,
			Lines: []SalesLine{{ItemRef: ByName(CleanName(in, "Item 7", MaxItemName)), Desc: CleanText(in, MaxDesc)}}}
		if _, err := MarshalRequest(req); err != nil {
			t.Errorf("cleaned %q (name %q, memo %q) refused: %v", in, name, memo, err)
		}
		if _, err := MarshalRequest(CustomerAdd{Name: name}); err != nil {
			t.Errorf("CustomerAdd with cleaned name %q refused: %v", name, err)
		}
	}
}
