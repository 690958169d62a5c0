package qbxml

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// plainSeeds are inputs on both sides of what plainxml.Scanner reads itself.
var plainSeeds = []string{
	`<?xml version="1.0" ?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRs><CustomerAddRs requestID="1" statusCode="0" statusSeverity="Info" statusMessage="Status OK"><CustomerRet><ListID>80000001-1</ListID><Name>A &amp; B &lt;x&gt; &#233;&#x20AC;</Name></CustomerRet></CustomerAddRs></QBXMLMsgsRs></QBXML>`,
	"<QBXML>\r\n <QBXMLMsgsRs>\r\n  <X statusCode='0' a = \"1\"b=\"2\"><T>line\r\nnext\rlast</T><E/><E2 /></X>\r\n </QBXMLMsgsRs>\r\n</QBXML>\r\n",
	"<a>x<b/> <c/>y</a>", "<a>  <b>t</b>  </a><b>second root</b> trailing",
	"<a><!-- comment --></a>", "<a><![CDATA[x]]></a>", `<!DOCTYPE a><a/>`, "<x:a/>", "<a x:y='1'/>",
	"<a>&unknown;</a>", "<a>&#0;</a>", "<a>&#X41;</a>", "<a>&#xD800;</a>", "<a>&#65</a>", "<a>\x01</a>",
	"<a>\xff</a>", "<a>\uFFFE</a>", "<a></b>", "<a>", "</a>", "<a b='1' b='2'/>", "<a b=1/>", "<a b/>",
	"<a b='<'/>", "<a b='\r\n\t'/>", "<1a/>", "<a.b-c_1/>", "<-a/>", "<?xml version='1.1'?><a/>",
	"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>", "<?pi x?><a/>", "<?xml?><a/>", "<a>]]></a>",
	"<a\n>x</a\n>", "<a></a >", "<a>\u00a0x\u00a0</a>", "<é/>", "<a>\u0085t</a>",
}

// FuzzPlainMatchesEncodingXML holds the fast path to encoding/xml: whatever
// plainTree accepts, encoding/xml reads into the same Nodes, and whatever
// plainRoot accepts, singleRoot accepts with the same root.
func FuzzPlainMatchesEncodingXML(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "responses", "*.xml"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, s := range plainSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if fast, ok := plainTree(s); ok {
			slow, err := decodeTree([]byte(s))
			if err != nil {
				t.Fatalf("plainTree accepted %q, encoding/xml refuses it: %v", s, err)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("plainTree and encoding/xml differ on %q:\n%s\n%s", s, dump(fast), dump(slow))
			}
		}
		if name, hasID, ok := plainRoot(s); ok {
			root, err := singleRoot(s)
			if err != nil {
				t.Fatalf("plainRoot accepted %q, singleRoot refuses it: %v", s, err)
			}
			slowID := false
			for _, a := range root.Attr {
				slowID = slowID || a.Name.Local == "requestID"
			}
			if root.Name.Local != name || slowID != hasID {
				t.Fatalf("plainRoot(%q) = %s %v, singleRoot %s %v", s, name, hasID, root.Name.Local, slowID)
			}
		}
	})
}

func dump(ns []*Node) string {
	var b strings.Builder
	for _, n := range ns {
		b.WriteString(n.XML(1 << 20))
		b.WriteString(" | ")
	}
	return b.String()
}

// TestPlainReadsWhatShopqbAndQuickBooksWrite: the fast path must actually
// take the documents of a normal round trip, or it saves nothing.
func TestPlainReadsWhatShopqbAndQuickBooksWrite(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "responses", "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no responses: %v", err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		data, err := toUTF8(b)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := plainTree(string(data)); !ok {
			t.Errorf("%s: left to encoding/xml", file)
		}
	}
	req, err := MarshalRequest(CustomerAdd{Name: "Ann & Bob <Lee>", CompanyName: "Café"})
	if err != nil {
		t.Fatal(err)
	}
	if name, hasID, ok := plainRoot(req); !ok || name != "CustomerAddRq" || hasID {
		t.Errorf("plainRoot(%s) = %q %v %v", req, name, hasID, ok)
	}
}
