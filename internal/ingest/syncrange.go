package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopify"
)

// SyncRange reads Shopify again for the days [from, to) and plans what it
// finds through the one commit step, under the shop's sync lease: the
// orders that book something on those days (their sale, a refund, an edit)
// and the payouts issued on them. Planning is idempotent — a posting's key
// is stable and one QuickBooks holds is never replaced (drift is recorded
// instead) — so only what the outbox lacks is added, never twice. It moves
// no watermark. The run's counts say what it found: orders_read,
// postings_new, postings_updated, postings_planned.
//
// Shopify filters orders by when they were last updated, not by when they
// were processed, so the orders updated since from are read and those that
// book nothing in the range are passed over (not stored, not planned).
// Before a first full run has planned, this is one (the first plan plans
// everything stored).
func (s *Service) SyncRange(ctx context.Context, shopID int64, from, to time.Time, trigger shopqb.Trigger) (*shopqb.SyncRun, error) {
	if !from.Before(to) {
		return nil, shopqb.Errorf(shopqb.EInvalid, "re-sync of shop %d: the range %s to %s is empty", shopID, from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	var run *shopqb.SyncRun
	err := s.withLease(ctx, shopID, func(ctx context.Context) error {
		var err error
		run, err = s.syncRange(ctx, shopID, from, to, trigger)
		return err
	})
	return run, err
}

func (s *Service) syncRange(ctx context.Context, shopID int64, from, to time.Time, trigger shopqb.Trigger) (*shopqb.SyncRun, error) {
	p, err := s.begin(ctx, shopID, trigger, false)
	if err != nil {
		return nil, err
	}
	if p.firstPlan {
		return s.syncWindow(ctx, shopID, trigger, false)
	}
	if to.After(p.now) {
		to = p.now
	}
	p.from = from
	p.run.WindowFrom, p.run.WindowTo = from, to
	p.run.Counts["range_days"] = int(to.Sub(from).Hours()/24 + 0.5)
	if err := s.store.CreateSyncRun(ctx, p.run); err != nil {
		return nil, fmt.Errorf("record sync run: %w", err)
	}
	if err := s.readRange(ctx, p, from, to); err != nil {
		return p.fail(ctx, err)
	}
	if err := s.planAndCommit(ctx, p); err != nil {
		return p.fail(ctx, err)
	}
	return s.finish(ctx, p)
}

// readRange reads the orders that book on [from, to) and the payouts
// issued then into snapshots; variants and purchase orders come from their
// snapshots, as the last full run read them (a webhook's run does the same).
func (s *Service) readRange(ctx context.Context, p *pass, from, to time.Time) error {
	src, err := s.source(ctx, p.shop)
	if err != nil {
		return fmt.Errorf("connect to Shopify: %w", err)
	}
	first, last := p.day(from), p.day(to.Add(-time.Nanosecond))
	err = src.Orders(ctx, from, p.now, func(o *shopify.Order) error {
		if !booksBetween(p, o, first, last) {
			return nil
		}
		return p.keepOrder(ctx, o)
	})
	if err == nil {
		err = p.storeStash(ctx)
	}
	if err != nil {
		return fmt.Errorf("read orders: %w", err)
	}
	err = src.Payouts(ctx, from, to, func(po *shopify.Payout) error {
		p.run.Counts["payouts_read"]++
		if po.Status != "PAID" || po.IssuedAt.Before(from) || !po.IssuedAt.Before(to) {
			return nil
		}
		if err := p.stash(ctx, "payout", po.ID, po.IssuedAt, po); err != nil {
			return err
		}
		p.payouts = append(p.payouts, refOf(po))
		return nil
	})
	if err == nil {
		err = p.storeStash(ctx)
	}
	if err != nil {
		return fmt.Errorf("read payouts: %w", err)
	}
	if err := p.storedVariants(ctx); err != nil {
		return fmt.Errorf("load products: %w", err)
	}
	if p.purchaseOrders, err = s.storedPurchaseOrders(ctx, p.shop.ID); err != nil {
		return fmt.Errorf("load purchase orders: %w", err)
	}
	return nil
}

// booksBetween reports whether the order's sale, a refund or an edit falls
// on a shop-local day in first..last.
func booksBetween(p *pass, o *shopify.Order, first, last string) bool {
	in := func(t time.Time) bool { d := p.day(t); return d >= first && d <= last }
	if in(o.ProcessedAt) {
		return true
	}
	for _, r := range o.Refunds {
		if in(refundTime(r)) {
			return true
		}
	}
	for _, a := range o.Agreements {
		if in(a.HappenedAt) {
			return true
		}
	}
	return false
}
