package ingest

import (
	"context"
	"fmt"
	"strings"

	"github.com/shopqb/shopqb"
)

// orderGIDPrefix starts the GID of every Shopify order.
const orderGIDPrefix = "gid://shopify/Order/"

// SyncOrder is a webhook's run: it re-reads only the order the delivery
// names (with its refunds), not the shop's window or its products, and
// plans it — in summary mode with the rest of the days it touches, from the
// snapshots. It moves no watermark: the next full run still reads its whole
// window. Until a first full run has planned, it is one (the first plan
// plans everything stored).
func (s *Service) SyncOrder(ctx context.Context, shopID int64, orderGID string) (*shopqb.SyncRun, error) {
	if !strings.HasPrefix(orderGID, orderGIDPrefix) {
		return nil, fmt.Errorf("sync order of shop %d: %q is not an order GID", shopID, orderGID)
	}
	var run *shopqb.SyncRun
	err := s.withLease(ctx, shopID, func(ctx context.Context) error {
		var err error
		run, err = s.syncOrder(ctx, shopID, orderGID)
		return err
	})
	return run, err
}

func (s *Service) syncOrder(ctx context.Context, shopID int64, orderGID string) (*shopqb.SyncRun, error) {
	p, err := s.begin(ctx, shopID, shopqb.TriggerWebhook, false)
	if err != nil {
		return nil, err
	}
	if p.firstPlan {
		return s.syncWindow(ctx, shopID, shopqb.TriggerWebhook, false)
	}
	p.run.Counts["webhook_orders"] = 1
	if err := s.store.CreateSyncRun(ctx, p.run); err != nil {
		return nil, fmt.Errorf("record sync run: %w", err)
	}
	if err := s.readOrder(ctx, p, orderGID); err != nil {
		return p.fail(ctx, err)
	}
	if err := s.planAndCommit(ctx, p); err != nil {
		return p.fail(ctx, err)
	}
	return s.finish(ctx, p)
}

// readOrder reads the one order into its snapshot; the variants and the
// purchase orders come from their snapshots, as the last full run read
// them. The planner gets the same purchase orders as a full run's: the
// items it plans (their vendor, their cost) are planned from them too, and a
// plan without them would rewrite those items.
func (s *Service) readOrder(ctx context.Context, p *pass, orderGID string) error {
	src, err := s.source(ctx, p.shop)
	if err != nil {
		return fmt.Errorf("connect to Shopify: %w", err)
	}
	o, err := src.Order(ctx, orderGID)
	if err != nil {
		return fmt.Errorf("read order %s: %w", orderGID, err)
	}
	if err := p.keepOrder(ctx, o); err != nil {
		return err
	}
	if err := p.storeStash(ctx); err != nil {
		return err
	}
	if err := p.storedVariants(ctx); err != nil {
		return fmt.Errorf("load products: %w", err)
	}
	if p.purchaseOrders, err = s.storedPurchaseOrders(ctx, p.shop.ID); err != nil {
		return fmt.Errorf("load purchase orders: %w", err)
	}
	return nil
}

// OrderOfRefund is the GID of the order a refund webhook's payload names
// (its numeric "order_id"), or "" when it names none.
func OrderOfRefund(orderID string) string {
	if orderID == "" {
		return ""
	}
	return orderGIDPrefix + orderID
}
