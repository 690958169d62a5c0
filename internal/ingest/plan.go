package ingest

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// planAndCommit plans the orders to plan (eachOrderBatch) and the payouts
// read, a planner call at a time, and commits each call's postings with the
// name map they use; a last commit moves the watermarks. A run that dies
// part-way leaves consistent postings and names, and its window is read
// and planned again (planning is idempotent).
func (s *Service) planAndCommit(ctx context.Context, p *pass) error {
	if err := p.storeStash(ctx); err != nil { // planning reads the snapshots back
		return err
	}
	if p.check {
		p.readCounts = maps.Clone(p.run.Counts)
	}
	calls := 0
	planOne := func(b planBatch) error {
		if s.sawCall != nil && b.payouts == nil {
			s.sawCall(b.gids, slices.Sorted(maps.Keys(b.days)), b.more)
		}
		first := calls == 0
		calls++
		return s.planCall(ctx, p, b, first)
	}
	if err := p.eachOrderBatch(ctx, planOne); err != nil {
		return err
	}
	for _, b := range payoutBatches(p.payouts, p.payoutChunkSize()) {
		if err := planOne(b); err != nil {
			return err
		}
	}
	if calls == 0 {
		// The purchase orders ride on the first call, and the first call
		// of a plan of the whole shop clears its expected figures.
		if err := planOne(planBatch{days: map[string]bool{}}); err != nil {
			return err
		}
	}
	// Every call committed its names; any left would be stored here.
	if _, err := s.store.CommitPlan(ctx, p.shop.ID, store.PlanCommit{KV: p.finalState(), Names: p.newNames()}); err != nil {
		return fmt.Errorf("record the plan's state: %w", err)
	}
	return nil
}

// planCall plans one call and commits its postings and the names it added.
func (s *Service) planCall(ctx context.Context, p *pass, b planBatch, first bool) error {
	plan, err := p.plan(ctx, b, first)
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	kv := map[string][]byte{}
	if first && p.firstPlan {
		kv[store.KVExpectedComplete] = nil // until the last commit has stored every source
	}
	return s.commit(ctx, p, plan, kv, first)
}

// loadOrders decodes the newest snapshot of each order, in the order of ids.
func (p *pass) loadOrders(ctx context.Context, ids []string) ([]shopify.Order, error) {
	return loadStored[shopify.Order](ctx, p.svc.store, p.shop.ID, ids)
}

// loadStored decodes the newest snapshot of each of gids, in their order.
// They are read a page at a time: a query per order was a fifth of
// planning's cost.
func loadStored[T any](ctx context.Context, st store.API, shopID int64, gids []string) ([]T, error) {
	return loadDecoded(ctx, st, shopID, gids, false, func(body []byte, v *T) error { return shopify.DecodeStored(body, v) })
}

// loadDecoded is loadStored with decode in place of a whole document's
// decoding. A gid without a snapshot is an error unless skipMissing, when
// it is left out.
func loadDecoded[T any](ctx context.Context, st store.API, shopID int64, gids []string, skipMissing bool, decode func([]byte, *T) error) ([]T, error) {
	snaps, err := st.NewestSnapshots(ctx, shopID, gids)
	if err != nil {
		return nil, fmt.Errorf("load snapshots: %w", err)
	}
	byGID := make(map[string]*shopqb.Snapshot, len(snaps))
	for _, s := range snaps {
		byGID[s.GID] = s
	}
	out := make([]T, 0, len(gids))
	for _, gid := range gids {
		s := byGID[gid]
		if s == nil {
			if skipMissing {
				continue
			}
			return nil, fmt.Errorf("load snapshot %s of shop %d: %w", gid, shopID, shopqb.ErrNotFound)
		}
		var zero T
		out = append(out, zero)
		if err := decode(s.Body, &out[len(out)-1]); err != nil {
			return nil, fmt.Errorf("snapshot %s: %w", gid, err)
		}
	}
	return out, nil
}

// plan asks the planner for one chunk's postings, against what QuickBooks
// already holds (buildAgainstBooks: a change to a posted transaction is
// booked as an adjustment), and carries its new names and list sizes into
// the next chunk. Day summaries not yet due are held back (planner.Input.Now).
func (p *pass) plan(ctx context.Context, b planBatch, first bool) (*planner.Plan, error) {
	orders, err := p.loadOrders(ctx, b.gids)
	if err != nil {
		return nil, err
	}
	payouts, err := loadStored[shopify.Payout](ctx, p.svc.store, p.shop.ID, b.payouts)
	if err != nil {
		return nil, err
	}
	in := planner.Input{Shop: *p.shop, Company: p.company, Orders: orders, Payouts: payouts, Variants: p.variants,
		Book: p.book, Days: b.days, Now: p.now, More: b.more, Carry: p.carry}
	if first {
		in.PurchaseOrders = p.purchaseOrders
	}
	plan, err := buildAgainstBooks(ctx, p.svc.store, p.shop.ID, in)
	if err != nil {
		return nil, err
	}
	for _, d := range plan.HeldBack {
		if p.heldNow == nil {
			p.heldNow = map[string]bool{}
		}
		p.heldNow[d] = true
	}
	p.addNames(plan)
	p.carry = plan.Carry
	p.company.ExistingNames += plan.NewNames
	p.company.ExistingItems += plan.NewItems
	p.countOrders(b, orders)
	p.run.Counts["postings_planned"] += len(plan.Postings)
	return plan, nil
}

// countOrders counts the call's orders in the run (orders_planned), each
// once however many calls plan it (planBatch). The first sync after the
// start's check counts only the orders the check did not plan: the check's
// come with its counts (takeOver).
func (p *pass) countOrders(b planBatch, orders []shopify.Order) {
	for i := range orders {
		if b.days != nil {
			days := p.bookingDays(daysOfOrder(&orders[i]), p.shop.Settings.StartDate)
			if len(days) == 0 || !b.days[slices.Min(days)] {
				continue
			}
		}
		if p.fromCheck && !p.sinceCheck[orders[i].ID] {
			continue
		}
		p.run.Counts["orders_planned"]++
	}
}

// commit writes one call's postings, the names its plan added, expected
// figures and kv in one transaction.
func (s *Service) commit(ctx context.Context, p *pass, plan *planner.Plan, kv map[string][]byte, first bool) error {
	res, err := s.store.CommitPlan(ctx, p.shop.ID, store.PlanCommit{KV: kv, Names: p.newNames(), Postings: plan.Postings, RelinkArchived: p.relink,
		Withdraw: plan.Withdrawn, Cleared: plan.Cleared, Expected: expectedFigures(plan.Expected, first && p.firstPlan)})
	if err != nil {
		return fmt.Errorf("fill outbox: %w", err)
	}
	p.run.Counts["postings_new"] += res.Inserted
	p.run.Counts["postings_updated"] += res.Updated
	p.countCommit(plan, res)
	for _, w := range plan.Warnings {
		if p.firstReport("warning:" + w) {
			p.run.Counts["warnings"]++
			s.log.Warn("plan warning", "shop", p.shop.Domain, "warning", w)
		}
	}
	return nil
}

// firstReport says whether what (a warning, a failed document) is reported
// for the first time in this run: an order booking on days of two planner
// calls is planned in both (batchDays), and is counted and logged once.
func (p *pass) firstReport(what string) bool {
	if p.reported[what] {
		return false
	}
	if p.reported == nil {
		p.reported = map[string]bool{}
	}
	p.reported[what] = true
	return true
}

// CompanyOf turns the preflight into what the planner needs.
func CompanyOf(pre *syncengine.Preflight) planner.Company {
	c := planner.Company{
		Edition:         editionKey(pre.Edition),
		ExistingNames:   pre.Customers + pre.Vendors,
		ExistingItems:   pre.Items,
		ClassTracking:   pre.ClassTracking,
		ZeroRateTaxItem: pre.DefaultTax,
		TaxAgency:       pre.TaxAgency,
		KnownNames:      pre.KnownNames,
	}
	for _, a := range pre.Accounts {
		c.Accounts = append(c.Accounts, a.FullName)
	}
	for _, it := range pre.KnownItems {
		c.KnownItems = append(c.KnownItems, planner.KnownItem{Name: it.Name, Type: it.Type, Account: it.Account})
	}
	return c
}

func editionKey(e string) string {
	switch e {
	case "Pro":
		return "pro"
	case "Premier", "Accountant":
		return "premier"
	case "Enterprise":
		return "enterprise"
	}
	return "pro" // unknown: assume the limits apply, the safe side
}
