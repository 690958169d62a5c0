package shopifysim

import (
	"sort"
	"strings"
	"time"
)

// rootList is a root field's connection source (orders, products, …). It
// names its field so the filtered and sorted listing can be cached across
// pages, and carries the order visibility window, applied after the cache.
type rootList struct {
	field string
	items []any
	// visibleFrom hides items created before it (the 60-day window of an
	// app without read_all_orders); zero shows everything.
	visibleFrom time.Time
}

// listingKey identifies a filtered, sorted listing of a root connection.
type listingKey struct {
	field, query, sortKey string
	reverse               bool
}

// listing is a connection's items filtered by its query and in served
// order, each with its parsed sort position, so a page is found by binary
// search instead of re-filtering and re-sorting the whole list.
type listing struct {
	items   []any
	keys    []sortable
	created []time.Time // createdAt per item, for the visibility window
	oldest  time.Time   // earliest createdAt, to skip the window in one comparison
	dir     int         // 1 ascending, -1 reversed
}

// maxCachedListings bounds the listing cache; a client varying its query
// each time would otherwise grow it without limit.
const maxCachedListings = 32

// buildListing filters and sorts items: stable by the sort key, then
// reversed when asked, the order Shopify serves.
func buildListing(items []any, filter *searchNode, key string, reverse bool, now time.Time) *listing {
	l := &listing{dir: 1}
	keys, partial := listingFields(filter, key)
	for pos, it := range items {
		var m map[string]any
		ok := false
		if doc, isDoc := it.(*lazyDoc); isDoc && partial {
			m, ok = doc.fields(keys), true
		} else {
			m, ok = objectOf(it)
		}
		if !ok {
			continue
		}
		if filter != nil && !filter.match(m, now) {
			continue
		}
		created, _ := time.Parse(time.RFC3339Nano, str(m["createdAt"]))
		if len(l.items) == 0 || created.Before(l.oldest) {
			l.oldest = created
		}
		l.items = append(l.items, it)
		id := itemID(m)
		if id == 0 {
			// An item without an id (a refund line, say) is placed by its
			// position, so a cursor past it still finds the next one.
			id = int64(pos + 1)
		}
		l.keys = append(l.keys, makeSortable(sortValue(m, key), id))
		l.created = append(l.created, created)
	}
	order := make([]int, len(l.items))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return l.keys[order[a]].compare(l.keys[order[b]]) < 0 })
	if reverse {
		l.dir = -1
		for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
			order[i], order[j] = order[j], order[i]
		}
	}
	sorted := &listing{dir: l.dir, oldest: l.oldest, items: make([]any, len(order)),
		keys: make([]sortable, len(order)), created: make([]time.Time, len(order))}
	for i, k := range order {
		sorted.items[i], sorted.keys[i], sorted.created[i] = l.items[k], l.keys[k], l.created[k]
	}
	return sorted
}

// visible drops the items created before from; the common case, nothing
// that old, costs one comparison.
func (l *listing) visible(from time.Time) *listing {
	if from.IsZero() || len(l.items) == 0 || !l.oldest.Before(from) {
		return l
	}
	out := &listing{dir: l.dir, oldest: from}
	for i, c := range l.created {
		if c.Before(from) {
			continue
		}
		out.items = append(out.items, l.items[i])
		out.keys = append(out.keys, l.keys[i])
		out.created = append(out.created, c)
	}
	return out
}

// after is the index of the first item past the cursor position ck.
func (l *listing) after(ck sortable) int {
	return sort.Search(len(l.keys), func(i int) bool { return l.dir*l.keys[i].compare(ck) > 0 })
}

// before is the index, from lo on, of the first item at or past ck.
func (l *listing) before(lo int, ck sortable) int {
	return lo + sort.Search(len(l.keys)-lo, func(i int) bool { return l.dir*l.keys[lo+i].compare(ck) >= 0 })
}

// listingFor returns the filtered, sorted listing of src, from the cache
// when src is a root field and the query does not depend on the clock.
func (e *executor) listingFor(src any, query string, filter *searchNode, key string, reverse bool) *listing {
	var items []any
	var visibleFrom time.Time
	switch x := src.(type) {
	case []any:
		items = x
	case *rootList:
		items, visibleFrom = x.items, x.visibleFrom
		if !strings.Contains(strings.ToLower(query), "now") && e.tr.listings != nil {
			k := listingKey{field: x.field, query: query, sortKey: key, reverse: reverse}
			l := e.tr.listings[k]
			if l == nil {
				if len(e.tr.listings) >= maxCachedListings {
					clear(e.tr.listings)
				}
				l = buildListing(items, filter, key, reverse, e.now)
				e.tr.listings[k] = l
			}
			return l.visible(visibleFrom)
		}
	}
	return buildListing(items, filter, key, reverse, e.now).visible(visibleFrom)
}

// listingFields names the top-level fields that filtering by filter and
// sorting by key read, when that is all they read: a filter of date terms
// only (updated_at:>'…', the query every incremental sync sends) joined by
// AND, OR and NOT. Decoding just those fields of each order, not the whole
// order, is what keeps a new listing of a large shop quick. ok is false
// when the filter needs whole objects.
func listingFields(filter *searchNode, key string) (fields []string, ok bool) {
	fields = []string{"id", "createdAt"}
	if key != "" && key != "ID" && key != "RELEVANCE" {
		f, known := sortFields[key]
		if !known {
			f = camelCase(toLowerASCII(key))
		}
		fields = append(fields, f)
	}
	var walk func(n *searchNode) bool
	walk = func(n *searchNode) bool {
		if n == nil {
			return true
		}
		if n.op != "and" && n.op != "or" && n.op != "not" { // a term, as match reads it
			f, isDate := dateFields[n.field]
			if !isDate {
				return false
			}
			fields = append(fields, f)
			return true
		}
		for _, c := range n.children {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	return fields, walk(filter)
}
