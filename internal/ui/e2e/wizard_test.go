package e2e_test

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/shopqb/shopqb/internal/qbdsim"
	"github.com/shopqb/shopqb/internal/ui/uitest"
)

// TestWizardEndToEnd walks a merchant through the standalone wizard in
// Chromium, from a new shop to a started one, against the real wizard and
// the simulators: once in English with an Enterprise company, once in
// Korean with a Premier company near its 14,500-name limit. Every page is
// checked with axe-core and photographed to
// artifacts/screenshots/e2e/<lang>/NN-step.png.
func TestWizardEndToEnd(t *testing.T) {
	b := uitest.NewBrowser(t)
	for _, run := range []struct {
		lang string
		o    stackOptions
	}{
		{"en", stackOptions{domain: "acme-retail.myshopify.com", name: "Acme Retail", edition: qbdsim.Enterprise}},
		{"ko", stackOptions{domain: "seoul-goods.myshopify.com", name: "Seoul Goods", edition: qbdsim.Premier, nearLimit: true}},
	} {
		t.Run(run.lang, func(t *testing.T) {
			s := newStack(t, run.o)
			w := newWalker(t, b, s, run.lang, true)
			w.wizard()
		})
	}
}

// TestWizardWithoutJavaScript walks the same wizard with scripts off: the
// pages are plain forms and links, and the waits for the Web Connector end
// with a plain refresh of the page.
func TestWizardWithoutJavaScript(t *testing.T) {
	b := uitest.NewBrowser(t)
	s := newStack(t, stackOptions{domain: "plain-html.myshopify.com", name: "Plain Html", edition: qbdsim.Enterprise})
	w := newWalker(t, b, s, "en", false)
	w.wizard()
}

type walker struct {
	t    *testing.T
	s    *stack
	ctx  context.Context
	lang string
	say  *texts
	js   bool
	// shots is where the screenshots go, under artifacts/screenshots.
	shots string
	base  string // the shop's console pages
	n     int    // screenshot counter
}

func newWalker(t *testing.T, b *uitest.Browser, s *stack, lang string, js bool) *walker {
	ctx := b.Tab(t)
	uitest.SetLanguage(t, ctx, lang)
	shots := "e2e/" + lang
	if !js {
		shots = "e2e/nojs-" + lang
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
	}
	return &walker{t: t, s: s, ctx: ctx, lang: lang, say: loadTexts(t, lang), js: js, shots: shots,
		base: fmt.Sprintf("%s/console/shops/%d", s.app.URL, s.shop.ID)}
}

func (w *walker) T(id string, kv ...any) string { w.t.Helper(); return w.say.T(w.t, id, kv...) }

// page checks the page with axe and writes its numbered screenshot.
func (w *walker) page(name string) {
	w.t.Helper()
	w.n++
	shot := fmt.Sprintf("%02d-%s", w.n, name)
	if !w.js {
		// axe needs scripts (its checks run on timers): turn them on for it
		// only; the page's own scripts were not run when it loaded.
		w.scripts(true)
		defer w.scripts(false)
	}
	uitest.Axe(w.t, w.ctx, w.shots+"/"+shot)
	uitest.Screenshot(w.t, w.ctx, w.shots, shot)
}

func (w *walker) scripts(on bool) {
	w.t.Helper()
	if _, err := chromedp.Call(w.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *walker) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	uitest.Do(w.t, w.ctx, what, actions...)
}

// submit clicks a button or link and waits for the next page.
func (w *walker) submit(sel string) {
	w.t.Helper()
	uitest.Navigating(w.t, w.ctx, "click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

func (w *walker) open(url string) {
	w.t.Helper()
	uitest.Navigating(w.t, w.ctx, "open "+url, chromedp.Navigate(url))
}

// text is the element's text with its white space collapsed ("" when absent).
func (w *walker) text(sel string) string {
	w.t.Helper()
	return uitest.Eval[string](w.t, w.ctx, fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.textContent.replace(/\s+/g, " ").trim() : ""; })()`, sel))
}

// see waits until the element's text holds every one of wants. It polls
// from outside the page, so it also follows a page that reloads itself
// while it waits (the live waits without JavaScript).
func (w *walker) see(sel string, wants ...string) {
	w.t.Helper()
	deadline := time.Now().Add(uitest.Timeout)
	var got string
	for {
		ctx, cancel := context.WithTimeout(w.ctx, 2*time.Second)
		got, _ = chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.textContent.replace(/\s+/g, " ").trim() : ""; })()`, sel)))
		cancel()
		ok := got != ""
		for _, want := range wants {
			if !strings.Contains(got, collapse(want)) {
				ok = false
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("%s never showed %q; it shows:\n%s", sel, wants, got)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// wantSummary checks a refused submit: the error summary is shown (and
// focused, when scripts run).
func (w *walker) wantSummary(wants ...string) {
	w.t.Helper()
	w.see("#error-summary", wants...)
	if w.js {
		if f := uitest.Eval[string](w.t, w.ctx, `document.activeElement ? document.activeElement.id : ""`); f != "error-summary" {
			w.t.Errorf("focus is on %q after a refused submit, want the error summary", f)
		}
	}
}

// waitLive waits for a live region to show wants: with scripts, the page
// polls by itself; without, the merchant reloads it with its "Refresh this
// page" link (a page never reloads itself: axe's meta-refresh rule, and a
// reload would lose a token shown once).
func (w *walker) waitLive(sel string, wants ...string) {
	w.t.Helper()
	if !w.js {
		w.submit("#status .refresh a, #checks .refresh a")
	}
	w.see(sel, wants...)
}

func (w *walker) title(id string) {
	w.t.Helper()
	w.see("h1", w.T(id))
	if got := w.text("html"); got == "" {
		w.t.Fatal("empty page")
	}
	if lang := uitest.Eval[string](w.t, w.ctx, `document.documentElement.lang`); lang != w.lang {
		w.t.Errorf("page language %q, want %q", lang, w.lang)
	}
}

// qwc downloads the shop's .qwc with the browser's session, as the
// merchant's download button does, and reads it as the Web Connector would.
func (w *walker) qwc() qbdsim.QWC {
	w.t.Helper()
	href := uitest.Eval[string](w.t, w.ctx, `document.querySelector("#download a[download]").href`)
	cookies, err := chromedp.Call(w.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{href}})
	if err != nil {
		w.t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", href, nil)
	for _, c := range cookies.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), ".qwc") {
		w.t.Fatalf("download the .qwc: %d %s\n%s", res.StatusCode, res.Header.Get("Content-Disposition"), body)
	}
	path := filepath.Join(w.t.TempDir(), "shop.qwc")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		w.t.Fatal(err)
	}
	q, err := qbdsim.ReadQWC(path)
	if err != nil {
		w.t.Fatal(err)
	}
	return q
}

func (w *walker) wizard() {
	t, s := w.t, w.s
	shop := s.shop

	// Log in: no session sends the browser to the login page.
	w.open(s.app.URL + "/console/")
	w.see("main", w.T("ui.login.email"))
	w.page("login")
	w.do("credentials", chromedp.SendKeys(chromedp.ID("f-email"), s.email), chromedp.SendKeys(chromedp.ID("f-password"), s.pass))
	w.submit(`#login button[type=submit]`)
	w.see("#shops", shop.Name, shop.Domain)
	w.page("shops")
	w.submit(fmt.Sprintf(`#shops a[href="/console/shops/%d/setup/"]`, shop.ID))

	// Step 1: the Shopify facts, read live; Next needs the acknowledgement.
	w.title("ui.step.before.title")
	w.see("#shop", shop.Name, shop.Domain, "USD", "Asia/Seoul", w.T("ui.before.orders90"), "24")
	w.see("#checklist", w.T("setup.before.check.qbo_other_app"), w.T("setup.before.check.start_once"))
	w.page("before")
	w.submit("#next")
	w.wantSummary(w.T("ui.before.ack_required"))
	w.see("#f-acknowledge-error", w.T("ui.before.ack_required"))
	w.page("before-refused")
	w.do("acknowledge", chromedp.Click(chromedp.ID("f-acknowledge")))
	w.submit("#next")

	// Step 2: a token shown once; the Web Connector with a wrong password,
	// then the right one, while the page waits.
	w.title("ui.step.connect.title")
	w.see("#connect-live", w.T("ui.connect.state.waiting"), w.T("setup.connect.waiting"))
	if v := uitest.Eval[string](t, w.ctx, `document.getElementById("f-qbwc-url").value`); v != s.app.URL+"/qbwc" {
		t.Errorf("the Web Connector address field holds %q", v)
	}
	// Behind the open step 2 nothing is marked done, though step 7's own
	// check (Shopify's purchase orders readable) holds already.
	if done := uitest.Eval[int](t, w.ctx, `document.querySelectorAll("li.step-done").length`); done != 1 {
		t.Errorf("on step 2, %d steps are marked done, want 1 (step 1)", done)
	}
	w.page("connect-waiting")
	w.submit(`#token button[type=submit]`)
	token := uitest.Eval[string](t, w.ctx, `document.getElementById("f-app-token").value`)
	if len(token) < 20 {
		t.Fatalf("the page shows no usable app token: %q", token)
	}
	w.see("#token", w.T("ui.connect.token_once_heading"))
	w.page("connect-token")
	qwc := w.qwc()
	if qwc.UserName != shop.QBWCUser || qwc.AppURL != s.app.URL+"/qbwc" {
		t.Fatalf(".qwc %+v for user %s", qwc, shop.QBWCUser)
	}
	if res := s.visit(qwc, token+"-typo"); res.AuthStatus != "nvu" {
		t.Fatalf("a wrong password was answered %q", res.AuthStatus)
	}
	w.waitLive("#connect-live", w.T("ui.connect.state.bad_password"), w.T("setup.connect.bad_password"))
	w.page("connect-bad-password")
	// The page shown before the token was made no longer holds it.
	if strings.Contains(w.text("main"), token) {
		t.Error("the app token is shown again after the page reloaded")
	}
	s.visit(qwc, token)
	pre, err := s.app.Engine.LoadPreflight(s.ctx, shop.ID)
	if err != nil {
		t.Fatalf("no preflight after a good visit: %v", err)
	}
	connected := w.T("setup.connect.connected", "Product", pre.Product, "Version", pre.QBXMLVersion, "Company", s.company.Options().Name, "File", pre.CompanyFile)
	w.waitLive("#connect-live", w.T("ui.connect.state.connected"), connected)
	w.page("connect-connected")
	w.submit("#next")

	// Step 3: sales tax is off in QuickBooks: the fix is shown, Next refused.
	w.title("ui.step.tax.title")
	w.see("#checks", w.T("setup.tax.check.on"), w.T("ui.check.failed"), w.T("setup.tax.fix.on"), w.T("setup.tax.check.zero_no_item"))
	w.page("tax-off")
	w.submit("#next")
	w.wantSummary(w.T("setup.tax.check.on"))
	w.page("tax-refused")
	// The merchant turns it on in QuickBooks and asks for a new look.
	s.company.SetSalesTaxOn(true)
	w.submit("#recheck")
	w.see("#tax-live", w.T("ui.tax.recheck_waiting_heading"))
	w.page("tax-recheck-waiting")
	s.visit(qwc, token)
	w.waitLive("#tax-live", w.T("ui.tax.passed"))
	w.see("#checks", w.T("setup.tax.check.on"), w.T("ui.check.passed"))
	w.page("tax-passed")
	w.submit("#next")

	// Step 4: the selects offer only accounts of the right types; a form
	// that sends another (a page kept open while the chart of accounts
	// changed, or an edited request) is refused on its row.
	w.title("ui.step.mapping.title")
	sel := "#f-mapping-gift-card-liability"
	if opts := uitest.Eval[string](t, w.ctx, `Array.from(document.querySelectorAll("`+sel+` option")).map(o => o.value).join("|")`); strings.Contains(opts, "|Sales|") || strings.HasSuffix(opts, "|Sales") {
		t.Errorf("gift card liability offers the income account Sales: %s", opts)
	}
	w.page("mapping")
	w.do("choose Sales for gift cards", js(`(() => { const s = document.querySelector("`+sel+`");
	  const o = document.createElement("option"); o.value = "Sales"; o.textContent = "Sales"; s.appendChild(o); s.value = "Sales"; return true; })()`))
	w.submit("#next")
	wrong := w.T("setup.mapping.wrong_type.liability", "Type", w.T("ui.acct.Income"), "Account", "Sales")
	w.wantSummary(wrong)
	w.see(sel+"-error", wrong)
	// The refused choice stays selected beside its error.
	if v := uitest.Eval[string](t, w.ctx, `document.querySelector("`+sel+`").value`); v != "Sales" {
		t.Errorf("after the refusal the select shows %q, not the merchant's choice", v)
	}
	w.page("mapping-wrong-type")
	w.do("choose the liability", chromedp.SetValue(chromedp.CSS(sel), "Gift Card Liability"))
	w.submit("#next")

	// Step 5: daily at a time that is none.
	w.title("ui.step.schedule.title")
	w.see("#schedule", "Asia/Seoul", "UTC+9")
	w.do("daily", chromedp.Click(chromedp.ID("f-schedule-daily")))
	bad := "25:00"
	if w.lang == "ko" {
		bad = "" // a cleared field
	}
	// A browser without a time picker sends what was typed.
	w.do("type a time", js(`(() => { const f = document.getElementById("f-time"); f.type = "text"; f.value = "`+bad+`"; return true; })()`))
	w.page("schedule")
	w.submit("#next")
	badTime := w.T("setup.schedule.bad_time", "Time", bad)
	if bad == "" {
		badTime = w.T("setup.schedule.time_required")
	}
	w.wantSummary(badTime)
	w.see("#f-time-error", badTime)
	w.page("schedule-bad-time")
	w.do("a good time", chromedp.SetValue(chromedp.ID("f-time"), "02:30"))
	w.submit("#next")

	// Step 6: the 14,500 rule, live.
	w.title("ui.step.modes.title")
	mv, err := mustSetup(t, s).Modes(s.ctx, shop.ID)
	if err != nil {
		t.Fatal(err)
	}
	detailCustomers := uitest.Eval[bool](t, w.ctx, `document.getElementById("f-mode-customers-detail").disabled`)
	if mv.ListLimit > 0 {
		var total int
		for _, m := range mv.Modes {
			if m.Name == "customers" && m.Reason != nil {
				total, _ = m.Reason.Args["Total"].(int)
			}
		}
		if total <= 14500 {
			t.Fatalf("the Premier company is not near its limit: customers would be %d", total)
		}
		w.see("#edition", grouped(mv.ListLimit))
		w.see("#modes", w.T("setup.modes.over_limit.customers", "Total", grouped(total), "Limit", grouped(mv.ListLimit)))
		if !detailCustomers {
			t.Error("detail for customers can be chosen although it would pass the list limit")
		}
	} else {
		w.see("#edition", pre.Edition)
		if detailCustomers {
			t.Error("detail for customers is refused on Enterprise")
		}
	}
	w.page("modes")
	w.submit("#next")

	// Step 7: Stocky's API is retired: the page says so; then an export
	// upload (English) or a skip (Korean).
	w.title("ui.step.purchasing.title")
	w.do("stocky key", chromedp.SendKeys(chromedp.ID("f-stocky-key"), "stocky-e2e"))
	w.submit(`#stocky button[type=submit]`)
	retired := w.T("setup.purchasing.stocky_retired")
	w.wantSummary(retired)
	w.see("#f-stocky-key-error", retired)
	// Once inline and once in the summary's link: no banner saying it a third time.
	if n := uitest.Eval[int](t, w.ctx, `document.querySelector("main").innerText.split(`+strconv.Quote(retired)+`).length - 1`); n != 2 {
		t.Errorf("the retired-Stocky message shows %d times, want 2 (summary link, field)", n)
	}
	w.page("purchasing-retired")
	if w.lang == "en" {
		w.do("choose the export", chromedp.SetUploadFiles(chromedp.ID("f-stocky-export"), []string{stockyExport(t)}))
		w.submit(`#export button[type=submit]`)
		w.see("#export", w.T("ui.purchasing.imported", "Count", 2))
		w.page("purchasing-imported")
		w.submit("#next")
	} else {
		w.submit(`#skip button[type=submit]`)
	}

	// Step 8: every choice on one page; Start; the locked page; a second
	// Start (from a copy of the page opened before) refused.
	w.title("ui.step.review.title")
	w.see("#review-modes", w.T("ui.mode.summary"))
	w.see("#review-mapping", "Gift Card Liability")
	w.see("#start", w.T("ui.review.once_heading"))
	w.page("review")
	csrf := uitest.Eval[string](t, w.ctx, `document.querySelector('#start input[name=csrf_token], form input[name=csrf_token]').value`)
	date := uitest.Eval[string](t, w.ctx, `document.getElementById("f-start-date").value`)
	w.submit("#start-button")
	w.see("main", w.T("ui.review.locked"))
	if w.text("#start-button") != "" {
		t.Error("a started shop still offers Start")
	}
	w.page("started")
	// Every step now sends the merchant to the locked review.
	w.open(w.base + "/setup/mapping")
	w.see("main", w.T("ui.review.locked"))
	w.submitStartAgain(csrf, date)
	w.see("#error-summary", w.T("ui.review.refused_heading"))
	w.page("second-start-refused")
	if p, err := mustSetup(t, s).Progress(s.ctx, shop.ID); err != nil || p.Started == nil {
		t.Fatalf("the shop is not started: %v %+v", err, p)
	}
}

// submitStartAgain posts the review's start form once more, as a second
// tab opened before the start would.
func (w *walker) submitStartAgain(csrf, date string) {
	w.t.Helper()
	form := fmt.Sprintf(`<form method="post" action="/console/shops/%d/setup/review"><input name="csrf_token" value="%s"><input name="action" value="start"><input name="start_date" value="%s"><button id="again" type="submit">Start</button></form>`, w.s.shop.ID, csrf, date)
	w.do("a page opened before the start", js(`(() => { document.body.insertAdjacentHTML("beforeend", `+"`"+form+"`"+`); return true; })()`))
	w.submit("#again")
}

// js is an action that runs a script in the page (DevTools' own evaluation:
// it works when the page's scripts are off).
func js(src string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool](src)(ctx, t)
		return chromedp.Void{}, err
	}
}

// stockyExport writes a Stocky v2 JSON export with two purchase orders.
func stockyExport(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stocky-export.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range map[string]string{
		"export/purchase_orders.json": `{"purchase_orders":[{"id":2,"number":"PO-2","supplier_name":"Acme Supply","purchase_items":[]},{"id":3,"number":"PO-3","supplier_name":"Acme Supply","purchase_items":[]}]}`,
	} {
		fw, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(fw, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}
