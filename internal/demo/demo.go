// Package demo runs shopqb end to end with nothing installed: a simulated
// Shopify store, a simulated QuickBooks company behind a simulated Web
// Connector that speaks real SOAP over HTTP, and shopqb itself on a temporary
// SQLite file. It is `shopqb demo`, and the end-to-end test runs it.
package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/qbdsim"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
)

// Options are the demo's command-line contract (see `shopqb demo --help`).
type Options struct {
	Orders        int
	Days          int
	Seed          int64
	SalesMode     shopqb.Mode
	CustomersMode shopqb.Mode
	InventoryMode shopqb.Mode
	VendorsMode   shopqb.Mode
	Edition       string // pro, premier, enterprise
	// StartDay, when above zero, starts the books on that day of the
	// generated window (day 0 is the first day of orders), so sales before
	// it are not booked but their refunds on and after it are. Zero starts
	// two weeks before the first order, so every purchase order is booked.
	StartDay    int
	FixturesDir string
	DatabaseURL string
	ReportFile  string
	TraceDir    string
	Serve       bool
	Faults      qbdsim.Faults
	// SharedDir holds the Shopify schemas (the simulator validates against
	// them) and the qbXML XSDs (every request is checked with xmllint when
	// Validate is on).
	SharedDir string
	Validate  bool
	// MaxSessions bounds the Web Connector sessions the demo runs.
	MaxSessions int
	Out         io.Writer
	Log         *slog.Logger
}

const demoDomain = "demo-store.myshopify.com"

// demoActor is who the audit log says set the demo shop up.
const demoActor = "demo"

// Run runs the demo and returns its report. The report is also written to
// Options.ReportFile when set.
func Run(ctx context.Context, o Options) (*Report, error) {
	started := time.Now()
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.MaxSessions == 0 {
		o.MaxSessions = 2000
	}
	tmp, err := os.MkdirTemp("", "shopqb-demo-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	tracer, err := newTracer(o.TraceDir)
	if err != nil {
		return nil, err
	}

	// Shopify: the simulator, over HTTP on loopback.
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		loc = time.UTC
	}
	settings := shopqb.DefaultSettings()
	start := lastClosedDay(time.Now(), loc, settings).AddDate(0, 0, -o.Days+1)
	shopToken := "shpat_demo_" + fmt.Sprint(o.Seed)
	sim, err := shopifysim.New(shopifysim.Options{
		SchemaDir: filepath.Join(o.SharedDir, "shopify"),
		Shop:      shopifysim.Shop{Domain: demoDomain, Name: "Demo Store", Currency: "USD", Timezone: loc.String()},
		Seed:      o.Seed, Orders: o.Orders, Days: o.Days, Start: start,
		FixturesDir: o.FixturesDir,
		AccessToken: shopToken,
		// A Shopify Plus store's limits (1,000 points a second): the demo
		// measures shopqb, not a Standard plan's 100 points a second.
		Bucket: shopifysim.BucketOptions{MaximumAvailable: 20000, RestoreRate: 1000},
	})
	if err != nil {
		return nil, fmt.Errorf("start the Shopify simulator: %w", err)
	}
	shopifyURL, stopShopify, err := serve(sim.Handler())
	if err != nil {
		return nil, err
	}
	defer stopShopify()

	// shopqb on a temporary SQLite file (or --database).
	dbURL := o.DatabaseURL
	if dbURL == "" {
		dbURL = filepath.Join(tmp, "shopqb.db")
	}
	a, err := app.Open(ctx, app.Config{
		DatabaseURL: dbURL, Listen: "127.0.0.1:0", KeyFile: filepath.Join(tmp, "shopqb.key"),
		Jobs: true, Log: o.Log, ShopifyTrace: tracer.graphql, QBXMLTrace: tracer.qbxml,
	})
	if err != nil {
		return nil, fmt.Errorf("start shopqb: %w", err)
	}
	defer a.Close(context.Background())
	// A real Web Connector comes back every 15 minutes; the demo's comes back
	// at once, so retries after a lock or busy answer are due in milliseconds.
	a.Engine.RetryBase = 20 * time.Millisecond

	// Setup, done programmatically: the shop, its app token, its settings.
	// Two weeks before the first order, so the purchase orders placed to
	// stock the shop are booked too.
	settings.StartDate = start.AddDate(0, 0, -14).Format("2006-01-02")
	if o.StartDay > 0 {
		settings.StartDate = start.AddDate(0, 0, o.StartDay).Format("2006-01-02")
	}
	settings.SalesMode, settings.CustomersMode, settings.InventoryMode, settings.VendorsMode = o.SalesMode, o.CustomersMode, o.InventoryMode, o.VendorsMode
	reg, err := a.Admin.Register(ctx, shopadmin.Registration{Domain: demoDomain, Name: "Demo Store", TimeZone: loc.String(), Currency: "USD",
		ShopifyAuth: shopqb.AuthStatic, ShopifyURL: shopifyURL, ShopifyToken: shopToken, Settings: &settings}, demoActor)
	if err != nil {
		return nil, err
	}
	shop, appToken := reg.Shop, reg.AppToken

	// QuickBooks: the simulated company and Web Connector.
	company := qbdsim.NewCompany(qbdsim.CompanyOptions{
		Edition: edition(o.Edition), Name: "Demo Store Books", FilePath: `C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Demo Store.qbw`,
		SalesTaxOn: true, DefaultTaxItemZeroRate: true, Inventory: true,
	})
	var validate func(string) error
	if o.Validate {
		xmllint, err := exec.LookPath("xmllint")
		if err != nil {
			return nil, errors.New("--validate needs xmllint (Debian: apt-get install libxml2-utils)")
		}
		validate = qbdsim.XMLLintValidator(xmllint, filepath.Join(o.SharedDir, "qbxml", "13.0", "qbxmlops130.xsd"))
		company.SetXSDValidator(validate)
	}
	company.SetFaults(o.Faults)
	wc := &qbdsim.WebConnector{AppURL: a.URL + "/qbwc", UserName: shop.QBWCUser, Password: appToken, Company: company, Log: o.Log, NoOpDelay: 10 * time.Millisecond}

	rep := &Report{Version: ReportVersion, Shop: demoDomain, Options: optionsView(o, settings.StartDate)}
	// First contact: the preflight.
	if err := runSessions(ctx, wc, rep, 5, func() bool {
		_, err := a.Engine.LoadPreflight(ctx, shop.ID)
		return err == nil
	}, nil); err != nil {
		return nil, err
	}
	pre, err := a.Engine.LoadPreflight(ctx, shop.ID)
	if err != nil {
		return nil, fmt.Errorf("the Web Connector never completed the preflight: %w", err)
	}
	rep.QuickBooks = QuickBooksView{Product: pre.Product, Edition: pre.Edition, QBXMLVersion: pre.QBXMLVersion, CompanyFile: pre.CompanyFile, Problems: shopqb.StartProblemTexts(pre.Problems)}
	if err := a.Admin.Start(ctx, shop.ID, demoActor); err != nil {
		return nil, err
	}
	// "Sync now", through River like the admin API's POST /api/shops/{id}/sync.
	requested := time.Now()
	if err := a.EnqueueSync(ctx, shop.ID); err != nil {
		return nil, err
	}
	if err := waitForSync(ctx, a, shop.ID, requested); err != nil {
		return nil, err
	}
	// The Web Connector polls until shopqb answers "none": nothing left.
	waiting := func() bool {
		c, err := a.Store.CountPostings(ctx, shop.ID)
		return err == nil && c[shopqb.Planned]+c[shopqb.InDoubt] > 0
	}
	if err := runSessions(ctx, wc, rep, o.MaxSessions, nil, waiting); err != nil {
		return nil, err
	}
	if err := fillReport(ctx, rep, a, shop, sim, company); err != nil {
		return nil, err
	}
	rep.DurationMillis = time.Since(started).Milliseconds()
	if o.ReportFile != "" {
		if err := writeJSONFile(o.ReportFile, rep); err != nil {
			return nil, err
		}
	}
	printSummary(o.Out, rep)
	if o.Serve {
		if err := serveWizard(ctx, o, a, tmp, validate, func(ws *wizardShop) error {
			fmt.Fprintf(o.Out, "\nServers are up (Ctrl-C to stop):\n  Shopify simulator  %s/admin/api/2026-10/graphql.json (token %s)\n  shopqb             %s\n  Web Connector URL  %s/qbwc (user %s, app token %s)\n",
				shopifyURL, shopToken, a.URL, a.URL, shop.QBWCUser, appToken)
			if err := printConsoleLogin(ctx, o.Out, a, shop, ws.Shop); err != nil {
				return err
			}
			printWizardShop(o.Out, a, shop, ws)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func edition(s string) qbdsim.Edition {
	switch s {
	case "pro":
		return qbdsim.Pro
	case "premier":
		return qbdsim.Premier
	}
	return qbdsim.Enterprise
}

// runSessions runs Web Connector sessions until shopqb says there is nothing
// to do ("none"), until stop is true, or until max sessions. When shopqb
// says "none" while waiting reports postings held back for a retry, the
// Web Connector polls again shortly, as a real one would 15 minutes later.
func runSessions(ctx context.Context, wc *qbdsim.WebConnector, rep *Report, max int, stop, waiting func() bool) error {
	idle := 0
	for i := 0; i < max; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err := wc.RunSession(ctx)
		if err != nil {
			// A transport failure is what a lost response looks like from the
			// Web Connector's side; the next session recovers. Count it.
			rep.WebConnector.TransportErrors++
			if rep.WebConnector.TransportErrors > 1000 {
				return fmt.Errorf("web connector: %w", err)
			}
			continue
		}
		rep.WebConnector.Sessions++
		rep.WebConnector.RoundTrips += res.RoundTrips
		rep.WebConnector.Requests += res.RequestsProcessed
		rep.WebConnector.LostResponses += res.LostResponses
		rep.WebConnector.ConnectionErrors += res.ConnectionErrors
		switch res.AuthStatus {
		case "nvu":
			return errors.New("the Web Connector's app token was refused")
		case "none":
			if stop == nil {
				if waiting == nil || !waiting() {
					return nil
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(50 * time.Millisecond):
				}
				continue
			}
		}
		if stop != nil && stop() {
			return nil
		}
		if res.RoundTrips == 0 && res.ConnectionErrors == 0 {
			idle++
			if idle > 20 {
				return errors.New("the Web Connector made no progress in 20 sessions")
			}
		} else {
			idle = 0
		}
	}
	if stop != nil {
		return nil
	}
	return fmt.Errorf("the outbox was not drained after %d Web Connector sessions", max)
}

// waitForSync waits for the sync run the River job started after requested
// to finish planning (the start's check is a run of its own).
// lastClosedDay is the midnight starting the demo's last day of orders:
// the latest shop day whose summaries are due at now (its end plus the
// grace period, Settings.SummaryDue). A demo run just after midnight would
// otherwise end with yesterday's summaries held back — right for a shop,
// where late sales of the day still arrive, but a demo shows its days booked
// whole; the report lists any day held back all the same (Report.HeldBack).
func lastClosedDay(now time.Time, loc *time.Location, set shopqb.Settings) time.Time {
	t := now.In(loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, -1)
	for now.Before(set.SummaryDue(day)) {
		day = day.AddDate(0, 0, -1)
	}
	return day
}

func waitForSync(ctx context.Context, a *app.App, shopID int64, requested time.Time) error {
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		runs, err := a.Store.SyncRuns(ctx, shopID, 5)
		if err != nil {
			return err
		}
		for _, r := range runs {
			if r.StartedAt.Before(requested) || r.Status == "checked" {
				continue
			}
			switch r.Status {
			case "failed":
				return fmt.Errorf("sync failed: %s", r.Error)
			case "running":
			default:
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return errors.New("the sync job did not finish within 5 minutes")
}

// serve runs h on a loopback port.
func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// tracer writes every outgoing message to its own numbered file.
type tracer struct {
	dir string
	mu  sync.Mutex
	n   int
}

func newTracer(dir string) (*tracer, error) {
	if dir == "" {
		return &tracer{}, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--trace %s: %w", dir, err)
	}
	return &tracer{dir: dir}, nil
}

func (t *tracer) write(suffix string, body []byte) {
	if t.dir == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n++
	_ = os.WriteFile(filepath.Join(t.dir, fmt.Sprintf("%05d-%s", t.n, suffix)), body, 0o644)
}

func (t *tracer) qbxml(shopID int64, x string) { t.write("qbxml-request.xml", []byte(x)) }

func (t *tracer) graphql(op, query string, vars map[string]any) {
	version := shopify.DefaultAPIVersion
	for _, o := range shopify.Operations() {
		if o.Name == op && o.APIVersion != "" {
			version = o.APIVersion
		}
	}
	b, _ := json.MarshalIndent(map[string]any{"operationName": op, "apiVersion": version, "query": query, "variables": vars}, "", "  ")
	t.write("graphql-"+op+".json", b)
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
