package planner

import (
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// OrderKeys are the keys of the postings an order may have become, whichever
// sales mode it was planned in: its sale and edit adjustments, its refunds
// and their payments back, and (summary mode) the day summaries of its
// location on the days it sold and refunded. The order lookup reads these
// keys instead of knowing how the planner names its postings; keys that
// were never planned are simply absent from the outbox.
func OrderKeys(shop *shopqb.Shop, o *shopify.Order) []string {
	loc := time.UTC
	if shop.TimeZone != "" {
		if l, err := time.LoadLocation(shop.TimeZone); err == nil {
			loc = l
		}
	}
	day := func(t time.Time) string { return t.In(loc).Format("2006-01-02") }
	id := numericID(o.ID)
	locID, _ := orderLocation(o)
	keys := []string{"order:" + id + ":sale", "summary:sales:" + day(o.ProcessedAt) + ":" + locID}
	for _, ag := range o.Agreements {
		keys = append(keys, "order:"+id+":adjust:"+numericID(ag.ID))
	}
	for i := range o.Refunds {
		r := &o.Refunds[i]
		rk := "refund:" + numericID(r.ID)
		keys = append(keys, rk, "summary:refunds:"+day(refundTime(r))+":"+locID)
		seen := map[string]bool{}
		for _, t := range r.Transactions {
			if t.Gateway != "" && !seen[t.Gateway] {
				seen[t.Gateway] = true
				keys = append(keys, rk+":payment:"+t.Gateway)
			}
		}
	}
	return keys
}

// PayoutKey is the key of a payout's deposit.
func PayoutKey(payoutGID string) string { return "payout:" + numericID(payoutGID) }

// PayoutNet is a payout's effect on the bank, as its deposit books it.
func PayoutNet(po *shopify.Payout) money.Cents { return payoutNet(po) }
