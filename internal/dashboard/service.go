package dashboard

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// Store is what the pages read. *store.DB implements it; every list is an
// indexed page (internal/store/books.go).
type Store interface {
	ShopByID(ctx context.Context, id int64) (*shopqb.Shop, error)
	ShopsPage(ctx context.Context, search string, afterID int64, limit int) ([]*shopqb.Shop, error)
	CountPostingsIn(ctx context.Context, shopID int64, states ...shopqb.PostingState) (map[shopqb.PostingState]int, error)
	CountDoneSince(ctx context.Context, shopID int64, since time.Time) (int, error)
	FailureCauses(ctx context.Context, shopID int64) ([]store.FailureCause, error)
	FailedWithCause(ctx context.Context, shopID int64, code, class, kind string, afterID int64, limit int) ([]*shopqb.Posting, error)
	ListPostings(ctx context.Context, f shopqb.PostingFilter) ([]*shopqb.Posting, error)
	SyncRunsBefore(ctx context.Context, shopID, beforeID int64, limit int) ([]*shopqb.SyncRun, error)
	SearchSnapshots(ctx context.Context, q store.SnapshotQuery) ([]store.IndexedSnapshot, error)
	LatestSnapshots(ctx context.Context, shopID int64, gids []string) ([]*shopqb.Snapshot, error)
	LinkedFrom(ctx context.Context, shopID int64, gid string) ([]string, error)
	SnapshotsTouching(ctx context.Context, shopID int64, kind string, from, to time.Time) ([]string, error)
	EachLatestSnapshot(ctx context.Context, shopID int64, kind string, fn func(*shopqb.Snapshot) error) error
	PostingsByKeys(ctx context.Context, shopID int64, keys []string) ([]*shopqb.Posting, error)
	PostingLedgers(ctx context.Context, shopID int64, ids []int64) (map[int64][]shopqb.LedgerLine, error)
	DoneLedgerByDay(ctx context.Context, shopID int64, from, to string) ([]store.DayLedger, error)
	ExpectedByDay(ctx context.Context, shopID int64, from, to string) ([]store.DayFigure, error)
	PostingResponses(ctx context.Context, shopID int64, ids []int64) (map[int64]string, error)
	KV(ctx context.Context, shopID int64, key string) ([]byte, error)
	Audit(ctx context.Context, shopID int64, limit int) ([]shopqb.AuditEntry, error)
}

// Admin is every change these pages make: shop administration
// (internal/shopadmin), which audits them and enforces what is locked.
type Admin interface {
	UpdateSettings(ctx context.Context, shopID int64, actor string, s shopqb.Settings) error
	RetryFailed(ctx context.Context, shopID int64, actor string) (shopqb.Retried, error)
	RetryPosting(ctx context.Context, shopID, postingID int64, actor string) error
}

// QuickBooks is what the Web Connector's visits recorded (internal/syncengine).
type QuickBooks interface {
	Connection(ctx context.Context, shopID int64) (*syncengine.Connection, error)
	LoadPreflight(ctx context.Context, shopID int64) (*syncengine.Preflight, error)
}

// RangeSyncer reads Shopify again for a window and plans what it finds;
// planning is idempotent (a posting's key is stable), so only what the
// outbox lacks is added. The reading pipeline implements it.
type RangeSyncer interface {
	SyncRange(ctx context.Context, shopID int64, from, to time.Time, trigger shopqb.Trigger) (*shopqb.SyncRun, error)
}

// Config is what a Service is built from; internal/app fills it.
type Config struct {
	Store      Store
	Admin      Admin
	QuickBooks QuickBooks
	// Company is the planner's view of the company file (from the preflight).
	Company func(ctx context.Context, shopID int64) (planner.Company, error)
	// EnqueueSync is the admin API's "sync now".
	EnqueueSync func(ctx context.Context, shopID int64) error
	// Ranges re-syncs a date range; nil makes Resync fail with shopqb.EUnavailable.
	Ranges RangeSyncer
	Now    func() time.Time
}

// Service implements Books.
type Service struct{ cfg Config }

var _ Books = (*Service)(nil)

// New returns the service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Admin == nil || cfg.QuickBooks == nil || cfg.Company == nil || cfg.EnqueueSync == nil {
		return nil, errors.New("dashboard: Store, Admin, QuickBooks, Company and EnqueueSync are all required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg}, nil
}

func msg(id string, kv ...any) Message {
	m := Message{ID: id}
	if len(kv) > 0 {
		m.Args = map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m.Args[kv[i].(string)] = kv[i+1]
		}
	}
	return m
}

func msgp(id string, kv ...any) *Message { m := msg(id, kv...); return &m }

// pageSize bounds a page.
func pageSize(limit, def int) int {
	if limit <= 0 {
		return def
	}
	return min(limit, 200)
}

func cursorID(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(c, 10, 64)
	if err != nil || id < 0 {
		return 0, shopqb.Errorf(shopqb.EInvalid, "bad page cursor %q", c)
	}
	return id, nil
}

func (s *Service) location(shop *shopqb.Shop) *time.Location {
	if l, err := time.LoadLocation(shop.TimeZone); err == nil && shop.TimeZone != "" {
		return l
	}
	return time.UTC
}

func (s *Service) shop(ctx context.Context, shopID int64) (*shopqb.Shop, error) {
	shop, err := s.cfg.Store.ShopByID(ctx, shopID)
	if err != nil {
		return nil, fmt.Errorf("shop %d: %w", shopID, err)
	}
	return shop, nil
}

// SyncNow implements Books.
func (s *Service) SyncNow(ctx context.Context, shopID int64, actor string) error {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return err
	}
	if shop.StartedAt == nil {
		return shopqb.Errorf(shopqb.EConflict, "shop %s is not started: finish the setup first", shop.Domain)
	}
	return s.cfg.EnqueueSync(ctx, shopID)
}

// RetryPosting implements Books.
func (s *Service) RetryPosting(ctx context.Context, shopID, postingID int64, actor string) error {
	return s.cfg.Admin.RetryPosting(ctx, shopID, postingID, actor)
}

// RetryAll implements Books.
func (s *Service) RetryAll(ctx context.Context, shopID int64, actor string) (int, error) {
	// Every failed posting acted on: queued again, or its document
	// re-checked by the sync the retry asked for.
	r, err := s.cfg.Admin.RetryFailed(ctx, shopID, actor)
	return r.Queued + r.Rechecked, err
}

// RetryCause implements Books: each posting through shop administration, so
// each retry is audited and refused the same way as a single one.
func (s *Service) RetryCause(ctx context.Context, shopID int64, cause Cause, actor string) (int, error) {
	n := 0
	for {
		ps, err := s.cfg.Store.FailedWithCause(ctx, shopID, cause.Code, cause.Class, cause.Kind, 0, 200)
		if err != nil {
			return n, err
		}
		if len(ps) == 0 {
			return n, nil
		}
		for _, p := range ps {
			if err := s.cfg.Admin.RetryPosting(ctx, shopID, p.ID, actor); err != nil && shopqb.ErrorCode(err) != shopqb.EConflict {
				return n, err
			}
			n++
		}
	}
}
