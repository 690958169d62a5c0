package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb/internal/store"
)

// withLease runs fn holding the shop's sync lease, waiting while another run
// holds it: a trigger that arrives during a sync (a webhook, the schedule,
// "sync now") must still see what happened after that sync read Shopify, so
// it queues behind it rather than being dropped. The lease is renewed while
// fn runs; if it is lost, fn's context is cancelled before it commits more.
func (s *Service) withLease(ctx context.Context, shopID int64, fn func(ctx context.Context) error) error {
	lease, err := s.acquireLease(ctx, shopID)
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancelCause(ctx)
	renewed := make(chan struct{})
	stop := make(chan struct{})
	go func() {
		defer close(renewed)
		s.renewLease(runCtx, lease, stop, cancel)
	}()
	err = fn(runCtx)
	close(stop)
	<-renewed
	if cause := context.Cause(runCtx); err != nil && errors.Is(cause, store.ErrLeaseLost) {
		err = fmt.Errorf("%w (%v)", cause, err)
	}
	cancel(nil)
	relCtx, relCancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer relCancel()
	if rerr := lease.Release(relCtx); rerr != nil {
		s.log.Warn("release sync lease", "shop", shopID, "err", rerr)
	}
	return err
}

// acquireLease takes the shop's lease, asking again every LeaseRetry while
// another run holds it, until ctx ends.
func (s *Service) acquireLease(ctx context.Context, shopID int64) (*store.SyncLease, error) {
	waited := false
	for {
		lease, err := s.store.AcquireSyncLease(ctx, shopID, s.holder, s.LeaseTTL)
		if err == nil {
			return lease, nil
		}
		if !errors.Is(err, store.ErrLeaseHeld) {
			return nil, err
		}
		if !waited {
			s.log.Info("waiting for the running sync of the shop", "shop", shopID)
			waited = true
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for the running sync of shop %d: %w", shopID, context.Cause(ctx))
		case <-time.After(s.LeaseRetry):
		}
	}
}

// renewLease renews every third of the TTL until stop closes; a renewal
// that fails cancels the run with the reason.
func (s *Service) renewLease(ctx context.Context, lease *store.SyncLease, stop <-chan struct{}, cancel context.CancelCauseFunc) {
	t := time.NewTicker(max(s.LeaseTTL/3, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-t.C:
			if err := lease.Renew(ctx); err != nil {
				if ctx.Err() == nil {
					s.log.Error("sync lease lost; stopping the sync", "err", err)
					cancel(err)
				}
				return
			}
		}
	}
}
