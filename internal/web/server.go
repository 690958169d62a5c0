// Package web is shopqb's HTTP surface: the Web Connector's SOAP endpoint,
// the support page the .qwc points at, health and Prometheus metrics, the
// authenticated JSON admin API, and the merchant pages (internal/ui) mounted
// under /console/ and /app/.
package web

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbwc"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// Config is what the server serves.
type Config struct {
	// Engine serves the Web Connector and answers the preflight.
	Engine *syncengine.Engine
	// Admin is shop administration: registration, credentials, settings,
	// the start and retries, as every other front door does them.
	Admin shopqb.ShopAdmin
	// Store is what the API reads of shops, their outbox and history.
	Store shopqb.ShopReader
	Log   *slog.Logger
	// AdminToken guards /api/; empty disables the API.
	AdminToken string
	// EnqueueSync starts a sync (through River when it runs).
	EnqueueSync func(ctx context.Context, shopID int64) error
	// Webhooks receives Shopify's webhook deliveries (nil: not served).
	Webhooks http.Handler
	// ShopifyOAuth serves the app install flow under /shopify/ (install and
	// callback; nil: not served).
	ShopifyOAuth http.Handler
	// Pages are the merchant pages (internal/ui): /console/ self-hosted and
	// /app/ embedded in the Shopify admin; nil: not served.
	Pages http.Handler
}

// NewServer returns the HTTP handler of a shopqb server.
func NewServer(cfg Config) http.Handler {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s := &server{cfg: cfg}
	mux := http.NewServeMux()
	mux.Handle("/qbwc", qbwc.NewHandler(cfg.Engine, qbwc.HandlerOptions{Log: cfg.Log}))
	mux.HandleFunc("GET /support", s.support)
	if cfg.Webhooks != nil {
		mux.Handle("POST /webhooks/shopify", cfg.Webhooks)
	}
	if cfg.ShopifyOAuth != nil {
		mux.Handle("GET /shopify/", cfg.ShopifyOAuth)
	}
	if cfg.Pages != nil {
		mux.Handle("/console/", cfg.Pages)
		mux.Handle("/app/", cfg.Pages)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), &outboxCollector{store: cfg.Store})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	s.routeAPI(mux)
	return mux
}

type server struct{ cfg Config }

var supportPage = template.Must(template.New("support").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>shopqb support</title></head>
<body><h1>shopqb</h1>
<p>This server syncs a Shopify store into QuickBooks Desktop through the QuickBooks Web Connector.</p>
<p>If the Web Connector shows an error, the message in its status column says what to fix. The operator of this server sees every failed posting with its fix in <code>shopqb admin status --shop &lt;your-store&gt;.myshopify.com</code> or the admin API (<code>GET /api/shops/{id}/postings?state=failed</code>).</p>
</body></html>`))

func (s *server) support(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = supportPage.Execute(w, nil)
}

// outboxCollector reports the outbox by shop and state at scrape time.
type outboxCollector struct{ store shopqb.ShopReader }

var outboxDesc = prometheus.NewDesc("shopqb_postings", "Postings in the outbox by shop and state.", []string{"shop", "state"}, nil)

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- outboxDesc }

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	if c.store == nil {
		return
	}
	ctx := context.Background()
	shops, err := c.store.ListShops(ctx)
	if err != nil {
		return
	}
	for _, s := range shops {
		counts, err := c.store.CountPostings(ctx, s.ID)
		if err != nil {
			continue
		}
		for st, n := range counts {
			ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(n), s.Domain, string(st))
		}
	}
}
