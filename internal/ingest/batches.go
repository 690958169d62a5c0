package ingest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
)

// planChunk is about how many orders one planner call sees: a back-fill of
// 100,000 orders never holds them all decoded, nor the planner's working
// state of all of them, at once. When postings sum a day the calls are cut
// between days instead (see batchDays), a day bigger than a call in parts
// (planDayInParts). A call's orders and working state are most of a run's
// live heap, about 50 KB an order (a 500-order call was 25 MB): 250 keeps
// a big shop's calls, always full, near a small shop's, whose days are
// smaller than a call, for a few more calls' fixed cost.
const planChunk = 250

// planBatch is one planner call: its orders (GIDs, in GID order) and, when
// postings sum a day, the days whose summaries it plans (planner.Input.Days).
// An order in calls of several days counts (orders_planned) in the call of
// its first booking day; a call without days has every order to itself.
type planBatch struct {
	gids []string
	days map[string]bool
	// more: the next call plans more orders of days, the one day of this
	// call (planDayInParts).
	more bool
	// payouts are the GIDs of a call of payouts alone (payoutBatches).
	payouts []string
}

// eachOrderBatch calls plan with each planner call of the stored orders to
// plan, in GID order within a call: the orders this run read and, when the
// shop books a posting per day (summary sales: a receipt per day and
// location; summary inventory: a COGS journal per day), every order with a
// sale or a refund on a day a chosen order touches — repeated until no new
// day comes in — since such a posting is planned from the whole day and a
// plan of part of it would replace it with part of its amount. On the first
// plan it is every order. An order processed before the start date is
// planned only for what happened to it on or after the start (a refund, an
// edit): the planner books those and not the sale.
//
// The first plan of a shop does not list its orders in memory: without
// day postings the snapshots are planned as they are walked, and with them
// the days are walked from the start date, each day's orders read from the
// snapshot index (eachDayBatch). Later runs plan what they read; with day
// postings they close over the days in the snapshot index
// (eachClosedDayBatch). Listing every order with its days
// (everyBookingOrder) is kept for a first plan without a start date and,
// in tests (scanDays), as the reference the index walks are checked against.
func (p *pass) eachOrderBatch(ctx context.Context, plan func(planBatch) error) error {
	wholeDays := p.plansWholeDays()
	if p.firstPlan && wholeDays && p.shop.Settings.StartDate != "" && !p.svc.scanDays {
		return p.eachDayBatch(ctx, plan)
	}
	if !wholeDays {
		return p.eachChosenChunk(ctx, plan)
	}
	if !p.firstPlan && !p.svc.scanDays {
		return p.eachClosedDayBatch(ctx, plan)
	}
	gids, daysOf, err := p.everyBookingOrder(ctx)
	if err != nil {
		return err
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
	for _, b := range batches {
		if len(b.days) == 1 && len(b.gids) > p.chunkSize() {
			if err := p.planChosenDayInParts(ctx, b, plan); err != nil {
				return err
			}
			continue
		}
		if err := plan(b); err != nil {
			return err
		}
	}
	return nil
}

// planChosenDayInParts plans a call of one day too big for a call in parts
// (planDayInParts), in the planner's order, which the snapshot index gives.
func (p *pass) planChosenDayInParts(ctx context.Context, b planBatch, plan func(planBatch) error) error {
	var day string
	for d := range b.days {
		day = d
	}
	from, err := time.ParseInLocation(time.DateOnly, day, p.loc)
	if err != nil {
		return fmt.Errorf("day %q: %w", day, err)
	}
	indexed, err := p.svc.store.OrdersTouchingAt(ctx, p.shop.ID, from, from.AddDate(0, 0, 1))
	if err != nil {
		return fmt.Errorf("orders of %s: %w", day, err)
	}
	chosen := make(map[string]bool, len(b.gids))
	for _, g := range b.gids {
		chosen[g] = true
	}
	orders := slices.DeleteFunc(indexed, func(o store.IndexedSnapshot) bool { return !chosen[o.GID] })
	if len(orders) != len(b.gids) {
		return fmt.Errorf("orders of %s: the snapshot index has %d of the %d booking on it", day, len(orders), len(b.gids))
	}
	return p.planDayInParts(day, orders, plan)
}

// eachChosenChunk plans, chunkSize at a time as the snapshots are walked,
// the orders to plan when no posting sums a day: on the first plan every
// order booking on or after the start, later the orders read and those
// whose failed documents are checked again.
func (p *pass) eachChosenChunk(ctx context.Context, plan func(planBatch) error) error {
	var ids []string
	flush := func() error {
		if len(ids) == 0 {
			return nil
		}
		b := planBatch{gids: ids}
		ids = nil
		return plan(b)
	}
	passOver := func(gid string) bool { return !p.changed[gid] && !p.firstPlan && p.recheck.empty() }
	err := p.eachStoredOrderDays(ctx, passOver, func(gid string, o orderDays) error {
		if p.recheck.rechecks(gid, o) {
			p.changed[gid] = true
		} else if !p.changed[gid] && !p.firstPlan {
			return nil
		}
		if len(p.bookingDays(o, p.shop.Settings.StartDate)) == 0 {
			return nil
		}
		ids = append(ids, gid)
		if len(ids) < p.chunkSize() {
			return nil
		}
		return flush()
	})
	if err != nil {
		return err
	}
	return flush()
}

// everyBookingOrder lists every stored order booking on or after the start
// date, in GID order, with the days it books on; the orders whose failed
// documents are checked again are marked changed.
func (p *pass) everyBookingOrder(ctx context.Context) ([]string, [][]string, error) {
	var gids []string
	var daysOf [][]string
	err := p.eachStoredOrderDays(ctx, nil, func(gid string, o orderDays) error {
		if p.recheck.rechecks(gid, o) {
			p.changed[gid] = true
		}
		if days := p.bookingDays(o, p.shop.Settings.StartDate); len(days) > 0 {
			gids = append(gids, gid)
			daysOf = append(daysOf, days)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return gids, daysOf, nil
}

// eachDayBatch plans the first plan of a shop with day postings by days,
// from the start date to the last day an order books on: each call takes
// as many days as keep it at about chunkSize orders, and at least one, with
// every order the snapshot index has an event of on one of them (a sale, a
// refund, an agreement). An order with events on days of two calls is in
// both (see batchDays). The index lists any agreement, not only edits, so
// a call may hold an order booking nothing on its days: it plans the same
// documents of it as its own day's call, and no summary.
func (p *pass) eachDayBatch(ctx context.Context, plan func(planBatch) error) error {
	st, shopID := p.svc.store, p.shop.ID
	first, err := time.ParseInLocation(time.DateOnly, p.shop.Settings.StartDate, p.loc)
	if err != nil {
		return fmt.Errorf("start date %q: %w", p.shop.Settings.StartDate, err)
	}
	last, err := p.lastEventDay(ctx)
	if err != nil {
		return err
	}
	b := planBatch{days: map[string]bool{}}
	in := map[string]bool{}
	flush := func() error {
		if len(b.days) == 0 {
			return nil
		}
		b.gids = slices.Sorted(maps.Keys(in))
		next := b
		b, in = planBatch{days: map[string]bool{}}, map[string]bool{}
		return plan(next)
	}
	for day := first; !day.After(last); day = day.AddDate(0, 0, 1) {
		orders, err := st.OrdersTouchingAt(ctx, shopID, day, day.AddDate(0, 0, 1))
		if err != nil {
			return fmt.Errorf("orders of %s: %w", day.Format(time.DateOnly), err)
		}
		if len(b.days) > 0 && len(in)+len(orders) > p.chunkSize() {
			if err := flush(); err != nil {
				return err
			}
		}
		if len(orders) > p.chunkSize() {
			if err := p.planDayInParts(day.Format(time.DateOnly), orders, plan); err != nil {
				return err
			}
			continue
		}
		b.days[day.Format(time.DateOnly)] = true
		for _, o := range orders {
			in[o.GID] = true
		}
	}
	return flush()
}

// planDayInParts plans a day with more orders than a call takes in parts
// of chunkSize, in the planner's order (processing time, then GID): each
// part's orders carry what they add to the day's summaries on to the next
// (planner.Input.More), and the last books the summaries, so no call holds
// the whole day.
func (p *pass) planDayInParts(day string, orders []store.IndexedSnapshot, plan func(planBatch) error) error {
	slices.SortFunc(orders, func(a, b store.IndexedSnapshot) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.GID, b.GID)
	})
	size := p.chunkSize()
	for first := 0; first < len(orders); first += size {
		part := orders[first:min(first+size, len(orders))]
		b := planBatch{days: map[string]bool{day: true}, more: first+size < len(orders)}
		for _, o := range part {
			b.gids = append(b.gids, o.GID)
		}
		if err := plan(b); err != nil {
			return err
		}
	}
	return nil
}

// lastEventDay is the shop-local midnight of the last day an order books
// on: today, or later when an order carries a later date (a clock ahead).
func (p *pass) lastEventDay(ctx context.Context) (time.Time, error) {
	y, m, d := p.now.In(p.loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, p.loc)
	later, err := p.svc.store.SnapshotsTouching(ctx, p.shop.ID, "order", today.AddDate(0, 0, 1), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return time.Time{}, fmt.Errorf("orders after today: %w", err)
	}
	last := today.Format(time.DateOnly)
	for first := 0; first < len(later); first += planChunk {
		orders, err := p.loadOrders(ctx, later[first:min(first+planChunk, len(later))])
		if err != nil {
			return time.Time{}, err
		}
		for i := range orders {
			for _, day := range p.bookingDays(daysOfOrder(&orders[i]), "") {
				last = max(last, day)
			}
		}
	}
	t, err := time.ParseInLocation(time.DateOnly, last, p.loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("last day %q: %w", last, err)
	}
	return t, nil
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

// orderDaysMembers are the members of a stored order that orderDays
// holds: only they are decoded (shopify.DecodeStoredMembers).
var orderDaysMembers = []string{"processedAt", "refunds", "agreements"}

// orderDays is what eachOrderBatch decodes of an order: the dates it books on.
type orderDays struct {
	ProcessedAt time.Time      `json:"processedAt"`
	Refunds     []refundDays   `json:"refunds"`
	Agreements  []agreementDay `json:"agreements"`
}

type refundDays struct {
	ID          string     `json:"id"`
	CreatedAt   time.Time  `json:"createdAt"`
	ProcessedAt *time.Time `json:"processedAt"`
}

type agreementDay struct {
	Reason     string    `json:"reason"`
	HappenedAt time.Time `json:"happenedAt"`
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

// daysOfOrder is what bookingDays reads of a decoded order.
func daysOfOrder(o *shopify.Order) orderDays {
	var d orderDays
	d.ProcessedAt = o.ProcessedAt
	for _, r := range o.Refunds {
		d.Refunds = append(d.Refunds, refundDays{ID: r.ID, CreatedAt: r.CreatedAt, ProcessedAt: r.ProcessedAt})
	}
	for _, a := range o.Agreements {
		d.Agreements = append(d.Agreements, agreementDay{Reason: a.Reason, HappenedAt: a.HappenedAt})
	}
	return d
}

// chunkSize is planChunk unless a test set the Service's own.
func (p *pass) chunkSize() int {
	if p.svc.planChunk > 0 {
		return p.svc.planChunk
	}
	return planChunk
}

// eachClosedDayBatch plans a later run with day postings as eachOrderBatch
// does from the list of every order (everyBookingOrder, closeOverDays,
// batchDays), with the same calls, but holds only days and the orders of
// the call being built, never a list of the shop's orders: a later run's
// closure reaches nearly every day (refunds chain a sale's day to later
// ones), and the list was about 130 B an order, the largest part of a
// 100,000-order shop's heap. It first closes over the days (closeOverIndex),
// then takes them in date order, each day's orders being those the index
// has an event of that book on it (bookingOn), cut into calls as batchDays
// cuts them. Each order's days are decoded again in the second walk: a
// few microseconds an order, against holding them all.
func (p *pass) eachClosedDayBatch(ctx context.Context, plan func(planBatch) error) error {
	closed, err := p.closeOverIndex(ctx)
	if err != nil {
		return err
	}
	p.planDays = closed
	size := p.chunkSize()
	b := planBatch{days: map[string]bool{}}
	in := map[string]bool{}
	planned := false
	flush := func() error {
		if len(b.days) == 0 {
			return nil
		}
		b.gids = slices.Sorted(maps.Keys(in))
		next := b
		b, in = planBatch{days: map[string]bool{}}, map[string]bool{}
		planned = true
		if len(next.days) == 1 && len(next.gids) > size {
			return p.planChosenDayInParts(ctx, next, plan)
		}
		return plan(next)
	}
	for _, d := range slices.Sorted(maps.Keys(closed)) {
		on, _, err := p.bookingOn(ctx, d)
		if err != nil {
			return err
		}
		// As batchDays counts: the day's orders, even those already in.
		if len(b.days) > 0 && len(in)+len(on) > size {
			if err := flush(); err != nil {
				return err
			}
		}
		b.days[d] = true
		for _, g := range on {
			in[g] = true
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if !planned {
		return plan(planBatch{days: map[string]bool{}}) // payouts and purchase orders still plan
	}
	return nil
}

// closeOverIndex returns the days a later run plans whole: the days of
// p.days, every day an order read books on, and every day an order booking
// on one of those books on, repeated until no new day comes in. It is
// closeOverDays walked in the snapshot index: it holds the days, and one
// day's orders at a time.
func (p *pass) closeOverIndex(ctx context.Context) (map[string]bool, error) {
	if err := p.markRechecked(ctx); err != nil {
		return nil, err
	}
	var queue []string
	for d := range p.days {
		queue = append(queue, d)
	}
	changed := slices.Sorted(maps.Keys(p.changed))
	for first := 0; first < len(changed); first += p.chunkSize() {
		part := changed[first:min(first+p.chunkSize(), len(changed))]
		// An order read but not stored has no days to plan, as it is not
		// in the list everyBookingOrder makes.
		days, err := p.loadOrderDays(ctx, part, true)
		if err != nil {
			return nil, err
		}
		for _, o := range days {
			queue = append(queue, p.bookingDays(o, p.shop.Settings.StartDate)...)
		}
	}
	closed := map[string]bool{}
	for len(queue) > 0 {
		d := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if closed[d] {
			continue
		}
		closed[d] = true
		_, daysOf, err := p.bookingOn(ctx, d)
		if err != nil {
			return nil, err
		}
		for _, days := range daysOf {
			for _, e := range days {
				if !closed[e] {
					queue = append(queue, e)
				}
			}
		}
	}
	return closed, nil
}

// bookingOn lists, in GID order, the stored orders booking on day (a
// shop-local date) with the days each books on: of the orders the snapshot
// index has an event of on that day (a sale, a refund, an agreement), those
// whose sale, refunds or edits fall on it.
func (p *pass) bookingOn(ctx context.Context, day string) ([]string, [][]string, error) {
	from, err := time.ParseInLocation(time.DateOnly, day, p.loc)
	if err != nil {
		return nil, nil, fmt.Errorf("day %q: %w", day, err)
	}
	indexed, err := p.svc.store.OrdersTouchingAt(ctx, p.shop.ID, from, from.AddDate(0, 0, 1))
	if err != nil {
		return nil, nil, fmt.Errorf("orders of %s: %w", day, err)
	}
	var gids []string
	var daysOf [][]string
	for first := 0; first < len(indexed); first += p.chunkSize() {
		part := indexed[first:min(first+p.chunkSize(), len(indexed))]
		ids := make([]string, len(part))
		for i, o := range part {
			ids[i] = o.GID
		}
		orders, err := p.loadOrderDays(ctx, ids, false)
		if err != nil {
			return nil, nil, err
		}
		for i, o := range orders {
			if days := p.bookingDays(o, p.shop.Settings.StartDate); slices.Contains(days, day) {
				gids = append(gids, ids[i])
				daysOf = append(daysOf, days)
			}
		}
	}
	return gids, daysOf, nil
}

// loadOrderDays decodes the booking dates of the newest snapshot of each
// of gids, in their order; only those members are decoded. A gid without
// a snapshot is an error unless skipMissing, when it is left out.
func (p *pass) loadOrderDays(ctx context.Context, gids []string, skipMissing bool) ([]orderDays, error) {
	return loadDecoded(ctx, p.svc.store, p.shop.ID, gids, skipMissing, decodeOrderDays)
}

// decodeOrderDays decodes only the members of a stored order that
// orderDays holds.
func decodeOrderDays(body []byte, o *orderDays) error {
	return shopify.DecodeStoredMembers(body, o, orderDaysMembers...)
}

// eachStoredOrderDays calls fn with the days of the newest snapshot of
// every stored order, in GID order, but for the GIDs skip says to pass
// over (never decoded).
func (p *pass) eachStoredOrderDays(ctx context.Context, skip func(gid string) bool, fn func(gid string, o orderDays) error) error {
	err := p.svc.store.EachLatestSnapshot(ctx, p.shop.ID, "order", func(s *shopqb.Snapshot) error {
		if skip != nil && skip(s.GID) {
			return nil
		}
		var o orderDays
		if err := decodeOrderDays(s.Body, &o); err != nil {
			return fmt.Errorf("snapshot %s: %w", s.GID, err)
		}
		return fn(s.GID, o)
	})
	if err != nil {
		return fmt.Errorf("load snapshots: %w", err)
	}
	return nil
}

// markRechecked marks changed the stored orders whose failed documents are
// checked again (recheck), as everyBookingOrder does while listing. Only a
// shop with such failures walks its snapshots for them, keeping none.
func (p *pass) markRechecked(ctx context.Context) error {
	if p.recheck.empty() {
		return nil
	}
	return p.eachStoredOrderDays(ctx, func(gid string) bool { return p.changed[gid] }, func(gid string, o orderDays) error {
		if p.recheck.rechecks(gid, o) {
			p.changed[gid] = true
		}
		return nil
	})
}
