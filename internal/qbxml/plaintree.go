package qbxml

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopqb/shopqb/internal/plainxml"
)

// nodeSlab is how many Nodes plainTree allocates at once, and childSlab
// how many child pointers.
const (
	nodeSlab  = 64
	childSlab = 256
)

// plainTree is parseTree's fast path: the same Nodes, or false when the
// input must be read by encoding/xml (see plainxml.Scanner).
func plainTree(s string) ([]*Node, bool) {
	z := plainxml.NewScanner(s)
	var roots, stack []*Node
	var texts []string // the text gathered so far in each open element
	// The children of the open elements, each element's after its own
	// entry (from marks[depth] on): an element's list is known whole at
	// its end, and is then copied out at its exact size, rather than
	// grown by appends (a sales receipt's answer has dozens of children).
	var kids []*Node
	var marks []int
	// Nodes and child lists are carved from slabs, one allocation per
	// nodeSlab elements (and per childSlab children) rather than one
	// each: a Web Connector batch's answer has thousands.
	var slab []Node
	var kidSlab []*Node
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
				kids = append(kids, n)
			}
			stack = append(stack, n)
			texts = append(texts, "")
			marks = append(marks, len(kids))
		case plainxml.End:
			n := stack[len(stack)-1]
			n.Text = strings.TrimSpace(texts[len(texts)-1])
			if mark := marks[len(marks)-1]; len(kids) > mark {
				own := kids[mark:]
				if len(own) > childSlab/4 {
					n.Children = slices.Clone(own)
				} else {
					if len(kidSlab)+len(own) > cap(kidSlab) {
						kidSlab = make([]*Node, 0, childSlab)
					}
					at := len(kidSlab)
					kidSlab = append(kidSlab, own...)
					// Full slice expression: an append to the list must not
					// write into the next element's.
					n.Children = kidSlab[at:len(kidSlab):len(kidSlab)]
				}
				kids = kids[:mark]
			}
			stack, texts, marks = stack[:len(stack)-1], texts[:len(texts)-1], marks[:len(marks)-1]
		case plainxml.Text:
			if len(texts) == 0 {
				continue
			}
			// Leading space is trimmed in the end anyway; leaving it out
			// keeps an element holding only children from gathering the
			// whitespace between them.
			if t := &texts[len(texts)-1]; *t == "" {
				*t = trimLeftSpace(z.Text)
			} else {
				*t += z.Text
			}
		}
	}
}

// trimLeftSpace is strings.TrimLeftFunc(s, unicode.IsSpace), without a
// call per byte for the ASCII space between elements.
func trimLeftSpace(s string) string {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
		case c >= utf8.RuneSelf:
			return strings.TrimLeftFunc(s[i:], unicode.IsSpace)
		default:
			return s[i:]
		}
	}
	return ""
}

// plainRoot is writeWithRequestID's fast path to singleRoot: the name of el's one
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
