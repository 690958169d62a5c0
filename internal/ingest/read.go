package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
)

// readWindow reads every source of a full run into snapshots: the orders
// of the window, every variant, the payouts since their watermark, and the
// purchase orders; then loads what is planned from snapshots.
func (s *Service) readWindow(ctx context.Context, p *pass) error {
	src, err := s.source(ctx, p.shop)
	if err != nil {
		return fmt.Errorf("connect to Shopify: %w", err)
	}
	if err := src.Orders(ctx, p.from, p.now, func(o *shopify.Order) error { return p.keepOrder(ctx, o) }); err != nil {
		return fmt.Errorf("read orders: %w", err)
	}
	if err := p.storeStash(ctx); err != nil {
		return fmt.Errorf("read orders: %w", err)
	}
	if err := p.readVariants(ctx, src); err != nil {
		return fmt.Errorf("read products: %w", err)
	}
	payoutFrom, err := s.windowStart(ctx, p.shop, kvPayouts)
	if err != nil {
		return err
	}
	if p.payouts, err = p.readPaidPayouts(ctx, src, payoutFrom); err != nil {
		return fmt.Errorf("read payouts: %w", err)
	}
	if err := p.readPurchaseOrders(ctx, src); err != nil {
		return fmt.Errorf("read purchase orders: %w", err)
	}
	if p.purchaseOrders, err = s.storedPurchaseOrders(ctx, p.shop.ID); err != nil {
		return err
	}
	if p.firstPlan {
		return p.addStoredPayouts(ctx)
	}
	return nil
}

// keepOrder stashes an order's snapshot (the caller stores the stash) and
// marks it, and the dates it, its refunds and its edits touch, for
// planning. Every order read is planned again, not only new versions: if an earlier run stored the snapshot and then failed
// before committing its plan, the watermark did not move and this is its
// second chance. Planning is idempotent (same key, same hash: nothing changes).
func (p *pass) keepOrder(ctx context.Context, o *shopify.Order) error {
	p.run.Counts["orders_read"]++
	if err := p.stash(ctx, "order", o.ID, o.UpdatedAt, o); err != nil {
		return err
	}
	if !p.firstPlan || !p.check {
		// The start's check reads and plans every order: it needs no list
		// of them. A real sync plans what it read, and its first counts
		// what it did not read apart (countOrders).
		p.changed[o.ID] = true
	}
	p.days[p.day(o.ProcessedAt)] = true
	for _, r := range o.Refunds {
		p.days[p.day(refundTime(r))] = true
	}
	for _, a := range o.Agreements {
		if a.Reason == orderEdit {
			p.days[p.day(a.HappenedAt)] = true
		}
	}
	return nil
}

// day is the shop-local date of t.
func (p *pass) day(t time.Time) string { return t.In(p.loc).Format(time.DateOnly) }

func refundTime(r shopify.Refund) time.Time {
	if r.ProcessedAt != nil {
		return *r.ProcessedAt
	}
	return r.CreatedAt
}

// readVariants reads every variant (their unit costs price COGS) and keeps
// their snapshots, which a webhook's run plans from.
func (p *pass) readVariants(ctx context.Context, src Source) error {
	p.variants = map[string]shopify.ProductVariant{}
	err := src.Variants(ctx, func(v *shopify.ProductVariant) error {
		p.variants[v.ID] = *v
		return p.stash(ctx, "variant", v.ID, v.UpdatedAt, v)
	})
	if err != nil {
		return err
	}
	return p.storeStash(ctx)
}

// storedVariants loads the variants as last read, for a run that does not
// read products again.
func (p *pass) storedVariants(ctx context.Context) error {
	p.variants = map[string]shopify.ProductVariant{}
	return eachStored(ctx, p.svc.store, p.shop.ID, "variant", func(v *shopify.ProductVariant) {
		p.variants[v.ID] = *v
	})
}

// readPurchaseOrders keeps a snapshot of every purchase order. A source
// that cannot be read (a missing scope, a retired Stocky key) is a warning
// on the run and in the audit log, and the sync goes on without it.
func (p *pass) readPurchaseOrders(ctx context.Context, src Source) error {
	err := src.PurchaseOrders(ctx, func(po *shopify.PurchaseOrder) error {
		p.run.Counts["purchase_orders_read"]++
		return p.stash(ctx, "purchase_order", po.ID, po.UpdatedAt, po)
	})
	// What was read before a warning is kept, as the sync goes on.
	if serr := p.storeStash(ctx); serr != nil {
		return serr
	}
	var warn *SourceWarning
	if errors.As(err, &warn) {
		p.run.Counts["warnings"]++
		p.svc.log.Warn("purchase orders", "shop", p.shop.Domain, "warning", warn.Message)
		_ = p.svc.store.AddAudit(ctx, p.shop.ID, "sync", "warning", warn.Message)
		return nil
	}
	return err
}

// storedPurchaseOrders loads every purchase order, from every source and
// the archive imports. They are few and change in place (receiving), so
// all are planned each time (idempotent).
func (s *Service) storedPurchaseOrders(ctx context.Context, shopID int64) ([]shopify.PurchaseOrder, error) {
	var out []shopify.PurchaseOrder
	err := eachStored(ctx, s.store, shopID, "purchase_order", func(po *shopify.PurchaseOrder) { out = append(out, *po) })
	return out, err
}

// eachStored decodes the newest snapshot of every object of a kind.
func eachStored[T any](ctx context.Context, st store.API, shopID int64, kind string, fn func(*T)) error {
	return st.EachLatestSnapshot(ctx, shopID, kind, func(s *shopqb.Snapshot) error {
		var v T
		if err := shopify.DecodeStored(s.Body, &v); err != nil {
			return fmt.Errorf("snapshot %s: %w", s.GID, err)
		}
		fn(&v)
		return nil
	})
}

func (s *Service) putSnapshot(ctx context.Context, shopID int64, kind, gid string, updated time.Time, v any) (bool, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return false, fmt.Errorf("snapshot %s: %w", gid, err)
	}
	ins, err := s.store.PutSnapshot(ctx, &shopqb.Snapshot{ShopID: shopID, Kind: kind, GID: gid, UpdatedAt: updated, Body: body, FetchedAt: s.now(), Facts: indexFactsOf(v)})
	if err != nil {
		return false, fmt.Errorf("snapshot %s: %w", gid, err)
	}
	return ins, nil
}
