package qbwc

import (
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/testenv"
)

type wsdlDoc struct {
	TargetNamespace string `xml:"targetNamespace,attr"`
	Types           struct {
		Schema struct {
			Inner []byte `xml:",innerxml"`
		} `xml:"http://www.w3.org/2001/XMLSchema schema"`
	} `xml:"http://schemas.xmlsoap.org/wsdl/ types"`
	PortTypes []struct {
		Ops []struct {
			Name string `xml:"name,attr"`
		} `xml:"http://schemas.xmlsoap.org/wsdl/ operation"`
	} `xml:"http://schemas.xmlsoap.org/wsdl/ portType"`
	Bindings []struct {
		Ops []struct {
			Name string `xml:"name,attr"`
			SOAP struct {
				Action string `xml:"soapAction,attr"`
				Style  string `xml:"style,attr"`
			} `xml:"http://schemas.xmlsoap.org/wsdl/soap/ operation"`
		} `xml:"http://schemas.xmlsoap.org/wsdl/ operation"`
	} `xml:"http://schemas.xmlsoap.org/wsdl/ binding"`
	Service struct {
		Port struct {
			Address struct {
				Location string `xml:"location,attr"`
			} `xml:"http://schemas.xmlsoap.org/wsdl/soap/ address"`
		} `xml:"http://schemas.xmlsoap.org/wsdl/ port"`
	} `xml:"http://schemas.xmlsoap.org/wsdl/ service"`
}

func fetchWSDL(t *testing.T, url string) (string, wsdlDoc) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/xml; charset=utf-8" {
		t.Fatalf("GET ?wsdl: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var doc wsdlDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("WSDL is not XML: %v", err)
	}
	return string(b), doc
}

func TestWSDLDescribesEveryOperation(t *testing.T) {
	srv, _ := newTestServer(t, &fakeService{}, HandlerOptions{})
	_, doc := fetchWSDL(t, srv.URL+"/qbwc?wsdl")
	if doc.TargetNamespace != IntuitNS {
		t.Fatalf("targetNamespace %q", doc.TargetNamespace)
	}
	if got := doc.Service.Port.Address.Location; got != srv.URL+"/qbwc" {
		t.Fatalf("soap:address %q, want %q", got, srv.URL+"/qbwc")
	}
	var want []string
	for m := range methods {
		want = append(want, m)
	}
	sort.Strings(want)
	var ports, binds []string
	for _, op := range doc.PortTypes[0].Ops {
		ports = append(ports, op.Name)
	}
	for _, op := range doc.Bindings[0].Ops {
		binds = append(binds, op.Name)
		if op.SOAP.Action != IntuitNS+op.Name || op.SOAP.Style != "document" {
			t.Errorf("%s: soapAction %q style %q", op.Name, op.SOAP.Action, op.SOAP.Style)
		}
	}
	if strings.Join(ports, ",") != strings.Join(want, ",") || strings.Join(binds, ",") != strings.Join(want, ",") {
		t.Fatalf("portType %v, binding %v, want %v", ports, binds, want)
	}
	for _, core := range []string{"serverVersion", "clientVersion", "authenticate", "sendRequestXML", "receiveResponseXML", "connectionError", "getLastError", "closeConnection"} {
		if _, ok := methods[core]; !ok {
			t.Errorf("core operation %s missing", core)
		}
	}
}

func TestWSDLPublicURLAndQueryCase(t *testing.T) {
	srv, _ := newTestServer(t, &fakeService{}, HandlerOptions{PublicURL: "https://shop.example.com/qbwc"})
	_, doc := fetchWSDL(t, srv.URL+"/?WSDL")
	if got := doc.Service.Port.Address.Location; got != "https://shop.example.com/qbwc" {
		t.Fatalf("soap:address %q", got)
	}
}

// TestWSDLSchemaMatchesTheWire validates requests as the Web Connector
// sends them, and the endpoint's own responses, against the schema embedded
// in the WSDL, so the description and the wire cannot drift apart.
func TestWSDLSchemaMatchesTheWire(t *testing.T) {
	xmllint := testenv.Xmllint(t)
	svc := &fakeService{
		serverVersion: "shopqb test", auth: AuthResult{Ticket: "abc-123-def", Status: "none", PostponeSeconds: 5, MinRunEverySeconds: 60},
		request: "<QBXML/>", percent: 30, connAnswer: "done", lastError: "ok", closeAnswer: "OK",
	}
	srv, _ := newTestServer(t, svc, HandlerOptions{})
	raw, _ := fetchWSDL(t, srv.URL+"?wsdl")

	// Lift the embedded schema out as a standalone XSD.
	start := strings.Index(raw, "<s:schema")
	end := strings.Index(raw, "</s:schema>") + len("</s:schema>")
	if start < 0 || end < start {
		t.Fatal("no schema in WSDL")
	}
	schema := strings.Replace(raw[start:end], "<s:schema ", `<s:schema xmlns:s="`+xsdNS+`" xmlns:tns="`+IntuitNS+`" `, 1)
	dir := t.TempDir()
	xsdPath := filepath.Join(dir, "qbwc.xsd")
	if err := os.WriteFile(xsdPath, []byte(schema), 0o600); err != nil {
		t.Fatal(err)
	}

	calls := map[string][]string{
		"serverVersion":       nil,
		"clientVersion":       {"strVersion", "2.3.0.215"},
		"authenticate":        {"strUserName", "u", "strPassword", "p"},
		"sendRequestXML":      {"ticket", "t", "strHCPResponse", "<QBXML/>", "strCompanyFileName", "c", "qbXMLCountry", "US", "qbXMLMajorVers", "13", "qbXMLMinorVers", "0"},
		"receiveResponseXML":  {"ticket", "t", "response", "<QBXML/>", "hresult", "", "message", ""},
		"connectionError":     {"ticket", "t", "hresult", "0x80040408", "message", "m"},
		"getLastError":        {"ticket", "t"},
		"closeConnection":     {"ticket", "t"},
		"interactiveDone":     {"wcTicket", "t"},
		"interactiveRejected": {"wcTicket", "t", "reason", "r"},
	}
	bodyElem := regexp.MustCompile(`(?s)<soap:Body>(.*)</soap:Body>`)
	for method, params := range calls {
		req := qbwcEnvelope(method, params...)
		reqBody := bodyElem.FindStringSubmatch(req)[1]
		r := post(t, srv.URL, "", req)
		decodeResult(t, method, r)
		respBody := bodyElem.FindStringSubmatch(r.body)[1]
		for kind, doc := range map[string]string{"request": reqBody, "response": respBody} {
			p := filepath.Join(dir, method+"-"+kind+".xml")
			if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", xsdPath, p).CombinedOutput()
			if err != nil {
				t.Errorf("%s %s does not match the WSDL schema: %v\n%s\n%s", method, kind, err, out, doc)
			}
		}
	}
}
