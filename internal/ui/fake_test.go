package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/setup"
	"github.com/shopqb/shopqb/internal/webauth"
)

// fakeWizard is an in-memory setup.Wizard whose state the tests set to
// every variant the pages must show. Its rules are simple stand-ins for
// setup.Service's (which has its own tests); its messages use fake.* IDs
// from testdata/locales.
type fakeWizard struct {
	mu  sync.Mutex
	now time.Time
	// shopID is the one shop the fake knows (1 unless a test says otherwise).
	shopID int64

	factsErr       bool
	suggestSummary bool
	acked          *time.Time
	ackedBy        string

	urlUsable bool
	state     setup.ConnectionState
	tokenMade *time.Time
	tokens    int

	taxOK          bool
	recheckPending *time.Time

	mapping      map[shopqb.Category]string
	mappingSaved bool

	manual        bool
	time          string
	scheduleSaved bool

	modes         map[string]shopqb.Mode
	detailBlocked bool
	modesSaved    bool

	nativeScope   bool
	stockyRetired bool
	stockyKeySet  bool
	stockyStatus  *setup.Message
	imported      int
	skipped       bool

	startProblems bool
	// helpDue: step 2 has waited long enough for its checklist.
	helpDue   bool
	started   *time.Time
	startedBy string
	startDate string
}

var errFakeAlreadyStarted = errors.New("already started")

func newFakeWizard() *fakeWizard {
	loc, _ := time.LoadLocation("Asia/Seoul")
	return &fakeWizard{
		shopID:    1,
		now:       time.Date(2026, 12, 2, 14, 20, 0, 0, loc),
		urlUsable: true, state: setup.ConnWaiting, manual: true, time: "07:00",
		mapping:     map[shopqb.Category]string{},
		modes:       map[string]shopqb.Mode{"sales": shopqb.Detail, "customers": shopqb.Summary, "inventory": shopqb.Summary, "vendors": shopqb.Summary},
		nativeScope: true, detailBlocked: true, startDate: "2026-12-02",
	}
}

func msg(id string, kv ...any) setup.Message {
	m := setup.Message{ID: id, Args: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Args[kv[i].(string)] = kv[i+1]
	}
	return m
}

func msgp(id string, kv ...any) *setup.Message { m := msg(id, kv...); return &m }

func (f *fakeWizard) passed() map[setup.Step]bool {
	return map[setup.Step]bool{
		setup.StepBefore:     f.acked != nil,
		setup.StepConnect:    f.state == setup.ConnConnected,
		setup.StepTax:        f.taxOK,
		setup.StepMapping:    f.mappingSaved,
		setup.StepSchedule:   f.scheduleSaved,
		setup.StepModes:      f.modesSaved,
		setup.StepPurchasing: f.purchasingPassed(),
		setup.StepReview:     f.started != nil,
	}
}

func (f *fakeWizard) purchasingPassed() bool {
	return f.skipped || f.imported > 0 || f.stockyKeySet
}

func (f *fakeWizard) Progress(ctx context.Context, shopID int64) (*setup.Progress, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if shopID != f.shopID {
		return nil, shopqb.ErrNotFound
	}
	p := &setup.Progress{Started: f.started, StartedBy: f.startedBy, Current: setup.StepReview}
	passed, blocked := f.passed(), false
	for _, s := range setup.Steps {
		p.Steps = append(p.Steps, setup.StepStatus{Step: s, Passed: passed[s], Reachable: !blocked})
		if !passed[s] && !blocked {
			blocked = true
			if s != setup.StepReview {
				p.Current = s
			}
		}
	}
	return p, nil
}

func (f *fakeWizard) Before(ctx context.Context, shopID int64) (*setup.BeforeView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v := &setup.BeforeView{AcknowledgedAt: f.acked, AcknowledgedBy: f.ackedBy}
	for i := 1; i <= 6; i++ {
		v.Checklist = append(v.Checklist, msg(fmt.Sprintf("fake.before.check%d", i)))
	}
	if f.factsErr {
		v.FactsError = msgp("fake.before.facts_error")
	} else {
		v.Facts = &setup.ShopFacts{Name: "Acme Retail", Domain: "acme.myshopify.com", Currency: "KRW", TimeZone: "Asia/Seoul",
			Locations: []string{"강남점", "Online Store"}, OrdersLast90Days: 3720, SuggestSummary: f.suggestSummary}
	}
	return v, nil
}

func (f *fakeWizard) AcknowledgeBefore(ctx context.Context, shopID int64, actor string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.now
	f.acked, f.ackedBy = &t, actor
	return nil
}

func (f *fakeWizard) Connect(ctx context.Context, shopID int64) (*setup.ConnectView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v := &setup.ConnectView{WebConnectorURL: "https://shopqb.example.com/qbwc", URLUsable: f.urlUsable, QBWCUser: "shopqb-acme",
		TokenCreatedAt: f.tokenMade, QWCFileName: "shopqb-acme.myshopify.com.qwc", State: f.state,
		Status: msg("fake.conn." + string(f.state))}
	if !f.urlUsable {
		v.WebConnectorURL = "http://shopqb.example.com/qbwc"
		v.URLProblem = msgp("fake.conn.url_not_https")
	}
	if f.state != setup.ConnWaiting {
		t := f.now
		v.StateAt = &t
	} else {
		since := f.now.Add(-time.Minute)
		v.WaitingSince, v.HelpDue = &since, f.helpDue
	}
	if f.state == setup.ConnConnected {
		v.Product, v.Edition, v.QBXMLVersion = "QuickBooks Desktop Premier 2024", "Premier (US)", "13.0"
		v.CompanyName, v.CompanyFile = "Acme Retail", `C:\Users\Public\Documents\Intuit\QuickBooks\Acme.qbw`
		v.Facts = []setup.Message{msg("fake.conn.fact_limit", "Limit", 14500), msg("fake.conn.fact_closing", "Date", time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC))}
	}
	return v, nil
}

func (f *fakeWizard) NewAppToken(ctx context.Context, shopID int64, actor string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens++
	t := f.now
	f.tokenMade = &t
	return fmt.Sprintf("qbt_%d_Zm9vYmFyYmF6cXV4", f.tokens), nil
}

func (f *fakeWizard) QWC(ctx context.Context, shopID int64) ([]byte, string, error) {
	return []byte(`<?xml version="1.0"?><QBWCXML><AppName>shopqb</AppName></QBWCXML>`), "shopqb-acme.myshopify.com.qwc", nil
}

func (f *fakeWizard) Tax(ctx context.Context, shopID int64) (*setup.TaxView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.now
	v := &setup.TaxView{CheckedAt: &t, RecheckRequestedAt: f.recheckPending, Passed: f.taxOK}
	v.Checks = []setup.Check{
		{ID: "sales_tax_on", Label: msg("fake.tax.on"), Passed: true},
		{ID: "default_item_zero", Label: msg("fake.tax.zero"), Passed: f.taxOK, Fix: msgp("fake.tax.zero_fix", "Item", "CA Sales Tax", "Rate", "7.25")},
		{ID: "tax_agency", Label: msg("fake.tax.agency"), Passed: f.taxOK, Fix: msgp("fake.tax.agency_fix")},
		{ID: "closing_date", Label: msg("fake.tax.closing"), Passed: false, Warning: true, Fix: msgp("fake.tax.closing_fix", "Date", time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC))},
	}
	return v, nil
}

func (f *fakeWizard) RecheckQuickBooks(ctx context.Context, shopID int64, actor string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.now
	f.recheckPending = &t
	return nil
}

// fakeAccounts is the company's live chart.
var fakeAccounts = []setup.AccountOption{
	{FullName: "Sales", Type: "Income"}, {FullName: "Shipping Income", Type: "Income"}, {FullName: "Sales Tax Payable", Type: "OtherCurrentLiability"},
	{FullName: "Old Gift Cards", Type: "OtherCurrentLiability"}, {FullName: "Checking", Type: "Bank"},
	{FullName: "Merchant Account Fees", Type: "Expense"}, {FullName: "Cost of Goods Sold", Type: "CostOfGoodsSold"},
}

var fakeAllowed = []struct {
	cat   shopqb.Category
	types []string
}{
	{shopqb.SalesIncome, []string{"Income"}},
	{shopqb.ShippingIncome, []string{"Income", "OtherIncome"}},
	{shopqb.SalesTaxPayable, []string{"OtherCurrentLiability"}},
	{shopqb.GiftCardLiability, []string{"OtherCurrentLiability"}},
	{shopqb.Bank, []string{"Bank"}},
	{shopqb.ProcessingFees, []string{"Expense", "OtherExpense"}},
	{shopqb.COGS, []string{"CostOfGoodsSold"}},
	{shopqb.ClearingCategory("shopify_payments"), []string{"Bank", "OtherCurrentAsset"}},
}

func (f *fakeWizard) mappingView(errs map[shopqb.Category]*setup.Message) *setup.MappingView {
	def := shopqb.DefaultMapping()
	v := &setup.MappingView{Passed: f.mappingSaved}
	for _, a := range fakeAllowed {
		label := msg("ui.category." + string(a.cat))
		if gw, ok := strings.CutPrefix(string(a.cat), "clearing:"); ok {
			label = msg("ui.category.clearing", "Gateway", "Shopify Payments ("+gw+")")
		}
		row := setup.MappingRow{Category: a.cat, Label: label, AllowedTypes: a.types, Error: errs[a.cat]}
		have := false
		for _, acc := range fakeAccounts {
			for _, t := range a.types {
				if acc.Type == t {
					row.Options = append(row.Options, acc)
					have = have || acc.FullName == def[a.cat]
				}
			}
		}
		if !have {
			row.Options = append(row.Options, setup.AccountOption{FullName: def[a.cat], Type: a.types[0], Create: true})
		}
		row.Selected = def[a.cat]
		if s, ok := f.mapping[a.cat]; ok {
			row.Selected = s
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

func (f *fakeWizard) Mapping(ctx context.Context, shopID int64) (*setup.MappingView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mappingView(nil), nil
}

func (f *fakeWizard) SaveMapping(ctx context.Context, shopID int64, actor string, choices map[shopqb.Category]string) (*setup.MappingView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	errs := map[shopqb.Category]*setup.Message{}
	for _, a := range fakeAllowed {
		switch c := choices[a.cat]; {
		case c == "":
			errs[a.cat] = msgp("fake.mapping.required")
		case c == "Old Gift Cards":
			errs[a.cat] = msgp("fake.mapping.inactive", "Account", c)
		}
	}
	old := f.mapping
	f.mapping = choices
	if len(errs) > 0 {
		v := f.mappingView(errs)
		f.mapping = old
		// The rejected choices are shown as chosen, so the merchant sees what was wrong.
		for i := range v.Rows {
			if c, ok := choices[v.Rows[i].Category]; ok {
				v.Rows[i].Selected = c
			}
		}
		return v, nil
	}
	f.mappingSaved = true
	return f.mappingView(nil), nil
}

func (f *fakeWizard) scheduleView() *setup.ScheduleView {
	return &setup.ScheduleView{Manual: f.manual, Time: f.time, TimeZone: "Asia/Seoul", UTCOffset: "UTC+9", Passed: f.scheduleSaved,
		Notes: []setup.Message{msg("fake.schedule.note", "Minutes", 15)}}
}

func (f *fakeWizard) Schedule(ctx context.Context, shopID int64) (*setup.ScheduleView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.scheduleView(), nil
}

func (f *fakeWizard) SaveSchedule(ctx context.Context, shopID int64, actor string, manual bool, hhmm string) (*setup.ScheduleView, []setup.FieldError, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !manual {
		if _, err := time.Parse("15:04", hhmm); err != nil || len(hhmm) != 5 {
			v := f.scheduleView()
			v.Manual, v.Time = false, hhmm
			return v, []setup.FieldError{{Field: "time", Msg: msg("fake.schedule.bad_time", "Time", hhmm)}}, nil
		}
		f.time = hhmm
	}
	f.manual, f.scheduleSaved = manual, true
	return f.scheduleView(), nil, nil
}

func (f *fakeWizard) modesView() *setup.ModesView {
	v := &setup.ModesView{Edition: "QuickBooks Desktop Premier 2024", ListLimit: 14500, Passed: f.modesSaved}
	for _, name := range []string{"sales", "customers", "inventory", "vendors"} {
		c := setup.ModeChoice{Name: name, Selected: f.modes[name], DetailAllowed: true, Explain: msg("fake.modes.explain_" + name)}
		switch name {
		case "customers":
			c.Today, c.DetailAdds = 3210, 14720
			if f.detailBlocked {
				c.DetailAllowed = false
				c.Reason = msgp("fake.modes.blocked", "Total", 17930, "Limit", 14500)
			}
		case "inventory":
			c.Today, c.DetailAdds = 812, 640
		case "vendors":
			c.Today, c.DetailAdds = 45, 12
		}
		v.Modes = append(v.Modes, c)
	}
	return v
}

func (f *fakeWizard) Modes(ctx context.Context, shopID int64) (*setup.ModesView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.modesView(), nil
}

func (f *fakeWizard) SaveModes(ctx context.Context, shopID int64, actor string, modes map[string]shopqb.Mode) (*setup.ModesView, []setup.FieldError, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var fes []setup.FieldError
	for name, m := range modes {
		if !m.Valid() {
			fes = append(fes, setup.FieldError{Field: "mode." + name, Msg: msg("fake.modes.invalid")})
		}
		if name == "customers" && m == shopqb.Detail && f.detailBlocked {
			fes = append(fes, setup.FieldError{Field: "mode.customers", Msg: msg("fake.modes.blocked", "Total", 17930, "Limit", 14500)})
		}
	}
	if len(fes) > 0 {
		return f.modesView(), fes, nil
	}
	for k, m := range modes {
		f.modes[k] = m
	}
	f.modesSaved = true
	return f.modesView(), nil, nil
}

func (f *fakeWizard) purchasingView() *setup.PurchasingView {
	v := &setup.PurchasingView{NativeReadable: f.nativeScope, StockyKeySet: f.stockyKeySet, StockyStatus: f.stockyStatus,
		Imported: f.imported, Skipped: f.skipped, Passed: f.purchasingPassed()}
	if f.nativeScope {
		v.NativeStatus = msg("fake.po.native_ok")
	} else {
		v.NativeStatus = msg("fake.po.native_scope")
	}
	return v
}

func (f *fakeWizard) Purchasing(ctx context.Context, shopID int64) (*setup.PurchasingView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.purchasingView(), nil
}

func (f *fakeWizard) SetStockyKey(ctx context.Context, shopID int64, actor, storeName, key string) (*setup.PurchasingView, []setup.FieldError, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case key == "":
		return f.purchasingView(), []setup.FieldError{{Field: "stocky_key", Msg: msg("fake.po.key_empty")}}, nil
	case f.stockyRetired:
		f.stockyStatus = msgp("fake.po.retired", "Date", time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC))
		return f.purchasingView(), []setup.FieldError{{Field: "stocky_key", Msg: msg("fake.po.retired_short")}}, nil
	case key != "good-key":
		f.stockyStatus = msgp("fake.po.refused")
		return f.purchasingView(), []setup.FieldError{{Field: "stocky_key", Msg: msg("fake.po.refused")}}, nil
	}
	f.stockyKeySet, f.stockyStatus = true, msgp("fake.po.key_ok", "Count", 12)
	return f.purchasingView(), nil, nil
}

func (f *fakeWizard) ImportStockyExport(ctx context.Context, shopID int64, actor string, zip []byte) (*setup.PurchasingView, []setup.FieldError, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !strings.HasPrefix(string(zip), "PK") {
		return f.purchasingView(), []setup.FieldError{{Field: "stocky_export", Msg: msg("fake.po.not_zip")}}, nil
	}
	f.imported = 3
	return f.purchasingView(), nil, nil
}

func (f *fakeWizard) SkipPurchasing(ctx context.Context, shopID int64, actor string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.skipped = true
	return nil
}

func (f *fakeWizard) Review(ctx context.Context, shopID int64) (*setup.ReviewView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := shopqb.DefaultSettings()
	st.StartDate = f.startDate
	st.CustomersMode = f.modes["customers"]
	st.SalesMode = f.modes["sales"]
	if !f.manual {
		st.Schedule = "daily " + f.time
	}
	for k, v := range f.mapping {
		st.Mapping[k] = v
	}
	shop := &shopqb.Shop{ID: 1, Domain: "acme.myshopify.com", Name: "Acme Retail", Currency: "KRW", TimeZone: "Asia/Seoul", Settings: st}
	return &setup.ReviewView{Shop: shop, Settings: st, StartDate: f.startDate, Started: f.started, StartedBy: f.startedBy}, nil
}

func (f *fakeWizard) Start(ctx context.Context, shopID int64, actor, startDate string) ([]setup.Problem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.started != nil {
		return nil, fmt.Errorf("start shop %d: %w", shopID, errFakeAlreadyStarted)
	}
	if f.startProblems {
		return []setup.Problem{
			{Step: setup.StepMapping, Msg: msg("fake.start.mapping_missing", "Account", "Shipping Income")},
			{Step: setup.StepTax, Msg: msg("fake.start.amount", "Amount", money.MustParse("1284000"))},
		}, nil
	}
	t := f.now
	f.started, f.startedBy, f.startDate = &t, actor, startDate
	return nil, nil
}

// set changes the fake's state under its lock.
func (f *fakeWizard) set(fn func(f *fakeWizard)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// usedIDs lists every message ID the fake can return, for the catalog test.
func (f *fakeWizard) usedIDs() []string {
	ids := map[string]bool{}
	for _, s := range []string{"waiting", "bad_password", "reached", "qb_error", "other_file", "refused", "connected"} {
		ids["fake.conn."+s] = true
	}
	for _, id := range []string{"fake.conn.url_not_https", "fake.conn.fact_limit", "fake.conn.fact_closing", "fake.before.facts_error",
		"fake.tax.on", "fake.tax.zero", "fake.tax.zero_fix", "fake.tax.agency", "fake.tax.agency_fix", "fake.tax.closing", "fake.tax.closing_fix",
		"fake.mapping.required", "fake.mapping.inactive", "fake.schedule.note", "fake.schedule.bad_time",
		"fake.modes.explain_sales", "fake.modes.explain_customers", "fake.modes.explain_inventory", "fake.modes.explain_vendors",
		"fake.modes.blocked", "fake.modes.invalid", "fake.po.native_ok", "fake.po.native_scope", "fake.po.key_empty", "fake.po.retired",
		"fake.po.retired_short", "fake.po.refused", "fake.po.key_ok", "fake.po.not_zip", "fake.start.mapping_missing", "fake.start.amount"} {
		ids[id] = true
	}
	for i := 1; i <= 6; i++ {
		ids[fmt.Sprintf("fake.before.check%d", i)] = true
	}
	out := make([]string, 0, len(ids))
	for id := range ids {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// fakeLogin is a stand-in for internal/webauth's standalone login: one
// user, one session cookie, a fixed CSRF token.
type fakeLogin struct {
	mu       sync.Mutex
	failures int
}

const fakeCSRF = "csrf-test-token"

func (l *fakeLogin) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("fake_session")
		if err != nil || c.Value != "ok" {
			http.Redirect(w, r, "/console/login?next="+r.URL.Path, http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			_ = r.ParseMultipartForm(32 << 20)
			if r.FormValue(webauth.CSRFField) != fakeCSRF {
				http.Error(w, "bad csrf", http.StatusForbidden)
				return
			}
		}
		p := &webauth.Principal{Mode: webauth.Standalone, Actor: "user:kim@example.com", UserID: 7, CSRF: fakeCSRF,
			Locale: r.Header.Get("X-Test-Locale"), Operator: r.Header.Get("X-Test-Operator") == "1"}
		next.ServeHTTP(w, r.WithContext(webauth.WithPrincipal(r.Context(), p)))
	})
}

func (l *fakeLogin) Public(next http.Handler) http.Handler { return next }

func (l *fakeLogin) LoginCSRF(w http.ResponseWriter, r *http.Request) (string, error) {
	return "login-csrf", nil
}

func (l *fakeLogin) Login(w http.ResponseWriter, r *http.Request, email, password, csrf string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if csrf != "login-csrf" {
		return webauth.ErrBadCSRF
	}
	if l.failures >= 5 {
		return &webauth.RateLimitError{RetryAfter: 30 * time.Second}
	}
	if email != "kim@example.com" || password != "right password" {
		l.failures++
		return webauth.ErrBadCredentials
	}
	http.SetCookie(w, &http.Cookie{Name: "fake_session", Value: "ok", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return nil
}

func (l *fakeLogin) Logout(w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, &http.Cookie{Name: "fake_session", Value: "", Path: "/", MaxAge: -1})
	return nil
}

func (l *fakeLogin) Shops(ctx context.Context, p *webauth.Principal, offset, limit int) ([]shopqb.ShopRef, int, error) {
	all := []shopqb.ShopRef{{ID: 1, Domain: "acme.myshopify.com", Name: "Acme Retail"}}
	if offset >= len(all) {
		return nil, len(all), nil
	}
	return all[offset:], len(all), nil
}

// fakeEmbedded stands in for webauth's session-token middleware: the shop is 1.
func fakeEmbedded(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := &webauth.Principal{Mode: webauth.Embedded, Actor: "shopify-user:42@acme.myshopify.com", ShopID: 1, Locale: r.Header.Get("X-Test-Locale")}
		next.ServeHTTP(w, r.WithContext(webauth.WithPrincipal(r.Context(), p)))
	})
}
