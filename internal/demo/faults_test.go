package demo_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/qbdsim"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
	"github.com/shopqb/shopqb/internal/testenv"
)

// world is a Shopify simulator, one or more shopqb processes on one database
// behind a proxy the Web Connector talks to, and a QuickBooks company.
type world struct {
	t       *testing.T
	dbURL   string
	keyFile string
	shopURL string
	token   string
	appTok  string
	shop    *shopqb.Shop
	company *qbdsim.Company
	wc      *qbdsim.WebConnector
	sim     *shopifysim.Sim
	// now is shopqb's clock (nil: time.Now).
	now func() time.Time

	mu    sync.Mutex
	apps  []*app.App
	next  atomic.Int64
	proxy *httptest.Server
	// killRate is the chance that the process which handled a
	// sendRequestXML dies right after answering it (mid-batch: the postings
	// are marked sent, QuickBooks is about to commit them).
	killRate float64
	rng      *rand.Rand
	kills    int
	// jobs starts River workers in every process.
	jobs bool
}

func newWorld(t *testing.T, dbURL string, processes int, orders int, seed int64) *world {
	return newWorldWith(t, worldOptions{dbURL: dbURL, processes: processes, orders: orders, seed: seed})
}

// worldOptions: a shop of orders generated over 10 days from 2026-10-01
// (New York); now, when set, is the clock of both Shopify and shopqb
// (otherwise Shopify's clock stands on 2026-10-13 and shopqb's is real).
type worldOptions struct {
	dbURL     string
	processes int
	orders    int
	seed      int64
	now       func() time.Time
	settings  func(*shopqb.Settings)
	// jobs starts River workers in every process.
	jobs bool
}

// newWorldWithJobs is newWorld with River workers in every process when jobs.
func newWorldWithJobs(t *testing.T, dbURL string, processes int, orders int, seed int64, jobs bool) *world {
	return newWorldWith(t, worldOptions{dbURL: dbURL, processes: processes, orders: orders, seed: seed, jobs: jobs})
}

func newWorldWith(t *testing.T, o worldOptions) *world {
	t.Helper()
	w := &world{t: t, dbURL: o.dbURL, keyFile: filepath.Join(t.TempDir(), "key"), rng: rand.New(rand.NewSource(o.seed)), now: o.now, jobs: o.jobs}
	loc, _ := time.LoadLocation("America/New_York")
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, loc)
	w.token = "shpat_test"
	simNow := o.now
	if simNow == nil {
		simNow = func() time.Time { return start.AddDate(0, 0, 12) }
	}
	processes, orders, seed := o.processes, o.orders, o.seed
	sim, err := shopifysim.New(shopifysim.Options{
		SchemaDir: filepath.Join(testenv.SharedDir(t), "shopify"),
		Shop:      shopifysim.Shop{Domain: "faults.myshopify.com", Name: "Faults", Currency: "USD", Timezone: loc.String()},
		Seed:      seed, Orders: orders, Days: 10, Start: start, AccessToken: w.token,
		Bucket: shopifysim.BucketOptions{MaximumAvailable: 1e9, RestoreRate: 1e9},
		Now:    simNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.sim = sim
	ss := httptest.NewServer(sim.Handler())
	t.Cleanup(ss.Close)
	w.shopURL = ss.URL
	for i := 0; i < processes; i++ {
		w.apps = append(w.apps, w.open())
	}
	w.proxy = httptest.NewServer(http.HandlerFunc(w.route))
	t.Cleanup(w.proxy.Close)
	t.Cleanup(func() {
		for _, a := range w.apps {
			a.Close(context.Background())
		}
	})

	ctx := context.Background()
	a := w.apps[0]
	settings := shopqb.DefaultSettings()
	settings.StartDate = start.Format("2006-01-02")
	if o.settings != nil {
		o.settings(&settings)
	}
	reg, err := a.Admin.Register(ctx, shopadmin.Registration{Domain: "faults.myshopify.com", TimeZone: loc.String(),
		ShopifyAuth: shopqb.AuthStatic, ShopifyURL: ss.URL, ShopifyToken: w.token, Settings: &settings}, "test")
	if err != nil {
		t.Fatal(err)
	}
	w.shop, w.appTok = reg.Shop, reg.AppToken
	w.company = qbdsim.NewCompany(qbdsim.CompanyOptions{Edition: qbdsim.Enterprise, Name: "Faults", FilePath: `C:\QB\faults.qbw`, SalesTaxOn: true, DefaultTaxItemZeroRate: true, Inventory: true})
	w.wc = &qbdsim.WebConnector{AppURL: w.proxy.URL + "/qbwc", UserName: w.shop.QBWCUser, Password: w.appTok, Company: w.company, NoOpDelay: time.Millisecond}
	return w
}

func (w *world) open() *app.App {
	a, err := app.Open(context.Background(), app.Config{DatabaseURL: w.dbURL, Listen: "127.0.0.1:0", KeyFile: w.keyFile, Jobs: w.jobs, Log: slog.New(slog.DiscardHandler), Now: w.now})
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// route sends each call to the next process in turn; with killRate, the
// process that answered a sendRequestXML is killed and a new one started on
// the same database.
func (w *world) route(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	i := int(w.next.Add(1)) % len(w.apps)
	a := w.apps[i]
	w.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	target, _ := url.Parse(a.URL)
	httputil.NewSingleHostReverseProxy(target).ServeHTTP(rw, r)
	if w.killRate > 0 && strings.Contains(string(body), "sendRequestXML") {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.rng.Float64() < w.killRate {
			w.kills++
			_ = w.apps[i].Close(context.Background())
			w.apps[i] = w.open()
		}
	}
}

func (w *world) setup() {
	ctx := context.Background()
	if _, err := w.wc.RunSession(ctx); err != nil {
		w.t.Fatalf("preflight session: %v", err)
	}
	a := w.apps[0]
	if err := a.Admin.Start(ctx, w.shop.ID, "test"); err != nil {
		w.t.Fatal(err)
	}
	if _, err := a.Ingest.Sync(ctx, w.shop.ID, "test"); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) drain(maxSessions int) {
	for i := 0; i < maxSessions; i++ {
		res, err := w.wc.RunSession(context.Background())
		if err == nil && res.AuthStatus == "none" {
			return
		}
		// Backed-off retries wait for the clock; a real Web Connector comes
		// back 15 minutes later. Make them due now.
		w.retryNow()
	}
	w.t.Fatalf("not drained after %d sessions", maxSessions)
}

func (w *world) retryNow() {
	w.mu.Lock()
	a := w.apps[0]
	w.mu.Unlock()
	ctx := context.Background()
	ps, err := a.Store.ListPostings(ctx, shopqb.PostingFilter{ShopID: w.shop.ID, States: []shopqb.PostingState{shopqb.Planned}})
	if err != nil {
		return
	}
	for _, p := range ps {
		p.NextAttempt = time.Time{}
	}
	_ = a.Store.UpdatePostings(ctx, ps)
}

func (w *world) counts() map[shopqb.PostingState]int {
	c, err := w.apps[0].Store.CountPostings(context.Background(), w.shop.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func trialBalance(c *qbdsim.Company) string {
	var lines []string
	for _, l := range c.TrialBalance() {
		lines = append(lines, fmt.Sprintf("%s %s %s", l.Account, l.Debit, l.Credit))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func txnCounts(c *qbdsim.Company) string { return fmt.Sprint(c.Report().Transactions) }

// TestFaultsGiveTheSameBooks runs a shop fault-free, then again with lost
// responses, connection errors, lock errors, a busy QuickBooks and shopqb
// killed and restarted mid-batch: the books must be identical.
func TestFaultsGiveTheSameBooks(t *testing.T) {
	orders := 1500
	if testing.Short() {
		orders = 300
	}
	clean := newWorld(t, filepath.Join(t.TempDir(), "clean.db"), 1, orders, 5)
	clean.setup()
	clean.drain(200)
	want := trialBalance(clean.company)
	if c := clean.counts(); c[shopqb.Failed]+c[shopqb.Planned]+c[shopqb.InDoubt] != 0 {
		t.Fatalf("fault-free run left %v", c)
	}

	faulty := newWorld(t, filepath.Join(t.TempDir(), "faulty.db"), 1, orders, 5)
	faulty.setup()
	faulty.company.SetFaults(qbdsim.Faults{Seed: 9, LoseResponseRate: 0.05, ConnectionErrorRate: 0.03, BusyRate: 0.03, LockErrorRate: 0.04})
	faulty.killRate = 0.05
	faulty.drain(5000)
	if c := faulty.counts(); c[shopqb.Failed]+c[shopqb.Planned]+c[shopqb.InDoubt]+c[shopqb.Sent] != 0 {
		t.Fatalf("faulty run left %v", c)
	}
	if got := trialBalance(faulty.company); got != want {
		t.Errorf("trial balance differs from the fault-free run:\n%s\nwant\n%s", got, want)
	}
	if got, w := txnCounts(faulty.company), txnCounts(clean.company); got != w {
		t.Errorf("transactions %s, fault-free %s (a duplicate or a missing posting)", got, w)
	}
	if faulty.kills == 0 {
		t.Error("no process was killed: the test did not exercise a restart")
	}
	t.Logf("%d orders; %d shopqb restarts mid-batch; books identical", orders, faulty.kills)
	_ = money.Cents(0)
}

// TestTwoProcessesOnePostgres: the Web Connector's calls alternate between two
// shopqb processes on one PostgreSQL; the books equal a single process's.
func TestTwoProcessesOnePostgres(t *testing.T) {
	url := storetest.URL(t, store.Postgres)
	one := newWorld(t, filepath.Join(t.TempDir(), "one.db"), 1, 200, 8)
	one.setup()
	one.drain(100)
	two := newWorld(t, url, 2, 200, 8)
	two.setup()
	two.drain(100)
	if got, want := trialBalance(two.company), trialBalance(one.company); got != want {
		t.Errorf("two processes:\n%s\none process:\n%s", got, want)
	}
	if got, want := txnCounts(two.company), txnCounts(one.company); got != want {
		t.Errorf("transactions %s vs %s", got, want)
	}
}

// TestResyncAndResetPostNothingTwice: a sync run again over the same dates,
// and a reset followed by a new start over the same dates, add nothing to
// QuickBooks: the outbox re-links what QuickBooks already holds.
func TestResyncAndResetPostNothingTwice(t *testing.T) {
	w := newWorld(t, filepath.Join(t.TempDir(), "reset.db"), 1, 150, 12)
	w.setup()
	w.drain(100)
	wantTB, wantTxns := trialBalance(w.company), txnCounts(w.company)
	wantLists := fmt.Sprint(w.company.Report().Lists)
	ctx := context.Background()
	a := w.apps[0]

	run, err := a.Ingest.Sync(ctx, w.shop.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	if run.Counts["postings_new"] != 0 || run.Counts["postings_updated"] != 0 {
		t.Errorf("a second sync changed the outbox: %v", run.Counts)
	}
	w.drain(20)

	archived, err := a.Admin.Reset(ctx, w.shop.ID, "test")
	if err != nil || archived == 0 {
		t.Fatalf("reset: %d archived, %v", archived, err)
	}
	if err := a.Admin.Start(ctx, w.shop.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Ingest.Sync(ctx, w.shop.ID, "test"); err != nil {
		t.Fatal(err)
	}
	w.drain(100)
	if c := w.counts(); c[shopqb.Failed]+c[shopqb.Planned]+c[shopqb.InDoubt] != 0 || c[shopqb.Done] == 0 {
		t.Errorf("after the reset: %v", c)
	}
	if got := txnCounts(w.company); got != wantTxns {
		t.Errorf("transactions after re-sync and reset %s, before %s", got, wantTxns)
	}
	if got := fmt.Sprint(w.company.Report().Lists); got != wantLists {
		t.Errorf("lists after reset %s, before %s", got, wantLists)
	}
	if got := trialBalance(w.company); got != wantTB {
		t.Errorf("trial balance changed:\n%s\nwant\n%s", got, wantTB)
	}
}
