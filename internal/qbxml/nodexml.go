package qbxml

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// XML writes n back as XML (elements, attributes in name order, text; no
// indentation) in at most about max bytes: once the budget is spent, the
// children left out are counted in a comment, so the result is always
// well-formed and says what it lacks. It is how a response element is kept
// as evidence without keeping all of a large one.
func (n *Node) XML(max int) string {
	var b strings.Builder
	// A response element is a few kilobytes: growing the builder from
	// nothing would copy it several times.
	b.Grow(min(max, 4<<10))
	n.write(&b, max)
	return b.String()
}

func (n *Node) write(b *strings.Builder, max int) {
	b.WriteByte('<')
	b.WriteString(n.Name)
	if len(n.Attrs) == 1 {
		// One attribute, nearly every case: no order to keep, so no sort.
		for k, v := range n.Attrs {
			writeAttr(b, k, v)
		}
	} else if len(n.Attrs) > 1 {
		for _, k := range slices.Sorted(maps.Keys(n.Attrs)) {
			writeAttr(b, k, n.Attrs[k])
		}
	}
	if n.Text == "" && len(n.Children) == 0 {
		b.WriteString("/>")
		return
	}
	b.WriteByte('>')
	writeEscaped(b, n.Text)
	for i, c := range n.Children {
		if b.Len() >= max {
			fmt.Fprintf(b, "<!-- %d more elements not kept -->", len(n.Children)-i)
			break
		}
		c.write(b, max)
	}
	b.WriteString("</")
	b.WriteString(n.Name)
	b.WriteByte('>')
}

func writeAttr(b *strings.Builder, name, value string) {
	b.WriteByte(' ')
	b.WriteString(name)
	b.WriteString(`="`)
	writeEscaped(b, value)
	b.WriteByte('"')
}

// writeEscaped writes s escaped; most texts need nothing escaped, and
// are copied as they are.
func writeEscaped(b *strings.Builder, s string) {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		plain = !needsEscape[s[i]]
	}
	if plain {
		b.WriteString(s)
		return
	}
	_, _ = xmlEscaper.WriteString(b, s)
}

// needsEscape marks the bytes xmlEscaper replaces.
var needsEscape = [256]bool{'&': true, '<': true, '>': true, '"': true, '\'': true}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")
