package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/dashboard"
	"github.com/shopqb/shopqb/internal/setup"
	"github.com/shopqb/shopqb/internal/webauth"
)

// The pages after the start (issue 11): the dashboard with its live
// progress, the failures and their retries, the order and payout lookup,
// the reconciliation with its chart and CSV, the settings that stay
// editable, and the operator's view of every shop. Every figure and rule
// comes from dashboard.Books; these handlers only read forms and choose
// what to render.

// Page sizes of the lists after the start.
const (
	historyPerPage  = 20
	failuresPerPage = 50
	ordersPerPage   = 25
	operatorPerPage = 25
	// reconDays is the default range of the reconciliation page: the last two weeks.
	reconDays = 14
)

// navItem is one entry of the pages' navigation.
type navItem struct {
	Href, Label string
	Current     bool
	// Home marks the app's home for App Bridge's <s-app-nav> (rel="home").
	Home bool
}

// booksPage builds a page after the start: its title, the shop's currency
// and zone for money and times, and the navigation with the current entry.
// It answers (404 when the shop is unknown or not started) and returns nil
// when the page cannot be shown.
func (h *handler) booksPage(q *req, titleID, current string) (*pageData, *shopqb.Shop) {
	if h.cfg.Books == nil {
		h.notFound(q.w, q.r, q.p, q.mode)
		return nil, nil
	}
	rv, err := h.cfg.Wizard.Review(q.r.Context(), q.shopID)
	if err != nil {
		h.wizardFailed(q, err)
		return nil, nil
	}
	if rv.Started == nil || rv.Shop == nil {
		// Before the start the shop's home is the wizard.
		http.Redirect(q.w, q.r, q.base+"/setup/", http.StatusSeeOther)
		return nil, nil
	}
	loc := h.cat.localizer(q.lang, "")
	pg := h.newPage(q.mode, q.lang, q.p, loc.T(titleID))
	pg.Base = q.base
	pg.Currency, pg.TimeZone = rv.Shop.Currency, rv.Shop.TimeZone
	pg.AdminURL = adminURL(rv.Shop.Domain)
	pg.Subtitle = rv.Shop.Name
	for _, it := range []struct{ key, href, id string }{
		{"dashboard", q.base + "/", "ui.books.nav.dashboard"},
		{"orders", q.base + "/orders", "ui.books.nav.orders"},
		{"reconciliation", q.base + "/reconciliation", "ui.books.nav.reconciliation"},
		{"settings", q.base + "/settings", "ui.books.nav.settings"},
	} {
		pg.Nav = append(pg.Nav, navItem{Href: it.href, Label: loc.T(it.id), Current: it.key == current, Home: it.key == "dashboard"})
	}
	return pg, rv.Shop
}

// booksFailed answers an error from the books service: a missing record is
// 404, anything else the generic failure page (logged).
func (h *handler) booksFailed(q *req, err error) {
	if errors.Is(err, shopqb.ErrNotFound) || shopqb.ErrorCode(err) == shopqb.ENotFound {
		h.notFound(q.w, q.r, q.p, q.mode)
		return
	}
	h.fail(q.w, q.r, q.p, q.mode, err)
}

// shopHome is a shop's home: the dashboard once it is started, the wizard before.
func (h *handler) shopHome(q *req) {
	if h.cfg.Books == nil {
		h.setupHome(q)
		return
	}
	prog, err := h.cfg.Wizard.Progress(q.r.Context(), q.shopID)
	if err != nil {
		h.wizardFailed(q, err)
		return
	}
	if prog.Started == nil {
		h.setupHome(q)
		return
	}
	h.showDashboard(q, http.StatusOK, nil)
}

// flash is the outcome of an action shown on the page it returns to
// (a redirect's query, so a reload does not repeat the action).
type flash struct {
	Tone, Text string
}

func (h *handler) flashOf(q *req) *flash {
	loc := h.cat.localizer(q.lang, "")
	v := q.r.URL.Query()
	n, _ := strconv.Atoi(v.Get("n"))
	switch v.Get("done") {
	case "retried":
		return &flash{"success", loc.T("ui.books.flash.retried", "Count", n)}
	case "retry_none":
		return &flash{"info", loc.T("ui.books.flash.retry_none")}
	case "synced":
		return &flash{"success", loc.T("ui.books.flash.synced")}
	case "settings":
		return &flash{"success", loc.T("ui.books.flash.settings")}
	}
	return nil
}

// showDashboard renders the dashboard; edit adds an action's outcome (the re-sync's).
func (h *handler) showDashboard(q *req, status int, edit func(*pageData)) {
	pg, _ := h.booksPage(q, "ui.books.dashboard.title", "dashboard")
	if pg == nil {
		return
	}
	v, err := h.cfg.Books.Dashboard(q.r.Context(), q.shopID)
	if err != nil {
		h.booksFailed(q, err)
		return
	}
	pg.View = v
	pg.Extra["Flash"] = h.flashOf(q)
	today := time.Now()
	if z, err := time.LoadLocation(pg.TimeZone); err == nil {
		today = today.In(z)
	}
	pg.Extra["ResyncFrom"] = today.AddDate(0, 0, -7).Format(time.DateOnly)
	pg.Extra["ResyncTo"] = today.Format(time.DateOnly)
	if len(v.History) == historyPerPage {
		pg.Extra["HistoryMore"] = fmt.Sprintf("%s/history?cursor=%d", q.base, v.History[len(v.History)-1].ID)
	}
	if edit != nil {
		edit(pg)
	}
	h.render(q.w, q.r, status, pg, "books:dashboard")
}

// progress answers the progress card's poll: the card alone.
func (h *handler) progress(q *req) {
	if h.cfg.Books == nil {
		h.notFound(q.w, q.r, q.p, q.mode)
		return
	}
	v, err := h.cfg.Books.Progress(q.r.Context(), q.shopID)
	if err != nil {
		h.booksFailed(q, err)
		return
	}
	pg := h.newPage(q.mode, q.lang, q.p, "")
	pg.Base = q.base
	pg.View = &dashboard.DashboardView{Progress: *v}
	h.fragment(q.w, pg, "live:progress")
}

// history is the sync history a page at a time.
func (h *handler) history(q *req) {
	pg, _ := h.booksPage(q, "ui.books.history.title", "dashboard")
	if pg == nil {
		return
	}
	cursor := q.r.URL.Query().Get("cursor")
	v, err := h.cfg.Books.History(q.r.Context(), q.shopID, cursor, historyPerPage)
	if err != nil {
		h.booksFailed(q, err)
		return
	}
	pg.View = v
	if v.Next != "" {
		pg.Extra["Next"] = q.base + "/history?cursor=" + url.QueryEscape(v.Next)
	}
	if cursor != "" {
		pg.Extra["First"] = q.base + "/history"
	}
	h.render(q.w, q.r, http.StatusOK, pg, "books:history")
}

func causeOf(v url.Values) dashboard.Cause {
	return dashboard.Cause{Code: v.Get("code"), Class: v.Get("class"), Kind: v.Get("kind")}
}

// causeQuery is a cause as a URL query (the failures page's link).
func causeQuery(c dashboard.Cause) string {
	return url.Values{"code": {c.Code}, "class": {c.Class}, "kind": {c.Kind}}.Encode()
}

// failures lists every failed posting of one cause, with a retry for each.
func (h *handler) failures(q *req) {
	pg, _ := h.booksPage(q, "ui.books.failures.title", "dashboard")
	if pg == nil {
		return
	}
	ctx, qv := q.r.Context(), q.r.URL.Query()
	cause := causeOf(qv)
	d, err := h.cfg.Books.Dashboard(ctx, q.shopID)
	if err != nil {
		h.booksFailed(q, err)
		return
	}
	var group *dashboard.FailureGroup
	for i := range d.Failures {
		if d.Failures[i].Cause == cause {
			group = &d.Failures[i]
		}
	}
	if group == nil {
		// Nothing of this cause is failing (any more): back to the dashboard.
		http.Redirect(q.w, q.r, q.base+"/", http.StatusSeeOther)
		return
	}
	page, err := h.cfg.Books.FailedPostings(ctx, q.shopID, cause, qv.Get("cursor"), failuresPerPage)
	if err != nil {
		h.booksFailed(q, err)
		return
	}
	pg.View = group
	pg.Extra["Postings"] = page.Postings
	if page.Next != "" {
		pg.Extra["Next"] = q.base + "/failures?" + causeQuery(cause) + "&cursor=" + url.QueryEscape(page.Next)
	}
	h.render(q.w, q.r, http.StatusOK, pg, "books:failures")
}

// retry queues failed postings again: one (posting), one cause (code,
// class, kind) or all; then back to the dashboard, which tells how many.
func (h *handler) retry(q *req) {
	if h.cfg.Books == nil {
		h.notFound(q.w, q.r, q.p, q.mode)
		return
	}
	if err := q.r.ParseForm(); err != nil {
		http.Error(q.w, "the form could not be read", http.StatusBadRequest)
		return
	}
	ctx, f, books := q.r.Context(), q.r.PostForm, h.cfg.Books
	n := 0
	var err error
	switch f.Get("action") {
	case "posting":
		id, perr := strconv.ParseInt(f.Get("posting"), 10, 64)
		if perr != nil || id <= 0 {
			http.Error(q.w, "no posting named", http.StatusBadRequest)
			return
		}
		if err = books.RetryPosting(ctx, q.shopID, id, q.p.Actor); err == nil {
			n = 1
		} else if shopqb.ErrorCode(err) == shopqb.EConflict {
			// Not failed any more (retried from another tab): nothing to do.
			err, n = nil, 0
		}
	case "cause":
		n, err = books.RetryCause(ctx, q.shopID, causeOf(f), q.p.Actor)
	default:
		n, err = books.RetryAll(ctx, q.shopID, q.p.Actor)
	}
	if err != nil {
		h.booksFailed(q, err)
		return
	}
	done := "retried"
	if n == 0 {
		done = "retry_none"
	}
	http.Redirect(q.w, q.r, fmt.Sprintf("%s/?done=%s&n=%d#attention", q.base, done, n), http.StatusSeeOther)
}

// syncNow asks for a sync and returns to the dashboard, whose card follows it.
func (h *handler) syncNow(q *req) {
	if h.cfg.Books == nil {
		h.notFound(q.w, q.r, q.p, q.mode)
		return
	}
	if err := h.cfg.Books.SyncNow(q.r.Context(), q.shopID, q.p.Actor); err != nil {
		h.booksFailed(q, err)
		return
	}
	http.Redirect(q.w, q.r, q.base+"/?done=synced#sync", http.StatusSeeOther)
}

var dayRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// validRange checks a from..to form; the field errors are the page's.
func validRange(pg *pageData, loc *localizer, from, to string) bool {
	ok := true
	for _, f := range []struct{ name, value string }{{"from", from}, {"to", to}} {
		if _, err := time.Parse(time.DateOnly, f.value); err != nil || !dayRE.MatchString(f.value) {
			pg.addError(f.name, loc.T("ui.books.range.bad_date"))
			ok = false
		}
	}
	if ok && to < from {
		pg.addError("to", loc.T("ui.books.range.reversed"))
		ok = false
	}
	return ok
}

// resync re-reads a date range and shows what it found on the dashboard.
func (h *handler) resync(q *req) {
	if h.cfg.Books == nil {
		h.notFound(q.w, q.r, q.p, q.mode)
		return
	}
	if err := q.r.ParseForm(); err != nil {
		http.Error(q.w, "the form could not be read", http.StatusBadRequest)
		return
	}
	loc := h.cat.localizer(q.lang, "")
	from, to := strings.TrimSpace(q.r.PostFormValue("from")), strings.TrimSpace(q.r.PostFormValue("to"))
	keep := func(pg *pageData) { pg.Extra["ResyncFrom"], pg.Extra["ResyncTo"] = from, to }
	probe := h.newPage(q.mode, q.lang, q.p, "")
	if !validRange(probe, loc, from, to) {
		h.showDashboard(q, http.StatusUnprocessableEntity, func(pg *pageData) {
			keep(pg)
			pg.Errors, pg.FieldErrors = probe.Errors, probe.FieldErrors
		})
		return
	}
	v, err := h.cfg.Books.Resync(q.r.Context(), q.shopID, q.p.Actor, from, to)
	switch shopqb.ErrorCode(err) {
	case "":
		h.showDashboard(q, http.StatusOK, func(pg *pageData) { keep(pg); pg.Extra["Resync"] = v })
	case shopqb.EUnavailable:
		h.showDashboard(q, http.StatusServiceUnavailable, func(pg *pageData) {
			keep(pg)
			pg.Extra["ResyncError"] = loc.T("ui.books.resync.unavailable")
		})
	case shopqb.EInvalid:
		h.showDashboard(q, http.StatusUnprocessableEntity, func(pg *pageData) {
			keep(pg)
			pg.Extra["ResyncError"] = loc.T("ui.books.resync.invalid", "Reason", shopqb.ErrorMessage(err))
		})
	default:
		h.booksFailed(q, err)
	}
}

// orders is the order search.
func (h *handler) orders(q *req) {
	pg, _ := h.booksPage(q, "ui.books.orders.title", "orders")
	if pg == nil {
		return
	}
	qv := q.r.URL.Query()
	query := strings.TrimSpace(qv.Get("q"))
	res, err := h.cfg.Books.FindOrders(q.r.Context(), q.shopID, query, qv.Get("cursor"), ordersPerPage)
	if err != nil {
		if shopqb.ErrorCode(err) == shopqb.EInvalid {
			pg.addError("q", loc(h, q).T("ui.books.orders.bad_query"))
			pg.View = &dashboard.OrderResults{Query: query}
			h.render(q.w, q.r, http.StatusUnprocessableEntity, pg, "books:orders")
			return
		}
		h.booksFailed(q, err)
		return
	}
	pg.View = res
	if res.Next != "" {
		pg.Extra["Next"] = q.base + "/orders?" + url.Values{"q": {query}, "cursor": {res.Next}}.Encode()
	}
	h.render(q.w, q.r, http.StatusOK, pg, "books:orders")
}

func loc(h *handler, q *req) *localizer { return h.cat.localizer(q.lang, "") }

// gidNumber is the numeric tail of a Shopify GID, the pages' short form of it.
func gidNumber(gid string) string {
	if i := strings.LastIndexByte(gid, '/'); i >= 0 {
		return gid[i+1:]
	}
	return gid
}

// gidFromPath rebuilds a GID of the type from the path's number.
func gidFromPath(q *req, typ string) (string, bool) {
	num := q.r.PathValue("num")
	if _, err := strconv.ParseUint(num, 10, 64); err != nil {
		return "", false
	}
	return "gid://shopify/" + typ + "/" + num, true
}

// support reports whether the caller sees the qbXML sent (operators: the deployment's support).
func support(q *req) bool { return q.p.Operator }

// order is everything one order became in QuickBooks.
func (h *handler) order(q *req) {
	pg, _ := h.booksPage(q, "ui.books.order.title", "orders")
	if pg == nil {
		return
	}
	gid, ok := gidFromPath(q, "Order")
	if !ok {
		h.notFound(q.w, q.r, q.p, q.mode)
		return
	}
	v, err := h.cfg.Books.Order(q.r.Context(), q.shopID, gid, support(q))
	if err != nil {
		h.booksFailed(q, err)
		return
	}
	pg.View = v
	pg.Title = loc(h, q).T("ui.books.order.title_named", "Name", v.Name)
	h.render(q.w, q.r, http.StatusOK, pg, "books:order")
}

// payout is a payout with its lines, its deposit and the difference.
func (h *handler) payout(q *req) {
	pg, _ := h.booksPage(q, "ui.books.payout.title", "reconciliation")
	if pg == nil {
		return
	}
	gid, ok := gidFromPath(q, "ShopifyPaymentsPayout")
	if !ok {
		h.notFound(q.w, q.r, q.p, q.mode)
		return
	}
	v, err := h.cfg.Books.Payout(q.r.Context(), q.shopID, gid, support(q))
	if err != nil {
		h.booksFailed(q, err)
		return
	}
	pg.View = v
	pg.Title = loc(h, q).T("ui.books.payout.title_named", "ID", v.ID)
	h.pagePayoutLines(pg, q, v)
	h.render(q.w, q.r, http.StatusOK, pg, "books:payout")
}

// payoutLinesPage is how many of a payout's lines one page shows: a busy
// shop's daily payout holds hundreds of charges.
const payoutLinesPage = 50

// pagePayoutLines puts one page of the payout's lines (?at=offset) in
// Extra.Lines with links to the next page and back to the first. The lines
// are one snapshot already read whole, so an offset is as good as a cursor;
// the totals below the table stay those of the whole payout.
func (h *handler) pagePayoutLines(pg *pageData, q *req, v *dashboard.PayoutView) {
	at, err := strconv.Atoi(q.r.URL.Query().Get("at"))
	if err != nil || at < 0 || at >= len(v.Lines) {
		at = 0
	}
	end := min(at+payoutLinesPage, len(v.Lines))
	pg.Extra["Lines"] = v.Lines[at:end]
	self := q.base + "/payouts/" + gidNumber(v.GID)
	if end < len(v.Lines) {
		pg.Extra["Next"] = self + "?at=" + strconv.Itoa(end) + "#lines"
	}
	if at > 0 {
		pg.Extra["First"] = self + "#lines"
	}
	if len(v.Lines) > payoutLinesPage {
		pg.Extra["LinesShown"] = loc(h, q).T("ui.books.payout.lines_shown", "From", at+1, "To", end, "Count", len(v.Lines))
	}
}

// reconRange is the page's from..to: the query's, or the last two weeks in the shop's zone.
func reconRange(q *req, zone string) (string, string) {
	qv := q.r.URL.Query()
	from, to := strings.TrimSpace(qv.Get("from")), strings.TrimSpace(qv.Get("to"))
	now := time.Now()
	if z, err := time.LoadLocation(zone); err == nil {
		now = now.In(z)
	}
	if to == "" {
		to = now.Format(time.DateOnly)
	}
	if from == "" {
		t, err := time.Parse(time.DateOnly, to)
		if err != nil {
			t = now
		}
		from = t.AddDate(0, 0, -(reconDays - 1)).Format(time.DateOnly)
	}
	return from, to
}

// reconciliation compares Shopify with QuickBooks over a range of days.
func (h *handler) reconciliation(q *req) {
	pg, shop := h.booksPage(q, "ui.books.recon.title", "reconciliation")
	if pg == nil {
		return
	}
	from, to := reconRange(q, shop.TimeZone)
	pg.Extra["From"], pg.Extra["To"] = from, to
	if !validRange(pg, loc(h, q), from, to) {
		h.render(q.w, q.r, http.StatusUnprocessableEntity, pg, "books:recon")
		return
	}
	v, err := h.cfg.Books.Reconciliation(q.r.Context(), q.shopID, from, to)
	if err != nil {
		if shopqb.ErrorCode(err) == shopqb.EInvalid {
			pg.addError("from", loc(h, q).T("ui.books.range.too_long"))
			h.render(q.w, q.r, http.StatusUnprocessableEntity, pg, "books:recon")
			return
		}
		h.booksFailed(q, err)
		return
	}
	pg.View = v
	pg.Extra["Chart"] = buildChart(h.cat.localizer(q.lang, shop.Currency), v.Series)
	// The by-day table has a row per day and category (some 20 a day), so
	// by default it shows the rows that differ; the rows that agree are
	// one link away, and always in the CSV.
	all := q.r.URL.Query().Get("rows") == "all"
	dayRows, agreeing := v.ByDay, 0
	if !all {
		dayRows = nil
		for _, r := range v.ByDay {
			if r.Difference == 0 {
				agreeing++
				continue
			}
			dayRows = append(dayRows, r)
		}
	}
	rowsHref := func(rows string) string {
		vals := url.Values{"from": {from}, "to": {to}}
		if rows != "" {
			vals.Set("rows", rows)
		}
		return q.base + "/reconciliation?" + vals.Encode() + "#by-day"
	}
	pg.Extra["DayRows"], pg.Extra["DayRowsAgreeing"], pg.Extra["DayRowsAll"] = dayRows, agreeing, all
	pg.Extra["DayRowsAllHref"], pg.Extra["DayRowsDiffHref"] = rowsHref("all"), rowsHref("")
	csv := func(table string) string {
		return q.base + "/reconciliation.csv?" + url.Values{"table": {table}, "from": {from}, "to": {to}}.Encode()
	}
	pg.Extra["CSV"] = map[string]string{
		"days": csv(dashboard.TableDays), "categories": csv(dashboard.TableCategories),
		"payouts": csv(dashboard.TablePayouts), "series": csv(dashboard.TableSeries),
	}
	h.render(q.w, q.r, http.StatusOK, pg, "books:recon")
}

// reconciliationCSV sends one of the reconciliation's tables, the report's figures.
func (h *handler) reconciliationCSV(q *req) {
	if h.cfg.Books == nil {
		h.notFound(q.w, q.r, q.p, q.mode)
		return
	}
	rv, err := h.cfg.Wizard.Review(q.r.Context(), q.shopID)
	if err != nil || rv.Shop == nil {
		h.wizardFailed(q, fmt.Errorf("shop %d: %w", q.shopID, errors.Join(err, shopqb.ErrNotFound)))
		return
	}
	table := q.r.URL.Query().Get("table")
	switch table {
	case dashboard.TableDays, dashboard.TableCategories, dashboard.TablePayouts, dashboard.TableSeries:
	default:
		h.notFound(q.w, q.r, q.p, q.mode)
		return
	}
	from, to := reconRange(q, rv.Shop.TimeZone)
	probe := h.newPage(q.mode, q.lang, q.p, "")
	if !validRange(probe, loc(h, q), from, to) {
		http.Error(q.w, "from and to must be dates (YYYY-MM-DD), from before to", http.StatusBadRequest)
		return
	}
	// The table is written to a buffer first, so a failure is an error page, not half a file.
	var b strings.Builder
	if err := h.cfg.Books.ReconciliationCSV(q.r.Context(), q.shopID, from, to, table, &b); err != nil {
		if shopqb.ErrorCode(err) == shopqb.EInvalid {
			http.Error(q.w, shopqb.ErrorMessage(err), http.StatusBadRequest)
			return
		}
		h.booksFailed(q, err)
		return
	}
	name := fmt.Sprintf("shopqb-%s-%s-%s-%s.csv", rv.Shop.Domain, table, from, to)
	q.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	q.w.Header().Set("Content-Disposition", `attachment; filename="`+strings.NewReplacer(`"`, "", "\\", "", "\r", "", "\n", "").Replace(name)+`"`)
	q.w.Header().Set("Cache-Control", "no-store")
	_, _ = q.w.Write([]byte(b.String()))
}

// settings shows what stays editable after the start, what is locked and why, and the audit.
func (h *handler) settings(q *req) {
	pg, _ := h.booksPage(q, "ui.books.settings.title", "settings")
	if pg == nil {
		return
	}
	pg.Extra["Flash"] = h.flashOf(q)
	h.showSettings(q, pg, http.StatusOK, nil)
}

func (h *handler) showSettings(q *req, pg *pageData, status int, v *dashboard.SettingsView) {
	ctx := q.r.Context()
	if v == nil {
		var err error
		if v, err = h.cfg.Books.Settings(ctx, q.shopID); err != nil {
			h.booksFailed(q, err)
			return
		}
	}
	pg.View = v
	// The mapping's choices are the wizard's (the company file's accounts by type).
	mv, err := h.cfg.Wizard.Mapping(ctx, q.shopID)
	if err != nil {
		h.wizardFailed(q, err)
		return
	}
	rows := make([]setup.MappingRow, len(mv.Rows))
	for i, r := range mv.Rows {
		r.Error = nil
		if a, ok := v.Settings.Mapping[r.Category]; ok {
			r.Selected = a
		}
		if posted, ok := pg.Extra["Posted"].(map[shopqb.Category]string); ok {
			if a, ok := posted[r.Category]; ok {
				r.Selected = a
			}
		}
		rows[i] = r
	}
	pg.Extra["Mapping"] = rows
	manual, at := true, "07:00"
	if hhmm, ok := strings.CutPrefix(v.Settings.Schedule, "daily "); ok {
		manual, at = false, hhmm
	}
	if s, ok := pg.Extra["PostedSchedule"].(string); ok {
		manual = s == "manual"
	}
	if s, ok := pg.Extra["PostedTime"].(string); ok {
		at = s
	}
	pg.Extra["Manual"], pg.Extra["Time"] = manual, at
	h.render(q.w, q.r, status, pg, "books:settings")
}

var hhmmRE = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)

// settingsPost saves the mapping or the schedule (audited by shop administration).
func (h *handler) settingsPost(q *req) {
	pg, _ := h.booksPage(q, "ui.books.settings.title", "settings")
	if pg == nil {
		return
	}
	r := q.r
	if err := r.ParseForm(); err != nil {
		http.Error(q.w, "the form could not be read", http.StatusBadRequest)
		return
	}
	ctx, l := r.Context(), loc(h, q)
	var v *dashboard.SettingsView
	var err error
	switch r.PostFormValue("action") {
	case "schedule":
		sched := "manual"
		choice, at := r.PostFormValue("schedule"), strings.TrimSpace(r.PostFormValue("time"))
		pg.Extra["PostedSchedule"], pg.Extra["PostedTime"] = choice, at
		if choice == "daily" {
			if !hhmmRE.MatchString(at) {
				pg.addError("time", l.T("ui.books.settings.bad_time"))
				h.showSettings(q, pg, http.StatusUnprocessableEntity, nil)
				return
			}
			sched = "daily " + at
		}
		v, err = h.cfg.Books.SaveSchedule(ctx, q.shopID, q.p.Actor, sched)
	default:
		m := shopqb.Mapping{}
		for k, vs := range r.PostForm {
			if cat, ok := strings.CutPrefix(k, "mapping."); ok && len(vs) > 0 {
				m[shopqb.Category(cat)] = vs[0]
			}
		}
		pg.Extra["Posted"] = map[shopqb.Category]string(m)
		v, err = h.cfg.Books.SaveMapping(ctx, q.shopID, q.p.Actor, m)
	}
	switch shopqb.ErrorCode(err) {
	case "":
		http.Redirect(q.w, r, q.base+"/settings?done=settings", http.StatusSeeOther)
	case shopqb.EInvalid, shopqb.ELocked, shopqb.EConflict:
		// shop administration's reason is kept as it says it (English, like QuickBooks' evidence).
		pg.addError("", l.T("ui.books.settings.refused", "Reason", shopqb.ErrorMessage(err)))
		h.showSettings(q, pg, http.StatusUnprocessableEntity, v)
	default:
		h.booksFailed(q, err)
	}
}

// operator is the deployment's view of every shop's health (operators only).
func (h *handler) operator(w http.ResponseWriter, r *http.Request) {
	p := webauth.FromContext(r.Context())
	if p == nil || !p.Operator || h.cfg.Books == nil {
		h.notFound(w, r, p, modeStandalone)
		return
	}
	lang := chooseLang(p.Locale, r)
	l := h.cat.localizer(lang, "")
	qv := r.URL.Query()
	search := strings.TrimSpace(qv.Get("q"))
	page, err := h.cfg.Books.Shops(r.Context(), search, qv.Get("cursor"), operatorPerPage)
	if err != nil {
		if shopqb.ErrorCode(err) == shopqb.EInvalid {
			h.notFound(w, r, p, modeStandalone)
			return
		}
		h.fail(w, r, p, modeStandalone, fmt.Errorf("operator view: %w", err))
		return
	}
	pg := h.newPage(modeStandalone, lang, p, l.T("ui.books.operator.title"))
	pg.View = page
	pg.Extra["Query"] = search
	if page.Next != "" {
		pg.Extra["Next"] = "/console/operator?" + url.Values{"q": {search}, "cursor": {page.Next}}.Encode()
	}
	if qv.Get("cursor") != "" {
		pg.Extra["First"] = "/console/operator?" + url.Values{"q": {search}}.Encode()
	}
	h.render(w, r, http.StatusOK, pg, "books:operator")
}

// route is one page after the start, under a shop's base (/console/shops/{id} or /app).
type route struct {
	method, path string
	fn           func(*req)
}

func (h *handler) booksRoutes() []route {
	return []route{
		{"GET", "/progress", h.progress},
		{"GET", "/history", h.history},
		{"GET", "/failures", h.failures},
		{"POST", "/retry", h.retry},
		{"POST", "/sync", h.syncNow},
		{"POST", "/resync", h.resync},
		{"GET", "/orders", h.orders},
		{"GET", "/orders/{num}", h.order},
		{"GET", "/payouts/{num}", h.payout},
		{"GET", "/reconciliation", h.reconciliation},
		{"GET", "/reconciliation.csv", h.reconciliationCSV},
		{"GET", "/settings", h.settings},
		{"POST", "/settings", h.settingsPost},
	}
}
