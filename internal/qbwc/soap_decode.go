package qbwc

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Namespaces the endpoint speaks. The Web Connector's namespace must be
// exactly this string (QBWC Programmer's Guide, "A Note About the Required
// NameSpace"); a trailing-slash difference is a different namespace.
const (
	IntuitNS  = "http://developer.intuit.com/"
	soap11NS  = "http://schemas.xmlsoap.org/soap/envelope/"
	soap12NS  = "http://www.w3.org/2003/05/soap-envelope"
	xsiNS     = "http://www.w3.org/2001/XMLSchema-instance"
	xsdNS     = "http://www.w3.org/2001/XMLSchema"
	soapEncNS = "http://schemas.xmlsoap.org/soap/encoding/"
)

// soapCall is one decoded SOAP request: the operation named by the body's
// element and its parameters by element name.
type soapCall struct {
	Method string
	Params map[string]string
}

// methodSpec lists the parameters an operation accepts. A parameter element
// not listed here is refused, because a misspelt name (strUsername for
// strUserName) would otherwise arrive as an empty value and fail far from its
// cause.
type methodSpec struct {
	params []string
}

// methods are the operations the endpoint answers, with the parameter names
// of the Web Connector's WSDL. serverVersion also tolerates the optional
// strVersion and ticket some published WSDLs declare.
var methods = map[string]methodSpec{
	"serverVersion":       {params: []string{"strVersion", "ticket"}},
	"clientVersion":       {params: []string{"strVersion"}},
	"authenticate":        {params: []string{"strUserName", "strPassword"}},
	"sendRequestXML":      {params: []string{"ticket", "strHCPResponse", "strCompanyFileName", "qbXMLCountry", "qbXMLMajorVers", "qbXMLMinorVers"}},
	"receiveResponseXML":  {params: []string{"ticket", "response", "hresult", "message"}},
	"connectionError":     {params: []string{"ticket", "hresult", "message"}},
	"getLastError":        {params: []string{"ticket"}},
	"closeConnection":     {params: []string{"ticket"}},
	"getInteractiveURL":   {params: []string{"wcTicket", "sessionID"}},
	"interactiveDone":     {params: []string{"wcTicket"}},
	"interactiveRejected": {params: []string{"wcTicket", "reason"}},
}

func (m methodSpec) accepts(name string) bool {
	for _, p := range m.params {
		if p == name {
			return true
		}
	}
	return false
}

// Fault codes of SOAP 1.1 §4.4.1. They are written with the soap: prefix the
// response envelope binds to the SOAP 1.1 namespace.
const (
	faultClient          = "soap:Client"
	faultServer          = "soap:Server"
	faultVersionMismatch = "soap:VersionMismatch"
	faultMustUnderstand  = "soap:MustUnderstand"
)

// soapFault is an error that the endpoint reports as a SOAP Fault. Message is
// shown to the person at the Web Connector, so it is plain language and never
// carries secrets or request bodies.
type soapFault struct {
	Code    string
	Message string
}

func (f *soapFault) Error() string { return f.Code + ": " + f.Message }

func clientFault(format string, args ...any) *soapFault {
	return &soapFault{Code: faultClient, Message: fmt.Sprintf(format, args...)}
}

// decodeSOAP reads one SOAP 1.1 request. It walks tokens instead of
// unmarshalling so it can refuse what a SOAP message must not contain — a
// DOCTYPE (and with it every entity declaration and external entity),
// processing instructions, a second body element — and so it never recurses
// on attacker-chosen nesting. Every error it returns is a *soapFault, except
// a failure to read the body (the transport, or the size cap).
//
// size is the body's length when the client declared it (Content-Length),
// else -1: the body is then read into a buffer of that size, rather than
// one grown by doubling and copied on every growth (a round trip's answer
// is a hundred kilobytes or more).
func decodeSOAP(r io.Reader, size int64) (soapCall, error) {
	// The body is read whole (the handler caps its size) so that the
	// common envelope takes the fast path; the transport failing, or the
	// cap, is not the client's XML being wrong, so the caller decides.
	body, err := readBody(r, size)
	if err != nil {
		return soapCall{}, err
	}
	doc := string(body)
	if call, ok := plainSOAP(doc); ok {
		return call, nil
	}
	return decodeSOAPTokens(strings.NewReader(doc))
}

// maxPresized bounds the buffer readBody allocates on the client's word
// (its Content-Length) before any of the body has arrived.
const maxPresized = 4 << 20

// readBody is io.ReadAll starting from a buffer of size bytes (plus one, to
// see the end without growing) when size is known and at most maxPresized.
func readBody(r io.Reader, size int64) ([]byte, error) {
	if size < 0 || size > maxPresized {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, size+1)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // longer than declared: grow as ReadAll does
		}
	}
}

// decodeSOAPTokens is decodeSOAP with encoding/xml, for every envelope
// plainSOAP leaves to it; every error it returns is a *soapFault.
func decodeSOAPTokens(r io.Reader) (soapCall, error) {
	src := &readErrRecorder{r: r}
	d := xml.NewDecoder(src)
	d.Strict = true
	// No CharsetReader: a declared encoding other than UTF-8 is an error,
	// which is right because the Web Connector always sends UTF-8.

	var call soapCall
	const (
		beforeEnvelope = iota
		inEnvelope     // between Envelope's start and Body
		inHeader       // inside Header
		inBody         // inside Body, before the operation element
		inMethod       // inside the operation element
		inParam        // inside a parameter element
		afterMethod    // inside Body, after the operation element
		afterBody      // inside Envelope, after Body
		afterEnvelope  // after the document element
	)
	state := beforeEnvelope
	sawBody := false
	var spec methodSpec
	var paramName string
	var paramText strings.Builder
	var paramNil bool

	for {
		tok, err := d.Token()
		if src.err != nil {
			// The transport failed (or the body cap was hit); that is not
			// the client's XML being wrong, so the caller decides.
			return soapCall{}, src.err
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return soapCall{}, clientFault("the request is not well-formed XML: %s", xmlErrorText(err))
		}
		switch t := tok.(type) {
		case xml.Directive:
			return soapCall{}, clientFault("the request contains a DOCTYPE or other <!...> declaration; SOAP messages must not, and entity declarations are refused")
		case xml.ProcInst:
			if t.Target != "xml" || state != beforeEnvelope {
				return soapCall{}, clientFault("the request contains the processing instruction <?%s?>; SOAP messages must not contain processing instructions", t.Target)
			}
		case xml.Comment:
			// Comments carry no meaning and are allowed anywhere.
		case xml.CharData:
			switch state {
			case inParam:
				paramText.Write(t)
			case beforeEnvelope, afterEnvelope:
				if len(bytes.TrimSpace(t)) > 0 {
					return soapCall{}, clientFault("the request is not a SOAP XML document: it has text outside the Envelope")
				}
			default:
				if len(bytes.TrimSpace(t)) > 0 {
					return soapCall{}, clientFault("the request has text outside any parameter element")
				}
			}
		case xml.StartElement:
			switch state {
			case beforeEnvelope:
				if t.Name.Local != "Envelope" {
					return soapCall{}, clientFault("the document element is <%s>, not a SOAP Envelope", t.Name.Local)
				}
				switch t.Name.Space {
				case soap11NS:
				case soap12NS:
					return soapCall{}, &soapFault{Code: faultVersionMismatch, Message: "this is a SOAP 1.2 envelope; the Web Connector endpoint speaks SOAP 1.1 (namespace " + soap11NS + ")"}
				default:
					return soapCall{}, &soapFault{Code: faultVersionMismatch, Message: fmt.Sprintf("the Envelope's namespace is %q, not SOAP 1.1's %q", t.Name.Space, soap11NS)}
				}
				state = inEnvelope
			case inEnvelope:
				if t.Name.Space != soap11NS {
					return soapCall{}, clientFault("unexpected element <%s> in the SOAP Envelope", t.Name.Local)
				}
				switch t.Name.Local {
				case "Header":
					state = inHeader
				case "Body":
					state = inBody
					sawBody = true
				default:
					return soapCall{}, clientFault("unexpected element <%s> in the SOAP Envelope", t.Name.Local)
				}
			case inHeader:
				// Header blocks are skipped unless the sender insists we
				// understand them, which SOAP 1.1 §4.2.3 says must fail.
				for _, a := range t.Attr {
					if a.Name.Space == soap11NS && a.Name.Local == "mustUnderstand" && strings.TrimSpace(a.Value) == "1" {
						return soapCall{}, &soapFault{Code: faultMustUnderstand, Message: fmt.Sprintf("the header <%s> is marked mustUnderstand and this endpoint does not understand it", t.Name.Local)}
					}
				}
				if err := d.Skip(); err != nil {
					return soapCall{}, skipError(src, err)
				}
			case inBody:
				if t.Name.Space != IntuitNS {
					return soapCall{}, clientFault("the operation <%s> is in namespace %q; the Web Connector's namespace is exactly %q", t.Name.Local, t.Name.Space, IntuitNS)
				}
				s, ok := methods[t.Name.Local]
				if !ok {
					return soapCall{}, clientFault("unknown operation %q", t.Name.Local)
				}
				spec = s
				call.Method = t.Name.Local
				call.Params = make(map[string]string, len(s.params))
				state = inMethod
			case inMethod:
				// document/literal with the Intuit namespace as default
				// qualifies parameters; an unqualified name is accepted too
				// because some SOAP stacks write it that way.
				if t.Name.Space != IntuitNS && t.Name.Space != "" {
					return soapCall{}, clientFault("parameter <%s> of %s is in namespace %q, not %q", t.Name.Local, call.Method, t.Name.Space, IntuitNS)
				}
				if !spec.accepts(t.Name.Local) {
					return soapCall{}, clientFault("%s has no parameter named %q (it takes %s)", call.Method, t.Name.Local, strings.Join(spec.params, ", "))
				}
				if _, dup := call.Params[t.Name.Local]; dup {
					return soapCall{}, clientFault("parameter %q of %s appears twice", t.Name.Local, call.Method)
				}
				paramName = t.Name.Local
				paramText.Reset()
				paramNil = false
				for _, a := range t.Attr {
					if a.Name.Space == xsiNS && a.Name.Local == "nil" {
						v := strings.TrimSpace(a.Value)
						paramNil = v == "true" || v == "1"
					}
				}
				state = inParam
			case inParam:
				return soapCall{}, clientFault("parameter %q of %s must be text, not contain the element <%s>", paramName, call.Method, t.Name.Local)
			case afterMethod:
				return soapCall{}, clientFault("the SOAP Body holds more than one element; send one operation per request")
			case afterBody:
				// SOAP 1.1 allows namespace-qualified elements after the
				// Body; they carry nothing for us. A second Body or a late
				// Header is not one of them.
				if t.Name.Space == soap11NS {
					return soapCall{}, clientFault("unexpected <%s> after the SOAP Body", t.Name.Local)
				}
				if err := d.Skip(); err != nil {
					return soapCall{}, skipError(src, err)
				}
			case afterEnvelope:
				return soapCall{}, clientFault("the request has content after the SOAP Envelope")
			}
		case xml.EndElement:
			switch state {
			case inParam:
				if paramNil && strings.TrimSpace(paramText.String()) != "" {
					return soapCall{}, clientFault("parameter %q of %s is marked xsi:nil but has content", paramName, call.Method)
				}
				call.Params[paramName] = paramText.String()
				state = inMethod
			case inMethod:
				state = afterMethod
			case inHeader:
				state = inEnvelope
			case inBody:
				return soapCall{}, clientFault("the SOAP Body is empty; it must hold one Web Connector operation")
			case afterMethod:
				state = afterBody
			case afterBody, inEnvelope:
				state = afterEnvelope
			}
		}
	}
	switch state {
	case afterEnvelope:
	case beforeEnvelope:
		return soapCall{}, clientFault("the request body is empty or holds no XML element")
	default:
		return soapCall{}, clientFault("the request ends before the SOAP Envelope is closed")
	}
	if !sawBody {
		return soapCall{}, clientFault("the SOAP Envelope has no Body")
	}
	return call, nil
}

// xmlErrorText shortens encoding/xml's messages to what helps a person
// fixing a client; the line number is the useful part.
func xmlErrorText(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("line %d: %s", se.Line, se.Msg)
	}
	return err.Error()
}

// skipError reports a failure inside Decoder.Skip the same way the main loop
// does: transport errors as they are, XML errors as a client fault.
func skipError(src *readErrRecorder, err error) error {
	if src.err != nil {
		return src.err
	}
	return clientFault("the request is not well-formed XML: %s", xmlErrorText(err))
}

// readErrRecorder remembers the first read error other than EOF so the
// decoder can tell a broken or oversized body from malformed XML, which
// encoding/xml reports alike.
type readErrRecorder struct {
	r   io.Reader
	err error
}

func (rr *readErrRecorder) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	if err != nil && err != io.EOF && rr.err == nil {
		rr.err = err
	}
	return n, err
}
