package qbwc

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzPlainSOAPMatchesDecoder holds the fast path to encoding/xml's reading:
// whatever plainSOAP accepts, decodeSOAPTokens accepts as the same call.
func FuzzPlainSOAPMatchesDecoder(f *testing.F) {
	for _, s := range []string{
		qbwcEnvelope("receiveResponseXML", "ticket", "t", "response", "<QBXML>\r\n<X a=\"1\">&amp;é</X></QBXML>", "hresult", "", "message", ""),
		qbwcEnvelope("sendRequestXML", "ticket", "t", "strHCPResponse", "", "strCompanyFileName", `C:\a.qbw`, "qbXMLCountry", "US", "qbXMLMajorVers", "13", "qbXMLMinorVers", "0"),
		qbwcEnvelope("authenticate", "strUserName", "shop", "strPassword", "K7QX-M2PA"),
		`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><i:closeConnection xmlns:i="http://developer.intuit.com/"><i:ticket>t</i:ticket></i:closeConnection></s:Body></s:Envelope>`,
		`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><getLastError xmlns="http://developer.intuit.com/"><ticket xmlns="">t</ticket></getLastError></soap:Body></soap:Envelope>`,
		`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><getLastError xmlns="http://developer.intuit.com/"><ticket/><ticket/></getLastError></soap:Body></soap:Envelope>`,
		`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><getLastError xmlns="http://developer.intuit.com/"><x:ticket>t</x:ticket></getLastError></soap:Body></soap:Envelope>`,
		`<?xml version="1.0" encoding="ISO-8859-1"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><serverVersion xmlns="http://developer.intuit.com/"/></soap:Body></soap:Envelope>`,
		`<?xml version="1.0" encoding='UTF-8'?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><serverVersion xmlns="http://developer.intuit.com/"/></soap:Body></soap:Envelope> `,
		`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body xmlns:soap="urn:other"><serverVersion xmlns="http://developer.intuit.com/"/></soap:Body></soap:Envelope>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		fast, ok := plainSOAP(doc)
		if !ok {
			return
		}
		slow, err := decodeSOAPTokens(strings.NewReader(doc))
		if err != nil {
			t.Fatalf("plainSOAP accepted %q, encoding/xml refuses it: %v", doc, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("plainSOAP and encoding/xml differ on %q:\n%+v\n%+v", doc, fast, slow)
		}
	})
}

// TestPlainSOAPTakesTheWebConnectorsEnvelopes: the fast path must take
// what the Web Connector sends, or it saves nothing.
func TestPlainSOAPTakesTheWebConnectorsEnvelopes(t *testing.T) {
	// The \r is written as a character reference (xml.EscapeText), so it
	// comes back as it was sent.
	response := "<?xml version=\"1.0\" ?>\r\n<QBXML><QBXMLMsgsRs/></QBXML>"
	doc := qbwcEnvelope("receiveResponseXML", "ticket", "t-1", "response", response, "hresult", "", "message", "")
	call, ok := plainSOAP(doc)
	if !ok || call.Method != "receiveResponseXML" || call.Params["ticket"] != "t-1" || call.Params["response"] != response {
		t.Fatalf("plainSOAP = %+v, %v", call, ok)
	}
}
