package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/secret"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
	"github.com/shopqb/shopqb/internal/syncengine"
	"github.com/shopqb/shopqb/internal/web"
)

// These tests sit in package web_test because they drive the API through
// the real internal/app App (which imports web) for the secret endpoints.

const adminToken = "admin-token-for-tests-0123456789"

// quietShopify is a shop with nothing in it yet: every read succeeds empty,
// so a sync runs end to end through the real engine.
type quietShopify struct{}

func (quietShopify) Orders(context.Context, time.Time, time.Time, func(*shopify.Order) error) error {
	return nil
}
func (quietShopify) Payouts(context.Context, time.Time, time.Time, func(*shopify.Payout) error) error {
	return nil
}
func (quietShopify) Order(_ context.Context, gid string) (*shopify.Order, error) {
	return nil, fmt.Errorf("order %s: not found", gid)
}
func (quietShopify) Variants(context.Context, func(*shopify.ProductVariant) error) error { return nil }
func (quietShopify) PurchaseOrders(context.Context, func(*shopify.PurchaseOrder) error) error {
	return nil
}

// lockedBuffer collects the server's log lines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type fixture struct {
	t       *testing.T
	db      *store.DB
	box     *secret.Box
	app     *app.App
	handler http.Handler
	logs    *lockedBuffer
	// bodies holds every answer, except those allowed to carry a one-time
	// token, for the check that no secret ever comes back.
	bodies []string
}

// setup is what a test may change before the server is built.
type setup struct {
	web   *web.Config
	admin *shopadmin.Options
}

func newFixture(t *testing.T, edit ...func(*setup)) *fixture {
	t.Helper()
	return newFixtureReading(t, func(context.Context, *shopqb.Shop) (ingest.Source, error) { return quietShopify{}, nil }, edit...)
}

// newFixtureReading is newFixture whose engine reads Shopify through source.
func newFixtureReading(t *testing.T, source ingest.SourceFactory, edit ...func(*setup)) *fixture {
	t.Helper()
	db := storetest.Open(t, "sqlite")
	box, err := secret.OpenBox(secret.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	ing := ingest.New(ingest.Options{Store: db, Source: source})
	eng := syncengine.New(syncengine.Options{Store: db})
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	adminOpts := shopadmin.Options{Store: db, Box: box, Pipeline: ing, Log: log}
	a := &app.App{Store: db, Box: box, Ingest: ing, Engine: eng}
	cfg := web.Config{
		Engine: eng, Store: db, Log: log,
		AdminToken: adminToken, EnqueueSync: a.EnqueueSync,
	}
	for _, e := range edit {
		e(&setup{web: &cfg, admin: &adminOpts})
	}
	a.Admin = shopadmin.New(adminOpts)
	cfg.Admin = a.Admin
	return &fixture{t: t, db: db, box: box, app: a, handler: web.NewServer(cfg), logs: logs}
}

// call sends an authenticated request; body is JSON-encoded unless it is a string.
func (f *fixture) call(method, path string, body any) *httptest.ResponseRecorder {
	f.t.Helper()
	return f.send(method, path, body, "Bearer "+adminToken, false)
}

// callOnce is call for the answers that carry a token shown once.
func (f *fixture) callOnce(method, path string, body any) *httptest.ResponseRecorder {
	f.t.Helper()
	return f.send(method, path, body, "Bearer "+adminToken, true)
}

func (f *fixture) send(method, path string, body any, auth string, oneTime bool) *httptest.ResponseRecorder {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	if !oneTime {
		f.bodies = append(f.bodies, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); strings.HasPrefix(path, "/api/") && rec.Code >= 400 {
		if ct != "application/json" {
			f.t.Errorf("%s %s: error answered as %q, want application/json", method, path, ct)
		}
		var e struct {
			Error string `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == "" {
			f.t.Errorf("%s %s: error body %q is not {\"error\": …}", method, path, rec.Body)
		}
	}
	return rec
}

// want checks the status and decodes the body into out (if not nil).
func want(t *testing.T, rec *httptest.ResponseRecorder, status int, out any) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			t.Fatalf("decode %s: %v", rec.Body, err)
		}
	}
}

func errorOf(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &e)
	return e.Error
}

// noSecrets fails if any recorded answer or log line holds one of secrets.
func (f *fixture) noSecrets(secrets ...string) {
	f.t.Helper()
	logs := f.logs.String()
	for _, s := range secrets {
		for _, b := range f.bodies {
			if strings.Contains(b, s) {
				f.t.Errorf("an answer echoes a secret: %s", b)
			}
		}
		if strings.Contains(logs, s) {
			f.t.Errorf("the log holds a secret:\n%s", logs)
		}
	}
}

type created struct {
	ID                 int64  `json:"id"`
	Domain             string `json:"domain"`
	QBWCUser           string `json:"qbwcUser"`
	AppToken           string `json:"appToken"`
	ShopifyTokenStored bool   `json:"shopifyTokenStored"`
	Warning            string `json:"warning"`
}

func (f *fixture) createShop(domain, shopifyToken string) created {
	f.t.Helper()
	var c created
	rec := f.callOnce("POST", "/api/shops", map[string]string{
		"domain": domain, "name": "Shop " + domain, "timeZone": "America/Chicago", "shopifyToken": shopifyToken,
	})
	want(f.t, rec, http.StatusCreated, &c)
	return c
}

func (f *fixture) shopRecord(id int64) *shopqb.Shop {
	f.t.Helper()
	s, err := f.db.ShopByID(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

func (f *fixture) openSecret(shopID int64, domain, name string) string {
	f.t.Helper()
	ct, err := f.db.Secret(context.Background(), shopID, name)
	if err != nil {
		f.t.Fatalf("secret %s of shop %d: %v", name, shopID, err)
	}
	pt, err := f.box.Open(ct, secret.Bind(domain, name))
	if err != nil {
		f.t.Fatalf("open secret %s: %v", name, err)
	}
	return string(pt)
}

// putPreflight stores what the Web Connector's first contact would have
// recorded, with the given problems.
func (f *fixture) putPreflight(shopID int64, problems ...string) {
	f.t.Helper()
	pre := syncengine.Preflight{
		CheckedAt: "2026-11-26T10:00:00Z", Product: "QuickBooks Desktop Pro 2024", Edition: "Pro", Country: "US",
		QBXMLVersion: "13.0", SalesTaxOn: true, DefaultTax: "State Tax", DefaultRate: "6.25", Inventory: true,
		ListLimit: 14500,
	}
	for _, p := range problems {
		pre.Problems = append(pre.Problems, shopqb.NewStartProblem(shopqb.ProblemOther, shopqb.AreaQuickBooks, p))
	}
	raw, err := json.Marshal(pre)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.db.PutKV(context.Background(), shopID, "preflight", raw); err != nil {
		f.t.Fatal(err)
	}
}

// startShop sets a start date, stores a clean preflight and starts.
func (f *fixture) startShop(id int64) {
	f.t.Helper()
	want(f.t, f.call("PUT", pathOf(id, "settings"), map[string]string{"startDate": "2026-11-01"}), http.StatusOK, nil)
	f.putPreflight(id)
	want(f.t, f.call("POST", pathOf(id, "start"), nil), http.StatusOK, nil)
}

func pathOf(id int64, rest string) string {
	p := "/api/shops/" + decimal(id)
	if rest != "" {
		p += "/" + rest
	}
	return p
}

func decimal(n int64) string { return strconv.FormatInt(n, 10) }

// addPostings puts postings in a shop's outbox, the last n of them failed.
func (f *fixture) addPostings(shopID int64, prefix string, total, failed int) {
	f.t.Helper()
	ctx := context.Background()
	var ps []*shopqb.Posting
	for i := 0; i < total; i++ {
		ps = append(ps, &shopqb.Posting{
			Key: prefix + ":" + decimal(int64(i)) + ":sale", Kind: "SalesReceiptAdd", Request: "<SalesReceiptAdd/>",
			PlanHash: "h", RefNumber: prefix + decimal(int64(i)), TxnDate: "2026-11-02", State: shopqb.Planned, NextAttempt: time.Now(),
		})
	}
	if _, _, err := f.db.UpsertPostings(ctx, shopID, ps); err != nil {
		f.t.Fatal(err)
	}
	if failed == 0 {
		return
	}
	stored, err := f.db.ListPostings(ctx, shopqb.PostingFilter{ShopID: shopID})
	if err != nil {
		f.t.Fatal(err)
	}
	fail := stored[len(stored)-failed:]
	for _, p := range fail {
		p.State, p.Attempts, p.ErrorCode, p.ErrorClass, p.ErrorMessage = shopqb.Failed, 8, "3140", "fix_in_quickbooks", "There is an invalid reference to QuickBooks Account \"Sales\""
	}
	if err := f.db.UpdatePostings(ctx, fail); err != nil {
		f.t.Fatal(err)
	}
}

// every endpoint of the API, with a body where it takes one.
var endpoints = []struct{ method, path, body string }{
	{"GET", "/api/shops", ""},
	{"POST", "/api/shops", `{"domain":"x.myshopify.com","timeZone":"UTC"}`},
	{"GET", "/api/shops/1", ""},
	{"POST", "/api/shops/1/token", ""},
	{"GET", "/api/shops/1/qwc?url=https://h.example/qbwc", ""},
	{"GET", "/api/shops/1/settings", ""},
	{"PUT", "/api/shops/1/settings", `{"schedule":"daily 02:00"}`},
	{"PUT", "/api/shops/1/shopify-token", `{"token":"shpat_x"}`},
	{"PUT", "/api/shops/1/webhook-secret", `{"secret":"whsec"}`},
	{"PUT", "/api/shops/1/stocky-key", `{"key":"k"}`},
	{"GET", "/api/shops/1/preflight", ""},
	{"POST", "/api/shops/1/start", ""},
	{"POST", "/api/shops/1/sync", ""},
	{"POST", "/api/shops/1/retry", ""},
	{"GET", "/api/shops/1/runs", ""},
	{"GET", "/api/shops/1/postings", ""},
	{"GET", "/api/shops/1/audit", ""},
	{"GET", "/api/nothing-here", ""},
}

type auditLine struct{ Actor, Action, Detail string }

func (f *fixture) audit(id int64) []auditLine {
	f.t.Helper()
	var out []auditLine
	want(f.t, f.call("GET", pathOf(id, "audit"), nil), http.StatusOK, &out)
	return out
}

func hasAudit(a []auditLine, actor, action string) bool {
	for _, l := range a {
		if l.Actor == actor && l.Action == action {
			return true
		}
	}
	return false
}

type postingLine struct {
	ID        int64  `json:"id"`
	Key       string `json:"key"`
	State     string `json:"state"`
	Error     string `json:"error"`
	ErrorCode string `json:"errorCode"`
}
