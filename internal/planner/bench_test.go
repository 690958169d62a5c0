package planner

import (
	"testing"
	"time"

	"github.com/shopqb/shopqb"
)

// benchInput is a detail-mode shop of a few hundred generated orders over
// two weeks, with refunds: the shape of one back-fill batch.
func benchInput() Input {
	g := newShopGen(7, false)
	in := baseInput()
	in.Shop.Settings.ClassPerLocation = true
	in.Company.Edition = "enterprise"
	day := time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)
	for d := 0; d < 14; d++ {
		for i := 0; i < 30; i++ {
			o := g.order(day.Add(time.Duration(d) * 24 * time.Hour))
			if g.r.IntN(4) == 0 {
				g.refund(&o)
			}
			in.Orders = append(in.Orders, o)
		}
	}
	in.Variants = g.variants
	return in
}

// BenchmarkBuild plans one back-fill batch in detail sales mode: rendering
// and marshalling every posting is most of what a back-fill's planning costs.
func BenchmarkBuild(b *testing.B) {
	for _, mode := range []shopqb.Mode{shopqb.Detail, shopqb.Summary} {
		b.Run(string(mode), func(b *testing.B) {
			in := benchInput()
			in.Shop.Settings.SalesMode = mode
			if _, err := Build(in); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := Build(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
