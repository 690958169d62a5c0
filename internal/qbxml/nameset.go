package qbxml

import (
	"strconv"
	"strings"
)

// NameSet hands out list names that are unique the way QuickBooks compares
// them: case-insensitively, and across customers, vendors, employees and
// other names together (use one set for that whole namespace, and another
// for items). Two Shopify records whose names become equal after cleaning
// or truncation get " 2", " 3", … appended within the length limit. The
// result depends only on the order of calls, so a re-plan gives the same names.
type NameSet struct {
	max  int
	used map[string]string // lower-cased name → key of the record holding it ("" when unknown)
}

// NewNameSet returns a set for names of at most max characters, already
// holding the names that exist in QuickBooks.
func NewNameSet(max int, existing ...string) *NameSet {
	s := &NameSet{max: max, used: make(map[string]string, len(existing))}
	for _, n := range existing {
		s.Reserve(n)
	}
	return s
}

func nameKey(n string) string { return strings.ToLower(collapseSpace(n)) }

// Reserve records a name that is taken by a record shopqb does not own
// (e.g. one read from QuickBooks).
func (s *NameSet) Reserve(name string) {
	if _, ok := s.used[nameKey(name)]; !ok {
		s.used[nameKey(name)] = ""
	}
}

// Claim records that the record with the given key already holds name (from
// an earlier plan), so AddFor gives it the same name again.
func (s *NameSet) Claim(key, name string) { s.used[nameKey(name)] = key }

// Has reports whether the name is taken, case-insensitively.
func (s *NameSet) Has(name string) bool {
	_, ok := s.used[nameKey(name)]
	return ok
}

// Len returns how many names are taken.
func (s *NameSet) Len() int { return len(s.used) }

// Add returns name (cut to the limit) if it is free, otherwise the first
// free "name N" for N = 2, 3, …, shortening name so the suffix fits; the
// returned name is then taken. Pass names already cleaned with CleanName.
func (s *NameSet) Add(name string) string { return s.AddFor("", name) }

// AddFor is Add for the record identified by key (e.g. "customer:7301"): a
// name that record already holds is returned again rather than suffixed.
func (s *NameSet) AddFor(key, name string) string {
	name = truncate(collapseSpace(name), s.max)
	candidate := name
	for n := 2; ; n++ {
		holder, taken := s.used[nameKey(candidate)]
		if !taken || (key != "" && holder == key) {
			s.used[nameKey(candidate)] = key
			return candidate
		}
		suffix := " " + strconv.Itoa(n)
		candidate = strings.TrimSpace(truncate(name, s.max-len(suffix)) + suffix)
	}
}
