package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// planChunk is about how many orders one planner call sees: a back-fill of
// 100,000 orders never holds them all decoded, nor the planner's working
// state of all of them, at once. When postings sum a day the calls are cut
// between days instead (see batchDays), so a call holds at least one whole day.
const planChunk = 500

// planBatch is one planner call: its orders (GIDs, in GID order) and, when
// postings sum a day, the days whose summaries it plans (planner.Input.Days).
// fresh counts its orders no earlier batch of the run planned.
type planBatch struct {
	gids  []string
	days  map[string]bool
	fresh int
	// payouts are the GIDs of a call of payouts alone (payoutBatches).
	payouts []string
}

// planAndCommit chooses the orders to plan, plans them in batches and
// commits each batch. Each commit holds the batch's postings and the name
// map they use; the last also moves the watermarks, so a run that dies
// part-way leaves consistent postings and names and is read again.
func (s *Service) planAndCommit(ctx context.Context, p *pass) error {
	batches, err := p.chooseOrders(ctx)
	if err != nil {
		return fmt.Errorf("load snapshots: %w", err)
	}
	batches = append(batches, payoutBatches(p.payouts, p.payoutChunkSize())...)
	for i, b := range batches {
		plan, err := p.plan(ctx, b, i == 0)
		if err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		var kv map[string][]byte
		if i == len(batches)-1 {
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

// chooseOrders lists the stored orders to plan, in GID order, cut into
// planner calls: the orders this run read and, when the shop books a
// posting per day (summary sales: a receipt per day and location; summary
// inventory: a COGS journal per day), every order with a sale or a refund on
// a day a chosen order touches — repeated until no new day comes in — since
// such a posting is planned from the whole day and a plan of part of it
// would replace it with part of its amount. On the first plan it is every
// order. An order processed before the start date is planned only for what
// happened to it on or after the start (a refund, an edit): the planner
// books those and not the sale.
func (p *pass) chooseOrders(ctx context.Context) ([]planBatch, error) {
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
		if wholeDays {
			daysOf = append(daysOf, days)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !wholeDays {
		return p.chunk(gids), nil
	}
	chosen := make([]bool, len(gids))
	if p.firstPlan {
		for i := range chosen {
			chosen[i] = true
		}
	} else {
		chosen = p.closeOverDays(gids, daysOf)
	}
	batches := batchDays(gids, daysOf, chosen, p.days, p.chunkSize())
	if !p.firstPlan {
		p.planDays = map[string]bool{}
		for _, b := range batches {
			maps.Copy(p.planDays, b.days)
		}
	}
	return batches, nil
}

// batchDays cuts the chosen orders into planner calls of whole days: each
// call plans the summaries of its days (planBatch.days) from every chosen
// order booking on one of them, so an order booking on days of two calls
// (sold on one, refunded on another) is in both, and each call books its
// days' part of it; what it books outside its days (its own documents,
// names, expected figures) is the same in both, so the second commit
// changes nothing. Days are taken in date order, as many to a call as keep
// it at about size orders, and at least one: a day bigger than size is one
// call. extra are days planned even if no chosen order books on them.
func batchDays(gids []string, daysOf [][]string, chosen []bool, extra map[string]bool, size int) []planBatch {
	ordersOn := map[string][]int{}
	for i, days := range daysOf {
		if !chosen[i] {
			continue
		}
		for _, d := range days {
			if on := ordersOn[d]; len(on) == 0 || on[len(on)-1] != i {
				ordersOn[d] = append(on, i)
			}
		}
	}
	for d := range extra {
		if _, ok := ordersOn[d]; !ok {
			ordersOn[d] = nil
		}
	}
	days := slices.Sorted(maps.Keys(ordersOn))
	planned := make([]bool, len(gids))
	var out []planBatch
	for first := 0; first < len(days); {
		b := planBatch{days: map[string]bool{}}
		in := map[int]bool{}
		last := first
		for ; last < len(days); last++ {
			on := ordersOn[days[last]]
			if last > first && len(in)+len(on) > size {
				break
			}
			b.days[days[last]] = true
			for _, i := range on {
				in[i] = true
			}
		}
		for _, i := range slices.Sorted(maps.Keys(in)) {
			b.gids = append(b.gids, gids[i])
			if !planned[i] {
				planned[i] = true
				b.fresh++
			}
		}
		out = append(out, b)
		first = last
	}
	if len(out) == 0 {
		out = append(out, planBatch{days: map[string]bool{}}) // payouts and purchase orders still plan
	}
	return out
}

// closeOverDays marks the orders to plan: those read, and every order
// booking on a day a marked order books on (or on a day of p.days).
func (p *pass) closeOverDays(gids []string, daysOf [][]string) []bool {
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
	return chosen
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

// chunk splits orders none of whose postings sums a day into planner calls
// of chunkSize. There is always at least one call, which carries payouts
// and purchase orders.
func (p *pass) chunk(todo []string) []planBatch {
	size := p.chunkSize()
	if len(todo) == 0 {
		return []planBatch{{}}
	}
	var out []planBatch
	for first := 0; first < len(todo); first += size {
		ids := todo[first:min(first+size, len(todo))]
		out = append(out, planBatch{gids: ids, fresh: len(ids)})
	}
	return out
}

// chunkSize is planChunk unless a test set the Service's own.
func (p *pass) chunkSize() int {
	if p.svc.planChunk > 0 {
		return p.svc.planChunk
	}
	return planChunk
}

// loadOrders decodes the newest snapshot of each order.
func (p *pass) loadOrders(ctx context.Context, ids []string) ([]shopify.Order, error) {
	return loadStored[shopify.Order](ctx, p.svc.store, p.shop.ID, ids)
}

// loadStored decodes the newest snapshot of each of gids, in their order.
func loadStored[T any](ctx context.Context, st store.API, shopID int64, gids []string) ([]T, error) {
	out := make([]T, 0, len(gids))
	for _, gid := range gids {
		s, err := st.LatestSnapshot(ctx, shopID, gid)
		if err != nil {
			return nil, fmt.Errorf("load snapshot %s: %w", gid, err)
		}
		var v T
		if err := json.Unmarshal(s.Body, &v); err != nil {
			return nil, fmt.Errorf("snapshot %s: %w", gid, err)
		}
		out = append(out, v)
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
		Names: p.names, Days: b.days, Now: p.now}
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
	p.names = plan.Names
	p.company.ExistingNames += plan.NewNames
	p.company.ExistingItems += plan.NewItems
	p.run.Counts["orders_planned"] += b.fresh
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
