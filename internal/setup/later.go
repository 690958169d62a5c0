package setup

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/stocky"
)

// everyMinutes is the Web Connector interval written into the .qwc.
const everyMinutes = 15

// Schedule implements Wizard.
func (s *Service) Schedule(ctx context.Context, shopID int64) (*ScheduleView, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	st, err := s.load(ctx, shopID)
	if err != nil {
		return nil, err
	}
	return s.scheduleView(ctx, shop, st)
}

func (s *Service) scheduleView(ctx context.Context, shop *shopqb.Shop, st *state) (*ScheduleView, error) {
	v := &ScheduleView{Manual: true, TimeZone: shop.TimeZone, Passed: st.ScheduleSaved}
	if hhmm, ok := strings.CutPrefix(shop.Settings.Schedule, "daily "); ok {
		v.Manual, v.Time = false, hhmm
	}
	loc, err := time.LoadLocation(shop.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	v.UTCOffset = utcOffset(s.cfg.Now().In(loc))
	v.Notes = append(v.Notes, msg("setup.schedule.note_interval", "Minutes", everyMinutes))
	conn, err := s.cfg.QuickBooks.Connection(ctx, shop.ID)
	if err != nil {
		return nil, err
	}
	if conn.LastContact != nil && conn.PreviousContact != nil {
		if gap := conn.LastContact.Sub(*conn.PreviousContact); gap > 2*everyMinutes*time.Minute {
			v.Notes = append(v.Notes, msg("setup.schedule.note_slow", "Minutes", int(gap.Minutes())))
		}
	}
	return v, nil
}

// utcOffset renders a zone offset as "UTC+9", "UTC-5:30" or "UTC".
func utcOffset(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return "UTC"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	h, m := off/3600, off%3600/60
	if m == 0 {
		return fmt.Sprintf("UTC%s%d", sign, h)
	}
	return fmt.Sprintf("UTC%s%d:%02d", sign, h, m)
}

// SaveSchedule implements Wizard; shop administration validates the value.
func (s *Service) SaveSchedule(ctx context.Context, shopID int64, actor string, manual bool, hhmm string) (*ScheduleView, []FieldError, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, nil, err
	}
	settings := shop.Settings
	settings.Schedule = "manual"
	if !manual {
		hhmm = strings.TrimSpace(hhmm)
		if len(hhmm) != 5 || hhmm[2] != ':' {
			return s.scheduleAfterError(ctx, shop, hhmm)
		}
		settings.Schedule = "daily " + hhmm
	}
	if err := s.cfg.Admin.UpdateSettings(ctx, shopID, actor, settings); err != nil {
		if shopqb.ErrorCode(err) == shopqb.EInvalid {
			return s.scheduleAfterError(ctx, shop, hhmm)
		}
		return nil, nil, err
	}
	if err := s.update(ctx, shopID, func(st *state) { st.ScheduleSaved = true }); err != nil {
		return nil, nil, err
	}
	v, err := s.Schedule(ctx, shopID)
	return v, nil, err
}

func (s *Service) scheduleAfterError(ctx context.Context, shop *shopqb.Shop, hhmm string) (*ScheduleView, []FieldError, error) {
	st, err := s.load(ctx, shop.ID)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.scheduleView(ctx, shop, st)
	if err != nil {
		return nil, nil, err
	}
	v.Manual, v.Time, v.Passed = false, hhmm, false
	if hhmm == "" {
		// An empty field is no "time" to quote back.
		return v, []FieldError{{Field: "time", Msg: msg("setup.schedule.time_required")}}, nil
	}
	return v, []FieldError{{Field: "time", Msg: msg("setup.schedule.bad_time", "Time", hhmm)}}, nil
}

// modeNames are the four modes in page order.
var modeNames = []string{"sales", "customers", "inventory", "vendors"}

func modeOf(set shopqb.Settings, name string) shopqb.Mode {
	switch name {
	case "sales":
		return set.SalesMode
	case "customers":
		return set.CustomersMode
	case "inventory":
		return set.InventoryMode
	}
	return set.VendorsMode
}

func setMode(set *shopqb.Settings, name string, m shopqb.Mode) {
	switch name {
	case "sales":
		set.SalesMode = m
	case "customers":
		set.CustomersMode = m
	case "inventory":
		set.InventoryMode = m
	case "vendors":
		set.VendorsMode = m
	}
}

// Modes implements Wizard. What detail would add is counted, never read in
// full: customersCount and productVariantsCount from Shopify, and the
// product vendors (a list of names) less those QuickBooks already has.
// The start's dry read and plan stays the final authority.
func (s *Service) Modes(ctx context.Context, shopID int64) (*ModesView, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	return s.modesView(ctx, shop, shop.Settings)
}

func (s *Service) modesView(ctx context.Context, shop *shopqb.Shop, set shopqb.Settings) (*ModesView, error) {
	pre, err := s.preflight(ctx, shop.ID)
	if err != nil {
		return nil, err
	}
	st, err := s.load(ctx, shop.ID)
	if err != nil {
		return nil, err
	}
	v := &ModesView{Passed: st.ModesSaved && pre != nil}
	adds := map[string]int{}
	if f, r, err := s.readShopify(ctx, shop); err == nil {
		adds["customers"], adds["inventory"] = f.Customers.Count, f.Variants.Count
		if vendors, err := r.ProductVendors(ctx); err == nil {
			known := map[string]bool{}
			if pre != nil {
				for _, n := range pre.KnownNames {
					known[strings.ToLower(n)] = true
				}
			}
			for _, n := range vendors {
				if !known[strings.ToLower(n)] {
					adds["vendors"]++
				}
			}
		}
	} else if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	today := map[string]int{}
	if pre != nil {
		v.Edition, v.ListLimit = pre.Product, pre.ListLimit
		today["customers"], today["vendors"], today["inventory"] = pre.Customers, pre.Vendors, pre.Items
	}
	for _, name := range modeNames {
		c := ModeChoice{Name: name, Selected: modeOf(set, name), DetailAllowed: true, Today: today[name], DetailAdds: adds[name],
			Explain: msg("setup.modes.explain." + name)}
		if v.ListLimit > 0 && name != "sales" {
			// Customers and vendors share the name list; items have their own.
			total := today[name] + adds[name]
			if name != "inventory" {
				total = today["customers"] + today["vendors"] + adds[name]
			}
			if total > v.ListLimit {
				c.DetailAllowed = false
				c.Reason = msgp("setup.modes.over_limit."+name, "Total", total, "Limit", v.ListLimit)
				c.Selected = shopqb.Summary
			}
		}
		v.Modes = append(v.Modes, c)
	}
	if pre == nil {
		v.Passed = false
	}
	return v, nil
}

// SaveModes implements Wizard.
func (s *Service) SaveModes(ctx context.Context, shopID int64, actor string, modes map[string]shopqb.Mode) (*ModesView, []FieldError, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, nil, err
	}
	next := shop.Settings
	for name, m := range modes {
		setMode(&next, name, m)
	}
	v, err := s.modesView(ctx, shop, next)
	if err != nil {
		return nil, nil, err
	}
	var problems []FieldError
	for _, c := range v.Modes {
		if want := modes[c.Name]; want == shopqb.Detail && !c.DetailAllowed {
			problems = append(problems, FieldError{Field: c.Name, Msg: *c.Reason})
		} else if want != "" && !want.Valid() {
			problems = append(problems, FieldError{Field: c.Name, Msg: msg("setup.modes.bad_mode")})
		}
	}
	if len(problems) > 0 {
		return v, problems, nil
	}
	if err := s.cfg.Admin.UpdateSettings(ctx, shopID, actor, next); err != nil {
		if shopqb.ErrorCode(err) == shopqb.EInvalid {
			return v, []FieldError{{Field: "modes", Msg: msg("setup.modes.bad_mode")}}, nil
		}
		return nil, nil, err
	}
	if err := s.update(ctx, shopID, func(st *state) { st.ModesSaved = true }); err != nil {
		return nil, nil, err
	}
	v, err = s.Modes(ctx, shopID)
	return v, nil, err
}

// Purchasing implements Wizard.
func (s *Service) Purchasing(ctx context.Context, shopID int64) (*PurchasingView, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.readShopify(ctx, shop); err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return s.purchasingView(ctx, shopID)
}

func (s *Service) purchasingView(ctx context.Context, shopID int64) (*PurchasingView, error) {
	st, err := s.load(ctx, shopID)
	if err != nil {
		return nil, err
	}
	v := &PurchasingView{NativeReadable: st.NativeReadable, StockyKeySet: st.StockyOK, StockyStatus: st.StockyStatus,
		Imported: st.Imported, Skipped: st.PurchasingSkipped}
	if v.NativeReadable {
		v.NativeStatus = msg("setup.purchasing.native_ok")
	} else {
		v.NativeStatus = msg("setup.purchasing.native_scope")
	}
	v.Passed = st.PurchasingSkipped || st.StockyOK || st.Imported > 0 || st.NativeReadable
	return v, nil
}

// SetStockyKey implements Wizard: the key is tried on Stocky first and kept
// only when Stocky accepts it.
func (s *Service) SetStockyKey(ctx context.Context, shopID int64, actor, storeName, key string) (*PurchasingView, []FieldError, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, nil, err
	}
	key = strings.TrimSpace(key)
	if key == "" {
		v, err := s.purchasingView(ctx, shopID)
		return v, []FieldError{{Field: "stocky_key", Msg: msg("setup.purchasing.stocky_empty")}}, err
	}
	n, err := s.cfg.Stocky.CountPurchaseOrders(ctx, shop, storeName, key)
	var status Message
	ok := false
	var unavailable *stocky.UnavailableError
	switch {
	case err == nil:
		if err := s.cfg.Admin.SetStockyKey(ctx, shopID, actor, storeName, key); err != nil {
			return nil, nil, err
		}
		status, ok = msg("setup.purchasing.stocky_ok", "Count", n), true
	case errors.As(err, &unavailable) && (unavailable.StatusCode == http.StatusUnauthorized || unavailable.StatusCode == http.StatusForbidden):
		status = msg("setup.purchasing.stocky_refused")
	case errors.Is(err, stocky.ErrUseArchive):
		status = msg("setup.purchasing.stocky_retired")
	case ctx.Err() != nil:
		return nil, nil, ctx.Err()
	default:
		status = msg("setup.purchasing.stocky_retired")
	}
	now := s.cfg.Now()
	if err := s.update(ctx, shopID, func(st *state) {
		st.StockyStatus, st.StockyTestedAt = &status, &now
		st.StockyOK = st.StockyOK || ok
	}); err != nil {
		return nil, nil, err
	}
	v, err := s.purchasingView(ctx, shopID)
	if err != nil || ok {
		return v, nil, err
	}
	return v, []FieldError{{Field: "stocky_key", Msg: status}}, nil
}

// ImportStockyExport implements Wizard: the export is read and counted in
// full before anything is imported; a file that cannot be read refuses it.
func (s *Service) ImportStockyExport(ctx context.Context, shopID int64, actor string, zip []byte) (*PurchasingView, []FieldError, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, nil, err
	}
	refuse := func(m Message) (*PurchasingView, []FieldError, error) {
		v, err := s.purchasingView(ctx, shopID)
		return v, []FieldError{{Field: "stocky_export", Msg: m}}, err
	}
	arc, err := stocky.ImportArchiveZip(zip)
	if err != nil {
		return refuse(msg("setup.purchasing.export_unreadable", "Problem", err.Error()))
	}
	loc, err := time.LoadLocation(shop.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	pos, err := arc.PurchaseOrdersForShopify("stocky-archive", stocky.DateConvention{Location: loc})
	if err != nil {
		return refuse(msg("setup.purchasing.export_unreadable", "Problem", err.Error()))
	}
	if len(pos) == 0 {
		return refuse(msg("setup.purchasing.export_empty"))
	}
	if _, err := s.cfg.Admin.ImportPurchaseOrders(ctx, shopID, actor, pos); err != nil {
		return nil, nil, err
	}
	status := msg("setup.purchasing.export_ok", "Count", len(pos))
	if err := s.update(ctx, shopID, func(st *state) { st.Imported, st.StockyStatus = len(pos), &status }); err != nil {
		return nil, nil, err
	}
	v, err := s.purchasingView(ctx, shopID)
	return v, nil, err
}

// SkipPurchasing implements Wizard.
func (s *Service) SkipPurchasing(ctx context.Context, shopID int64, actor string) error {
	if _, err := s.cfg.Admin.Shop(ctx, shopID); err != nil {
		return err
	}
	return s.update(ctx, shopID, func(st *state) { st.PurchasingSkipped = true })
}

// Review implements Wizard.
func (s *Service) Review(ctx context.Context, shopID int64) (*ReviewView, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	v := &ReviewView{Shop: shop, Settings: shop.Settings, StartDate: shop.Settings.StartDate, Started: shop.StartedAt}
	if v.StartDate == "" {
		v.StartDate = s.today(shop)
	}
	if shop.StartedAt != nil {
		if v.StartedBy, err = s.cfg.Admin.StartedBy(ctx, shopID); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (s *Service) today(shop *shopqb.Shop) string {
	loc, err := time.LoadLocation(shop.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return s.cfg.Now().In(loc).Format("2006-01-02")
}

// Start implements Wizard: shop administration's start check decides; its
// problems come back each with the step that fixes it.
func (s *Service) Start(ctx context.Context, shopID int64, actor, startDate string) ([]Problem, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	if shop.StartedAt == nil {
		startDate = strings.TrimSpace(startDate)
		if startDate == "" {
			startDate = s.today(shop)
		}
		if _, err := time.Parse("2006-01-02", startDate); err != nil {
			return []Problem{{Step: StepReview, Msg: msg("setup.review.bad_start_date", "Date", startDate)}}, nil
		}
		if startDate != shop.Settings.StartDate {
			set := shop.Settings
			set.StartDate = startDate
			if err := s.cfg.Admin.UpdateSettings(ctx, shopID, actor, set); err != nil {
				return nil, err
			}
		}
	}
	err = s.cfg.Admin.Start(ctx, shopID, actor)
	var refused *shopadmin.StartRefusedError
	switch {
	case err == nil:
		return nil, nil
	case errors.As(err, &refused):
		out := make([]Problem, 0, len(refused.Problems))
		for _, p := range refused.Problems {
			out = append(out, Problem{Step: stepOfArea(p.Area), Msg: problemMessage(p)})
		}
		return out, nil
	}
	return nil, err
}

// stepOfArea names the step whose page fixes a start problem of the area.
func stepOfArea(a shopqb.StartArea) Step {
	switch a {
	case shopqb.AreaSalesTax:
		return StepTax
	case shopqb.AreaMapping:
		return StepMapping
	case shopqb.AreaSchedule:
		return StepSchedule
	case shopqb.AreaModes:
		return StepModes
	case shopqb.AreaQuickBooks:
		return StepConnect
	}
	// The start date, reading Shopify and anything new: this page.
	return StepReview
}

// problemMessage words a start problem from the catalog by its code
// (setup.start_problem.<code>). Arguments that are whole numbers become
// ints, so they are formatted for the reader's locale (14,500); account
// types and categories are passed typed, so the page names them in the
// reader's language.
func problemMessage(p shopqb.StartProblem) Message {
	m := Message{ID: "setup.start_problem." + p.Code, Args: map[string]any{"Text": p.Text}}
	known := false
	for _, c := range shopqb.StartProblemCodes() {
		known = known || c == p.Code
	}
	if !known {
		m.ID = "setup.start_problem." + shopqb.ProblemOther
	}
	for k, v := range p.Args {
		switch k {
		case "Type":
			m.Args[k] = AccountType(v)
		case "Allowed":
			m.Args[k] = AccountTypes(strings.Split(v, ", "))
		case "Category":
			m.Args[k] = categoryLabel(shopqb.Category(v))
		default:
			if n, err := strconv.Atoi(v); err == nil {
				m.Args[k] = n
			} else {
				m.Args[k] = v
			}
		}
	}
	return m
}
