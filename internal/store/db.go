// Package store keeps shopqb's state — shops, secrets, Web Connector
// tickets, Shopify snapshots, the outbox of QuickBooks postings, sync
// history, webhook de-duplication and the audit log — in SQLite (the default,
// one file next to the binary) or PostgreSQL (many shopqb processes serving
// many shops). The SQL is written once; dialect.go holds the few differences.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// DefaultURL is the database used when none is given: a SQLite file in the
// working directory.
const DefaultURL = "./shopqb.db"

// sqliteBusyTimeout is how long a SQLite connection waits for another
// writer before giving up. Several goroutines (the Web Connector endpoint,
// River's workers) write at once; SQLite serialises them, and ten seconds is
// far longer than any single write transaction of shopqb.
const sqliteBusyTimeout = 10 * time.Second

// DB is shopqb's database. It implements API.
type DB struct {
	sql *sql.DB
	d   *dialect
	dsn string
	log *slog.Logger
	// stmts are the prepared statements of the hottest queries.
	stmts stmtCache
}

var _ API = (*DB)(nil)

// Open connects to the database named by rawURL and brings its schema up to
// date. rawURL is a SQLite path ("" means DefaultURL, "sqlite:path" and
// "file:…" URIs are accepted too) or a "postgres://" / "postgresql://" URL.
func Open(ctx context.Context, rawURL string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	driverName, dsn, d, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	sqlDB, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", d.name, err)
	}
	db := &DB{sql: sqlDB, d: d, dsn: dsn, log: log}
	if d.name == SQLite {
		// Connections that sit idle keep their page cache; a handful is
		// plenty for one shop and keeps file handles bounded.
		sqlDB.SetMaxIdleConns(4)
	}
	if err := db.ping(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to %s database %s: %w", d.name, redactURL(rawURL), err)
	}
	if err := db.migrate(ctx); err != nil {
		sqlDB.Close()
		return nil, err
	}
	log.Info("database ready", "dialect", d.name, "url", redactURL(rawURL))
	return db, nil
}

// ping opens the first connection. On SQLite its DSN switches a new file
// to WAL, which needs the file to itself: when several processes open the
// same new file at once, that pragma can answer SQLITE_BUSY without
// waiting for busy_timeout, so the open is tried again for as long as a
// busy_timeout would have waited.
func (db *DB) ping(ctx context.Context) error {
	deadline := time.Now().Add(sqliteBusyTimeout)
	for {
		err := db.sql.PingContext(ctx)
		if err == nil || db.d.name != SQLite || !isSQLiteBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// parseURL picks the driver and builds its DSN.
func parseURL(rawURL string) (driverName, dsn string, d *dialect, err error) {
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return "pgx", rawURL, postgresDialect, nil
	case strings.Contains(rawURL, "://") && !strings.HasPrefix(rawURL, "sqlite://") && !strings.HasPrefix(rawURL, "file:"):
		return "", "", nil, fmt.Errorf("database URL %s: unsupported scheme (want a SQLite path, sqlite:path, file:path or postgres://)", redactURL(rawURL))
	}
	path := rawURL
	switch {
	case path == "":
		path = DefaultURL
	case strings.HasPrefix(path, "sqlite://"):
		path = strings.TrimPrefix(path, "sqlite://")
	case strings.HasPrefix(path, "sqlite:"):
		path = strings.TrimPrefix(path, "sqlite:")
	}
	if path == "" {
		return "", "", nil, fmt.Errorf("database URL %q: empty SQLite path", rawURL)
	}
	// The pragmas go in the DSN so that every pooled connection gets them,
	// not just the first. _txlock=immediate makes every transaction take
	// the write lock at BEGIN: a deferred transaction that reads and then
	// writes can fail with SQLITE_BUSY without waiting, whereas an
	// immediate one simply waits its turn (busy_timeout). ClaimReady
	// depends on this for its atomicity.
	params := url.Values{}
	params.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeout.Milliseconds()))
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "foreign_keys(1)")
	params.Add("_pragma", "synchronous(NORMAL)")
	// A commit writes every page it dirtied to the WAL, and a checkpoint
	// copies them into the database once the WAL holds wal_autocheckpoint
	// pages. A back-fill's commit of 200 orders dirties more than SQLite's
	// default of 1,000 (a page per order in each index whose keys the orders
	// scatter), so every commit was checkpointed, and a page dirtied by the
	// next commit copied again. At 10,000 pages (40 MB of WAL on disk, no
	// memory) the pages several commits dirty are copied once.
	params.Add("_pragma", "wal_autocheckpoint(10000)")
	// A statement that changes many rows inside a transaction (a
	// multi-row INSERT) keeps the pages it changes in a statement journal
	// to undo itself if it fails midway; past 64 KB SQLite spills that
	// journal to a temporary file, which at 100,000 orders was a third of
	// what storing them wrote. In memory it lasts one statement and is as
	// large as the pages that statement changes (a few megabytes at most:
	// statements carry at most upsertRows rows). A query's temporary
	// tables (a DISTINCT, a materialised subquery) live in memory too: they
	// hold what the query returns, which shopqb's callers hold anyway, or
	// their IN lists and LIMITs; sorts spill to files as before.
	//
	// With both, storing 100,000 orders (BenchmarkPutSnapshotsAtScale)
	// passes 48 KB per order to write calls instead of 88 KB, reads 65 KB
	// instead of 74 KB, and costs 203 µs of CPU per order instead of 241.
	params.Add("_pragma", "temp_store(MEMORY)")
	params.Set("_txlock", "immediate")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return "sqlite", path + sep + params.Encode(), sqliteDialect, nil
}

// redactURL hides a password in a database URL before it is logged or
// returned in an error.
func redactURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return rawURL
	}
	return u.Redacted()
}

// Close closes the database.
func (db *DB) Close() error {
	db.closeStatements()
	return db.sql.Close()
}

// SQL is the underlying pool, for River and for tests.
func (db *DB) SQL() *sql.DB { return db.sql }

// Dialect is "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.d.name }

// DSN is the driver name and data source name the pool was opened with, so
// that a component needing its own pool on the same database (River on
// SQLite wants a single-connection pool) can open one identically.
func (db *DB) DSN() (driverName, dsn string) {
	if db.d.name == Postgres {
		return "pgx", db.dsn
	}
	return "sqlite", db.dsn
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (db *DB) exec(ctx context.Context, q querier, query string, args ...any) (sql.Result, error) {
	return q.ExecContext(ctx, db.d.q(query), args...)
}

func (db *DB) query(ctx context.Context, q querier, query string, args ...any) (*sql.Rows, error) {
	return q.QueryContext(ctx, db.d.q(query), args...)
}

func (db *DB) queryRow(ctx context.Context, q querier, query string, args ...any) *sql.Row {
	return q.QueryRowContext(ctx, db.d.q(query), args...)
}

// inTx runs fn in a transaction, committing if it returns nil. On SQLite the
// transaction holds the write lock from its start (_txlock=immediate).
//
// When ctx carries a transaction (withTx), fn runs in it and the caller that
// began it commits or rolls back: that is how a method with a transaction of
// its own (UpsertPostings) becomes one step of a larger one (CommitPlan).
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if outer, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return fn(outer)
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// conn is where a single statement runs: the transaction ctx carries
// (withTx), or the pool, where the statement commits on its own.
func (db *DB) conn(ctx context.Context) querier {
	if outer, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return outer
	}
	return db.sql
}

// txKey is the context key of the transaction inTx joins.
type txKey struct{}

// withTx returns ctx carrying tx, for store methods called inside it.
func withTx(ctx context.Context, tx *sql.Tx) context.Context {
	return context.WithValue(ctx, txKey{}, tx)
}
