package planner

import (
	"fmt"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbxml"
)

// cleanText makes s storable by QuickBooks US, which keeps ISO-8859-1 only
// (qbxml.CleanText: Hangul romanised, other scripts transliterated or
// dropped, whitespace collapsed). The original stays in Shopify's snapshot.
func cleanText(s string) string { return qbxml.CleanText(s, qbxml.MaxMemo) }

// cleanName is a list name from s: qbxml.CleanName's rules (no ':', Latin-1,
// at most max characters), falling back to ref when nothing readable is left.
// An empty s with an empty ref gives "", so callers can try another source.
func cleanName(s string, max int, ref string) string {
	if strings.TrimSpace(s) == "" && ref == "" {
		return ""
	}
	if strings.TrimSpace(s) == "" {
		s = ref
	}
	return qbxml.CleanName(s, ref, max)
}

// truncate cuts s to max runes (Latin-1 text: one rune is one stored character).
func truncate(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return strings.TrimSpace(string(r[:max]))
}

// nameSpace hands out names unique within one QuickBooks name list, compared
// case-insensitively as QuickBooks does. Customers, vendors and other names
// share one space; items share another.
type nameSpace struct {
	used map[string]string // lower-case name → key holding it
	// book, when set, holds the names of earlier plans (Input.Book), read
	// under used by the space's namespace ns; nil when used holds them too.
	book *NameBook
	ns   string
}

func newNameSpace(ns string, book *NameBook) *nameSpace {
	return &nameSpace{used: map[string]string{}, book: book, ns: ns}
}

// claim records that key holds name (from an earlier plan).
func (ns *nameSpace) claim(key, name string) { ns.used[lower(name)] = key }

// holder is the key holding the lower-case name, if any.
func (ns *nameSpace) holder(name string) (string, bool) {
	if k, ok := ns.used[name]; ok {
		return k, true
	}
	if ns.book == nil {
		return "", false
	}
	return ns.book.holder(ns.ns, name)
}

// lower is a name as the spaces compare it: as QuickBooks does.
func lower(name string) string { return shopqb.FoldName(name) }

// assign gives key a unique name built from want, truncating and adding a
// counter (" 2", " 3", …) so truncation never merges two records.
func (ns *nameSpace) assign(key, want string, max int) string {
	name := truncate(want, max)
	for n := 2; ; n++ {
		holder, taken := ns.holder(lower(name))
		if !taken || holder == key {
			ns.used[lower(name)] = key
			return name
		}
		suffix := fmt.Sprintf(" %d", n)
		name = truncate(want, max-len(suffix)) + suffix
	}
}

// refNumberFor turns a Shopify name ("#1001", "1001-A", a long POS receipt id)
// into a RefNumber within max characters, keeping the end of the name because
// that is where the distinguishing digits are.
func refNumberFor(name string, max int) string {
	c := strings.ReplaceAll(cleanText(name), " ", "")
	r := []rune(c)
	if len(r) > max {
		r = r[len(r)-max:]
	}
	return string(r)
}
