package ingest

import (
	"sort"

	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/store"
)

// expectedFigures turns a plan's expected totals into what the commit step
// stores: every source the plan accounted for, replaced by its figures.
// The first commit of a plan of the whole shop replaces every figure, so a
// source no longer planned (an order now before the start date) leaves none.
func expectedFigures(t planner.Totals, replaceAll bool) *store.ExpectedFigures {
	f := &store.ExpectedFigures{ReplaceAll: replaceAll, Sources: t.Sources}
	for src, cells := range t.BySource {
		for c, a := range cells {
			if a != 0 {
				f.Rows = append(f.Rows, store.ExpectedRow{Source: src, Day: c.Day, Category: c.Category, Refund: c.Refund, Amount: a})
			}
		}
	}
	sort.Slice(f.Rows, func(i, j int) bool {
		a, b := f.Rows[i], f.Rows[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if a.Day != b.Day {
			return a.Day < b.Day
		}
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		return !a.Refund && b.Refund
	})
	return f
}
