package planner

import (
	"fmt"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopify"
)

// TestDayInPartsBooksAsTheWholeDay: the orders booking on a day, planned
// in parts in sortOrders' order (Input.More, each part's Plan.Carry handed
// to the next), give the postings the day planned in one call gives: the
// day's sales and refund summaries and its cost of goods in the last part,
// each order's own documents in its part.
func TestDayInPartsBooksAsTheWholeDay(t *testing.T) {
	summaries := 0
	for seed := uint64(1); seed <= 12; seed++ {
		for _, sales := range []shopqb.Mode{shopqb.Detail, shopqb.Summary} {
			in := genInput(seed, sales, shopqb.Summary, shopqb.Summary, shopqb.Summary, seed%3 == 0)
			in.Payouts, in.PurchaseOrders = nil, nil
			loc, err := time.LoadLocation(in.Shop.TimeZone)
			if err != nil {
				t.Fatal(err)
			}
			p := &planner{loc: loc}
			count := map[string]int{}
			for i := range in.Orders {
				for _, d := range bookDays(p, &in.Orders[i]) {
					count[d]++
				}
			}
			day := ""
			for d, n := range count {
				if n > count[day] || (n == count[day] && d < day) {
					day = d
				}
			}
			var orders []shopify.Order
			for _, o := range sortOrders(in.Orders) {
				for _, d := range bookDays(p, o) {
					if d == day {
						orders = append(orders, *o)
						break
					}
				}
			}
			in.Days = map[string]bool{day: true}
			in.Orders = orders
			whole, err := Build(in)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			names := in.Names
			var carry *DayCarry
			for first := 0; first < len(orders); first += 2 {
				part := in
				part.Orders = orders[first:min(first+2, len(orders))]
				part.Names, part.Carry, part.More = names, carry, first+2 < len(orders)
				plan, err := Build(part)
				if err != nil {
					t.Fatal(err)
				}
				for _, ps := range plan.Postings {
					got[ps.Key] = ps.PlanHash
				}
				names, carry = plan.Names, plan.Carry
			}
			name := fmt.Sprintf("seed %d, %s sales, day %s of %d orders", seed, sales, day, len(orders))
			for _, ps := range whole.Postings {
				if ps.TxnDate == day && (len(ps.Key) > 8 && ps.Key[:8] == "summary:" || len(ps.Key) > 5 && ps.Key[:5] == "cogs:") {
					summaries++
				}
				if got[ps.Key] != ps.PlanHash {
					t.Errorf("%s: %s planned in parts %q, whole %q", name, ps.Key, got[ps.Key], ps.PlanHash)
				}
			}
			if len(got) != len(whole.Postings) {
				t.Errorf("%s: %d postings in parts, %d whole", name, len(got), len(whole.Postings))
			}
		}
	}
	if summaries == 0 {
		t.Fatal("no day summary planned: nothing compared")
	}
}

// bookDays are the days an order books on: its sale, refunds and edits.
func bookDays(p *planner, o *shopify.Order) []string {
	days := []string{p.date(o.ProcessedAt)}
	for i := range o.Refunds {
		days = append(days, p.date(refundTime(&o.Refunds[i])))
	}
	for _, ag := range o.Agreements {
		if ag.Reason == "ORDER_EDIT" {
			days = append(days, p.date(ag.HappenedAt))
		}
	}
	return days
}

// TestCarryHoldsNotThePlanner: a part's Plan.Carry, which the caller keeps
// for the next part, does not keep the part's planner (its orders and
// documents) alive: were it to, a day planned in parts would hold every
// part planned so far, and a day's memory would grow with its orders.
func TestCarryHoldsNotThePlanner(t *testing.T) {
	in := genInput(1, shopqb.Summary, shopqb.Summary, shopqb.Summary, shopqb.Summary, false)
	in.Payouts, in.PurchaseOrders = nil, nil
	in.More = true
	carry, planner := planPart(t, in)
	if carry == nil {
		t.Fatal("a part with more to follow handed no carry on")
	}
	runtime.GC() // clears a weak pointer to what it found unreachable
	if planner.Value() != nil {
		t.Error("the planner of a part is still reachable from its carry")
	}
	runtime.KeepAlive(carry)
}

// planPart plans in and returns its carry and a weak pointer to its planner.
func planPart(t *testing.T, in Input) (*DayCarry, weak.Pointer[planner]) {
	t.Helper()
	p, plan, err := build(in)
	if err != nil {
		t.Fatal(err)
	}
	return plan.Carry, weak.Make(p)
}
