// Package syncengine moves a shop's books from Shopify into QuickBooks exactly
// once. It reads Shopify into immutable snapshots, asks the planner for
// postings, keeps them in the outbox, and hands them to QuickBooks through Web
// Connector sessions (it implements qbwc.Service). Every decision that must
// survive a crash — which postings are in flight, which are in doubt — lives
// in the database, so any shopqb process can serve any call.
package syncengine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
)

// ShopifySource reads what a sync needs from one shop. The Admin GraphQL
// client implements it; tests may use the simulator behind the same client.
type ShopifySource interface {
	// Orders calls fn for every order updated in [from, to].
	Orders(ctx context.Context, from, to time.Time, fn func(*shopify.Order) error) error
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
type SourceFactory func(ctx context.Context, shop *shopqb.Shop) (ShopifySource, error)

// Engine is the sync engine. Its zero value is not usable; use New.
type Engine struct {
	store  store.API
	source SourceFactory
	log    *slog.Logger
	now    func() time.Time

	// TicketTTL is how long a Web Connector session may stay idle.
	TicketTTL time.Duration
	// MaxBatch caps postings per message set; the batch adapts below it.
	MaxBatch int
	// TargetRoundTrip is how long one QuickBooks round trip should take; the
	// batch shrinks when QuickBooks is slower and grows when it is faster.
	TargetRoundTrip time.Duration
	// MaxAttempts bounds retries of a posting before it is failed for good.
	MaxAttempts int
	// RetryBase is the first retry delay after a lock or busy answer; it
	// doubles with each attempt (the demo shortens it to run in seconds).
	RetryBase time.Duration
	// Version is reported by serverVersion.
	Version string
	// Trace, when set, receives every qbXML message set sent to QuickBooks.
	Trace func(shopID int64, requestXML string)

	// syncMu serialises ingest+plan per shop inside one process; across
	// processes the River job's uniqueness does the same.
	syncMu sync.Map // shopID → *sync.Mutex
}

// Options configure New.
type Options struct {
	Store  store.API
	Source SourceFactory
	Log    *slog.Logger
	Now    func() time.Time
}

// New returns an engine with production defaults.
func New(o Options) *Engine {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Engine{
		store: o.Store, source: o.Source, log: o.Log, now: o.Now,
		TicketTTL:       30 * time.Minute,
		MaxBatch:        50,
		TargetRoundTrip: 10 * time.Second,
		MaxAttempts:     8,
		RetryBase:       2 * time.Second,
		Version:         "shopqb",
	}
}

// Store returns the engine's store.
func (e *Engine) Store() store.API { return e.store }

func (e *Engine) shopLock(shopID int64) *sync.Mutex {
	m, _ := e.syncMu.LoadOrStore(shopID, &sync.Mutex{})
	return m.(*sync.Mutex)
}

// ErrNotStarted is returned by Sync before the one-time start.
var ErrNotStarted = shopqb.ErrNotStarted

func wrapNotFound(what string, err error) error {
	if errors.Is(err, shopqb.ErrNotFound) {
		return fmt.Errorf("%s: %w", what, err)
	}
	return err
}
