package privacy

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/testenv"
)

// The end-to-end privacy tests (deliveries through the webhook endpoint,
// jobs through River) are internal/app's privacy_test.go; these test the
// redaction rules themselves.

func assertNone(t *testing.T, what, text string, personal ...string) {
	t.Helper()
	for _, p := range personal {
		if strings.Contains(text, p) {
			t.Errorf("%s still contains %q: %s", what, p, text)
		}
	}
}

func assertAll(t *testing.T, what, text string, kept ...string) {
	t.Helper()
	for _, k := range kept {
		if !strings.Contains(text, k) {
			t.Errorf("%s lost %q: %s", what, k, text)
		}
	}
}

func TestCompliancePayloadKeepsOnlyIDs(t *testing.T) {
	w := &shopify.Webhook{Topic: "customers/redact", ShopDomain: "alpha.myshopify.com",
		Body: []byte(`{"shop_id":954889,"shop_domain":"alpha.myshopify.com","customer":{"id":191167,"email":"john@example.com","phone":"555-625-1199"},"orders_to_redact":[299938,280263]}`)}
	got, err := MinimalPayload(w)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"shop_id":954889,"shop_domain":"alpha.myshopify.com","customer":{"id":191167},"orders_to_redact":[299938,280263]}`; string(got) != want {
		t.Fatalf("payload %s, want %s", got, want)
	}
	req, err := shopify.ParseCompliance(got)
	if err != nil || req.Customer.ID != "191167" || len(req.OrdersToRedact) != 2 {
		t.Fatalf("minimal payload reads back as %+v, %v", req, err)
	}
	for _, bad := range []string{
		`{"shop_domain":"beta.myshopify.com","customer":{"id":1}}`,
		`{"shop_domain":"alpha.myshopify.com"}`,
		`{"shop_domain":"alpha.myshopify.com","customer":{"id":"x1"}}`,
		`{"shop_domain":"alpha.myshopify.com","customer":{"id":1},"orders_to_redact":["1 OR 1"]}`,
		`not json`,
	} {
		w.Body = []byte(bad)
		if _, err := MinimalPayload(w); err == nil {
			t.Errorf("payload %s accepted", bad)
		}
	}
}

func TestRedactJSONIsGeneric(t *testing.T) {
	// A field shopqb's queries do not read today, inside an address, is
	// redacted all the same; one outside any personal key is kept.
	in := []byte(`{"id":"gid://shopify/Order/1","newField":"kept","shippingAddress":{"newAddressField":"Flat 9","countryCodeV2":"GB"},"lines":[{"note":"x","amount":"1.00"}]}`)
	out, err := redactJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"gid://shopify/Order/1","lines":[{"amount":"1.00","note":"redacted"}],"newField":"kept","shippingAddress":{"countryCodeV2":"GB","newAddressField":"redacted"}}`
	if string(out) != want {
		t.Fatalf("redactJSON = %s, want %s", out, want)
	}
	same := []byte(`{"b":1, "a":"no personal data"}`)
	if out, err := redactJSON(same); err != nil || !bytes.Equal(out, same) {
		t.Fatalf("a document with nothing personal must come back as it was: %s, %v", out, err)
	}
	if _, err := redactJSON([]byte(`{"a":1} trailing`)); err == nil {
		t.Fatal("trailing data accepted")
	}
}

// TestRedactedQBXMLStillValidates redacts requests built by the qbxml
// package with every personal field set, and checks them against the real
// qbXML 13.0 schema: a redacted posting still to be sent must still post.
func TestRedactedQBXMLStillValidates(t *testing.T) {
	addr := &qbxml.Address{Addr1: "Ann Lee", Addr2: "1 Main St", Addr3: "Apt 2", City: "Springfield", State: "OR", PostalCode: "97477",
		Country: "US", Note: "Ring twice"}
	cust := qbxml.CustomerAdd{Name: "Ann Lee", CompanyName: "Lee Pottery", Salutation: "Ms.", FirstName: "Ann", MiddleName: "Jo",
		LastName: "Lee", JobTitle: "Potter", BillAddress: addr, ShipAddress: addr, Phone: "541-555-0100", Mobile: "541-555-0101",
		AltPhone: "541-555-0102", Fax: "541-555-0103", Email: "ann@example.com", Cc: "lee@example.com", Contact: "Ann Lee",
		Notes: "Shopify customer 7"}
	amount := money.Cents(5410)
	sale := qbxml.SalesReceiptAdd{CustomerRef: &qbxml.Ref{FullName: "Ann Lee"}, TxnDate: qbxml.Date("2026-11-02"), RefNumber: "1001",
		BillAddress: addr, ShipAddress: addr, Memo: "Shopify order #1001",
		Lines: []qbxml.SalesLine{{ItemRef: &qbxml.Ref{FullName: "MUG-B"}, Desc: "Blue mug", Amount: qbxml.Amt(amount)}}}
	rule := qbxmlRedaction{customerName: "Ann Lee", newName: redactedCustomerName("7"), rename: true}
	var raws []qbxml.Raw
	for i, r := range []qbxml.Request{cust, sale} {
		req, err := qbxml.MarshalRequest(r)
		if err != nil {
			t.Fatal(err)
		}
		red, err := rule.apply(req)
		if err != nil {
			t.Fatal(err)
		}
		assertNone(t, r.RequestName(), red, "Ann", "Lee", "Main St", "Apt 2", "Springfield", "97477", "555-0", "example.com", "Potter", "Ms.", "twice", ">Jo<")
		assertAll(t, r.RequestName(), red, "Redacted customer 7")
		raws = append(raws, qbxml.Raw{RequestID: fmt.Sprint(i + 1), XML: red})
	}
	if !strings.Contains(raws[1].XML, "<Amount>54.10</Amount>") || !strings.Contains(raws[1].XML, "<Desc>Blue mug</Desc>") ||
		!strings.Contains(raws[0].XML, "<MiddleName>redac</MiddleName>") {
		t.Fatalf("redaction went too far or not far enough: %s", raws)
	}
	doc, err := qbxml.MsgSet{NewMessageSetID: "redact-test"}.Build(raws)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "redacted.xml")
	if err := os.WriteFile(f, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(testenv.Xmllint(t), "--noout", "--schema", testenv.QBXMLSchema(t), f).CombinedOutput(); err != nil {
		t.Fatalf("xmllint: %v\n%s\n%s", err, out, doc)
	}
}
