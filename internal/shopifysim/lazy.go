package shopifysim

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync"
)

// lazyDoc is a served document kept as its compact Admin GraphQL JSON
// (deflated) rather than as a decoded tree. A decoded order tree costs
// about a hundred kilobytes of maps, its JSON about fourteen, deflated
// about three, so a shop of 100,000 orders fits in memory. A request
// decodes only the documents it serves, and of those only the fields it
// selects (once per cached listing, the fields it filters and sorts by).
type lazyDoc struct {
	// raw is the JSON, or with packer set its deflated form, size bytes
	// once unpacked.
	raw      []byte
	packer   *docPacker
	size     int
	fieldsAt []fieldSpan // where each top-level field's value lies in the JSON
	// known holds the top-level string fields a listing filters and sorts
	// by most (id, createdAt, updatedAt, processedAt) when present, so the
	// listing an incremental sync asks for needs no unpacking at all.
	known map[string]string
}

// listingStringFields are the fields kept in lazyDoc.known; createdAt also
// serves the 60-day visibility window.
var listingStringFields = []string{"id", "createdAt", "updatedAt", "processedAt"}

// remember fills known from the document's JSON.
func (d *lazyDoc) remember() {
	raw := d.json()
	for _, f := range d.fieldsAt {
		if !slices.Contains(listingStringFields, f.name) {
			continue
		}
		if v, ok := plain(json.RawMessage(raw[f.start:f.end])).(string); ok {
			if d.known == nil {
				d.known = make(map[string]string, len(listingStringFields))
			}
			d.known[f.name] = v
		}
	}
}

// fieldSpan locates one top-level field's value in a lazyDoc's JSON, so a
// request reads the fields it selects without scanning the rest.
type fieldSpan struct {
	name       string
	start, end uint32
}

// newLazyDoc writes a JSON object from compact field values (as
// json.Marshal gives them), keys sorted as json.Marshal sorts a map's,
// and records where each value lies.
func newLazyDoc(top map[string]json.RawMessage) *lazyDoc {
	names := make([]string, 0, len(top))
	size := 2
	for k, v := range top {
		names = append(names, k)
		size += len(k) + len(v) + 4
	}
	sort.Strings(names)
	d := &lazyDoc{raw: make([]byte, 0, size), fieldsAt: make([]fieldSpan, 0, len(names))}
	d.raw = append(d.raw, '{')
	for i, k := range names {
		if i > 0 {
			d.raw = append(d.raw, ',')
		}
		kb, _ := json.Marshal(k)
		d.raw = append(d.raw, kb...)
		d.raw = append(d.raw, ':')
		start := len(d.raw)
		d.raw = append(d.raw, top[k]...)
		d.fieldsAt = append(d.fieldsAt, fieldSpan{name: internFieldName(k), start: uint32(start), end: uint32(len(d.raw))})
	}
	d.raw = append(d.raw, '}')
	return d
}

// fieldNames interns top-level field names: every order has the same
// forty-odd keys, and one copy of each serves them all.
var fieldNames sync.Map

func internFieldName(k string) string {
	v, _ := fieldNames.LoadOrStore(k, k)
	return v.(string)
}

// json returns the document's JSON, unpacking it when packed.
func (d *lazyDoc) json() []byte {
	if d.packer == nil {
		return d.raw
	}
	return d.packer.unpack(d.raw, d.size)
}

// packWith replaces raw by its deflated form.
func (d *lazyDoc) packWith(p *docPacker, w *flate.Writer) error {
	packed, err := p.pack(w, d.raw)
	if err != nil {
		return err
	}
	d.size, d.raw, d.packer = len(d.raw), packed, p
	return nil
}

// tree decodes the document afresh, so a caller can never change the
// stored copy.
func (d *lazyDoc) tree() map[string]any {
	dec := json.NewDecoder(bytes.NewReader(d.json()))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		// The bytes came from json.Marshal of a tree; failing to read them
		// back is a bug, not bad input.
		panic(fmt.Sprintf("shopifysim: decode stored document: %v", err))
	}
	return m
}

// lazyChild is an object nested in a lazy document (an order's line item
// or refund), reachable by its own GID through node and the root fields.
type lazyChild struct {
	parent *lazyDoc
	field  string // the parent's list holding the child, e.g. "lineItems"
	id     string
}

func (c *lazyChild) tree() map[string]any {
	for _, x := range asList(c.parent.tree()[c.field]) {
		if m, ok := x.(map[string]any); ok && str(m["id"]) == c.id {
			return m
		}
	}
	return nil
}

// objectOf returns a tree value as a decoded object: maps as they are,
// lazy documents and their children decoded.
func objectOf(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return x, true
	case *lazyDoc:
		return x.tree(), true
	case *lazyChild:
		m := x.tree()
		return m, m != nil
	}
	return nil, false
}

// fields decodes only the named top-level fields; the rest of the document
// is scanned but not built.
func (d *lazyDoc) fields(names []string) map[string]any {
	m := make(map[string]any, len(names))
	if !slices.ContainsFunc(names, func(n string) bool { return !slices.Contains(listingStringFields, n) }) {
		// Absent and null read alike in filtering and sorting: no value.
		for _, n := range names {
			if v, ok := d.known[n]; ok {
				m[n] = v
			}
		}
		return m
	}
	raw := d.json()
	for _, f := range d.fieldsAt {
		if slices.Contains(names, f.name) {
			m[f.name] = plain(json.RawMessage(raw[f.start:f.end]))
		}
	}
	return m
}

// shallow decodes the top level only: each field stays json.RawMessage
// until the executor reads it (see plain), so serving a few fields of an
// order does not build the whole order.
func (d *lazyDoc) shallow() map[string]any {
	m := make(map[string]any, len(d.fieldsAt))
	raw := d.json()
	for _, f := range d.fieldsAt {
		m[f.name] = json.RawMessage(raw[f.start:f.end:f.end])
	}
	return m
}

// plain returns a tree value decoded: a field left raw by shallow is
// decoded now (numbers as json.Number), anything else is returned as is.
func plain(v any) any {
	raw, ok := v.(json.RawMessage)
	if !ok {
		return v
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		panic(fmt.Sprintf("shopifysim: decode stored field: %v", err))
	}
	return out
}
