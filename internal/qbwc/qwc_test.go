package qbwc

import (
	"encoding/xml"
	"strings"
	"testing"
)

func validQWC() QWC {
	return QWC{
		AppName:        "shopqb – Acme Outdoor",
		AppID:          "",
		AppURL:         "https://sync.example.com/qbwc",
		AppDescription: "Keeps QuickBooks in step with the Acme Outdoor Shopify store",
		AppSupport:     "https://sync.example.com/shops/acme/support",
		UserName:       "acme-outdoor",
		OwnerID:        StableGUID("shopqb", "owner"),
		FileID:         StableGUID("shopqb", "file:acme-outdoor"),
	}
}

func TestQWCValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*QWC)
		want   string // "" means valid
	}{
		{"valid", func(q *QWC) {}, ""},
		{"http localhost", func(q *QWC) { q.AppURL = "http://localhost:8080/qbwc"; q.AppSupport = "http://localhost:8080/" }, ""},
		{"http 127.0.0.1", func(q *QWC) { q.AppURL = "http://127.0.0.1/qbwc"; q.AppSupport = "http://127.0.0.1/help" }, ""},
		{"http ::1", func(q *QWC) { q.AppURL = "http://[::1]:8080/qbwc"; q.AppSupport = "http://[::1]:8080/help" }, ""},
		{"host case differs", func(q *QWC) { q.AppSupport = "https://SYNC.example.com/help" }, ""},
		{"umpOptional allowed", func(q *QWC) { q.UnattendedModePref = UnattendedOptional }, ""},
		{"empty AppName", func(q *QWC) { q.AppName = "  " }, "AppName is empty"},
		{"control char in AppName", func(q *QWC) { q.AppName = "a\nb" }, "AppName contains control"},
		{"http remote", func(q *QWC) { q.AppURL = "http://sync.example.com/qbwc" }, "needs https"},
		{"http LAN IP", func(q *QWC) { q.AppURL = "http://192.168.1.10/qbwc"; q.AppSupport = "https://192.168.1.10/" }, "needs https"},
		{"http 127.0.0.2 is not in the allowed list", func(q *QWC) { q.AppURL = "http://127.0.0.2/qbwc"; q.AppSupport = "http://127.0.0.2/" }, "needs https"},
		{"localhost lookalike", func(q *QWC) {
			q.AppURL = "http://localhost.evil.com/qbwc"
			q.AppSupport = "https://localhost.evil.com/"
		}, "needs https"},
		{"ftp", func(q *QWC) { q.AppURL = "ftp://sync.example.com/qbwc" }, "must be an https URL"},
		{"relative URL", func(q *QWC) { q.AppURL = "/qbwc" }, "has no host"},
		{"empty AppURL", func(q *QWC) { q.AppURL = "" }, "AppURL is empty"},
		{"credentials in URL", func(q *QWC) { q.AppURL = "https://u:p@sync.example.com/qbwc" }, "user name or password"},
		{"support on another host", func(q *QWC) { q.AppSupport = "https://help.example.com/" }, "same domain"},
		{"support http remote", func(q *QWC) { q.AppSupport = "http://sync.example.com/help" }, "AppSupport"},
		{"empty UserName", func(q *QWC) { q.UserName = "" }, "UserName is empty"},
		{"OwnerID without braces", func(q *QWC) { q.OwnerID = "57F3B9B1-86F1-4FCC-B1EE-566DE1813D20" }, "OwnerID"},
		{"FileID too short", func(q *QWC) { q.FileID = "{57F3B9B1-86F1-4FCC-B1EE-566DE1813D2}" }, "FileID"},
		{"FileID not hex", func(q *QWC) { q.FileID = "{57F3B9B1-86F1-4FCC-B1EE-566DE1813DZZ}" }, "FileID"},
		{"bad personal data pref", func(q *QWC) { q.PersonalDataPref = "pdpMaybe" }, "PersonalDataPref"},
		{"bad unattended pref", func(q *QWC) { q.UnattendedModePref = "umpSometimes" }, "UnattendedModePref"},
		{"bad QBType", func(q *QWC) { q.QBType = "QBO" }, "QBType"},
		{"negative interval", func(q *QWC) { q.RunEveryNMinutes = -5 }, "RunEveryNMinutes"},
		{"auth flags out of range", func(q *QWC) { q.AuthFlags = 0x10 }, "AuthFlags"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := validQWC()
			tc.mutate(&q)
			err := q.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if _, merr := q.Marshal(); merr == nil {
				t.Fatal("Marshal accepted an invalid QWC")
			}
		})
	}
}

func TestQWCValidateReportsEveryProblem(t *testing.T) {
	err := QWC{}.Validate()
	if err == nil {
		t.Fatal("empty QWC validated")
	}
	for _, want := range []string{"AppName", "AppURL", "AppSupport", "UserName", "OwnerID", "FileID"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}

func TestQWCMarshal(t *testing.T) {
	q := validQWC()
	q.AppName = `Tom & Jerry's <Shop>`
	data, err := q.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), `<?xml version="1.0"?>`) {
		t.Fatalf("no XML declaration:\n%s", data)
	}
	// Every required element (Guide Table 4-1) and every one shopqb sets
	// must be present exactly once, with the defaults filled in.
	var generic struct {
		XMLName  xml.Name
		Children []struct {
			XMLName xml.Name
			Value   string `xml:",chardata"`
			Inner   []struct {
				XMLName xml.Name
				Value   string `xml:",chardata"`
			} `xml:",any"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal(data, &generic); err != nil {
		t.Fatalf("generated .qwc does not parse: %v\n%s", err, data)
	}
	if generic.XMLName.Local != "QBWCXML" {
		t.Fatalf("root %v", generic.XMLName)
	}
	got := map[string]string{}
	for _, c := range generic.Children {
		if _, dup := got[c.XMLName.Local]; dup {
			t.Fatalf("element %s twice", c.XMLName.Local)
		}
		got[c.XMLName.Local] = c.Value
		if c.XMLName.Local == "Scheduler" {
			if len(c.Inner) != 1 || c.Inner[0].XMLName.Local != "RunEveryNMinutes" {
				t.Fatalf("Scheduler %+v", c.Inner)
			}
			got["Scheduler/RunEveryNMinutes"] = c.Inner[0].Value
		}
	}
	want := map[string]string{
		"AppName":                    `Tom & Jerry's <Shop>`,
		"AppID":                      "",
		"AppURL":                     q.AppURL,
		"AppDescription":             q.AppDescription,
		"AppSupport":                 q.AppSupport,
		"UserName":                   "acme-outdoor",
		"OwnerID":                    q.OwnerID,
		"FileID":                     q.FileID,
		"QBType":                     "QBFS",
		"Scheduler/RunEveryNMinutes": "15",
		"IsReadOnly":                 "false",
		"PersonalDataPref":           "pdpOptional",
		"UnattendedModePref":         "umpRequired",
		"AuthFlags":                  "0xE",
		"Notify":                     "false",
	}
	for k, v := range want {
		g, ok := got[k]
		if k != "Scheduler/RunEveryNMinutes" && !ok {
			t.Errorf("missing <%s>", k)
			continue
		}
		if g != v {
			t.Errorf("<%s> = %q, want %q", k, g, v)
		}
	}
	if strings.Contains(string(data), "PersonalDataPrep") {
		t.Fatal("misspelt PersonalDataPref")
	}
	if _, ok := got["AppUniqueName"]; ok {
		t.Fatal("empty AppUniqueName written")
	}
}

func TestQWCParseRoundTrip(t *testing.T) {
	q := validQWC()
	q.AppUniqueName = "shopqb-acme"
	q.RunEveryNMinutes = 60
	q.IsReadOnly = true
	q.Notify = true
	q.AuthFlags = AuthEnterprise
	q.UnattendedModePref = UnattendedOptional
	q.PersonalDataPref = PersonalDataNotNeeded
	data, err := q.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseQWC(data)
	if err != nil {
		t.Fatal(err)
	}
	q.QBType = QBTypeFinancial
	if back != q {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back, q)
	}
}

func TestParseQWCForeignFile(t *testing.T) {
	// A hand-written file in another layout: seconds scheduler, no
	// AuthFlags, elements out of the usual order.
	doc := `<?xml version="1.0"?>
<QBWCXML>
  <QBType>QBFS</QBType>
  <AppName>Other App</AppName>
  <AppURL>https://other.example.net/ws</AppURL>
  <AppSupport>https://other.example.net/</AppSupport>
  <UserName>bob</UserName>
  <OwnerID>{57F3B9B1-86F1-4fcc-B1EE-566DE1813D20}</OwnerID>
  <FileID>{90A44FB5-33D9-4815-AC85-BC87A7E7D1EB}</FileID>
  <AppDescription>x</AppDescription>
  <AppID></AppID>
  <Scheduler><RunEveryNSeconds>90</RunEveryNSeconds></Scheduler>
</QBWCXML>`
	q, err := ParseQWC([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if q.RunEveryNMinutes != 2 || q.AuthFlags != 0xF || q.UserName != "bob" || q.Validate() != nil {
		t.Fatalf("parsed %+v (validate: %v)", q, q.Validate())
	}
	if _, err := ParseQWC([]byte(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><QBWCXML><AppName>&e;</AppName></QBWCXML>`)); err == nil || !strings.Contains(err.Error(), "DOCTYPE") {
		t.Fatalf("DOCTYPE accepted: %v", err)
	}
	if _, err := ParseQWC([]byte(`<QBWCXML><AuthFlags>14</AuthFlags></QBWCXML>`)); err == nil {
		t.Fatal("AuthFlags without 0x accepted")
	}
}

func TestStableGUID(t *testing.T) {
	// RFC 4122 Appendix B's DNS namespace and Python's documented example
	// uuid5(NAMESPACE_DNS, "python.org") pin the UUIDv5 derivation.
	if got := StableGUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"); got != "{886313E1-3B8A-5372-9B90-0C9AEE199E5D}" {
		t.Fatalf("UUIDv5 vector: got %s", got)
	}
	a := StableGUID("shopqb", "file:acme")
	if a != StableGUID("shopqb", "file:acme") {
		t.Fatal("not stable")
	}
	if !guidPattern.MatchString(a) {
		t.Fatalf("%s is not in .qwc GUID form", a)
	}
	if a[15] != '5' {
		t.Fatalf("%s: version nibble is not 5", a)
	}
	others := []string{
		StableGUID("shopqb", "file:acme2"),
		StableGUID("shopqb2", "file:acme"),
		StableGUID("shopq", "bfile:acme"),
		StableGUID("{6BA7B810-9DAD-11D1-80B4-00C04FD430C8}", "file:acme"),
	}
	for _, o := range others {
		if o == a {
			t.Fatalf("collision: %s", o)
		}
	}
	if StableGUID("{6BA7B810-9DAD-11D1-80B4-00C04FD430C8}", "python.org") != "{886313E1-3B8A-5372-9B90-0C9AEE199E5D}" {
		t.Fatal("braced upper-case namespace not treated as a GUID")
	}
}

func TestAuthFlagsString(t *testing.T) {
	if DefaultAuthFlags.String() != "0xE" || (AuthSimpleStart|DefaultAuthFlags).String() != "0xF" || AuthEnterprise.String() != "0x8" {
		t.Fatalf("%s %s %s", DefaultAuthFlags, AuthSimpleStart|DefaultAuthFlags, AuthEnterprise)
	}
}
