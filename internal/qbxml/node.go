package qbxml

import "strings"

// Node is a generic XML element from a QuickBooks response. Ret records keep
// their whole element as a Node, so callers can read any field shopqb does
// not pull out (lines, addresses, DataExt) without this package modelling
// QuickBooks' hundreds of response types.
type Node struct {
	Name     string
	Text     string // character data directly inside the element, trimmed
	Attrs    map[string]string
	Children []*Node
}

// Find returns the first element matching a slash-separated path of child
// names below n, e.g. "SalesTaxPreferences/DefaultItemSalesTaxRef/FullName",
// or nil when there is none. An empty path returns n.
func (n *Node) Find(path string) *Node {
	if n == nil {
		return nil
	}
	if path == "" {
		return n
	}
	name, rest, _ := strings.Cut(path, "/")
	for _, c := range n.Children {
		if c.Name == name {
			if found := c.Find(rest); found != nil {
				return found
			}
		}
	}
	return nil
}

// FindAll returns every element matching the path, in document order.
func (n *Node) FindAll(path string) []*Node {
	if n == nil {
		return nil
	}
	if path == "" {
		return []*Node{n}
	}
	name, rest, _ := strings.Cut(path, "/")
	var out []*Node
	for _, c := range n.Children {
		if c.Name == name {
			out = append(out, c.FindAll(rest)...)
		}
	}
	return out
}

// Value returns the text of the element at path, or "" when it is absent.
func (n *Node) Value(path string) string {
	if f := n.Find(path); f != nil {
		return f.Text
	}
	return ""
}

// Attr returns the attribute's value, or "" when it is absent.
func (n *Node) Attr(name string) string {
	if n == nil {
		return ""
	}
	return n.Attrs[name]
}
