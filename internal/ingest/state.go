package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
)

// The pipeline's per-shop state in the store's key/values. Admin reset and
// a change of start date clear the watermarks (admin.go): the names, kept
// in the store's plan names (store.EachPlanName), stay the same there.
const (
	kvWatermark = "watermark:orders"
	kvPayouts   = "watermark:payouts"
	// kvPlannedOnce is set by the first sync that filled the outbox.
	kvPlannedOnce = "planned:once"
	kvPayoutPoll  = "payouts:polled"
	// kvReset is set by an admin reset: postings planned afterwards whose
	// key was archived are re-linked (store.PlanCommit.RelinkArchived).
	kvReset = "reset:relink"
)

// pass is one run of the pipeline: what it read, what it will plan, and
// the state it commits.
type pass struct {
	svc     *Service
	shop    *shopqb.Shop
	loc     *time.Location
	company planner.Company
	run     *shopqb.SyncRun
	now     time.Time
	dry     bool

	// from is the start of the orders' read window.
	from time.Time
	// changed are the orders read; days the shop-local dates they (and
	// their refunds) touch, which summary mode re-plans whole.
	changed map[string]bool
	days    map[string]bool
	// variants and purchaseOrders go to the planner with the first call;
	// payouts are the paid payouts to plan, loaded from their snapshots in
	// calls of their own (payoutBatches).
	variants       map[string]shopify.ProductVariant
	payouts        []payoutRef
	purchaseOrders []shopify.PurchaseOrder

	// book finds the names of earlier plans in the store's plan names for
	// the planner calls (planner.Input.Book), made once a run, and tells
	// each commit the names its plan added (newNames).
	book *planner.NameBook
	// firstPlan: no sync has filled the outbox yet, so everything stored is
	// planned (the start's dry check read it), not only what this run read.
	firstPlan bool
	// fromCheck: no real sync has planned yet, so what this run plans and
	// did not read itself the start's trial read (counted as its orders).
	fromCheck bool
	// relink: an admin reset archived the outbox since the last plan.
	relink bool
	// planDays are the days whose summaries this run plans (planner.Input.Days):
	// nil when its orders are the whole shop or no posting sums a day.
	planDays map[string]bool
	// heldBefore are the days an earlier run held back (kvHeldDays), heldNow
	// those this run's plans held back.
	heldBefore, heldNow map[string]bool
	// recheck: the document failures whose orders are planned again.
	recheck *recheck
	// carry is what the parts of a day planned so far add to its
	// summaries, for its next part (planner.Input.Carry).
	carry *planner.DayCarry
	// reported are the warnings and failed documents this run counted and
	// logged (firstReport).
	reported map[string]bool
	// movesWatermarks: this run read whole windows, so its last commit moves
	// the watermarks to now; a webhook's run read one order and does not.
	movesWatermarks bool

	// stashed are snapshots read and not yet stored (stash.go), of
	// stashedBytes of JSON.
	stashed      []*shopqb.Snapshot
	stashedBytes int
}

// loadPlanState makes the name book and reads the flags that steer planning.
func (p *pass) loadPlanState(ctx context.Context) error {
	st := p.svc.store
	var err error
	if p.book, err = planner.NewNameBook(storedNames{ctx: ctx, st: st, shopID: p.shop.ID}); err != nil {
		return fmt.Errorf("read the plan names: %w", err)
	}
	if p.firstPlan, err = kvUnset(ctx, st, p.shop.ID, kvPlannedOnce); err != nil {
		return err
	}
	// A shop whose expected figures were never all stored (planned before
	// they were, or by a plan of the whole shop that died part-way) is
	// planned whole once more: planning is idempotent, so only the figures
	// are new.
	p.fromCheck = p.firstPlan && !p.dry
	noFigures, err := kvUnset(ctx, st, p.shop.ID, store.KVExpectedComplete)
	if err != nil {
		return err
	}
	p.firstPlan = p.firstPlan || noFigures
	unreset, err := kvUnset(ctx, st, p.shop.ID, kvReset)
	if err != nil {
		return err
	}
	p.relink = !unreset
	if err := p.loadRecheck(ctx); err != nil {
		return err
	}
	return p.loadHeldDays(ctx)
}

// kvUnset reports whether key is absent or empty.
func kvUnset(ctx context.Context, st store.API, shopID int64, key string) (bool, error) {
	raw, err := st.KV(ctx, shopID, key)
	if errors.Is(err, shopqb.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return len(raw) == 0, nil
}

// window sets the orders' read window: from the watermark less the overlap
// to now; a scheduled run reaches back reconcileOverlap, though never before
// the start date.
func (p *pass) window(ctx context.Context, trigger shopqb.Trigger) error {
	from, err := p.svc.windowStart(ctx, p.shop, kvWatermark)
	if err != nil {
		return err
	}
	if trigger == shopqb.TriggerSchedule && !from.IsZero() {
		if wide := from.Add(overlap - reconcileOverlap); p.shop.Settings.StartDate == "" || wide.Format(time.DateOnly) >= p.shop.Settings.StartDate {
			from = wide
		}
	}
	p.from = from
	p.run.WindowFrom, p.run.WindowTo = from, p.now
	p.movesWatermarks = true
	return nil
}

// windowStart is the watermark less the overlap, or the start date's midnight
// in the shop's zone on the first sync.
func (s *Service) windowStart(ctx context.Context, shop *shopqb.Shop, key string) (time.Time, error) {
	raw, err := s.store.KV(ctx, shop.ID, key)
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
	if shop.Settings.StartDate == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, shop.Settings.StartDate, shopLocation(shop))
	if err != nil {
		return time.Time{}, fmt.Errorf("start date %q: %w", shop.Settings.StartDate, err)
	}
	return d, nil
}

// stamp is how watermarks are stored.
func stamp(t time.Time) []byte { return []byte(t.UTC().Format(time.RFC3339Nano)) }

// finalState is the key/values the run's last commit writes: the
// watermarks and the planned-once flag when the run read whole windows; for
// the dry check only the watermarks (its plan is thrown away, names and all).
func (p *pass) finalState() map[string][]byte {
	kv := map[string][]byte{}
	if p.movesWatermarks {
		kv[kvWatermark], kv[kvPayouts] = stamp(p.now), stamp(p.now)
	}
	if p.dry {
		return kv
	}
	if p.movesWatermarks {
		kv[kvPlannedOnce] = []byte("1")
	}
	if p.firstPlan {
		kv[store.KVExpectedComplete] = []byte("1")
	}
	kv[kvHeldDays] = p.heldKV()
	return kv
}

// addNames adds a plan's names to the run's book. The dry check stores
// none (its plan is thrown away): its book forgets each plan's reference
// numbers, so it holds the list names only, which the list limits count.
func (p *pass) addNames(plan *planner.Plan) {
	p.book.Add(plan.Names)
	if p.dry {
		p.book.ForgetRefNumbers()
	}
}

// newNames are the names the plans since the last commit added, for the
// next commit to store with their postings (store.PlanCommit.Names); none
// for the dry check, whose plan is thrown away.
func (p *pass) newNames() map[string]string {
	if p.dry {
		return nil
	}
	return p.book.TakeAdded()
}

// storedNames are a shop's plan names in the store, as the name book reads
// them: every name once when the book is made (EachPlanName, which also
// brings them up to date for the look-ups), then a key or a name at a time.
type storedNames struct {
	ctx    context.Context
	st     store.API
	shopID int64
}

func (s storedNames) Each(fn func(key, name string) error) error {
	return s.st.EachPlanName(s.ctx, s.shopID, fn)
}

func (s storedNames) Name(key string) (string, bool, error) {
	names, err := s.st.PlanNames(s.ctx, s.shopID, []string{key})
	if err != nil {
		return "", false, err
	}
	n, ok := names[key]
	return n, ok, nil
}

func (s storedNames) Holders(folded string) ([]string, error) {
	return s.st.PlanNameHolders(s.ctx, s.shopID, folded)
}
