package stocky

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Archive is everything read from Stocky, by API or from files.
type Archive struct {
	PurchaseOrders   []PurchaseOrder
	Suppliers        []Supplier
	StockAdjustments []StockAdjustment
	StockTransfers   []StockTransfer
	// Skipped lists files (or list keys) holding resources shopqb does not
	// import, such as tax_types, so the merchant can see nothing was missed.
	Skipped []string
}

// ImportArchive reads a folder (searched recursively) of Stocky v2 JSON:
// API answers saved as files, in any of the shapes the API returns
// ({"purchase_orders":[…]}, {"purchase_order":{…}}) or as bare arrays and
// objects whose file or folder name says what they are
// (purchase_orders_0001.json, suppliers/12.json). A record found twice is
// kept once, the most recently updated copy.
//
// A file that cannot be read is reported, never silently dropped: the
// error lists every bad file, and the archive holds the records of all the
// others, so the caller can show both.
func ImportArchive(dir string) (*Archive, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("stocky archive: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("stocky archive: %s is not a folder", dir)
	}
	b := newArchiveBuilder()
	var problems []error
	files := 0
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", path, err))
			return nil
		}
		if d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".json") {
			return nil
		}
		files++
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", rel, err))
			return nil
		}
		if err := b.addFile(rel, data); err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", rel, err))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("stocky archive: %w", err)
	}
	if files == 0 {
		return nil, fmt.Errorf("stocky archive: no .json files in %s", dir)
	}
	a := b.archive()
	if len(problems) > 0 {
		return a, fmt.Errorf("stocky archive: %d of %d files could not be imported: %w", len(problems), files, errors.Join(problems...))
	}
	return a, nil
}

// kinds maps each list key, singular key and file-name stem to a resource.
var archiveKinds = []resource{resPurchaseOrders, resSuppliers, resStockAdjustments, resStockTransfers}

// ignoredKinds are Stocky resources shopqb does not book.
var ignoredKinds = []string{"stock_adjustment_items", "stock_adjustment_item", "tax_types", "tax_type"}

type archiveBuilder struct {
	records map[string]map[int64]json.RawMessage // resource path → id → record
	skipped []string
}

func newArchiveBuilder() *archiveBuilder {
	return &archiveBuilder{records: map[string]map[int64]json.RawMessage{}}
}

// kindFromName guesses the resource of a bare array or object from its
// path: the longest resource name that appears in it.
func kindFromName(rel string) (resource, bool) {
	name := strings.ToLower(filepath.ToSlash(rel))
	for _, ig := range ignoredKinds {
		if strings.Contains(name, ig) {
			return resource{}, false
		}
	}
	for _, k := range archiveKinds {
		if strings.Contains(name, k.singular) { // "purchase_order" also matches "purchase_orders"
			return k, true
		}
	}
	return resource{}, false
}

func (b *archiveBuilder) addFile(rel string, data []byte) error {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(data) == 0 {
		return errors.New("empty file")
	}
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		return fmt.Errorf("not valid JSON: %w", err)
	}
	if data[0] == '[' {
		k, ok := kindFromName(rel)
		if !ok {
			if isIgnoredName(rel) {
				b.skipped = append(b.skipped, rel)
				return nil
			}
			return errors.New("a bare list, and the file name does not say what it holds")
		}
		return b.addList(k, data)
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(data, &env); err != nil {
		return fmt.Errorf("not a JSON object or list: %w", err)
	}
	found := false
	for _, k := range archiveKinds {
		if raw, ok := env[k.plural]; ok {
			found = true
			if err := b.addList(k, raw); err != nil {
				return fmt.Errorf("%s: %w", k.plural, err)
			}
		}
		if raw, ok := env[k.singular]; ok {
			found = true
			if err := b.addRecord(k, raw); err != nil {
				return fmt.Errorf("%s: %w", k.singular, err)
			}
		}
	}
	for _, ig := range ignoredKinds {
		if _, ok := env[ig]; ok {
			found = true
			b.skipped = append(b.skipped, rel+" ("+ig+")")
		}
	}
	if found {
		return nil
	}
	if _, ok := env["id"]; ok {
		if k, ok := kindFromName(rel); ok {
			return b.addRecord(k, data)
		}
		if isIgnoredName(rel) {
			b.skipped = append(b.skipped, rel)
			return nil
		}
		return errors.New("a single record, and the file name does not say what it is")
	}
	if msg, ok := env["error"]; ok {
		return fmt.Errorf("a saved error answer, not data: %s", truncate(msg))
	}
	return errors.New("no Stocky records found (expected purchase_orders, suppliers, stock_adjustments or stock_transfers)")
}

func isIgnoredName(rel string) bool {
	name := strings.ToLower(rel)
	for _, ig := range ignoredKinds {
		if strings.Contains(name, ig) {
			return true
		}
	}
	return false
}

func (b *archiveBuilder) addList(k resource, raw json.RawMessage) error {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return fmt.Errorf("expected a list: %w", err)
	}
	for i, it := range items {
		if err := b.addRecord(k, it); err != nil {
			return fmt.Errorf("record %d: %w", i+1, err)
		}
	}
	return nil
}

// addRecord checks that a record decodes and keeps the newest copy of each id.
func (b *archiveBuilder) addRecord(k resource, raw json.RawMessage) error {
	id, err := recordID(raw)
	if err != nil {
		return err
	}
	if err := checkDecodes(k, raw); err != nil {
		return fmt.Errorf("id %d: %w", id, err)
	}
	m := b.records[k.path]
	if m == nil {
		m = map[int64]json.RawMessage{}
		b.records[k.path] = m
	}
	if old, ok := m[id]; ok && !newer(raw, old) {
		return nil
	}
	m[id] = append(json.RawMessage(nil), raw...)
	return nil
}

func checkDecodes(k resource, raw json.RawMessage) error {
	var err error
	switch k.path {
	case resPurchaseOrders.path:
		err = json.Unmarshal(raw, new(PurchaseOrder))
	case resSuppliers.path:
		err = json.Unmarshal(raw, new(Supplier))
	case resStockAdjustments.path:
		err = json.Unmarshal(raw, new(StockAdjustment))
	case resStockTransfers.path:
		err = json.Unmarshal(raw, new(StockTransfer))
	}
	return err
}

// newer reports whether a's updated_at is later than b's. Unparseable or
// missing dates keep the copy already held.
func newer(a, b json.RawMessage) bool {
	var x, y struct {
		UpdatedAt Time `json:"updated_at"`
	}
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	ta, okA, errA := x.UpdatedAt.Parse(DateConvention{})
	tb, okB, errB := y.UpdatedAt.Parse(DateConvention{})
	if errA != nil || errB != nil || !okA || !okB {
		return false
	}
	return ta.After(tb)
}

func sortedIDs(m map[int64]json.RawMessage) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

func (b *archiveBuilder) archive() *Archive {
	a := &Archive{Skipped: b.skipped}
	for _, id := range sortedIDs(b.records[resPurchaseOrders.path]) {
		raw := b.records[resPurchaseOrders.path][id]
		var p PurchaseOrder
		_ = json.Unmarshal(raw, &p) // checked in addRecord
		p.Raw = raw
		a.PurchaseOrders = append(a.PurchaseOrders, p)
	}
	for _, id := range sortedIDs(b.records[resSuppliers.path]) {
		raw := b.records[resSuppliers.path][id]
		var s Supplier
		_ = json.Unmarshal(raw, &s)
		s.Raw = raw
		a.Suppliers = append(a.Suppliers, s)
	}
	for _, id := range sortedIDs(b.records[resStockAdjustments.path]) {
		raw := b.records[resStockAdjustments.path][id]
		var s StockAdjustment
		_ = json.Unmarshal(raw, &s)
		s.Raw = raw
		a.StockAdjustments = append(a.StockAdjustments, s)
	}
	for _, id := range sortedIDs(b.records[resStockTransfers.path]) {
		raw := b.records[resStockTransfers.path][id]
		var s StockTransfer
		_ = json.Unmarshal(raw, &s)
		s.Raw = raw
		a.StockTransfers = append(a.StockTransfers, s)
	}
	return a
}
