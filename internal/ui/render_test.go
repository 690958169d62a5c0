package ui

import (
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/shopqb/shopqb/internal/setup"
	"github.com/shopqb/shopqb/internal/webauth"
)

// testLocales is the built-in catalogs plus the fake wizard's.
func testLocales(t testing.TB) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	add := func(fsys fs.FS) {
		files, err := fs.Glob(fsys, "*.toml")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				t.Fatal(err)
			}
			m[f] = &fstest.MapFile{Data: b}
		}
	}
	sub, _ := fs.Sub(localeFS, "locales")
	add(sub)
	add(os.DirFS("testdata/locales"))
	return m
}

type testApp struct {
	h     *handler
	srv   http.Handler
	wiz   *fakeWizard
	books *fakeBooks
	// operator makes the standalone user an operator (the operator view, the qbXML).
	operator bool
}

func newTestApp(t testing.TB) *testApp {
	t.Helper()
	wiz, books := newFakeWizard(), newFakeBooks()
	h, err := newHandler(Config{Wizard: wiz, Books: books, Standalone: &fakeLogin{}, Embedded: fakeEmbedded, APIKey: "test-client-id", Locales: testLocales(t)})
	if err != nil {
		t.Fatal(err)
	}
	// The fake login's principal has no grants of its own (they live in
	// internal/webauth); the test grants shop 1. Embedded principals keep
	// Principal.CanSee (the token's shop only).
	h.canSee = func(ctx context.Context, p *webauth.Principal, shopID int64) (bool, error) {
		if p.Mode == webauth.Embedded {
			return p.CanSee(ctx, shopID)
		}
		return shopID == 1, nil
	}
	return &testApp{h: h, srv: h.routes(), wiz: wiz, books: books}
}

// do sends a request as the logged-in user (standalone) or the session token's shop (embedded).
func (a *testApp) do(mode, lang, method, path string, form url.Values) *httptest.ResponseRecorder {
	var body *strings.Reader
	if form != nil {
		if mode == modeStandalone && form.Get(webauth.CSRFField) == "" {
			form.Set(webauth.CSRFField, fakeCSRF)
		}
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	r := httptest.NewRequest(method, path, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r.Header.Set("Accept-Language", lang)
	r.AddCookie(&http.Cookie{Name: "fake_session", Value: "ok"})
	if a.operator {
		r.Header.Set("X-Test-Operator", "1")
	}
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, r)
	return rec
}

func stepPath(mode string, step setup.Step) string {
	if mode == modeEmbedded {
		return "/app/setup/" + string(step)
	}
	return "/console/shops/1/setup/" + string(step)
}

// passUpTo makes every step before s pass, so s is reachable.
func passUpTo(f *fakeWizard, s setup.Step) {
	for _, x := range setup.Steps {
		if x == s {
			return
		}
		switch x {
		case setup.StepBefore:
			t := f.now
			f.acked, f.ackedBy = &t, "user:kim@example.com"
		case setup.StepConnect:
			f.state = setup.ConnConnected
		case setup.StepTax:
			f.taxOK = true
		case setup.StepMapping:
			f.mappingSaved = true
		case setup.StepSchedule:
			f.scheduleSaved = true
		case setup.StepModes:
			f.modesSaved = true
		case setup.StepPurchasing:
			f.skipped = true
		}
	}
}

type variant struct {
	name   string
	step   setup.Step
	state  func(f *fakeWizard)
	query  string
	form   url.Values // POST when set
	status int
	// want are strings the page must contain in both sets and languages (ids, names); lacks what it must not.
	want, lacks []string
	// wantStandalone are strings only the standalone page must contain.
	wantStandalone []string
}

func variants() []variant {
	conn := func(s setup.ConnectionState) func(*fakeWizard) { return func(f *fakeWizard) { f.state = s } }
	v := []variant{
		{name: "before", step: setup.StepBefore, status: 200, want: []string{`name="acknowledge"`}},
		{name: "before_facts_error", step: setup.StepBefore, state: func(f *fakeWizard) { f.factsErr = true }, status: 200},
		{name: "before_suggest_summary", step: setup.StepBefore, state: func(f *fakeWizard) { f.suggestSummary = true }, status: 200},
		{name: "before_not_ticked", step: setup.StepBefore, form: url.Values{"action": {"next"}}, status: 422, want: []string{`id="error-summary"`, `href="#f-acknowledge"`}},
		{name: "connect_url_unusable", step: setup.StepConnect, state: func(f *fakeWizard) { f.urlUsable = false }, status: 200},
		{name: "connect_token", step: setup.StepConnect, form: url.Values{"action": {"token"}}, status: 200, want: []string{`value="qbt_1_Zm9vYmFyYmF6cXV4"`, `data-copy="f-app-token"`}, lacks: []string{`http-equiv="refresh"`}},
		{name: "connect_code", step: setup.StepConnect, query: "?code=QBWC1039", status: 200, want: []string{`id="code-fix"`}},
		{name: "connect_next_refused", step: setup.StepConnect, form: url.Values{"action": {"next"}}, status: 422, want: []string{`id="error-summary"`}},
		{name: "tax_failing", step: setup.StepTax, status: 200, want: []string{`id="check-default_item_zero"`}},
		{name: "tax_recheck_pending", step: setup.StepTax, state: func(f *fakeWizard) { t := f.now; f.recheckPending = &t }, status: 200, want: []string{`data-poll="`}},
		{name: "tax_passed", step: setup.StepTax, state: func(f *fakeWizard) { f.taxOK = true }, status: 200},
		{name: "tax_next_refused", step: setup.StepTax, form: url.Values{"action": {"next"}}, status: 422, want: []string{`href="#check-default_item_zero"`}},
		{name: "mapping", step: setup.StepMapping, status: 200, want: []string{`name="mapping.gift_card_liability"`, `name="mapping.clearing:shopify_payments"`}},
		{name: "mapping_errors", step: setup.StepMapping, form: url.Values{"action": {"next"}, "mapping.sales_income": {"Sales"}, "mapping.gift_card_liability": {"Old Gift Cards"}}, status: 422,
			want: []string{`href="#f-mapping-gift-card-liability"`, `href="#f-mapping-bank"`}},
		{name: "schedule", step: setup.StepSchedule, status: 200, want: []string{`name="schedule"`, `name="time"`}},
		{name: "schedule_bad_time", step: setup.StepSchedule, form: url.Values{"action": {"next"}, "schedule": {"daily"}, "time": {"25:00"}}, status: 422, want: []string{`href="#f-time"`}},
		{name: "modes_forced_summary", step: setup.StepModes, status: 200, want: []string{`name="mode.customers"`}},
		{name: "modes_detail_refused", step: setup.StepModes, form: url.Values{"action": {"next"}, "mode.sales": {"detail"}, "mode.customers": {"detail"}}, status: 422, want: []string{`href="#f-mode-customers"`}},
		{name: "purchasing", step: setup.StepPurchasing, status: 200, want: []string{`name="stocky_key"`, `name="stocky_export"`}},
		{name: "purchasing_no_scope", step: setup.StepPurchasing, state: func(f *fakeWizard) { f.nativeScope = false }, status: 200},
		{name: "purchasing_stocky_retired", step: setup.StepPurchasing, state: func(f *fakeWizard) { f.stockyRetired = true },
			form: url.Values{"action": {"stocky"}, "stocky_key": {"any-key"}}, status: 422, want: []string{`href="#f-stocky-key"`}, wantStandalone: []string{`id="f-stocky-key-error"`}, lacks: []string{`id="stocky-status"`}},
		{name: "purchasing_key_ok", step: setup.StepPurchasing, form: url.Values{"action": {"stocky"}, "stocky_key": {"good-key"}}, status: 200, want: []string{`id="stocky-status"`}},
		{name: "review", step: setup.StepReview, status: 200, want: []string{`name="start_date"`}},
		{name: "review_problems", step: setup.StepReview, state: func(f *fakeWizard) { f.startProblems = true },
			form: url.Values{"action": {"start"}, "start_date": {"2026-12-02"}}, status: 422, want: []string{`id="problems"`}},
		{name: "review_started", step: setup.StepReview, state: func(f *fakeWizard) { t := f.now; f.started, f.startedBy = &t, "user:kim@example.com" }, status: 200},
		{name: "review_second_start", step: setup.StepReview, state: func(f *fakeWizard) { t := f.now; f.started, f.startedBy = &t, "user:kim@example.com" },
			form: url.Values{"action": {"start"}, "start_date": {"2026-12-02"}}, status: 409, want: []string{`id="error-summary"`}},
	}
	for _, s := range []setup.ConnectionState{setup.ConnWaiting, setup.ConnBadPassword, setup.ConnReached, setup.ConnQBError, setup.ConnOtherFile, setup.ConnRefused, setup.ConnConnected} {
		v = append(v, variant{name: "connect_" + string(s), step: setup.StepConnect, state: conn(s), status: 200, want: []string{`data-poll="`}})
		// Without scripts the merchant reloads the wait with its Refresh link;
		// the page never reloads itself (axe's meta-refresh rule, WCAG 2.2.1).
		v[len(v)-1].lacks = []string{`http-equiv="refresh"`}
		if s != setup.ConnConnected {
			v[len(v)-1].wantStandalone = []string{`<p class="refresh">`}
		}
	}
	return v
}

func render(t *testing.T, a *testApp, mode, lang string, v variant) string {
	t.Helper()
	a.wiz.set(func(f *fakeWizard) {
		passUpTo(f, v.step)
		if v.state != nil {
			v.state(f)
		}
	})
	method := http.MethodGet
	var form url.Values
	if v.form != nil {
		method = http.MethodPost
		form = url.Values{}
		for k, vs := range v.form {
			form[k] = append([]string(nil), vs...)
		}
	}
	rec := a.do(mode, lang, method, stepPath(mode, v.step)+v.query, form)
	if rec.Code != v.status {
		t.Fatalf("%s %s: status %d, want %d\n%s", method, stepPath(mode, v.step), rec.Code, v.status, rec.Body.String())
	}
	return rec.Body.String()
}

func TestPagesRenderInBothSetsAndLanguages(t *testing.T) {
	for _, v := range variants() {
		t.Run(v.name, func(t *testing.T) {
			for _, lang := range []string{"en", "ko"} {
				names := map[string][]string{}
				for _, mode := range []string{modeStandalone, modeEmbedded} {
					a := newTestApp(t)
					page := render(t, a, mode, lang, v)
					checkPage(t, mode, lang, page)
					for _, w := range v.want {
						if !strings.Contains(page, w) {
							t.Errorf("%s/%s: page lacks %s", mode, lang, w)
						}
					}
					for _, w := range v.wantStandalone {
						if mode == modeStandalone && !strings.Contains(page, w) {
							t.Errorf("standalone/%s: page lacks %s", lang, w)
						}
					}
					for _, w := range v.lacks {
						if strings.Contains(page, w) {
							t.Errorf("%s/%s: page has %s", mode, lang, w)
						}
					}
					names[mode] = fieldNames(page)
					checkNoMissing(t, a)
				}
				if strings.Join(names[modeStandalone], " ") != strings.Join(names[modeEmbedded], " ") {
					t.Errorf("%s: field names differ:\nstandalone %v\nembedded   %v", lang, names[modeStandalone], names[modeEmbedded])
				}
			}
		})
	}
}

func checkNoMissing(t *testing.T, a *testApp) {
	t.Helper()
	a.h.cat.missed.Range(func(k, _ any) bool {
		t.Errorf("message missing from the catalog: %s", k)
		return true
	})
}

var (
	tagRE  = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>]+))?)*)\s*/?>`)
	attrRE = regexp.MustCompile(`([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>]+)))?`)
	formRE = regexp.MustCompile(`(?s)<form\b[^>]*>.*?</form>`)
)

type tag struct {
	name  string
	attrs map[string]string
}

func tags(page string) []tag {
	var out []tag
	for _, m := range tagRE.FindAllStringSubmatch(page, -1) {
		t := tag{name: strings.ToLower(m[1]), attrs: map[string]string{}}
		for _, a := range attrRE.FindAllStringSubmatch(m[2], -1) {
			t.attrs[strings.ToLower(a[1])] = a[2] + a[3] + a[4]
		}
		out = append(out, t)
	}
	return out
}

// fieldNames lists the names of a page's form fields, sorted (CSRF aside).
func fieldNames(page string) []string {
	seen := map[string]bool{}
	for _, t := range tags(page) {
		if !isField(t) {
			continue
		}
		if n := t.attrs["name"]; n != "" && n != webauth.CSRFField {
			seen[n] = true
		}
	}
	var out []string
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func isField(t tag) bool {
	switch t.name {
	case "input", "select", "textarea", "s-search-field", "s-text-field", "s-password-field", "s-date-field", "s-select", "s-choice-list", "s-checkbox", "s-drop-zone", "s-email-field", "s-number-field", "s-text-area":
		return true
	}
	return false
}

// polarisTags are the tags of @shopify/polaris-types 1.1.0's manifest (ui.md §1.2).
var polarisTags = strings.Fields(`s-page s-section s-box s-stack s-grid s-grid-item s-divider s-scroll-box s-query-container
s-heading s-text s-paragraph s-ordered-list s-unordered-list s-list-item
s-button s-button-group s-link s-clickable s-clickable-chip s-menu s-press-button
s-badge s-banner s-empty-state s-progress s-spinner s-tooltip s-popover s-modal
s-text-field s-text-area s-email-field s-password-field s-number-field s-money-field s-url-field s-search-field s-date-field s-date-picker s-color-field s-color-picker s-select s-option s-option-group s-checkbox s-choice s-choice-list s-switch s-drop-zone
s-table s-table-header-row s-table-header s-table-body s-table-row s-table-cell
s-avatar s-icon s-image s-thumbnail s-chip s-number`)

// appBridgeTags are the elements App Bridge itself defines (not Polaris's
// manifest): the admin's navigation menu of the app.
var appBridgeTags = []string{"s-app-nav"}

func checkPage(t *testing.T, mode, lang, page string) {
	t.Helper()
	if !strings.Contains(page, `<html lang="`+lang+`">`) {
		t.Errorf("%s/%s: <html lang> is not %q", mode, lang, lang)
	}
	all := tags(page)
	ids := map[string]bool{}
	for _, tg := range all {
		if id := tg.attrs["id"]; id != "" {
			if ids[id] {
				t.Errorf("%s/%s: duplicate id %q", mode, lang, id)
			}
			ids[id] = true
		}
	}
	switch mode {
	case modeEmbedded:
		allowed := map[string]bool{}
		for _, n := range append(polarisTags, appBridgeTags...) {
			allowed[n] = true
		}
		for _, tg := range all {
			if strings.HasPrefix(tg.name, "s-") && !allowed[tg.name] {
				t.Errorf("embedded/%s: <%s> is not a Polaris web component", lang, tg.name)
			}
			switch tg.name {
			case "select", "textarea", "button", "label":
				t.Errorf("embedded/%s: native <%s> in an embedded page", lang, tg.name)
			case "input":
				if tg.attrs["type"] != "hidden" {
					t.Errorf("embedded/%s: native visible <input name=%q>", lang, tg.attrs["name"])
				}
			}
			if isField(tg) && tg.name != "input" && strings.TrimSpace(tg.attrs["label"]) == "" {
				t.Errorf("embedded/%s: <%s name=%q> has no label", lang, tg.name, tg.attrs["name"])
			}
		}
		for _, want := range []string{`<meta name="shopify-api-key" content="test-client-id">`, `src="https://cdn.shopify.com/shopifycloud/app-bridge.js"`, `src="https://cdn.shopify.com/shopifycloud/polaris-1.js"`} {
			if !strings.Contains(page, want) {
				t.Errorf("embedded/%s: lacks %s", lang, want)
			}
		}
	case modeStandalone:
		if strings.Contains(page, "cdn.shopify.com") || strings.Contains(page, "<s-") {
			t.Errorf("standalone/%s: Shopify's CDN or a Polaris tag in a standalone page", lang)
		}
		labels := map[string]bool{}
		for _, tg := range all {
			if tg.name == "label" {
				labels[tg.attrs["for"]] = true
			}
		}
		for _, tg := range all {
			if tg.name == "select" || tg.name == "textarea" || (tg.name == "input" && tg.attrs["type"] != "hidden") {
				if id := tg.attrs["id"]; id == "" || !labels[id] {
					t.Errorf("standalone/%s: <%s name=%q> has no <label for>", lang, tg.name, tg.attrs["name"])
				}
			}
			if d := tg.attrs["aria-describedby"]; d != "" {
				for _, id := range strings.Fields(d) {
					if !ids[id] {
						t.Errorf("standalone/%s: aria-describedby %q points nowhere", lang, id)
					}
				}
			}
			for _, attr := range []string{"src", "href", "action", "formaction", "poster", "data"} {
				u := tg.attrs[attr]
				if !strings.Contains(u, "//") {
					continue
				}
				// The one way out is the link back to Shopify's admin; nothing is loaded from elsewhere.
				if tg.name == "a" && attr == "href" && strings.HasPrefix(u, "https://admin.shopify.com/") {
					continue
				}
				t.Errorf("standalone/%s: external URL in <%s %s=%q>", lang, tg.name, attr, u)
			}
		}
		for _, f := range formRE.FindAllString(page, -1) {
			if strings.Contains(f, `method="post"`) && !strings.Contains(f, `name="csrf_token" value="`+fakeCSRF+`"`) && !strings.Contains(f, `name="csrf_token" value="login-csrf"`) {
				t.Errorf("standalone/%s: a POST form without the CSRF field: %.200s", lang, f)
			}
		}
		if strings.Contains(page, " style=") || strings.Contains(page, "<style") || regexp.MustCompile(`<script>`).MatchString(page) {
			t.Errorf("standalone/%s: inline style or script (the CSP forbids them)", lang)
		}
	}
}

// TestConsolePages renders the pages outside the wizard in both languages.
func TestConsolePages(t *testing.T) {
	for _, lang := range []string{"en", "ko"} {
		for _, c := range []struct {
			path   string
			form   url.Values
			status int
			want   string
		}{
			{"/console/", nil, 200, `href="/console/shops/1/setup/"`},
			{"/console/login", nil, 200, `name="password"`},
			{"/console/login?error=link", nil, 200, `id="error-summary"`},
			{"/console/login", url.Values{"csrf_token": {"login-csrf"}, "email": {"kim@example.com"}, "password": {"nope"}}, 401, `id="f-password-error"`},
			{"/console/shops/2/setup/before", nil, 404, `href="/console/"`},
			{"/console/shops/1/setup/nosuchstep", nil, 404, ""},
		} {
			a := newTestApp(t)
			method := http.MethodGet
			if c.form != nil {
				method = http.MethodPost
			}
			rec := a.do(modeStandalone, lang, method, c.path, c.form)
			if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.want) {
				t.Errorf("%s %s %s: %d, want %d with %s\n%s", lang, method, c.path, rec.Code, c.status, c.want, rec.Body.String())
				continue
			}
			checkPage(t, modeStandalone, lang, rec.Body.String())
			checkNoMissing(t, a)
		}
	}
	// The rate limit says how long to wait, with Retry-After.
	a := newTestApp(t)
	a.h.cfg.Standalone.(*fakeLogin).failures = 9
	rec := a.do(modeStandalone, "en", http.MethodPost, "/console/login", url.Values{"csrf_token": {"login-csrf"}, "email": {"kim@example.com"}, "password": {"x"}})
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "30" || !strings.Contains(rec.Body.String(), "Wait 30 seconds") {
		t.Errorf("rate limited login: %d %q\n%s", rec.Code, rec.Header().Get("Retry-After"), rec.Body.String())
	}
	// The .qwc download is named with the shop; the poll endpoints answer a fragment.
	rec = a.do(modeStandalone, "en", http.MethodGet, "/console/shops/1/setup/connect/qwc", nil)
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Disposition"), `filename="shopqb-acme.myshopify.com.qwc"`) {
		t.Errorf("qwc: %d %q", rec.Code, rec.Header().Get("Content-Disposition"))
	}
	for _, mode := range []string{modeStandalone, modeEmbedded} {
		rec = a.do(mode, "en", http.MethodGet, stepPath(mode, setup.StepConnect)+"/status", nil)
		if rec.Code != 200 || strings.Contains(rec.Body.String(), "<html") || !strings.Contains(rec.Body.String(), "Waiting for the Web Connector") {
			t.Errorf("%s status: %d\n%s", mode, rec.Code, rec.Body.String())
		}
	}
}

func TestCatalogsAreComplete(t *testing.T) {
	a := newTestApp(t)
	for _, pair := range [][2]string{{"en", "ko"}, {"ko", "en"}} {
		for id := range a.h.cat.ids[pair[0]] {
			if !a.h.cat.has(pair[1], id) {
				t.Errorf("%s is in the %s catalog but not in %s", id, pair[0], pair[1])
			}
		}
	}
	for _, id := range a.wiz.usedIDs() {
		for _, lang := range []string{"en", "ko"} {
			if !a.h.cat.has(lang, id) {
				t.Errorf("the fake wizard's %s is missing from %s", id, lang)
			}
		}
	}
	// The pages' own catalog must never depend on the fake's.
	prod, err := loadCatalog(mustSub(t, localeFS, "locales"))
	if err != nil {
		t.Fatal(err)
	}
	for id := range prod.ids["en"] {
		if strings.HasPrefix(id, "fake.") {
			t.Errorf("production catalog holds test message %s", id)
		}
	}
}

func mustSub(t *testing.T, fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// TestConnectHelpAfterAWait: step 2's "Nothing yet?" checklist is not there
// at the start of a wait, only once setup says it went on (HelpDue); before,
// the page says when it will come. Both ways in, both languages.
func TestConnectHelpAfterAWait(t *testing.T) {
	heading := map[string]string{"en": "Nothing yet?", "ko": ""}
	for _, lang := range []string{"en", "ko"} {
		for _, mode := range []string{modeStandalone, modeEmbedded} {
			a := newTestApp(t)
			l := a.h.cat.localizer(lang, "")
			heading[lang] = l.T("ui.connect.nothing_yet")
			later := l.T("ui.connect.help_later", "Minutes", 3)
			page := render(t, a, mode, lang, variant{step: setup.StepConnect, status: 200})
			if strings.Contains(page, heading[lang]) || !strings.Contains(page, later) {
				t.Errorf("%s %s: the checklist shows at once, or the page does not say when it comes", mode, lang)
			}
			page = render(t, a, mode, lang, variant{step: setup.StepConnect, state: func(f *fakeWizard) { f.helpDue = true }, status: 200})
			if !strings.Contains(page, heading[lang]) || strings.Contains(page, later) {
				t.Errorf("%s %s: no checklist after the wait", mode, lang)
			}
		}
	}
}
