package qbwc

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeService answers from fields set by each test and records what the
// endpoint passed it, so tests check both directions of the wire.
type fakeService struct {
	mu sync.Mutex

	serverVersion string
	clientAnswer  string
	auth          AuthResult
	authErr       error
	request       string
	sendErr       error
	percent       int
	recvErr       error
	connAnswer    string
	lastError     string
	closeAnswer   string

	gotUser, gotPassword string
	gotClientVersion     string
	gotTicket            string
	gotSend              SendRequestInput
	gotRecv              ReceiveResponseInput
	gotHResult, gotMsg   string
	calls                []string
}

func (f *fakeService) record(m string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, m)
}

func (f *fakeService) ServerVersion(ctx context.Context) string {
	f.record("serverVersion")
	return f.serverVersion
}

func (f *fakeService) ClientVersion(ctx context.Context, v string) string {
	f.record("clientVersion")
	f.gotClientVersion = v
	return f.clientAnswer
}

func (f *fakeService) Authenticate(ctx context.Context, user, pw string) (AuthResult, error) {
	f.record("authenticate")
	f.gotUser, f.gotPassword = user, pw
	return f.auth, f.authErr
}

func (f *fakeService) SendRequest(ctx context.Context, ticket string, in SendRequestInput) (string, error) {
	f.record("sendRequestXML")
	f.gotTicket, f.gotSend = ticket, in
	return f.request, f.sendErr
}

func (f *fakeService) ReceiveResponse(ctx context.Context, ticket string, in ReceiveResponseInput) (int, error) {
	f.record("receiveResponseXML")
	f.gotTicket, f.gotRecv = ticket, in
	return f.percent, f.recvErr
}

func (f *fakeService) ConnectionError(ctx context.Context, ticket, hresult, message string) (string, error) {
	f.record("connectionError")
	f.gotTicket, f.gotHResult, f.gotMsg = ticket, hresult, message
	return f.connAnswer, nil
}

func (f *fakeService) LastError(ctx context.Context, ticket string) (string, error) {
	f.record("getLastError")
	f.gotTicket = ticket
	return f.lastError, nil
}

func (f *fakeService) CloseConnection(ctx context.Context, ticket string) (string, error) {
	f.record("closeConnection")
	f.gotTicket = ticket
	return f.closeAnswer, nil
}

// qbwcEnvelope builds a request the way the Web Connector (a .NET SOAP
// client) writes one: XML declaration, soap/xsi/xsd prefixes on the
// Envelope, the operation in the Intuit default namespace.
func qbwcEnvelope(method string, params ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>`)
	b.WriteString(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">`)
	b.WriteString(`<soap:Body><` + method + ` xmlns="http://developer.intuit.com/">`)
	for i := 0; i+1 < len(params); i += 2 {
		b.WriteString(`<` + params[i] + `>`)
		_ = xml.EscapeText(&b, []byte(params[i+1]))
		b.WriteString(`</` + params[i] + `>`)
	}
	b.WriteString(`</` + method + `></soap:Body></soap:Envelope>`)
	return b.String()
}

// logBuffer captures the handler's log so tests can check what it holds.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newTestServer(t *testing.T, svc Service, opts HandlerOptions) (*httptest.Server, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	srv := httptest.NewServer(NewHandler(svc, opts))
	t.Cleanup(srv.Close)
	return srv, logs
}

type soapReply struct {
	status      int
	contentType string
	body        string
}

func post(t *testing.T, url, soapAction, body string) soapReply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	if soapAction != "" {
		req.Header.Set("SOAPAction", soapAction)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return soapReply{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: string(b)}
}

// parsedResponse is a SOAP response as a client sees it.
type parsedResponse struct {
	Body struct {
		Inner []byte `xml:",innerxml"`
		Fault *struct {
			Code   string `xml:"faultcode"`
			String string `xml:"faultstring"`
		} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault"`
	} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
}

// methodResult decodes <methodResponse xmlns=intuit><methodResult> from a
// response, failing the test on a fault or a wrong shape.
type methodResponse struct {
	XMLName xml.Name
	Result  struct {
		Text    string   `xml:",chardata"`
		Strings []string `xml:"http://developer.intuit.com/ string"`
		XMLName xml.Name
	} `xml:",any"`
}

func decodeResult(t *testing.T, method string, r soapReply) methodResponse {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("%s: status %d, body %s", method, r.status, r.body)
	}
	if r.contentType != "text/xml; charset=utf-8" {
		t.Fatalf("%s: Content-Type %q", method, r.contentType)
	}
	var env parsedResponse
	if err := xml.Unmarshal([]byte(r.body), &env); err != nil {
		t.Fatalf("%s: response is not XML: %v\n%s", method, err, r.body)
	}
	if env.Body.Fault != nil {
		t.Fatalf("%s: unexpected fault %+v", method, *env.Body.Fault)
	}
	var mr methodResponse
	if err := xml.Unmarshal(env.Body.Inner, &mr); err != nil {
		t.Fatalf("%s: body: %v\n%s", method, err, r.body)
	}
	if mr.XMLName.Space != IntuitNS || mr.XMLName.Local != method+"Response" {
		t.Fatalf("%s: response element %v", method, mr.XMLName)
	}
	if mr.Result.XMLName.Space != IntuitNS || mr.Result.XMLName.Local != method+"Result" {
		t.Fatalf("%s: result element %v", method, mr.Result.XMLName)
	}
	return mr
}

func decodeFault(t *testing.T, r soapReply) (code, text string) {
	t.Helper()
	if r.status != http.StatusInternalServerError {
		t.Fatalf("fault: status %d, want 500; body %s", r.status, r.body)
	}
	if r.contentType != "text/xml; charset=utf-8" {
		t.Fatalf("fault: Content-Type %q", r.contentType)
	}
	var env parsedResponse
	if err := xml.Unmarshal([]byte(r.body), &env); err != nil {
		t.Fatalf("fault is not XML: %v\n%s", err, r.body)
	}
	if env.Body.Fault == nil {
		t.Fatalf("no soap:Fault in %s", r.body)
	}
	return env.Body.Fault.Code, env.Body.Fault.String
}

func TestAuthenticateAnswers(t *testing.T) {
	const ticket = "0f8fad5b-d9cb-469f-a165-70867728950e"
	tests := []struct {
		name string
		auth AuthResult
		want []string
	}{
		{"session on the open file", AuthResult{Ticket: ticket, Status: ""}, []string{ticket, ""}},
		{"session on a named file", AuthResult{Ticket: ticket, Status: `C:\Company Files\Shop & Co.qbw`}, []string{ticket, `C:\Company Files\Shop & Co.qbw`}},
		{"wrong token", AuthResult{Ticket: "", Status: "nvu"}, []string{"", "nvu"}},
		{"nothing due", AuthResult{Ticket: ticket, Status: "none"}, []string{ticket, "none"}},
		{"busy", AuthResult{Ticket: ticket, Status: "busy"}, []string{ticket, "busy"}},
		{"busy with postpone", AuthResult{Ticket: ticket, Status: "busy", PostponeSeconds: 300}, []string{ticket, "busy", "300"}},
		{"none with postpone and min-run", AuthResult{Ticket: ticket, Status: "none", PostponeSeconds: 60, MinRunEverySeconds: 900}, []string{ticket, "none", "60", "900"}},
		{"min-run only keeps positions", AuthResult{Ticket: ticket, Status: "", MinRunEverySeconds: 900}, []string{ticket, "", "0", "900"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := &fakeService{auth: tc.auth}
			srv, logs := newTestServer(t, svc, HandlerOptions{})
			r := post(t, srv.URL, `"http://developer.intuit.com/authenticate"`,
				qbwcEnvelope("authenticate", "strUserName", "shop-42", "strPassword", "ABCD-EFGH-SECRET"))
			mr := decodeResult(t, "authenticate", r)
			got := mr.Result.Strings
			if len(got) > 4 {
				t.Fatalf("authenticate returned %d strings; the Web Connector fails on more than 4", len(got))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) || len(got) != len(tc.want) {
				t.Fatalf("strings = %q, want %q", got, tc.want)
			}
			if svc.gotUser != "shop-42" || svc.gotPassword != "ABCD-EFGH-SECRET" {
				t.Fatalf("service got user %q password %q", svc.gotUser, svc.gotPassword)
			}
			if strings.Contains(logs.String(), "ABCD-EFGH-SECRET") {
				t.Fatalf("password logged: %s", logs.String())
			}
			if tc.auth.Ticket != "" && strings.Contains(logs.String(), tc.auth.Ticket) {
				t.Fatalf("full ticket logged: %s", logs.String())
			}
			if strings.Contains(logs.String(), "Company Files") {
				t.Fatalf("company file path logged: %s", logs.String())
			}
		})
	}
}

func TestAuthenticateServiceMistakesBecomeFaults(t *testing.T) {
	tests := []struct {
		name string
		auth AuthResult
		err  error
		want string
	}{
		{"session without ticket", AuthResult{Status: ""}, nil, "internal error"},
		{"negative postpone", AuthResult{Ticket: "t-123456789", Status: "busy", PostponeSeconds: -1}, nil, "internal error"},
		{"service error stays in the log", AuthResult{}, errors.New("db: connection refused at 10.0.0.5"), "internal error"},
		{"public error is shown", AuthResult{}, &PublicError{Message: "this shop is suspended", Err: errors.New("row 7")}, "this shop is suspended"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := &fakeService{auth: tc.auth, authErr: tc.err}
			srv, _ := newTestServer(t, svc, HandlerOptions{})
			r := post(t, srv.URL, "", qbwcEnvelope("authenticate", "strUserName", "u", "strPassword", "p"))
			code, text := decodeFault(t, r)
			if code != "soap:Server" || !strings.Contains(text, tc.want) {
				t.Fatalf("fault %s %q, want soap:Server containing %q", code, text, tc.want)
			}
			if strings.Contains(text, "10.0.0.5") || strings.Contains(text, "row 7") {
				t.Fatalf("internal detail leaked into the fault: %q", text)
			}
		})
	}
}

func TestMethodsRoundTrip(t *testing.T) {
	const ticket = "6b29fc40-ca47-1067-b31d-00dd010662da"
	qbxmlReq := "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<?qbxml version=\"13.0\"?>\r\n<QBXML><QBXMLMsgsRq onError=\"continueOnError\"><CustomerQueryRq requestID=\"1\"><FullName>Müller &amp; Söhne</FullName></CustomerQueryRq></QBXMLMsgsRq></QBXML>"
	hcp := `<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><HostQueryRs requestID="0" statusCode="0"><HostRet><ProductName>QuickBooks Enterprise Solutions 24.0</ProductName></HostRet></HostQueryRs></QBXMLMsgsRs></QBXML>`

	type check func(t *testing.T, svc *fakeService, mr methodResponse)
	tests := []struct {
		name   string
		svc    *fakeService
		method string
		params []string
		check  check
	}{
		{"serverVersion", &fakeService{serverVersion: "shopqb 1.2.3"}, "serverVersion", nil,
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				if mr.Result.Text != "shopqb 1.2.3" {
					t.Fatalf("result %q", mr.Result.Text)
				}
			}},
		{"clientVersion warns", &fakeService{clientAnswer: "W:Please upgrade the Web Connector"}, "clientVersion", []string{"strVersion", "2.3.0.36"},
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				if svc.gotClientVersion != "2.3.0.36" || mr.Result.Text != "W:Please upgrade the Web Connector" {
					t.Fatalf("got %q result %q", svc.gotClientVersion, mr.Result.Text)
				}
			}},
		{"clientVersion empty goes on", &fakeService{}, "clientVersion", []string{"strVersion", "2.3.0.36"},
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				if mr.Result.Text != "" {
					t.Fatalf("result %q", mr.Result.Text)
				}
			}},
		{"sendRequestXML first call with HCP", &fakeService{request: qbxmlReq}, "sendRequestXML",
			[]string{"ticket", ticket, "strHCPResponse", hcp, "strCompanyFileName", `C:\QB\shop.qbw`, "qbXMLCountry", "US", "qbXMLMajorVers", "13", "qbXMLMinorVers", "0"},
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				want := SendRequestInput{HCPResponse: hcp, CompanyFileName: `C:\QB\shop.qbw`, Country: "US", MajorVersion: 13, MinorVersion: 0}
				if svc.gotTicket != ticket || svc.gotSend != want {
					t.Fatalf("service got %q %+v", svc.gotTicket, svc.gotSend)
				}
				if mr.Result.Text != qbxmlReq {
					t.Fatalf("qbXML did not survive the trip:\n got %q\nwant %q", mr.Result.Text, qbxmlReq)
				}
			}},
		{"sendRequestXML later call, nothing to send", &fakeService{request: ""}, "sendRequestXML",
			[]string{"ticket", ticket, "strHCPResponse", "", "strCompanyFileName", `C:\QB\shop.qbw`, "qbXMLCountry", "US", "qbXMLMajorVers", "16", "qbXMLMinorVers", "0"},
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				if svc.gotSend.HCPResponse != "" || svc.gotSend.MajorVersion != 16 || mr.Result.Text != "" {
					t.Fatalf("service got %+v, result %q", svc.gotSend, mr.Result.Text)
				}
			}},
		{"receiveResponseXML percent", &fakeService{percent: 40}, "receiveResponseXML",
			[]string{"ticket", ticket, "response", `<QBXML><QBXMLMsgsRs><CustomerQueryRs statusCode="0"/></QBXMLMsgsRs></QBXML>`, "hresult", "", "message", ""},
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				if mr.Result.Text != "40" || !strings.Contains(svc.gotRecv.Response, "CustomerQueryRs") {
					t.Fatalf("result %q, service got %+v", mr.Result.Text, svc.gotRecv)
				}
			}},
		{"receiveResponseXML done", &fakeService{percent: 100}, "receiveResponseXML",
			[]string{"ticket", ticket, "response", "<QBXML/>", "hresult", "", "message", ""},
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				if mr.Result.Text != "100" {
					t.Fatalf("result %q", mr.Result.Text)
				}
			}},
		{"receiveResponseXML above 100 is clamped", &fakeService{percent: 250}, "receiveResponseXML",
			[]string{"ticket", ticket, "response", "<QBXML/>", "hresult", "", "message", ""},
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				if mr.Result.Text != "100" {
					t.Fatalf("result %q", mr.Result.Text)
				}
			}},
		{"receiveResponseXML negative on error", &fakeService{percent: -1}, "receiveResponseXML",
			[]string{"ticket", ticket, "response", "", "hresult", "0x80040400", "message", "QuickBooks found an error when parsing the provided XML text stream."},
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				if mr.Result.Text != "-1" {
					t.Fatalf("result %q", mr.Result.Text)
				}
				if svc.gotRecv.HResult != "0x80040400" || !strings.HasPrefix(svc.gotRecv.Message, "QuickBooks found") {
					t.Fatalf("service got %+v", svc.gotRecv)
				}
			}},
		{"connectionError", &fakeService{connAnswer: "done"}, "connectionError",
			[]string{"ticket", ticket, "hresult", "0x80040408", "message", "Could not start QuickBooks."},
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				if mr.Result.Text != "done" || svc.gotHResult != "0x80040408" || svc.gotMsg != "Could not start QuickBooks." {
					t.Fatalf("result %q, service got %q %q", mr.Result.Text, svc.gotHResult, svc.gotMsg)
				}
			}},
		{"getLastError", &fakeService{lastError: "3 orders wait for customer Jane Doe; see the dashboard"}, "getLastError",
			[]string{"ticket", ticket},
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				if svc.gotTicket != ticket || mr.Result.Text != "3 orders wait for customer Jane Doe; see the dashboard" {
					t.Fatalf("result %q", mr.Result.Text)
				}
			}},
		{"getLastError NoOp passes through", &fakeService{lastError: "NoOp"}, "getLastError",
			[]string{"ticket", ticket},
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				if mr.Result.Text != "NoOp" {
					t.Fatalf("result %q", mr.Result.Text)
				}
			}},
		{"getLastError never starts interactive mode", &fakeService{lastError: "Interactive mode"}, "getLastError",
			[]string{"ticket", ticket},
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				if mr.Result.Text == "Interactive mode" || mr.Result.Text == "" {
					t.Fatalf("result %q", mr.Result.Text)
				}
			}},
		{"closeConnection", &fakeService{closeAnswer: "OK: 12 records posted"}, "closeConnection",
			[]string{"ticket", ticket},
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				if svc.gotTicket != ticket || mr.Result.Text != "OK: 12 records posted" {
					t.Fatalf("result %q", mr.Result.Text)
				}
			}},
		{"interactiveDone", &fakeService{}, "interactiveDone", []string{"wcTicket", ticket},
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				if mr.Result.Text != "Done" || len(svc.calls) != 0 {
					t.Fatalf("result %q calls %v", mr.Result.Text, svc.calls)
				}
			}},
		{"interactiveRejected", &fakeService{}, "interactiveRejected", []string{"wcTicket", ticket, "reason", "user closed it"},
			func(t *testing.T, svc *fakeService, mr methodResponse) {
				if mr.Result.Text == "" {
					t.Fatal("empty result")
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, logs := newTestServer(t, tc.svc, HandlerOptions{})
			r := post(t, srv.URL, `"http://developer.intuit.com/`+tc.method+`"`, qbwcEnvelope(tc.method, tc.params...))
			mr := decodeResult(t, tc.method, r)
			tc.check(t, tc.svc, mr)
			log := logs.String()
			if !strings.Contains(log, "method="+tc.method) || !strings.Contains(log, "duration=") {
				t.Fatalf("call not logged with method and duration: %s", log)
			}
			if strings.Contains(log, ticket) {
				t.Fatalf("full ticket logged: %s", log)
			}
			if strings.Contains(log, "Müller") || strings.Contains(log, "ProductName") || strings.Contains(log, "CustomerQueryRs") {
				t.Fatalf("qbXML body logged: %s", log)
			}
			if tc.params != nil && tc.params[0] == "ticket" && !strings.Contains(log, "ticket="+ticket[:8]) {
				t.Fatalf("ticket prefix not logged: %s", log)
			}
		})
	}
}

func TestUnsendableAnswerIsAFaultNotAnEdit(t *testing.T) {
	for _, req := range []string{"<QBXML><Name>a\x1bb</Name></QBXML>", "<QBXML>\xff</QBXML>", "\ufffe"} {
		svc := &fakeService{request: req}
		srv, logs := newTestServer(t, svc, HandlerOptions{})
		r := post(t, srv.URL, "", qbwcEnvelope("sendRequestXML", "ticket", "t-1234567890", "strHCPResponse", "", "strCompanyFileName", "", "qbXMLCountry", "US", "qbXMLMajorVers", "13", "qbXMLMinorVers", "0"))
		if code, _ := decodeFault(t, r); code != "soap:Server" {
			t.Fatalf("%q: fault %s", req, code)
		}
		if !strings.Contains(logs.String(), "cannot be sent as XML") {
			t.Fatalf("%q: cause not logged: %s", req, logs.String())
		}
	}
	if err := checkXMLText("tab\tcr\rlf\n é 한 😀"); err != nil {
		t.Fatalf("valid text refused: %v", err)
	}
}

type panickingService struct{ fakeService }

func (*panickingService) CloseConnection(ctx context.Context, ticket string) (string, error) {
	panic("boom")
}

func TestServicePanicBecomesAFault(t *testing.T) {
	srv, logs := newTestServer(t, &panickingService{}, HandlerOptions{})
	code, text := decodeFault(t, post(t, srv.URL, "", qbwcEnvelope("closeConnection", "ticket", "t")))
	if code != "soap:Server" || strings.Contains(text, "boom") {
		t.Fatalf("fault %s %q", code, text)
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Fatalf("panic not logged: %s", logs.String())
	}
}

func TestGetInteractiveURLIsAFault(t *testing.T) {
	svc := &fakeService{}
	srv, _ := newTestServer(t, svc, HandlerOptions{})
	r := post(t, srv.URL, "", qbwcEnvelope("getInteractiveURL", "wcTicket", "abc", "sessionID", "s1"))
	code, text := decodeFault(t, r)
	if code != "soap:Client" || !strings.Contains(text, "interactive mode") {
		t.Fatalf("fault %s %q", code, text)
	}
}

func TestServiceErrorsPerMethod(t *testing.T) {
	svc := &fakeService{sendErr: &PublicError{Message: "this session has expired; the Web Connector will start a new one"}, recvErr: context.DeadlineExceeded}
	srv, logs := newTestServer(t, svc, HandlerOptions{})
	r := post(t, srv.URL, "", qbwcEnvelope("sendRequestXML", "ticket", "t-abcdefgh-1", "strHCPResponse", "", "strCompanyFileName", "", "qbXMLCountry", "US", "qbXMLMajorVers", "13", "qbXMLMinorVers", "0"))
	if code, text := decodeFault(t, r); code != "soap:Server" || !strings.Contains(text, "expired") {
		t.Fatalf("fault %s %q", code, text)
	}
	r = post(t, srv.URL, "", qbwcEnvelope("receiveResponseXML", "ticket", "t-abcdefgh-1", "response", "<QBXML/>", "hresult", "", "message", ""))
	if code, text := decodeFault(t, r); code != "soap:Server" || !strings.Contains(text, "in time") {
		t.Fatalf("fault %s %q", code, text)
	}
	if !strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("service failure not logged as an error: %s", logs.String())
	}
}

// TestCapturedWebConnectorSession replays a session in the byte shape the
// Web Connector 2.x sends: the .NET client's XML declaration, Envelope
// prefixes and quoted SOAPAction header, with CRLF and indentation inside
// the qbXML it carries.
func TestCapturedWebConnectorSession(t *testing.T) {
	const ticket = "{57F3B9B1-86F1-4fcc-B1EE-566DE1813D20}"
	svc := &fakeService{
		clientAnswer: "",
		auth:         AuthResult{Ticket: ticket, Status: ""},
		request:      "<?xml version=\"1.0\"?><?qbxml version=\"13.0\"?><QBXML><QBXMLMsgsRq onError=\"stopOnError\"><AccountQueryRq requestID=\"1\" /></QBXMLMsgsRq></QBXML>",
		percent:      100,
		closeAnswer:  "OK",
	}
	srv, _ := newTestServer(t, svc, HandlerOptions{})
	steps := []struct {
		action string
		body   string
		want   string
	}{
		{"clientVersion", `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><clientVersion xmlns="http://developer.intuit.com/"><strVersion>2.3.0.215</strVersion></clientVersion></soap:Body></soap:Envelope>`, ""},
		{"authenticate", `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><authenticate xmlns="http://developer.intuit.com/"><strUserName>shopqb-demo</strUserName><strPassword>K7QX-M2PA</strPassword></authenticate></soap:Body></soap:Envelope>`, ticket},
		{"sendRequestXML", `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><sendRequestXML xmlns="http://developer.intuit.com/"><ticket>` + ticket + `</ticket><strHCPResponse>&lt;?xml version="1.0" ?&gt;` + "\r\n" + `&lt;QBXML&gt;` + "\r\n" + `&lt;QBXMLMsgsRs&gt;` + "\r\n" + `&lt;HostQueryRs requestID="0" statusCode="0" statusSeverity="Info" statusMessage="Status OK"&gt;` + "\r\n" + `&lt;HostRet&gt;` + "\r\n" + `&lt;ProductName&gt;QuickBooks Pro 2024&lt;/ProductName&gt;` + "\r\n" + `&lt;SupportedQBXMLVersion&gt;13.0&lt;/SupportedQBXMLVersion&gt;` + "\r\n" + `&lt;/HostRet&gt;` + "\r\n" + `&lt;/HostQueryRs&gt;` + "\r\n" + `&lt;/QBXMLMsgsRs&gt;` + "\r\n" + `&lt;/QBXML&gt;` + "\r\n" + `</strHCPResponse><strCompanyFileName>C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Shop.qbw</strCompanyFileName><qbXMLCountry>US</qbXMLCountry><qbXMLMajorVers>13</qbXMLMajorVers><qbXMLMinorVers>0</qbXMLMinorVers></sendRequestXML></soap:Body></soap:Envelope>`, svc.request},
		{"receiveResponseXML", `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><receiveResponseXML xmlns="http://developer.intuit.com/"><ticket>` + ticket + `</ticket><response>&lt;?xml version="1.0" ?&gt;` + "\r\n" + `&lt;QBXML&gt;&lt;QBXMLMsgsRs&gt;&lt;AccountQueryRs requestID="1" statusCode="1" statusSeverity="Info" statusMessage="A query request did not find a matching object in QuickBooks" /&gt;&lt;/QBXMLMsgsRs&gt;&lt;/QBXML&gt;` + "\r\n" + `</response><hresult /><message /></receiveResponseXML></soap:Body></soap:Envelope>`, "100"},
		{"closeConnection", `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><closeConnection xmlns="http://developer.intuit.com/"><ticket>` + ticket + `</ticket></closeConnection></soap:Body></soap:Envelope>`, "OK"},
	}
	for _, st := range steps {
		r := postLikeWebConnector(t, srv.URL, st.action, st.body)
		mr := decodeResult(t, st.action, r)
		got := mr.Result.Text
		if st.action == "authenticate" {
			if len(mr.Result.Strings) != 2 {
				t.Fatalf("authenticate strings %q", mr.Result.Strings)
			}
			got = mr.Result.Strings[0]
		}
		if got != st.want {
			t.Fatalf("%s: result %q, want %q", st.action, got, st.want)
		}
	}
	if want := "clientVersion authenticate sendRequestXML receiveResponseXML closeConnection"; strings.Join(svc.calls, " ") != want {
		t.Fatalf("calls %v", svc.calls)
	}
	if svc.gotPassword != "K7QX-M2PA" || svc.gotSend.MajorVersion != 13 || svc.gotSend.Country != "US" {
		t.Fatalf("service got password %q send %+v", svc.gotPassword, svc.gotSend)
	}
	// XML parsers turn CRLF in text into LF (XML 1.0 §2.11); qbXML does
	// not care, and the Service must not either.
	if !strings.Contains(svc.gotSend.HCPResponse, "\n<HostRet>") || !strings.Contains(svc.gotSend.HCPResponse, "QuickBooks Pro 2024") {
		t.Fatalf("HCP response not decoded intact: %q", svc.gotSend.HCPResponse)
	}
	if svc.gotRecv.HResult != "" || svc.gotRecv.Message != "" || !strings.Contains(svc.gotRecv.Response, `statusCode="1"`) {
		t.Fatalf("receive got %+v", svc.gotRecv)
	}
}

// postLikeWebConnector sends the headers of the .NET SOAP client inside
// the Web Connector, including Expect: 100-continue, which .NET adds to
// every POST.
func postLikeWebConnector(t *testing.T, url, action, body string) soapReply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 4.0.30319.42000)")
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `"http://developer.intuit.com/`+action+`"`)
	req.Header.Set("Expect", "100-continue")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return soapReply{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: string(b)}
}

func TestSOAPActionDoesNotOverrideBody(t *testing.T) {
	for _, action := range []string{`"http://developer.intuit.com/closeConnection"`, `http://developer.intuit.com/closeConnection`, ``, `"urn:other"`} {
		svc := &fakeService{serverVersion: "v9"}
		srv, _ := newTestServer(t, svc, HandlerOptions{})
		mr := decodeResult(t, "serverVersion", post(t, srv.URL, action, qbwcEnvelope("serverVersion")))
		if mr.Result.Text != "v9" || strings.Join(svc.calls, ",") != "serverVersion" {
			t.Fatalf("SOAPAction %q: result %q calls %v", action, mr.Result.Text, svc.calls)
		}
	}
	if got := soapActionMethod(`"http://developer.intuit.com/authenticate"`); got != "authenticate" {
		t.Fatalf("quoted SOAPAction parsed as %q", got)
	}
	if got := soapActionMethod(`http://developer.intuit.com/authenticate`); got != "authenticate" {
		t.Fatalf("unquoted SOAPAction parsed as %q", got)
	}
}

func TestRequestFaults(t *testing.T) {
	env := func(inner string) string {
		return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` + inner + `</soap:Body></soap:Envelope>`
	}
	tests := []struct {
		name     string
		body     string
		wantCode string
		wantText string
	}{
		{"not XML", "hello", "soap:Client", "not a SOAP XML document"},
		{"empty body", "", "soap:Client", "empty"},
		{"truncated", `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><authenticate xmlns="http://developer.intuit.com/">`, "soap:Client", ""},
		{"mismatched tags", env(`<authenticate xmlns="http://developer.intuit.com/"><strUserName>a</strPassword></authenticate>`), "soap:Client", "not well-formed"},
		{"unknown method", env(`<deleteCompany xmlns="http://developer.intuit.com/"/>`), "soap:Client", "unknown operation"},
		{"wrong method namespace", env(`<authenticate xmlns="http://developer.intuit.com"><strUserName>a</strUserName></authenticate>`), "soap:Client", "namespace"},
		{"no method namespace", env(`<authenticate><strUserName>a</strUserName></authenticate>`), "soap:Client", "namespace"},
		{"misspelt parameter", env(`<authenticate xmlns="http://developer.intuit.com/"><strUsername>a</strUsername></authenticate>`), "soap:Client", "no parameter named \"strUsername\""},
		{"parameter in another namespace", env(`<authenticate xmlns="http://developer.intuit.com/"><x:strUserName xmlns:x="urn:x">a</x:strUserName></authenticate>`), "soap:Client", "namespace"},
		{"duplicate parameter", env(`<authenticate xmlns="http://developer.intuit.com/"><strUserName>a</strUserName><strUserName>b</strUserName></authenticate>`), "soap:Client", "twice"},
		{"nested markup in a parameter", env(`<authenticate xmlns="http://developer.intuit.com/"><strUserName><b>a</b></strUserName></authenticate>`), "soap:Client", "must be text"},
		{"two operations", env(`<serverVersion xmlns="http://developer.intuit.com/"/><serverVersion xmlns="http://developer.intuit.com/"/>`), "soap:Client", "more than one"},
		{"empty Body", env(``), "soap:Client", "Body is empty"},
		{"second Body", `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><serverVersion xmlns="http://developer.intuit.com/"/></soap:Body><soap:Body/></soap:Envelope>`, "soap:Client", "after the SOAP Body"},
		{"Header after Body", `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><serverVersion xmlns="http://developer.intuit.com/"/></soap:Body><soap:Header/></soap:Envelope>`, "soap:Client", "after the SOAP Body"},
		{"no Body", `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"></soap:Envelope>`, "soap:Client", "no Body"},
		{"not an Envelope", `<authenticate xmlns="http://developer.intuit.com/"/>`, "soap:Client", "not a SOAP Envelope"},
		{"SOAP 1.2 envelope", `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><serverVersion xmlns="http://developer.intuit.com/"/></env:Body></env:Envelope>`, "soap:VersionMismatch", "SOAP 1.2"},
		{"mustUnderstand header", `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><sec:Security xmlns:sec="urn:sec" soap:mustUnderstand="1"/></soap:Header><soap:Body><serverVersion xmlns="http://developer.intuit.com/"/></soap:Body></soap:Envelope>`, "soap:MustUnderstand", "mustUnderstand"},
		{"DOCTYPE", `<?xml version="1.0"?><!DOCTYPE soap:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + env(`<authenticate xmlns="http://developer.intuit.com/"><strUserName>&xxe;</strUserName></authenticate>`)[len(`<?xml version="1.0" encoding="utf-8"?>`):], "soap:Client", "DOCTYPE"},
		{"entity expansion", `<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><serverVersion xmlns="http://developer.intuit.com/"><ticket>&b;</ticket></serverVersion></soap:Body></soap:Envelope>`, "soap:Client", "DOCTYPE"},
		{"undeclared entity", env(`<authenticate xmlns="http://developer.intuit.com/"><strUserName>&nbsp;</strUserName></authenticate>`), "soap:Client", "not well-formed"},
		{"processing instruction", env(`<?php echo 1; ?><serverVersion xmlns="http://developer.intuit.com/"/>`), "soap:Client", "processing instruction"},
		{"non-UTF-8 encoding", `<?xml version="1.0" encoding="ISO-8859-1"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><serverVersion xmlns="http://developer.intuit.com/"/></soap:Body></soap:Envelope>`, "soap:Client", "not well-formed"},
		{"text in the Body", env(`stray<serverVersion xmlns="http://developer.intuit.com/"/>`), "soap:Client", "text outside"},
		{"content after the Envelope", env(`<serverVersion xmlns="http://developer.intuit.com/"/>`) + `<more/>`, "soap:Client", "after the SOAP Envelope"},
		{"bad integer", env(`<sendRequestXML xmlns="http://developer.intuit.com/"><ticket>t</ticket><qbXMLMajorVers>thirteen</qbXMLMajorVers><qbXMLMinorVers>0</qbXMLMinorVers></sendRequestXML>`), "soap:Client", "whole number"},
		{"missing integer", env(`<sendRequestXML xmlns="http://developer.intuit.com/"><ticket>t</ticket><qbXMLMinorVers>0</qbXMLMinorVers></sendRequestXML>`), "soap:Client", "qbXMLMajorVers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := &fakeService{}
			srv, logs := newTestServer(t, svc, HandlerOptions{})
			r := post(t, srv.URL, "", tc.body)
			code, text := decodeFault(t, r)
			if code != tc.wantCode || !strings.Contains(text, tc.wantText) {
				t.Fatalf("fault %s %q, want %s containing %q", code, text, tc.wantCode, tc.wantText)
			}
			if len(svc.calls) != 0 {
				t.Fatalf("service was called for a refused request: %v", svc.calls)
			}
			if strings.Contains(text, "/etc/passwd") || strings.Contains(r.body, "root:") {
				t.Fatalf("fault echoes the entity: %s", r.body)
			}
			if !strings.Contains(logs.String(), "qbwc call refused") {
				t.Fatalf("refusal not logged: %s", logs.String())
			}
		})
	}
}

func TestBodyCap(t *testing.T) {
	svc := &fakeService{percent: 50}
	srv, _ := newTestServer(t, svc, HandlerOptions{MaxBodyBytes: 4096})
	small := qbwcEnvelope("receiveResponseXML", "ticket", "t", "response", strings.Repeat("x", 2000), "hresult", "", "message", "")
	if mr := decodeResult(t, "receiveResponseXML", post(t, srv.URL, "", small)); mr.Result.Text != "50" {
		t.Fatalf("result %q", mr.Result.Text)
	}
	big := qbwcEnvelope("receiveResponseXML", "ticket", "t", "response", strings.Repeat("x", 5000), "hresult", "", "message", "")
	code, text := decodeFault(t, post(t, srv.URL, "", big))
	if code != "soap:Client" || !strings.Contains(text, "4096 bytes") {
		t.Fatalf("fault %s %q", code, text)
	}
	if len(svc.calls) != 1 {
		t.Fatalf("service saw the oversized request: %v", svc.calls)
	}
}

func TestDefaultBodyCapAllowsLargeResponses(t *testing.T) {
	svc := &fakeService{percent: 10}
	srv, _ := newTestServer(t, svc, HandlerOptions{})
	// A 4 MiB qbXML response, the size of a big query page, must pass.
	resp := "<QBXML>" + strings.Repeat("<ItemRet><Name>x</Name></ItemRet>", 4<<20/33) + "</QBXML>"
	if mr := decodeResult(t, "receiveResponseXML", post(t, srv.URL, "", qbwcEnvelope("receiveResponseXML", "ticket", "t", "response", resp, "hresult", "", "message", ""))); mr.Result.Text != "10" {
		t.Fatalf("result %q", mr.Result.Text)
	}
	if svc.gotRecv.Response != resp {
		t.Fatal("large response altered in transit")
	}
}

func TestHTTPMethods(t *testing.T) {
	srv, _ := newTestServer(t, &fakeService{}, HandlerOptions{})
	req, _ := http.NewRequest(http.MethodPut, srv.URL, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(resp.Header.Get("Allow"), "POST") {
		t.Fatalf("PUT: %d Allow=%q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	resp, err = http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "Web Connector") {
		t.Fatalf("GET: %d %s", resp.StatusCode, b)
	}
}

func TestTicketPrefix(t *testing.T) {
	for in, want := range map[string]string{
		"":                                     "",
		"ab":                                   "a…",
		"0f8fad5b-d9cb-469f-a165-70867728950e": "0f8fad5b…",
	} {
		if got := ticketPrefix(in); got != want {
			t.Errorf("ticketPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}
