package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
)

// FindOrders implements Books: "#1001", "1001", a customer's name or
// e-mail, or a date (YYYY-MM-DD in the shop's zone).
func (s *Service) FindOrders(ctx context.Context, shopID int64, query, cursor string, limit int) (*OrderResults, error) {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	limit = pageSize(limit, 25)
	q := store.SnapshotQuery{ShopID: shopID, Kind: "order", Limit: limit + 1}
	query = strings.TrimSpace(query)
	if d, err := time.ParseInLocation("2006-01-02", query, s.location(shop)); err == nil {
		q.From, q.To = d, d.AddDate(0, 0, 1)
	} else if query == "" {
		return &OrderResults{Hint: msgp("books.lookup.hint")}, nil
	} else {
		q.Text = query
	}
	if cursor != "" {
		at, gid, ok := strings.Cut(cursor, "|")
		ns, err := strconv.ParseInt(at, 10, 64)
		if !ok || err != nil {
			return nil, shopqb.Errorf(shopqb.EInvalid, "bad page cursor %q", cursor)
		}
		q.Before = &store.IndexedSnapshot{At: time.Unix(0, ns).UTC(), GID: gid}
	}
	hits, err := s.cfg.Store.SearchSnapshots(ctx, q)
	if err != nil {
		return nil, err
	}
	res := &OrderResults{Query: query}
	if len(hits) > limit {
		hits = hits[:limit]
		last := hits[limit-1]
		res.Next = strconv.FormatInt(last.At.UnixNano(), 10) + "|" + last.GID
	}
	gids := make([]string, len(hits))
	for i, h := range hits {
		gids[i] = h.GID
	}
	orders, err := s.orders(ctx, shopID, gids)
	if err != nil {
		return nil, err
	}
	for _, h := range hits {
		o := orders[h.GID]
		if o == nil {
			continue
		}
		hit := OrderHit{GID: o.ID, Name: o.Name, At: o.ProcessedAt, Total: o.TotalPriceSet.ShopMoney.Amount, State: shopqb.Done}
		_, hit.Location = locationOf(o)
		if o.Customer != nil {
			hit.Customer = o.Customer.DisplayName
		}
		ps, err := s.cfg.Store.PostingsByKeys(ctx, shopID, planner.OrderKeys(shop, o))
		if err != nil {
			return nil, err
		}
		hit.State = worst(ps)
		res.Hits = append(res.Hits, hit)
	}
	if len(res.Hits) == 0 {
		res.Hint = msgp("books.lookup.none", "Query", query)
	}
	return res, nil
}

func locationOf(o *shopify.Order) (id, name string) {
	if o.RetailLocation != nil && o.RetailLocation.ID != "" {
		return o.RetailLocation.ID, o.RetailLocation.Name
	}
	return "online", "Online Store"
}

// worst is the state a list of postings shows: failed, in doubt, waiting, or done.
func worst(ps []*shopqb.Posting) shopqb.PostingState {
	rank := map[shopqb.PostingState]int{shopqb.Done: 0, shopqb.Sent: 1, shopqb.Planned: 2, shopqb.InDoubt: 3, shopqb.Failed: 4}
	w := shopqb.PostingState("")
	for _, p := range ps {
		if w == "" || rank[p.State] > rank[w] {
			w = p.State
		}
	}
	if w == "" {
		return shopqb.Planned
	}
	return w
}

func (s *Service) orders(ctx context.Context, shopID int64, gids []string) (map[string]*shopify.Order, error) {
	snaps, err := s.cfg.Store.LatestSnapshots(ctx, shopID, gids)
	if err != nil {
		return nil, err
	}
	out := map[string]*shopify.Order{}
	for _, sn := range snaps {
		var o shopify.Order
		if err := json.Unmarshal(sn.Body, &o); err != nil {
			return nil, fmt.Errorf("order snapshot %s: %w", sn.GID, err)
		}
		out[sn.GID] = &o
	}
	return out, nil
}

// Order implements Books.
func (s *Service) Order(ctx context.Context, shopID int64, gid string, support bool) (*OrderView, error) {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	orders, err := s.orders(ctx, shopID, []string{gid})
	if err != nil {
		return nil, err
	}
	o := orders[gid]
	if o == nil {
		return nil, &shopqb.Error{Code: shopqb.ENotFound, Message: fmt.Sprintf("no order %s in this shop", gid), Err: shopqb.ErrNotFound}
	}
	v := &OrderView{GID: o.ID, Name: o.Name, At: o.ProcessedAt, Total: o.TotalPriceSet.ShopMoney.Amount}
	_, v.Location = locationOf(o)
	if o.Customer != nil {
		v.Customer = o.Customer.DisplayName
	}
	ps, err := s.cfg.Store.PostingsByKeys(ctx, shopID, planner.OrderKeys(shop, o))
	if err != nil {
		return nil, err
	}
	views, err := s.postingViews(ctx, shop, ps, support)
	if err != nil {
		return nil, err
	}
	byKey := map[string]PostingView{}
	for _, pv := range views {
		byKey[pv.Key] = pv
		if strings.HasPrefix(pv.Key, "summary:") && v.Summary == nil {
			v.Summary = msgp("books.order.summary")
		}
	}
	id := o.ID[strings.LastIndex(o.ID, "/")+1:]
	take := func(match func(string) bool) []PostingView {
		var out []PostingView
		for _, pv := range views {
			if match(pv.Key) {
				out = append(out, pv)
			}
		}
		return out
	}
	loc := s.location(shop)
	saleDay := o.ProcessedAt.In(loc).Format("2006-01-02")
	v.Events = append(v.Events, EventView{At: o.ProcessedAt, What: msg("books.event.created"), Postings: take(func(k string) bool {
		return k == "order:"+id+":sale" || strings.HasPrefix(k, "summary:sales:"+saleDay+":")
	})})
	for _, ag := range o.Agreements {
		key := "order:" + id + ":adjust:" + ag.ID[strings.LastIndex(ag.ID, "/")+1:]
		if pv, ok := byKey[key]; ok {
			v.Events = append(v.Events, EventView{At: ag.HappenedAt, What: msg("books.event.edited"), Postings: []PostingView{pv}})
		}
	}
	for i := range o.Refunds {
		r := &o.Refunds[i]
		at := r.CreatedAt
		if r.ProcessedAt != nil {
			at = *r.ProcessedAt
		}
		rk := "refund:" + r.ID[strings.LastIndex(r.ID, "/")+1:]
		day := at.In(loc).Format("2006-01-02")
		v.Events = append(v.Events, EventView{At: at, What: msg("books.event.refunded", "Amount", refundTotal(r)), Postings: take(func(k string) bool {
			return k == rk || strings.HasPrefix(k, rk+":") || strings.HasPrefix(k, "summary:refunds:"+day+":")
		})})
	}
	payouts, err := s.cfg.Store.LinkedFrom(ctx, shopID, o.ID)
	if err != nil {
		return nil, err
	}
	for _, pg := range payouts {
		pv, err := s.Payout(ctx, shopID, pg, support)
		if err != nil {
			return nil, err
		}
		v.Payouts = append(v.Payouts, pv.PayoutSummary)
	}
	return v, nil
}

// refundTotal is the money a refund paid back.
func refundTotal(r *shopify.Refund) money.Cents {
	var sum money.Cents
	for _, t := range r.Transactions {
		if t.Kind == "REFUND" && t.Status == "SUCCESS" {
			sum += t.AmountSet.ShopMoney.Amount.Abs()
		}
	}
	return sum
}

// Payout implements Books.
func (s *Service) Payout(ctx context.Context, shopID int64, gid string, support bool) (*PayoutView, error) {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	snaps, err := s.cfg.Store.LatestSnapshots(ctx, shopID, []string{gid})
	if err != nil {
		return nil, err
	}
	if len(snaps) == 0 || snaps[0].Kind != "payout" {
		return nil, &shopqb.Error{Code: shopqb.ENotFound, Message: fmt.Sprintf("no payout %s in this shop", gid), Err: shopqb.ErrNotFound}
	}
	var p shopify.Payout
	if err := json.Unmarshal(snaps[0].Body, &p); err != nil {
		return nil, fmt.Errorf("payout snapshot %s: %w", gid, err)
	}
	v := &PayoutView{PayoutSummary: PayoutSummary{GID: p.ID, ID: p.LegacyResourceID, IssuedAt: p.IssuedAt, Net: planner.PayoutNet(&p)}, Status: p.Status}
	for _, bt := range p.BalanceTransactions {
		l := BalanceLine{Type: bt.Type, Amount: bt.Amount.Amount, Fee: bt.Fee.Amount, Net: bt.Net.Amount}
		if bt.AssociatedOrder != nil {
			l.Order, l.OrderGID = bt.AssociatedOrder.Name, bt.AssociatedOrder.ID
		}
		v.Fees += bt.Fee.Amount
		v.Lines = append(v.Lines, l)
	}
	ps, err := s.cfg.Store.PostingsByKeys(ctx, shopID, []string{planner.PayoutKey(p.ID)})
	if err != nil {
		return nil, err
	}
	views, err := s.postingViews(ctx, shop, ps, support)
	if err != nil {
		return nil, err
	}
	if len(views) > 0 {
		d := views[0]
		v.Deposit = &d
		if d.State == shopqb.Done {
			for _, l := range d.Ledger {
				if l.Category == shopqb.Bank {
					v.Deposited += l.Debit - l.Credit
				}
			}
		}
	}
	v.Difference = v.Deposited - v.Net
	return v, nil
}
