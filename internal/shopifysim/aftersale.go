package shopifysim

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb/internal/shopify"
)

// After the fact: what happens in a real shop after the generated window,
// built by the same generator so the documents have the same shape, and
// stamped with the simulator's clock (Options.Now) as Shopify stamps them.
//
//   - An order sold in the past and created now: a POS device that sold
//     offline uploads its orders when it is back online (processedAt is the
//     sale, createdAt and updatedAt the upload), and orderCreate accepts a
//     past processedAt for imported orders.
//   - A refund dated in the past: refundCreate takes a processedAt; the
//     refund is created now, the order's updatedAt moves to now, and the money
//     goes back now (the refund transactions are processed now).
//   - An order edit: orderEditCommit happens now, so the ORDER_EDIT
//     agreement happens now and updatedAt moves to now.

// ErrNoGenerator is returned by the after-the-fact methods of a simulator
// whose documents were not generated.
var ErrNoGenerator = errors.New("shopifysim: no generator (the shop's documents were not generated)")

// GenerateOrder builds one more order as the generator builds the shop's
// orders, sold at processedAt through channel ("pos", "web", or "" for
// either), paid in full, with no edit, refund or cancellation. It is not
// added: pass it to AddOrder, which stamps createdAt and updatedAt with the
// clock. A test may change it first (as a real order may carry what the
// client does not read).
func (s *Sim) GenerateOrder(processedAt time.Time, channel string) (shopify.Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen == nil {
		return shopify.Order{}, ErrNoGenerator
	}
	switch channel {
	case "", "pos", "web":
	default:
		return shopify.Order{}, fmt.Errorf("generate order: channel %q is neither pos nor web", channel)
	}
	o, _ := s.gen.newOrder(len(s.data.Orders), processedAt.UTC(), channel)
	o.CreatedAt, o.UpdatedAt = time.Time{}, time.Time{}
	return o, nil
}

// RefundOrder refunds part or all of an order's remaining lines as the
// generator does (restocked or not, sometimes a restocking fee), money back
// to the tenders latest first. processedAt dates the refund (refundCreate's
// processedAt; zero means now); it is created now. It returns the refund.
func (s *Sim) RefundOrder(id string, processedAt time.Time) (shopify.Refund, error) {
	var rf shopify.Refund
	err := s.updateOrder(id, func(o *shopify.Order) error {
		if s.gen == nil {
			return ErrNoGenerator
		}
		now := s.now().UTC()
		when := processedAt.UTC()
		if processedAt.IsZero() {
			when = now
		}
		n := len(o.Refunds)
		prevTxns := len(o.Transactions)
		s.gen.randomRefund(o, when, o.RetailLocation)
		if len(o.Refunds) == n {
			return fmt.Errorf("refund order %s: nothing left to refund", id)
		}
		r := &o.Refunds[n]
		r.CreatedAt, r.UpdatedAt = now, now
		for i := range r.Transactions {
			r.Transactions[i].ProcessedAt = now
		}
		for i := prevTxns; i < len(o.Transactions); i++ {
			o.Transactions[i].ProcessedAt = now
		}
		rf = *r
		return nil
	})
	return rf, err
}

// EditOrder adds a line to a POS order now, as an order edit does, and
// collects the difference on the card. Like the generator, it edits only
// orders without discounts at a location without cash rounding.
func (s *Sim) EditOrder(id string) error {
	return s.updateOrder(id, func(o *shopify.Order) error {
		if s.gen == nil {
			return ErrNoGenerator
		}
		spec, ok := s.gen.specOf(o)
		switch {
		case !ok:
			return fmt.Errorf("edit order %s: only POS orders are edited here", id)
		case o.CancelledAt != nil:
			return fmt.Errorf("edit order %s: the order is cancelled", id)
		case o.TotalDiscountsSet.ShopMoney.Amount != 0 || spec.cashRound:
			return fmt.Errorf("edit order %s: an order with discounts or cash rounding is not edited here", id)
		}
		rates := spec.rates
		if o.Customer != nil && o.Customer.TaxExempt {
			rates = nil
		}
		s.gen.edit(o, s.now().UTC(), rates, o.RetailLocation)
		return nil
	})
}

// specOf is the location spec of a POS order.
func (g *orderGen) specOf(o *shopify.Order) (locationSpec, bool) {
	if o.RetailLocation == nil {
		return locationSpec{}, false
	}
	for i, l := range g.data.Locations {
		if l.ID == o.RetailLocation.ID && i < len(g.specs) {
			return g.specs[i], true
		}
	}
	return locationSpec{}, false
}

// cloneOrder is a deep copy of o, so a change can be drafted and dropped.
// The order round-trips through JSON as the API serves it.
func cloneOrder(o shopify.Order) shopify.Order {
	b, err := json.Marshal(o)
	if err != nil {
		panic("shopifysim: clone order: " + err.Error()) // plain data: cannot fail
	}
	var out shopify.Order
	if err := json.Unmarshal(b, &out); err != nil {
		panic("shopifysim: clone order: " + err.Error())
	}
	return out
}
