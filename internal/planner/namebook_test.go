package planner

import (
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
			names := map[string]string{}
			book := NewNameBook(nil)
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
			if !maps.Equal(names, book.Names()) {
				t.Errorf("%s: %d names with the map, %d in the book", name, len(names), len(book.Names()))
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
	book := NewNameBook(map[string]string{"customer:earlier": "Earlier Customer"})
	if got := book.TakeAdded(); len(got) != 0 {
		t.Fatalf("a new book hands over the names it was made with: %v", got)
	}
	stored := map[string]string{"customer:earlier": "Earlier Customer"}
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
	if !maps.Equal(stored, book.Names()) {
		t.Errorf("the names handed over (%d) are not the book's (%d)", len(stored), len(book.Names()))
	}
	if len(stored) < 10 {
		t.Errorf("only %d names: nothing compared", len(stored))
	}
}
