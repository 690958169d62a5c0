package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// BenchmarkOutboxDrain measures the outbox's own cost per posting — plan
// (UpsertPostings in batches of 500), claim in batches of 100, record the
// results — for orders that each depend on their customer. "interleaved"
// is the planner's natural order (customer, then its order); "orders-first"
// is the worst case for ClaimReady, which must skip every blocked order.
//
//	go test -run '^$' -bench OutboxDrain -benchtime 1x ./internal/store/
func BenchmarkOutboxDrain(b *testing.B) {
	for _, backend := range storetest.Backends() {
		for _, order := range []string{"interleaved", "orders-first"} {
			b.Run(backend+"/"+order, func(b *testing.B) {
				const orders = 5000
				ctx := context.Background()
				var total time.Duration
				for range b.N {
					db := storetest.Open(b, backend)
					shop := storetest.MustShopID(b, db, "bench.myshopify.com")
					var ps []*shopqb.Posting
					for i := range orders {
						c := posting(fmt.Sprintf("customer:%d", i), "CustomerAdd")
						o := posting(fmt.Sprintf("order:%d:sale", i), "SalesReceiptAdd", c.Key)
						ps = append(ps, c, o)
					}
					if order == "orders-first" {
						var reordered []*shopqb.Posting
						for i := 1; i < len(ps); i += 2 {
							reordered = append(reordered, ps[i])
						}
						for i := 0; i < len(ps); i += 2 {
							reordered = append(reordered, ps[i])
						}
						ps = reordered
					}
					start := time.Now()
					for i := 0; i < len(ps); i += 500 {
						if _, _, err := db.UpsertPostings(ctx, shop, ps[i:min(i+500, len(ps))]); err != nil {
							b.Fatal(err)
						}
					}
					done := 0
					for done < len(ps) {
						got, err := db.ClaimReady(ctx, shop, time.Now(), 100, "bench")
						if err != nil {
							b.Fatal(err)
						}
						if len(got) == 0 {
							b.Fatalf("stuck after %d of %d postings", done, len(ps))
						}
						for _, p := range got {
							p.State, p.QBID = shopqb.Done, "TXN"
						}
						if err := db.UpdatePostings(ctx, got); err != nil {
							b.Fatal(err)
						}
						done += len(got)
					}
					total += time.Since(start)
				}
				b.ReportMetric(float64(2*orders*b.N)/total.Seconds(), "postings/s")
			})
		}
	}
}
