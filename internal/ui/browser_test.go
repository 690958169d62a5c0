package ui

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/shopqb/shopqb/internal/setup"
	"github.com/shopqb/shopqb/internal/ui/uitest"
)

// TestBrowserWalksTheStandaloneWizard drives Chromium through the whole
// standalone wizard against the fake wizard, in English and Korean: wrong
// values and their inline errors, the live waits, a start and a refused
// second start. axe-core checks every page; every page's screenshot is
// written to artifacts/screenshots/<lang>/.
func TestBrowserWalksTheStandaloneWizard(t *testing.T) {
	b := uitest.NewBrowser(t)
	for _, lang := range []string{"en", "ko"} {
		t.Run(lang, func(t *testing.T) { walkWizard(t, b, lang) })
	}
}

type walker struct {
	t    *testing.T
	ctx  context.Context
	lang string
	a    *testApp
	loc  *localizer
	url  string
}

func (w *walker) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	uitest.Do(w.t, w.ctx, what, actions...)
}

// page checks the page with axe and writes its screenshot.
func (w *walker) page(name string) {
	w.t.Helper()
	uitest.Axe(w.t, w.ctx, w.lang+"/"+name)
	uitest.Screenshot(w.t, w.ctx, w.lang, name)
}

// submit clicks a button and waits for the next page to load.
func (w *walker) submit(sel string) {
	w.t.Helper()
	uitest.Navigating(w.t, w.ctx, "submit "+sel, chromedp.Click(chromedp.CSS(sel)))
}

func (w *walker) text(id string, kv ...any) string { return w.loc.T(id, kv...) }

// focused is the id of the element that has the keyboard focus.
func (w *walker) focused() string {
	return uitest.Eval[string](w.t, w.ctx, `document.activeElement ? document.activeElement.id : ""`)
}

func (w *walker) wantFocusOnSummary() {
	w.t.Helper()
	w.do("error summary", chromedp.WaitVisible(chromedp.ID("error-summary")))
	if f := w.focused(); f != "error-summary" {
		w.t.Errorf("focus is on %q after a failed submit, want the error summary", f)
	}
}

func (w *walker) setValue(sel, value string) {
	w.t.Helper()
	w.do("set "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

func walkWizard(t *testing.T, b *uitest.Browser, lang string) {
	a := newTestApp(t)
	srv := httptest.NewServer(a.srv)
	t.Cleanup(srv.Close)
	w := &walker{t: t, ctx: b.Tab(t), lang: lang, a: a, loc: a.h.cat.localizer(lang, "KRW"), url: srv.URL}
	uitest.SetLanguage(t, w.ctx, lang)

	// Login: no session sends the browser to the login page; a wrong password is explained inline.
	w.do("open the console", chromedp.Navigate(srv.URL+"/console/"), chromedp.WaitVisible(chromedp.ID("f-email")))
	w.page("01-login")
	w.do("wrong password", chromedp.SendKeys(chromedp.ID("f-email"), "kim@example.com"), chromedp.SendKeys(chromedp.ID("f-password"), "wrong"))
	w.submit(`#login button[type=submit]`)
	w.wantFocusOnSummary()
	uitest.WaitText(t, w.ctx, "#f-password-error", w.text("ui.login.bad_credentials"))
	w.page("02-login-error")
	w.do("right password", chromedp.SendKeys(chromedp.ID("f-password"), "right password"))
	w.submit(`#login button[type=submit]`)
	uitest.WaitText(t, w.ctx, "#shops", "Acme Retail")
	w.page("03-shops")

	// Step 1: Next without the tick is refused with the error tied to the checkbox.
	w.submit(`#shops a[href="/console/shops/1/setup/"]`)
	uitest.WaitText(t, w.ctx, "h1", w.text("ui.step.before.title"))
	w.page("04-before")
	w.submit("#next")
	w.wantFocusOnSummary()
	uitest.WaitText(t, w.ctx, "#f-acknowledge-error", w.text("ui.before.ack_required"))
	w.page("05-before-error")
	w.do("tick", chromedp.Click(chromedp.ID("f-acknowledge")))
	w.submit("#next")

	// Step 2: the token once, the codes shopqb cannot see, and the live wait through the states.
	uitest.WaitText(t, w.ctx, "h1", w.text("ui.step.connect.title"))
	uitest.WaitText(t, w.ctx, "#connect-live", w.text("ui.connect.state.waiting"))
	w.page("06-connect-waiting")
	w.submit(`#token button[type=submit]`)
	w.do("token shown", chromedp.WaitVisible(chromedp.ID("f-app-token")), chromedp.WaitVisible(chromedp.CSS(`button[data-copy="f-app-token"]`)))
	if v := uitest.Eval[string](t, w.ctx, `document.getElementById("f-app-token").value`); v != "qbt_1_Zm9vYmFyYmF6cXV4" {
		t.Errorf("token field holds %q", v)
	}
	w.page("07-connect-token")
	// Picking a code shows its fix at once (the script submits the select's form).
	uitest.Navigating(t, w.ctx, "pick a code", chromedp.SetValue(chromedp.ID("f-code"), "QBWC1039"))
	uitest.WaitText(t, w.ctx, "#code-fix", w.text("ui.code.QBWC1039.meaning"))
	w.page("08-connect-code")
	a.wiz.set(func(f *fakeWizard) { f.state = setup.ConnBadPassword })
	uitest.WaitText(t, w.ctx, "#connect-live", w.text("ui.connect.state.bad_password"))
	w.page("09-connect-bad-password")
	a.wiz.set(func(f *fakeWizard) { f.state = setup.ConnConnected })
	uitest.WaitText(t, w.ctx, "#connect-live", "QuickBooks Desktop Premier 2024")
	w.page("10-connect-connected")
	w.submit("#next")

	// Step 3: failing checks block Next; Check again waits for the next visit.
	uitest.WaitText(t, w.ctx, "h1", w.text("ui.step.tax.title"))
	w.page("11-tax-failing")
	w.submit("#next")
	w.wantFocusOnSummary()
	w.page("12-tax-blocked")
	w.submit("#recheck")
	uitest.WaitText(t, w.ctx, "#tax-live", w.text("ui.tax.recheck_waiting_heading"))
	w.page("13-tax-recheck")
	a.wiz.set(func(f *fakeWizard) { f.taxOK, f.recheckPending = true, nil })
	uitest.WaitText(t, w.ctx, "#tax-live", w.text("ui.tax.passed"))
	w.submit("#next")

	// Step 4: an inactive account is refused on its row.
	uitest.WaitText(t, w.ctx, "h1", w.text("ui.step.mapping.title"))
	w.page("14-mapping")
	w.setValue("#f-mapping-gift-card-liability", "Old Gift Cards")
	w.submit("#next")
	w.wantFocusOnSummary()
	uitest.WaitText(t, w.ctx, "#f-mapping-gift-card-liability-error", "Old Gift Cards")
	w.page("15-mapping-error")
	w.setValue("#f-mapping-gift-card-liability", "Gift Card Liability")
	w.submit("#next")

	// Step 5: a daily sync needs a time.
	uitest.WaitText(t, w.ctx, "h1", w.text("ui.step.schedule.title"))
	w.do("daily", chromedp.Click(chromedp.ID("f-schedule-daily")))
	w.setValue("#f-time", "")
	w.submit("#next")
	w.wantFocusOnSummary()
	w.do("time error", chromedp.WaitVisible(chromedp.ID("f-time-error")))
	w.page("16-schedule-error")
	w.setValue("#f-time", "07:30")
	w.submit("#next")

	// Step 6: detail for customers is off with its reason.
	uitest.WaitText(t, w.ctx, "h1", w.text("ui.step.modes.title"))
	if !uitest.Eval[bool](t, w.ctx, `document.getElementById("f-mode-customers-detail").disabled`) {
		t.Error("detail for customers is not disabled although the list limit forbids it")
	}
	w.page("17-modes")
	w.submit("#next")

	// Step 7: Stocky's retirement is explained; the merchant skips.
	uitest.WaitText(t, w.ctx, "h1", w.text("ui.step.purchasing.title"))
	a.wiz.set(func(f *fakeWizard) { f.stockyRetired = true })
	w.do("stocky key", chromedp.SendKeys(chromedp.ID("f-stocky-key"), "some-key"))
	w.submit(`#stocky button[type=submit]`)
	w.wantFocusOnSummary()
	w.do("retired", chromedp.WaitVisible(chromedp.ID("f-stocky-key-error")))
	w.page("18-purchasing-retired")
	w.submit(`#skip button[type=submit]`)

	// Step 8: the dry check's problems, then the start, then a refused second start.
	uitest.WaitText(t, w.ctx, "h1", w.text("ui.step.review.title"))
	w.page("19-review")
	a.wiz.set(func(f *fakeWizard) { f.startProblems = true })
	w.submit("#start-button")
	w.wantFocusOnSummary()
	uitest.WaitText(t, w.ctx, "#problems", "Shipping Income")
	w.page("20-review-problems")
	a.wiz.set(func(f *fakeWizard) { f.startProblems = false })
	w.submit("#start-button")
	uitest.WaitText(t, w.ctx, "main", w.text("ui.review.locked"))
	w.page("21-review-started")
	// A second start from a page opened before the first one (another tab).
	uitest.Navigating(t, w.ctx, "second start", js(`(() => {
	  const f = document.createElement("form"); f.method = "post"; f.action = "/console/shops/1/setup/review";
	  for (const [k, v] of [["csrf_token", "`+fakeCSRF+`"], ["action", "start"], ["start_date", "2026-12-02"]]) {
	    const i = document.createElement("input"); i.type = "hidden"; i.name = k; i.value = v; f.appendChild(i);
	  }
	  document.body.appendChild(f); f.submit(); return true; })()`))
	uitest.WaitText(t, w.ctx, "#error-summary", w.text("ui.review.refused_heading"))
	w.page("22-review-refused")
	checkNoMissing(t, a)
}

// js is an action that runs a script in the page.
func js(src string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool](src)(ctx, t)
		return chromedp.Void{}, err
	}
}

// TestBrowserWithoutJavaScript walks the first steps with scripts off: the
// standalone pages are plain forms and links.
func TestBrowserWithoutJavaScript(t *testing.T) {
	b := uitest.NewBrowser(t)
	a := newTestApp(t)
	srv := httptest.NewServer(a.srv)
	t.Cleanup(srv.Close)
	ctx := b.Tab(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	w := &walker{t: t, ctx: ctx, lang: "en", a: a, loc: a.h.cat.localizer("en", ""), url: srv.URL}
	uitest.Navigating(t, ctx, "login page", chromedp.Navigate(srv.URL+"/console/login"))
	w.do("credentials", chromedp.SendKeys(chromedp.ID("f-email"), "kim@example.com"), chromedp.SendKeys(chromedp.ID("f-password"), "right password"))
	w.submit(`#login button[type=submit]`)
	uitest.WaitText(t, ctx, "#shops", "Acme Retail")
	uitest.Navigating(t, ctx, "before", chromedp.Navigate(srv.URL+"/console/shops/1/setup/"))
	w.do("tick", chromedp.Click(chromedp.ID("f-acknowledge")))
	w.submit("#next")
	uitest.WaitText(t, ctx, "h1", w.text("ui.step.connect.title"))
	// The copy button needs a script, so it stays hidden; the token is still selectable text.
	w.submit(`#token button[type=submit]`)
	w.do("token", chromedp.WaitVisible(chromedp.ID("f-app-token")))
	if uitest.Eval[bool](t, ctx, `!document.querySelector('button[data-copy="f-app-token"]').hidden`) {
		t.Error("the copy button shows although no script can make it work")
	}
	// The codes' select submits with its button.
	w.setValue("#f-code", "QBWC1048")
	w.submit(`#codes button[type=submit]`)
	uitest.WaitText(t, ctx, "#code-fix", w.text("ui.code.QBWC1048.meaning"))
	// The live wait falls back to the Refresh link.
	a.wiz.set(func(f *fakeWizard) { f.state = setup.ConnConnected })
	w.submit(`#connect-live .refresh a`)
	uitest.WaitText(t, ctx, "#connect-live", "QuickBooks Desktop Premier 2024")
	w.submit("#next")
	uitest.WaitText(t, ctx, "h1", w.text("ui.step.tax.title"))
}
