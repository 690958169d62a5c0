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

// CheckStart is the start's check: it reads the whole shop and plans it
// for real, committing postings, names, expected figures and planning
// state as a first sync does, so that the first sync plans only what
// changed since (the shop used to be planned twice at the start). A plan
// QuickBooks could not hold (Pro and Premier's 14,500 names or items) is
// refused while the settings can still change: a refused check, whatever
// the error, is undone exactly (store.RestorePlanCheckpoint), and the next
// check plans the books of the settings then. Nothing of its plan is sent
// before the shop is started (the Web Connector sends nothing for a shop
// that is not). The snapshots it stored and the read watermarks it moved
// stay: the next check or sync plans from what it read.
func (s *Service) CheckStart(ctx context.Context, shopID int64) (*shopqb.SyncRun, error) {
	var run *shopqb.SyncRun
	err := s.withLease(ctx, shopID, func(ctx context.Context) error {
		shop, err := s.store.ShopByID(ctx, shopID)
		if err != nil {
			return fmt.Errorf("check the start of shop %d: %w", shopID, err)
		}
		if shop.StartedAt != nil {
			return fmt.Errorf("check the start of %s: %w", shop.Domain, shopqb.ErrAlreadyStarted)
		}
		// An earlier check that died part-way, or passed without the start
		// being marked, left its plan: undo it, as the settings may have
		// changed since.
		if _, err := s.store.RestorePlanCheckpoint(ctx, shopID); err != nil {
			return fmt.Errorf("undo the earlier start check of %s: %w", shop.Domain, err)
		}
		if err := s.store.TakePlanCheckpoint(ctx, shopID, planStateKeys); err != nil {
			return fmt.Errorf("check the start of %s: %w", shop.Domain, err)
		}
		run, err = s.syncWindow(ctx, shopID, shopqb.TriggerStartCheck, true)
		if err != nil {
			if _, uerr := s.store.RestorePlanCheckpoint(context.WithoutCancel(ctx), shopID); uerr != nil {
				// The next check undoes it: the checkpoint stays until then.
				err = errors.Join(err, fmt.Errorf("undo the refused start check: %w", uerr))
			}
		}
		return err
	})
	return run, err
}

// syncWindow is one full run under the lease: read every source from its
// watermark to now, choose, plan and commit. check is the start's check
// (CheckStart), which runs before the shop is started.
func (s *Service) syncWindow(ctx context.Context, shopID int64, trigger shopqb.Trigger, check bool) (*shopqb.SyncRun, error) {
	p, err := s.begin(ctx, shopID, trigger, check)
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
func (s *Service) begin(ctx context.Context, shopID int64, trigger shopqb.Trigger, check bool) (*pass, error) {
	shop, err := s.store.ShopByID(ctx, shopID)
	if err != nil {
		return nil, fmt.Errorf("sync shop %d: %w", shopID, err)
	}
	if shop.StartedAt == nil && !check {
		return nil, syncengine.ErrNotStarted
	}
	pre, err := syncengine.LoadPreflight(ctx, s.store, shopID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	p := &pass{
		svc: s, shop: shop, loc: shopLocation(shop), company: CompanyOf(pre), now: now, check: check,
		run:     &shopqb.SyncRun{ShopID: shopID, Trigger: trigger, StartedAt: now, Status: shopqb.RunRunning, Counts: map[string]int{}, WindowFrom: now, WindowTo: now},
		changed: map[string]bool{}, days: map[string]bool{},
	}
	if err := p.loadPlanState(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// finish marks a run as posting (the outbox has it) or, for the start's
// check, as checked, and closes it at once when nothing is left to send.
// The check's record keeps what it read and planned; what it committed is
// the first sync's to show (handOver).
func (s *Service) finish(ctx context.Context, p *pass) (*shopqb.SyncRun, error) {
	run := p.run
	if p.check {
		t := s.now()
		run.Status, run.FinishedAt = shopqb.RunChecked, &t
		run.Counts = p.checkCounts()
		return run, s.store.UpdateSyncRun(ctx, run)
	}
	if p.fromCheck {
		p.takeOver()
		// The shop runs: what the check planned stays whatever happens now.
		if err := s.store.DropPlanCheckpoint(ctx, p.shop.ID); err != nil {
			s.log.Warn("drop the start check's checkpoint", "shop", p.shop.Domain, "err", err)
		}
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
