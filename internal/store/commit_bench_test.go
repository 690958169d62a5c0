package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// BenchmarkCommitPlanAtScale measures what committing a back-fill's plan
// costs per order as the shop grows, shaped like the bench's plans: calls
// of 250 orders, each call also carrying the shop's list postings
// (accounts, items, payment methods) and the orders of its last days
// planned again by the next call; each order a sales receipt of 1.4 KB of
// qbXML and 0.7 KB of content with seven dependencies and three ledger
// lines, a refund's credit memo and payment on one order in seven, four
// expected figures and a RefNumber name. "new" commits the plan once;
// "replan" commits the same plan again unchanged, as the first sync after
// the start's check does. It reports CPU per order (the machine may be
// shared) and the bytes the process wrote and read per order.
//
//	go test -run '^$' -bench CommitPlanAtScale -benchtime 1x ./internal/store/
func BenchmarkCommitPlanAtScale(b *testing.B) {
	for _, backend := range storetest.Backends() {
		for _, orders := range []int{10_000, 100_000} {
			b.Run(fmt.Sprintf("%s/%d", backend, orders), func(b *testing.B) {
				ctx := context.Background()
				var cpu [2]time.Duration
				var wrote, read [2]int64
				for range b.N {
					db := storetest.Open(b, backend)
					shop := storetest.MustShopID(b, db, "commit-bench.myshopify.com")
					calls := benchPlanCalls(orders)
					for pass := range 2 {
						cpu0, w0, r0 := processCPU(b), ioBytes(b, "wchar"), ioBytes(b, "rchar")
						for _, c := range calls {
							if _, err := db.CommitPlan(ctx, shop, c()); err != nil {
								b.Fatal(err)
							}
						}
						cpu[pass] += processCPU(b) - cpu0
						wrote[pass] += ioBytes(b, "wchar") - w0
						read[pass] += ioBytes(b, "rchar") - r0
					}
				}
				n := float64(orders * b.N)
				for pass, name := range []string{"new", "replan"} {
					b.ReportMetric(float64(cpu[pass].Microseconds())/n, name+"-cpu-µs/order")
					b.ReportMetric(float64(wrote[pass])/n, name+"-written-B/order")
					b.ReportMetric(float64(read[pass])/n, name+"-read-B/order")
				}
			})
		}
	}
}

// benchPlanCalls returns n orders' plan as calls of 250 orders, each a
// function building its commit afresh (CommitPlan sets the postings' ids).
func benchPlanCalls(n int) []func() store.PlanCommit {
	const perCall, replanned = 250, 40
	var lists []string
	for i := range 8 {
		lists = append(lists, fmt.Sprintf("account:%d", i))
	}
	for i := range 30 {
		lists = append(lists, fmt.Sprintf("item:type:%d", i))
	}
	lists = append(lists, "payment-method:shopify_payments", "payment-method:cash")
	request := "<SalesReceiptAddRq><SalesReceiptAdd>" + strings.Repeat(
		"<SalesReceiptLineAdd><ItemRef><FullName>Item</FullName></ItemRef><Desc>Classic Cotton Tee</Desc><Quantity>1</Quantity><Amount>10.00</Amount></SalesReceiptLineAdd>", 9) +
		"</SalesReceiptAdd></SalesReceiptAddRq>"
	content := `{"lines":[` + strings.Repeat(`{"item":"item:type:Apparel","desc":"TEE-CLS-L-HGR Classic Cotton Tee","qty":2,"amount":"52.00","category":"sales_income"},`, 6) +
		`{"item":"tax","amount":"2.00","category":"sales_tax_payable"}],"payments":{"shopify_payments":"54.00"}}`
	base := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	order := func(i int) ([]*shopqb.Posting, []store.ExpectedRow, map[string]string) {
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		gid := "gid://shopify/Order/" + strconv.Itoa(5100000000000+i)
		day := base.Add(time.Duration(i) * 60 * 24 * time.Hour / time.Duration(n)).Format(time.DateOnly)
		key := "order:" + strconv.Itoa(5100000000000+i)
		deps := []string{lists[0], lists[38+rng.IntN(2)]}
		for range 5 {
			deps = append(deps, lists[8+rng.IntN(30)])
		}
		amount := money.Cents(1000 + rng.IntN(50000))
		sale := &shopqb.Posting{Key: key + ":sale", Kind: "SalesReceiptAdd", DependsOn: deps, Request: request,
			Content: content, TxnDate: day, PlanHash: fmt.Sprintf("%064x", i), RefNumber: strconv.Itoa(1001 + i),
			Ledger: []shopqb.LedgerLine{{Category: "clearing:shopify_payments", Amount: amount},
				{Category: shopqb.SalesIncome, Amount: -amount * 9 / 10}, {Category: "sales_tax_payable", Amount: -(amount - amount*9/10)}}}
		ps := []*shopqb.Posting{sale}
		expected := []store.ExpectedRow{{Source: gid, Day: day, Category: "clearing:shopify_payments", Amount: amount},
			{Source: gid, Day: day, Category: shopqb.SalesIncome, Amount: -amount * 9 / 10},
			{Source: gid, Day: day, Category: "sales_tax_payable", Amount: -(amount - amount*9/10)},
			{Source: gid, Day: day, Category: "shipping_income", Amount: 500}}
		if i%7 == 0 {
			for _, kind := range []string{"CreditMemoAdd", "ARRefundCreditCardAdd"} {
				ps = append(ps, &shopqb.Posting{Key: "refund:" + key + ":" + kind, Kind: kind, DependsOn: []string{sale.Key, lists[1]},
					Request: request[:600], Content: content[:300] + "}", TxnDate: day, PlanHash: fmt.Sprintf("%063xr", i),
					Ledger: []shopqb.LedgerLine{{Category: "clearing:shopify_payments", Amount: -amount / 2}, {Category: shopqb.SalesIncome, Amount: amount / 2}}})
			}
			expected = append(expected, store.ExpectedRow{Source: gid, Day: day, Category: shopqb.SalesIncome, Refund: true, Amount: amount / 2})
		}
		return ps, expected, map[string]string{"refnumber:" + sale.Key: sale.RefNumber}
	}
	var calls []func() store.PlanCommit
	for first := 0; first < n; first += perCall {
		from, to := max(first-replanned, 0), min(first+perCall, n)
		calls = append(calls, func() store.PlanCommit {
			c := store.PlanCommit{Names: map[string]string{}, Expected: &store.ExpectedFigures{}}
			for _, k := range lists {
				c.Postings = append(c.Postings, &shopqb.Posting{Key: k, Kind: "ItemNonInventoryAdd", Request: request[:400], PlanHash: k})
			}
			for i := from; i < to; i++ {
				ps, rows, names := order(i)
				c.Postings = append(c.Postings, ps...)
				c.Expected.Sources = append(c.Expected.Sources, rows[0].Source)
				c.Expected.Rows = append(c.Expected.Rows, rows...)
				if i >= first {
					for k, v := range names {
						c.Names[k] = v
					}
				}
			}
			return c
		})
	}
	return calls
}
