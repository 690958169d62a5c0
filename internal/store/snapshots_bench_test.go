package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// BenchmarkPutSnapshotsAtScale measures what a back-fill's storing of
// orders costs per order as the shop grows: orders of realistic size (7 KB
// of JSON, a customer of a quarter as many, a refund on one in ten) in
// batches of 200, as ingest's stash stores them, in the order a bulk read
// returns them (not the GID order). A write path whose cost per order
// grows with the shop shows as a higher figure at 100,000 than at 10,000.
// It reports CPU per order (the machine may be shared) and the bytes the
// process wrote and read per order (/proc/self/io: the WAL, the
// checkpoints and the pages read back).
//
//	go test -run '^$' -bench PutSnapshotsAtScale -benchtime 1x ./internal/store/
func BenchmarkPutSnapshotsAtScale(b *testing.B) {
	for _, backend := range storetest.Backends() {
		for _, orders := range []int{10_000, 100_000} {
			b.Run(fmt.Sprintf("%s/%d", backend, orders), func(b *testing.B) {
				ctx := context.Background()
				var cpu time.Duration
				var wrote, read int64
				for range b.N {
					db := storetest.Open(b, backend)
					shop := storetest.MustShopID(b, db, "scale-bench.myshopify.com")
					snaps := scaleOrders(shop, orders)
					cpu0, w0, r0 := processCPU(b), ioBytes(b, "wchar"), ioBytes(b, "rchar")
					for first := 0; first < len(snaps); first += 200 {
						if _, err := db.PutSnapshots(ctx, snaps[first:min(first+200, len(snaps))]); err != nil {
							b.Fatal(err)
						}
					}
					cpu += processCPU(b) - cpu0
					wrote += ioBytes(b, "wchar") - w0
					read += ioBytes(b, "rchar") - r0
				}
				n := float64(orders * b.N)
				b.ReportMetric(float64(cpu.Microseconds())/n, "cpu-µs/order")
				b.ReportMetric(float64(wrote)/n, "written-B/order")
				b.ReportMetric(float64(read)/n, "read-B/order")
			})
		}
	}
}

// scaleOrders is n order snapshots of shop in the order a bulk read
// returns them: runs of a few orders in GID order, the runs shuffled, over
// 60 days.
func scaleOrders(shop int64, n int) []*shopqb.Snapshot {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	base := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	lines := strings.Repeat(`{"title":"Item","quantity":1,"originalUnitPriceSet":{"shopMoney":{"amount":"10.00","currencyCode":"USD"}},`+
		`"taxLines":[{"title":"Tax","rate":0.08,"priceSet":{"shopMoney":{"amount":"0.80","currencyCode":"USD"}}}]},`, 24)
	order := func(i int) *shopqb.Snapshot {
		number := 1001 + i
		gid := "gid://shopify/Order/" + strconv.Itoa(5100000000000+i)
		at := base.Add(time.Duration(i) * 60 * 24 * time.Hour / time.Duration(n))
		customer := rng.IntN(max(n/4, 1))
		f := &shopqb.SnapshotFacts{Name: "#" + strconv.Itoa(number), At: at, Events: []time.Time{at},
			Customer: fmt.Sprintf("Customer %d %x", customer, customer*2654435761), Email: fmt.Sprintf("c%d@example.com", customer)}
		if i%10 == 0 {
			f.Events = append(f.Events, at.Add(72*time.Hour))
		}
		body := fmt.Appendf(nil, `{"id":%q,"name":%q,"processedAt":%q,"customer":{"displayName":%q,"defaultEmailAddress":{"emailAddress":%q}},"lineItems":[%s]}`,
			gid, f.Name, at.Format(time.RFC3339), f.Customer, f.Email, strings.TrimSuffix(lines, ","))
		return &shopqb.Snapshot{ShopID: shop, Kind: "order", GID: gid, UpdatedAt: at.Add(time.Hour), Body: body, FetchedAt: base, Facts: f}
	}
	var runs [][]*shopqb.Snapshot
	for i := 0; i < n; {
		k := min(1+rng.IntN(12), n-i)
		run := make([]*shopqb.Snapshot, k)
		for j := range run {
			run[j] = order(i + j)
		}
		runs = append(runs, run)
		i += k
	}
	rng.Shuffle(len(runs), func(i, j int) { runs[i], runs[j] = runs[j], runs[i] })
	out := make([]*shopqb.Snapshot, 0, n)
	for _, run := range runs {
		out = append(out, run...)
	}
	return out
}

// ioBytes is one counter of /proc/self/io ("wchar": bytes the process
// passed to write calls; "rchar": to read calls), 0 where there is none.
func ioBytes(tb testing.TB, counter string) int64 {
	raw, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, counter+": "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				tb.Fatalf("/proc/self/io %s: %v", counter, err)
			}
			return n
		}
	}
	return 0
}
