package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// overlap re-reads a little before the watermark: Shopify's updated_at index
// is eventually consistent, and snapshots de-duplicate what is read twice.
const overlap = 10 * time.Minute

// reconcileOverlap is how far back the scheduled daily sync re-reads: it is
// the reconciliation pull that catches an order whose webhook was lost or
// whose update reached Shopify's index late. Re-reading is cheap (snapshots
// de-duplicate by GID and updatedAt) and re-planning is idempotent.
const reconcileOverlap = 48 * time.Hour

// Sync reads the shop up to now, plans and fills the outbox. The Web
// Connector's next session drains it. It is what a scheduled job, "sync now"
// and the CLI's admin sync end in; it waits while another sync of the shop runs.
func (s *Service) Sync(ctx context.Context, shopID int64, trigger shopqb.Trigger) (*shopqb.SyncRun, error) {
	var run *shopqb.SyncRun
	err := s.withLease(ctx, shopID, func(ctx context.Context) error {
		var err error
		run, err = s.syncWindow(ctx, shopID, trigger, false)
		return err
	})
	return run, err
}

// CheckStart is the start's dry check: it reads and plans the whole shop
// without touching the outbox, so a plan QuickBooks could not hold (Pro and
// Premier's 14,500 names or items) is refused while the settings can still
// change. It stores the snapshots and moves the read watermarks, so the
// first sync plans from what it read instead of reading the shop again.
func (s *Service) CheckStart(ctx context.Context, shopID int64) (*shopqb.SyncRun, error) {
	var run *shopqb.SyncRun
	err := s.withLease(ctx, shopID, func(ctx context.Context) error {
		var err error
		run, err = s.syncWindow(ctx, shopID, shopqb.TriggerStartCheck, true)
		return err
	})
	return run, err
}

// syncWindow is one full run under the lease: read every source from its
// watermark to now, choose, plan and commit. A dry run commits only the
// watermarks.
func (s *Service) syncWindow(ctx context.Context, shopID int64, trigger shopqb.Trigger, dry bool) (*shopqb.SyncRun, error) {
	p, err := s.begin(ctx, shopID, trigger, dry)
	if err != nil {
		return nil, err
	}
	if err := p.window(ctx, trigger); err != nil {
		return nil, err
	}
	if err := s.store.CreateSyncRun(ctx, p.run); err != nil {
		return nil, fmt.Errorf("record sync run: %w", err)
	}
	if err := s.readWindow(ctx, p); err != nil {
		return p.fail(ctx, err)
	}
	if err := s.planAndCommit(ctx, p); err != nil {
		return p.fail(ctx, err)
	}
	return s.finish(ctx, p)
}

// begin loads what every run needs: the shop, its zone, the preflight, its
// Shopify source and its planning state.
func (s *Service) begin(ctx context.Context, shopID int64, trigger shopqb.Trigger, dry bool) (*pass, error) {
	shop, err := s.store.ShopByID(ctx, shopID)
	if err != nil {
		return nil, fmt.Errorf("sync shop %d: %w", shopID, err)
	}
	if shop.StartedAt == nil && !dry {
		return nil, syncengine.ErrNotStarted
	}
	pre, err := syncengine.LoadPreflight(ctx, s.store, shopID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	p := &pass{
		svc: s, shop: shop, loc: shopLocation(shop), company: CompanyOf(pre), now: now, dry: dry,
		run:     &shopqb.SyncRun{ShopID: shopID, Trigger: trigger, StartedAt: now, Status: shopqb.RunRunning, Counts: map[string]int{}, WindowFrom: now, WindowTo: now},
		changed: map[string]bool{}, days: map[string]bool{},
	}
	if err := p.loadPlanState(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// finish marks a run as posting (the outbox has it) or, for the dry check,
// as checked, and closes it at once when nothing is left to send.
func (s *Service) finish(ctx context.Context, p *pass) (*shopqb.SyncRun, error) {
	run := p.run
	if p.dry {
		t := s.now()
		run.Status, run.FinishedAt = shopqb.RunChecked, &t
		return run, s.store.UpdateSyncRun(ctx, run)
	}
	run.Status = shopqb.RunPosting
	if err := s.store.UpdateSyncRun(ctx, run); err != nil {
		return nil, err
	}
	syncengine.FinishRuns(ctx, s.store, p.shop.ID, s.now())
	s.log.Info("sync planned", "shop", p.shop.Domain, "trigger", run.Trigger, "orders", run.Counts["orders_planned"],
		"postings", run.Counts["postings_planned"], "new", run.Counts["postings_new"])
	return run, nil
}

// shopLocation is the shop's time zone; an unknown one books in UTC.
func shopLocation(shop *shopqb.Shop) *time.Location {
	loc, err := time.LoadLocation(shop.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// fail records the run's failure and returns it with err.
func (p *pass) fail(ctx context.Context, err error) (*shopqb.SyncRun, error) {
	t := p.svc.now()
	p.run.FinishedAt, p.run.Status, p.run.Error = &t, shopqb.RunFailed, err.Error()
	if uerr := p.svc.store.UpdateSyncRun(context.WithoutCancel(ctx), p.run); uerr != nil {
		err = errors.Join(err, uerr)
	}
	return p.run, err
}
