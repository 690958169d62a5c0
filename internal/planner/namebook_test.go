package planner

import (
	"errors"
	"fmt"
	"maps"
	"testing"

	"github.com/shopqb/shopqb"
)

// inParts splits in into planner calls of size orders each, as a shop is
// planned in several calls; the payouts and purchase orders go with the first.
func inParts(in Input, size int) []Input {
	var parts []Input
	for first := 0; first < len(in.Orders); first += size {
		part := in
		part.Orders = in.Orders[first:min(first+size, len(in.Orders))]
		if first > 0 {
			part.Payouts, part.PurchaseOrders = nil, nil
		}
		parts = append(parts, part)
	}
	return parts
}

// TestNameBookPlansAsTheNameMap: a shop planned in several calls with one
// name book (Input.Book, each plan's names added to it) gets the postings
// and the names it gets when each call is handed the whole name map, and
// each call counts the same names and items as new (the list limits).
func TestNameBookPlansAsTheNameMap(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		for _, customers := range []shopqb.Mode{shopqb.Detail, shopqb.Summary} {
			in := genInput(seed, shopqb.Detail, customers, shopqb.Detail, shopqb.Summary, seed%3 == 0)
			name := fmt.Sprintf("seed %d, %s customers", seed, customers)
			withMap, withBook := map[string]string{}, map[string]string{}
			names, stored := map[string]string{}, MapNames{}
			book, err := NewNameBook(stored)
			if err != nil {
				t.Fatal(err)
			}
			for i, part := range inParts(in, 3) {
				first := 3 * i
				part.Names = names
				a, err := Build(part)
				if err != nil {
					t.Fatal(err)
				}
				names = a.Names
				part.Names, part.Book = nil, book
				b, err := Build(part)
				if err != nil {
					t.Fatal(err)
				}
				book.Add(b.Names)
				maps.Copy(stored, book.TakeAdded())
				if a.NewNames != b.NewNames || a.NewItems != b.NewItems {
					t.Errorf("%s: orders from %d add %d names and %d items with the map, %d and %d with the book",
						name, first, a.NewNames, a.NewItems, b.NewNames, b.NewItems)
				}
				for _, ps := range a.Postings {
					withMap[ps.Key] = ps.PlanHash
				}
				for _, ps := range b.Postings {
					withBook[ps.Key] = ps.PlanHash
				}
			}
			if !maps.Equal(withMap, withBook) {
				for k, h := range withMap {
					if withBook[k] != h {
						t.Errorf("%s: %s planned with the map %q, with the book %q", name, k, h, withBook[k])
					}
				}
				t.Errorf("%s: %d postings with the map, %d with the book", name, len(withMap), len(withBook))
			}
			if !maps.Equal(names, map[string]string(stored)) {
				t.Errorf("%s: %d names with the map, %d stored from the book", name, len(names), len(stored))
			}
			if len(names) < 10 {
				t.Errorf("%s: only %d names: nothing compared", name, len(names))
			}
		}
	}
}

// TestNameBookTakeAdded: the book hands over each name once, when Add gave
// it a key that had none or another, and never the names it was made with
// or that a plan only kept; the names handed over add up to the book.
func TestNameBookTakeAdded(t *testing.T) {
	in := genInput(5, shopqb.Detail, shopqb.Detail, shopqb.Detail, shopqb.Summary, false)
	orders := in.Orders
	stored := MapNames{"customer:earlier": "Earlier Customer"}
	book, err := NewNameBook(stored)
	if err != nil {
		t.Fatal(err)
	}
	if got := book.TakeAdded(); len(got) != 0 {
		t.Fatalf("a new book hands over the names it was made with: %v", got)
	}
	for i, part := range inParts(in, 3) {
		first := 3 * i
		part.Book = book
		plan, err := Build(part)
		if err != nil {
			t.Fatal(err)
		}
		book.Add(plan.Names)
		added := book.TakeAdded()
		for k, n := range added {
			if old, ok := stored[k]; ok && old == n {
				t.Errorf("orders from %d: %s = %q handed over again", first, k, n)
			}
		}
		maps.Copy(stored, added)
		if again := book.TakeAdded(); len(again) != 0 {
			t.Fatalf("orders from %d: a second TakeAdded hands over %d names", first, len(again))
		}
	}
	// The first part again: every name it gives is kept, nothing is new.
	part := in
	part.Orders, part.Book = orders[:min(3, len(orders))], book
	plan, err := Build(part)
	if err != nil {
		t.Fatal(err)
	}
	book.Add(plan.Names)
	if got := book.TakeAdded(); len(got) != 0 {
		t.Errorf("planning the first orders again hands over %d names: %v", len(got), got)
	}
	book.Add(map[string]string{"customer:earlier": "Renamed Customer"})
	if got := book.TakeAdded(); len(got) != 1 || got["customer:earlier"] != "Renamed Customer" {
		t.Errorf("a changed name is handed over as %v", got)
	}
	stored["customer:earlier"] = "Renamed Customer"
	if len(stored) < 10 {
		t.Errorf("only %d names: nothing compared", len(stored))
	}
}

// countingNames is a NameSource over names that counts what the book asks
// it, and how much of it was not stored.
type countingNames struct {
	names                     MapNames
	reads, missed             int
	holderReads, holderMissed int
	fail                      error
}

func (c *countingNames) Each(fn func(key, name string) error) error { return c.names.Each(fn) }

func (c *countingNames) Name(key string) (string, bool, error) {
	c.reads++
	if c.fail != nil {
		return "", false, c.fail
	}
	n, ok := c.names[key]
	if !ok {
		c.missed++
	}
	return n, ok, nil
}

func (c *countingNames) Holders(folded string) ([]string, error) {
	c.holderReads++
	keys, _ := c.names.Holders(folded)
	if len(keys) == 0 {
		c.holderMissed++
	}
	return keys, nil
}

// TestNameBookReadsOnlyStoredNames: a shop planned in parts with one book
// over a source reads from the source only keys and names it holds (the
// filter answers the rest), and planning it all again reads its names back
// and gives none.
func TestNameBookReadsOnlyStoredNames(t *testing.T) {
	in := genInput(7, shopqb.Detail, shopqb.Detail, shopqb.Detail, shopqb.Summary, false)
	src := &countingNames{names: MapNames{}}
	book, err := NewNameBook(src)
	if err != nil {
		t.Fatal(err)
	}
	planAll := func() {
		for _, part := range inParts(in, 2) {
			part.Book = book
			plan, err := Build(part)
			if err != nil {
				t.Fatal(err)
			}
			book.Add(plan.Names)
			maps.Copy(src.names, book.TakeAdded())
		}
	}
	planAll()
	if src.missed != 0 || src.holderMissed != 0 {
		t.Errorf("the book read %d keys and %d names its source does not hold (of %d and %d reads)",
			src.missed, src.holderMissed, src.reads, src.holderReads)
	}
	if len(src.names) < 10 {
		t.Fatalf("only %d names: nothing compared", len(src.names))
	}
	if src.reads == 0 {
		t.Errorf("no customer or item of one part was read back in a later one")
	}
	stored := maps.Clone(src.names)
	reread, err := NewNameBook(src)
	if err != nil {
		t.Fatal(err)
	}
	book, src.reads = reread, 0
	planAll()
	if !maps.Equal(stored, src.names) {
		t.Errorf("planning again changed the names: %d before, %d after", len(stored), len(src.names))
	}
	if src.reads < len(in.Orders) {
		t.Errorf("planning %d orders again read %d names", len(in.Orders), src.reads)
	}
}

// TestNameBookSourceFailureFailsThePlan: a name the source could not read
// fails the plan, rather than being given again.
func TestNameBookSourceFailureFailsThePlan(t *testing.T) {
	in := genInput(3, shopqb.Detail, shopqb.Detail, shopqb.Detail, shopqb.Summary, false)
	first, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	down := errors.New("database gone")
	book, err := NewNameBook(&countingNames{names: MapNames(first.Names), fail: down})
	if err != nil {
		t.Fatal(err)
	}
	in.Book = book
	if _, err := Build(in); !errors.Is(err, down) {
		t.Fatalf("a plan over a failing source: %v", err)
	}
}

// TestNameBookForgetRefNumbers: a shop planned in parts whose names are
// never stored (the start's dry check), forgetting each part's reference
// numbers, counts every part's new names and items as planning with the
// whole name map does, and keeps only list names.
func TestNameBookForgetRefNumbers(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		in := genInput(seed, shopqb.Detail, shopqb.Detail, shopqb.Detail, shopqb.Summary, seed%2 == 0)
		names := map[string]string{}
		book, err := NewNameBook(nil)
		if err != nil {
			t.Fatal(err)
		}
		refs := 0
		for i, part := range inParts(in, 3) {
			part.Names = names
			a, err := Build(part)
			if err != nil {
				t.Fatal(err)
			}
			names = a.Names
			part.Names, part.Book = nil, book
			b, err := Build(part)
			if err != nil {
				t.Fatal(err)
			}
			book.Add(b.Names)
			book.ForgetRefNumbers()
			if a.NewNames != b.NewNames || a.NewItems != b.NewItems {
				t.Errorf("seed %d, orders from %d: %d names and %d items new with the map, %d and %d with the book",
					seed, 3*i, a.NewNames, a.NewItems, b.NewNames, b.NewItems)
			}
		}
		for k := range names {
			if !isListKey(k) {
				refs++
				continue
			}
			if _, ok := book.added[k]; !ok {
				t.Errorf("seed %d: list name %s forgotten", seed, k)
			}
		}
		for k := range book.added {
			if !isListKey(k) {
				t.Errorf("seed %d: %s kept", seed, k)
			}
		}
		if refs == 0 {
			t.Errorf("seed %d: no reference numbers: nothing forgotten", seed)
		}
	}
}
