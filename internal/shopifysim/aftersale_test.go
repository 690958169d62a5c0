package shopifysim

import (
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// An order sold offline days ago and uploaded now keeps its sale time and is
// created now; the served totals add up like a generated order's.
func TestGenerateOrderSoldInThePast(t *testing.T) {
	s := newTestSim(t, nil)
	sold := time.Date(2026, 11, 5, 15, 0, 0, 0, time.UTC)
	o, err := s.GenerateOrder(sold, "pos")
	if err != nil {
		t.Fatal(err)
	}
	if o.RetailLocation == nil || o.SourceName != "pos" {
		t.Fatalf("channel: %s %v", o.SourceName, o.RetailLocation)
	}
	if err := s.AddOrder(o); err != nil {
		t.Fatal(err)
	}
	got := s.Data().Orders[len(s.Data().Orders)-1]
	if !got.ProcessedAt.Equal(sold) || !got.CreatedAt.Equal(s.clock.Now()) || !got.UpdatedAt.Equal(s.clock.Now()) {
		t.Fatalf("processed %s created %s updated %s", got.ProcessedAt, got.CreatedAt, got.UpdatedAt)
	}
	var paid money.Cents
	for _, tx := range got.Transactions {
		switch tx.Kind {
		case "SALE":
			paid += tx.AmountSet.ShopMoney.Amount
		case "CHANGE":
			paid -= tx.AmountSet.ShopMoney.Amount
		}
	}
	want := got.TotalPriceSet.ShopMoney.Amount
	if r := got.TotalCashRoundingAdjustment; r != nil {
		want += r.PaymentSet.ShopMoney.Amount
	}
	if paid != want {
		t.Fatalf("paid %s, total %s", paid, want)
	}
	if _, err := s.GenerateOrder(sold, "phone"); err == nil {
		t.Fatal("an unknown channel was accepted")
	}
}

// A refund dated in the past is created now, its money goes back now, and
// the order's updatedAt moves to now.
func TestRefundOrderDatedInThePast(t *testing.T) {
	s := newTestSim(t, nil)
	var target shopify.Order
	for _, o := range s.Data().Orders {
		if len(o.Refunds) == 0 && o.CancelledAt == nil && !o.LineItems[0].IsGiftCard && o.TotalPriceSet.ShopMoney.Amount > 0 {
			target = o
			break
		}
	}
	s.clock.Advance(time.Hour)
	dated := target.ProcessedAt.Add(2 * time.Hour)
	var rf shopify.Refund
	var err error
	for range 20 { // the generator refunds by chance: some draws pick no line
		if rf, err = s.RefundOrder(target.ID, dated); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	if rf.ProcessedAt == nil || !rf.ProcessedAt.Equal(dated) || !rf.CreatedAt.Equal(s.clock.Now()) {
		t.Fatalf("refund processed %v created %s", rf.ProcessedAt, rf.CreatedAt)
	}
	var back money.Cents
	for _, tx := range rf.Transactions {
		back += tx.AmountSet.ShopMoney.Amount
		if !tx.ProcessedAt.Equal(s.clock.Now()) {
			t.Errorf("refund transaction processed %s, not now", tx.ProcessedAt)
		}
	}
	if back != rf.TotalRefundedSet.ShopMoney.Amount || back == 0 {
		t.Fatalf("refund transactions %s, total refunded %s", back, rf.TotalRefundedSet.ShopMoney.Amount)
	}
	o := s.Data().Orders[s.Data().orderIndex(target.ID)]
	if !o.UpdatedAt.Equal(s.clock.Now()) || len(o.Refunds) != 1 {
		t.Fatalf("order updated %s with %d refunds", o.UpdatedAt, len(o.Refunds))
	}
}

// An edit happens now; one Shopify would refuse changes nothing.
func TestEditOrderAfterTheFact(t *testing.T) {
	s := newTestSim(t, nil)
	var pos, web shopify.Order
	for _, o := range s.Data().Orders {
		spec, ok := s.gen.specOf(&o)
		switch {
		case ok && pos.ID == "" && o.CancelledAt == nil && o.TotalDiscountsSet.ShopMoney.Amount == 0 && !spec.cashRound:
			pos = o
		case o.RetailLocation == nil && web.ID == "":
			web = o
		}
	}
	s.clock.Advance(time.Hour)
	before := pos.TotalPriceSet.ShopMoney.Amount
	if err := s.EditOrder(pos.ID); err != nil {
		t.Fatal(err)
	}
	o := s.Data().Orders[s.Data().orderIndex(pos.ID)]
	last := o.Agreements[len(o.Agreements)-1]
	if last.Reason != "ORDER_EDIT" || !last.HappenedAt.Equal(s.clock.Now()) || !o.UpdatedAt.Equal(s.clock.Now()) {
		t.Fatalf("edit %s at %s, order updated %s", last.Reason, last.HappenedAt, o.UpdatedAt)
	}
	if o.TotalPriceSet.ShopMoney.Amount <= before || len(o.LineItems) != len(pos.LineItems)+1 {
		t.Fatalf("total %s → %s, lines %d → %d", before, o.TotalPriceSet.ShopMoney.Amount, len(pos.LineItems), len(o.LineItems))
	}
	if err := s.EditOrder(web.ID); err == nil {
		t.Fatal("an online order was edited")
	}
	if w := s.Data().Orders[s.Data().orderIndex(web.ID)]; !w.UpdatedAt.Equal(web.UpdatedAt) {
		t.Fatalf("a refused edit moved updatedAt %s → %s", web.UpdatedAt, w.UpdatedAt)
	}
}
