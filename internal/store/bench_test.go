package store_test

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
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

// benchPostings is n orders of a plan chunk as the planner emits them: a
// customer, then its sales receipt of realistic size depending on it.
func benchPostings(prefix string, n int) []*shopqb.Posting {
	request := "<SalesReceiptAddRq><SalesReceiptAdd>" + strings.Repeat("<SalesReceiptLineAdd><ItemRef><FullName>Item</FullName></ItemRef><Quantity>1</Quantity><Amount>10.00</Amount></SalesReceiptLineAdd>", 12) + "</SalesReceiptAdd></SalesReceiptAddRq>"
	ps := make([]*shopqb.Posting, 0, 2*n)
	for i := range n {
		c := posting(fmt.Sprintf("%scustomer:%d", prefix, i), "CustomerAdd")
		o := posting(fmt.Sprintf("%sorder:%d:sale", prefix, i), "SalesReceiptAdd", c.Key, "item:Item")
		o.Request = request
		ps = append(ps, c, o)
	}
	return ps
}

// BenchmarkUpsertPostings measures filling the outbox with one plan chunk
// (500 orders, 1000 postings) — the sync's write path — and re-planning the
// same chunk unchanged, which a sync does for every order it re-reads.
//
//	go test -run '^$' -bench UpsertPostings ./internal/store/
func BenchmarkUpsertPostings(b *testing.B) {
	for _, backend := range storetest.Backends() {
		b.Run(backend+"/new", func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, backend)
			shop := storetest.MustShopID(b, db, "upsert-bench.myshopify.com")
			b.ResetTimer()
			for i := range b.N {
				ps := benchPostings(fmt.Sprintf("r%d:", i), 500)
				if ins, _, err := db.UpsertPostings(ctx, shop, ps); err != nil || ins != len(ps) {
					b.Fatalf("upsert = %d, %v", ins, err)
				}
			}
			b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "postings/s")
		})
		b.Run(backend+"/unchanged", func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, backend)
			shop := storetest.MustShopID(b, db, "upsert-bench.myshopify.com")
			ps := benchPostings("", 500)
			if _, _, err := db.UpsertPostings(ctx, shop, ps); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if ins, upd, err := db.UpsertPostings(ctx, shop, benchPostings("", 500)); err != nil || ins+upd != 0 {
					b.Fatalf("upsert = %d, %d, %v", ins, upd, err)
				}
			}
			b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "postings/s")
		})
	}
}

// BenchmarkUpdatePostings measures recording one Web Connector batch's
// results (50 postings, the engine's largest batch).
//
//	go test -run '^$' -bench UpdatePostings ./internal/store/
func BenchmarkUpdatePostings(b *testing.B) {
	for _, backend := range storetest.Backends() {
		b.Run(backend, func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, backend)
			shop := storetest.MustShopID(b, db, "update-bench.myshopify.com")
			ps := benchPostings("", 25)
			if _, _, err := db.UpsertPostings(ctx, shop, ps); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				for _, p := range ps {
					p.State, p.QBID, p.EditSequence = shopqb.Done, fmt.Sprintf("TXN-%d", i), "1"
				}
				if err := db.UpdatePostings(ctx, ps); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(ps)*b.N)/b.Elapsed().Seconds(), "postings/s")
		})
	}
}

// BenchmarkBatchLookups measures what the engine reads around each Web
// Connector round trip once the outbox holds a large shop (20,000 orders):
// whether work is ready, the batch's postings by id, and the counts by state.
//
//	go test -run '^$' -bench BatchLookups ./internal/store/
func BenchmarkBatchLookups(b *testing.B) {
	for _, backend := range storetest.Backends() {
		ctx := context.Background()
		db := storetest.Open(b, backend)
		shop := storetest.MustShopID(b, db, "lookup-bench.myshopify.com")
		if _, _, err := db.UpsertPostings(ctx, shop, []*shopqb.Posting{posting("item:Item", "ItemServiceAdd")}); err != nil {
			b.Fatal(err)
		}
		for i := range 40 {
			if _, _, err := db.UpsertPostings(ctx, shop, benchPostings(fmt.Sprintf("c%d:", i), 500)); err != nil {
				b.Fatal(err)
			}
		}
		// Half the outbox is done, as midway through a back-fill.
		for range 200 {
			got, err := db.ClaimReady(ctx, shop, time.Now(), 100, "bench")
			if err != nil {
				b.Fatal(err)
			}
			for _, p := range got {
				p.State = shopqb.Done
			}
			if err := db.UpdatePostings(ctx, got); err != nil {
				b.Fatal(err)
			}
		}
		batch, err := db.ClaimReady(ctx, shop, time.Now(), 50, "bench")
		if err != nil || len(batch) != 50 {
			b.Fatalf("claim = %d, %v", len(batch), err)
		}
		ids := make([]int64, len(batch))
		for i, p := range batch {
			ids[i] = p.ID
		}
		b.Run(backend+"/ReadyExists", func(b *testing.B) {
			for range b.N {
				if ok, err := db.ReadyExists(ctx, shop, time.Now()); err != nil || !ok {
					b.Fatalf("ReadyExists = %v, %v", ok, err)
				}
			}
		})
		b.Run(backend+"/PostingsByID", func(b *testing.B) {
			for range b.N {
				if got, err := db.PostingsByID(ctx, shop, ids); err != nil || len(got) != len(ids) {
					b.Fatalf("PostingsByID = %d, %v", len(got), err)
				}
			}
		})
		b.Run(backend+"/ListPostings-1000-after", func(b *testing.B) {
			// What the engine's postingsByID does today to find a batch.
			for range b.N {
				if _, err := db.ListPostings(ctx, shopqb.PostingFilter{ShopID: shop, AfterID: ids[0] - 1, Limit: 1000}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(backend+"/ListPostings-planned-500", func(b *testing.B) {
			// What the engine's readyExists reads today before its dependency lookups.
			for range b.N {
				if _, err := db.ListPostings(ctx, shopqb.PostingFilter{ShopID: shop, States: []shopqb.PostingState{shopqb.Planned}, Limit: 500}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(backend+"/CountPostingsIn-pending", func(b *testing.B) {
			for range b.N {
				if _, err := db.CountPostingsIn(ctx, shop, shopqb.Planned, shopqb.InDoubt, shopqb.Sent); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(backend+"/CountPostings", func(b *testing.B) {
			for range b.N {
				if _, err := db.CountPostings(ctx, shop); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRoundTripWrites measures what one Web Connector round trip
// writes to the outbox: claiming a batch of 50 postings of realistic size
// (request and planner content), then recording their results with
// QuickBooks' answers. It reports the cost per posting.
//
//	go test -run '^$' -bench RoundTripWrites ./internal/store/
func BenchmarkRoundTripWrites(b *testing.B) {
	for _, backend := range storetest.Backends() {
		b.Run(backend, func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, backend)
			shop := storetest.MustShopID(b, db, "roundtrip-bench.myshopify.com")
			const batch = 50
			answer := fillRoundTripOutbox(b, db, shop, b.N*batch)
			b.ResetTimer()
			cpu0 := processCPU(b)
			for i := range b.N {
				got, err := db.ClaimReady(ctx, shop, time.Now(), batch, fmt.Sprintf("ms-%d", i))
				if err != nil || len(got) != batch {
					b.Fatalf("claim = %d, %v", len(got), err)
				}
				answers := make(map[int64]string, len(got))
				for _, p := range got {
					p.State, p.QBID, p.EditSequence = shopqb.Done, fmt.Sprintf("TXN-%d", p.ID), "1"
					answers[p.ID] = answer
				}
				if err := db.RecordResults(ctx, shop, got, answers, time.Now()); err != nil {
					b.Fatal(err)
				}
			}
			// CPU rather than wall time: the machine may be shared.
			b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(batch*b.N), "cpu-µs/posting")
		})
	}
}

// fillRoundTripOutbox stores the postings of the round-trip benchmarks,
// of realistic size (request and planner content), for claims of n in all,
// and returns a QuickBooks answer of realistic size to record for each.
func fillRoundTripOutbox(b *testing.B, db *store.DB, shop int64, n int) string {
	ctx := context.Background()
	content := strings.Repeat(`{"line":"Item","amount":"10.00"},`, 25)
	for first := 0; first < n; first += 1000 {
		ps := benchPostings(fmt.Sprintf("r%d:", first), 500)
		for _, p := range ps {
			p.DependsOn, p.Content = nil, content
		}
		if _, _, err := db.UpsertPostings(ctx, shop, ps); err != nil {
			b.Fatal(err)
		}
	}
	return "<SalesReceiptAddRs statusCode=\"0\">" + strings.Repeat("<SalesReceiptLineRet><TxnLineID>1-1</TxnLineID></SalesReceiptLineRet>", 30) + "</SalesReceiptAddRs>"
}

// processCPU is the process's user and system CPU time so far.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRoundTripReads is BenchmarkRoundTripWrites with the reads of the
// engine's round trip: claim a batch, read it back by id when QuickBooks'
// answer comes, record the results. "full" reads whole postings
// (ClaimReady, PostingStatesByID), "narrow" what sending and recording use
// (ClaimRequests, PostingOutcomesByID), as the engine does.
//
//	go test -run '^$' -bench RoundTripReads ./internal/store/
func BenchmarkRoundTripReads(b *testing.B) {
	for _, backend := range storetest.Backends() {
		for _, narrow := range []bool{false, true} {
			name := backend + "/full"
			if narrow {
				name = backend + "/narrow"
			}
			b.Run(name, func(b *testing.B) {
				ctx := context.Background()
				db := storetest.Open(b, backend)
				shop := storetest.MustShopID(b, db, "roundtrip-bench.myshopify.com")
				const batch = 50
				answer := fillRoundTripOutbox(b, db, shop, b.N*batch)
				claim, read := db.ClaimReady, db.PostingStatesByID
				if narrow {
					claim, read = db.ClaimRequests, db.PostingOutcomesByID
				}
				b.ResetTimer()
				cpu0 := processCPU(b)
				for i := range b.N {
					got, err := claim(ctx, shop, time.Now(), batch, fmt.Sprintf("ms-%d", i))
					if err != nil || len(got) != batch {
						b.Fatalf("claim = %d, %v", len(got), err)
					}
					ids := make([]int64, len(got))
					for j, p := range got {
						ids[j] = p.ID
					}
					back, err := read(ctx, shop, ids)
					if err != nil || len(back) != batch {
						b.Fatalf("read back = %d, %v", len(back), err)
					}
					answers := make(map[int64]string, len(back))
					for _, p := range back {
						p.State, p.QBID, p.EditSequence = shopqb.Done, fmt.Sprintf("TXN-%d", p.ID), "1"
						answers[p.ID] = answer
					}
					if err := db.RecordResults(ctx, shop, back, answers, time.Now()); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(batch*b.N), "cpu-µs/posting")
			})
		}
	}
}
