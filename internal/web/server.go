// Package web is shopqb's HTTP surface: the Web Connector's SOAP endpoint,
// the support page the .qwc points at, health and Prometheus metrics, and the
// authenticated JSON admin API.
package web

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbwc"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// Config is what the server serves.
type Config struct {
	Engine *syncengine.Engine
	Store  store.API
	Log    *slog.Logger
	// AdminToken guards /api/; empty disables the API.
	AdminToken string
	// EnqueueSync starts a sync (through River when it runs).
	EnqueueSync func(ctx context.Context, shopID int64) error
	// Webhooks receives Shopify's webhook deliveries (nil: not served).
	Webhooks http.Handler
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
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), &outboxCollector{store: cfg.Store})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("GET /api/shops", s.admin(s.apiShops))
	mux.Handle("GET /api/shops/{id}", s.admin(s.apiShop))
	mux.Handle("POST /api/shops/{id}/sync", s.admin(s.apiSync))
	mux.Handle("GET /api/shops/{id}/runs", s.admin(s.apiRuns))
	mux.Handle("GET /api/shops/{id}/postings", s.admin(s.apiPostings))
	return mux
}

type server struct{ cfg Config }

var supportPage = template.Must(template.New("support").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>shopqb support</title></head>
<body><h1>shopqb</h1>
<p>This server syncs a Shopify store into QuickBooks Desktop through the QuickBooks Web Connector.</p>
<p>If the Web Connector shows an error, open the shopqb dashboard or ask the operator of this server; the message in the Web Connector's status column says what to fix.</p>
</body></html>`))

func (s *server) support(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = supportPage.Execute(w, nil)
}

// admin guards the JSON API with a bearer token compared in constant time.
func (s *server) admin(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.AdminToken == "" {
			writeError(w, http.StatusNotFound, "the admin API is disabled: start the server with --admin-token")
			return
		}
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.AdminToken)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="shopqb"`)
			writeError(w, http.StatusUnauthorized, "missing or wrong admin token")
			return
		}
		h(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func (s *server) shop(w http.ResponseWriter, r *http.Request) *shopqb.Shop {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "shop id must be a number")
		return nil
	}
	shop, err := s.cfg.Store.ShopByID(r.Context(), id)
	if errors.Is(err, shopqb.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no such shop")
		return nil
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return nil
	}
	return shop
}

type shopView struct {
	ID          int64                       `json:"id"`
	Domain      string                      `json:"domain"`
	Name        string                      `json:"name"`
	QBWCUser    string                      `json:"qbwcUser"`
	CompanyFile string                      `json:"companyFile"`
	Started     bool                        `json:"started"`
	Settings    shopqb.Settings             `json:"settings"`
	Postings    map[shopqb.PostingState]int `json:"postings,omitempty"`
}

func viewOf(s *shopqb.Shop) shopView {
	return shopView{ID: s.ID, Domain: s.Domain, Name: s.Name, QBWCUser: s.QBWCUser, CompanyFile: s.CompanyFile, Started: s.StartedAt != nil, Settings: s.Settings}
}

func (s *server) apiShops(w http.ResponseWriter, r *http.Request) {
	shops, err := s.cfg.Store.ListShops(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	out := make([]shopView, 0, len(shops))
	for _, sh := range shops {
		out = append(out, viewOf(sh))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *server) apiShop(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	v := viewOf(shop)
	v.Postings, _ = s.cfg.Store.CountPostings(r.Context(), shop.ID)
	writeJSON(w, http.StatusOK, v)
}

func (s *server) apiSync(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	if err := s.cfg.EnqueueSync(r.Context(), shop.ID); err != nil {
		writeError(w, http.StatusConflict, err.Error())
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "sync requested; the Web Connector's next poll (within 15 minutes) posts it"})
}

func (s *server) apiRuns(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	runs, err := s.cfg.Store.SyncRuns(r.Context(), shop.ID, 50)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, runs)
}

func (s *server) apiPostings(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	f := store.PostingFilter{ShopID: shop.ID, Limit: 200}
	if st := r.URL.Query().Get("state"); st != "" {
		f.States = []shopqb.PostingState{shopqb.PostingState(st)}
	}
	if after, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64); err == nil {
		f.AfterID = after
	}
	ps, err := s.cfg.Store.ListPostings(r.Context(), f)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	type postingView struct {
		ID      int64  `json:"id"`
		Key     string `json:"key"`
		Kind    string `json:"kind"`
		State   string `json:"state"`
		QBID    string `json:"qbId,omitempty"`
		Error   string `json:"error,omitempty"`
		Class   string `json:"errorClass,omitempty"`
		Attempt int    `json:"attempts"`
	}
	out := make([]postingView, 0, len(ps))
	for _, p := range ps {
		out = append(out, postingView{p.ID, p.Key, p.Kind, string(p.State), p.QBID, p.ErrorMessage, p.ErrorClass, p.Attempts})
	}
	writeJSON(w, http.StatusOK, out)
}

// outboxCollector reports the outbox by shop and state at scrape time.
type outboxCollector struct{ store store.API }

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
