package qbxml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/shopqb/shopqb/internal/money"
)

// MsgsRs is a parsed QBXMLMsgsRs: the responses in the order QuickBooks sent them.
type MsgsRs struct {
	// NewMessageSetID echoes the message-set ID QuickBooks stored this
	// result under, when the request carried one.
	NewMessageSetID string
	// MessageSetStatusCode is QuickBooks' status for the message set as a
	// whole, set on error-recovery answers (a request with oldMessageSetID);
	// HasMessageSetStatus says whether the attribute was present at all.
	MessageSetStatusCode int
	HasMessageSetStatus  bool
	Responses            []Response
}

// ByRequestID returns the response echoing requestID, or nil.
func (m *MsgsRs) ByRequestID(requestID string) *Response {
	for i := range m.Responses {
		if m.Responses[i].RequestID == requestID {
			return &m.Responses[i]
		}
	}
	return nil
}

// ByName returns the first response with the given element name
// ("HostQueryRs"), or nil.
func (m *MsgsRs) ByName(name string) *Response {
	for i := range m.Responses {
		if m.Responses[i].Name == name {
			return &m.Responses[i]
		}
	}
	return nil
}

// Response is one …Rs element.
type Response struct {
	Name           string // "SalesReceiptAddRs"
	RequestID      string
	StatusCode     int
	StatusSeverity string // Info, Warn or Error
	StatusMessage  string
	RetCount       int
	// IteratorID and IteratorRemainingCount are set on iterator pages; an
	// absent count is reported as -1 so "0 remaining" is distinguishable.
	IteratorID             string
	IteratorRemainingCount int
	Rets                   []Ret
	// ErrorRecovery is what QuickBooks reports about a failed Add/Mod that
	// it may have partly saved (ListID/TxnID/EditSequence/ExternalGUID).
	ErrorRecovery *Ret
	Node          *Node
}

// MorePages reports whether an iterator query has records left; the next
// page is asked for with iterator="Continue" and this IteratorID, in the same
// Web Connector session.
func (r Response) MorePages() bool { return r.IteratorID != "" && r.IteratorRemainingCount > 0 }

// Class classifies the response's status, using its message to tell lock
// errors from business errors.
func (r Response) Class() Class { return ClassifyStatus(r.StatusCode, r.StatusMessage) }

// RetByExternalGUID returns the record carrying guid as its ExternalGUID, or
// nil. Recovery queries by RefNumber or date can return several records
// (RefNumbers are not unique in QuickBooks); the ExternalGUID shopqb stamped
// on its own postings says which one, if any, is ours. GUIDs are compared
// without regard to case or braces, since QuickBooks may change both.
func (r *Response) RetByExternalGUID(guid string) *Ret {
	want := normalizeGUID(guid)
	if want == "" {
		return nil
	}
	for i := range r.Rets {
		if normalizeGUID(r.Rets[i].ExternalGUID) == want {
			return &r.Rets[i]
		}
	}
	return nil
}

func normalizeGUID(g string) string {
	return strings.ToUpper(strings.Trim(strings.TrimSpace(g), "{}"))
}

// Ret is one …Ret record with the fields shopqb needs pulled out; everything
// else stays in Node.
type Ret struct {
	Type         string // "SalesReceiptRet"
	TxnID        string
	ListID       string
	EditSequence string
	TxnNumber    string
	RefNumber    string
	TxnDate      string
	Name         string
	FullName     string
	ExternalGUID string
	TimeCreated  string
	TimeModified string
	TotalAmount  *money.Cents // nil when absent or unreadable
	Balance      *money.Cents
	Node         *Node
}

// Limits that keep a hostile or broken response from exhausting memory.
const (
	maxResponseBytes = 64 << 20
	maxDepth         = 128
)

// ParseResponse parses a qbXML response document leniently: unknown
// elements are kept in the tree, whitespace and a missing XML declaration are
// fine, a BOM is skipped, and text that is not valid UTF-8 is read as
// Windows-1252/ISO-8859-1, the code page QuickBooks uses. DOCTYPE and entity
// declarations are refused, so nothing in a response can expand or fetch data.
func ParseResponse(s string) (*MsgsRs, error) {
	roots, err := parseTree(s)
	if err != nil {
		return nil, fmt.Errorf("parse qbXML response: %w", err)
	}
	out := &MsgsRs{}
	found := false
	for _, root := range roots {
		var sets []*Node
		switch root.Name {
		case "QBXML":
			sets = root.FindAll("QBXMLMsgsRs")
		case "QBXMLMsgsRs":
			sets = []*Node{root}
		}
		for _, set := range sets {
			found = true
			if err := out.add(set); err != nil {
				return nil, fmt.Errorf("parse qbXML response: %w", err)
			}
		}
	}
	if !found {
		return nil, errors.New("parse qbXML response: no QBXML/QBXMLMsgsRs element")
	}
	return out, nil
}

func (m *MsgsRs) add(set *Node) error {
	if v := set.Attr("newMessageSetID"); v != "" {
		m.NewMessageSetID = v
	}
	if v, ok := set.Attrs["messageSetStatusCode"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("messageSetStatusCode %q is not a number", v)
		}
		m.MessageSetStatusCode, m.HasMessageSetStatus = n, true
	}
	for _, el := range set.Children {
		if !strings.HasSuffix(el.Name, "Rs") {
			continue
		}
		r, err := parseRs(el)
		if err != nil {
			return fmt.Errorf("%s (requestID %q): %w", el.Name, el.Attr("requestID"), err)
		}
		m.Responses = append(m.Responses, r)
	}
	return nil
}

func parseRs(el *Node) (Response, error) {
	r := Response{Name: el.Name, RequestID: el.Attr("requestID"), StatusSeverity: el.Attr("statusSeverity"),
		StatusMessage: el.Attr("statusMessage"), IteratorID: el.Attr("iteratorID"), IteratorRemainingCount: -1, Node: el}
	code, ok := el.Attrs["statusCode"]
	if !ok {
		return r, errors.New("no statusCode")
	}
	n, err := strconv.Atoi(strings.TrimSpace(code))
	if err != nil {
		return r, fmt.Errorf("statusCode %q is not a number", code)
	}
	r.StatusCode = n
	if v := strings.TrimSpace(el.Attr("retCount")); v != "" {
		if r.RetCount, err = strconv.Atoi(v); err != nil {
			return r, fmt.Errorf("retCount %q is not a number", v)
		}
	}
	if v := strings.TrimSpace(el.Attr("iteratorRemainingCount")); v != "" {
		if r.IteratorRemainingCount, err = strconv.Atoi(v); err != nil {
			return r, fmt.Errorf("iteratorRemainingCount %q is not a number", v)
		}
	}
	for _, c := range el.Children {
		switch {
		case c.Name == "ErrorRecovery":
			rec := retOf(c)
			r.ErrorRecovery = &rec
		case strings.HasSuffix(c.Name, "Ret"):
			r.Rets = append(r.Rets, retOf(c))
		}
	}
	return r, nil
}

func retOf(n *Node) Ret {
	r := Ret{Type: n.Name, Node: n,
		TxnID: n.Value("TxnID"), ListID: n.Value("ListID"), EditSequence: n.Value("EditSequence"),
		TxnNumber: n.Value("TxnNumber"), RefNumber: n.Value("RefNumber"), TxnDate: n.Value("TxnDate"),
		Name: n.Value("Name"), FullName: n.Value("FullName"), ExternalGUID: n.Value("ExternalGUID"),
		TimeCreated: n.Value("TimeCreated"), TimeModified: n.Value("TimeModified")}
	r.TotalAmount = centsAt(n, "TotalAmount")
	r.Balance = centsAt(n, "Balance")
	return r
}

func centsAt(n *Node, name string) *money.Cents {
	f := n.Find(name)
	if f == nil {
		return nil
	}
	c, err := money.Parse(f.Text)
	if err != nil {
		return nil
	}
	return &c
}

// parseTree decodes every top-level element of s into Nodes.
func parseTree(s string) ([]*Node, error) {
	if len(s) > maxResponseBytes {
		return nil, fmt.Errorf("response is %d bytes, more than the %d accepted", len(s), maxResponseBytes)
	}
	// UTF-8 without a byte-order mark is what toUTF8 would return
	// unchanged: it is read as it is, not copied to bytes and back.
	text := s
	if strings.HasPrefix(s, "\xEF\xBB\xBF") || !utf8.ValidString(s) {
		data, err := toUTF8([]byte(s))
		if err != nil {
			return nil, err
		}
		text = string(data)
	}
	if roots, ok := plainTree(text); ok {
		return roots, nil
	}
	return decodeTree([]byte(text))
}

// decodeTree is parseTree with encoding/xml, for what plainTree leaves to it.
func decodeTree(data []byte) ([]*Node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	// The text is UTF-8 by now whatever the declaration says: strings that
	// came through the Web Connector's SOAP call were decoded already.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var roots, stack []*Node
	// Text is gathered per open element in a builder: a text split into many
	// pieces (by comments, say) must not be re-copied on every piece.
	var texts []*strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxDepth {
				return nil, fmt.Errorf("elements nested deeper than %d", maxDepth)
			}
			n := &Node{Name: t.Name.Local}
			if len(t.Attr) > 0 {
				n.Attrs = make(map[string]string, len(t.Attr))
				for _, a := range t.Attr {
					n.Attrs[a.Name.Local] = a.Value
				}
			}
			if len(stack) == 0 {
				roots = append(roots, n)
			} else {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
			texts = append(texts, &strings.Builder{})
		case xml.EndElement:
			n := stack[len(stack)-1]
			n.Text = strings.TrimSpace(texts[len(texts)-1].String())
			stack, texts = stack[:len(stack)-1], texts[:len(texts)-1]
		case xml.CharData:
			if len(texts) > 0 {
				texts[len(texts)-1].Write(t)
			}
		case xml.Directive:
			return nil, errors.New("DOCTYPE or entity declarations are not accepted in qbXML")
		}
	}
	if len(stack) != 0 {
		return nil, errors.New("document ends inside an element")
	}
	return roots, nil
}

// toUTF8 removes a byte-order mark and converts UTF-16 or code-page text
// to UTF-8.
func toUTF8(b []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return fromUTF16(b)
	}
	if utf8.Valid(b) {
		return b, nil
	}
	// Windows-1252 decodes every ISO-8859-1 text character identically and
	// never fails, so QuickBooks' code-page output always comes through.
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return nil, fmt.Errorf("text is neither UTF-8 nor Windows-1252: %w", err)
	}
	return out, nil
}

func fromUTF16(b []byte) ([]byte, error) {
	bigEndian := b[0] == 0xFE
	b = b[2:]
	if len(b)%2 != 0 {
		return nil, errors.New("UTF-16 text has an odd number of bytes")
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return []byte(string(utf16.Decode(u))), nil
}
