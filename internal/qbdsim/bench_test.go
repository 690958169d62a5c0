package qbdsim

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkSalesReceiptAdd measures one sales receipt with inventory, tax,
// discount and payment-item lines through ProcessRequest.
func BenchmarkSalesReceiptAdd(b *testing.B) {
	c := NewCompany(CompanyOptions{SalesTaxOn: true, DefaultTaxItemZeroRate: true, Inventory: true, Now: func() time.Time { return testClock }})
	for _, rq := range []string{rqClearing, rqMug, rqCATax, rqDiscount, rqShipping, rqPayItem, rqWalkIn} {
		if _, err := c.ProcessRequest(envelope("stopOnError", "", rq)); err != nil {
			b.Fatal(err)
		}
	}
	c.SetFaults(Faults{PerRequestLatency: 250 * time.Millisecond, PerRoundTripLatency: time.Second})
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		rq := envelope("continueOnError", fmt.Sprintf(` newMessageSetID="{00000000-0000-0000-0000-%012d}"`, i), rqSale)
		if _, err := c.ProcessRequest(rq); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(c.ModelledTime().Seconds()/float64(b.N), "qb-s/op")
}
