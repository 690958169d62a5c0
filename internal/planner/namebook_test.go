package planner

import (
	"fmt"
	"maps"
	"testing"

	"github.com/shopqb/shopqb"
)

// TestNameBookPlansAsTheNameMap: a shop planned in several calls with one
// name book (Input.Book, each plan's names added to it) gets the postings
// and the names it gets when each call is handed the whole name map, and
// each call counts the same names and items as new (the list limits).
func TestNameBookPlansAsTheNameMap(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		for _, customers := range []shopqb.Mode{shopqb.Detail, shopqb.Summary} {
			in := genInput(seed, shopqb.Detail, customers, shopqb.Detail, shopqb.Summary, seed%3 == 0)
			orders := in.Orders
			name := fmt.Sprintf("seed %d, %s customers", seed, customers)
			withMap, withBook := map[string]string{}, map[string]string{}
			names := map[string]string{}
			book := NewNameBook(nil)
			for first := 0; first < len(orders); first += 3 {
				part := in
				part.Orders = orders[first:min(first+3, len(orders))]
				if first > 0 {
					part.Payouts, part.PurchaseOrders = nil, nil
				}
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
