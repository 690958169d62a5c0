package qbxml

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/shopqb/shopqb/internal/money"
)

func readFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "responses", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustParse(t *testing.T, s string) *MsgsRs {
	t.Helper()
	rs, err := ParseResponse(s)
	if err != nil {
		t.Fatalf("ParseResponse: %v", err)
	}
	return rs
}

func TestParseSalesReceiptAdd(t *testing.T) {
	rs := mustParse(t, readFixture(t, "salesreceipt_add_ok.xml"))
	if len(rs.Responses) != 1 {
		t.Fatalf("got %d responses, want 1", len(rs.Responses))
	}
	r := rs.Responses[0]
	if r.Name != "SalesReceiptAddRs" || r.RequestID != "posting-17" || r.StatusCode != 0 || r.StatusSeverity != "Info" || r.StatusMessage != "Status OK" {
		t.Errorf("response header = %+v", r)
	}
	if r.Class().Kind != OK {
		t.Errorf("class = %v, want ok", r.Class())
	}
	if len(r.Rets) != 1 {
		t.Fatalf("got %d rets", len(r.Rets))
	}
	ret := r.Rets[0]
	want := Ret{Type: "SalesReceiptRet", TxnID: "1A2F-1732612345", EditSequence: "1732612345", TxnNumber: "418",
		RefNumber: "#1001", TxnDate: "2026-11-25", ExternalGUID: "{6F9619FF-8B86-D011-B42D-00C04FC964FF}",
		TimeCreated: "2026-11-26T10:15:02-05:00", TimeModified: "2026-11-26T10:15:02-05:00"}
	got := ret
	got.Node, got.TotalAmount, got.Balance = nil, nil, nil
	if got != want {
		t.Errorf("ret =\n %+v\nwant\n %+v", got, want)
	}
	if ret.TotalAmount == nil || *ret.TotalAmount != money.MustParse("108.25") {
		t.Errorf("TotalAmount = %v, want 108.25", ret.TotalAmount)
	}
	if ret.Balance != nil {
		t.Errorf("Balance = %v, want nil (absent)", *ret.Balance)
	}
	// Fields not pulled out are still reachable through the tree.
	if got := ret.Node.Value("CustomerRef/FullName"); got != "Shopify POS - Main Street" {
		t.Errorf("CustomerRef/FullName = %q", got)
	}
	lines := ret.Node.FindAll("SalesReceiptLineRet")
	if len(lines) != 2 || lines[1].Value("ItemRef/FullName") != "NY State Tax" || lines[0].Value("Amount") != "100.00" {
		t.Errorf("lines = %d, %+v", len(lines), lines)
	}
	if ret.Node.Find("SalesReceiptLineRet/ItemRef/Nope") != nil || ret.Node.Value("Nope") != "" {
		t.Error("Find of a missing path returned something")
	}
}

func TestParseBatchInOrderAndClassified(t *testing.T) {
	rs := mustParse(t, readFixture(t, "batch_mixed.xml"))
	if rs.NewMessageSetID != "batch-2026-11-26-0003" || rs.HasMessageSetStatus {
		t.Errorf("set attrs = %q %v", rs.NewMessageSetID, rs.HasMessageSetStatus)
	}
	want := []struct {
		id   string
		code int
		kind Kind
	}{
		{"customer:7301", 3100, LinkExisting},
		{"order:5501:sale", 3140, MerchantFix},
		{"order:5502:sale", 3180, RetryLater},
		{"customer:7302:mod", 3200, Requery},
		{"payout:88", 0, OK},
		{"order:5503:sale", 3171, MerchantFix},
	}
	if len(rs.Responses) != len(want) {
		t.Fatalf("got %d responses, want %d", len(rs.Responses), len(want))
	}
	for i, w := range want {
		r := rs.Responses[i]
		if r.RequestID != w.id || r.StatusCode != w.code || r.Class().Kind != w.kind {
			t.Errorf("response %d = %s %d %s, want %s %d %s", i, r.RequestID, r.StatusCode, r.Class().Kind, w.id, w.code, w.kind)
		}
	}
	if !strings.Contains(rs.Responses[0].StatusMessage, `"Gim Minjun"`) {
		t.Errorf("entity in statusMessage not decoded: %q", rs.Responses[0].StatusMessage)
	}
	dep := rs.ByRequestID("payout:88")
	if dep == nil || len(dep.Rets) != 1 || dep.Rets[0].TxnID != "1B07-1732612400" || dep.Rets[0].Node.Value("DepositTotal") != "1523.40" {
		t.Errorf("deposit = %+v", dep)
	}
	last := rs.ByRequestID("order:5503:sale")
	if last.ErrorRecovery == nil || last.ErrorRecovery.ExternalGUID != "{11111111-2222-3333-4444-555555555555}" || len(last.Rets) != 0 {
		t.Errorf("ErrorRecovery = %+v", last.ErrorRecovery)
	}
	if rs.ByRequestID("nope") != nil || rs.ByName("InvoiceAddRs") != nil {
		t.Error("lookup of a missing response returned something")
	}
}

func TestParseIteratorPage(t *testing.T) {
	rs := mustParse(t, readFixture(t, "customer_query_iterator.xml"))
	r := rs.Responses[0]
	if r.RetCount != 2 || r.IteratorRemainingCount != 118 || r.IteratorID != "{eb05f701-e727-472f-8ade-6753c4f67a46}" {
		t.Errorf("iterator = %d %d %q", r.RetCount, r.IteratorRemainingCount, r.IteratorID)
	}
	if !r.MorePages() {
		t.Error("MorePages = false with 118 remaining")
	}
	if len(r.Rets) != 2 {
		t.Fatalf("got %d rets", len(r.Rets))
	}
	c := r.Rets[0]
	if c.Name != "José Müller" || c.FullName != "José Müller" || c.ListID != "80000001-1732600000" {
		t.Errorf("customer = %+v", c)
	}
	if c.Balance == nil || *c.Balance != money.MustParse("-25.00") {
		t.Errorf("Balance = %v", c.Balance)
	}
	if got := c.Node.Value("DataExtRet/DataExtValue"); got != "gid://shopify/Customer/7301" {
		t.Errorf("DataExtValue = %q", got)
	}
	if got := r.Rets[1].Node.Value("NewFieldFromAFutureRelease"); got != "kept in the tree" {
		t.Errorf("unknown element = %q", got)
	}
	noIter := mustParse(t, readFixture(t, "salesreceipt_add_ok.xml")).Responses[0]
	last := mustParse(t, `<QBXML><QBXMLMsgsRs><ItemQueryRs statusCode="0" retCount="1" iteratorRemainingCount="0" iteratorID="{x}"><ItemServiceRet><Name>Shipping</Name></ItemServiceRet></ItemQueryRs></QBXMLMsgsRs></QBXML>`).Responses[0]
	if last.MorePages() || noIter.MorePages() {
		t.Error("MorePages = true on the last page or a plain response")
	}
	if noIter.IteratorRemainingCount != -1 {
		t.Errorf("absent iteratorRemainingCount = %d, want -1", noIter.IteratorRemainingCount)
	}
}

func TestParseNoMatchAndRecovery(t *testing.T) {
	rs := mustParse(t, readFixture(t, "query_no_match.xml"))
	if r := rs.Responses[0]; r.StatusCode != 1 || r.Class().Kind != NotFound || len(r.Rets) != 0 {
		t.Errorf("no-match = %+v", r)
	}
	if r := rs.Responses[1]; len(r.Rets) != 1 || r.Rets[0].RefNumber != "R1001-1" || r.Rets[0].Node.Value("TxnType") != "CreditMemo" {
		t.Errorf("transaction query = %+v", r)
	}
	rec := mustParse(t, readFixture(t, "recovery.xml"))
	if !rec.HasMessageSetStatus || rec.MessageSetStatusCode != 0 {
		t.Errorf("messageSetStatusCode = %v %d", rec.HasMessageSetStatus, rec.MessageSetStatusCode)
	}
	if r := rec.ByRequestID("order:5510:sale"); r == nil || r.Rets[0].TxnID != "1D00-1732612600" {
		t.Errorf("recovered response = %+v", r)
	}
}

func TestParseLenientInputs(t *testing.T) {
	body := `<QBXML><QBXMLMsgsRs><CustomerAddRs requestID="1" statusCode="0" statusSeverity="Info" statusMessage="Status OK">` +
		`<CustomerRet><ListID>8000-1</ListID><Name>Zoë Ærøskøbing</Name><Surprise a="b"><Deeper/></Surprise></CustomerRet></CustomerAddRs></QBXMLMsgsRs></QBXML>`
	latin1, err := charmap.ISO8859_1.NewEncoder().String(`<?xml version="1.0" encoding="ISO-8859-1"?>` + body)
	if err != nil {
		t.Fatal(err)
	}
	utf16le := []byte{0xFF, 0xFE}
	for _, r := range `<?xml version="1.0" encoding="utf-16"?>` + body {
		utf16le = append(utf16le, byte(r), byte(r>>8))
	}
	cases := map[string]string{
		"no declaration":            body,
		"utf-8 declaration":         `<?xml version="1.0" encoding="utf-8"?>` + body,
		"BOM":                       "\xEF\xBB\xBF" + `<?xml version="1.0"?>` + body,
		"whitespace":                "\n\t  <?xml version=\"1.0\" ?>\r\n" + strings.ReplaceAll(body, "><", ">\n  <") + "\n\n",
		"declared latin-1, decoded": `<?xml version="1.0" encoding="ISO-8859-1"?>` + body,
		"latin-1 bytes":             latin1,
		"utf-16 with BOM":           string(utf16le),
		"bare QBXMLMsgsRs":          strings.TrimSuffix(strings.TrimPrefix(body, "<QBXML>"), "</QBXML>"),
	}
	for name, doc := range cases {
		rs, err := ParseResponse(doc)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(rs.Responses) != 1 || len(rs.Responses[0].Rets) != 1 {
			t.Errorf("%s: %+v", name, rs)
			continue
		}
		if got := rs.Responses[0].Rets[0].Name; got != "Zoë Ærøskøbing" {
			t.Errorf("%s: Name = %q", name, got)
		}
	}
}

func TestParseRejects(t *testing.T) {
	deep := strings.Repeat("<a>", 200) + strings.Repeat("</a>", 200)
	cases := map[string]string{
		"empty":          "",
		"not xml":        "QuickBooks is not running",
		"truncated":      `<QBXML><QBXMLMsgsRs><CustomerAddRs statusCode="0">`,
		"doctype":        `<!DOCTYPE QBXML [<!ENTITY x "boom">]><QBXML><QBXMLMsgsRs/></QBXML>`,
		"undefined ent":  `<QBXML><QBXMLMsgsRs><HostQueryRs statusCode="0" statusMessage="&x;"/></QBXMLMsgsRs></QBXML>`,
		"no msgs":        `<QBXML><SignonMsgsRs/></QBXML>`,
		"no statusCode":  `<QBXML><QBXMLMsgsRs><HostQueryRs requestID="1"/></QBXMLMsgsRs></QBXML>`,
		"bad statusCode": `<QBXML><QBXMLMsgsRs><HostQueryRs statusCode="ok"/></QBXMLMsgsRs></QBXML>`,
		"bad retCount":   `<QBXML><QBXMLMsgsRs><HostQueryRs statusCode="0" retCount="x"/></QBXMLMsgsRs></QBXML>`,
		"bad set status": `<QBXML><QBXMLMsgsRs messageSetStatusCode="?"/></QBXML>`,
		"too deep":       "<QBXML>" + deep + "</QBXML>",
	}
	for name, doc := range cases {
		if rs, err := ParseResponse(doc); err == nil {
			t.Errorf("%s: accepted: %+v", name, rs)
		}
	}
}

func TestRetByExternalGUID(t *testing.T) {
	doc := `<QBXML><QBXMLMsgsRs><SalesReceiptQueryRs requestID="r" statusCode="0" retCount="3">
<SalesReceiptRet><TxnID>A</TxnID><RefNumber>1001</RefNumber><ExternalGUID>{AAAAAAAA-0000-0000-0000-000000000001}</ExternalGUID></SalesReceiptRet>
<SalesReceiptRet><TxnID>B</TxnID><RefNumber>1001</RefNumber></SalesReceiptRet>
<SalesReceiptRet><TxnID>C</TxnID><RefNumber>1001</RefNumber><ExternalGUID>{aaaaaaaa-0000-0000-0000-000000000002}</ExternalGUID></SalesReceiptRet>
</SalesReceiptQueryRs></QBXMLMsgsRs></QBXML>`
	r := mustParse(t, doc).Responses[0]
	if got := r.RetByExternalGUID("{AAAAAAAA-0000-0000-0000-000000000002}"); got == nil || got.TxnID != "C" {
		t.Errorf("match = %+v, want TxnID C", got)
	}
	if got := r.RetByExternalGUID("aaaaaaaa-0000-0000-0000-000000000001"); got == nil || got.TxnID != "A" {
		t.Errorf("match without braces = %+v, want TxnID A", got)
	}
	if got := r.RetByExternalGUID("{AAAAAAAA-0000-0000-0000-000000000003}"); got != nil {
		t.Errorf("unknown GUID matched %+v", got)
	}
	if got := r.RetByExternalGUID(""); got != nil {
		t.Errorf("empty GUID matched %+v (a record without ExternalGUID must never match)", got)
	}
}

// A text split into a great many pieces must parse in linear time.
func TestParseManyTextPieces(t *testing.T) {
	memo := strings.Repeat("ab<!---->", 200000)
	doc := `<QBXML><QBXMLMsgsRs><SalesReceiptAddRs statusCode="0"><SalesReceiptRet><Memo>` + memo +
		`</Memo></SalesReceiptRet></SalesReceiptAddRs></QBXMLMsgsRs></QBXML>`
	rs := mustParse(t, doc)
	if got := rs.Responses[0].Rets[0].Node.Value("Memo"); len(got) != 400000 {
		t.Errorf("memo length = %d, want 400000", len(got))
	}
}
