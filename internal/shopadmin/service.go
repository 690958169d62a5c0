// Package shopadmin is shop administration, written once for every front
// door: `shopqb admin` (internal/cli), the JSON admin API (internal/web),
// the demo and the bench, the Shopify app install and the setup wizard all
// call this Service for the same act, so a rule (what a valid shop is, what
// is locked after the start, what gets audited) exists in one place.
//
// It registers shops, keeps their credentials sealed with the server's key
// (the one pair of functions that seal and open a shop's secrets), changes
// settings, performs the one-time start and its reset, and puts failed
// postings back in the queue. Reading and planning are not its business: it
// asks the pipeline through the small Pipeline interface.
package shopadmin

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/secret"
)

// Store is what administration reads and writes. *store.DB implements it.
type Store interface {
	CreateShop(ctx context.Context, s *shopqb.Shop) error
	UpdateShop(ctx context.Context, s *shopqb.Shop) error
	ShopByID(ctx context.Context, id int64) (*shopqb.Shop, error)

	PutSecret(ctx context.Context, shopID int64, name string, ciphertext []byte) error
	Secret(ctx context.Context, shopID int64, name string) ([]byte, error)
	DeleteSecret(ctx context.Context, shopID int64, name string) error
	PutKV(ctx context.Context, shopID int64, key string, value []byte) error

	ListPostings(ctx context.Context, f shopqb.PostingFilter) ([]*shopqb.Posting, error)
	PostingsByID(ctx context.Context, shopID int64, ids []int64) ([]*shopqb.Posting, error)
	UpdatePostings(ctx context.Context, ps []*shopqb.Posting) error
	ArchivePostings(ctx context.Context, shopID int64, label string) (int, error)

	AddAudit(ctx context.Context, shopID int64, actor, action, detail string) error
}

// Pipeline is what administration needs of reading and planning and of
// what the Web Connector found. internal/syncengine implements it.
type Pipeline interface {
	// PreflightProblems returns what QuickBooks' first Web Connector visit
	// found that stops the start (each with its fix); shopqb.ErrNotFound
	// before that visit.
	PreflightProblems(ctx context.Context, shopID int64) ([]shopqb.StartProblem, error)
	// Accounts are the company's accounts as that visit read them, so a
	// mapping is checked against them; shopqb.ErrNotFound before it.
	Accounts(ctx context.Context, shopID int64) ([]shopqb.Account, error)
	// TrialRun reads and plans the whole shop once, sending nothing: the
	// plan waits in the outbox for the start, and a failed check leaves
	// nothing of it. An error is why the start must wait, e.g. a plan that
	// would take a Pro or Premier file past its 14,500 names, with the
	// counts.
	TrialRun(ctx context.Context, shopID int64) error
	// Rewind forgets how far the shop was read, so the next sync reads from
	// the start date again (after the start date changed).
	Rewind(ctx context.Context, shopID int64) error
	// Restart prepares a new run after a reset archived the outbox: read
	// from the start date, and look up in QuickBooks whatever is planned
	// again under an archived key before sending it.
	Restart(ctx context.Context, shopID int64) error
}

// Options configure New.
type Options struct {
	Store Store
	// Box seals the shops' secrets; nil makes every act that stores a
	// secret fail with shopqb.EUnavailable.
	Box *secret.Box
	// Pipeline runs the start's checks and rewinds the reading after a new
	// start date or a reset; without one those acts fail with
	// shopqb.EUnavailable.
	Pipeline Pipeline
	// EnqueueSync asks for a sync of the shop (the app enqueues its job):
	// a retry re-checks documents that failed in planning through it.
	// Without one such a retry fails with shopqb.EUnavailable.
	EnqueueSync func(ctx context.Context, shopID int64) error
	Log         *slog.Logger
	Now         func() time.Time
}

// Service is shop administration (shopqb.ShopAdmin). Its methods take the shop's id (the
// front door decided the caller may act on it) and an actor for the audit.
type Service struct {
	store    Store
	box      *secret.Box
	pipeline Pipeline
	enqueue  func(ctx context.Context, shopID int64) error
	log      *slog.Logger
	now      func() time.Time
}

var _ shopqb.ShopAdmin = (*Service)(nil)

// New returns a Service.
func New(o Options) *Service {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{store: o.Store, box: o.Box, pipeline: o.Pipeline, enqueue: o.EnqueueSync, log: o.Log, now: o.Now}
}

// audit records an act. The act already happened, so a failure to record it
// is logged for the operator rather than turned into the act's failure.
func (s *Service) audit(ctx context.Context, shopID int64, actor, action, detail string) {
	if err := s.store.AddAudit(ctx, shopID, actor, action, detail); err != nil {
		s.log.Error("audit", "shop", shopID, "action", action, "err", err)
	}
}

var errNoPipeline = shopqb.Errorf(shopqb.EUnavailable, "this server cannot read Shopify: it has no sync pipeline")

// shop loads a shop by id; a missing one is shopqb.ErrNotFound with the id.
func (s *Service) shop(ctx context.Context, shopID int64) (*shopqb.Shop, error) {
	shop, err := s.store.ShopByID(ctx, shopID)
	if err != nil {
		return nil, fmt.Errorf("load shop: %w", err)
	}
	return shop, nil
}
