package planner

import (
	"slices"
	"strings"
)

// NameSource is where a NameBook reads the names of earlier plans: the
// store's plan names (the sync engine's), or a map (MapNames).
type NameSource interface {
	// Each calls fn with every stored name, once, when the book is made.
	Each(fn func(key, name string) error) error
	// Name is the name stored for key, if it has one.
	Name(key string) (string, bool, error)
	// Holders are the keys, in key order, whose stored name folds
	// (shopqb.FoldName) to folded, in any name list.
	Holders(folded string) ([]string, error)
}

// NameBook is the names of earlier plans as the planner uses them: each
// key's name and, per name list, which key holds a name. A caller planning
// a shop in many calls keeps one book (Input.Book), adds each plan's names
// to it (Add) and stores what it added (TakeAdded) with the plan.
//
// The book does not hold the shop's names: for a shop of 100,000 orders (a
// RefNumber per transaction) they were most of a run's memory. It holds
// the names added since they were last taken, and a fixed-size filter of
// the stored ones (nameFilter), made from the source once, which tells
// the names that are surely not stored (nearly every look-up of a first
// plan, whose keys and names are new) from those that may be: only these
// are read from the source. Build only reads a book.
type NameBook struct {
	src NameSource
	// stored filters the keys and the list names (namespace and folded
	// name) the source holds, or will once the caller stored what it took.
	stored *nameFilter
	// added are the names Add gave a key that had none or another since
	// the last TakeAdded: what the caller has yet to store. spaces indexes
	// them: per namespace, each folded name → its key.
	added  map[string]string
	spaces map[string]map[string]string
	// read are the names this book read from its source: a plan asks for
	// a list record's name more than once, and a back-fill's every call
	// asks for the same accounts, items, tax items and payment methods,
	// each a query of the store. TakeAdded keeps them, but for reference
	// numbers (one a transaction, asked by the calls planning it only) and
	// for more than maxKeptNames, so the book still does not hold the shop.
	read map[string]string
	// err is the first failed read of the source: the plan using the book
	// fails with it (Build), and a caller must not go on with the book.
	err error
}

// NewNameBook makes a book of the names src holds (nil: none yet).
func NewNameBook(src NameSource) (*NameBook, error) {
	b := &NameBook{src: src, stored: newNameFilter(), added: map[string]string{},
		spaces: map[string]map[string]string{}, read: map[string]string{}}
	if src == nil {
		return b, nil
	}
	if err := src.Each(func(key, name string) error {
		b.stored.addName(key, name)
		return nil
	}); err != nil {
		return nil, err
	}
	return b, nil
}

// Add records a plan's names (Plan.Names of a plan made with this book).
func (b *NameBook) Add(names map[string]string) {
	for _, k := range sortedKeys(names) {
		n := names[k]
		if old, ok := b.earlier(k); ok && old == n {
			continue // kept by the plan: stored already, or added
		}
		b.added[k] = n
		if ns := namespaceOf(k); ns != "" {
			s, ok := b.spaces[ns]
			if !ok {
				s = map[string]string{}
				b.spaces[ns] = s
			}
			s[lower(n)] = k
		}
	}
}

// TakeAdded returns the names Add changed (new keys, or keys given another
// name) since the book was made or last asked, for the caller to store
// with the plan; from then on the book reads them from its source. A
// caller whose store of them fails must not go on with the book.
func (b *NameBook) TakeAdded() map[string]string {
	added := b.added
	for k, n := range added {
		b.stored.addName(k, n)
	}
	if len(b.read) > maxKeptNames {
		b.read = map[string]string{}
	}
	for k := range b.read {
		if strings.HasPrefix(k, "refnumber:") {
			delete(b.read, k)
		} else if n, ok := added[k]; ok {
			b.read[k] = n // what the source holds once the caller stored it
		}
	}
	b.added, b.spaces = map[string]string{}, map[string]map[string]string{}
	return added
}

// maxKeptNames bounds the names a book keeps from one TakeAdded to the
// next: more list records than a back-fill's calls share (a shop's
// returning customers can be most of its orders).
const maxKeptNames = 4096

// earlier is the name an earlier plan gave key: added to the book, or
// stored in its source.
func (b *NameBook) earlier(key string) (string, bool) {
	if n, ok := b.added[key]; ok {
		return n, true
	}
	if n, ok := b.read[key]; ok {
		return n, true
	}
	if b.src == nil || b.err != nil || !b.stored.mayHoldKey(key) {
		return "", false
	}
	n, ok, err := b.src.Name(key)
	if err != nil {
		b.err = err
		return "", false
	}
	if ok {
		b.read[key] = n
	}
	return n, ok
}

// holder is the key an earlier plan gave the folded name in namespace ns.
// Of several (only ever an old book's), the last in key order holds it, as
// when the book indexed every name in key order.
func (b *NameBook) holder(ns, folded string) (string, bool) {
	if k, ok := b.spaces[ns][folded]; ok {
		return k, true
	}
	if b.src == nil || b.err != nil || !b.stored.mayHoldName(ns, folded) {
		return "", false
	}
	keys, err := b.src.Holders(folded)
	if err != nil {
		b.err = err
		return "", false
	}
	for _, k := range slices.Backward(keys) {
		if namespaceOf(k) == ns {
			return k, true
		}
	}
	return "", false
}

// MapNames is a NameSource over a name map, for a caller that holds the
// names anyway (tests, a one-off plan).
type MapNames map[string]string

// Each calls fn with every name, in key order.
func (m MapNames) Each(fn func(key, name string) error) error {
	for _, k := range sortedKeys(m) {
		if err := fn(k, m[k]); err != nil {
			return err
		}
	}
	return nil
}

// Name is key's name.
func (m MapNames) Name(key string) (string, bool, error) {
	n, ok := m[key]
	return n, ok, nil
}

// Holders are the keys whose name folds to folded, in key order.
func (m MapNames) Holders(folded string) ([]string, error) {
	var keys []string
	for _, k := range sortedKeys(m) {
		if lower(m[k]) == folded {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// earlier is the name an earlier plan gave key: the book's or Input.Names'.
func (p *planner) earlier(key string) (string, bool) {
	if p.in.Book != nil {
		return p.in.Book.earlier(key)
	}
	n, ok := p.in.Names[key]
	return n, ok
}

// name is key's name in this plan: given or kept by it, else an earlier plan's.
func (p *planner) name(key string) string {
	if n, ok := p.names[key]; ok {
		return n
	}
	n, _ := p.earlier(key)
	return n
}
