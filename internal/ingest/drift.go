package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/store"
)

// kvHeldDays lists the days whose summaries a plan held back (the shop's
// day not yet over plus the grace period): the next run plans them again
// even when nothing of theirs was read.
const kvHeldDays = "held_days"

// loadHeldDays adds the days an earlier plan held back to the days this
// run plans, and remembers them for heldKV.
func (p *pass) loadHeldDays(ctx context.Context) error {
	raw, err := p.svc.store.KV(ctx, p.shop.ID, kvHeldDays)
	if errors.Is(err, shopqb.ErrNotFound) || (err == nil && len(raw) == 0) {
		return nil
	}
	if err != nil {
		return err
	}
	var days []string
	if err := json.Unmarshal(raw, &days); err != nil {
		return fmt.Errorf("held days of shop %d: %w", p.shop.ID, err)
	}
	p.heldBefore = map[string]bool{}
	for _, d := range days {
		p.heldBefore[d] = true
		p.days[d] = true
	}
	return nil
}

// HeldDays are the shop days whose summaries the last run held back
// (their day not yet over plus the grace period), in order: reports list
// them apart, as not yet in QuickBooks rather than as differences.
func (s *Service) HeldDays(ctx context.Context, shopID int64) ([]string, error) {
	p := &pass{svc: s, shop: &shopqb.Shop{ID: shopID}, days: map[string]bool{}}
	if err := p.loadHeldDays(ctx); err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(p.heldBefore)), nil
}

// heldKV is the held-back list after this run: what the run held back now,
// plus what an earlier run held back on days this run did not plan (a
// webhook's run plans only the days its order touches).
func (p *pass) heldKV() []byte {
	held := maps.Clone(p.heldNow)
	if held == nil {
		held = map[string]bool{}
	}
	for d := range p.heldBefore {
		if p.planDays != nil && !p.planDays[d] {
			held[d] = true
		}
	}
	days := slices.Sorted(maps.Keys(held))
	if days == nil {
		days = []string{}
	}
	raw, _ := json.Marshal(days)
	return raw
}

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
	if err != nil {
		return nil, fmt.Errorf("what QuickBooks holds: %w", err)
	}
	if len(posted) == 0 {
		return plan, nil
	}
	in.Posted = posted
	return planner.Build(in)
}

// countCommit counts and logs in the run what a commit found beyond new and
// updated postings: drift recorded, adjustments booked and withdrawn,
// documents that did not add up.
func (p *pass) countCommit(plan *planner.Plan, res store.CommitResult) {
	log, run, domain := p.svc.log, p.run, p.shop.Domain
	run.Counts["drifts"] += len(res.Drifts)
	for _, d := range res.Drifts {
		log.Warn("planned change to a posting QuickBooks holds was not applied; recorded as drift",
			"shop", domain, "key", d.Key, "state", d.State, "posted_hash", d.PostedHash, "planned_hash", d.PlannedHash)
	}
	if plan.Adjusted > 0 {
		run.Counts["adjustments"] += plan.Adjusted
		log.Info("changes to posted transactions booked as adjustments", "shop", domain, "count", plan.Adjusted)
	}
	run.Counts["adjustments_withdrawn"] += res.Withdrawn
	for _, ps := range plan.Postings {
		if ps.State == shopqb.Failed && p.firstReport("failed:"+ps.Key) {
			run.Counts["documents_failed"]++
			log.Warn("document not booked", "shop", domain, "key", ps.Key, "reason", ps.ErrorMessage)
		}
	}
	if len(p.heldNow) > 0 {
		run.Counts["days_held_back"] = len(p.heldNow)
	}
}

// recheck lists what failed in planning (shopqb.ErrorClassDocument): a
// Shopify document that did not add up. Every run plans its order again
// from the newest snapshot, so a correction in Shopify, a newer shopqb or a
// retry asked for by the merchant (shopadmin.RetryFailed enqueues a sync)
// books it as soon as it adds up, even when the order itself did not change.
type recheck struct {
	// orders and refunds are the numeric Shopify ids named by the failed
	// postings' keys (order:<id>:…, refund:<id>).
	orders, refunds map[string]bool
}

func (r *recheck) empty() bool { return r == nil || len(r.orders)+len(r.refunds) == 0 }

// loadRecheck reads the shop's document failures.
func (p *pass) loadRecheck(ctx context.Context) error {
	r := &recheck{orders: map[string]bool{}, refunds: map[string]bool{}}
	var after int64
	for {
		ps, err := p.svc.store.ListPostings(ctx, shopqb.PostingFilter{ShopID: p.shop.ID, States: []shopqb.PostingState{shopqb.Failed}, AfterID: after, Limit: 500})
		if err != nil {
			return fmt.Errorf("failed postings of shop %d: %w", p.shop.ID, err)
		}
		if len(ps) == 0 {
			break
		}
		for _, ps := range ps {
			after = ps.ID
			if ps.ErrorClass != shopqb.ErrorClassDocument {
				continue
			}
			parts := strings.Split(ps.Key, ":")
			switch {
			case len(parts) >= 2 && parts[0] == "order":
				r.orders[parts[1]] = true
			case len(parts) == 2 && parts[0] == "refund":
				r.refunds[parts[1]] = true
			}
		}
	}
	p.recheck = r
	return nil
}

// rechecks says whether the order behind gid (decoded as o) has a document
// failure to check again.
func (r *recheck) rechecks(gid string, o orderDays) bool {
	if r.empty() {
		return false
	}
	if r.orders[numericID(gid)] {
		return true
	}
	for _, rf := range o.Refunds {
		if r.refunds[numericID(rf.ID)] {
			return true
		}
	}
	return false
}

// numericID is the last part of a Shopify GID.
func numericID(gid string) string { return gid[strings.LastIndex(gid, "/")+1:] }
