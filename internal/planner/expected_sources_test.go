package planner

import (
	"fmt"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
)

// TestExpectedBySource checks the splits of Shopify's expected totals that
// the reconciliation stores: per source they add up to ByDay exactly, every
// source with figures is listed in Sources, the refunds' part is ByDay's
// share that refunds book, and planning a shop in chunks (as ingest does in
// detail mode) gives each source the figures planning it whole gives.
func TestExpectedBySource(t *testing.T) {
	modes := []shopqb.Mode{shopqb.Detail, shopqb.Summary}
	refunded := 0
	for seed := uint64(1); seed <= 6; seed++ {
		for _, sales := range modes {
			for _, inv := range modes {
				name := fmt.Sprintf("seed%d-%s-sales-%s-inventory", seed, sales, inv)
				in := genInput(seed, sales, modes[seed%2], inv, modes[(seed/2)%2], seed%3 == 0)
				plan, err := Build(in)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				exp := plan.Expected
				listed := map[string]bool{}
				for _, s := range exp.Sources {
					listed[s] = true
				}
				sum := map[string]map[shopqb.Category]money.Cents{}
				refunds := map[string]map[shopqb.Category]money.Cents{}
				add := func(m map[string]map[shopqb.Category]money.Cents, d string, c shopqb.Category, a money.Cents) {
					if m[d] == nil {
						m[d] = map[shopqb.Category]money.Cents{}
					}
					m[d][c] += a
				}
				for src, cells := range exp.BySource {
					if !listed[src] {
						t.Errorf("%s: source %s has figures but is not listed", name, src)
					}
					for c, a := range cells {
						add(sum, c.Day, c.Category, a)
						if c.Refund {
							add(refunds, c.Day, c.Category, a)
						}
					}
				}
				equalDays(t, name+" by source", sum, exp.ByDay)
				equalDays(t, name+" refunds", refunds, exp.Refunds)
				refunded += len(exp.Refunds)
				if sales != shopqb.Detail || inv != shopqb.Detail {
					continue // summaries are planned from whole days, never in chunks
				}
				half := len(in.Orders) / 2
				first, second := in, in
				first.Orders, second.Orders = in.Orders[:half], in.Orders[half:]
				second.Payouts, second.PurchaseOrders = nil, nil
				chunked := map[string]map[Cell]money.Cents{}
				for _, part := range []Input{first, second} {
					p, err := Build(part)
					if err != nil {
						t.Fatalf("%s chunk: %v", name, err)
					}
					for src, cells := range p.Expected.BySource {
						chunked[src] = cells
					}
				}
				if fmt.Sprint(chunked) != fmt.Sprint(exp.BySource) {
					t.Errorf("%s: chunked figures differ from the whole plan's", name)
				}
			}
		}
	}
	if refunded == 0 {
		t.Error("no generated shop had a refund figure")
	}
}

func equalDays(t *testing.T, name string, got, want map[string]map[shopqb.Category]money.Cents) {
	t.Helper()
	for d, cats := range want {
		for c, a := range cats {
			if got[d][c] != a {
				t.Errorf("%s: %s %s: %s, want %s", name, d, c, got[d][c], a)
			}
		}
	}
	for d, cats := range got {
		for c, a := range cats {
			if want[d][c] != a {
				t.Errorf("%s: %s %s: %s, want %s", name, d, c, a, want[d][c])
			}
		}
	}
}
