package qbdsim

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeService is a minimal Web Connector web service: it checks the wire
// format the Web Connector sends and serves a queue of qbXML requests.
type fakeService struct {
	t        *testing.T
	mu       sync.Mutex
	auth     []string // authenticate's answer
	queue    []string
	calls    []string
	hcp      []string
	got      []string // responses received
	hresults []string
	percent  func(done, total int) int
	lastErr  string
	connErr  string
	sendNoOp int
}

func (f *fakeService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "text/xml; charset=utf-8" {
		f.t.Errorf("bad request: %s %q", r.Method, r.Header.Get("Content-Type"))
	}
	body, _ := io.ReadAll(r.Body)
	var env struct {
		Body struct {
			Op struct {
				XMLName xml.Name
				Params  []struct {
					XMLName xml.Name
					Value   string `xml:",chardata"`
				} `xml:",any"`
			} `xml:",any"`
		} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
	}
	if err := xml.Unmarshal(body, &env); err != nil {
		f.t.Errorf("not a SOAP envelope: %v\n%s", err, body)
		return
	}
	op := env.Body.Op.XMLName
	if op.Space != soapNS {
		f.t.Errorf("%s in namespace %q", op.Local, op.Space)
	}
	if want := `"http://developer.intuit.com/` + op.Local + `"`; r.Header.Get("SOAPAction") != want {
		f.t.Errorf("SOAPAction %q, want %q", r.Header.Get("SOAPAction"), want)
	}
	p := map[string]string{}
	var names []string
	for _, x := range env.Body.Op.Params {
		p[x.XMLName.Local] = x.Value
		names = append(names, x.XMLName.Local)
	}
	f.calls = append(f.calls, op.Local)
	wantParams := map[string]string{
		"serverVersion": "", "clientVersion": "strVersion", "authenticate": "strUserName,strPassword",
		"sendRequestXML":     "ticket,strHCPResponse,strCompanyFileName,qbXMLCountry,qbXMLMajorVers,qbXMLMinorVers",
		"receiveResponseXML": "ticket,response,hresult,message", "connectionError": "ticket,hresult,message",
		"getLastError": "ticket", "closeConnection": "ticket",
	}
	if w, known := wantParams[op.Local]; !known || strings.Join(names, ",") != w {
		f.t.Errorf("%s parameters %v, want %s", op.Local, names, w)
	}
	result := ""
	var arr []string
	switch op.Local {
	case "serverVersion":
		result = "fake 1.0"
	case "clientVersion":
	case "authenticate":
		if p["strUserName"] != "shop" || p["strPassword"] != "s3cret" {
			arr = []string{"T", "nvu"}
		} else {
			arr = f.auth
		}
	case "sendRequestXML":
		f.hcp = append(f.hcp, p["strHCPResponse"])
		if p["qbXMLMajorVers"] != "13" || p["qbXMLCountry"] != "US" {
			f.t.Errorf("sendRequestXML version %s country %s", p["qbXMLMajorVers"], p["qbXMLCountry"])
		}
		if f.sendNoOp > 0 {
			f.sendNoOp--
			result = ""
			f.lastErr = "NoOp"
			break
		}
		if len(f.queue) > 0 {
			result = f.queue[0]
		}
	case "receiveResponseXML":
		f.got = append(f.got, p["response"])
		f.hresults = append(f.hresults, p["hresult"])
		f.queue = f.queue[1:]
		pct := 100
		if f.percent != nil {
			pct = f.percent(len(f.got), len(f.got)+len(f.queue))
		} else if len(f.queue) > 0 {
			pct = 100 * len(f.got) / (len(f.got) + len(f.queue))
		}
		result = fmt.Sprint(pct)
	case "connectionError":
		f.connErr = p["hresult"]
		result = "done"
	case "getLastError":
		result = f.lastErr
	case "closeConnection":
		result = "OK"
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>`)
	b.WriteString(`<` + op.Local + `Response xmlns="http://developer.intuit.com/"><` + op.Local + `Result>`)
	if arr != nil {
		for _, s := range arr {
			b.WriteString("<string>" + s + "</string>")
		}
	} else {
		xml.EscapeText(&b2{&b}, []byte(result))
	}
	b.WriteString(`</` + op.Local + `Result></` + op.Local + `Response></soap:Body></soap:Envelope>`)
	io.WriteString(w, b.String())
}

type b2 struct{ b *strings.Builder }

func (w *b2) Write(p []byte) (int, error) { return w.b.WriteString(string(p)) }

func runWC(t *testing.T, c *Company, f *fakeService) SessionResult {
	t.Helper()
	f.t = t
	srv := httptest.NewServer(f)
	defer srv.Close()
	wc := &WebConnector{AppURL: srv.URL, UserName: "shop", Password: "s3cret", Company: c, HTTP: srv.Client(), NoOpDelay: time.Millisecond}
	res, err := wc.RunSession(context.Background())
	if err != nil {
		t.Fatalf("RunSession: %v", err)
	}
	for _, r := range append(f.got, f.hcp...) {
		if r != "" {
			recordResponse(c, r)
		}
	}
	return res
}

func custAdd(name string) string {
	return envelope("continueOnError", ` newMessageSetID="{`+fmt.Sprintf("%08X", len(name))+`-0000-0000-0000-`+fmt.Sprintf("%012X", len(name)*7+int(name[0]))+`}"`,
		`<CustomerAddRq requestID="`+name+`"><CustomerAdd><Name>`+name+`</Name></CustomerAdd></CustomerAddRq>`)
}

func TestWebConnectorSession(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	f := &fakeService{auth: []string{"{ticket-1}", ""}, queue: []string{custAdd("A"), custAdd("BB")}}
	res := runWC(t, c, f)
	want := "serverVersion,clientVersion,authenticate,sendRequestXML,receiveResponseXML,sendRequestXML,receiveResponseXML,closeConnection"
	if got := strings.Join(f.calls, ","); got != want {
		t.Errorf("calls %s\nwant  %s", got, want)
	}
	if res.RoundTrips != 2 || res.RequestsProcessed != 2 || res.CloseMessage != "OK" || res.ServerVersion != "fake 1.0" {
		t.Errorf("result %+v", res)
	}
	if !strings.Contains(f.hcp[0], "<HostRet>") || !strings.Contains(f.hcp[0], "<PreferencesRet>") || f.hcp[1] != "" {
		t.Error("HCP response must come on the first sendRequestXML only")
	}
	if !strings.Contains(f.got[0], `requestID="A"`) || !strings.Contains(f.got[1], `statusCode="0"`) {
		t.Errorf("responses %v", f.got)
	}
}

func TestWebConnectorAuthenticateAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		auth  []string
		pass  string
		calls string
	}{
		{"nvu", nil, "wrong", "serverVersion,clientVersion,authenticate"},
		{"none", []string{"T", "none"}, "s3cret", "serverVersion,clientVersion,authenticate"},
		{"busy", []string{"T", "busy"}, "s3cret", "serverVersion,clientVersion,authenticate"},
		{"postpone", []string{"T", "", "600", "900"}, "s3cret", "serverVersion,clientVersion,authenticate"},
		{"wrong file", []string{"T", `C:\other.qbw`}, "s3cret", "serverVersion,clientVersion,authenticate,connectionError"},
		{"our file", []string{"T", `c:\QB\TEST.qbw`}, "s3cret", "serverVersion,clientVersion,authenticate,sendRequestXML,getLastError,closeConnection"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCo(t)
			f := &fakeService{auth: tc.auth, t: t}
			srv := httptest.NewServer(f)
			defer srv.Close()
			wc := &WebConnector{AppURL: srv.URL, UserName: "shop", Password: tc.pass, Company: c, HTTP: srv.Client()}
			res, err := wc.RunSession(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(f.calls, ","); got != tc.calls {
				t.Errorf("calls %s, want %s (result %+v)", got, tc.calls, res)
			}
			if tc.name == "postpone" && (res.PostponeSeconds != 600 || res.MinRunEverySeconds != 900) {
				t.Errorf("postpone %d min %d", res.PostponeSeconds, res.MinRunEverySeconds)
			}
			if tc.name == "wrong file" && f.connErr != "0x80040408" {
				t.Errorf("connectionError hresult %q", f.connErr)
			}
		})
	}
}

func TestWebConnectorErrorPaths(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	// A negative percent makes the Web Connector ask for the last error and close.
	f := &fakeService{auth: []string{"T", ""}, queue: []string{custAdd("A"), custAdd("BB")}, percent: func(int, int) int { return -101 }, lastErr: "mapping missing"}
	res := runWC(t, c, f)
	if got := strings.Join(f.calls[3:], ","); got != "sendRequestXML,receiveResponseXML,getLastError,closeConnection" || res.LastError != "mapping missing" {
		t.Errorf("calls %s, result %+v", got, res)
	}
	// "" then getLastError "NoOp" pauses and asks again.
	f = &fakeService{auth: []string{"T", ""}, queue: []string{custAdd("CCC")}, sendNoOp: 1}
	res = runWC(t, c, f)
	if got := strings.Join(f.calls[3:], ","); got != "sendRequestXML,getLastError,sendRequestXML,receiveResponseXML,closeConnection" {
		t.Errorf("NoOp calls %s (%+v)", got, res)
	}
	// QuickBooks busy: the HRESULT goes to receiveResponseXML and nothing is posted.
	c.SetFaults(Faults{Seed: 1, BusyRate: 1})
	f = &fakeService{auth: []string{"T", ""}, queue: []string{custAdd("DDDD")}}
	runWC(t, c, f)
	if f.hresults[0] != "0x80040414" || f.got[0] != "" {
		t.Errorf("busy: hresult %q response %q", f.hresults[0], f.got[0])
	}
	// QuickBooks not running: connectionError, then stop.
	c.SetFaults(Faults{Seed: 1, ConnectionErrorRate: 1})
	f = &fakeService{auth: []string{"T", ""}}
	res = runWC(t, c, f)
	if f.connErr != "0x80040416" || res.ConnectionErrors != 1 || strings.Contains(strings.Join(f.calls, ","), "sendRequestXML") {
		t.Errorf("not running: %+v calls %v", res, f.calls)
	}
}

func TestLostResponseThenRecovery(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	c.SetFaults(Faults{Seed: 7, LoseResponseRate: 1})
	rq := custAdd("Lost")
	f := &fakeService{auth: []string{"T", ""}, queue: []string{rq}}
	res := runWC(t, c, f)
	if res.LostResponses != 1 || len(f.got) != 0 || strings.Contains(strings.Join(f.calls, ","), "closeConnection") {
		t.Fatalf("lost response: %+v calls %v", res, f.calls)
	}
	if c.listCount(func(r *listRecord) bool { return r.Name == "Lost" }) != 1 {
		t.Fatal("QuickBooks should have committed the request")
	}
	// Next session: the service asks with oldMessageSetID and gets the saved answer.
	c.SetFaults(Faults{})
	doc, _ := parseQBXML(rq)
	id, _ := doc.Root.child("QBXMLMsgsRq").attr("newMessageSetID")
	rec := envelope("continueOnError", ` oldMessageSetID="`+id+`"`, `<CustomerAddRq requestID="Lost"><CustomerAdd><Name>Lost</Name></CustomerAdd></CustomerAddRq>`)
	f = &fakeService{auth: []string{"T", ""}, queue: []string{rec}}
	runWC(t, c, f)
	if !strings.Contains(f.got[0], `statusCode="0"`) || c.listCount(func(r *listRecord) bool { return r.Name == "Lost" }) != 1 {
		t.Errorf("recovery answer %s", f.got[0])
	}
}

func TestFaultsAreDeterministic(t *testing.T) {
	t.Parallel()
	run := func() string {
		c := newCo(t)
		c.SetFaults(Faults{Seed: 42, LockErrorRate: 0.5, PerRequestLatency: 200 * time.Millisecond, PerRoundTripLatency: time.Second})
		var codes []string
		for i := 0; i < 20; i++ {
			rs := send(t, c, fmt.Sprintf(`<CustomerAddRq><CustomerAdd><Name>C%d</Name></CustomerAdd></CustomerAddRq>`, i))[0]
			code, _ := rs.attr("statusCode")
			codes = append(codes, code)
		}
		return strings.Join(codes, ",") + " " + c.ModelledTime().String()
	}
	a, b := run(), run()
	if a != b {
		t.Errorf("same seed, different faults:\n%s\n%s", a, b)
	}
	if !strings.Contains(a, "0,") || !strings.Contains(a, "31") || !strings.HasSuffix(a, " 24s") {
		t.Errorf("want a mix of OK and lock statuses and 24s modelled: %s", a)
	}
}

func TestSessionFaultsAreDeterministic(t *testing.T) {
	t.Parallel()
	run := func() string {
		c := newCo(t)
		c.SetFaults(Faults{Seed: 9, LoseResponseRate: 0.3, BusyRate: 0.2, ConnectionErrorRate: 0.2, LockErrorRate: 0.3})
		var out []string
		for i := 0; i < 6; i++ {
			f := &fakeService{auth: []string{"T", ""}, queue: []string{custAdd(fmt.Sprintf("S%d-a", i)), custAdd(fmt.Sprintf("S%d-bb", i))}}
			res := runWC(t, c, f)
			out = append(out, fmt.Sprintf("%d/%d/%d/%d/%v", res.RoundTrips, res.LostResponses, res.ConnectionErrors, len(f.got), f.hresults))
		}
		return strings.Join(out, " ")
	}
	a, b := run(), run()
	if a != b {
		t.Errorf("same seed, different sessions:\n%s\n%s", a, b)
	}
	if !strings.Contains(a, "/1/") || !strings.Contains(a, "0x80040414") {
		t.Errorf("seed 9 should draw both a lost response and a busy fault: %s", a)
	}
}
