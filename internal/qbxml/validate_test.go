package qbxml

import (
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/testenv"
)

// TestValidateRejectsSchemaViolations proves the validator can fail: the
// reference lists three violations the real schema rejects.
func TestValidateRejectsSchemaViolations(t *testing.T) {
	lint, xsd := testenv.Xmllint(t), testenv.QBXMLSchema(t)
	const head = `<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML>`
	good := head + `<QBXMLMsgsRq onError="continueOnError"><CustomerQueryRq requestID="1"><FullName>Shopify POS</FullName></CustomerQueryRq></QBXMLMsgsRq></QBXML>`
	if err := Validate(lint, xsd, good); err != nil {
		t.Fatalf("valid message rejected: %v", err)
	}
	bad := map[string]string{
		"missing onError": head + `<QBXMLMsgsRq><HostQueryRq/></QBXMLMsgsRq></QBXML>`,
		"out of order": head + `<QBXMLMsgsRq onError="stopOnError"><SalesReceiptAddRq><SalesReceiptAdd>` +
			`<RefNumber>1001</RefNumber><TxnDate>2026-11-01</TxnDate>` +
			`<SalesReceiptLineAdd><Desc>x</Desc></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq></QBXMLMsgsRq></QBXML>`,
		"one decimal": head + `<QBXMLMsgsRq onError="stopOnError"><SalesReceiptAddRq><SalesReceiptAdd>` +
			`<SalesReceiptLineAdd><Desc>x</Desc><Amount>10.5</Amount></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq></QBXMLMsgsRq></QBXML>`,
		"ref too long": head + `<QBXMLMsgsRq onError="stopOnError"><SalesReceiptAddRq><SalesReceiptAdd><RefNumber>123456789012</RefNumber>` +
			`<SalesReceiptLineAdd><Desc>x</Desc></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq></QBXMLMsgsRq></QBXML>`,
		"not xml": "<QBXML>",
	}
	for name, doc := range bad {
		err := Validate(lint, xsd, doc)
		if err == nil {
			t.Errorf("%s: accepted, want a schema error", name)
			continue
		}
		if strings.Contains(err.Error(), "run xmllint") {
			t.Errorf("%s: xmllint did not run: %v", name, err)
		}
	}
}
