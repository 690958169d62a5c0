package qbdsim

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/testenv"
)

func TestNamesUniqueAcrossNameLists(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	ok(t, c, `<CustomerAddRq><CustomerAdd><Name>Bob Smith</Name></CustomerAdd></CustomerAddRq>`)
	if code := status(t, c, `<VendorAddRq><VendorAdd><Name>BOB SMITH</Name></VendorAdd></VendorAddRq>`); code != stNameInUse {
		t.Errorf("vendor with a customer's name (other case): status %d, want 3100", code)
	}
	if code := status(t, c, `<CustomerAddRq><CustomerAdd><Name>bob smith</Name></CustomerAdd></CustomerAddRq>`); code != stNameInUse {
		t.Errorf("duplicate customer: status %d, want 3100", code)
	}
	// Items are a separate name space.
	ok(t, c, `<ItemServiceAddRq><ItemServiceAdd><Name>Bob Smith</Name><SalesOrPurchase><Price>10.00</Price><AccountRef><FullName>Sales</FullName></AccountRef></SalesOrPurchase></ItemServiceAdd></ItemServiceAddRq>`)
	if code := status(t, c, `<CustomerAddRq><CustomerAdd><Name>Bad:Name</Name></CustomerAdd></CustomerAddRq>`); code != stInvalidValue {
		t.Errorf("colon in a name: status %d, want %d", code, stInvalidValue)
	}
}

func TestInvalidReference(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	rs := send(t, c, `<SalesReceiptAddRq><SalesReceiptAdd><CustomerRef><FullName>Nobody</FullName></CustomerRef>
<SalesReceiptLineAdd><ItemRef><FullName>Nothing</FullName></ItemRef><Amount>1.00</Amount></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq>`)[0]
	code, _ := rs.attr("statusCode")
	msg, _ := rs.attr("statusMessage")
	if code != "3140" || !strings.Contains(msg, `Customer "Nobody"`) {
		t.Errorf("got %s %q, want 3140 naming the customer", code, msg)
	}
	if len(c.TrialBalance()) != 0 {
		t.Error("a refused transaction posted")
	}
}

func TestEditSequence(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	ret := ok(t, c, `<CustomerAddRq><CustomerAdd><Name>Ann</Name><CompanyName>Ann Co</CompanyName><Email>ann@example.com</Email></CustomerAdd></CustomerAddRq>`)
	id, es := ret.text("ListID"), ret.text("EditSequence")
	if !strings.HasPrefix(id, "8000") || !strings.Contains(id, "-") {
		t.Errorf("ListID %q does not look like QuickBooks'", id)
	}
	mod := func(es, email string) string {
		return `<CustomerModRq><CustomerMod><ListID>` + id + `</ListID><EditSequence>` + es + `</EditSequence><Name>Ann B</Name><Email>` + email + `</Email></CustomerMod></CustomerModRq>`
	}
	if code := status(t, c, mod("1", "x@example.com")); code != stEditSequence {
		t.Fatalf("stale edit sequence: status %d, want 3200", code)
	}
	got := ok(t, c, mod(es, "ann.b@example.com"))
	if got.text("Name") != "Ann B" || got.text("Email") != "ann.b@example.com" || got.text("CompanyName") != "Ann Co" {
		t.Errorf("mod result: %s", got)
	}
	if got.text("EditSequence") == es {
		t.Error("EditSequence did not change")
	}
	if code := status(t, c, mod(es, "again@example.com")); code != stEditSequence {
		t.Errorf("reusing the old edit sequence: status %d, want 3200", code)
	}
}

func TestClosingDate(t *testing.T) {
	t.Parallel()
	c := newCo(t, func(o *CompanyOptions) { o.ClosingDate = "2026-10-31" })
	je := func(date string) string {
		return `<JournalEntryAddRq><JournalEntryAdd><TxnDate>` + date + `</TxnDate><JournalDebitLine><AccountRef><FullName>Checking</FullName></AccountRef><Amount>1.00</Amount></JournalDebitLine>
<JournalCreditLine><AccountRef><FullName>Sales</FullName></AccountRef><Amount>1.00</Amount></JournalCreditLine></JournalEntryAdd></JournalEntryAddRq>`
	}
	if code := status(t, c, je("2026-10-31")); code != stClosedPeriod {
		t.Errorf("entry on the closing date: status %d, want 3171", code)
	}
	ret := ok(t, c, je("2026-11-01"))
	if err := c.SetClosingDate("2026-11-30"); err != nil {
		t.Fatal(err)
	}
	if code := status(t, c, `<TxnDelRq><TxnDelType>JournalEntry</TxnDelType><TxnID>`+ret.text("TxnID")+`</TxnID></TxnDelRq>`); code != stClosedPeriod {
		t.Errorf("deleting in a closed period: status %d, want 3171", code)
	}
}

func TestEditionNameAndItemLimits(t *testing.T) {
	t.Parallel()
	for _, ed := range []Edition{Pro, Premier, Enterprise} {
		t.Run(string(ed), func(t *testing.T) {
			c := newCo(t, func(o *CompanyOptions) { o.Edition = ed })
			// Fill the lists directly: 14,500 Adds through qbXML would only slow the test.
			have := c.listCount(func(r *listRecord) bool { return r.isEntity() })
			for i := have; i < proNameLimit; i++ {
				c.insertList(&listRecord{Kind: "OtherName", ListID: fmt.Sprintf("X%d", i), Name: fmt.Sprintf("n%d", i), FullName: fmt.Sprintf("n%d", i), Body: &node{}})
			}
			items := c.listCount(func(r *listRecord) bool { return r.isItem() })
			for i := items; i < proItemLimit; i++ {
				c.insertList(&listRecord{Kind: "ItemSubtotal", ListID: fmt.Sprintf("I%d", i), Name: fmt.Sprintf("i%d", i), FullName: fmt.Sprintf("i%d", i), Body: &node{}})
			}
			cust := status(t, c, `<CustomerAddRq><CustomerAdd><Name>One Too Many</Name></CustomerAdd></CustomerAddRq>`)
			item := status(t, c, `<ItemSubtotalAddRq><ItemSubtotalAdd><Name>Sub</Name></ItemSubtotalAdd></ItemSubtotalAddRq>`)
			want := stGeneralSave
			if ed == Enterprise {
				want = stOK
			}
			if cust != want || item != want {
				t.Errorf("%s at 14,500 names/items: customer %d, item %d, want %d", ed, cust, item, want)
			}
		})
	}
}

func TestFieldRules(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	long := strings.Repeat("x", 42)
	c.SetXSDValidator(nil) // the schema would reject these; without it QuickBooks' own checks answer
	if code := status(t, c, `<CustomerAddRq><CustomerAdd><Name>`+long+`</Name></CustomerAdd></CustomerAddRq>`); code != stTooLong {
		t.Errorf("42-character customer name: status %d, want %d", code, stTooLong)
	}
	if code := status(t, c, `<CustomerAddRq><CustomerAdd><Name>G</Name><ExternalGUID>not-a-guid</ExternalGUID></CustomerAdd></CustomerAddRq>`); code != stInvalidValue {
		t.Errorf("bad ExternalGUID: status %d, want %d", code, stInvalidValue)
	}
	if code := status(t, c, `<SalesReceiptAddRq><SalesReceiptAdd><TxnDate>2026-13-01</TxnDate></SalesReceiptAdd></SalesReceiptAddRq>`); code != stBadDate {
		t.Errorf("bad date: status %d, want %d", code, stBadDate)
	}
	latin1 := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<?qbxml version=\"13.0\"?>\n<QBXML><QBXMLMsgsRq onError=\"stopOnError\"><CustomerAddRq><CustomerAdd><Name>Jos\xe9</Name></CustomerAdd></CustomerAddRq></QBXMLMsgsRq></QBXML>"
	resp, err := c.ProcessRequest(latin1)
	if err != nil || !strings.Contains(resp, "<Name>José</Name>") {
		t.Errorf("ISO-8859-1 request: %v\n%s", err, resp)
	}
	ret := ok(t, c, `<CustomerAddRq><CustomerAdd><Name>김민준 Kim</Name></CustomerAdd></CustomerAddRq>`)
	if ret.text("Name") != "??? Kim" {
		t.Errorf("non-Latin-1 name stored as %q, want \"??? Kim\" as US QuickBooks does", ret.text("Name"))
	}
}

func TestQueriesFiltersAndIterators(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	for i := 0; i < 7; i++ {
		ok(t, c, fmt.Sprintf(`<CustomerAddRq><CustomerAdd><Name>Cust %d</Name></CustomerAdd></CustomerAddRq>`, i))
	}
	rs := send(t, c, `<CustomerQueryRq requestID="q1" iterator="Start"><MaxReturned>3</MaxReturned></CustomerQueryRq>`)[0]
	var got []string
	for {
		rem, _ := rs.attr("iteratorRemainingCount")
		id, _ := rs.attr("iteratorID")
		for _, k := range rs.children("CustomerRet") {
			got = append(got, k.text("Name"))
		}
		if rem == "0" {
			break
		}
		if len(got) > 7 {
			t.Fatal("iterator does not end")
		}
		rs = send(t, c, `<CustomerQueryRq iterator="Continue" iteratorID="`+id+`"><MaxReturned>3</MaxReturned></CustomerQueryRq>`)[0]
	}
	if len(got) != 7 || got[0] != "Cust 0" || got[6] != "Cust 6" {
		t.Errorf("iterated %v", got)
	}
	if rid, _ := send(t, c, `<CustomerQueryRq requestID="q9"><FullName>Nobody</FullName></CustomerQueryRq>`)[0].attr("statusCode"); rid != "1" {
		t.Errorf("no match: status %s, want 1", rid)
	}
	rs = send(t, c, `<CustomerQueryRq><NameFilter><MatchCriterion>EndsWith</MatchCriterion><Name>5</Name></NameFilter></CustomerQueryRq>`)[0]
	if n := len(rs.children("CustomerRet")); n != 1 {
		t.Errorf("NameFilter EndsWith 5: %d results", n)
	}
	rs = send(t, c, `<CustomerQueryRq><FullName>Cust 1</FullName><IncludeRetElement>ListID</IncludeRetElement><IncludeRetElement>EditSequence</IncludeRetElement></CustomerQueryRq>`)[0]
	if r := rs.child("CustomerRet"); len(r.Kids) != 2 || r.text("ListID") == "" {
		t.Errorf("IncludeRetElement: %s", r)
	}
	rs = send(t, c, `<AccountQueryRq><AccountType>Income</AccountType></AccountQueryRq>`)[0]
	if n := len(rs.children("AccountRet")); n < 4 {
		t.Errorf("income accounts: %d", n)
	}

	setupShop(t, c)
	ok(t, c, rqSale)
	for _, q := range []string{
		`<SalesReceiptQueryRq><RefNumber>#1001</RefNumber><IncludeLineItems>true</IncludeLineItems><OwnerID>0</OwnerID></SalesReceiptQueryRq>`,
		`<SalesReceiptQueryRq><TxnDateRangeFilter><FromTxnDate>2026-11-19</FromTxnDate><ToTxnDate>2026-11-19</ToTxnDate></TxnDateRangeFilter><IncludeLineItems>true</IncludeLineItems><OwnerID>0</OwnerID></SalesReceiptQueryRq>`,
		`<SalesReceiptQueryRq><ModifiedDateRangeFilter><FromModifiedDate>2026-11-20T00:00:00</FromModifiedDate></ModifiedDateRangeFilter><IncludeLineItems>true</IncludeLineItems><OwnerID>0</OwnerID></SalesReceiptQueryRq>`,
	} {
		rs := send(t, c, q)[0]
		r := rs.child("SalesReceiptRet")
		if r == nil || r.text("ExternalGUID") != "{11111111-2222-3333-4444-555555555555}" || len(r.children("SalesReceiptLineRet")) != 5 {
			t.Errorf("query %s\ngave %s", q, rs)
		}
	}
	// Without OwnerID 0 or IncludeRetElement naming it, QuickBooks leaves
	// ExternalGUID out of query answers.
	if r := send(t, c, `<SalesReceiptQueryRq><RefNumber>#1001</RefNumber></SalesReceiptQueryRq>`)[0].child("SalesReceiptRet"); r == nil || r.has("ExternalGUID") {
		t.Errorf("ExternalGUID returned unasked: %s", r)
	}
	if r := send(t, c, `<SalesReceiptQueryRq><RefNumber>#1001</RefNumber><IncludeRetElement>TxnID</IncludeRetElement><IncludeRetElement>ExternalGUID</IncludeRetElement></SalesReceiptQueryRq>`)[0].child("SalesReceiptRet"); r == nil ||
		r.text("ExternalGUID") != "{11111111-2222-3333-4444-555555555555}" || r.has("RefNumber") {
		t.Errorf("IncludeRetElement ExternalGUID: %s", r)
	}
	rs = send(t, c, `<SalesReceiptQueryRq><TxnDateRangeFilter><FromTxnDate>2026-11-20</FromTxnDate></TxnDateRangeFilter></SalesReceiptQueryRq>`)[0]
	if code, _ := rs.attr("statusCode"); code != "1" {
		t.Errorf("date filter after the sale: status %s, want 1", code)
	}
	rs = send(t, c, `<SalesReceiptQueryRq><RefNumber>#1001</RefNumber></SalesReceiptQueryRq>`)[0]
	if rs.child("SalesReceiptRet").has("SalesReceiptLineRet") {
		t.Error("lines returned without IncludeLineItems")
	}
	rs = send(t, c, `<TransactionQueryRq><TransactionDateRangeFilter><FromTxnDate>2026-11-19</FromTxnDate><ToTxnDate>2026-11-19</ToTxnDate></TransactionDateRangeFilter></TransactionQueryRq>`)[0]
	if n := len(rs.children("TransactionRet")); n != 1 || rs.child("TransactionRet").text("TxnType") != "SalesReceipt" {
		t.Errorf("TransactionQuery: %s", rs)
	}
}

func TestErrorRecoveryAndOnError(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	set := envelope("continueOnError", ` newMessageSetID="{AAAAAAAA-0000-0000-0000-000000000001}"`,
		`<CustomerAddRq requestID="1"><CustomerAdd><Name>R1</Name></CustomerAdd></CustomerAddRq>`,
		`<CustomerAddRq requestID="2"><CustomerAdd><Name>R1</Name></CustomerAdd></CustomerAddRq>`,
		`<CustomerAddRq requestID="3"><CustomerAdd><Name>R3</Name></CustomerAdd></CustomerAddRq>`)
	first, err := c.ProcessRequest(set)
	if err != nil {
		t.Fatal(err)
	}
	rs := parseResp(t, first)
	if len(rs) != 3 {
		t.Fatalf("continueOnError answered %d requests, want 3", len(rs))
	}
	for i, want := range []string{"0", "3100", "0"} {
		code, _ := rs[i].attr("statusCode")
		id, _ := rs[i].attr("requestID")
		if code != want || id != fmt.Sprint(i+1) {
			t.Errorf("request %d: status %s id %s, want %s", i+1, code, id, want)
		}
	}
	// Recovery: the saved answer comes back and nothing is added twice.
	again, err := c.ProcessRequest(envelope("continueOnError", ` oldMessageSetID="{AAAAAAAA-0000-0000-0000-000000000001}"`,
		`<CustomerAddRq requestID="1"><CustomerAdd><Name>R9</Name></CustomerAdd></CustomerAddRq>`))
	if err != nil || strings.Replace(again, ` messageSetStatusCode="0"`, "", 1) != first || !strings.Contains(again, `messageSetStatusCode="0"`) {
		t.Fatalf("recovery did not return the saved response (err %v):\n%s", err, again)
	}
	if n := c.listCount(func(r *listRecord) bool { return r.Kind == "Customer" }); n != 2 {
		t.Errorf("customers = %d, want 2", n)
	}
	unknown, err := c.ProcessRequest(envelope("continueOnError", ` oldMessageSetID="{AAAAAAAA-0000-0000-0000-000000000009}"`))
	if err != nil || !strings.Contains(unknown, `messageSetStatusCode="600"`) {
		t.Errorf("unknown message set: %v %s", err, unknown)
	}
	// After ClearErrorRecovery (or a restored backup) the saved answer is gone.
	c.ClearErrorRecovery()
	gone, err := c.ProcessRequest(envelope("continueOnError", ` oldMessageSetID="{AAAAAAAA-0000-0000-0000-000000000001}"`))
	if err != nil || !strings.Contains(gone, `messageSetStatusCode="600"`) || strings.Contains(gone, "CustomerAddRs") {
		t.Errorf("cleared recovery state still answered: %v %s", err, gone)
	}
	stop, _ := c.ProcessRequest(envelope("stopOnError", "",
		`<CustomerAddRq requestID="1"><CustomerAdd><Name>R1</Name></CustomerAdd></CustomerAddRq>`,
		`<CustomerAddRq requestID="2"><CustomerAdd><Name>R4</Name></CustomerAdd></CustomerAddRq>`))
	if rs := parseResp(t, stop); len(rs) != 1 {
		t.Errorf("stopOnError went on after an error: %d responses", len(rs))
	}
}

func TestParseErrorsAreHRESULTs(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	testenv.Xmllint(t)
	v := XMLLintIfAvailable(testenv.QBXMLSchema(t))
	if v == nil || XMLLintIfAvailable(testenv.QBXMLSchema(t)+".missing") != nil {
		t.Fatal("XMLLintIfAvailable: want a validator for the real schema and none for a missing one")
	}
	c.SetXSDValidator(v)
	for name, rq := range map[string]string{
		"not xml":      "<QBXML><QBXMLMsgsRq",
		"no version":   `<QBXML><QBXMLMsgsRq onError="stopOnError"><HostQueryRq/></QBXMLMsgsRq></QBXML>`,
		"no onError":   `<?qbxml version="13.0"?><QBXML><QBXMLMsgsRq><HostQueryRq/></QBXMLMsgsRq></QBXML>`,
		"out of order": envelope("stopOnError", "", `<CustomerAddRq><CustomerAdd><Email>a@b.c</Email><Name>X</Name></CustomerAdd></CustomerAddRq>`),
		"bad amount":   envelope("stopOnError", "", `<JournalEntryAddRq><JournalEntryAdd><JournalDebitLine><Amount>1.5</Amount></JournalDebitLine></JournalEntryAdd></JournalEntryAddRq>`),
		"doctype":      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><?qbxml version="13.0"?><QBXML/>`,
	} {
		_, err := c.ProcessRequest(rq)
		var h *HRESULTError
		if !errors.As(err, &h) || h.Code != "0x80040400" {
			t.Errorf("%s: got %v, want HRESULT 0x80040400", name, err)
		}
	}
	if _, err := c.ProcessRequest(envelope("stopOnError", "", `<HostQueryRq requestID="h"/>`)); err != nil {
		t.Errorf("valid HostQuery refused: %v", err)
	}
}

func TestHCPResponseDescribesCompany(t *testing.T) {
	t.Parallel()
	c := newCo(t, func(o *CompanyOptions) { o.Edition = Enterprise; o.ClosingDate = "2025-12-31" })
	doc, err := parseQBXML(strings.Replace(c.HCPResponse(), "<QBXML>", `<?qbxml version="13.0"?><QBXML>`, 1))
	if err != nil {
		t.Fatal(err)
	}
	rs := doc.Root.child("QBXMLMsgsRs")
	host := rs.child("HostQueryRs").child("HostRet")
	prefs := rs.child("PreferencesQueryRs").child("PreferencesRet")
	if !strings.Contains(host.text("ProductName"), "Enterprise") || len(host.children("SupportedQBXMLVersion")) == 0 {
		t.Errorf("HostRet: %s", host)
	}
	if prefs.child("SalesTaxPreferences").child("DefaultItemSalesTaxRef").text("FullName") != "Out of State" {
		t.Errorf("default tax item: %s", prefs.child("SalesTaxPreferences"))
	}
	if prefs.child("AccountingPreferences").text("ClosingDate") != "2025-12-31" {
		t.Error("closing date missing from preferences")
	}
	if rs.child("CompanyQueryRs").child("CompanyRet").text("CompanyName") != "Test Shop" {
		t.Error("company name missing")
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	setupShop(t, c)
	ok(t, c, rqSale)
	path := t.TempDir() + "/company.json"
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	d, err := LoadCompany(path)
	if err != nil {
		t.Fatal(err)
	}
	d.SetClock(func() time.Time { return testClock })
	if fmt.Sprint(d.TrialBalance()) != fmt.Sprint(c.TrialBalance()) {
		t.Errorf("trial balance changed across save/load")
	}
	resp, err := d.ProcessRequest(envelope("stopOnError", "", `<CustomerAddRq><CustomerAdd><Name>walk-IN</Name></CustomerAdd></CustomerAddRq>`))
	if err != nil || !strings.Contains(resp, `statusCode="3100"`) {
		t.Errorf("loaded company forgot its names: %v %s", err, resp)
	}
	if _, err := LoadCompany(t.TempDir() + "/missing.json"); err == nil {
		t.Error("loading a missing file succeeded")
	}
}
