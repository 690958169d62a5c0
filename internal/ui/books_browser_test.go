package ui_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/dashboard"
	"github.com/shopqb/shopqb/internal/qbdsim"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/testenv"
	"github.com/shopqb/shopqb/internal/ui/uitest"
	"github.com/shopqb/shopqb/internal/webauth"
)

// booksWorld is shopqb over real HTTP with the Shopify simulator, the
// simulated QuickBooks (its latency model on) and a simulated Web Connector
// that keeps visiting while the test runs, as a real one left on would.
type booksWorld struct {
	t       *testing.T
	a       *app.App
	sim     *shopifysim.Sim
	company *qbdsim.Company
	shop    *shopqb.Shop
	books   dashboard.Books
	userID  int64
	stop    func()
}

const booksDomain = "books-ui.myshopify.com"

// beforeStart runs after the preflight read the company file and before the
// start: the moment to change the company behind shopqb's back.
func newBooksWorld(t *testing.T, orders int, beforeStart func(*qbdsim.Company)) *booksWorld {
	t.Helper()
	ctx := context.Background()
	loc, _ := time.LoadLocation("America/New_York")
	today := time.Now().In(loc)
	start := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, -6)
	token := "shpat_books_ui"
	began := time.Now()
	sim, err := shopifysim.New(shopifysim.Options{
		SchemaDir: filepath.Join(testenv.SharedDir(t), "shopify"),
		Shop:      shopifysim.Shop{Domain: booksDomain, Name: "Books UI Store", Currency: "USD", Timezone: loc.String()},
		Seed:      11, Orders: orders, Days: 6, Start: start, AccessToken: token,
		Bucket: shopifysim.BucketOptions{MaximumAvailable: 20000, RestoreRate: 1000},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Shopify simulator with %d orders: %s", orders, time.Since(began).Round(time.Millisecond))
	shopifySrv := httptest.NewServer(sim.Handler())
	t.Cleanup(shopifySrv.Close)
	dir := t.TempDir()
	a, err := app.Open(ctx, app.Config{DatabaseURL: filepath.Join(dir, "shopqb.db"), Listen: "127.0.0.1:0", KeyFile: filepath.Join(dir, "k"), Jobs: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	a.Engine.RetryBase = 20 * time.Millisecond
	settings := shopqb.DefaultSettings()
	settings.StartDate = start.AddDate(0, 0, -14).Format(time.DateOnly)
	reg, err := a.Admin.Register(ctx, shopadmin.Registration{Domain: booksDomain, Name: "Books UI Store", TimeZone: loc.String(), Currency: "USD",
		ShopifyAuth: shopqb.AuthStatic, ShopifyURL: shopifySrv.URL, ShopifyToken: token, Settings: &settings}, "test")
	if err != nil {
		t.Fatal(err)
	}
	company := qbdsim.NewCompany(qbdsim.CompanyOptions{Edition: qbdsim.Enterprise, Name: "Books UI Books",
		FilePath: `C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Books UI.qbw`, SalesTaxOn: true, DefaultTaxItemZeroRate: true, Inventory: true})
	// QuickBooks' speed, really slept: a few milliseconds a request.
	company.SetFaults(qbdsim.Faults{PerRequestLatency: time.Millisecond, PerRoundTripLatency: 5 * time.Millisecond, Sleep: true})
	w := &booksWorld{t: t, a: a, sim: sim, company: company, shop: reg.Shop}
	wc := &qbdsim.WebConnector{AppURL: a.URL + "/qbwc", UserName: reg.Shop.QBWCUser, Password: reg.AppToken, Company: company, NoOpDelay: 5 * time.Millisecond}

	// The Web Connector visits until the test ends: at once while there is
	// work, every 100 ms when shopqb says there is none.
	wcCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for wcCtx.Err() == nil {
			res, err := wc.RunSession(wcCtx)
			if err != nil || res.AuthStatus == "none" || res.RoundTrips == 0 {
				select {
				case <-wcCtx.Done():
				case <-time.After(100 * time.Millisecond):
				}
			}
		}
	}()
	w.stop = func() { cancel(); wg.Wait() }
	t.Cleanup(w.stop)

	t.Logf("shopqb up and the shop registered: %s", time.Since(began).Round(time.Millisecond))
	w.waitFor("the preflight", 2*time.Minute, func() bool { _, err := a.Engine.LoadPreflight(ctx, reg.Shop.ID); return err == nil })
	t.Logf("preflight done: %s", time.Since(began).Round(time.Millisecond))
	if beforeStart != nil {
		beforeStart(company)
	}
	if err := a.Admin.Start(ctx, reg.Shop.ID, "test"); err != nil {
		t.Fatal(err)
	}
	t.Logf("started (the trial read and plan): %s", time.Since(began).Round(time.Millisecond))
	if w.shop, err = a.Store.ShopByID(ctx, reg.Shop.ID); err != nil {
		t.Fatal(err)
	}
	books, err := a.Books()
	if err != nil {
		t.Fatal(err)
	}
	w.books = books
	u, err := webauth.AddUser(ctx, a.Store, "bookkeeper@shopqb.test", "a long enough password", true, reg.Shop.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.userID = u.ID
	return w
}

func (w *booksWorld) waitFor(what string, limit time.Duration, ok func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			w.t.Fatalf("%s did not happen within %s", what, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tab logs a browser tab in with a one-time link, in the language.
func (w *booksWorld) tab(b *uitest.Browser, lang string) context.Context {
	w.t.Helper()
	ctx := b.Tab(w.t)
	uitest.SetLanguage(w.t, ctx, lang)
	link, err := w.a.Standalone.NewLoginLink(context.Background(), w.userID, w.a.URL)
	if err != nil {
		w.t.Fatal(err)
	}
	uitest.Navigating(w.t, ctx, "login link", chromedp.Navigate(link))
	return ctx
}

func (w *booksWorld) base() string { return fmt.Sprintf("%s/console/shops/%d", w.a.URL, w.shop.ID) }

// qbxml sends one request to the simulated company, as someone at the QuickBooks computer would act.
func (w *booksWorld) qbxml(body string) string {
	w.t.Helper()
	rs, err := w.company.ProcessRequest(`<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">` + body + `</QBXMLMsgsRq></QBXML>`)
	if err != nil {
		w.t.Fatal(err)
	}
	return rs
}

var (
	listIDRE  = regexp.MustCompile(`<ListID>([^<]+)</ListID>`)
	editSeqRE = regexp.MustCompile(`<EditSequence>([^<]+)</EditSequence>`)
	statusRE  = regexp.MustCompile(`statusCode="(\d+)"`)
)

// pageText is the page's visible text.
func pageText(t *testing.T, ctx context.Context) string {
	return uitest.Eval[string](t, ctx, `document.querySelector("main").innerText`)
}

// shot checks the page with axe and writes its screenshot under artifacts/screenshots/books/<lang>/.
func shot(t *testing.T, ctx context.Context, lang, name string) {
	t.Helper()
	uitest.Axe(t, ctx, "books/"+lang+"/"+name)
	uitest.Screenshot(t, ctx, filepath.Join("books", lang), name)
}

// TestBrowserBooksAgainstTheSimulators is issue 11's done-when in a real
// browser over real HTTP: a sync of 2,000 orders (SHOPQB_BOOKS_ORDERS for
// another size) with QuickBooks' latency on moves the dashboard's progress
// bar; the account the payout fees book to was deleted in QuickBooks, so
// the deposits fail with QuickBooks' 3140 and the dashboard says which
// account and what to do; once it is re-created, the retry button posts
// each exactly once and the bar ends at 100 %; the lookup shows a sale and
// its refund with their references; the reconciliation has no difference
// and its CSV equals the report; the re-sync form says plainly that
// QuickBooks already has the range. Every page is checked by axe and
// photographed in English and Korean.
func TestBrowserBooksAgainstTheSimulators(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a sync of 2,000 orders through the simulators")
	}
	began := time.Now()
	b := uitest.NewBrowser(t)
	orders := 2000
	if n, err := strconv.Atoi(os.Getenv("SHOPQB_BOOKS_ORDERS")); err == nil && n > 0 {
		orders = n
	}
	w := newBooksWorld(t, orders, func(c *qbdsim.Company) {
		// Nothing has posted yet, so QuickBooks lets the bookkeeper delete it.
		if err := c.DeleteAccount(deletedAccount); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("simulators and shopqb up, preflight done: %s", time.Since(began).Round(time.Millisecond))
	ctx := w.tab(b, "en")
	ko := w.tab(b, "ko")
	bg := context.Background()

	// The started shop's home is its dashboard; press Sync now and sample
	// the bar until the sync has settled (stopped on the failed deposits).
	uitest.Navigating(t, ctx, "dashboard", chromedp.Navigate(w.base()+"/"))
	uitest.WaitText(t, ctx, "h1", "Your books")
	uitest.Navigating(t, ctx, "sync now", chromedp.Click(chromedp.ID("sync-now")))
	samples := w.sampleBar(ctx, "the sync", func(s barSample) bool {
		if !s.Has || s.Max <= 1 || !strings.Contains(s.Text, "failed") && s.Value != s.Max {
			return false
		}
		_, ok := w.settled()
		return ok
	})
	moving := map[float64]bool{}
	for _, s := range samples {
		if s.Has && s.Value > 0 && s.Value < s.Max {
			moving[s.Value] = true
		}
	}
	// The page refreshes every 2 s, so a fast run may show one value on the
	// way; at least one strictly between 0 and the end, never going back
	// (sampleBar), and ending at 100 % after the retry is what "moving" means here.
	if len(moving) < 1 {
		t.Errorf("the bar was seen at %d values between 0 and the end (want the bar moving): %+v", len(moving), samples)
	}
	t.Logf("synced after %s", time.Since(began).Round(time.Millisecond))
	t.Logf("progress: %d samples, %d distinct values on the way, ended at %v of %v", len(samples), len(moving), samples[len(samples)-1].Value, samples[len(samples)-1].Max)
	w.failAndRecover(t, ctx, ko)
	t.Logf("failure fixed and retried after %s", time.Since(began).Round(time.Millisecond))
	uitest.Navigating(t, ctx, "dashboard", chromedp.Navigate(w.base()+"/"))
	uitest.WaitText(t, ctx, "#attention", "Nothing needs your attention")
	shot(t, ctx, "en", "01-dashboard-synced")

	// The lookup: an order with a refund, found by its name, shows both documents with their references.
	var refunded *shopify.Order
	_ = w.a.Store.EachLatestSnapshot(bg, w.shop.ID, "order", func(s *shopqb.Snapshot) error {
		var o shopify.Order
		if json.Unmarshal(s.Body, &o) == nil && refunded == nil && len(o.Refunds) > 0 && !o.Test {
			refunded = &o
		}
		return nil
	})
	if refunded == nil {
		t.Fatal("no refunded order in the shop")
	}
	ov, err := w.books.Order(bg, w.shop.ID, refunded.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	uitest.Navigating(t, ctx, "lookup", chromedp.Navigate(w.base()+"/orders"))
	uitest.Do(t, ctx, "search", chromedp.SendKeys(chromedp.ID("f-q"), refunded.Name))
	uitest.Navigating(t, ctx, "search", chromedp.Click(chromedp.ID("search-button")))
	uitest.WaitText(t, ctx, "#results", refunded.Name)
	shot(t, ctx, "en", "02-orders")
	uitest.Navigating(t, ctx, "open the order", chromedp.Click(chromedp.CSS(`#results a[href$="/orders/`+refunded.ID[strings.LastIndexByte(refunded.ID, '/')+1:]+`"]`)))
	uitest.WaitText(t, ctx, "h1", refunded.Name)
	text := pageText(t, ctx)
	refs := 0
	for _, ev := range ov.Events {
		for _, p := range ev.Postings {
			if p.RefNumber == "" || p.TxnID == "" {
				t.Errorf("%s: posting %s has no references", refunded.Name, p.Key)
			}
			if !strings.Contains(text, p.RefNumber) || !strings.Contains(text, p.TxnID) {
				t.Errorf("the order page lacks %s's Ref %s or TxnID %s", p.Key, p.RefNumber, p.TxnID)
			}
			refs++
		}
	}
	if refs < 2 || !strings.Contains(text, "Credit memo") && !strings.Contains(text, "Money paid back") && !strings.Contains(text, "Journal entry") {
		t.Errorf("the order page shows %d documents; want the sale and its refund:\n%s", refs, text)
	}
	shot(t, ctx, "en", "03-order")
	if len(ov.Payouts) > 0 {
		uitest.Navigating(t, ctx, "open the payout", chromedp.Click(chromedp.CSS(`#payouts a`)))
		uitest.WaitText(t, ctx, "#payout-difference", "equals the payout")
		shot(t, ctx, "en", "04-payout")
	}

	// The reconciliation: no difference, and each table's CSV is the report's.
	loc, _ := time.LoadLocation(w.shop.TimeZone)
	from, to := w.shop.Settings.StartDate, time.Now().In(loc).Format(time.DateOnly)
	uitest.Navigating(t, ctx, "reconciliation", chromedp.Navigate(w.base()+"/reconciliation?from="+from+"&to="+to))
	uitest.WaitText(t, ctx, "#recon-summary", "No differences")
	if n := uitest.Eval[int](t, ctx, `document.querySelectorAll("td.diff").length`); n != 0 {
		t.Errorf("%d highlighted differences", n)
	}
	if !uitest.Eval[bool](t, ctx, `!!document.querySelector("#chart svg title#chart-title") && document.querySelectorAll("#chart svg rect").length > 6`) {
		t.Error("the chart is missing")
	}
	shot(t, ctx, "en", "05-reconciliation")
	rec, err := w.books.Reconciliation(bg, w.shop.ID, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Differences != 0 {
		t.Errorf("the report has %d differences", rec.Differences)
	}
	for _, table := range []string{dashboard.TableDays, dashboard.TableCategories, dashboard.TablePayouts, dashboard.TableSeries} {
		href := uitest.Eval[string](t, ctx, `document.getElementById("csv-`+table+`").getAttribute("href")`)
		got := uitest.Eval[string](t, ctx, `fetch(`+jsString(href)+`, {credentials: "same-origin"}).then(r => r.text())`)
		var want bytes.Buffer
		if err := w.books.ReconciliationCSV(bg, w.shop.ID, from, to, table, &want); err != nil {
			t.Fatal(err)
		}
		if got != want.String() || len(got) < 20 {
			t.Errorf("CSV %s from the page differs from the report's (%d vs %d bytes)", table, len(got), want.Len())
		}
		if table == dashboard.TableCategories {
			rows, err := csv.NewReader(strings.NewReader(got)).ReadAll()
			if err != nil || len(rows) != len(rec.ByCategory)+1 {
				t.Fatalf("categories CSV: %d rows for %d categories (%v)", len(rows), len(rec.ByCategory), err)
			}
			for i, r := range rec.ByCategory {
				if rows[i+1][0] != string(r.Category) || rows[i+1][2] != r.Shopify.String() || rows[i+1][3] != r.QuickBooks.String() {
					t.Errorf("CSV row %v for %+v", rows[i+1], r)
				}
			}
		}
	}

	// The re-sync form: a complete shop re-read for a range adds nothing, and the page says so.
	uitest.Navigating(t, ctx, "dashboard", chromedp.Navigate(w.base()+"/"))
	uitest.NavigatingWithin(t, ctx, 3*time.Minute, "re-sync", chromedp.Click(chromedp.ID("resync-button")))
	uitest.WaitText(t, ctx, "#resync-result", "QuickBooks already has everything")
	shot(t, ctx, "en", "07-dashboard-resync")

	// The other pages, then everything again in Korean.
	for _, p := range []struct{ path, name, wait string }{
		{"/settings", "08-settings", "#audit"},
		{"/history", "09-history", "#history"},
		{"/console/operator", "10-operator", "#operator-shops"},
	} {
		url := w.base() + p.path
		if strings.HasPrefix(p.path, "/console/") {
			url = w.a.URL + p.path
		}
		uitest.Navigating(t, ctx, p.name, chromedp.Navigate(url))
		uitest.Do(t, ctx, p.name, chromedp.WaitVisible(chromedp.CSS(p.wait)))
		if p.name == "09-history" {
			w.checkHistory(t, ctx)
		}
		shot(t, ctx, "en", p.name)
	}
	t.Logf("English pages done after %s", time.Since(began).Round(time.Millisecond))
	for _, p := range []struct{ path, name, wait string }{
		{"/", "01-dashboard", "#health"},
		{"/orders?q=" + strings.TrimPrefix(refunded.Name, "#"), "02-orders", "#results"},
		{"/orders/" + refunded.ID[strings.LastIndexByte(refunded.ID, '/')+1:], "03-order", "#timeline"},
		{"/reconciliation?from=" + from + "&to=" + to, "05-reconciliation", "#recon-summary"},
		{"/settings", "08-settings", "#audit"},
		{"/history", "09-history", "#history"},
		{"/console/operator", "10-operator", "#operator-shops"},
	} {
		url := w.base() + p.path
		if strings.HasPrefix(p.path, "/console/") {
			url = w.a.URL + p.path
		}
		uitest.Navigating(t, ko, p.name, chromedp.Navigate(url))
		uitest.Do(t, ko, p.name, chromedp.WaitVisible(chromedp.CSS(p.wait)))
		if lang := uitest.Eval[string](t, ko, `document.documentElement.lang`); lang != "ko" {
			t.Errorf("%s: <html lang=%q>", p.name, lang)
		}
		shot(t, ko, "ko", p.name)
	}
}

func jsString(s string) string { b, _ := json.Marshal(s); return string(b) }
