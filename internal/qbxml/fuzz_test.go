package qbxml

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseResponse feeds arbitrary text to the parser the Web Connector's
// receiveResponseXML depends on. It must never panic, and whatever it accepts
// must be internally consistent.
func FuzzParseResponse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "responses", "*.xml"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed responses: %v", err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(hcpOldEnterprise)
	f.Add("\xEF\xBB\xBF<QBXML><QBXMLMsgsRs><HostQueryRs statusCode=\"0\"/></QBXMLMsgsRs></QBXML>")
	f.Add("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><QBXML><QBXMLMsgsRs><CustomerQueryRs statusCode=\"1\" retCount=\"0\"/></QBXMLMsgsRs></QBXML>")
	f.Add("<QBXML><QBXMLMsgsRs><X statusCode=\"0\"><Ret><TotalAmount>1e9</TotalAmount></Ret></X></QBXMLMsgsRs></QBXML>")
	f.Add(`<!DOCTYPE x [<!ENTITY a "b">]><QBXML/>`)
	f.Add("")

	f.Fuzz(func(t *testing.T, s string) {
		rs, err := ParseResponse(s)
		if err != nil {
			if rs != nil {
				t.Fatal("error with a non-nil result")
			}
			return
		}
		again, err := ParseResponse(s)
		if err != nil || len(again.Responses) != len(rs.Responses) {
			t.Fatalf("second parse differs: %v", err)
		}
		for _, r := range rs.Responses {
			if !strings.HasSuffix(r.Name, "Rs") || r.Node == nil || r.Node.Name != r.Name {
				t.Fatalf("bad response %q", r.Name)
			}
			_ = r.Class()
			for _, ret := range r.Rets {
				if !strings.HasSuffix(ret.Type, "Ret") || ret.Node == nil {
					t.Fatalf("bad ret %q", ret.Type)
				}
				_ = ret.Node.Find("a/b/c")
				_ = ret.Node.FindAll("")
			}
		}
		if h, err := ParseHCP(s); err == nil && h == nil {
			t.Fatal("ParseHCP: nil without error")
		}
	})
}
