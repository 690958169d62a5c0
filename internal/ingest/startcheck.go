package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
)

// The start's check plans the shop for real (CheckStart) and the first sync
// plans only what changed since. The history still reads as it did when the
// check only read: the check's record shows what it read and planned, no
// postings added, and the first full sync shows the check's orders
// (orders_from_check) and postings as its own, since it is the run whose
// postings the Web Connector then sends.

// kvCheckCounts holds the counts of what the start's check planned and
// committed (a JSON object), from its last commit until the first full sync
// takes them over in its own.
const kvCheckCounts = "start:check:counts"

// planStateKeys are the key/values a plan commits besides the watermarks:
// the start's checkpoint records them (store.TakePlanCheckpoint), so a
// refused check leaves them as they were. The watermarks move on: what the
// check read is stored, and the next check plans from it.
var planStateKeys = []string{kvPlannedOnce, store.KVExpectedComplete, kvHeldDays, kvCheckCounts}

// assignedCounts are counts a run sets rather than adds to: the first sync's
// own stands.
var assignedCounts = map[string]bool{"days_held_back": true}

// handOver is what the check planned and committed, by count: its counts
// less those of its reading.
func (p *pass) handOver() []byte {
	h := map[string]int{}
	for k, n := range p.run.Counts {
		if d := n - p.readCounts[k]; d != 0 && !assignedCounts[k] {
			h[k] = d
		}
	}
	raw, err := json.Marshal(h)
	if err != nil {
		panic(fmt.Sprintf("encode counts: %v", err)) // a map of ints always encodes
	}
	return raw
}

// checkCounts are the check's own record: what it read, and how many
// orders and postings it planned. What its commits added is the first
// sync's to show.
func (p *pass) checkCounts() map[string]int {
	out := maps.Clone(p.readCounts)
	if out == nil {
		out = map[string]int{}
	}
	for _, k := range []string{"orders_planned", "postings_planned"} {
		if n := p.run.Counts[k]; n > 0 {
			out[k] = n
		}
	}
	return out
}

// loadHandover reads the check's counts; nil when there are none to take
// over.
func loadHandover(ctx context.Context, st store.API, shopID int64) (map[string]int, error) {
	raw, err := st.KV(ctx, shopID, kvCheckCounts)
	if errors.Is(err, shopqb.ErrNotFound) || (err == nil && len(raw) == 0) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	h := map[string]int{}
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("the start check's counts of shop %d: %w", shopID, err)
	}
	return h, nil
}

// takeOver adds the check's counts to the first sync's. Its orders are
// the check's and those it planned and the check did not (countOrders); of
// the check's, those it read again count as read, the rest as taken over
// from the check.
func (p *pass) takeOver() {
	for k, n := range p.handover {
		if !assignedCounts[k] {
			p.run.Counts[k] += n
		}
	}
	if n := p.handover["orders_planned"] - len(p.checkPlanned); n > 0 {
		p.run.Counts[shopqb.CountOrdersFromCheck] = n
	}
}

// noteCheckPlanned sorts the orders of the stash, before their new
// snapshots are stored, into those the check planned (a snapshot of them
// booking on or after the start date was stored then) and the others. An
// order read twice by this run keeps its first sorting.
func (p *pass) noteCheckPlanned(ctx context.Context) error {
	if p.checkPlanned == nil {
		p.checkPlanned, p.sinceCheck = map[string]bool{}, map[string]bool{}
	}
	var gids []string
	for _, s := range p.stashed {
		if s.Kind == "order" && !p.checkPlanned[s.GID] && !p.sinceCheck[s.GID] {
			gids = append(gids, s.GID)
		}
	}
	if len(gids) == 0 {
		return nil
	}
	before, err := p.svc.store.NewestSnapshots(ctx, p.shop.ID, gids)
	if err != nil {
		return fmt.Errorf("orders the start's check planned: %w", err)
	}
	for _, s := range before {
		var o orderDays
		if err := shopify.DecodeStoredMembers(s.Body, &o, orderDaysMembers...); err != nil {
			return fmt.Errorf("snapshot %s: %w", s.GID, err)
		}
		if len(p.bookingDays(o, p.shop.Settings.StartDate)) > 0 {
			p.checkPlanned[s.GID] = true
		}
	}
	for _, g := range gids {
		if !p.checkPlanned[g] {
			p.sinceCheck[g] = true
		}
	}
	return nil
}
