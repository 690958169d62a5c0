package qbxml

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

func TestBuildSetsRequestIDs(t *testing.T) {
	a, err := MarshalRequest(CustomerQuery{Iteration: Iteration{Iterator: IteratorStart}, ListFilter: ListFilter{MaxReturned: 10}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := MarshalRequest(ClassQuery{})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := MsgSet{NewMessageSetID: `set "1" & <2>`}.Build([]Raw{{RequestID: "17", XML: a}, {RequestID: `a"b`, XML: "  " + b + "\n"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<?qbxml version="13.0"?>` + "\n" +
		`<QBXML><QBXMLMsgsRq onError="continueOnError" newMessageSetID="set &#34;1&#34; &amp; &lt;2&gt;">` +
		`<CustomerQueryRq requestID="17" iterator="Start"><MaxReturned>10</MaxReturned></CustomerQueryRq>` +
		`<ClassQueryRq requestID="a&#34;b"></ClassQueryRq></QBXMLMsgsRq></QBXML>`
	if doc != want {
		t.Fatalf("got\n%s\nwant\n%s", doc, want)
	}
	ValidateXSD(t, doc)
}

func TestBuildRecoveryOnlySetIsValid(t *testing.T) {
	doc, err := MsgSet{OldMessageSetID: "batch-6", NewMessageSetID: "batch-7", Version: "12.0"}.Build(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc, `<?qbxml version="12.0"?>`) || !strings.Contains(doc, `oldMessageSetID="batch-6"`) {
		t.Fatalf("unexpected document: %s", doc)
	}
	ValidateXSD(t, doc)
}

func TestBuildRefusesBadInput(t *testing.T) {
	good, _ := MarshalRequest(ClassQuery{})
	cases := []struct {
		name string
		set  MsgSet
		reqs []Raw
		want string
	}{
		{"long new set id", MsgSet{NewMessageSetID: "{6F9619FF-8B86-D011-B42D-00C04FC964FF}"}, []Raw{{XML: good}}, "newMessageSetID"},
		{"long old set id", MsgSet{OldMessageSetID: strings.Repeat("a", 24)}, nil, "oldMessageSetID"},
		{"control char id", MsgSet{}, []Raw{{RequestID: "a\nb", XML: good}}, "requestID: contains U+000A"},
		{"non-latin set id", MsgSet{NewMessageSetID: "세트"}, []Raw{{XML: good}}, "newMessageSetID: contains"},
		{"nothing to send", MsgSet{}, nil, "no requests"},
		{"rollback", MsgSet{OnError: "rollbackOnError"}, []Raw{{XML: good}}, "onError"},
		{"version", MsgSet{Version: "13"}, []Raw{{XML: good}}, "version"},
		{"duplicate ids", MsgSet{}, []Raw{{RequestID: "1", XML: good}, {RequestID: "1", XML: good}}, "used twice"},
		{"long id", MsgSet{}, []Raw{{RequestID: strings.Repeat("9", 51), XML: good}}, "longer than 50"},
		{"existing id", MsgSet{}, []Raw{{RequestID: "1", XML: `<PreferencesQueryRq requestID="2"/>`}}, "already has a requestID"},
		{"not a request", MsgSet{}, []Raw{{RequestID: "1", XML: `<PreferencesQuery/>`}}, "not a request"},
		{"two elements", MsgSet{}, []Raw{{RequestID: "1", XML: good + good}}, "more than one element"},
		{"malformed", MsgSet{}, []Raw{{RequestID: "1", XML: `<PreferencesQueryRq>`}}, "not well-formed"},
		{"doctype", MsgSet{}, []Raw{{RequestID: "1", XML: `<!DOCTYPE x [<!ENTITY e "boom">]><PreferencesQueryRq/>`}}, "does not start with an element"},
		{"inner doctype", MsgSet{}, []Raw{{RequestID: "1", XML: `<PreferencesQueryRq><!DOCTYPE x></PreferencesQueryRq>`}}, "directive"},
		{"declaration", MsgSet{}, []Raw{{RequestID: "1", XML: `<?xml version="1.0"?><PreferencesQueryRq/>`}}, "does not start with an element"},
		{"trailing text", MsgSet{}, []Raw{{RequestID: "1", XML: good + "junk"}}, "text outside"},
		{"empty", MsgSet{}, []Raw{{RequestID: "1", XML: "  "}}, "does not start with an element"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := c.set.Build(c.reqs)
			if err == nil {
				t.Fatalf("accepted: %s", doc)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

// TestBuildSelfClosingAndAttributes covers stored elements written by hand or
// by an older shopqb: self-closing tags and existing attributes keep working.
func TestBuildSelfClosingAndAttributes(t *testing.T) {
	doc, err := MsgSet{}.Build([]Raw{
		{RequestID: "1", XML: `<HostQueryRq/>`},
		{RequestID: "2", XML: "<ItemQueryRq\n iterator=\"Start\"><MaxReturned>5</MaxReturned></ItemQueryRq>"},
		{RequestID: "", XML: `<CompanyQueryRq></CompanyQueryRq>`},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<HostQueryRq requestID="1"/>`, "<ItemQueryRq requestID=\"2\"\n iterator=\"Start\">", `<CompanyQueryRq></CompanyQueryRq>`} {
		if !strings.Contains(doc, want) {
			t.Errorf("missing %q in %s", want, doc)
		}
	}
	ValidateXSD(t, doc)
}

// FuzzBuild feeds arbitrary stored request elements and requestIDs to
// Build: it must never panic, and whatever it accepts must be a well-formed
// document whose single request carries exactly that requestID.
func FuzzBuild(f *testing.F) {
	f.Add(`<SalesReceiptAddRq><SalesReceiptAdd><RefNumber>#1</RefNumber></SalesReceiptAdd></SalesReceiptAddRq>`, "42")
	f.Add(`<HostQueryRq/>`, `a"b<c>&`)
	f.Add("<ItemQueryRq\n iterator=\"Start\"><MaxReturned>5</MaxReturned></ItemQueryRq>", "")
	f.Add(`<CustomerQueryRq requestID="1"/>`, "2")
	f.Add(`<X:YRq xmlns:X="u"/>`, "3")
	f.Add(`<!DOCTYPE a [<!ENTITY b "c">]><ARq>&b;</ARq>`, "4")
	f.Add(`<ARq a='>' b="requestID="/>`, "5")
	f.Fuzz(func(t *testing.T, el, id string) {
		doc, err := MsgSet{}.Build([]Raw{{RequestID: id, XML: el}})
		if err != nil {
			return
		}
		d := xml.NewDecoder(strings.NewReader(doc))
		var ids []string
		depth := 0
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("Build accepted %q / %q but produced malformed XML: %v\n%s", el, id, err, doc)
			}
			switch tt := tok.(type) {
			case xml.StartElement:
				depth++
				if depth == 3 {
					found := false
					for _, a := range tt.Attr {
						if a.Name.Local == "requestID" {
							ids = append(ids, a.Value)
							found = true
						}
					}
					if !found {
						ids = append(ids, "")
					}
				}
			case xml.EndElement:
				depth--
			}
		}
		if len(ids) != 1 || ids[0] != id {
			t.Fatalf("Build of %q with requestID %q gave requests with IDs %q:\n%s", el, id, ids, doc)
		}
	})
}
