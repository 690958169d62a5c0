package syncengine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbwc"
	"github.com/shopqb/shopqb/internal/secret"
	"github.com/shopqb/shopqb/internal/store"
)

const kvReset = "reset:relink"

// ErrSettingsLocked refuses a change of the start date or a mode after the start.
var ErrSettingsLocked = errors.New("the start date and the sync modes are locked since the integration started (changing them would double-count); an operator can run `shopqb admin reset`")

// ErrAlreadyStarted refuses a second start.
var ErrAlreadyStarted = errors.New("already started")

// InvalidSettingsError is a settings value shopqb cannot use.
type InvalidSettingsError struct{ Msg string }

func (e *InvalidSettingsError) Error() string { return e.Msg }

// StartRefusedError lists what stops the start, each with what to do.
type StartRefusedError struct {
	Problems []string
	// Err is the failure of the start's trial sync, when that is the reason.
	Err error
}

func (e *StartRefusedError) Error() string {
	return "cannot start yet:\n  - " + strings.Join(e.Problems, "\n  - ")
}

func (e *StartRefusedError) Unwrap() error { return e.Err }

// NewShop registers a shop and returns its app token, which is shown once and
// stored only as a hash.
func (e *Engine) NewShop(ctx context.Context, s *shopqb.Shop) (token string, err error) {
	if s.QBWCUser == "" {
		s.QBWCUser = strings.TrimSuffix(s.Domain, ".myshopify.com")
	}
	if s.OwnerID == "" {
		s.OwnerID = qbwc.StableGUID("shopqb-owner", s.Domain)
	}
	if s.FileID == "" {
		s.FileID = qbwc.StableGUID("shopqb-file", s.Domain)
	}
	if s.Settings.SalesMode == "" {
		s.Settings = shopqb.DefaultSettings()
	}
	token, hash := secret.NewAppToken()
	s.AppTokenHash = hash
	if err := e.store.CreateShop(ctx, s); err != nil {
		return "", fmt.Errorf("register shop %s: %w", s.Domain, err)
	}
	_ = e.store.AddAudit(ctx, s.ID, "admin", "shop_created", s.Domain)
	return token, nil
}

// RotateToken replaces a shop's app token; the old one stops working at once.
func (e *Engine) RotateToken(ctx context.Context, shopID int64, actor string) (string, error) {
	shop, err := e.store.ShopByID(ctx, shopID)
	if err != nil {
		return "", err
	}
	token, hash := secret.NewAppToken()
	shop.AppTokenHash = hash
	if err := e.store.UpdateShop(ctx, shop); err != nil {
		return "", err
	}
	_ = e.store.AddAudit(ctx, shopID, actor, "token_rotated", "")
	return token, nil
}

// UpdateSettings changes settings. After the start, the start date and the
// modes are locked; mapping changes apply to new postings only and are recorded.
func (e *Engine) UpdateSettings(ctx context.Context, shopID int64, actor string, next shopqb.Settings) error {
	shop, err := e.store.ShopByID(ctx, shopID)
	if err != nil {
		return err
	}
	cur := shop.Settings
	if shop.StartedAt != nil {
		if next.StartDate != cur.StartDate || next.SalesMode != cur.SalesMode || next.CustomersMode != cur.CustomersMode ||
			next.InventoryMode != cur.InventoryMode || next.VendorsMode != cur.VendorsMode {
			return ErrSettingsLocked
		}
		for _, c := range mappingDiff(cur.Mapping, next.Mapping) {
			_ = e.store.AddAudit(ctx, shopID, actor, "mapping_changed", fmt.Sprintf("%s: %q → %q (new postings only)", c, cur.Mapping[c], next.Mapping[c]))
		}
	}
	if err := validateModes(next); err != nil {
		return err
	}
	if next.StartDate != cur.StartDate {
		// What was read for the old start date may not reach back far
		// enough: read from the new one.
		for _, k := range []string{kvWatermark, kvPayouts} {
			if err := e.store.PutKV(ctx, shopID, k, nil); err != nil {
				return err
			}
		}
	}
	shop.Settings = next
	return e.store.UpdateShop(ctx, shop)
}

func mappingDiff(a, b shopqb.Mapping) []shopqb.Category {
	seen := map[shopqb.Category]bool{}
	var out []shopqb.Category
	for k := range a {
		seen[k] = true
	}
	for k := range b {
		seen[k] = true
	}
	for k := range seen {
		if a[k] != b[k] {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func validateModes(s shopqb.Settings) error {
	for name, m := range map[string]shopqb.Mode{"sales": s.SalesMode, "customers": s.CustomersMode, "inventory": s.InventoryMode, "vendors": s.VendorsMode} {
		if !m.Valid() {
			return &InvalidSettingsError{fmt.Sprintf("%s mode %q: choose detail or summary", name, m)}
		}
	}
	if s.Schedule != "" && s.Schedule != "manual" {
		if _, _, err := parseDaily(s.Schedule); err != nil {
			return err
		}
	}
	return nil
}

// requiredCategories must be mapped before the start.
var requiredCategories = []shopqb.Category{
	shopqb.SalesIncome, shopqb.ShippingIncome, shopqb.Discounts, shopqb.TipsPayable, shopqb.GiftCardLiability,
	shopqb.StoreCreditLiability, shopqb.Bank, shopqb.ProcessingFees, shopqb.Chargebacks, shopqb.PayoutAdjustments,
	shopqb.CashOverShort, shopqb.COGS, shopqb.InventoryAsset, shopqb.AccountsPayable, shopqb.UndepositedFunds,
}

// Start validates the settings against the preflight and locks them. It is
// done once; `shopqb admin reset` is the only way back.
func (e *Engine) Start(ctx context.Context, shopID int64, actor string) error {
	shop, err := e.store.ShopByID(ctx, shopID)
	if err != nil {
		return err
	}
	if shop.StartedAt != nil {
		return fmt.Errorf("%w on %s", ErrAlreadyStarted, shop.StartedAt.Format("2006-01-02 15:04"))
	}
	pre, err := e.LoadPreflight(ctx, shopID)
	if err != nil {
		return err
	}
	var problems []string
	problems = append(problems, pre.Problems...)
	if err := validateModes(shop.Settings); err != nil {
		problems = append(problems, err.Error())
	}
	if shop.Settings.StartDate == "" {
		problems = append(problems, "choose a start date: orders processed before it are not booked")
	}
	for _, c := range requiredCategories {
		if shop.Settings.Mapping.Account(c) == "" {
			problems = append(problems, fmt.Sprintf("map %s to a QuickBooks account", c))
		}
	}
	if len(problems) > 0 {
		return &StartRefusedError{Problems: problems}
	}
	// Read and plan the shop once without posting: a plan QuickBooks could
	// not hold (Pro/Premier's 14,500 names or items in detail mode) is
	// refused now, with the counts, while the modes can still change.
	if e.source != nil {
		if _, err := e.sync(ctx, shopID, "start-check", true); err != nil {
			return &StartRefusedError{Problems: []string{err.Error()}, Err: err}
		}
	}
	now := e.now()
	shop.StartedAt = &now
	if err := e.store.UpdateShop(ctx, shop); err != nil {
		return err
	}
	_ = e.store.AddAudit(ctx, shopID, actor, "started", fmt.Sprintf("start date %s, sales %s, customers %s, inventory %s, vendors %s",
		shop.Settings.StartDate, shop.Settings.SalesMode, shop.Settings.CustomersMode, shop.Settings.InventoryMode, shop.Settings.VendorsMode))
	return nil
}

// Reset archives the outbox and unlocks the settings. Nothing already in
// QuickBooks is posted again: postings planned after a reset whose key was
// archived are looked up in QuickBooks (by ExternalGUID and RefNumber, or by
// name) before anything is sent.
func (e *Engine) Reset(ctx context.Context, shopID int64, actor string) (int, error) {
	shop, err := e.store.ShopByID(ctx, shopID)
	if err != nil {
		return 0, err
	}
	n, err := e.store.ArchivePostings(ctx, shopID, "reset "+e.now().UTC().Format("2006-01-02T15:04:05Z"))
	if err != nil {
		return 0, fmt.Errorf("archive outbox: %w", err)
	}
	shop.StartedAt = nil
	if err := e.store.UpdateShop(ctx, shop); err != nil {
		return n, err
	}
	for _, k := range []string{kvWatermark, kvPayouts, kvPlannedOnce} {
		if err := e.store.PutKV(ctx, shopID, k, nil); err != nil {
			return n, err
		}
	}
	if err := e.store.PutKV(ctx, shopID, kvReset, []byte("1")); err != nil {
		return n, err
	}
	_ = e.store.AddAudit(ctx, shopID, actor, "reset", fmt.Sprintf("%d postings archived", n))
	return n, nil
}

// relinkAfterReset marks freshly planned postings whose key was archived by a
// reset as in doubt, so the next session asks QuickBooks before sending.
func (e *Engine) relinkAfterReset(ctx context.Context, shopID int64, planned []*shopqb.Posting) error {
	flag, err := e.store.KV(ctx, shopID, kvReset)
	if errors.Is(err, shopqb.ErrNotFound) || (err == nil && len(flag) == 0) {
		return nil
	}
	if err != nil {
		return err
	}
	archived := map[string]bool{}
	err = e.store.ArchivedPostings(ctx, shopID, func(p *shopqb.Posting) error {
		if p.State == shopqb.Done || p.State == shopqb.Sent || p.State == shopqb.InDoubt {
			archived[p.Key] = true
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read archive: %w", err)
	}
	var doubt []*shopqb.Posting
	for _, pl := range planned {
		if !archived[pl.Key] {
			continue
		}
		p, err := e.store.PostingByKey(ctx, shopID, pl.Key)
		if err != nil {
			return err
		}
		if p.State == shopqb.Planned {
			p.State = shopqb.InDoubt
			doubt = append(doubt, p)
		}
	}
	return e.store.UpdatePostings(ctx, doubt)
}

// parseDaily reads "daily HH:MM".
func parseDaily(s string) (int, int, error) {
	var h, m int
	if _, err := fmt.Sscanf(s, "daily %d:%d", &h, &m); err != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, &InvalidSettingsError{fmt.Sprintf("schedule %q: use \"manual\" or \"daily HH:MM\" (24-hour, shop time)", s)}
	}
	return h, m, nil
}

// RetryFailed puts failed postings back in the queue with a fresh attempt
// count, for after the merchant fixed the cause.
func (e *Engine) RetryFailed(ctx context.Context, shopID int64, actor string) (int, error) {
	n := 0
	var after int64
	for {
		ps, err := e.store.ListPostings(ctx, store.PostingFilter{ShopID: shopID, States: []shopqb.PostingState{shopqb.Failed}, AfterID: after, Limit: 500})
		if err != nil {
			return n, err
		}
		if len(ps) == 0 {
			break
		}
		after = ps[len(ps)-1].ID
		// A document that did not add up is not QuickBooks' to retry: the
		// next plan of it, once Shopify's figures agree, replaces it.
		ps = slices.DeleteFunc(ps, func(p *shopqb.Posting) bool { return p.ErrorClass == shopqb.ErrorClassDocument })
		for _, p := range ps {
			p.State, p.Attempts, p.NextAttempt = shopqb.Planned, 0, e.now()
		}
		if err := e.store.UpdatePostings(ctx, ps); err != nil {
			return n, err
		}
		n += len(ps)
	}
	_ = e.store.AddAudit(ctx, shopID, actor, "retry_failed", fmt.Sprintf("%d postings", n))
	return n, nil
}
