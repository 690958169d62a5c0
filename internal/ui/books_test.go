package ui

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func started(f *fakeWizard) {
	passUpTo(f, "review")
	t := f.now
	f.started, f.startedBy = &t, "user:kim@example.com"
}

// booksCase is one page after the start in one state.
type booksCase struct {
	name, scenario, path string
	form                 url.Values
	status               int
	operator             bool
	standaloneOnly       bool
	want, lacks          []string
}

func booksCases() []booksCase {
	return []booksCase{
		{name: "dashboard", path: "/", status: 200, want: []string{`id="health"`, `id="sync-now"`, `data-poll="`, `id="progress-announce"`, `id="sync-progress"`, `value="80"`, `name="from"`, `id="bookscheck"`}, lacks: []string{`id="cause-0"`}},
		{name: "dashboard_failures", scenario: "failures", path: "/", status: 200,
			want: []string{`id="cause-0"`, `id="cause-1"`, `id="retry-all"`, `id="retry-11"`, `id="retry-cause-0"`, `name="code" value="3140"`, `<details`, `Shipping Income`, `id="indoubt"`, `/failures?class=not_found`, `/reconciliation?from=`}},
		{name: "dashboard_running", scenario: "running", path: "/", status: 200, want: []string{`value="1234"`, `max="2000"`, `61`}},
		{name: "dashboard_empty", scenario: "empty", path: "/", status: 200, want: []string{`id="health"`}, lacks: []string{`id="bookscheck"`}},
		{name: "dashboard_flash", path: "/?done=retried&n=12", status: 200, want: []string{`id="flash"`}},
		{name: "history", path: "/history", status: 200, want: []string{`/history?cursor=6`}},
		{name: "failures", scenario: "failures", path: "/failures?code=3140&class=not_found&kind=SalesReceiptAdd", status: 200, want: []string{`id="retry-21"`, `id="retry-cause-0"`}},
		{name: "resync_done", path: "/resync", form: url.Values{"from": {"2026-11-25"}, "to": {"2026-12-01"}}, status: 200, want: []string{`id="resync-result"`, `value="2026-11-25"`}},
		{name: "resync_bad_dates", path: "/resync", form: url.Values{"from": {"2026-12-05"}, "to": {"2026-12-01"}}, status: 422, want: []string{`id="error-summary"`, `href="#f-to"`}},
		{name: "orders_empty", path: "/orders", status: 200, want: []string{`name="q"`}},
		{name: "orders_hits", path: "/orders?q=%231001", status: 200, want: []string{`/orders/1001"`, `#1001`}},
		{name: "orders_none", path: "/orders?q=nothing", status: 200, want: []string{`nothing`}},
		{name: "order", path: "/orders/1001", status: 200, want: []string{`1001`, `R1001`, `1A2-1733200000`, `/payouts/77"`, `Shopify Clearing`}, lacks: []string{`SalesReceiptAddRq`}},
		{name: "order_support", path: "/orders/1001", operator: true, standaloneOnly: true, status: 200, want: []string{`SalesReceiptAddRq`}},
		{name: "order_unknown", path: "/orders/4242", status: 404},
		{name: "payout", path: "/payouts/77", status: 200, want: []string{`id="payout-difference"`, `#1001`}},
		// A payout of 120 lines shows 50 at a time.
		{name: "payout_big", scenario: "bigpayout", path: "/payouts/77", status: 200, want: []string{`/payouts/77?at=50#lines`, `#2049`}, lacks: []string{`#2050`}},
		{name: "payout_big_last", scenario: "bigpayout", path: "/payouts/77?at=100", status: 200, want: []string{`/payouts/77#lines`, `#2119`}, lacks: []string{`at=150`, `#2099`}},
		{name: "payout_differs", scenario: "differences", path: "/payouts/77", status: 200, want: []string{`id="payout-difference"`, `⚠`}},
		{name: "recon", path: "/reconciliation?from=2026-11-26&to=2026-12-02", status: 200,
			want: []string{`<svg`, `<title id="chart-title">`, `<desc id="chart-desc">`, `id="csv-days"`, `id="csv-categories"`, `id="csv-payouts"`, `id="csv-series"`, `table=days`}, lacks: []string{`⚠`}},
		{name: "recon_differences", scenario: "differences", path: "/reconciliation?from=2026-11-26&to=2026-12-02", status: 200, want: []string{`⚠`, `id="recon-summary"`}},
		// The by-day table lists the rows that differ; the rest are a link away.
		{name: "recon_rows_agreeing_hidden", path: "/reconciliation?from=2026-11-26&to=2026-12-02", status: 200,
			want: []string{`rows=all`}},
		{name: "recon_rows_all", path: "/reconciliation?from=2026-11-26&to=2026-12-02&rows=all", status: 200,
			want: []string{`#by-day`}, lacks: []string{`rows=all`}},
		{name: "recon_empty", scenario: "empty", path: "/reconciliation", status: 200, lacks: []string{`<svg`}},
		{name: "recon_bad_range", path: "/reconciliation?from=2026-13-01&to=2026-12-02", status: 422, want: []string{`href="#f-from"`}},
		{name: "settings", path: "/settings", status: 200, want: []string{`name="mapping.sales_income"`, `name="schedule"`, `name="time"`, `value="07:00"`, `id="locked"`, `id="audit"`, `shopqb admin reset --shop acme.myshopify.com`}},
		{name: "settings_refused", path: "/settings", form: url.Values{"action": {"mapping"}, "mapping.gift_card_liability": {"Old Gift Cards"}}, status: 422, want: []string{`id="error-summary"`, `Old Gift Cards`}},
		{name: "settings_bad_time", path: "/settings", form: url.Values{"action": {"schedule"}, "schedule": {"daily"}, "time": {"7 am"}}, status: 422, want: []string{`href="#f-time"`}},
		{name: "operator", path: "/console/operator", operator: true, standaloneOnly: true, status: 200, want: []string{`beta.myshopify.com`, `name="q"`}},
		{name: "operator_search", path: "/console/operator?q=gamma", operator: true, standaloneOnly: true, status: 200, want: []string{`gamma.myshopify.com`}, lacks: []string{`beta.myshopify.com`}},
		{name: "operator_refused", path: "/console/operator", standaloneOnly: true, status: 404},
	}
}

func booksPath(mode, path string) string {
	if strings.HasPrefix(path, "/console/") {
		return path
	}
	if mode == modeEmbedded {
		return "/app" + path
	}
	return "/console/shops/1" + path
}

// TestBooksPagesRender renders every page after the start in both partial
// sets and both languages, in each state the fake books can be in.
func TestBooksPagesRender(t *testing.T) {
	for _, c := range booksCases() {
		t.Run(c.name, func(t *testing.T) {
			for _, lang := range []string{"en", "ko"} {
				names := map[string][]string{}
				for _, mode := range []string{modeStandalone, modeEmbedded} {
					if c.standaloneOnly && mode == modeEmbedded {
						continue
					}
					a := newTestApp(t)
					a.operator = c.operator
					a.wiz.set(started)
					a.books.set(func(b *fakeBooks) { b.scenario = c.scenario })
					method := http.MethodGet
					var form url.Values
					if c.form != nil {
						method, form = http.MethodPost, url.Values{}
						for k, v := range c.form {
							form[k] = append([]string(nil), v...)
						}
					}
					rec := a.do(mode, lang, method, booksPath(mode, c.path), form)
					page := rec.Body.String()
					if rec.Code != c.status {
						t.Fatalf("%s/%s %s %s: %d, want %d\n%s", mode, lang, method, c.path, rec.Code, c.status, page)
					}
					checkPage(t, mode, lang, page)
					for _, w := range c.want {
						if !strings.Contains(page, w) {
							t.Errorf("%s/%s: page lacks %s", mode, lang, w)
						}
					}
					for _, w := range c.lacks {
						if strings.Contains(page, w) {
							t.Errorf("%s/%s: page has %s", mode, lang, w)
						}
					}
					names[mode] = fieldNames(page)
					checkNoMissing(t, a)
				}
				if !c.standaloneOnly && strings.Join(names[modeStandalone], " ") != strings.Join(names[modeEmbedded], " ") {
					t.Errorf("%s: field names differ:\nstandalone %v\nembedded   %v", lang, names[modeStandalone], names[modeEmbedded])
				}
			}
		})
	}
}

// TestBooksActions checks each form reaches the service once with the
// caller as actor and returns to the page that shows its outcome.
func TestBooksActions(t *testing.T) {
	for _, mode := range []string{modeStandalone, modeEmbedded} {
		a := newTestApp(t)
		a.wiz.set(started)
		a.books.set(func(b *fakeBooks) { b.scenario = "failures" })
		for _, c := range []struct {
			path     string
			form     url.Values
			location string
		}{
			{"/retry", url.Values{"action": {"posting"}, "posting": {"11"}}, "/?done=retried&n=1#attention"},
			{"/retry", url.Values{"action": {"cause"}, "code": {"3140"}, "class": {"not_found"}, "kind": {"SalesReceiptAdd"}}, "/?done=retried&n=11#attention"},
			{"/retry", url.Values{"action": {"all"}}, "/?done=retried&n=12#attention"},
			{"/sync", url.Values{"action": {"sync"}}, "/?done=synced#sync"},
			{"/settings", url.Values{"action": {"schedule"}, "schedule": {"daily"}, "time": {"06:30"}}, "/settings?done=settings"},
			{"/settings", url.Values{"action": {"mapping"}, "mapping.sales_income": {"Product Sales"}}, "/settings?done=settings"},
		} {
			rec := a.do(mode, "en", http.MethodPost, booksPath(mode, c.path), c.form)
			base := strings.TrimSuffix(booksPath(mode, "/"), "/")
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != base+c.location {
				t.Errorf("%s POST %s %v: %d to %q, want 303 to %q", mode, c.path, c.form, rec.Code, rec.Header().Get("Location"), base+c.location)
			}
		}
		actor := "user:kim@example.com"
		if mode == modeEmbedded {
			actor = "shopify-user:42@acme.myshopify.com"
		}
		want := []string{"retry-posting 11 by " + actor, "retry-cause 3140/not_found/SalesReceiptAdd", "retry-all", "sync", "save-schedule daily 06:30", "save-mapping"}
		if got := a.books.callList(); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: calls %q, want %q", mode, got, want)
		}
		// The re-sync, when the server cannot do it, says so plainly (503) and keeps the dates.
		a.books.set(func(b *fakeBooks) { b.unavailable = true })
		rec := a.do(mode, "en", http.MethodPost, booksPath(mode, "/resync"), url.Values{"from": {"2026-11-01"}, "to": {"2026-11-02"}})
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), a.h.cat.localizer("en", "").T("ui.books.resync.unavailable")) ||
			!strings.Contains(rec.Body.String(), `value="2026-11-01"`) {
			t.Errorf("%s: unavailable re-sync: %d\n%.2000s", mode, rec.Code, rec.Body.String())
		}
	}
	// A standalone form without the CSRF token is refused before the service sees it.
	a := newTestApp(t)
	a.wiz.set(started)
	rec := a.do(modeStandalone, "en", http.MethodPost, "/console/shops/1/retry", url.Values{"action": {"all"}, "csrf_token": {"forged"}})
	if rec.Code != http.StatusForbidden || len(a.books.callList()) != 0 {
		t.Errorf("forged retry: %d, calls %v", rec.Code, a.books.callList())
	}
}

func TestBooksRoutingAndDownloads(t *testing.T) {
	a := newTestApp(t)
	// Before the start the home is the wizard, and the books pages send there.
	for _, mode := range []string{modeStandalone, modeEmbedded} {
		for _, p := range []string{"/", "/orders", "/reconciliation", "/settings"} {
			rec := a.do(mode, "en", http.MethodGet, booksPath(mode, p), nil)
			if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "/setup/") {
				t.Errorf("%s %s before the start: %d %q", mode, p, rec.Code, rec.Header().Get("Location"))
			}
		}
	}
	a.wiz.set(started)
	// Another shop's pages do not exist for this user.
	if rec := a.do(modeStandalone, "en", http.MethodGet, "/console/shops/2/reconciliation", nil); rec.Code != http.StatusNotFound {
		t.Errorf("other shop: %d", rec.Code)
	}
	// The review page of a started shop leads to the dashboard; the shop list too.
	if rec := a.do(modeStandalone, "en", http.MethodGet, "/console/shops/1/setup/review", nil); !strings.Contains(rec.Body.String(), `id="to-dashboard"`) {
		t.Error("the started review page has no way to the dashboard")
	}
	if rec := a.do(modeStandalone, "en", http.MethodGet, "/console/", nil); !strings.Contains(rec.Body.String(), `href="/console/shops/1/"`) {
		t.Error("the shop list does not lead to the started shop's dashboard")
	}
	// The progress poll answers the card alone.
	for _, mode := range []string{modeStandalone, modeEmbedded} {
		a.books.set(func(b *fakeBooks) { b.scenario = "running" })
		rec := a.do(mode, "ko", http.MethodGet, booksPath(mode, "/progress"), nil)
		body := rec.Body.String()
		if rec.Code != 200 || strings.Contains(body, "<html") || !strings.Contains(body, `value="1234"`) || !strings.Contains(body, "data-announce") ||
			!strings.Contains(body, "동기화 60% 완료.") {
			t.Errorf("%s progress: %d\n%s", mode, rec.Code, body)
		}
	}
	// Every table downloads as CSV, named with the shop, table and days.
	for _, table := range []string{"days", "categories", "payouts", "series"} {
		rec := a.do(modeStandalone, "en", http.MethodGet, "/console/shops/1/reconciliation.csv?table="+table+"&from=2026-11-26&to=2026-12-02", nil)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
			rec.Header().Get("Content-Disposition") != `attachment; filename="shopqb-acme.myshopify.com-`+table+`-2026-11-26-2026-12-02.csv"` ||
			!strings.HasPrefix(rec.Body.String(), "day,category,") {
			t.Errorf("csv %s: %d %q %q", table, rec.Code, rec.Header().Get("Content-Disposition"), rec.Body.String())
		}
	}
	if rec := a.do(modeStandalone, "en", http.MethodGet, "/console/shops/1/reconciliation.csv?table=secrets", nil); rec.Code != 404 {
		t.Errorf("unknown table: %d", rec.Code)
	}
	_ = time.Now
}

func TestBooksCatalog(t *testing.T) {
	a := newTestApp(t)
	for _, id := range booksIDs() {
		for _, lang := range []string{"en", "ko"} {
			if !a.h.cat.has(lang, id) {
				t.Errorf("the service's %s is missing from %s", id, lang)
			}
		}
	}
	// The dynamic IDs the pages build from states, runs, triggers and lights.
	for _, p := range []string{"ui.books.state.", "ui.books.run.", "ui.books.health.", "ui.books.locked."} {
		n := 0
		for id := range a.h.cat.ids["en"] {
			if strings.HasPrefix(id, p) {
				n++
			}
		}
		if n < 3 {
			t.Errorf("only %d IDs under %s", n, p)
		}
	}
}
