package qbdsim

import (
	"strings"
	"testing"
	"time"
)

// FuzzProcessRequest feeds arbitrary text to QuickBooks' request parser and
// business rules: it must never panic, must answer either an HRESULT or a
// response that parses, and must leave the ledger balanced.
func FuzzProcessRequest(f *testing.F) {
	for _, s := range []string{
		envelope("continueOnError", "", rqSale),
		envelope("stopOnError", ` newMessageSetID="{11111111-1111-1111-1111-111111111111}"`, rqWalkIn, rqMug),
		envelope("continueOnError", "", `<CustomerQueryRq iterator="Start"><MaxReturned>1</MaxReturned></CustomerQueryRq>`),
		envelope("continueOnError", "", `<JournalEntryAddRq><JournalEntryAdd><JournalDebitLine><AccountRef><FullName>Checking</FullName></AccountRef><Amount>1.00</Amount></JournalDebitLine><JournalCreditLine><AccountRef><FullName>Sales</FullName></AccountRef><Amount>1.00</Amount></JournalCreditLine></JournalEntryAdd></JournalEntryAddRq>`),
		envelope("continueOnError", "", `<InventoryAdjustmentAddRq><InventoryAdjustmentAdd><AccountRef><FullName>Inventory Shrinkage</FullName></AccountRef><InventoryAdjustmentLineAdd><ItemRef><FullName>Mug</FullName></ItemRef><QuantityAdjustment><NewQuantity>0</NewQuantity></QuantityAdjustment></InventoryAdjustmentLineAdd></InventoryAdjustmentAdd></InventoryAdjustmentAddRq>`),
		`<?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError"><HostQueryRq/></QBXMLMsgsRq></QBXML>`,
		"<QBXML>", "", "<?qbxml version='13.0'?><a><b>x</b>y</a>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rq string) {
		c := NewCompany(CompanyOptions{SalesTaxOn: true, Inventory: true, DefaultTaxItemZeroRate: true, Now: func() time.Time { return testClock }})
		for _, setup := range []string{rqClearing, rqMug, rqCATax, rqDiscount, rqShipping, rqPayItem, rqWalkIn} {
			if _, err := c.ProcessRequest(envelope("stopOnError", "", setup)); err != nil {
				t.Fatal(err)
			}
		}
		resp, err := c.ProcessRequest(rq)
		if err == nil {
			if _, perr := parseQBXML(strings.Replace(resp, "<QBXML>", `<?qbxml version="13.0"?><QBXML>`, 1)); perr != nil {
				t.Fatalf("response does not parse: %v\n%s", perr, resp)
			}
		} else if _, ok := err.(*HRESULTError); !ok {
			t.Fatalf("error is not an HRESULT: %v", err)
		}
		var d, cr int64
		for _, l := range c.TrialBalance() {
			d += int64(l.Debit)
			cr += int64(l.Credit)
		}
		if d != cr {
			t.Fatalf("ledger out of balance after %q", rq)
		}
		if msg := checkRunningBalances(c); msg != "" {
			t.Fatalf("%s after %q", msg, rq)
		}
	})
}

// FuzzParseSOAPResponse checks the Web Connector's SOAP decoder never panics.
func FuzzParseSOAPResponse(f *testing.F) {
	f.Add(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><authenticateResponse xmlns="http://developer.intuit.com/"><authenticateResult><string>T</string><string></string></authenticateResult></authenticateResponse></soap:Body></soap:Envelope>`)
	f.Add(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>x</faultstring></soap:Fault></soap:Body></soap:Envelope>`)
	f.Add(`<x/>`)
	f.Fuzz(func(t *testing.T, body string) {
		_, _ = parseSOAPResponse("authenticate", []byte(body))
	})
}
