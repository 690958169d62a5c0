package syncengine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
)

// kvHeldDays lists the days whose summaries a plan held back (the shop's
// day not yet over plus the grace period): the next sync plans them again
// even when nothing of theirs was read.
const kvHeldDays = "held_days"

// buildAgainstBooks plans in and, when QuickBooks already holds some of
// the plan's transactions in another form (drift), plans again against
// them so that the difference is booked as adjustments (planner.Input.Posted).
// A plan of unchanged documents costs one light lookup.
func buildAgainstBooks(ctx context.Context, st store.API, shopID int64, in planner.Input) (*planner.Plan, error) {
	plan, err := planner.Build(in)
	if err != nil {
		return nil, err
	}
	hashes := map[string]string{}
	for _, p := range plan.Postings {
		if p.TxnDate != "" && p.State != shopqb.Failed {
			hashes[p.Key] = p.PlanHash
		}
	}
	posted, err := st.PostedFor(ctx, shopID, hashes)
	if err != nil || len(posted) == 0 {
		return plan, err
	}
	in.Posted = posted
	return planner.Build(in)
}

// commitPlan fills the outbox with a plan: postings (drift recorded, never
// applied), adjustments no longer needed withdrawn, document failures that
// no longer stand cleared; and counts and logs each in the run.
func (e *Engine) commitPlan(ctx context.Context, shop *shopqb.Shop, plan *planner.Plan, run *store.SyncRun) error {
	rep, err := e.store.UpsertPostingsReport(ctx, shop.ID, plan.Postings)
	if err != nil {
		return fmt.Errorf("fill outbox: %w", err)
	}
	run.Counts["postings_new"] += rep.Inserted
	run.Counts["postings_updated"] += rep.Updated
	run.Counts["drifts"] += len(rep.Drifts)
	for _, d := range rep.Drifts {
		e.log.Warn("planned change to a posting QuickBooks holds was not applied; recorded as drift",
			"shop", shop.Domain, "key", d.Key, "state", d.State, "posted_hash", d.PostedHash, "planned_hash", d.PlannedHash)
	}
	if plan.Adjusted > 0 {
		run.Counts["adjustments"] += plan.Adjusted
		e.log.Info("changes to posted transactions booked as adjustments", "shop", shop.Domain, "count", plan.Adjusted)
	}
	if plan.Failed > 0 {
		run.Counts["documents_failed"] += plan.Failed
		for _, p := range plan.Postings {
			if p.State == shopqb.Failed {
				e.log.Warn("document not booked", "shop", shop.Domain, "key", p.Key, "reason", p.ErrorMessage)
			}
		}
	}
	n, err := e.store.WithdrawPostings(ctx, shop.ID, plan.Withdrawn)
	if err != nil {
		return err
	}
	run.Counts["adjustments_withdrawn"] += n
	if _, err := e.store.ClearDocumentFailures(ctx, shop.ID, plan.Cleared); err != nil {
		return err
	}
	return nil
}

// heldDays reads the days an earlier plan held back.
func (e *Engine) heldDays(ctx context.Context, shopID int64) (map[string]bool, error) {
	out := map[string]bool{}
	raw, err := e.store.KV(ctx, shopID, kvHeldDays)
	if errors.Is(err, shopqb.ErrNotFound) || (err == nil && len(raw) == 0) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	var days []string
	if err := json.Unmarshal(raw, &days); err != nil {
		return nil, fmt.Errorf("held days: %w", err)
	}
	for _, d := range days {
		out[d] = true
	}
	return out, nil
}

// putHeldDays records the days held back now, for the next sync.
func (e *Engine) putHeldDays(ctx context.Context, shopID int64, days map[string]bool) error {
	list := make([]string, 0, len(days))
	for d := range days {
		list = append(list, d)
	}
	sort.Strings(list)
	raw, _ := json.Marshal(list)
	return e.store.PutKV(ctx, shopID, kvHeldDays, raw)
}

// orderDays are the shop days an order books something on: its sale, each
// refund and each edit. A day summary needs every order touching its day.
type orderDays struct {
	ProcessedAt time.Time `json:"processedAt"`
	Refunds     []struct {
		CreatedAt   time.Time  `json:"createdAt"`
		ProcessedAt *time.Time `json:"processedAt"`
	} `json:"refunds"`
	Agreements []struct {
		Reason     string    `json:"reason"`
		HappenedAt time.Time `json:"happenedAt"`
	} `json:"agreements"`
}

func (o *orderDays) days(loc *time.Location) []string {
	out := []string{o.ProcessedAt.In(loc).Format("2006-01-02")}
	for _, r := range o.Refunds {
		t := r.CreatedAt
		if r.ProcessedAt != nil {
			t = *r.ProcessedAt
		}
		out = append(out, t.In(loc).Format("2006-01-02"))
	}
	for _, a := range o.Agreements {
		if a.Reason == "ORDER_EDIT" {
			out = append(out, a.HappenedAt.In(loc).Format("2006-01-02"))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// shopDaysOf is orderDays of a Shopify order.
func shopDaysOf(o *shopify.Order, loc *time.Location) []string {
	b, err := json.Marshal(o)
	if err != nil {
		return []string{o.ProcessedAt.In(loc).Format("2006-01-02")}
	}
	var d orderDays
	if err := json.Unmarshal(b, &d); err != nil {
		return []string{o.ProcessedAt.In(loc).Format("2006-01-02")}
	}
	return d.days(loc)
}

// dayUnit is one planner call when summaries are planned by whole days:
// the days it may summarise and every order touching them.
type dayUnit struct {
	days   map[string]bool
	orders []string
}

// dayUnits cuts the affected days into planner calls of about planChunk
// orders each, a day never split: an order touching days of two units is
// planned in both, which is idempotent.
func dayUnits(byDay map[string][]string, chunk int) []dayUnit {
	days := make([]string, 0, len(byDay))
	for d := range byDay {
		days = append(days, d)
	}
	sort.Strings(days)
	var out []dayUnit
	cur := dayUnit{days: map[string]bool{}}
	seen := map[string]bool{}
	for _, d := range days {
		cur.days[d] = true
		for _, gid := range byDay[d] {
			if !seen[gid] {
				seen[gid] = true
				cur.orders = append(cur.orders, gid)
			}
		}
		if len(cur.orders) >= chunk {
			out = append(out, cur)
			cur, seen = dayUnit{days: map[string]bool{}}, map[string]bool{}
		}
	}
	if len(cur.days) > 0 || len(out) == 0 {
		out = append(out, cur)
	}
	return out
}
