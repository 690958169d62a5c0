package syncengine_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/qbdsim"
	"github.com/shopqb/shopqb/internal/qbwc"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/store/storetest"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// BenchmarkPostingRoundTrips drains an outbox of customers and their sales
// receipts through the Web Connector endpoint, driven by the QuickBooks
// simulator in this process, and reports the process's CPU time per
// posting (CPU, not wall time: the machine may be shared). The simulator's
// own work is in the figure too; a CPU profile focused on qbwc's handler
// separates shopqb's share:
//
//	go test -run '^$' -bench PostingRoundTrips -benchtime 1x -cpuprofile cpu.pprof ./internal/syncengine/
//	go tool pprof -top -cum -focus 'qbwc.\(\*handler\).ServeHTTP' cpu.pprof
func BenchmarkPostingRoundTrips(b *testing.B) {
	for _, backend := range storetest.Backends() {
		b.Run(backend, func(b *testing.B) {
			const orders = 4000
			ctx := context.Background()
			var took time.Duration
			postings := 0
			for range b.N {
				db := storetest.Open(b, backend)
				eng := syncengine.New(syncengine.Options{Store: db})
				srv := httptest.NewServer(qbwc.NewHandler(eng, qbwc.HandlerOptions{Log: slog.New(slog.DiscardHandler)}))
				settings := shopqb.DefaultSettings()
				reg, err := admin(db, eng).Register(ctx, shopadmin.Registration{Domain: "bench.myshopify.com",
					TimeZone: "America/New_York", Settings: &settings}, "bench")
				if err != nil {
					b.Fatal(err)
				}
				// The outbox is filled directly, as a started shop's: before
				// the start nothing is sent.
				started := time.Now()
				reg.Shop.StartedAt = &started
				if err := db.UpdateShop(ctx, reg.Shop); err != nil {
					b.Fatal(err)
				}
				company := qbdsim.NewCompany(qbdsim.CompanyOptions{Edition: qbdsim.Enterprise, Name: "bench",
					FilePath: `C:\QB\bench.qbw`, SalesTaxOn: true, DefaultTaxItemZeroRate: true, Inventory: true})
				wc := &qbdsim.WebConnector{AppURL: srv.URL, UserName: reg.Shop.QBWCUser, Password: reg.AppToken, Company: company}
				if _, err := wc.RunSession(ctx); err != nil { // the preflight
					b.Fatal(err)
				}
				ps := benchOutbox(b, reg.Shop.Domain, orders)
				if _, _, err := db.UpsertPostings(ctx, reg.Shop.ID, ps); err != nil {
					b.Fatal(err)
				}
				cpu0 := processCPU(b)
				for {
					res, err := wc.RunSession(ctx)
					if err != nil {
						b.Fatal(err)
					}
					if res.AuthStatus == "none" {
						break
					}
				}
				took += processCPU(b) - cpu0
				c, err := db.CountPostings(ctx, reg.Shop.ID)
				if err != nil {
					b.Fatal(err)
				}
				if c[shopqb.Done] != len(ps) {
					b.Fatalf("%d of %d postings done: %v", c[shopqb.Done], len(ps), c)
				}
				postings += len(ps)
				srv.Close()
			}
			b.ReportMetric(float64(took.Microseconds())/float64(postings), "cpu-µs/posting")
		})
	}
}

// processCPU is the process's user and system CPU time so far.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchOutbox is a service item, then n customers each followed by a sales
// receipt of three lines that depends on it and on the item.
func benchOutbox(tb testing.TB, domain string, n int) []*shopqb.Posting {
	tb.Helper()
	marshal := func(r qbxml.Request) string {
		x, err := qbxml.MarshalRequest(r)
		if err != nil {
			tb.Fatal(err)
		}
		return x
	}
	ps := []*shopqb.Posting{{
		Key: "item:svc", Kind: "ItemServiceAdd", Name: "Demo Service",
		Request: marshal(qbxml.ItemServiceAdd{Name: "Demo Service", SalesOrPurchase: &qbxml.SalesOrPurchase{AccountRef: qbxml.ByName("Sales")}}),
	}}
	for i := range n {
		name := fmt.Sprintf("Bench Customer %d", i)
		ref := fmt.Sprintf("B%d", i)
		guid := qbxml.GUID(qbwc.StableGUID("bench", domain+ref))
		var lines []qbxml.SalesLine
		for l := range 3 {
			lines = append(lines, qbxml.SalesLine{ItemRef: qbxml.ByName("Demo Service"), Desc: fmt.Sprintf("Line %d of order %s", l, ref),
				Amount: qbxml.Amt(money.Cents(1000 + i + l))})
		}
		ps = append(ps,
			&shopqb.Posting{Key: "customer:" + ref, Kind: "CustomerAdd", Name: name, Request: marshal(qbxml.CustomerAdd{Name: name})},
			&shopqb.Posting{Key: "order:" + ref + ":sale", Kind: "SalesReceiptAdd", RefNumber: ref, TxnDate: "2026-11-20",
				ExternalGUID: string(guid), DependsOn: []string{"customer:" + ref, "item:svc"},
				Request: marshal(qbxml.SalesReceiptAdd{CustomerRef: qbxml.ByName(name), TxnDate: "2026-11-20", RefNumber: ref,
					ItemSalesTaxRef: qbxml.ByName("Out of State"), DepositToAccountRef: qbxml.ByName("Undeposited Funds"),
					ExternalGUID: guid, Lines: lines})},
		)
	}
	return ps
}
