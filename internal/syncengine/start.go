package syncengine

import (
	"context"
	"errors"
	"fmt"

	"github.com/shopqb/shopqb"
)

// The engine's part of shop administration (internal/shopadmin's Pipeline):
// the start's trial run and forgetting how far a shop was read.

const kvReset = "reset:relink"

// PreflightProblems returns what the Web Connector's first visit found that
// stops the start; shopqb.ErrNotFound before that visit.
func (e *Engine) PreflightProblems(ctx context.Context, shopID int64) ([]string, error) {
	pre, err := e.LoadPreflight(ctx, shopID)
	if err != nil {
		return nil, err
	}
	return pre.Problems, nil
}

// TrialRun reads and plans the shop once without posting: a plan QuickBooks
// could not hold (Pro/Premier's 14,500 names or items in detail mode) is an
// error with the counts, while the modes can still change. An engine
// without a Shopify source has nothing to read and passes.
func (e *Engine) TrialRun(ctx context.Context, shopID int64) error {
	if e.source == nil {
		return nil
	}
	_, err := e.sync(ctx, shopID, "start-check", true)
	return err
}

// Rewind forgets how far orders and payouts were read, so the next sync
// reads from the start date.
func (e *Engine) Rewind(ctx context.Context, shopID int64) error {
	for _, k := range []string{kvWatermark, kvPayouts} {
		if err := e.store.PutKV(ctx, shopID, k, nil); err != nil {
			return err
		}
	}
	return nil
}

// Restart follows a reset that archived the outbox: everything is read and
// planned again from the start date, and postings planned under an archived
// key are looked up in QuickBooks before anything is sent (relinkAfterReset).
func (e *Engine) Restart(ctx context.Context, shopID int64) error {
	for _, k := range []string{kvWatermark, kvPayouts, kvPlannedOnce} {
		if err := e.store.PutKV(ctx, shopID, k, nil); err != nil {
			return err
		}
	}
	return e.store.PutKV(ctx, shopID, kvReset, []byte("1"))
}

// relinkAfterReset marks freshly planned postings whose key was archived by a
// reset as in doubt, so the next session asks QuickBooks before sending.
func (e *Engine) relinkAfterReset(ctx context.Context, shopID int64, planned []*shopqb.Posting) error {
	flag, err := e.store.KV(ctx, shopID, kvReset)
	if errors.Is(err, shopqb.ErrNotFound) || (err == nil && len(flag) == 0) {
		return nil
	}
	if err != nil {
		return err
	}
	archived := map[string]bool{}
	err = e.store.ArchivedPostings(ctx, shopID, func(p *shopqb.Posting) error {
		if p.State == shopqb.Done || p.State == shopqb.Sent || p.State == shopqb.InDoubt {
			archived[p.Key] = true
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read archive: %w", err)
	}
	var doubt []*shopqb.Posting
	for _, pl := range planned {
		if !archived[pl.Key] {
			continue
		}
		p, err := e.store.PostingByKey(ctx, shopID, pl.Key)
		if err != nil {
			return err
		}
		if p.State == shopqb.Planned {
			p.State = shopqb.InDoubt
			doubt = append(doubt, p)
		}
	}
	return e.store.UpdatePostings(ctx, doubt)
}

// parseDaily reads "daily HH:MM".
func parseDaily(s string) (int, int, error) { return shopqb.ParseDailySchedule(s) }
