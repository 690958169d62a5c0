package ingest

import (
	"context"

	"github.com/shopqb/shopqb"

	"github.com/shopqb/shopqb/internal/syncengine"
)

// The pipeline's part of shop administration (internal/shopadmin's
// Pipeline): the start's checks, and forgetting how far a shop was read.

// PreflightProblems returns what the Web Connector's first visit found that
// stops the start; shopqb.ErrNotFound before that visit.
func (s *Service) PreflightProblems(ctx context.Context, shopID int64) ([]shopqb.StartProblem, error) {
	pre, err := syncengine.LoadPreflight(ctx, s.store, shopID)
	if err != nil {
		return nil, err
	}
	return pre.Problems, nil
}

// Accounts returns the company's accounts the Web Connector's last
// preflight read; shopqb.ErrNotFound before its first visit.
func (s *Service) Accounts(ctx context.Context, shopID int64) ([]shopqb.Account, error) {
	pre, err := syncengine.LoadPreflight(ctx, s.store, shopID)
	if err != nil {
		return nil, err
	}
	return pre.Accounts, nil
}

// TrialRun is the start's check (CheckStart): it plans the shop, and a
// refusal leaves nothing of its plan. A pipeline without a Shopify source
// has nothing to read and passes.
func (s *Service) TrialRun(ctx context.Context, shopID int64) error {
	if s.source == nil {
		return nil
	}
	_, err := s.CheckStart(ctx, shopID)
	return err
}

// Rewind forgets how far orders and payouts were read, so the next sync
// reads from the start date. It takes the sync lease, so a running sync does
// not move the watermarks back past it.
func (s *Service) Rewind(ctx context.Context, shopID int64) error {
	return s.withLease(ctx, shopID, func(ctx context.Context) error {
		return s.clearKV(ctx, shopID, kvWatermark, kvPayouts)
	})
}

// Restart follows a reset that archived the outbox: everything is read and
// planned again from the start date, and postings planned under an archived
// key are looked up in QuickBooks before anything is sent
// (store.PlanCommit.RelinkArchived). What the last start's check planned
// is archived with the rest and stays as it is (QuickBooks may hold it):
// its checkpoint and its counts are dropped.
func (s *Service) Restart(ctx context.Context, shopID int64) error {
	return s.withLease(ctx, shopID, func(ctx context.Context) error {
		if err := s.store.DropPlanCheckpoint(ctx, shopID); err != nil {
			return err
		}
		if err := s.clearKV(ctx, shopID, kvWatermark, kvPayouts, kvPlannedOnce, kvCheckCounts); err != nil {
			return err
		}
		return s.store.PutKV(ctx, shopID, kvReset, []byte("1"))
	})
}

func (s *Service) clearKV(ctx context.Context, shopID int64, keys ...string) error {
	for _, k := range keys {
		if err := s.store.PutKV(ctx, shopID, k, nil); err != nil {
			return err
		}
	}
	return nil
}
