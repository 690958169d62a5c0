package planner

// NameBook is the names of earlier plans indexed as the planner uses them:
// each key's name and, per name list, which key holds each name. A caller
// planning a shop in many calls keeps one book (Input.Book) and adds each
// plan's names to it (Add); handed the whole name map instead (Input.Names),
// the planner copies and indexes it again on every call, which for a shop
// of 100,000 orders (a RefNumber per transaction) is most of a call's work.
// Build only reads a book.
type NameBook struct {
	names map[string]string
	// spaces maps a namespace to each lower-case name in it → its key.
	spaces map[string]map[string]string
	// added are the names Add gave a key that had none or another since
	// the last TakeAdded: what the caller has yet to store.
	added map[string]string
}

// NewNameBook indexes names, which the book keeps and Add adds to: the
// caller reads the current map from Names and does not change it itself.
func NewNameBook(names map[string]string) *NameBook {
	if names == nil {
		names = map[string]string{}
	}
	b := &NameBook{names: names, spaces: map[string]map[string]string{}}
	b.index(sortedKeys(names))
	return b
}

// Names is the book's name map: every name of every plan added.
func (b *NameBook) Names() map[string]string { return b.names }

// Add records a plan's names (Plan.Names of a plan made with this book).
func (b *NameBook) Add(names map[string]string) {
	keys := sortedKeys(names)
	for _, k := range keys {
		n := names[k]
		if old, ok := b.names[k]; ok && old == n {
			continue // kept by the plan: stored already
		}
		b.names[k] = n
		if b.added == nil {
			b.added = map[string]string{}
		}
		b.added[k] = n
	}
	b.index(keys)
}

// TakeAdded returns the names Add changed (new keys, or keys given another
// name) since the book was made or last asked, and forgets them: a caller
// storing the names stores only these with each plan, rather than the whole
// map. A caller whose store of them fails must not go on with the book.
func (b *NameBook) TakeAdded() map[string]string {
	added := b.added
	b.added = nil
	return added
}

// index claims the names of keys in their namespaces, in the order given
// (newPlanner claims Input.Names in key order: the same holders).
func (b *NameBook) index(keys []string) {
	for _, k := range keys {
		ns := namespaceOf(k)
		if ns == "" {
			continue
		}
		s, ok := b.spaces[ns]
		if !ok {
			s = map[string]string{}
			b.spaces[ns] = s
		}
		s[lower(b.names[k])] = k
	}
}

// earlier is the name an earlier plan gave key: the book's or Input.Names'.
func (p *planner) earlier(key string) (string, bool) {
	if p.in.Book != nil {
		n, ok := p.in.Book.names[key]
		return n, ok
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
