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
	"github.com/shopqb/shopqb/internal/syncengine"
)

// planChunk is how many orders one planner call sees in detail mode.
const planChunk = 500

// planAndCommit chooses the orders to plan, plans them in chunks and
// commits each chunk. Each commit holds the chunk's postings and the name
// map they use; the last also moves the watermarks, so a run that dies
// part-way leaves consistent postings and names and is read again.
func (s *Service) planAndCommit(ctx context.Context, p *pass) error {
	if err := p.storeStash(ctx); err != nil { // planning reads the snapshots back
		return err
	}
	todo, err := p.chooseOrders(ctx)
	if err != nil {
		return fmt.Errorf("load snapshots: %w", err)
	}
	chunks := p.chunk(todo)
	for i, ids := range chunks {
		orders, err := p.loadOrders(ctx, ids)
		if err != nil {
			return err
		}
		plan, err := p.plan(ctx, orders, i == 0)
		if err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		var kv map[string][]byte
		if i == len(chunks)-1 {
			if kv, err = p.finalState(); err != nil {
				return err
			}
		} else if !p.dry {
			raw, err := p.namesKV()
			if err != nil {
				return err
			}
			kv = map[string][]byte{kvNames: raw}
		}
		if i == 0 && p.firstPlan && !p.dry {
			if kv == nil {
				kv = map[string][]byte{}
			}
			if _, set := kv[store.KVExpectedComplete]; !set {
				kv[store.KVExpectedComplete] = nil // until the last commit has stored every source
			}
		}
		if err := s.commit(ctx, p, plan, kv, i == 0); err != nil {
			return err
		}
	}
	return nil
}

// chooseOrders lists the stored orders to plan, in GID order: the orders
// this run read and, when the shop books a posting per day (summary sales:
// a receipt per day and location; summary inventory: a COGS journal per
// day), every order with a sale or a refund on a day a chosen order
// touches — repeated until no new day comes in — since such a posting is
// planned from the whole day and a plan of part of it would replace it with
// part of its amount. On the first plan it is every order. An order processed
// before the start date is planned only for what happened to it on or after
// the start (a refund, an edit): the planner books those and not the sale.
func (p *pass) chooseOrders(ctx context.Context) ([]string, error) {
	wholeDays := p.plansWholeDays()
	start := p.shop.Settings.StartDate
	var gids []string
	var daysOf [][]string
	err := p.svc.store.EachLatestSnapshot(ctx, p.shop.ID, "order", func(s *shopqb.Snapshot) error {
		if !p.changed[s.GID] && !wholeDays && !p.firstPlan && p.recheck.empty() {
			return nil
		}
		var o orderDays
		if err := json.Unmarshal(s.Body, &o); err != nil {
			return fmt.Errorf("snapshot %s: %w", s.GID, err)
		}
		if p.recheck.rechecks(s.GID, o) {
			p.changed[s.GID] = true
		} else if !p.changed[s.GID] && !wholeDays && !p.firstPlan {
			return nil
		}
		days := p.bookingDays(o, start)
		if len(days) == 0 {
			return nil
		}
		gids = append(gids, s.GID)
		daysOf = append(daysOf, days)
		return nil
	})
	if err != nil || p.firstPlan || !wholeDays {
		return gids, err
	}
	chosen, days := p.closeOverDays(gids, daysOf)
	p.planDays = days
	var todo []string
	for i, gid := range gids {
		if chosen[i] {
			todo = append(todo, gid)
		}
	}
	return todo, nil
}

// closeOverDays marks the orders to plan: those read, and every order
// booking on a day a marked order books on (or on a day of p.days). It
// returns the days so closed over: the marked orders are all of theirs.
func (p *pass) closeOverDays(gids []string, daysOf [][]string) ([]bool, map[string]bool) {
	ordersOn := map[string][]int{}
	for i, days := range daysOf {
		for _, d := range days {
			ordersOn[d] = append(ordersOn[d], i)
		}
	}
	chosen := make([]bool, len(gids))
	done := map[string]bool{}
	var queue []string
	for d := range p.days {
		queue = append(queue, d)
	}
	for i, gid := range gids {
		if p.changed[gid] {
			chosen[i] = true
			queue = append(queue, daysOf[i]...)
		}
	}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		if done[d] {
			continue
		}
		done[d] = true
		for _, i := range ordersOn[d] {
			if !chosen[i] {
				chosen[i] = true
				queue = append(queue, daysOf[i]...)
			}
		}
	}
	return chosen, done
}

// orderDays is what chooseOrders decodes of an order: the dates it books on.
type orderDays struct {
	ProcessedAt time.Time `json:"processedAt"`
	Refunds     []struct {
		ID          string     `json:"id"`
		CreatedAt   time.Time  `json:"createdAt"`
		ProcessedAt *time.Time `json:"processedAt"`
	} `json:"refunds"`
	Agreements []struct {
		Reason     string    `json:"reason"`
		HappenedAt time.Time `json:"happenedAt"`
	} `json:"agreements"`
}

// orderEdit is the reason of a sales agreement that edited an order: the
// planner books an edit on the day it happened.
const orderEdit = "ORDER_EDIT"

// bookingDays are the shop-local dates, on or after the start date, of an
// order's sale, refunds and edits; none when nothing of it is booked.
func (p *pass) bookingDays(o orderDays, start string) []string {
	var days []string
	add := func(t time.Time) {
		if d := p.day(t); start == "" || d >= start {
			days = append(days, d)
		}
	}
	add(o.ProcessedAt)
	for _, r := range o.Refunds {
		at := r.CreatedAt
		if r.ProcessedAt != nil {
			at = *r.ProcessedAt
		}
		add(at)
	}
	for _, a := range o.Agreements {
		if a.Reason == orderEdit {
			add(a.HappenedAt)
		}
	}
	return days
}

// plansWholeDays reports whether the shop books postings that sum a day.
func (p *pass) plansWholeDays() bool {
	set := p.shop.Settings
	return set.SalesMode == shopqb.Summary || set.InventoryMode == shopqb.Summary
}

// chunk splits the orders into planner calls: planChunk at a time when
// every posting is one order's, so a back-fill of 100,000 orders never holds
// them all in memory; all at once when postings sum a day (plansWholeDays),
// because the planner sums a day from the orders of its call. There is
// always at least one chunk, which carries payouts and purchase orders.
func (p *pass) chunk(todo []string) [][]string {
	size := len(todo)
	if !p.plansWholeDays() && size > planChunk {
		size = planChunk
	}
	if size == 0 {
		return [][]string{nil}
	}
	var out [][]string
	for first := 0; first < len(todo); first += size {
		out = append(out, todo[first:min(first+size, len(todo))])
	}
	return out
}

// loadOrders decodes the newest snapshot of each order, in the order of
// ids. They are read a page at a time: a query per order was a fifth of
// planning's cost.
func (p *pass) loadOrders(ctx context.Context, ids []string) ([]shopify.Order, error) {
	snaps, err := p.svc.store.NewestSnapshots(ctx, p.shop.ID, ids)
	if err != nil {
		return nil, fmt.Errorf("load order snapshots: %w", err)
	}
	byGID := make(map[string]*shopqb.Snapshot, len(snaps))
	for _, s := range snaps {
		byGID[s.GID] = s
	}
	orders := make([]shopify.Order, len(ids))
	for i, gid := range ids {
		s := byGID[gid]
		if s == nil {
			return nil, fmt.Errorf("load snapshot %s of shop %d: %w", gid, p.shop.ID, shopqb.ErrNotFound)
		}
		if err := json.Unmarshal(s.Body, &orders[i]); err != nil {
			return nil, fmt.Errorf("snapshot %s: %w", gid, err)
		}
	}
	return orders, nil
}

// plan asks the planner for one chunk's postings, against what QuickBooks
// already holds (buildAgainstBooks: a change to a posted transaction is
// booked as an adjustment), and carries its new names and list sizes into
// the next chunk. Day summaries not yet due are held back (planner.Input.Now).
func (p *pass) plan(ctx context.Context, orders []shopify.Order, first bool) (*planner.Plan, error) {
	in := planner.Input{Shop: *p.shop, Company: p.company, Orders: orders, Variants: p.variants, Names: p.names,
		Days: p.planDays, Now: p.now}
	if first {
		in.Payouts, in.PurchaseOrders = p.payouts, p.purchaseOrders
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
	p.names = plan.Names
	p.company.ExistingNames += plan.NewNames
	p.company.ExistingItems += plan.NewItems
	p.run.Counts["orders_planned"] += len(orders)
	p.run.Counts["postings_planned"] += len(plan.Postings)
	return plan, nil
}

// commit writes one chunk: for the dry check only its state (the
// watermarks); otherwise its postings and state in one transaction.
func (s *Service) commit(ctx context.Context, p *pass, plan *planner.Plan, kv map[string][]byte, first bool) error {
	c := store.PlanCommit{KV: kv}
	if !p.dry {
		c.Postings, c.RelinkArchived = plan.Postings, p.relink
		c.Withdraw, c.Cleared = plan.Withdrawn, plan.Cleared
		c.Expected = expectedFigures(plan.Expected, first && p.firstPlan)
	}
	if len(c.Postings) == 0 && len(c.KV) == 0 && len(c.Withdraw) == 0 && len(c.Cleared) == 0 &&
		(c.Expected == nil || len(c.Expected.Sources) == 0) {
		return nil
	}
	res, err := s.store.CommitPlan(ctx, p.shop.ID, c)
	if err != nil {
		return fmt.Errorf("fill outbox: %w", err)
	}
	if p.dry {
		return nil
	}
	p.run.Counts["postings_new"] += res.Inserted
	p.run.Counts["postings_updated"] += res.Updated
	p.countCommit(plan, res)
	p.run.Counts["warnings"] += len(plan.Warnings)
	for _, w := range plan.Warnings {
		s.log.Warn("plan warning", "shop", p.shop.Domain, "warning", w)
	}
	return nil
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
