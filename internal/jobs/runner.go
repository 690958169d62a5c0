// Package jobs runs shopqb's background work — the once-a-minute sync tick,
// Shopify ingests, webhook processing and payout polling — as River jobs in
// the same database as the store, so that on PostgreSQL several shopqb
// processes share one queue and each job runs once, on one of them.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
)

// Handlers is the work behind each job kind. A nil handler leaves its kind
// unregistered: its jobs are neither enqueued by this process nor worked by
// it (and enqueueing one is an error).
type Handlers struct {
	// SyncTick runs once a minute (and once at start) on one process: it
	// starts whatever syncs are due.
	SyncTick func(ctx context.Context) error
	// Ingest syncs a shop (reads, plans, fills the outbox); trigger says
	// what asked for it.
	Ingest func(ctx context.Context, shopID int64, trigger shopqb.Trigger) error
	// Webhook processes a webhook: a hint that an object changed, or a
	// privacy request whose payload (nil for hints) says what it is about.
	Webhook func(ctx context.Context, shopID int64, topic, objectGID string, payload []byte) error
	// PayoutPoll reads a shop's new payouts.
	PayoutPoll func(ctx context.Context, shopID int64) error
}

// Runner is a started River client working shopqb's jobs.
type Runner struct {
	client *river.Client[*sql.Tx]
	h      Handlers
	// ownPool is the single-connection pool River uses on SQLite, closed by Stop.
	ownPool *sql.DB
	log     *slog.Logger
}

// options are the knobs tests turn; Start uses the production values.
type options struct {
	tickEvery    time.Duration
	pollInterval time.Duration
}

// Start migrates River's tables and starts working jobs until Stop is called
// or ctx is cancelled (which stops at once, cancelling running jobs).
func Start(ctx context.Context, db *store.DB, h Handlers, log *slog.Logger) (*Runner, error) {
	return start(ctx, db, h, log, options{tickEvery: time.Minute, pollInterval: time.Second})
}

// riverMigrationLockID is the PostgreSQL advisory lock taken while River's
// tables are migrated, so processes starting together do it once. It
// differs from the store's migration lock.
const riverMigrationLockID = 0x73686f70716272

func start(ctx context.Context, db *store.DB, h Handlers, log *slog.Logger, o options) (*Runner, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "jobs")
	r := &Runner{h: h, log: log}

	var driver riverdriver.Driver[*sql.Tx]
	pool := db.SQL()
	switch db.Dialect() {
	case store.Postgres:
		driver = riverdatabasesql.New(pool)
	case store.SQLite:
		// River on SQLite wants one connection (its own documentation:
		// parallel internal operations otherwise meet SQLITE_BUSY), while
		// the store wants several; so River gets its own one-connection
		// pool on the same file, with the store's pragmas.
		name, dsn := db.DSN()
		own, err := sql.Open(name, dsn)
		if err != nil {
			return nil, fmt.Errorf("jobs: open River's SQLite pool: %w", err)
		}
		own.SetMaxOpenConns(1)
		r.ownPool, pool = own, own
		driver = riversqlite.New(own)
	default:
		return nil, fmt.Errorf("jobs: unsupported database %q", db.Dialect())
	}
	if err := migrateRiver(ctx, pool, driver, db.Dialect(), log); err != nil {
		r.closePool()
		return nil, err
	}

	workers := river.NewWorkers()
	if err := r.addWorkers(workers); err != nil {
		r.closePool()
		return nil, err
	}
	cfg := &river.Config{
		Logger: log,
		// Polling, not LISTEN/NOTIFY: it works the same through database/sql,
		// on SQLite and behind PgBouncer.
		PollOnly:          true,
		FetchPollInterval: o.pollInterval,
		FetchCooldown:     min(100*time.Millisecond, o.pollInterval),
		// An ingest of a large shop can take many minutes; River rescues
		// jobs running longer than RescueStuckJobsAfter (an hour by
		// default), so the timeout stays well under that.
		JobTimeout: 30 * time.Minute,
		Workers:    workers,
		Queues:     map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 8}},
	}
	if h.SyncTick != nil {
		cfg.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(
			river.PeriodicInterval(o.tickEvery),
			func() (river.JobArgs, *river.InsertOpts) {
				// One tick per period however many shopqb processes run:
				// only River's elected leader enqueues periodic jobs, but
				// a change of leader could otherwise enqueue a second.
				return SyncTickArgs{}, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByPeriod: o.tickEvery}}
			},
			&river.PeriodicJobOpts{RunOnStart: true},
		)}
	}
	if h.SyncTick == nil && h.Ingest == nil && h.Webhook == nil && h.PayoutPoll == nil {
		// Nothing to work: an insert-only client.
		cfg.Queues, cfg.Workers = nil, nil
	}
	client, err := river.NewClient(driver, cfg)
	if err != nil {
		r.closePool()
		return nil, fmt.Errorf("jobs: configure River: %w", err)
	}
	r.client = client
	if cfg.Queues != nil {
		if err := client.Start(ctx); err != nil {
			r.closePool()
			return nil, fmt.Errorf("jobs: start River: %w", err)
		}
	}
	log.Info("jobs started", "dialect", db.Dialect(), "sync_tick", h.SyncTick != nil, "ingest", h.Ingest != nil,
		"webhook", h.Webhook != nil, "payout_poll", h.PayoutPoll != nil)
	return r, nil
}

// migrateRiver brings River's own tables up to date, one version per
// transaction: River's PostgreSQL migrations cannot share one (a later
// version uses an enum value an earlier one adds). On PostgreSQL each
// transaction first takes an advisory lock, so processes starting at once
// take turns and each version is applied once; on SQLite the pool's
// transactions are BEGIN IMMEDIATE (the store's DSN), which does the same.
func migrateRiver(ctx context.Context, pool *sql.DB, driver riverdriver.Driver[*sql.Tx], dialect string, log *slog.Logger) error {
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: log})
	if err != nil {
		return fmt.Errorf("jobs: River migrator: %w", err)
	}
	for applied := 0; ; applied++ {
		n, err := migrateRiverStep(ctx, pool, migrator, dialect)
		if err != nil {
			return err
		}
		if n == 0 {
			if applied > 0 {
				log.Info("migrated River's tables", "versions", applied)
			}
			return nil
		}
	}
}

// migrateRiverStep applies at most one River migration and reports how many it applied.
func migrateRiverStep(ctx context.Context, pool *sql.DB, migrator *rivermigrate.Migrator[*sql.Tx], dialect string) (int, error) {
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("jobs: migrate River: begin: %w", err)
	}
	defer tx.Rollback()
	if dialect == store.Postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(riverMigrationLockID)); err != nil {
			return 0, fmt.Errorf("jobs: migrate River: lock: %w", err)
		}
	}
	res, err := migrator.MigrateTx(ctx, tx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{MaxSteps: 1})
	if err != nil {
		return 0, fmt.Errorf("jobs: migrate River: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("jobs: migrate River: commit: %w", err)
	}
	return len(res.Versions), nil
}

func (r *Runner) addWorkers(w *river.Workers) error {
	h := r.h
	if h.SyncTick != nil {
		if err := river.AddWorkerSafely(w, river.WorkFunc(func(ctx context.Context, _ *river.Job[SyncTickArgs]) error {
			return h.SyncTick(ctx)
		})); err != nil {
			return fmt.Errorf("jobs: register sync tick: %w", err)
		}
	}
	if h.Ingest != nil {
		if err := river.AddWorkerSafely(w, river.WorkFunc(func(ctx context.Context, j *river.Job[IngestArgs]) error {
			if err := h.Ingest(ctx, j.Args.ShopID, j.Args.Trigger); err != nil {
				return fmt.Errorf("ingest shop %d (attempt %d): %w", j.Args.ShopID, j.Attempt, err)
			}
			return nil
		})); err != nil {
			return fmt.Errorf("jobs: register ingest: %w", err)
		}
	}
	if h.Webhook != nil {
		if err := river.AddWorkerSafely(w, river.WorkFunc(func(ctx context.Context, j *river.Job[WebhookArgs]) error {
			if err := h.Webhook(ctx, j.Args.ShopID, j.Args.Topic, j.Args.ObjectGID, j.Args.Payload); err != nil {
				return fmt.Errorf("webhook %s %s of shop %d (attempt %d): %w", j.Args.Topic, j.Args.ObjectGID, j.Args.ShopID, j.Attempt, err)
			}
			return nil
		})); err != nil {
			return fmt.Errorf("jobs: register webhook: %w", err)
		}
	}
	if h.PayoutPoll != nil {
		if err := river.AddWorkerSafely(w, river.WorkFunc(func(ctx context.Context, j *river.Job[PayoutPollArgs]) error {
			if err := h.PayoutPoll(ctx, j.Args.ShopID); err != nil {
				return fmt.Errorf("poll payouts of shop %d (attempt %d): %w", j.Args.ShopID, j.Attempt, err)
			}
			return nil
		})); err != nil {
			return fmt.Errorf("jobs: register payout poll: %w", err)
		}
	}
	return nil
}

// errNotRegistered is returned when enqueueing a kind whose handler is nil.
var errNotRegistered = errors.New("no handler registered for this job kind")

// EnqueueIngest queues a sync of a shop and reports whether a new job was
// queued; false means one for the shop and trigger is already waiting or running.
func (r *Runner) EnqueueIngest(ctx context.Context, shopID int64, trigger shopqb.Trigger) (bool, error) {
	if r.h.Ingest == nil {
		return false, fmt.Errorf("enqueue ingest of shop %d: %w", shopID, errNotRegistered)
	}
	return r.insert(ctx, IngestArgs{ShopID: shopID, Trigger: trigger}, fmt.Sprintf("%s ingest of shop %d", trigger, shopID))
}

// EnqueueWebhook queues the processing of a webhook and reports whether a
// new job was queued; false means the same hint (or the same request, with
// the same payload) is already waiting. payload is nil for a hint.
func (r *Runner) EnqueueWebhook(ctx context.Context, shopID int64, topic, objectGID string, payload []byte) (bool, error) {
	if r.h.Webhook == nil {
		return false, fmt.Errorf("enqueue webhook %s of shop %d: %w", topic, shopID, errNotRegistered)
	}
	return r.insert(ctx, WebhookArgs{ShopID: shopID, Topic: topic, ObjectGID: objectGID, Payload: payload},
		fmt.Sprintf("webhook %s %s of shop %d", topic, objectGID, shopID))
}

// EnqueuePayoutPoll queues a payout poll of a shop and reports whether a new
// job was queued; false means one for the shop is already waiting or running.
func (r *Runner) EnqueuePayoutPoll(ctx context.Context, shopID int64) (bool, error) {
	if r.h.PayoutPoll == nil {
		return false, fmt.Errorf("enqueue payout poll of shop %d: %w", shopID, errNotRegistered)
	}
	return r.insert(ctx, PayoutPollArgs{ShopID: shopID}, fmt.Sprintf("payout poll of shop %d", shopID))
}

func (r *Runner) insert(ctx context.Context, args river.JobArgs, what string) (bool, error) {
	res, err := r.client.Insert(ctx, args, nil)
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", what, err)
	}
	return !res.UniqueSkippedAsDuplicate, nil
}

// Stop stops fetching jobs and waits for running ones to finish. If ctx ends
// first, running jobs are cancelled and Stop returns ctx's error once they
// have returned.
func (r *Runner) Stop(ctx context.Context) error {
	defer r.closePool()
	err := r.client.Stop(ctx)
	if err != nil && ctx.Err() != nil {
		hard, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if herr := r.client.StopAndCancel(hard); herr != nil {
			r.log.Warn("jobs did not stop after cancellation", "err", herr)
		}
	}
	if err != nil {
		return fmt.Errorf("stop jobs: %w", err)
	}
	return nil
}

func (r *Runner) closePool() {
	if r.ownPool != nil {
		r.ownPool.Close()
		r.ownPool = nil
	}
}
