package qbwc

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzDecodeSOAP feeds arbitrary bytes to the request decoder. It must never
// panic, must fail only with a SOAP fault, and whatever it accepts must name
// a known operation with known parameters and survive being written out the
// Web Connector's way and decoded again unchanged.
func FuzzDecodeSOAP(f *testing.F) {
	seeds := []string{
		qbwcEnvelope("authenticate", "strUserName", "shop", "strPassword", "K7QX-M2PA"),
		qbwcEnvelope("sendRequestXML", "ticket", "t", "strHCPResponse", "<QBXML>\r\n<HostRet/></QBXML>", "strCompanyFileName", `C:\a.qbw`, "qbXMLCountry", "US", "qbXMLMajorVers", "13", "qbXMLMinorVers", "0"),
		qbwcEnvelope("receiveResponseXML", "ticket", "t", "response", "<QBXML/>", "hresult", "0x80040400", "message", "bad"),
		qbwcEnvelope("serverVersion"),
		qbwcEnvelope("closeConnection", "ticket", "t"),
		`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><h xmlns="urn:h">x</h></soap:Header><soap:Body><getLastError xmlns="http://developer.intuit.com/"><ticket xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/></getLastError></soap:Body></soap:Envelope>`,
		`<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>`,
		`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`,
		`<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"/>`,
		`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><authenticate xmlns="http://developer.intuit.com/"><strUserName><x/></strUserName></authenticate></soap:Body></soap:Envelope>`,
		"",
		"<",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		call, err := decodeSOAP(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			var fault *soapFault
			if !errors.As(err, &fault) {
				t.Fatalf("non-fault error %T: %v", err, err)
			}
			if fault.Message == "" || (fault.Code != faultClient && fault.Code != faultVersionMismatch && fault.Code != faultMustUnderstand) {
				t.Fatalf("bad fault %+v", fault)
			}
			return
		}
		spec, ok := methods[call.Method]
		if !ok {
			t.Fatalf("accepted unknown method %q", call.Method)
		}
		var params []string
		for name, v := range call.Params {
			if !spec.accepts(name) {
				t.Fatalf("accepted unknown parameter %q of %s", name, call.Method)
			}
			params = append(params, name, v)
		}
		again, err := decodeSOAP(bytes.NewReader([]byte(qbwcEnvelope(call.Method, params...))), -1)
		if err != nil {
			t.Fatalf("re-encoded call refused: %v", err)
		}
		if again.Method != call.Method || len(again.Params) != len(call.Params) {
			t.Fatalf("round trip changed the call: %+v -> %+v", call, again)
		}
		for k, v := range call.Params {
			if again.Params[k] != v {
				t.Fatalf("round trip changed %s: %q -> %q", k, v, again.Params[k])
			}
		}
		// The response path must also produce XML a client can read.
		in := call.Params[spec.params[0]]
		out := encodeResponse(call.Method, stringResult(in))
		got, err := resultText(out)
		if err != nil {
			t.Fatalf("response not well-formed: %v\n%s", err, out)
		}
		if got != in {
			t.Fatalf("response text %q, want %q", got, in)
		}
	})
}

// resultText reads a response envelope and returns the text of its result
// element, checking the whole document is well-formed.
func resultText(doc []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var text strings.Builder
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return text.String(), nil
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 4 { // Envelope > Body > methodResponse > methodResult
				text.Write(t)
			}
		}
	}
}
