package qbwc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultMaxBodyBytes caps a request body. qbXML responses for a page of
// query results can run to megabytes, so the cap is generous; it exists so a
// client cannot make the server buffer without limit.
const DefaultMaxBodyBytes int64 = 16 << 20

// HandlerOptions tunes NewHandler. The zero value is usable.
type HandlerOptions struct {
	// MaxBodyBytes caps a SOAP request body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Log receives one record per call; nil means slog.Default().
	Log *slog.Logger
	// PublicURL is the endpoint's address as the Web Connector sees it
	// (the .qwc AppURL), written into the WSDL. Empty means it is derived
	// from each request (scheme from TLS or X-Forwarded-Proto, and Host).
	PublicURL string
}

// PublicError is an error whose Message may be shown to the person at the
// Web Connector as a SOAP fault. A Service returns one (wrapping the cause)
// when it has something useful to say, such as "this session has expired";
// any other error becomes a generic message and only the log sees the detail.
type PublicError struct {
	Message string
	Err     error
}

func (e *PublicError) Error() string {
	if e.Err == nil {
		return e.Message
	}
	return e.Message + ": " + e.Err.Error()
}

func (e *PublicError) Unwrap() error { return e.Err }

// interactiveModeReply is getLastError's special value that would send the
// Web Connector into interactive mode, which shopqb does not offer.
const interactiveModeReply = "Interactive mode"

type handler struct {
	svc       Service
	maxBody   int64
	log       *slog.Logger
	publicURL string
}

// NewHandler returns the Web Connector SOAP endpoint. POST carries SOAP 1.1
// calls, dispatched on the Body's element (the SOAPAction header, quoted or
// not, is only cross-checked); GET with ?wsdl returns the WSDL. Every call is
// logged with its method, a ticket prefix, its outcome and duration — never a
// password or a qbXML body.
//
// Interactive-mode operations are answered without a Service: getInteractiveURL
// with a Client fault (shopqb has no interactive mode), interactiveDone with
// "Done" and interactiveRejected with a short message, so a Web Connector that
// strays there is told plainly and let go.
func NewHandler(svc Service, opts HandlerOptions) http.Handler {
	h := &handler{svc: svc, maxBody: opts.MaxBodyBytes, log: opts.Log, publicURL: opts.PublicURL}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBodyBytes
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		h.serveSOAP(w, r)
	case http.MethodGet, http.MethodHead:
		if wantsWSDL(r) {
			w.Header().Set("Content-Type", "text/xml; charset=utf-8")
			_, _ = io.WriteString(w, wsdlDocument(h.endpointURL(r)))
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "This is shopqb's QuickBooks Web Connector endpoint. Add the .qwc file shopqb gave you to the Web Connector; append ?wsdl to this address for the service description.\n")
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "the Web Connector endpoint accepts POST (SOAP) and GET ?wsdl", http.StatusMethodNotAllowed)
	}
}

func wantsWSDL(r *http.Request) bool {
	for k := range r.URL.Query() {
		if strings.EqualFold(k, "wsdl") {
			return true
		}
	}
	return false
}

func (h *handler) endpointURL(r *http.Request) string {
	if h.publicURL != "" {
		return h.publicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	} else if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + r.Host + r.URL.Path
}

func (h *handler) serveSOAP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	defer func() {
		// A panicking Service would otherwise drop the connection, which the
		// Web Connector reports as an unreadable error; a fault says more.
		// http.ErrAbortHandler is net/http's own signal and passes through.
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.log.LogAttrs(r.Context(), slog.LevelError, "qbwc call panicked",
				slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
			h.writeFault(w, &soapFault{Code: faultServer, Message: "shopqb hit an internal error; the details are in the shopqb log"})
		}
	}()
	body := http.MaxBytesReader(w, r.Body, h.maxBody)
	call, err := decodeSOAP(body, r.ContentLength)
	if err != nil {
		f := h.requestFault(err)
		h.writeFault(w, f)
		h.log.LogAttrs(r.Context(), slog.LevelWarn, "qbwc call refused",
			slog.String("soapaction", truncateForMessage(soapActionMethod(r.Header.Get("SOAPAction")))),
			slog.String("fault", f.Code),
			slog.String("reason", f.Message),
			slog.Duration("duration", time.Since(start)))
		return
	}
	if action := soapActionMethod(r.Header.Get("SOAPAction")); action != "" && action != call.Method {
		// The body names the operation; a stale or hand-written SOAPAction
		// must not reroute a call, but the mismatch is worth seeing.
		h.log.LogAttrs(r.Context(), slog.LevelInfo, "qbwc SOAPAction differs from the body; using the body",
			slog.String("soapaction", truncateForMessage(action)), slog.String("method", call.Method))
	}

	res, info, err := h.dispatch(r.Context(), call)
	if err == nil {
		if cerr := checkResult(res); cerr != nil {
			err = fmt.Errorf("%s: the service's answer cannot be sent as XML: %w", call.Method, cerr)
		}
	}
	attrs := []slog.Attr{
		slog.String("method", call.Method),
		slog.String("ticket", ticketPrefix(info.ticket)),
	}
	attrs = append(attrs, info.attrs...)
	if err != nil {
		f := h.serviceFault(call.Method, err)
		h.writeFault(w, f)
		attrs = append(attrs, slog.String("fault", f.Code))
		var own *soapFault
		if errors.As(err, &own) {
			// The endpoint refused the call itself (a bad argument, an
			// interactive-mode call): the client's problem, not ours.
			attrs = append(attrs, slog.String("reason", f.Message), slog.Duration("duration", time.Since(start)))
			h.log.LogAttrs(r.Context(), slog.LevelWarn, "qbwc call refused", attrs...)
			return
		}
		attrs = append(attrs, slog.String("error", err.Error()), slog.Duration("duration", time.Since(start)))
		h.log.LogAttrs(r.Context(), slog.LevelError, "qbwc call failed", attrs...)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = w.Write(encodeResponse(call.Method, res))
	attrs = append(attrs, slog.Duration("duration", time.Since(start)))
	h.log.LogAttrs(r.Context(), slog.LevelInfo, "qbwc call", attrs...)
}

// callInfo is what dispatch learnt that is safe to log.
type callInfo struct {
	ticket string
	attrs  []slog.Attr
}

func (h *handler) dispatch(ctx context.Context, c soapCall) (soapResult, callInfo, error) {
	p := c.Params
	switch c.Method {
	case "serverVersion":
		return stringResult(h.svc.ServerVersion(ctx)), callInfo{ticket: p["ticket"]}, nil

	case "clientVersion":
		v := h.svc.ClientVersion(ctx, p["strVersion"])
		return stringResult(v), callInfo{attrs: []slog.Attr{slog.String("client_version", p["strVersion"]), slog.String("answer", v)}}, nil

	case "authenticate":
		user := p["strUserName"]
		ar, err := h.svc.Authenticate(ctx, user, p["strPassword"])
		info := callInfo{ticket: ar.Ticket, attrs: []slog.Attr{slog.String("user", user)}}
		if err != nil {
			return soapResult{}, info, err
		}
		out, err := authenticateStrings(ar)
		if err != nil {
			return soapResult{}, info, err
		}
		info.attrs = append(info.attrs, slog.String("status", authStatusForLog(ar.Status)))
		return stringsResult(out), info, nil

	case "sendRequestXML":
		info := callInfo{ticket: p["ticket"]}
		major, err := intParam(c, "qbXMLMajorVers")
		if err != nil {
			return soapResult{}, info, err
		}
		minor, err := intParam(c, "qbXMLMinorVers")
		if err != nil {
			return soapResult{}, info, err
		}
		in := SendRequestInput{
			HCPResponse:     p["strHCPResponse"],
			CompanyFileName: p["strCompanyFileName"],
			Country:         p["qbXMLCountry"],
			MajorVersion:    major,
			MinorVersion:    minor,
		}
		req, err := h.svc.SendRequest(ctx, p["ticket"], in)
		info.attrs = []slog.Attr{
			slog.Bool("hcp", in.HCPResponse != ""),
			slog.String("qbxml_version", strconv.Itoa(major)+"."+strconv.Itoa(minor)),
			slog.Int("request_bytes", len(req)),
		}
		if err != nil {
			return soapResult{}, info, err
		}
		return stringResult(req), info, nil

	case "receiveResponseXML":
		info := callInfo{ticket: p["ticket"], attrs: []slog.Attr{
			slog.Int("response_bytes", len(p["response"])),
			slog.String("hresult", p["hresult"]),
		}}
		pct, err := h.svc.ReceiveResponse(ctx, p["ticket"], ReceiveResponseInput{
			Response: p["response"],
			HResult:  p["hresult"],
			Message:  p["message"],
		})
		if err != nil {
			return soapResult{}, info, err
		}
		// The Web Connector reads 0–99 as "more", 100 as "done" and a
		// negative number as an error; anything above 100 would be a
		// Service bug, and "done" is its only sensible reading.
		if pct > 100 {
			pct = 100
		}
		info.attrs = append(info.attrs, slog.Int("percent", pct))
		return intResult(pct), info, nil

	case "connectionError":
		info := callInfo{ticket: p["ticket"], attrs: []slog.Attr{slog.String("hresult", p["hresult"]), slog.String("message", p["message"])}}
		ans, err := h.svc.ConnectionError(ctx, p["ticket"], p["hresult"], p["message"])
		if err != nil {
			return soapResult{}, info, err
		}
		info.attrs = append(info.attrs, slog.String("answer", ans))
		return stringResult(ans), info, nil

	case "getLastError":
		info := callInfo{ticket: p["ticket"]}
		msg, err := h.svc.LastError(ctx, p["ticket"])
		if err != nil {
			return soapResult{}, info, err
		}
		if msg == interactiveModeReply {
			// Returning this would make the Web Connector call
			// getInteractiveURL, which shopqb does not serve.
			msg = "shopqb stopped this update; the operator's `shopqb admin status` shows why."
			info.attrs = append(info.attrs, slog.String("note", "Service answered \"Interactive mode\"; replaced, shopqb has no interactive mode"))
		}
		info.attrs = append(info.attrs, slog.String("answer", msg))
		return stringResult(msg), info, nil

	case "closeConnection":
		info := callInfo{ticket: p["ticket"]}
		msg, err := h.svc.CloseConnection(ctx, p["ticket"])
		if err != nil {
			return soapResult{}, info, err
		}
		return stringResult(msg), info, nil

	case "getInteractiveURL":
		return soapResult{}, callInfo{ticket: p["wcTicket"]}, &soapFault{Code: faultClient, Message: "shopqb does not use the Web Connector's interactive mode; there is no page to open."}
	case "interactiveDone":
		return stringResult("Done"), callInfo{ticket: p["wcTicket"]}, nil
	case "interactiveRejected":
		return stringResult("shopqb does not use interactive mode; nothing was changed."), callInfo{ticket: p["wcTicket"]}, nil
	}
	// decodeSOAP only returns methods listed in the methods table, and
	// every one of them has a case above.
	return soapResult{}, callInfo{}, &soapFault{Code: faultServer, Message: fmt.Sprintf("operation %q is known but not wired", c.Method)}
}

// authenticateStrings turns an AuthResult into the Web Connector's string
// array: ticket and status always, then postpone and minimum-run seconds
// only when set. Never more than four, because a fifth makes the Web
// Connector fail with QBWC1012 (Index Out Of Range).
func authenticateStrings(ar AuthResult) ([]string, error) {
	if ar.PostponeSeconds < 0 || ar.MinRunEverySeconds < 0 {
		return nil, fmt.Errorf("authenticate: negative postpone (%d) or minimum run interval (%d)", ar.PostponeSeconds, ar.MinRunEverySeconds)
	}
	switch ar.Status {
	case "nvu", "none", "busy":
	default:
		// "" or a company-file path opens a session, which needs a ticket
		// for every later call.
		if ar.Ticket == "" {
			return nil, errors.New("authenticate: the service opened a session without a ticket")
		}
	}
	out := []string{ar.Ticket, ar.Status}
	if ar.PostponeSeconds > 0 || ar.MinRunEverySeconds > 0 {
		// Postpone 0 is written as "0" (no delay) when only the minimum
		// run interval is set, because the array is positional.
		out = append(out, strconv.Itoa(ar.PostponeSeconds))
	}
	if ar.MinRunEverySeconds > 0 {
		out = append(out, strconv.Itoa(ar.MinRunEverySeconds))
	}
	return out, nil
}

// authStatusForLog keeps company-file paths, which can name a person's
// folders, out of the log while keeping the keywords.
func authStatusForLog(s string) string {
	switch s {
	case "", "nvu", "none", "busy":
		if s == "" {
			return "open-file"
		}
		return s
	}
	return "company-file-path"
}

func intParam(c soapCall, name string) (int, error) {
	v, ok := c.Params[name]
	if !ok {
		return 0, clientFault("%s needs the parameter %s", c.Method, name)
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, clientFault("parameter %s of %s must be a whole number, got %q", name, c.Method, truncateForMessage(v))
	}
	return n, nil
}

func truncateForMessage(s string) string {
	const max = 32
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// ticketPrefix is the part of a ticket that is safe to log: enough to follow
// a session through the log, too little to act as the ticket.
func ticketPrefix(t string) string {
	if t == "" {
		return ""
	}
	n := 8
	if len(t)/2 < n {
		n = len(t) / 2
	}
	return t[:n] + "…"
}

// soapActionMethod extracts the operation from a SOAPAction header, quoted
// or not: "http://developer.intuit.com/authenticate" gives "authenticate".
func soapActionMethod(action string) string {
	a := strings.Trim(strings.TrimSpace(action), `"`)
	return strings.TrimPrefix(a, IntuitNS)
}

// requestFault turns a decoding failure into the fault the client sees.
func (h *handler) requestFault(err error) *soapFault {
	var f *soapFault
	if errors.As(err, &f) {
		return f
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &soapFault{Code: faultClient, Message: fmt.Sprintf("the request is larger than this server accepts (%d bytes); ask the operator to raise the limit or send less per request", tooBig.Limit)}
	}
	return &soapFault{Code: faultClient, Message: "the request body could not be read completely"}
}

// serviceFault turns a Service error into the fault the client sees: a
// PublicError's message, or a generic one so internal detail stays in the log.
func (h *handler) serviceFault(method string, err error) *soapFault {
	var f *soapFault
	if errors.As(err, &f) {
		return f
	}
	var pe *PublicError
	if errors.As(err, &pe) {
		return &soapFault{Code: faultServer, Message: pe.Message}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &soapFault{Code: faultServer, Message: fmt.Sprintf("shopqb did not finish %s in time; the Web Connector will try again on its next run", method)}
	}
	return &soapFault{Code: faultServer, Message: fmt.Sprintf("shopqb could not complete %s because of an internal error; the details are in the shopqb log", method)}
}

// writeFault answers with HTTP 500, as SOAP 1.1 §6.2 requires for a fault.
// The Web Connector is a .NET SOAP client, which reads the fault's text only
// from a 500 response with an XML body; any other status (413 for an
// oversized body, say) would surface as a bare HTTP error instead.
func (h *handler) writeFault(w http.ResponseWriter, f *soapFault) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write(encodeFault(f))
}
