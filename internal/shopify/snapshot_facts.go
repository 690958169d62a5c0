package shopify

import (
	"time"

	"github.com/shopqb/shopqb"
)

// IndexFacts are what the snapshot lookup indexes of the order, taken from
// the order itself so that storing its snapshot does not decode it again;
// store.FactsOfBody reads the same from the order's JSON.
func (o *Order) IndexFacts() *shopqb.SnapshotFacts {
	f := &shopqb.SnapshotFacts{Name: o.Name, At: o.ProcessedAt,
		Events: make([]time.Time, 0, 1+len(o.Refunds)+len(o.Agreements))}
	f.Events = append(f.Events, o.ProcessedAt)
	if c := o.Customer; c != nil {
		f.Customer = c.DisplayName
		if c.DefaultEmailAddress != nil {
			f.Email = c.DefaultEmailAddress.EmailAddress
		}
	}
	for _, r := range o.Refunds {
		t := r.CreatedAt
		if r.ProcessedAt != nil {
			t = *r.ProcessedAt
		}
		f.Events = append(f.Events, t)
	}
	for _, a := range o.Agreements {
		f.Events = append(f.Events, a.HappenedAt)
	}
	return f
}

// IndexFacts are what the snapshot lookup indexes of the payout (see
// Order.IndexFacts).
func (p *Payout) IndexFacts() *shopqb.SnapshotFacts {
	f := &shopqb.SnapshotFacts{Name: p.LegacyResourceID, At: p.IssuedAt, Events: []time.Time{p.IssuedAt}}
	for _, bt := range p.BalanceTransactions {
		if bt.AssociatedOrder != nil {
			f.LinkedOrderIDs = append(f.LinkedOrderIDs, bt.AssociatedOrder.ID)
		}
	}
	return f
}
