package qbdsim

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// node is one XML element. qbXML is element-only (no mixed content), so a
// name, attributes, text and children are all a request or a stored record
// needs. Records keep their qbXML shape as nodes so that queries can answer
// with exactly what was added, as QuickBooks does.
type node struct {
	Name  string  `json:"n"`
	Attrs []attr  `json:"a,omitempty"`
	Text  string  `json:"t,omitempty"`
	Kids  []*node `json:"k,omitempty"`
}

type attr struct {
	Name  string `json:"n"`
	Value string `json:"v"`
}

// maxXMLDepth bounds nesting so a hostile message cannot exhaust the stack.
const maxXMLDepth = 64

// qbxmlDoc is a parsed request: the root element and the qbxml version from
// the <?qbxml version="…"?> processing instruction.
type qbxmlDoc struct {
	Version string
	Root    *node
}

var errNoQBXMLVersion = errors.New("missing <?qbxml version=\"…\"?> processing instruction")

// parseQBXML reads a qbXML document. DTDs are refused outright: QuickBooks
// has no use for them and they are the door to entity tricks.
func parseQBXML(s string) (*qbxmlDoc, error) {
	dec := xml.NewDecoder(strings.NewReader(s))
	dec.Strict = true
	dec.CharsetReader = func(charset string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "us-ascii":
			return r, nil
		case "iso-8859-1", "latin1":
			// QuickBooks' own code page: each byte is the rune of that number.
			b, err := io.ReadAll(r)
			if err != nil {
				return nil, err
			}
			var u strings.Builder
			for _, c := range b {
				u.WriteRune(rune(c))
			}
			return strings.NewReader(u.String()), nil
		}
		return nil, fmt.Errorf("unsupported encoding %q", charset)
	}
	doc := &qbxmlDoc{}
	var stack []*node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.ProcInst:
			if t.Target == "qbxml" {
				if doc.Root != nil || len(stack) > 0 {
					return nil, errors.New("qbxml processing instruction after the root element")
				}
				v, ok := procInstVersion(string(t.Inst))
				if !ok {
					return nil, errors.New("qbxml processing instruction without a version")
				}
				doc.Version = v
			}
		case xml.Directive:
			return nil, errors.New("DOCTYPE and other directives are not accepted")
		case xml.StartElement:
			if t.Name.Space != "" {
				return nil, fmt.Errorf("element %s: namespaces are not used in qbXML", t.Name.Local)
			}
			if len(stack) >= maxXMLDepth {
				return nil, errors.New("elements nested too deeply")
			}
			n := &node{Name: t.Name.Local}
			for _, a := range t.Attr {
				n.Attrs = append(n.Attrs, attr{Name: a.Name.Local, Value: a.Value})
			}
			if len(stack) == 0 {
				if doc.Root != nil {
					return nil, errors.New("more than one root element")
				}
				doc.Root = n
			} else {
				p := stack[len(stack)-1]
				if strings.TrimSpace(p.Text) != "" {
					return nil, fmt.Errorf("element %s mixes text and elements", p.Name)
				}
				p.Text = ""
				p.Kids = append(p.Kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if strings.TrimSpace(string(t)) != "" {
					return nil, errors.New("text outside the root element")
				}
				continue
			}
			p := stack[len(stack)-1]
			if len(p.Kids) > 0 {
				if strings.TrimSpace(string(t)) != "" {
					return nil, fmt.Errorf("element %s mixes text and elements", p.Name)
				}
				continue
			}
			p.Text += string(t)
		}
	}
	if doc.Root == nil {
		return nil, errors.New("no root element")
	}
	if doc.Version == "" {
		return nil, errNoQBXMLVersion
	}
	return doc, nil
}

// procInstVersion reads version="x.y" from a processing instruction body.
func procInstVersion(inst string) (string, bool) {
	i := strings.Index(inst, "version")
	if i < 0 {
		return "", false
	}
	rest := strings.TrimSpace(inst[i+len("version"):])
	if !strings.HasPrefix(rest, "=") {
		return "", false
	}
	rest = strings.TrimSpace(rest[1:])
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return "", false
	}
	q := rest[0]
	end := strings.IndexByte(rest[1:], q)
	if end < 0 {
		return "", false
	}
	return rest[1 : 1+end], true
}

func (n *node) attr(name string) (string, bool) {
	if n == nil {
		return "", false
	}
	for _, a := range n.Attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

func (n *node) setAttr(name, value string) {
	for i := range n.Attrs {
		if n.Attrs[i].Name == name {
			n.Attrs[i].Value = value
			return
		}
	}
	n.Attrs = append(n.Attrs, attr{Name: name, Value: value})
}

// child returns the first child with the given name, or nil.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.Kids {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// children returns every child with the given name.
func (n *node) children(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.Kids {
		if k.Name == name {
			out = append(out, k)
		}
	}
	return out
}

// text returns the trimmed text of the named child, "" when absent.
func (n *node) text(name string) string {
	c := n.child(name)
	if c == nil {
		return ""
	}
	return strings.TrimSpace(c.Text)
}

func (n *node) has(name string) bool { return n.child(name) != nil }

// clone copies n deeply so stored records never alias a request.
func (n *node) clone() *node {
	if n == nil {
		return nil
	}
	c := &node{Name: n.Name, Text: n.Text}
	c.Attrs = append([]attr(nil), n.Attrs...)
	for _, k := range n.Kids {
		c.Kids = append(c.Kids, k.clone())
	}
	return c
}

func el(name, text string) *node { return &node{Name: name, Text: text} }

func elKids(name string, kids ...*node) *node {
	n := &node{Name: name}
	for _, k := range kids {
		if k != nil {
			n.Kids = append(n.Kids, k)
		}
	}
	return n
}

// add appends children, skipping nils, and returns n for chaining.
func (n *node) add(kids ...*node) *node {
	for _, k := range kids {
		if k != nil {
			n.Kids = append(n.Kids, k)
		}
	}
	return n
}

// insertAfter places k right after the last child whose name is in after;
// when none is present k goes first. It keeps Ret elements in schema order
// when computed fields (totals, balances) are added to a stored Add.
func (n *node) insertAfter(k *node, after ...string) {
	pos := -1
	for i, c := range n.Kids {
		for _, a := range after {
			if c.Name == a {
				pos = i
			}
		}
	}
	n.Kids = append(n.Kids, nil)
	copy(n.Kids[pos+2:], n.Kids[pos+1:])
	n.Kids[pos+1] = k
}

// remove drops every child with the given name.
func (n *node) remove(name string) {
	out := n.Kids[:0]
	for _, k := range n.Kids {
		if k.Name != name {
			out = append(out, k)
		}
	}
	n.Kids = out
}

// write serialises n with two-space indentation.
func (n *node) write(b *bytes.Buffer, depth int) {
	indent := strings.Repeat("  ", depth)
	b.WriteString(indent)
	b.WriteByte('<')
	b.WriteString(n.Name)
	for _, a := range n.Attrs {
		b.WriteByte(' ')
		b.WriteString(a.Name)
		b.WriteString(`="`)
		xmlEscape(b, a.Value)
		b.WriteByte('"')
	}
	if len(n.Kids) == 0 {
		if n.Text == "" {
			b.WriteString(" />\n")
			return
		}
		b.WriteByte('>')
		xmlEscape(b, n.Text)
		b.WriteString("</" + n.Name + ">\n")
		return
	}
	b.WriteString(">\n")
	for _, k := range n.Kids {
		k.write(b, depth+1)
	}
	b.WriteString(indent + "</" + n.Name + ">\n")
}

func xmlEscape(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s))
}

func (n *node) String() string {
	var b bytes.Buffer
	n.write(&b, 0)
	return b.String()
}
