package planner

import (
	"testing"

	"github.com/shopqb/shopqb"
)

func TestTmpManySim(t *testing.T) {
	for seed := int64(1); seed <= 60; seed++ {
		for _, sales := range []shopqb.Mode{shopqb.Detail, shopqb.Summary} {
			for _, inv := range []shopqb.Mode{shopqb.Detail, shopqb.Summary} {
				in, data := simInput(seed, sales, inv)
				plan, err := Build(in)
				if err != nil {
					t.Fatalf("seed %d %s/%s: %v", seed, sales, inv, err)
				}
				if len(plan.Warnings) > 0 {
					t.Errorf("seed %d: %q", seed, plan.Warnings)
				}
				assertReconciles(t, plan)
				assertSimTotals(t, plan, data)
			}
		}
	}
}
