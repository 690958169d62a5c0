package qbwc

import (
	"bytes"
	"encoding/xml"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestEscapeTextMatchesEncodingXML: the fast escaper writes exactly what
// xml.EscapeText writes, for qbXML as for text with every kind of
// character it treats apart.
func TestEscapeTextMatchesEncodingXML(t *testing.T) {
	cases := []string{
		"",
		"plain",
		`<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="continueOnError"><CustomerAddRq requestID='1'><Name>Ann &amp; Bo</Name></CustomerAddRq></QBXMLMsgsRq></QBXML>`,
		"line\nbreaks\r\nand\ttabs",
		"ünïcødé – “quotes” and 😀",
		"bad \xff byte",
		"control \x01 char",
		"non-characters \uFFFE \uFFFF and \uFFFD",
		"ends with <",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "<", ">", "&", "'", `"`, "\t", "\n", "\r", "\x00", "\x1f", "\x7f", "é", "\xe2\x82", "\uFFFE", "😀", " "}
	for range 2000 {
		var s string
		for range rng.IntN(20) {
			s += alphabet[rng.IntN(len(alphabet))]
		}
		cases = append(cases, s)
	}
	for _, s := range cases {
		var want, got bytes.Buffer
		_ = xml.EscapeText(&want, []byte(s))
		got.WriteString("prefix")
		escapeText(&got, s)
		if g := got.String()[len("prefix"):]; g != want.String() {
			t.Fatalf("escapeText(%q) = %q, want %q", s, g, want.String())
		}
	}
}

// BenchmarkEscapeText escapes a message set of 50 sales receipts, the text
// of a full sendRequestXML answer.
//
//	go test -run '^$' -bench EscapeText ./internal/qbwc/
func BenchmarkEscapeText(b *testing.B) {
	receipt := `<SalesReceiptAddRq requestID="1234"><SalesReceiptAdd><CustomerRef><FullName>Shopify Seattle Pike Place</FullName></CustomerRef>` +
		`<TxnDate>2026-11-04</TxnDate><RefNumber>#1001</RefNumber><Memo>Shopify order #1001 – Café</Memo>` +
		strings.Repeat(`<SalesReceiptLineAdd><ItemRef><FullName>Apparel</FullName></ItemRef><Desc>TEE-CLS-L-HGR Classic Cotton Tee - Large / Heather Grey</Desc>`+
			`<Quantity>2</Quantity><Amount>52.00</Amount></SalesReceiptLineAdd>`, 5) + "</SalesReceiptAdd></SalesReceiptAddRq>\n"
	text := `<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="continueOnError">` +
		strings.Repeat(receipt, 50) + `</QBXMLMsgsRq></QBXML>`
	var buf bytes.Buffer
	b.SetBytes(int64(len(text)))
	for range b.N {
		buf.Reset()
		escapeText(&buf, text)
	}
}
