package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds the statement cache. Only fixed-text queries
// use it (never a list of as many placeholders as the caller has values),
// so it stays far below this; past it, queries are simply not cached.
const maxCachedStatements = 128

// stmtCache keeps prepared statements of the queries every Web Connector
// round trip runs — the ticket, the shop, the claim, the results. SQLite
// (modernc) compiles a statement's text on every call otherwise, about a
// tenth of a round trip's CPU; database/sql prepares a cached statement
// once per pooled connection and reuses it after that.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// prepared returns the cached statement for query (in "?" form), preparing
// it on first use; nil when it cannot be prepared or the cache is full, and
// the caller then runs the query unprepared (which reports any error).
func (db *DB) prepared(ctx context.Context, query string) *sql.Stmt {
	text := db.d.q(query)
	db.stmts.mu.Lock()
	s, ok := db.stmts.m[text]
	full := len(db.stmts.m) >= maxCachedStatements
	db.stmts.mu.Unlock()
	if ok {
		return s
	}
	if full {
		return nil
	}
	s, err := db.sql.PrepareContext(ctx, text)
	if err != nil {
		return nil
	}
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	if have, ok := db.stmts.m[text]; ok {
		s.Close() // prepared twice at once: keep the first
		return have
	}
	if db.stmts.m == nil {
		db.stmts.m = map[string]*sql.Stmt{}
	}
	db.stmts.m[text] = s
	return s
}

// closeStatements closes the cached statements (DB.Close).
func (db *DB) closeStatements() {
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	for _, s := range db.stmts.m {
		s.Close()
	}
	db.stmts.m = nil
}

// stmtOn is s for use on q: inside a transaction, the transaction's own
// handle of it (which reuses the connection's prepared statement).
func stmtOn(ctx context.Context, q querier, s *sql.Stmt) *sql.Stmt {
	if tx, ok := q.(*sql.Tx); ok {
		return tx.StmtContext(ctx, s)
	}
	return s
}

// preparedExec returns a function running query on q with the cached
// prepared statement, for a loop of single-row writes in one transaction.
func (db *DB) preparedExec(ctx context.Context, q querier, query string) func(args ...any) (sql.Result, error) {
	if s := db.prepared(ctx, query); s != nil {
		s = stmtOn(ctx, q, s)
		return func(args ...any) (sql.Result, error) { return s.ExecContext(ctx, args...) }
	}
	return func(args ...any) (sql.Result, error) { return db.exec(ctx, q, query, args...) }
}

// cachedQuery is query with a cached prepared statement.
func (db *DB) cachedQuery(ctx context.Context, q querier, query string, args ...any) (*sql.Rows, error) {
	if s := db.prepared(ctx, query); s != nil {
		return stmtOn(ctx, q, s).QueryContext(ctx, args...)
	}
	return db.query(ctx, q, query, args...)
}

// cachedQueryRow is queryRow with a cached prepared statement.
func (db *DB) cachedQueryRow(ctx context.Context, q querier, query string, args ...any) *sql.Row {
	if s := db.prepared(ctx, query); s != nil {
		return stmtOn(ctx, q, s).QueryRowContext(ctx, args...)
	}
	return db.queryRow(ctx, q, query, args...)
}

// cachedExec is exec with a cached prepared statement.
func (db *DB) cachedExec(ctx context.Context, q querier, query string, args ...any) (sql.Result, error) {
	if s := db.prepared(ctx, query); s != nil {
		return stmtOn(ctx, q, s).ExecContext(ctx, args...)
	}
	return db.exec(ctx, q, query, args...)
}
