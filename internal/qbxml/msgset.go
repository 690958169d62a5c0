package qbxml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
)

// OnError values for QBXMLMsgsRq. rollbackOnError is in the schema, but
// QuickBooks Desktop is reported to refuse it (not verified on a live
// QuickBooks), so shopqb never sends it.
const (
	ContinueOnError = "continueOnError"
	StopOnError     = "stopOnError"
)

// DefaultVersion is the qbXML version shopqb writes unless the Web Connector
// reports that QuickBooks supports less.
const DefaultVersion = "13.0"

// Raw is a request element as stored in the outbox (the output of
// MarshalRequest) with the requestID it will be sent under, normally the
// posting's id so the response can be matched back to it.
type Raw struct {
	RequestID string
	XML       string
}

// MsgSet describes one QBXMLMsgsRq message set.
type MsgSet struct {
	// OnError is ContinueOnError or StopOnError; empty means ContinueOnError,
	// because shopqb's postings are independent and one bad record must not
	// block the rest.
	OnError string
	// NewMessageSetID names this set so that, if its response is lost, the
	// next session can ask QuickBooks what became of it.
	NewMessageSetID string
	// OldMessageSetID asks QuickBooks for the stored response of an earlier
	// set (error recovery). A set with only this and no requests is valid.
	OldMessageSetID string
	// Version is the qbXML version in the <?qbxml?> instruction; default "13.0".
	Version string
}

// MaxMessageSetID is the longest newMessageSetID/oldMessageSetID QuickBooks
// accepts. The XSD says only STRTYPE; the 23-character limit is from the SDK's
// message-set documentation as restated by is2qb.com (not checked against a
// live QuickBooks), so IDs are kept within it.
const MaxMessageSetID = 23

var versionPattern = regexp.MustCompile(`^[0-9]{1,2}\.[0-9]$`)

// Build writes the complete qbXML document: declaration, <?qbxml version?>,
// <QBXML><QBXMLMsgsRq …> and the requests in the given order, each with its
// requestID set on the request element.
func (m MsgSet) Build(reqs []Raw) (string, error) {
	onError := m.OnError
	if onError == "" {
		onError = ContinueOnError
	}
	if onError != ContinueOnError && onError != StopOnError {
		return "", fmt.Errorf("qbxml: message set onError %q: want %s or %s", onError, ContinueOnError, StopOnError)
	}
	version := m.Version
	if version == "" {
		version = DefaultVersion
	}
	if !versionPattern.MatchString(version) {
		return "", fmt.Errorf("qbxml: message set version %q is not like 13.0", version)
	}
	for _, id := range []struct{ name, v string }{{"newMessageSetID", m.NewMessageSetID}, {"oldMessageSetID", m.OldMessageSetID}} {
		if utf8.RuneCountInString(id.v) > MaxMessageSetID {
			return "", fmt.Errorf("qbxml: %s %q is longer than %d characters", id.name, id.v, MaxMessageSetID)
		}
		if err := checkID(id.v); err != nil {
			return "", fmt.Errorf("qbxml: %s: %w", id.name, err)
		}
	}
	if len(reqs) == 0 && m.OldMessageSetID == "" {
		return "", errors.New("qbxml: message set has no requests and no oldMessageSetID")
	}
	var b strings.Builder
	// The set is its requests and some framing: sized once, the builder
	// is not grown (and copied) again and again over a batch's requests.
	size := 256
	for _, r := range reqs {
		size += len(r.XML) + len(r.RequestID) + len(` requestID=""`)
	}
	b.Grow(size)
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<?qbxml version="` + version + `"?>` + "\n")
	b.WriteString(`<QBXML><QBXMLMsgsRq onError="` + onError + `"`)
	if m.NewMessageSetID != "" {
		b.WriteString(` newMessageSetID="` + escapeAttr(m.NewMessageSetID) + `"`)
	}
	if m.OldMessageSetID != "" {
		b.WriteString(` oldMessageSetID="` + escapeAttr(m.OldMessageSetID) + `"`)
	}
	b.WriteString(">")
	seen := make(map[string]bool, len(reqs))
	for i, r := range reqs {
		if seen[r.RequestID] && r.RequestID != "" {
			return "", fmt.Errorf("qbxml: request %d: requestID %q used twice in one message set", i, r.RequestID)
		}
		seen[r.RequestID] = true
		if err := writeWithRequestID(&b, r.XML, r.RequestID); err != nil {
			return "", fmt.Errorf("qbxml: request %d (requestID %q): %w", i, r.RequestID, err)
		}
	}
	b.WriteString("</QBXMLMsgsRq></QBXML>")
	return b.String(), nil
}

// writeWithRequestID checks that el is one well-formed request element and
// writes it to b with requestID="id" inserted into its start tag; nothing is
// written when it fails.
func writeWithRequestID(b *strings.Builder, el, id string) error {
	if utf8.RuneCountInString(id) > MaxRequestID {
		return fmt.Errorf("requestID is longer than %d characters", MaxRequestID)
	}
	if err := checkID(id); err != nil {
		return fmt.Errorf("requestID: %w", err)
	}
	el = strings.TrimSpace(el)
	name, hasRequestID, ok := plainRoot(el)
	if !ok {
		root, err := singleRoot(el)
		if err != nil {
			return err
		}
		name = root.Name.Local
		for _, a := range root.Attr {
			hasRequestID = hasRequestID || a.Name.Local == "requestID"
		}
	}
	if !strings.HasSuffix(name, "Rq") {
		return fmt.Errorf("root element %s is not a request (…Rq)", name)
	}
	if hasRequestID {
		return errors.New("request element already has a requestID")
	}
	// The start tag begins "<Name" followed by '>', '/' or whitespace: the
	// attribute goes right after the name.
	rest := el[1+len(name):]
	if !strings.HasPrefix(el, "<"+name) || rest == "" || !strings.ContainsRune(" \t\r\n/>", rune(rest[0])) {
		return fmt.Errorf("cannot find the start tag of %s", name)
	}
	if id == "" {
		b.WriteString(el)
		return nil
	}
	b.WriteString("<")
	b.WriteString(name)
	b.WriteString(` requestID="`)
	b.WriteString(escapeAttr(id))
	b.WriteString(`"`)
	b.WriteString(rest)
	return nil
}

// singleRoot parses el and returns its root start element, refusing anything
// other than exactly one element: no declarations, DOCTYPE or entities (a
// stored request never needs them), and no namespaces, which qbXML has none of.
func singleRoot(el string) (xml.StartElement, error) {
	var root xml.StartElement
	if !strings.HasPrefix(el, "<") || strings.HasPrefix(el, "<?") || strings.HasPrefix(el, "<!") {
		return root, errors.New("request XML does not start with an element")
	}
	d := xml.NewDecoder(strings.NewReader(el))
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return root, fmt.Errorf("request XML is not well-formed: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != "" {
				return root, fmt.Errorf("request XML uses a namespace (%s), which qbXML does not", t.Name.Space)
			}
			for _, a := range t.Attr {
				if a.Name.Space != "" {
					return root, fmt.Errorf("request XML uses a namespaced attribute (%s:%s), which qbXML does not", a.Name.Space, a.Name.Local)
				}
			}
			if depth == 0 {
				if root.Name.Local != "" {
					return root, errors.New("request XML holds more than one element")
				}
				root = t.Copy()
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && strings.TrimSpace(string(t)) != "" {
				return root, errors.New("request XML has text outside its element")
			}
		case xml.Directive, xml.ProcInst:
			return root, errors.New("request XML holds a directive or processing instruction")
		}
	}
	if root.Name.Local == "" {
		return root, errors.New("request XML is empty")
	}
	return root, nil
}

// checkID refuses identifiers that would not come back unchanged: QuickBooks
// echoes requestID and message set IDs, and shopqb matches them exactly, so
// control characters (which XML drops or normalises in attributes) and text
// outside ISO-8859-1 are not allowed.
func checkID(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("not valid UTF-8")
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || r > 0xff {
			return fmt.Errorf("contains U+%04X, which cannot be echoed back unchanged", r)
		}
	}
	return nil
}

func escapeAttr(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
