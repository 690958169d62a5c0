// Package shopifysim is a fake of the Shopify Admin GraphQL API over generated
// or fixture data. It validates every operation against Shopify's real schema,
// executes it with a general executor, charges query cost against a leaky
// bucket, refuses ungranted scopes, runs bulk operations, issues tokens, signs
// webhooks and answers the (retired) Stocky v2 API. It exists so the demo,
// the tests and a merchant's trial deployment all talk to something that
// behaves like Shopify, including the parts that make a client fail.
package shopifysim

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/shopqb/shopqb/internal/shopify"
)

// Shop describes the simulated store.
type Shop struct {
	Domain   string // e.g. "demo-store.myshopify.com"
	Name     string
	Currency string // ISO 4217, e.g. "USD"
	Timezone string // IANA zone, e.g. "America/New_York"
}

// BucketOptions sizes the cost leaky bucket. Zero values take the figures
// seen in real 2025/2026 responses: 2000 points, restoring 100 per second.
type BucketOptions struct {
	MaximumAvailable float64
	RestoreRate      float64
}

// Options configures a simulator.
type Options struct {
	// SchemaDir holds admin_<version>.graphql.gz files; required, because a
	// simulator that cannot validate would accept what Shopify rejects.
	SchemaDir string
	Shop      Shop

	// Generator: Orders orders spread over Days days starting at Start,
	// entirely determined by Seed.
	Seed   int64
	Orders int
	Days   int
	Start  time.Time

	// FixturesDir optionally replaces or extends generated objects; see FIXTURES.md.
	FixturesDir string

	// AccessToken is a static admin token accepted in X-Shopify-Access-Token.
	AccessToken string
	// ClientID and ClientSecret identify the app at the token endpoint and key
	// the OAuth callback HMAC.
	ClientID, ClientSecret string
	// Scopes granted to every token; nil grants every scope the simulator knows.
	Scopes []string

	Bucket BucketOptions

	// WebhookURL receives signed deliveries for AddOrder/UpdateOrder;
	// WebhookSecret keys their HMAC (the app's client secret when empty).
	WebhookURL, WebhookSecret string

	// StockyAPIKey is the key the Stocky v2 endpoints accept; StockyRetired
	// makes them answer the way a retired API does (HTTP 410).
	StockyAPIKey  string
	StockyRetired bool

	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Sim is a running simulator. All methods are safe for concurrent use.
type Sim struct {
	opts    Options
	now     func() time.Time
	schemas *schemaCache

	mu       sync.Mutex
	data     *Data
	gen      *orderGen // nil when the documents were not generated
	trees    *trees    // nil: rebuild from data on next use
	bucket   *bucket
	tokens   map[string]issuedToken
	refresh  map[string]issuedToken
	codes    map[string]time.Time
	bulkOps  []*bulkOperation
	webhooks []Delivery
	pending  []pendingWebhook
	nextID   int64
	// onMadeUp, when set (tests), hears of every non-null field the
	// executor had to make a zero value up for, as the data held none.
	onMadeUp func(typeName, field string)

	stats        Stats
	modelledWait time.Duration
}

// New builds the data (generated, then fixtures applied) and the handler state.
func New(opts Options) (*Sim, error) {
	if opts.SchemaDir == "" {
		return nil, errors.New("shopifysim: Options.SchemaDir is required (folder with admin_<version>.graphql.gz)")
	}
	if st, err := os.Stat(opts.SchemaDir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("shopifysim: schema folder %q is not readable: %v", opts.SchemaDir, err)
	}
	if opts.Shop.Domain == "" {
		opts.Shop.Domain = "demo-store.myshopify.com"
	}
	if opts.Shop.Name == "" {
		opts.Shop.Name = "Demo Store"
	}
	if opts.Shop.Currency == "" {
		opts.Shop.Currency = "USD"
	}
	if opts.Shop.Timezone == "" {
		opts.Shop.Timezone = "America/New_York"
	}
	loc, err := time.LoadLocation(opts.Shop.Timezone)
	if err != nil {
		return nil, fmt.Errorf("shopifysim: shop time zone %q: %w", opts.Shop.Timezone, err)
	}
	if opts.Days <= 0 {
		opts.Days = 7
	}
	if opts.Orders < 0 {
		return nil, fmt.Errorf("shopifysim: Orders must not be negative, got %d", opts.Orders)
	}
	if opts.Start.IsZero() {
		opts.Start = time.Date(2026, 11, 1, 0, 0, 0, 0, loc)
	}
	if opts.Bucket.MaximumAvailable <= 0 {
		opts.Bucket.MaximumAvailable = 2000
	}
	if opts.Bucket.RestoreRate <= 0 {
		opts.Bucket.RestoreRate = 100
	}
	if opts.WebhookSecret == "" {
		opts.WebhookSecret = opts.ClientSecret
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	data, gen := generate(GeneratorOptions{
		Seed: opts.Seed, Orders: opts.Orders, Days: opts.Days, Start: opts.Start.In(loc),
		Shop: opts.Shop,
	})
	if opts.FixturesDir != "" {
		if err := applyFixtures(data, opts.FixturesDir); err != nil {
			return nil, err
		}
	}
	s := &Sim{
		opts:    opts,
		now:     now,
		schemas: newSchemaCache(opts.SchemaDir),
		data:    data,
		gen:     gen,
		tokens:  map[string]issuedToken{},
		refresh: map[string]issuedToken{},
		codes:   map[string]time.Time{},
		nextID:  1 << 40,
	}
	s.bucket = newBucket(opts.Bucket.MaximumAvailable, opts.Bucket.RestoreRate, now())
	// Build the served documents now rather than on the first request: for
	// a large shop that takes seconds, and a client's first call would
	// otherwise wait (and perhaps time out) for it.
	if _, err := s.treesLocked(); err != nil {
		return nil, fmt.Errorf("shopifysim: %w", err)
	}
	return s, nil
}

// Handler serves the Admin API paths: /admin/api/{version}/graphql.json,
// /admin/oauth/authorize, /admin/oauth/access_token, /bulk/{id}.jsonl and the
// Stocky /api/v2/* endpoints.
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/api/{version}/graphql.json", s.serveGraphQL)
	mux.HandleFunc("GET /admin/oauth/authorize", s.serveAuthorize)
	mux.HandleFunc("POST /admin/oauth/access_token", s.serveAccessToken)
	mux.HandleFunc("GET /bulk/{file}", s.serveBulkFile)
	mux.HandleFunc("GET /sim/stats", s.serveStats)
	mux.HandleFunc("GET /api/v2/{resource}", s.serveStocky)
	mux.HandleFunc("GET /api/v2/{resource}/{id}", s.serveStocky)
	return mux
}

// Data returns the simulator's documents. The pointer is live: change it
// only while no request is running; the next request serves the change.
func (s *Sim) Data() *Data {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trees = nil // the caller may change the documents
	return s.data
}

// Totals returns Shopify's own totals over every order and payout, the figures
// reconciliation compares QuickBooks against.
func (s *Sim) Totals() Totals {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ComputeTotals(s.data)
}

// AddOrder adds an order, stamping its id, createdAt and updatedAt when
// missing, and sends an orders/create webhook when configured. Its totals
// are served as given: run FinishOrder first on an order built by hand. A
// failed delivery is returned as an error, but the order stays added.
func (s *Sim) AddOrder(o shopify.Order) error {
	s.mu.Lock()
	if o.ID == "" {
		s.nextID++
		o.ID = fmt.Sprintf("gid://shopify/Order/%d", s.nextID)
	}
	for _, existing := range s.data.Orders {
		if existing.ID == o.ID {
			s.mu.Unlock()
			return fmt.Errorf("add order %s: an order with this id exists; use UpdateOrder", o.ID)
		}
	}
	now := s.now().UTC()
	if o.CreatedAt.IsZero() {
		o.CreatedAt = now
	}
	if o.ProcessedAt.IsZero() {
		o.ProcessedAt = o.CreatedAt
	}
	if o.UpdatedAt.IsZero() || o.UpdatedAt.Before(now) {
		o.UpdatedAt = now
	}
	if o.LegacyResourceID == "" {
		o.LegacyResourceID = gidNumber(o.ID)
	}
	s.data.Orders = append(s.data.Orders, o)
	s.trees = nil
	s.mu.Unlock()
	return s.sendWebhook("orders/create", orderWebhookPayload(o, s.opts.Shop.Currency))
}

// UpdateOrder applies change to the order with the given GID, bumps its
// updatedAt to the clock (strictly later than before, so watermarks see it)
// and sends an orders/updated webhook when configured.
func (s *Sim) UpdateOrder(id string, change func(*shopify.Order)) error {
	return s.updateOrder(id, func(o *shopify.Order) error {
		if change != nil {
			change(o)
		}
		return nil
	})
}

// updateOrder is UpdateOrder for a change that may refuse: then nothing
// changes, updatedAt stays and no webhook is sent, as for a mutation
// Shopify answers with userErrors.
func (s *Sim) updateOrder(id string, change func(*shopify.Order) error) error {
	s.mu.Lock()
	var updated *shopify.Order
	for i := range s.data.Orders {
		if s.data.Orders[i].ID == id {
			updated = &s.data.Orders[i]
			break
		}
	}
	if updated == nil {
		s.mu.Unlock()
		return fmt.Errorf("update order %s: no such order", id)
	}
	before := updated.UpdatedAt
	draft := cloneOrder(*updated)
	if err := change(&draft); err != nil {
		s.mu.Unlock()
		return err
	}
	*updated = draft
	now := s.now().UTC()
	if !now.After(before) {
		now = before.Add(time.Second)
	}
	updated.UpdatedAt = now
	s.trees = nil
	o := *updated
	s.mu.Unlock()
	return s.sendWebhook("orders/updated", orderWebhookPayload(o, s.opts.Shop.Currency))
}
