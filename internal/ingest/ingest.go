// Package ingest is shopqb's reading-and-planning pipeline: it reads a
// shop's Shopify data into immutable snapshots, chooses what must be planned
// again, asks the planner for postings in chunks, and commits each chunk's
// postings together with the name map and, with the last chunk, the read
// watermarks, in one transaction (store.CommitPlan). The outbox and the Web
// Connector session that drain those postings are internal/syncengine's.
//
// Only one pipeline run per shop happens at a time, across every shopqb
// process on the database: each run holds the shop's sync lease
// (store.AcquireSyncLease) from its first read to its last commit.
package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
)

// Source reads what a sync needs from one shop. The Admin GraphQL client
// implements it (internal/app); tests may use the simulator behind the same
// client, or a fake.
type Source interface {
	// Orders calls fn for every order updated in [from, to].
	Orders(ctx context.Context, from, to time.Time, fn func(*shopify.Order) error) error
	// Order reads one complete order by GID: what a webhook names.
	Order(ctx context.Context, gid string) (*shopify.Order, error)
	// Payouts calls fn for every Shopify Payments payout issued in [from, to], with its balance transactions.
	Payouts(ctx context.Context, from, to time.Time, fn func(*shopify.Payout) error) error
	// Variants calls fn for every product variant with its inventory item's unit cost.
	Variants(ctx context.Context, fn func(*shopify.ProductVariant) error) error
	// PurchaseOrders calls fn for every purchase order: Shopify's native ones
	// and, when the shop has a Stocky key, Stocky's. A source that cannot be
	// read returns a *SourceWarning, and the sync goes on without it.
	PurchaseOrders(ctx context.Context, fn func(*shopify.PurchaseOrder) error) error
}

// SourceWarning is a part of the shop that could not be read, with what to do
// about it; the rest of the sync goes on.
type SourceWarning struct{ Message string }

func (w *SourceWarning) Error() string { return w.Message }

// SourceFactory opens the Shopify source of a shop (decrypting its token).
type SourceFactory func(ctx context.Context, shop *shopqb.Shop) (Source, error)

// Service is the pipeline. Its zero value is not usable; use New.
type Service struct {
	store  store.API
	source SourceFactory
	log    *slog.Logger
	now    func() time.Time
	// holder names this process in the sync lease log.
	holder string

	// LeaseTTL is how long a sync lease lasts unrenewed on SQLite (a
	// process that died holds its shops that long); it is renewed every
	// third of it while the sync runs.
	LeaseTTL time.Duration
	// LeaseRetry is how often a run waiting for another's lease asks again.
	LeaseRetry time.Duration
	// planChunk and payoutChunk, when set (tests), replace the constants
	// of those names: about how many orders, and how many balance
	// transactions of payouts, one planner call sees.
	planChunk, payoutChunk int
	// scanDays, when set (tests), makes a run with day postings find its
	// days by listing every stored order with its days (everyBookingOrder)
	// instead of by walking the snapshot index: the reference the index
	// walks are tested against.
	scanDays bool
	// sawCall, when set (tests), is told each planner call of orders.
	sawCall func(gids []string, days []string, more bool)
}

// Options configure New.
type Options struct {
	Store  store.API
	Source SourceFactory
	Log    *slog.Logger
	// Now is the clock of windows and runs (tests); nil means time.Now.
	Now func() time.Time
	// Holder names this process in the sync lease log; "" means host:pid
	// with a random suffix, unique per Service.
	Holder string
}

// New returns a pipeline with production defaults.
func New(o Options) *Service {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Holder == "" {
		o.Holder = defaultHolder()
	}
	return &Service{store: o.Store, source: o.Source, log: o.Log, now: o.Now, holder: o.Holder,
		LeaseTTL: 2 * time.Minute, LeaseRetry: 250 * time.Millisecond}
}

// Store returns the pipeline's store.
func (s *Service) Store() store.API { return s.store }

func defaultHolder() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
