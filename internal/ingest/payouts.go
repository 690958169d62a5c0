package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/shopify"
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
	inserted := 0
	batches := payoutBatches(p.payouts, p.payoutChunkSize())
	if len(batches) == 0 {
		batches = []planBatch{{days: map[string]bool{}}} // still moves the watermark
	}
	for i, b := range batches {
		payouts, err := loadStored[shopify.Payout](ctx, s.store, shopID, b.payouts)
		if err != nil {
			return inserted, err
		}
		plan, err := planner.Build(planner.Input{Shop: *p.shop, Company: p.company, Payouts: payouts, Book: p.book})
		if err != nil {
			return inserted, fmt.Errorf("plan payouts: %w", err)
		}
		p.addNames(plan)
		kv := map[string][]byte{}
		if i == len(batches)-1 {
			kv[kvPayouts], kv[kvPayoutPoll] = stamp(p.now), stamp(p.now)
		}
		res, err := s.store.CommitPlan(ctx, shopID, store.PlanCommit{Postings: plan.Postings, RelinkArchived: p.relink, KV: kv, Names: p.newNames()})
		if err != nil {
			return inserted, fmt.Errorf("fill outbox with payouts: %w", err)
		}
		inserted += res.Inserted
	}
	return inserted, nil
}

// payoutRef is a paid payout to plan: its GID and how many balance
// transactions it carries, which is what its planning holds in memory.
type payoutRef struct {
	gid          string
	transactions int
}

func refOf(po *shopify.Payout) payoutRef {
	return payoutRef{gid: po.ID, transactions: len(po.BalanceTransactions)}
}

// payoutChunk is about how many balance transactions one planner call
// sees. A payout carries one for every charge and refund it pays out, so
// payouts grow with the orders; they are planned from their snapshots in
// calls of their own rather than held, all of them, for the whole run. A
// payout's deposit is planned from the payout alone, so where the calls are
// cut changes nothing in the books.
const payoutChunk = 5000

// payoutBatches cuts payouts into planner calls of about size balance
// transactions, at least one payout to a call, in the order given.
func payoutBatches(payouts []payoutRef, size int) []planBatch {
	var out []planBatch
	n := 0
	for _, po := range payouts {
		if len(out) == 0 || (n > 0 && n+po.transactions > size) {
			out = append(out, planBatch{days: map[string]bool{}})
			n = 0
		}
		b := &out[len(out)-1]
		b.payouts = append(b.payouts, po.gid)
		n += po.transactions
	}
	return out
}

// payoutChunkSize is payoutChunk unless a test set the Service's own.
func (p *pass) payoutChunkSize() int {
	if p.svc.payoutChunk > 0 {
		return p.svc.payoutChunk
	}
	return payoutChunk
}

// readPaidPayouts reads payouts issued since from and keeps the paid ones:
// a scheduled payout can still change, so only settled ones are booked.
// What it returns names them; the planner reads them back from their
// snapshots.
func (p *pass) readPaidPayouts(ctx context.Context, src Source, from time.Time) ([]payoutRef, error) {
	var paid []payoutRef
	err := src.Payouts(ctx, from, p.now, func(po *shopify.Payout) error {
		p.run.Counts["payouts_read"]++
		if po.Status != "PAID" {
			return nil
		}
		if err := p.stash(ctx, "payout", po.ID, po.IssuedAt, po); err != nil {
			return err
		}
		paid = append(paid, refOf(po)) // planned again each time it is read: idempotent
		return nil
	})
	if err != nil {
		return nil, err
	}
	return paid, p.storeStash(ctx)
}

// addStoredPayouts adds the payouts stored but not read by this run (the
// start's dry check read them) to the first plan.
func (p *pass) addStoredPayouts(ctx context.Context) error {
	seen := map[string]bool{}
	for _, po := range p.payouts {
		seen[po.gid] = true
	}
	// Only the count of balance transactions is decoded here: the planner
	// call decodes the payout again, a few at a time.
	type counted struct {
		ID                  string            `json:"id"`
		BalanceTransactions []json.RawMessage `json:"balanceTransactions"`
	}
	return eachStored(ctx, p.svc.store, p.shop.ID, "payout", func(po *counted) {
		if !seen[po.ID] {
			p.payouts = append(p.payouts, payoutRef{gid: po.ID, transactions: len(po.BalanceTransactions)})
		}
	})
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
