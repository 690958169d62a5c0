package qbxml

import (
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/money"
)

// A real-shaped ItemQuery answer: a contractor's company file already has a
// Service item called "Shipping" on a labour income account.
const serviceShippingRs = `<?xml version="1.0" ?>
<QBXML><QBXMLMsgsRs>
<ItemQueryRs requestID="q7" statusCode="0" statusSeverity="Info" statusMessage="Status OK">
<ItemServiceRet>
<ListID>80000012-1699999999</ListID>
<TimeCreated>2019-03-02T10:11:12-08:00</TimeCreated>
<TimeModified>2019-03-02T10:11:12-08:00</TimeModified>
<EditSequence>1699999999</EditSequence>
<Name>Shipping</Name>
<FullName>Shipping</FullName>
<IsActive>true</IsActive>
<Sublevel>0</Sublevel>
<SalesTaxCodeRef><ListID>80000002-1699999990</ListID><FullName>Non</FullName></SalesTaxCodeRef>
<SalesOrPurchase>
<Desc>Delivery labour</Desc>
<Price>0.00</Price>
<AccountRef><ListID>8000001D-1699999991</ListID><FullName>Construction Income:Labor Income</FullName></AccountRef>
</SalesOrPurchase>
</ItemServiceRet>
</ItemQueryRs>
</QBXMLMsgsRs></QBXML>`

func TestExistingItemOfAnotherTypeOrAccount(t *testing.T) {
	rs, err := ParseResponse(serviceShippingRs)
	if err != nil {
		t.Fatal(err)
	}
	have := ShapeOfRet(&rs.Responses[0].Rets[0])
	if have.Type != "ItemService" || have.Account != "Construction Income:Labor Income" {
		t.Fatalf("shape of the Service item: %+v", have)
	}
	add := func(r Request) ListShape {
		t.Helper()
		x, err := MarshalRequest(r)
		if err != nil {
			t.Fatal(err)
		}
		s, err := ShapeOfAdd(x)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	shipping := add(ItemOtherChargeAdd{Name: "Shipping", SalesOrPurchase: &SalesOrPurchase{Desc: "Shipping", AccountRef: ByName("Shipping Income")}})
	if shipping.Type != "ItemOtherCharge" || shipping.Account != "Shipping Income" {
		t.Fatalf("shape of the Add: %+v", shipping)
	}
	d := shipping.Differs(have)
	if d == "" || !strings.Contains(d, "Service item") || !strings.Contains(d, "Construction Income:Labor Income") {
		t.Errorf("Differs = %q, want the type and account named", d)
	}
	// Same type, another account: still not usable.
	svc := add(ItemServiceAdd{Name: "Shipping", SalesOrPurchase: &SalesOrPurchase{AccountRef: ByName("Shipping Income")}})
	if d := svc.Differs(have); !strings.Contains(d, `"Construction Income:Labor Income"`) {
		t.Errorf("another account: Differs = %q", d)
	}
	// Same type and account (case aside): usable.
	same := add(ItemServiceAdd{Name: "Shipping", SalesOrPurchase: &SalesOrPurchase{AccountRef: ByName("construction income:labor income")}})
	if d := same.Differs(have); d != "" {
		t.Errorf("same item: Differs = %q", d)
	}
	// A tax item against a tax group of that name.
	tax := add(ItemSalesTaxAdd{Name: "CA 7.25%", TaxRate: "7.25", TaxVendorRef: ByName("CDTFA")})
	if d := tax.Differs(ListShape{Type: "ItemSalesTaxGroup"}); !strings.Contains(d, "Sales Tax Group") {
		t.Errorf("tax item vs group: %q", d)
	}
	if d := tax.Differs(ListShape{Type: "ItemSalesTax"}); d != "" {
		t.Errorf("tax item vs tax item: %q", d)
	}
	if _, err := ShapeOfAdd("<CustomerQueryRq/>"); err == nil {
		t.Error("a query read as an Add")
	}
}

func TestTxnKeyMatchesWithoutExternalGUID(t *testing.T) {
	x, err := MarshalRequest(SalesReceiptAdd{CustomerRef: ByName("Walk-in"), TxnDate: "2026-11-20", RefNumber: "1042",
		DepositToAccountRef: ByName("Undeposited Funds"),
		Lines:               []SalesLine{{ItemRef: ByName("Tee"), Amount: Amt(2500)}, {ItemRef: ByName("Shipping"), Amount: Amt(500)}}})
	if err != nil {
		t.Fatal(err)
	}
	want, err := TxnKeyOfAdd(x)
	if err != nil {
		t.Fatal(err)
	}
	if want.Amount == nil || *want.Amount != money.Cents(3000) || want.Entity != "Walk-in" || want.RefNumber != "1042" {
		t.Fatalf("key of the Add: %+v", want)
	}
	ret := func(ref, date, cust, total string) TxnKey {
		rs, err := ParseResponse(`<QBXML><QBXMLMsgsRs><SalesReceiptQueryRs requestID="q1" statusCode="0" statusSeverity="Info" statusMessage="Status OK">
<SalesReceiptRet><TxnID>1A-1</TxnID><EditSequence>1</EditSequence><TxnDate>` + date + `</TxnDate><RefNumber>` + ref + `</RefNumber>
<CustomerRef><ListID>8-1</ListID><FullName>` + cust + `</FullName></CustomerRef><TotalAmount>` + total + `</TotalAmount></SalesReceiptRet>
</SalesReceiptQueryRs></QBXMLMsgsRs></QBXML>`)
		if err != nil {
			t.Fatal(err)
		}
		return TxnKeyOfRet(&rs.Responses[0].Rets[0])
	}
	if !want.SameTxn(ret("1042", "2026-11-20", "walk-in", "30.00")) {
		t.Error("the same receipt without its ExternalGUID was not recognised")
	}
	for _, other := range []TxnKey{ret("1042", "2026-11-21", "Walk-in", "30.00"), ret("1042", "2026-11-20", "Kim", "30.00"),
		ret("1042", "2026-11-20", "Walk-in", "30.01"), ret("1043", "2026-11-20", "Walk-in", "30.00")} {
		if want.SameTxn(other) {
			t.Errorf("%+v taken for %+v", other, want)
		}
	}
}
