package ui_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/ui/uitest"
)

// The failure the books browser test injects: the bookkeeper deletes the
// account the mapping books payout fees to, in QuickBooks, before any
// deposit used it. The deposits naming it then get QuickBooks' 3140.
const (
	deletedAccount     = "Merchant Account Fees"
	deletedAccountType = "Expense"
)

// barSample is the dashboard's progress bar as the browser shows it.
type barSample struct {
	Value, Max float64
	Has        bool
	Text       string
}

// sampleBar reads the progress bar every half second until done says the
// sync has settled, and checks it never went back.
func (w *booksWorld) sampleBar(ctx context.Context, what string, done func(barSample) bool) []barSample {
	w.t.Helper()
	var samples []barSample
	deadline := time.Now().Add(5 * time.Minute)
	for {
		s := uitest.Eval[barSample](w.t, ctx, `(() => { const p = document.getElementById("sync-progress");
		  return {Value: p && p.hasAttribute("value") ? p.value : 0, Max: p ? p.max : 0, Has: !!(p && p.hasAttribute("value")),
		          Text: (document.getElementById("progress-live") || {innerText: ""}).innerText}; })()`)
		samples = append(samples, s)
		if done(s) {
			break
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("%s did not finish within 5 minutes; last samples %+v", what, samples[max(0, len(samples)-5):])
		}
		time.Sleep(500 * time.Millisecond)
	}
	for i, s := range samples {
		if i > 0 && s.Has && samples[i-1].Has && s.Max == samples[i-1].Max && s.Value < samples[i-1].Value {
			w.t.Errorf("%s: the bar went back from %v to %v of %v", what, samples[i-1].Value, s.Value, s.Max)
		}
	}
	return samples
}

// settled reports whether the Web Connector has posted something and
// nothing is waiting for it any more.
func (w *booksWorld) settled() (failed int, ok bool) {
	c, err := w.a.Store.CountPostings(context.Background(), w.shop.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return c[shopqb.Failed], c[shopqb.Done] > 0 && c[shopqb.Planned]+c[shopqb.Sent]+c[shopqb.InDoubt] == 0
}

// failedPostings are the shop's failed postings.
func (w *booksWorld) failedPostings() []*shopqb.Posting {
	w.t.Helper()
	ps, err := w.a.Store.ListPostings(context.Background(), shopqb.PostingFilter{ShopID: w.shop.ID, States: []shopqb.PostingState{shopqb.Failed}, Limit: 1000})
	if err != nil {
		w.t.Fatal(err)
	}
	return ps
}

var externalGUIDRE = regexp.MustCompile(`<ExternalGUID>([^<]+)</ExternalGUID>`)

// transactionsWithGUID counts, by asking the company file as any qbXML
// client would, the transactions of a kind that carry the ExternalGUID.
func (w *booksWorld) transactionsWithGUID(kind, guid string) int {
	w.t.Helper()
	txn := strings.TrimSuffix(kind, "Add")
	rs := w.qbxml(`<` + txn + `QueryRq><IncludeRetElement>TxnID</IncludeRetElement><IncludeRetElement>ExternalGUID</IncludeRetElement></` + txn + `QueryRq>`)
	n := 0
	for _, m := range externalGUIDRE.FindAllStringSubmatch(rs, -1) {
		if strings.EqualFold(m[1], guid) {
			n++
		}
	}
	return n
}

// failAndRecover is the failure half of the books test: the sync stopped on
// the deleted account; the dashboard says so plainly in both languages; the
// account is re-created in QuickBooks as the message says; the group's
// retry button posts every failed posting exactly once; the bar reaches 100 %.
func (w *booksWorld) failAndRecover(t *testing.T, en, ko context.Context) {
	failed := w.failedPostings()
	if len(failed) == 0 {
		t.Fatalf("no posting failed after %q was deleted in QuickBooks", deletedAccount)
	}
	for _, p := range failed {
		if p.ErrorCode != "3140" || !strings.Contains(p.ErrorMessage, `There is an invalid reference to QuickBooks Account "`+deletedAccount+`"`) {
			t.Errorf("posting %s failed with %s %q; want QuickBooks' 3140 naming %q", p.Key, p.ErrorCode, p.ErrorMessage, deletedAccount)
		}
	}
	t.Logf("%d postings failed on the deleted account (%s, …)", len(failed), failed[0].Key)

	uitest.Navigating(t, en, "dashboard", chromedp.Navigate(w.base()+"/"))
	uitest.WaitText(t, en, "#attention", deletedAccount)
	text := uitest.Eval[string](t, en, `document.getElementById("cause-0").innerText`)
	for _, want := range []string{"QuickBooks has no account named “" + deletedAccount + "”", "re-create the account “" + deletedAccount + "”",
		"(" + deletedAccountType + ")", "Chart of Accounts", "press Retry", "Processing fees", "Settings page"} {
		if !strings.Contains(text, want) {
			t.Errorf("the failure does not say %q:\n%s", want, text)
		}
	}
	if n := uitest.Eval[int](t, en, `document.querySelectorAll("#attention section[id^=cause-]").length`); n != 1 {
		t.Errorf("%d failure groups; want the one cause", n)
	}
	shot(t, en, "en", "06-dashboard-failure")
	uitest.Navigating(t, ko, "dashboard", chromedp.Navigate(w.base()+"/"))
	uitest.WaitText(t, ko, "#attention", deletedAccount)
	if text := uitest.Eval[string](t, ko, `document.getElementById("cause-0").innerText`); !strings.Contains(text, "계정을 같은 이름과 유형") || !strings.Contains(text, "다시 시도") {
		t.Errorf("the Korean failure lacks its fix:\n%s", text)
	}
	shot(t, ko, "ko", "06-dashboard-failure")

	// The fix the message gives first, done at the QuickBooks computer.
	rs := w.qbxml(`<AccountAddRq><AccountAdd><Name>` + deletedAccount + `</Name><AccountType>` + deletedAccountType + `</AccountType></AccountAdd></AccountAddRq>`)
	if m := statusRE.FindStringSubmatch(rs); m == nil || m[1] != "0" {
		t.Fatalf("re-creating the account: %s", rs)
	}
	uitest.Navigating(t, en, "retry", chromedp.Click(chromedp.ID("retry-cause-0")))
	samples := w.sampleBar(en, "the retry", func(s barSample) bool {
		if !s.Has || s.Max < 1 || s.Value != s.Max || !strings.Contains(s.Text, "100 %") {
			return false
		}
		_, ok := w.settled()
		return ok
	})
	last := samples[len(samples)-1]
	t.Logf("after the retry the bar ended at %v of %v", last.Value, last.Max)
	if n, ok := w.settled(); n != 0 || !ok {
		t.Fatalf("after the retry %d postings failed (settled %v)", n, ok)
	}
	for _, p := range failed {
		ps, err := w.a.Store.PostingsByID(context.Background(), w.shop.ID, []int64{p.ID})
		if err != nil || len(ps) != 1 {
			t.Fatalf("posting %s: %v", p.Key, err)
		}
		if ps[0].State != shopqb.Done || ps[0].QBID == "" {
			t.Errorf("posting %s is %s after the retry", p.Key, ps[0].State)
		}
		if n := w.transactionsWithGUID(p.Kind, p.ExternalGUID); n != 1 {
			t.Errorf("QuickBooks holds %d transactions of posting %s (ExternalGUID %s); want exactly one", n, p.Key, p.ExternalGUID)
		}
	}
	uitest.Navigating(t, en, "dashboard", chromedp.Navigate(w.base()+"/"))
	uitest.WaitText(t, en, "#attention", "Nothing needs your attention")
	shot(t, en, "en", "06-dashboard-after-retry")
	uitest.Navigating(t, ko, "dashboard", chromedp.Navigate(w.base()+"/"))
	uitest.Do(t, ko, "dashboard", chromedp.WaitVisible(chromedp.CSS("#attention")))
	if n := uitest.Eval[int](t, ko, `document.querySelectorAll("#attention section[id^=cause-]").length`); n != 0 {
		t.Errorf("the Korean dashboard still shows %d failure groups", n)
	}
	shot(t, ko, "ko", "06-dashboard-after-retry")

	// The payout whose deposit failed: now matched to the cent, its fee
	// line on the re-created account.
	for _, p := range failed {
		id, ok := strings.CutPrefix(p.Key, "payout:")
		if !ok || p.Kind != "DepositAdd" {
			continue
		}
		for _, tab := range []struct {
			ctx  context.Context
			lang string
		}{{en, "en"}, {ko, "ko"}} {
			uitest.Navigating(t, tab.ctx, "payout", chromedp.Navigate(w.base()+"/payouts/"+id))
			uitest.Do(t, tab.ctx, "payout", chromedp.WaitVisible(chromedp.ID("payout-difference")))
			text := pageText(t, tab.ctx)
			if tab.lang == "en" && !strings.Contains(text, "equals the payout") || !strings.Contains(text, deletedAccount) {
				t.Errorf("%s: the payout page of %s does not show the matched deposit with its fee on %q:\n%s", tab.lang, p.Key, deletedAccount, text)
			}
			shot(t, tab.ctx, tab.lang, "04-payout")
		}
		break
	}
}

// checkHistory reads the history page's rows against the run records: the
// start's trial, the sync now (whose orders the trial read) and the
// re-sync each show the orders they read and the postings they planned.
func (w *booksWorld) checkHistory(t *testing.T, ctx context.Context) {
	type row struct{ Trigger, Orders, Postings string }
	rows := uitest.Eval[[]row](t, ctx, `[...document.querySelectorAll("#history tbody tr")].map(r => {
	  const c = r.querySelectorAll("th, td"); return {Trigger: c[1].innerText.trim(), Orders: c[3].innerText.trim(), Postings: c[4].innerText.trim()}; })`)
	orders := 0
	if err := w.a.Store.EachLatestSnapshot(context.Background(), w.shop.ID, "order", func(*shopqb.Snapshot) error { orders++; return nil }); err != nil {
		t.Fatal(err)
	}
	seen := map[string]row{}
	for _, r := range rows {
		if _, ok := seen[r.Trigger]; !ok {
			seen[r.Trigger] = r // newest first: the latest run of each kind
		}
	}
	num := func(s string) int { n, _ := strconv.Atoi(strings.ReplaceAll(s, ",", "")); return n }
	check := func(trigger string, wantOrders func(int) bool, wantPostings func(int) bool) {
		r, ok := seen[trigger]
		if !ok {
			t.Errorf("no %q run in the history: %+v", trigger, rows)
			return
		}
		if !wantOrders(num(r.Orders)) || !wantPostings(num(r.Postings)) {
			t.Errorf("the %q run shows %s orders read and %s postings (the shop has %d orders): %+v", trigger, r.Orders, r.Postings, orders, rows)
		}
	}
	all := func(n int) bool { return n == orders }
	// The sync now plans the orders the trial read that book something
	// from the start date on: most of them, not necessarily all.
	most := func(n int) bool { return n > orders/2 && n <= orders }
	some := func(n int) bool { return n > 0 }
	none := func(n int) bool { return n == 0 }
	check("Start check", all, none) // a trial posts nothing: a dash
	check("Sync now", most, some)
	check("Re-sync of dates", some, none)
}
