package qbxml

import (
	"encoding/xml"
	"strings"
	"testing"
)

// TestNodeXML: a response element written back parses to the same tree; a
// large one is cut at the budget with a count of what was left out, and
// stays well-formed.
func TestNodeXML(t *testing.T) {
	body := `<?xml version="1.0"?><QBXML><QBXMLMsgsRs><SalesReceiptAddRs requestID="7" statusCode="0" statusSeverity="Info" statusMessage="Status OK">` +
		`<SalesReceiptRet><TxnID>1-2</TxnID><CustomerRef><FullName>Ann &amp; Bo</FullName></CustomerRef>` +
		strings.Repeat(`<SalesReceiptLineRet><TxnLineID>L</TxnLineID><Amount>1.00</Amount></SalesReceiptLineRet>`, 200) +
		`</SalesReceiptRet></SalesReceiptAddRs></QBXMLMsgsRs></QBXML>`
	rs, err := ParseResponse(body)
	if err != nil {
		t.Fatal(err)
	}
	el := rs.Responses[0].Node
	full := el.XML(1 << 20)
	again, err := ParseResponse(`<?xml version="1.0"?><QBXML><QBXMLMsgsRs>` + full + `</QBXMLMsgsRs></QBXML>`)
	if err != nil {
		t.Fatal(err)
	}
	if again.Responses[0].Node.XML(1<<20) != full || !strings.Contains(full, `statusMessage="Status OK"`) || !strings.Contains(full, "Ann &amp; Bo") {
		t.Fatalf("round trip: %s", full[:200])
	}
	cut := el.XML(2000)
	if len(cut) > 2300 || !strings.Contains(cut, "more elements not kept") {
		t.Fatalf("cut to %d bytes: %s", len(cut), cut)
	}
	if err := xml.Unmarshal([]byte(cut), new(struct{})); err != nil {
		t.Fatalf("cut answer is not well-formed: %v", err)
	}
}
