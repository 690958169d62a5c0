// Package syncengine moves a shop's planned postings into QuickBooks exactly
// once: it keeps the outbox (internal/ingest fills it) and hands its
// postings to QuickBooks through Web Connector sessions (it implements
// qbwc.Service). Every decision that must
// survive a crash — which postings are in flight, which are in doubt — lives
// in the database, so any shopqb process can serve any call.
package syncengine

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
)

// Engine is the sync engine. Its zero value is not usable; use New.
type Engine struct {
	store store.API
	log   *slog.Logger
	now   func() time.Time

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
}

// Options configure New.
type Options struct {
	Store store.API
	Log   *slog.Logger
	Now   func() time.Time
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
		store: o.Store, log: o.Log, now: o.Now,
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

// ErrNotStarted is returned by Sync before the one-time start.
var ErrNotStarted = shopqb.ErrNotStarted

func wrapNotFound(what string, err error) error {
	if errors.Is(err, shopqb.ErrNotFound) {
		return fmt.Errorf("%s: %w", what, err)
	}
	return err
}
