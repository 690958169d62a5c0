// Package app wires shopqb's parts into a running service: storage, the
// secret box, the reading-and-planning pipeline, the Web Connector engine,
// River jobs and the HTTP server. `shopqb serve`
// and `shopqb demo` both start one; tests start it on a temporary database.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/jobs"
	"github.com/shopqb/shopqb/internal/privacy"
	"github.com/shopqb/shopqb/internal/secret"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/stocky"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/syncengine"
	"github.com/shopqb/shopqb/internal/web"
	"github.com/shopqb/shopqb/internal/webauth"
)

// Config configures an App.
type Config struct {
	// DatabaseURL is a SQLite path or a postgres:// URL ("" = ./shopqb.db).
	DatabaseURL string
	// Listen is the HTTP address, e.g. ":8080" or "127.0.0.1:0".
	Listen string
	// PublicURL is how the Web Connector and Shopify reach this server
	// (https://… in production); "" means http://<listen address>.
	PublicURL string
	// KeyFile holds the key that encrypts Shopify tokens at rest; SHOPQB_SECRET_KEY wins.
	KeyFile string
	// AdminToken protects the JSON admin API (Authorization: Bearer …); "" disables it.
	AdminToken string
	// Jobs starts River workers in this process.
	Jobs bool
	Log  *slog.Logger
	// ShopifyTrace and QBXMLTrace receive every operation sent out (the demo's --trace).
	ShopifyTrace func(op, query string, vars map[string]any)
	QBXMLTrace   func(shopID int64, xml string)
	// ShopifyHTTP is the client used for the Admin API (tests, the simulator).
	ShopifyHTTP *http.Client
	// ShopifyClock replaces the wall clock the Admin API client paces itself
	// by (the benchmark's modelled clock); nil is the wall clock.
	ShopifyClock shopify.Clock
	// ShopifyClientID and ShopifyClientSecret are this deployment's Shopify
	// app: every shop whose ShopifyAuth is "oauth" uses it, and merchants
	// install it at /shopify/install. Empty: OAuth is off.
	ShopifyClientID     string
	ShopifyClientSecret string
	// ShopifyPreviousClientSecret is the app's former client secret, still
	// accepted on session tokens while the secret is rotated.
	ShopifyPreviousClientSecret string
	// ManagedInstall lets Shopify-managed installation register shops: a
	// valid session token of a shop shopqb does not know is exchanged for
	// its offline token and the shop registered. Off, such a token gets 401
	// and shops are registered by the operator or /shopify/install.
	ManagedInstall bool
	// ShopifyScopes are asked for at install; empty means DefaultShopifyScopes.
	ShopifyScopes []string
	// ShopifyShopURL maps a shop domain to its origin during installs (the
	// simulator); nil means https://<shop>. Shops it creates keep that origin.
	ShopifyShopURL func(shop string) string
	// Now is the clock of syncs (which days are over), OAuth callbacks and
	// tokens (tests); nil means time.Now.
	Now func() time.Time
}

// App is a running shopqb.
type App struct {
	Store *store.DB
	Box   *secret.Box
	// Ingest reads Shopify and fills the outbox; Engine drains it through
	// the Web Connector.
	Ingest *ingest.Service
	Engine *syncengine.Engine
	// Admin is shop administration, the one service every front door calls.
	Admin *shopadmin.Service
	// Privacy answers Shopify's privacy and lifecycle webhooks.
	Privacy *privacy.Service
	Jobs    *jobs.Runner
	// URL is the server's base URL; the Web Connector endpoint is URL + "/qbwc".
	URL string
	// Standalone authenticates the /console pages (the deployment's users).
	Standalone *webauth.StandaloneAuth
	// Embedded authenticates the /app pages with Shopify session tokens;
	// nil when the deployment has no Shopify app.
	Embedded *webauth.EmbeddedAuth

	cfg      Config
	log      *slog.Logger
	server   *http.Server
	listener net.Listener
	serveErr chan error
}

// Open starts an App: database, engine, jobs and HTTP server.
func Open(ctx context.Context, cfg Config) (*App, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	db, err := store.Open(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	a := &App{Store: db, cfg: cfg, log: log}
	keyFile := cfg.KeyFile
	if keyFile == "" {
		keyFile = defaultKeyFile(cfg.DatabaseURL)
	}
	a.Box, err = secret.LoadBox(keyFile)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open secret key: %w", err)
	}
	a.Ingest = ingest.New(ingest.Options{Store: db, Source: a.shopifySource, Log: log, Now: cfg.Now})
	a.Engine = syncengine.New(syncengine.Options{Store: db, Log: log, Now: cfg.Now})
	a.Engine.Trace = cfg.QBXMLTrace
	a.Privacy = privacy.New(db, log)
	a.Admin = shopadmin.New(shopadmin.Options{Store: db, Box: a.Box, Pipeline: a.Ingest, EnqueueSync: a.EnqueueSync, Log: log, Now: cfg.Now})
	if err := a.openWebAuth(); err != nil {
		db.Close()
		return nil, err
	}
	if cfg.Jobs {
		a.Jobs, err = jobs.Start(ctx, db, jobs.Handlers{
			SyncTick: a.Tick,
			PayoutPoll: func(ctx context.Context, shopID int64) error {
				_, err := a.Ingest.PollPayouts(ctx, shopID)
				return ignoreNotStarted(err)
			},
			Webhook: a.handleWebhook,
			Ingest: func(ctx context.Context, shopID int64, trigger shopqb.Trigger) error {
				if trigger == "" {
					trigger = shopqb.TriggerManual
				}
				_, err := a.Ingest.Sync(ctx, shopID, trigger)
				return ignoreNotStarted(err)
			},
		}, log)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("start jobs: %w", err)
		}
	}
	if cfg.Listen != "" {
		if err := a.listen(); err != nil {
			a.Close(context.Background())
			return nil, err
		}
	}
	return a, nil
}

// payoutPollEvery is how often payouts are polled between syncs.
const payoutPollEvery = 6 * time.Hour

// ignoreNotStarted drops the refusal of a shop not started yet: a job has
// nothing to do until the start, and a retry would not change that.
func ignoreNotStarted(err error) error {
	if errors.Is(err, syncengine.ErrNotStarted) {
		return nil
	}
	return err
}

// Tick is the once-a-minute periodic job: it enqueues a sync job for each
// shop whose daily schedule is due, and a payout poll for each shop due one.
// The jobs run on whichever process takes them, one sync of a shop at a time.
func (a *App) Tick(ctx context.Context) error {
	if a.Jobs == nil {
		return errors.New("the schedule tick enqueues jobs: start the app with jobs")
	}
	var errs []error
	syncs, err := a.Ingest.DueSchedules(ctx)
	errs = append(errs, err)
	for _, id := range syncs {
		if _, err := a.Jobs.EnqueueIngest(ctx, id, shopqb.TriggerSchedule); err != nil {
			errs = append(errs, err)
		}
	}
	polls, err := a.Ingest.PayoutPollDue(ctx, payoutPollEvery)
	errs = append(errs, err)
	for _, id := range polls {
		if _, err := a.Jobs.EnqueuePayoutPoll(ctx, id); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// defaultKeyFile keeps the key next to a SQLite database, or in the working
// directory for PostgreSQL.
func defaultKeyFile(dbURL string) string {
	if dbURL == "" {
		return "shopqb.key"
	}
	if strings.HasPrefix(dbURL, "postgres://") || strings.HasPrefix(dbURL, "postgresql://") {
		return "shopqb.key"
	}
	p := strings.TrimPrefix(strings.TrimPrefix(dbURL, "sqlite:"), "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return filepath.Join(filepath.Dir(p), "shopqb.key")
}

func (a *App) listen() error {
	ln, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Listen, err)
	}
	a.listener = ln
	a.URL = a.cfg.PublicURL
	if a.URL == "" {
		a.URL = "http://" + ln.Addr().String()
	}
	a.URL = strings.TrimSuffix(a.URL, "/")
	pages, err := a.pages()
	if err != nil {
		ln.Close()
		return err
	}
	a.server = &http.Server{
		Handler: web.NewServer(web.Config{
			Engine: a.Engine, Admin: a.Admin, Store: a.Store, Log: a.log, AdminToken: a.cfg.AdminToken,
			EnqueueSync: a.EnqueueSync, Webhooks: a.webhookHandler(),
			ShopifyOAuth: a.shopifyOAuthHandler(), Pages: pages,
		}),
		ReadHeaderTimeout: 10 * time.Second,
		// The Web Connector waits while QuickBooks works; responses can be slow to arrive.
		ReadTimeout:  5 * time.Minute,
		WriteTimeout: 5 * time.Minute,
	}
	a.serveErr = make(chan error, 1)
	go func() { a.serveErr <- a.server.Serve(ln) }()
	a.log.Info("listening", "url", a.URL, "web_connector", a.URL+"/qbwc")
	return nil
}

// Wait blocks until ctx is done or the server fails.
func (a *App) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-a.serveErr:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

// EnqueueSync asks for a sync now: through River when jobs run here, else
// inline (holding the shop's sync lease either way).
func (a *App) EnqueueSync(ctx context.Context, shopID int64) error {
	if a.Jobs != nil {
		_, err := a.Jobs.EnqueueIngest(ctx, shopID, shopqb.TriggerManual)
		return err
	}
	_, err := a.Ingest.Sync(ctx, shopID, shopqb.TriggerManual)
	return err
}

// Close stops the server, the jobs and the database, waiting for work in hand.
func (a *App) Close(ctx context.Context) error {
	var errs []error
	if a.server != nil {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		errs = append(errs, a.server.Shutdown(sctx))
		cancel()
	}
	if a.Jobs != nil {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		errs = append(errs, a.Jobs.Stop(sctx))
		cancel()
	}
	if a.Store != nil {
		errs = append(errs, a.Store.Close())
	}
	return errors.Join(errs...)
}

// shopifySource opens the Admin API client for a shop.
func (a *App) shopifySource(ctx context.Context, shop *shopqb.Shop) (ingest.Source, error) {
	ts, err := a.shopifyTokenSource(ctx, shop)
	if err != nil {
		return nil, err
	}
	c, err := shopify.NewClient(shopify.ClientConfig{
		ShopDomain: shop.Domain, BaseURL: shop.ShopifyURL,
		Token: ts, Log: a.log, Trace: a.cfg.ShopifyTrace, HTTP: a.cfg.ShopifyHTTP, Clock: a.cfg.ShopifyClock,
	})
	if err != nil {
		return nil, err
	}
	return shopifySource{c: c, app: a, shop: shop}, nil
}

// shopifySource adapts the Admin API client (and Stocky) to what the engine reads.
type shopifySource struct {
	c    *shopify.Client
	app  *App
	shop *shopqb.Shop
}

// Orders reads every window, a back-fill or an incremental sync, with one
// bulk operation: its requests do not grow with the orders (a run, a few
// status polls, the download), where pages cannot: a page's requested cost
// is capped at 1,000 points, and an order with its lines, transactions and
// shipping costs about 400, so a page could hold two or three orders.
// What the bulk file cannot carry follows in batches (shopify.BulkOrders).
func (s shopifySource) Orders(ctx context.Context, from, to time.Time, fn func(*shopify.Order) error) error {
	q := shopify.OrdersQuery{UpdatedSince: from, UpdatedUntil: to}
	return s.c.BulkOrders(ctx, q, time.Second, fn)
}

func (s shopifySource) Order(ctx context.Context, gid string) (*shopify.Order, error) {
	return s.c.Order(ctx, gid)
}

func (s shopifySource) Payouts(ctx context.Context, from, to time.Time, fn func(*shopify.Payout) error) error {
	return s.c.Payouts(ctx, shopify.PayoutsQuery{IssuedSince: from, IssuedUntil: to}, time.Second, fn)
}

func (s shopifySource) Variants(ctx context.Context, fn func(*shopify.ProductVariant) error) error {
	return s.c.Products(ctx, shopify.UpdatedRange{}, func(p *shopify.Product) error {
		for i := range p.Variants {
			v := p.Variants[i]
			if v.Product == nil {
				v.Product = &shopify.ProductRef{ID: p.ID, Title: p.Title, ProductType: p.ProductType, Vendor: p.Vendor}
			}
			if err := fn(&v); err != nil {
				return err
			}
		}
		return nil
	})
}

// PurchaseOrders reads Shopify's native purchase orders, then Stocky's when
// the shop has a Stocky key. Either failing is a warning with the fix: the
// rest of the books must not wait for purchasing.
func (s shopifySource) PurchaseOrders(ctx context.Context, fn func(*shopify.PurchaseOrder) error) error {
	var warnings []string
	err := s.c.PurchaseOrders(ctx, fn)
	var denied *shopify.AccessDeniedError
	switch {
	case errors.As(err, &denied):
		warnings = append(warnings, "Shopify purchase orders were not read: "+denied.Error()+". Grant the app that scope to book purchase orders.")
	case err != nil:
		var gqlErr *shopify.GraphQLError
		if !errors.As(err, &gqlErr) {
			return err
		}
		warnings = append(warnings, "Shopify purchase orders were not read: "+err.Error())
	}
	if msg := s.stockyPurchaseOrders(ctx, fn); msg != "" {
		warnings = append(warnings, msg)
	}
	if len(warnings) > 0 {
		return &ingest.SourceWarning{Message: strings.Join(warnings, " ")}
	}
	return nil
}

// stockyPurchaseOrders reads Stocky's purchase orders when a key is stored.
// Stocky's API was retired on 2026-08-31; a key that no longer works gets a
// message pointing to the archive import instead of failing the sync.
func (s shopifySource) stockyPurchaseOrders(ctx context.Context, fn func(*shopify.PurchaseOrder) error) string {
	a := s.app
	key, err := a.Admin.OpenSecret(ctx, s.shop, shopadmin.SecretStockyKey)
	if errors.Is(err, shopqb.ErrNotFound) {
		return ""
	}
	if err != nil {
		return "Stocky: " + err.Error()
	}
	storeName := s.shop.Domain
	if v, err := a.Store.KV(ctx, s.shop.ID, shopadmin.KVStockyStore); err == nil && len(v) > 0 {
		storeName = string(v)
	}
	base := ""
	if v, err := a.Store.KV(ctx, s.shop.ID, shopadmin.KVStockyURL); err == nil {
		base = string(v)
	}
	loc, _ := time.LoadLocation(s.shop.TimeZone)
	c, err := stocky.New(stocky.Config{StoreName: storeName, APIKey: string(key), BaseURL: base, Log: a.log, Dates: stocky.DateConvention{Location: loc}})
	if err != nil {
		return "Stocky: " + err.Error()
	}
	err = c.PurchaseOrders(ctx, func(po *stocky.PurchaseOrder) error {
		spo, err := po.ToShopify("stocky", stocky.DateConvention{Location: loc})
		if err != nil {
			a.log.Warn("stocky purchase order skipped", "shop", s.shop.Domain, "err", err)
			return nil
		}
		return fn(spo)
	})
	if err != nil {
		return "Stocky purchase orders were not read: " + err.Error() + " Import a Stocky export instead: shopqb admin stocky-import --shop " + s.shop.Domain + " --dir <folder of Stocky v2 JSON>."
	}
	return ""
}
