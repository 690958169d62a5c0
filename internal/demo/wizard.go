package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/qbdsim"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopifysim"
)

// wizardDomain is the fresh shop `demo --serve` adds for the setup wizard:
// the demo shop itself is set up programmatically and started, so its
// wizard would only show the locked review.
const wizardDomain = "new-store.myshopify.com"

// AutoRunEvery is how often the wizard shop's simulated Web Connector
// visits. A real one on Auto-Run comes back every Every_Min minutes (15 in
// the .qwc); a person clicking through the demo should not wait that long.
var AutoRunEvery = 3 * time.Second

// wizardShop is the fresh shop and what its Web Connector needs.
type wizardShop struct {
	Shop *shopqb.Shop
	// AppToken is the shop's first app token, the password the simulated
	// Web Connector keeps using (a new token made on step 2 replaces it:
	// the page then shows the wrong-password state, as it would for real).
	AppToken string
	// QWCPath and CompanyPath are the .qwc and the company file (JSON) the
	// Web Connector works with; `shopqb sim qbd` can take over with them.
	QWCPath, CompanyPath string
	ShopifyURL           string
	stopShopify          func()
}

// addWizardShop registers a second, fresh shop (not started) with its own
// simulated Shopify store (Stocky's API retired, as it is since
// 2026-08-31) and its own QuickBooks company, saved under dir.
func addWizardShop(ctx context.Context, a *app.App, o Options, dir string) (*wizardShop, error) {
	loc, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		loc = time.UTC
	}
	today := time.Now().In(loc)
	start := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, -o.Days)
	token := "shpat_wizard_" + fmt.Sprint(o.Seed)
	sim, err := shopifysim.New(shopifysim.Options{
		SchemaDir: filepath.Join(o.SharedDir, "shopify"),
		Shop:      shopifysim.Shop{Domain: wizardDomain, Name: "New Store", Currency: "USD", Timezone: loc.String()},
		Seed:      o.Seed + 1, Orders: o.Orders, Days: o.Days, Start: start,
		AccessToken:  token,
		StockyAPIKey: "stocky-demo", StockyRetired: true,
		Bucket: shopifysim.BucketOptions{MaximumAvailable: 20000, RestoreRate: 1000},
	})
	if err != nil {
		return nil, fmt.Errorf("start the wizard shop's Shopify simulator: %w", err)
	}
	shopifyURL, stop, err := serve(sim.Handler())
	if err != nil {
		return nil, err
	}
	ws := &wizardShop{ShopifyURL: shopifyURL, stopShopify: stop}
	fail := func(err error) (*wizardShop, error) { stop(); return nil, err }
	reg, err := a.Admin.Register(ctx, shopadmin.Registration{Domain: wizardDomain, Name: "New Store", TimeZone: loc.String(), Currency: "USD",
		ShopifyAuth: shopqb.AuthStatic, ShopifyURL: shopifyURL, ShopifyToken: token}, demoActor)
	if err != nil {
		return fail(err)
	}
	ws.Shop, ws.AppToken = reg.Shop, reg.AppToken
	if err := a.Store.PutKV(ctx, ws.Shop.ID, shopadmin.KVStockyURL, []byte(shopifyURL)); err != nil {
		return fail(err)
	}
	wiz, err := a.Setup("")
	if err != nil {
		return fail(err)
	}
	qwc, name, err := wiz.QWC(ctx, ws.Shop.ID)
	if err != nil {
		return fail(err)
	}
	ws.QWCPath = filepath.Join(dir, name)
	if err := os.WriteFile(ws.QWCPath, qwc, 0o600); err != nil {
		return fail(err)
	}
	// A company ready for shopqb (sales tax on, a 0 % most common item), so
	// a person can click through every step without editing QuickBooks.
	company := qbdsim.NewCompany(qbdsim.CompanyOptions{
		Edition: edition(o.Edition), Name: "New Store Books", FilePath: `C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\New Store.qbw`,
		SalesTaxOn: true, DefaultTaxItemZeroRate: true, Inventory: true,
	})
	ws.CompanyPath = filepath.Join(dir, "new-store-company.json")
	if err := company.Save(ws.CompanyPath); err != nil {
		return fail(err)
	}
	return ws, nil
}

// autoRun is the wizard shop's Web Connector on Auto-Run: a session every
// AutoRunEvery until ctx ends, each on the company file as saved (so
// `shopqb sim qbd --company` can share it), saved again after a session
// that got in. The first visit is at once. When shopqb refuses its
// password (a new app token was made on step 2) it says so on out and
// stops, leaving the shop to the `shopqb sim qbd` the person starts with
// the new token: two Web Connectors with two passwords would make the
// page flip between states.
func (ws *wizardShop) autoRun(ctx context.Context, out io.Writer, log *slog.Logger, validate func(string) error) {
	q, err := qbdsim.ReadQWC(ws.QWCPath)
	if err != nil {
		log.Error("wizard shop: read the .qwc", "err", err)
		return
	}
	for {
		if ws.session(ctx, q, log, validate) == "nvu" {
			fmt.Fprintf(out, "\n%s New Store's Web Connector: shopqb refused its password (a new app token was made), so it stops.\n  Give it the new token: shopqb sim qbd --qwc %s --company %s --password <the new token> --every 5s\n",
				time.Now().Format(time.TimeOnly), ws.QWCPath, ws.CompanyPath)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(AutoRunEvery):
		}
	}
}

// session runs one visit and returns authenticate's answer ("" when the
// session could not run).
func (ws *wizardShop) session(ctx context.Context, q qbdsim.QWC, log *slog.Logger, validate func(string) error) string {
	company, err := qbdsim.LoadCompany(ws.CompanyPath)
	if err != nil {
		log.Error("wizard shop: load the company", "err", err)
		return ""
	}
	if validate != nil {
		company.SetXSDValidator(validate)
	}
	wc := &qbdsim.WebConnector{AppURL: q.AppURL, UserName: q.UserName, Password: ws.AppToken, Company: company,
		OwnerID: q.OwnerID, FileID: q.FileID, Log: log, NoOpDelay: 100 * time.Millisecond}
	res, err := wc.RunSession(ctx)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("wizard shop: web connector session", "err", err)
		}
		return ""
	}
	// A refused password changed nothing; saving would only race a
	// `shopqb sim qbd` that took over with the new token.
	if res.AuthStatus != "nvu" {
		if err := company.Save(ws.CompanyPath); err != nil {
			log.Error("wizard shop: save the company", "err", err)
		}
	}
	return res.AuthStatus
}

func (ws *wizardShop) close() {
	if ws != nil && ws.stopShopify != nil {
		ws.stopShopify()
	}
}

// serveWizard adds the wizard shop, starts its Web Connector, calls
// announce, and serves until ctx ends; the Web Connector has stopped when
// it returns.
func serveWizard(ctx context.Context, o Options, a *app.App, dir string, validate func(string) error, announce func(*wizardShop) error) error {
	ws, err := addWizardShop(ctx, a, o, dir)
	if err != nil {
		return err
	}
	defer ws.close()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); ws.autoRun(runCtx, o.Out, o.Log, validate) }()
	defer func() { stop(); <-done }()
	if err := announce(ws); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// printWizardShop says where each shop's pages are and how to take over
// the wizard shop's Web Connector.
func printWizardShop(out io.Writer, a *app.App, demoShop *shopqb.Shop, ws *wizardShop) {
	fmt.Fprintf(out, "  Demo Store         %s/console/shops/%d/ (set up and started by the demo)\n", a.URL, demoShop.ID)
	fmt.Fprintf(out, "  New Store          %s/console/shops/%d/setup/ (new: walk the setup wizard)\n", a.URL, ws.Shop.ID)
	fmt.Fprintf(out, "\nNew Store's simulated Web Connector visits every %s (Auto-Run) with the shop's first app token,\n", AutoRunEvery)
	fmt.Fprintf(out, "using %s and the company file %s.\n", ws.QWCPath, ws.CompanyPath)
	fmt.Fprintf(out, "If you make a new app token on step 2, the page shows the wrong-password state, as a real Web Connector\n")
	fmt.Fprintf(out, "would until it has the new password; this one then stops. Give the new token to another, in another terminal:\n")
	fmt.Fprintf(out, "  shopqb sim qbd --qwc %s --company %s --password <the new token> --every 5s\n", ws.QWCPath, ws.CompanyPath)
}
