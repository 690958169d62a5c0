package planner

import (
	"testing"

	"github.com/shopqb/shopqb/internal/money"
)

// FuzzBuildOrder perturbs the amounts of a real-shaped order (a golden case)
// and checks that Build either refuses it with an error or returns a plan
// that balances and reconciles: never a panic, never a plan that is off.
func FuzzBuildOrder(f *testing.F) {
	f.Add(int64(0), int64(0), int64(0), int64(0), uint8(0))
	f.Add(int64(1), int64(0), int64(0), int64(-1), uint8(1))
	f.Add(int64(-500), int64(500), int64(0), int64(0), uint8(2))
	f.Add(int64(0), int64(0), int64(-647), int64(647), uint8(3))
	f.Add(int64(9_000_000_00), int64(0), int64(1), int64(0), uint8(4))
	f.Fuzz(func(t *testing.T, dLine, dDisc, dChange, dTotal int64, which uint8) {
		in := goldenCase(t, "split-tender-with-change")
		o := &in.Orders[0]
		li := &o.LineItems[int(which)%len(o.LineItems)]
		li.OriginalTotalSet.ShopMoney.Amount += money.Cents(dLine)
		if len(li.DiscountAllocations) > 0 {
			li.DiscountAllocations[0].AllocatedAmountSet.ShopMoney.Amount += money.Cents(dDisc)
		}
		o.Transactions[4].AmountSet.ShopMoney.Amount += money.Cents(dChange)
		o.TotalPriceSet.ShopMoney.Amount += money.Cents(dTotal)
		o.TaxesIncluded = which%2 == 1
		plan, err := Build(in)
		if err != nil {
			return
		}
		var sum money.Cents
		for _, a := range plan.Ledger.ByCategory {
			sum += a
		}
		if sum != 0 {
			t.Fatalf("plan does not balance: %s", sum)
		}
		for c, a := range plan.Expected.ByCategory {
			if plan.Ledger.ByCategory[c] != a {
				t.Fatalf("category %s: ledger %s, expected %s", c, plan.Ledger.ByCategory[c], a)
			}
		}
	})
}
