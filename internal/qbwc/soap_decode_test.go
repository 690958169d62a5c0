package qbwc

import (
	"strings"
	"testing"
	"testing/iotest"
)

func TestDecodeSOAPAccepts(t *testing.T) {
	tests := []struct {
		name   string
		doc    string
		method string
		params map[string]string
	}{
		{
			"headers without mustUnderstand are skipped",
			`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><a xmlns="urn:a" s:mustUnderstand="0"><b>c</b></a><d xmlns="urn:d"/></s:Header><s:Body><getLastError xmlns="http://developer.intuit.com/"><ticket>t1</ticket></getLastError></s:Body></s:Envelope>`,
			"getLastError", map[string]string{"ticket": "t1"},
		},
		{
			"prefixed operation and parameters, comments and whitespace",
			"<!-- c --><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:dev=\"http://developer.intuit.com/\">\n <soapenv:Body>\n  <dev:connectionError>\n   <dev:ticket>t2</dev:ticket><!-- x -->\n   <dev:hresult>0x80040408</dev:hresult>\n   <dev:message>a &lt;b&gt; &amp; &#xD;c</dev:message>\n  </dev:connectionError>\n </soapenv:Body>\n</soapenv:Envelope>\n",
			"connectionError", map[string]string{"ticket": "t2", "hresult": "0x80040408", "message": "a <b> & \rc"},
		},
		{
			"unqualified parameters and xsi:nil",
			`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body><receiveResponseXML xmlns="http://developer.intuit.com/"><ticket xmlns="">t3</ticket><response>&lt;QBXML/&gt;</response><hresult xsi:nil="true"/><message xsi:nil="true"></message></receiveResponseXML></soap:Body></soap:Envelope>`,
			"receiveResponseXML", map[string]string{"ticket": "t3", "response": "<QBXML/>", "hresult": "", "message": ""},
		},
		{
			"CDATA parameter",
			`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><receiveResponseXML xmlns="http://developer.intuit.com/"><ticket>t4</ticket><response><![CDATA[<QBXML><x>&amp;</x></QBXML>]]></response></receiveResponseXML></soap:Body></soap:Envelope>`,
			"receiveResponseXML", map[string]string{"ticket": "t4", "response": "<QBXML><x>&amp;</x></QBXML>"},
		},
		{
			"qualified element after the Body is ignored",
			`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><serverVersion xmlns="http://developer.intuit.com/"/></soap:Body><x:trailer xmlns:x="urn:x"><y/></x:trailer></soap:Envelope>`,
			"serverVersion", map[string]string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			call, err := decodeSOAP(strings.NewReader(tc.doc), -1)
			if err != nil {
				t.Fatal(err)
			}
			if call.Method != tc.method || len(call.Params) != len(tc.params) {
				t.Fatalf("got %+v", call)
			}
			for k, v := range tc.params {
				if call.Params[k] != v {
					t.Fatalf("%s = %q, want %q", k, call.Params[k], v)
				}
			}
		})
	}
}

func TestDecodeSOAPNilWithContent(t *testing.T) {
	doc := `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body><getLastError xmlns="http://developer.intuit.com/"><ticket xsi:nil="true">t</ticket></getLastError></soap:Body></soap:Envelope>`
	if _, err := decodeSOAP(strings.NewReader(doc), -1); err == nil || !strings.Contains(err.Error(), "xsi:nil") {
		t.Fatalf("got %v", err)
	}
}

// TestReadBodyWhateverTheDeclaredSize reads the whole body whether the
// client's Content-Length is right, too small, too large, absent or beyond
// what is allocated up front.
func TestReadBodyWhateverTheDeclaredSize(t *testing.T) {
	body := strings.Repeat("<a>x</a>", 1000)
	for _, size := range []int64{int64(len(body)), 0, 10, int64(len(body)) + 100, -1, maxPresized + 1} {
		got, err := readBody(iotest.OneByteReader(strings.NewReader(body)), size)
		if err != nil || string(got) != body {
			t.Errorf("size %d: read %d bytes, %v; want %d", size, len(got), err, len(body))
		}
	}
}
