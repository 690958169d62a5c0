package planner

import (
	"maps"
	"slices"

	"github.com/shopqb/shopqb/internal/money"
)

// DayCarry is what the orders planned so far add to the day summaries of
// a day planned in parts (Input.More): each summary's lines, payments and
// orders, and each day's cost of goods. The caller hands it from one part's
// Plan.Carry to the next part's Input.Carry and does not read it. It holds
// a few lines per day and location, not the orders, so a day of any size
// is planned a part at a time.
type DayCarry struct {
	sales, refunds map[string]*summaryGroup
	cogs           map[string]money.Cents
}

// summaryGroup is one summary being built: a day × location's sales or
// refunds, merged order by order in the order sortOrders gives.
type summaryGroup struct {
	date, locID, locName string
	ps                   *parts
	orders               []string
	// index is where each of ps's lines is (parts.lineIndex), made at the
	// group's first add in a plan.
	index map[[4]string]int
}

// add merges one order's sale or one refund into the summary.
func (g *summaryGroup) add(ps *parts, order string) {
	if g.index == nil {
		g.index = g.ps.lineIndex()
	}
	g.ps.merge(ps, g.index)
	g.orders = append(g.orders, order)
}

// carriedGroups are the groups of from, copied so that this plan's merges
// leave the caller's carry as it was (Build stays pure; drift plans twice
// from one Input).
func carriedGroups(from map[string]*summaryGroup) map[string]*summaryGroup {
	out := make(map[string]*summaryGroup, len(from))
	for k, g := range from {
		out[k] = &summaryGroup{date: g.date, locID: g.locID, locName: g.locName, ps: g.ps.clone(), orders: slices.Clone(g.orders)}
	}
	return out
}

// carry is the carry in, or an empty one.
func (p *planner) carry() *DayCarry {
	if p.in.Carry == nil {
		return &DayCarry{}
	}
	return p.in.Carry
}

// carriedCOGS is the cost of goods carried in, by day.
func (p *planner) carriedCOGS() map[string]money.Cents {
	return maps.Clone(p.carry().cogs)
}
