package syncengine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
)

// overlap re-reads a little before the watermark: Shopify's updated_at index
// is eventually consistent, and snapshots de-duplicate what is read twice.
const overlap = 10 * time.Minute

// reconcileOverlap is how far back the scheduled daily sync re-reads: it is
// the reconciliation pull that catches an order whose webhook was lost or
// whose update reached Shopify's index late. Re-reading is cheap (snapshots
// de-duplicate by GID and updatedAt) and re-planning is idempotent.
const reconcileOverlap = 48 * time.Hour

// planChunk is how many orders one planner call sees in detail mode.
const planChunk = 500

// Sync reads the shop up to now, plans and fills the outbox. The Web
// Connector's next session drains it. It is what a scheduled tick, "sync now"
// and a webhook all end in.
func (e *Engine) Sync(ctx context.Context, shopID int64, trigger string) (*store.SyncRun, error) {
	return e.sync(ctx, shopID, trigger, false)
}

// sync is Sync; a dry sync reads and plans everything but changes neither the
// outbox nor the watermarks: the start uses it to refuse settings QuickBooks
// could not hold (the 14,500 list limit) before they are locked.
func (e *Engine) sync(ctx context.Context, shopID int64, trigger string, dry bool) (*store.SyncRun, error) {
	mu := e.shopLock(shopID)
	mu.Lock()
	defer mu.Unlock()

	shop, err := e.store.ShopByID(ctx, shopID)
	if err != nil {
		return nil, fmt.Errorf("sync shop %d: %w", shopID, err)
	}
	if shop.StartedAt == nil && !dry {
		return nil, ErrNotStarted
	}
	pre, err := e.LoadPreflight(ctx, shopID)
	if err != nil {
		return nil, err
	}
	now := e.now()
	run := &store.SyncRun{ShopID: shopID, Trigger: trigger, StartedAt: now, Status: "running", Counts: map[string]int{}}
	from, err := e.windowStart(ctx, shop, kvWatermark)
	if err != nil {
		return nil, err
	}
	if trigger == "schedule" && !from.IsZero() {
		if wide := from.Add(overlap - reconcileOverlap); shop.Settings.StartDate == "" || wide.Format("2006-01-02") >= shop.Settings.StartDate {
			from = wide
		}
	}
	run.WindowFrom, run.WindowTo = from, now
	if err := e.store.CreateSyncRun(ctx, run); err != nil {
		return nil, fmt.Errorf("record sync run: %w", err)
	}
	fail := func(err error) (*store.SyncRun, error) {
		t := e.now()
		run.FinishedAt, run.Status, run.Error = &t, "failed", err.Error()
		_ = e.store.UpdateSyncRun(ctx, run)
		return run, err
	}
	src, err := e.source(ctx, shop)
	if err != nil {
		return fail(fmt.Errorf("connect to Shopify: %w", err))
	}
	loc, err := time.LoadLocation(shop.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	changed := map[string]bool{}
	affectedDates := map[string]bool{}
	err = src.Orders(ctx, from, now, func(o *shopify.Order) error {
		run.Counts["orders_read"]++
		ins, err := e.putSnapshot(ctx, shopID, "order", o.ID, o.UpdatedAt, o)
		if err != nil {
			return err
		}
		if ins {
			run.Counts["orders_new_versions"]++
		}
		// Every order read is planned again, not only new versions: if an
		// earlier sync stored the snapshot and then failed before planning,
		// the watermark did not move and this is its second chance. Planning
		// is idempotent (same key, same hash: nothing changes).
		changed[o.ID] = true
		for _, d := range shopDaysOf(o, loc) {
			affectedDates[d] = true
		}
		return nil
	})
	if err != nil {
		return fail(fmt.Errorf("read orders: %w", err))
	}
	variants := map[string]shopify.ProductVariant{}
	err = src.Variants(ctx, func(v *shopify.ProductVariant) error {
		variants[v.ID] = *v
		_, err := e.putSnapshot(ctx, shopID, "variant", v.ID, v.UpdatedAt, v)
		return err
	})
	if err != nil {
		return fail(fmt.Errorf("read products: %w", err))
	}
	payoutFrom, err := e.windowStart(ctx, shop, kvPayouts)
	if err != nil {
		return fail(err)
	}
	var payouts []shopify.Payout
	err = src.Payouts(ctx, payoutFrom, now, func(p *shopify.Payout) error {
		run.Counts["payouts_read"]++
		// Only settled payouts are booked: a scheduled one can still change.
		if p.Status != "PAID" {
			return nil
		}
		if _, err := e.putSnapshot(ctx, shopID, "payout", p.ID, p.IssuedAt, p); err != nil {
			return err
		}
		payouts = append(payouts, *p) // planned again each time it is read: idempotent
		return nil
	})
	if err != nil {
		return fail(fmt.Errorf("read payouts: %w", err))
	}

	err = src.PurchaseOrders(ctx, func(po *shopify.PurchaseOrder) error {
		run.Counts["purchase_orders_read"]++
		_, err := e.putSnapshot(ctx, shopID, "purchase_order", po.ID, po.UpdatedAt, po)
		return err
	})
	var warn *SourceWarning
	if errors.As(err, &warn) {
		run.Counts["warnings"]++
		e.log.Warn("purchase orders", "shop", shop.Domain, "warning", warn.Message)
		_ = e.store.AddAudit(ctx, shopID, "sync", "warning", warn.Message)
	} else if err != nil {
		return fail(fmt.Errorf("read purchase orders: %w", err))
	}
	// Purchase orders are few and change in place (receiving): plan them all,
	// from every source, each time (idempotent).
	var purchaseOrders []shopify.PurchaseOrder
	err = e.store.EachLatestSnapshot(ctx, shopID, "purchase_order", func(s *store.Snapshot) error {
		var po shopify.PurchaseOrder
		if err := json.Unmarshal(s.Body, &po); err != nil {
			return fmt.Errorf("snapshot %s: %w", s.GID, err)
		}
		purchaseOrders = append(purchaseOrders, po)
		return nil
	})
	if err != nil {
		return fail(err)
	}

	// Plan what changed. Detail mode needs only the changed orders and is
	// planned in chunks, so a back-fill of 100,000 orders never holds them all
	// in memory; summary mode re-plans whole days (a day's receipt must be
	// complete, and a refund dated that day may belong to an older order).
	summary := shop.Settings.SalesMode == shopqb.Summary
	// Day summaries (summary sales, the daily cost of goods in summary
	// inventory mode) are planned from whole days only: a summary planned
	// from part of its day would book the rest as a change (drift.go).
	wholeDays := summary || shop.Settings.InventoryMode == shopqb.Summary
	held, err := e.heldDays(ctx, shopID)
	if err != nil {
		return fail(err)
	}
	for d := range held {
		affectedDates[d] = true
	}
	byDay := map[string][]string{}
	start := shop.Settings.StartDate
	// Until a sync has planned once, everything stored is planned, not only
	// what this sync read: the start's dry check already read the shop and
	// moved the watermark, so the first sync does not read it all again.
	firstPlan := false
	if raw, err := e.store.KV(ctx, shopID, kvPlannedOnce); errors.Is(err, shopqb.ErrNotFound) || (err == nil && len(raw) == 0) {
		firstPlan = true
	} else if err != nil {
		return fail(err)
	}
	if firstPlan {
		seen := map[string]bool{}
		for _, p := range payouts {
			seen[p.ID] = true
		}
		err = e.store.EachLatestSnapshot(ctx, shopID, "payout", func(s *store.Snapshot) error {
			if seen[s.GID] {
				return nil
			}
			var p shopify.Payout
			if err := json.Unmarshal(s.Body, &p); err != nil {
				return fmt.Errorf("snapshot %s: %w", s.GID, err)
			}
			payouts = append(payouts, p)
			return nil
		})
		if err != nil {
			return fail(err)
		}
	}
	var todo []string
	err = e.store.EachLatestSnapshot(ctx, shopID, "order", func(s *store.Snapshot) error {
		if !changed[s.GID] && !wholeDays && !firstPlan {
			return nil
		}
		var o orderDays
		if err := json.Unmarshal(s.Body, &o); err != nil {
			return fmt.Errorf("snapshot %s: %w", s.GID, err)
		}
		day := o.ProcessedAt.In(loc).Format("2006-01-02")
		if start != "" && day < start {
			return nil
		}
		if !wholeDays {
			if changed[s.GID] || firstPlan {
				todo = append(todo, s.GID)
			}
			return nil
		}
		for _, d := range o.days(loc) {
			if affectedDates[d] || firstPlan {
				byDay[d] = append(byDay[d], s.GID)
			}
		}
		return nil
	})
	if err != nil {
		return fail(fmt.Errorf("load snapshots: %w", err))
	}
	names := map[string]string{}
	if raw, err := e.store.KV(ctx, shopID, kvNames); err == nil {
		_ = json.Unmarshal(raw, &names)
	} else if !errors.Is(err, shopqb.ErrNotFound) {
		return fail(err)
	}
	type unit struct {
		ids  []string
		days map[string]bool
	}
	var units []unit
	if wholeDays {
		for _, u := range dayUnits(byDay, planChunk) {
			units = append(units, unit{u.orders, u.days})
		}
	} else {
		for first := 0; first == 0 || first < len(todo); first += planChunk {
			units = append(units, unit{ids: todo[first:min(first+planChunk, len(todo))]})
		}
	}
	company := CompanyOf(pre)
	heldNow := map[string]bool{}
	for ui, u := range units {
		ids := u.ids
		orders := make([]shopify.Order, 0, len(ids))
		for _, gid := range ids {
			s, err := e.store.LatestSnapshot(ctx, shopID, gid)
			if err != nil {
				return fail(fmt.Errorf("load snapshot %s: %w", gid, err))
			}
			var o shopify.Order
			if err := json.Unmarshal(s.Body, &o); err != nil {
				return fail(fmt.Errorf("snapshot %s: %w", gid, err))
			}
			orders = append(orders, o)
		}
		in := planner.Input{Shop: *shop, Company: company, Orders: orders, Variants: variants, Names: names,
			Days: u.days, Now: now}
		if ui == 0 {
			in.Payouts, in.PurchaseOrders = payouts, purchaseOrders
		}
		plan, err := buildAgainstBooks(ctx, e.store, shopID, in)
		if err != nil {
			return fail(fmt.Errorf("plan: %w", err))
		}
		for _, d := range plan.HeldBack {
			heldNow[d] = true
		}
		names = plan.Names
		company.ExistingNames += plan.NewNames
		company.ExistingItems += plan.NewItems
		run.Counts["orders_planned"] += len(orders)
		run.Counts["postings_planned"] += len(plan.Postings)
		if dry {
			continue
		}
		if err := e.commitPlan(ctx, shop, plan, run); err != nil {
			return fail(err)
		}
		if err := e.relinkAfterReset(ctx, shopID, plan.Postings); err != nil {
			return fail(err)
		}
		run.Counts["warnings"] += len(plan.Warnings)
		for _, w := range plan.Warnings {
			e.log.Warn("plan warning", "shop", shop.Domain, "warning", w)
		}
	}
	// Everything read is in the snapshots now; the next read starts here.
	if err := e.store.PutKV(ctx, shopID, kvWatermark, []byte(now.UTC().Format(time.RFC3339Nano))); err != nil {
		return fail(err)
	}
	if err := e.store.PutKV(ctx, shopID, kvPayouts, []byte(now.UTC().Format(time.RFC3339Nano))); err != nil {
		return fail(err)
	}
	if dry {
		t := e.now()
		run.Status, run.FinishedAt = "checked", &t
		return run, e.store.UpdateSyncRun(ctx, run)
	}
	rawNames, _ := json.Marshal(names)
	if err := e.store.PutKV(ctx, shopID, kvNames, rawNames); err != nil {
		return fail(err)
	}
	if err := e.store.PutKV(ctx, shopID, kvPlannedOnce, []byte("1")); err != nil {
		return fail(err)
	}
	if err := e.putHeldDays(ctx, shopID, heldNow); err != nil {
		return fail(err)
	}
	run.Status = "posting"
	if err := e.store.UpdateSyncRun(ctx, run); err != nil {
		return nil, err
	}
	counts, _ := e.store.CountPostings(ctx, shopID)
	e.finishRuns(ctx, shopID, counts)
	e.log.Info("sync planned", "shop", shop.Domain, "trigger", trigger, "orders", run.Counts["orders_planned"], "postings", run.Counts["postings_planned"], "new", run.Counts["postings_new"])
	return run, nil
}

func refundTime(r shopify.Refund) time.Time {
	if r.ProcessedAt != nil {
		return *r.ProcessedAt
	}
	return r.CreatedAt
}

// windowStart is the watermark less the overlap, or the start date's midnight
// in the shop's zone on the first sync.
func (e *Engine) windowStart(ctx context.Context, shop *shopqb.Shop, key string) (time.Time, error) {
	raw, err := e.store.KV(ctx, shop.ID, key)
	if err == nil && len(raw) > 0 {
		t, err := time.Parse(time.RFC3339Nano, string(raw))
		if err != nil {
			return time.Time{}, fmt.Errorf("watermark %s: %w", key, err)
		}
		return t.Add(-overlap), nil
	}
	if err != nil && !errors.Is(err, shopqb.ErrNotFound) {
		return time.Time{}, err
	}
	loc, lerr := time.LoadLocation(shop.TimeZone)
	if lerr != nil {
		loc = time.UTC
	}
	if shop.Settings.StartDate == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation("2006-01-02", shop.Settings.StartDate, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("start date %q: %w", shop.Settings.StartDate, err)
	}
	return d, nil
}

func (e *Engine) putSnapshot(ctx context.Context, shopID int64, kind, gid string, updated time.Time, v any) (bool, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return false, fmt.Errorf("snapshot %s: %w", gid, err)
	}
	ins, err := e.store.PutSnapshot(ctx, &store.Snapshot{ShopID: shopID, Kind: kind, GID: gid, UpdatedAt: updated, Body: body, FetchedAt: e.now()})
	if err != nil {
		return false, fmt.Errorf("snapshot %s: %w", gid, err)
	}
	return ins, nil
}

// CompanyOf turns the preflight into what the planner needs.
func CompanyOf(p *Preflight) planner.Company {
	c := planner.Company{
		Edition:         editionKey(p.Edition),
		ExistingNames:   p.Customers + p.Vendors,
		ExistingItems:   p.Items,
		ClassTracking:   p.ClassTracking,
		ZeroRateTaxItem: p.DefaultTax,
		TaxAgency:       p.TaxAgency,
		KnownNames:      p.KnownNames,
	}
	for _, a := range p.Accounts {
		c.Accounts = append(c.Accounts, a.FullName)
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

// ImportPurchaseOrders stores purchase orders from an archive (a Stocky
// export) as snapshots; the next sync books them with the others.
func (e *Engine) ImportPurchaseOrders(ctx context.Context, shopID int64, pos []shopify.PurchaseOrder) (int, error) {
	n := 0
	for i := range pos {
		ins, err := e.putSnapshot(ctx, shopID, "purchase_order", pos[i].ID, pos[i].UpdatedAt, &pos[i])
		if err != nil {
			return n, err
		}
		if ins {
			n++
		}
	}
	_ = e.store.AddAudit(ctx, shopID, "admin", "purchase_orders_imported", fmt.Sprintf("%d new of %d", n, len(pos)))
	return n, nil
}

// PollPayouts reads Shopify Payments payouts issued since the last poll and
// books the paid ones. Payouts settle days after the sales they pay out, so
// they are polled on their own schedule as well as read by every sync.
func (e *Engine) PollPayouts(ctx context.Context, shopID int64) (int, error) {
	mu := e.shopLock(shopID)
	mu.Lock()
	defer mu.Unlock()
	shop, err := e.store.ShopByID(ctx, shopID)
	if err != nil {
		return 0, err
	}
	if shop.StartedAt == nil {
		return 0, ErrNotStarted
	}
	pre, err := e.LoadPreflight(ctx, shopID)
	if err != nil {
		return 0, err
	}
	src, err := e.source(ctx, shop)
	if err != nil {
		return 0, fmt.Errorf("connect to Shopify: %w", err)
	}
	now := e.now()
	from, err := e.windowStart(ctx, shop, kvPayouts)
	if err != nil {
		return 0, err
	}
	var payouts []shopify.Payout
	err = src.Payouts(ctx, from, now, func(p *shopify.Payout) error {
		if p.Status != "PAID" {
			return nil
		}
		if _, err := e.putSnapshot(ctx, shopID, "payout", p.ID, p.IssuedAt, p); err != nil {
			return err
		}
		payouts = append(payouts, *p)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("read payouts: %w", err)
	}
	names := map[string]string{}
	if raw, err := e.store.KV(ctx, shopID, kvNames); err == nil {
		_ = json.Unmarshal(raw, &names)
	}
	plan, err := planner.Build(planner.Input{Shop: *shop, Company: CompanyOf(pre), Payouts: payouts, Names: names})
	if err != nil {
		return 0, fmt.Errorf("plan payouts: %w", err)
	}
	rawNames, _ := json.Marshal(plan.Names)
	if err := e.store.PutKV(ctx, shopID, kvNames, rawNames); err != nil {
		return 0, err
	}
	ins, _, err := e.store.UpsertPostings(ctx, shopID, plan.Postings)
	if err != nil {
		return 0, err
	}
	if err := e.store.PutKV(ctx, shopID, kvPayouts, []byte(now.UTC().Format(time.RFC3339Nano))); err != nil {
		return ins, err
	}
	return ins, e.store.PutKV(ctx, shopID, kvPayoutPoll, []byte(now.UTC().Format(time.RFC3339Nano)))
}

// PayoutPollDue lists started shops whose payouts were last polled more than
// every ago.
func (e *Engine) PayoutPollDue(ctx context.Context, every time.Duration) ([]int64, error) {
	shops, err := e.store.ListShops(ctx)
	if err != nil {
		return nil, err
	}
	var due []int64
	for _, s := range shops {
		if s.StartedAt == nil {
			continue
		}
		raw, err := e.store.KV(ctx, s.ID, kvPayoutPoll)
		if err == nil {
			if t, perr := time.Parse(time.RFC3339Nano, string(raw)); perr == nil && e.now().Sub(t) < every {
				continue
			}
		}
		due = append(due, s.ID)
	}
	return due, nil
}
