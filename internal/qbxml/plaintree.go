package qbxml

import (
	"strings"
	"unicode"

	"github.com/shopqb/shopqb/internal/plainxml"
)

// nodeSlab is how many Nodes plainTree allocates at once.
const nodeSlab = 64

// plainTree is parseTree's fast path: the same Nodes, or false when the
// input must be read by encoding/xml (see plainxml.Scanner).
func plainTree(s string) ([]*Node, bool) {
	z := plainxml.NewScanner(s)
	var roots, stack []*Node
	var texts []string // the text gathered so far in each open element
	// Nodes are carved from slabs, one allocation per nodeSlab elements
	// rather than one each: a Web Connector batch's answer has thousands.
	var slab []Node
	for {
		if !z.Next() {
			return nil, false
		}
		switch z.Kind {
		case plainxml.EOF:
			return roots, true
		case plainxml.Start:
			if len(stack) >= maxDepth {
				return nil, false
			}
			if len(slab) == cap(slab) {
				slab = make([]Node, 0, nodeSlab)
			}
			slab = append(slab, Node{Name: z.Name})
			n := &slab[len(slab)-1]
			if len(z.Attrs) > 0 {
				n.Attrs = make(map[string]string, len(z.Attrs))
				for _, a := range z.Attrs {
					n.Attrs[a.Name] = a.Value
				}
			}
			if len(stack) == 0 {
				roots = append(roots, n)
			} else {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
			texts = append(texts, "")
		case plainxml.End:
			stack[len(stack)-1].Text = strings.TrimSpace(texts[len(texts)-1])
			stack, texts = stack[:len(stack)-1], texts[:len(texts)-1]
		case plainxml.Text:
			if len(texts) == 0 {
				continue
			}
			// Leading space is trimmed in the end anyway; leaving it out
			// keeps an element holding only children from gathering the
			// whitespace between them.
			if t := &texts[len(texts)-1]; *t == "" {
				*t = strings.TrimLeftFunc(z.Text, unicode.IsSpace)
			} else {
				*t += z.Text
			}
		}
	}
}

// plainRoot is withRequestID's fast path to singleRoot: the name of el's one
// root element and whether it has a requestID attribute, or false when
// singleRoot must read el (to accept it, or to say what is wrong with it).
func plainRoot(el string) (name string, hasRequestID, ok bool) {
	if !strings.HasPrefix(el, "<") {
		return "", false, false
	}
	z := plainxml.NewScanner(el)
	for {
		if !z.Next() {
			return "", false, false
		}
		switch z.Kind {
		case plainxml.EOF:
			return name, hasRequestID, name != ""
		case plainxml.Decl:
			return "", false, false
		case plainxml.Text:
			if z.Depth() == 0 && strings.TrimSpace(z.Text) != "" {
				return "", false, false
			}
		case plainxml.Start:
			if z.Depth() == 1 { // the root, just opened
				if name != "" {
					return "", false, false
				}
				name = z.Name
				for _, a := range z.Attrs {
					hasRequestID = hasRequestID || a.Name == "requestID"
				}
			}
		}
	}
}
