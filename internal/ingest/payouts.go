package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/store"
)

// PollPayouts reads Shopify Payments payouts issued since the last read and
// books the paid ones. Payouts settle days after the sales they pay out, so
// they are polled on their own schedule as well as read by every sync. It
// holds the shop's sync lease like any run.
func (s *Service) PollPayouts(ctx context.Context, shopID int64) (int, error) {
	n := 0
	err := s.withLease(ctx, shopID, func(ctx context.Context) error {
		var err error
		n, err = s.pollPayouts(ctx, shopID)
		return err
	})
	return n, err
}

func (s *Service) pollPayouts(ctx context.Context, shopID int64) (int, error) {
	p, err := s.begin(ctx, shopID, shopqb.TriggerJob, false)
	if err != nil {
		return 0, err
	}
	src, err := s.source(ctx, p.shop)
	if err != nil {
		return 0, fmt.Errorf("connect to Shopify: %w", err)
	}
	from, err := s.windowStart(ctx, p.shop, kvPayouts)
	if err != nil {
		return 0, err
	}
	if p.payouts, err = p.readPaidPayouts(ctx, src, from); err != nil {
		return 0, fmt.Errorf("read payouts: %w", err)
	}
	plan, err := planner.Build(planner.Input{Shop: *p.shop, Company: p.company, Payouts: p.payouts, Names: p.names})
	if err != nil {
		return 0, fmt.Errorf("plan payouts: %w", err)
	}
	p.names = plan.Names
	names, err := p.namesKV()
	if err != nil {
		return 0, err
	}
	res, err := s.store.CommitPlan(ctx, shopID, store.PlanCommit{Postings: plan.Postings, RelinkArchived: p.relink,
		KV: map[string][]byte{kvNames: names, kvPayouts: stamp(p.now), kvPayoutPoll: stamp(p.now)}})
	if err != nil {
		return 0, fmt.Errorf("fill outbox with payouts: %w", err)
	}
	return res.Inserted, nil
}

// PayoutPollDue lists started shops whose payouts were last polled more than
// every ago.
func (s *Service) PayoutPollDue(ctx context.Context, every time.Duration) ([]int64, error) {
	shops, err := s.store.ListShops(ctx)
	if err != nil {
		return nil, err
	}
	var due []int64
	for _, shop := range shops {
		if shop.StartedAt == nil {
			continue
		}
		raw, err := s.store.KV(ctx, shop.ID, kvPayoutPoll)
		if err == nil {
			if t, perr := time.Parse(time.RFC3339Nano, string(raw)); perr == nil && s.now().Sub(t) < every {
				continue
			}
		}
		due = append(due, shop.ID)
	}
	return due, nil
}
