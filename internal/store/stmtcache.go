package store

import (
	"context"
	"database/sql"
	"iter"
	"strings"
	"sync"
)

// maxCachedStatements bounds the statement cache. Only fixed-text queries
// use it, and multi-row statements in a few sizes (sqliteRowChunks), never
// a list of as many placeholders as the caller has values, so it stays far
// below this; past it, queries are simply not cached.
const maxCachedStatements = 256

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
// handle of it (which reuses the connection's prepared statement); nil when
// q is neither the pool nor a transaction, and the caller then runs the
// query on q unprepared.
func stmtOn(ctx context.Context, q querier, s *sql.Stmt) *sql.Stmt {
	if s == nil {
		return nil
	}
	switch q := q.(type) {
	case *sql.Tx:
		return q.StmtContext(ctx, s)
	case *sql.DB:
		return s
	}
	return nil
}

// preparedExec returns a function running query on q with the cached
// prepared statement, for a loop of single-row writes in one transaction.
func (db *DB) preparedExec(ctx context.Context, q querier, query string) func(args ...any) (sql.Result, error) {
	if s := stmtOn(ctx, q, db.prepared(ctx, query)); s != nil {
		return func(args ...any) (sql.Result, error) { return s.ExecContext(ctx, args...) }
	}
	return func(args ...any) (sql.Result, error) { return db.exec(ctx, q, query, args...) }
}

// cachedQuery is query with a cached prepared statement.
func (db *DB) cachedQuery(ctx context.Context, q querier, query string, args ...any) (*sql.Rows, error) {
	if s := stmtOn(ctx, q, db.prepared(ctx, query)); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return db.query(ctx, q, query, args...)
}

// cachedQueryRow is queryRow with a cached prepared statement.
func (db *DB) cachedQueryRow(ctx context.Context, q querier, query string, args ...any) *sql.Row {
	if s := stmtOn(ctx, q, db.prepared(ctx, query)); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return db.queryRow(ctx, q, query, args...)
}

// cachedExec is exec with a cached prepared statement.
func (db *DB) cachedExec(ctx context.Context, q querier, query string, args ...any) (sql.Result, error) {
	if s := stmtOn(ctx, q, db.prepared(ctx, query)); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return db.exec(ctx, q, query, args...)
}

// sqliteRowChunks are the row counts SQLite's multi-row statements are cut
// into, largest first. A multi-row statement's text differs with its count
// of rows, so before they were cut a back-fill compiled a new statement on
// nearly every call (sqlite3_prepare_v2 was 0.38 s of a 10,000-order
// bench's 8.7 s); with these sizes each such statement has at most five
// texts, every one prepared once per connection (db.prepared). Each
// statement also costs something of its own however few rows it carries
// (a statement journal, its halt and reset): one row a statement ran 24%
// more instructions storing 10,000 orders (BenchmarkPutSnapshotsAtScale)
// than 200 rows. The largest size is 64 all the same, which ran 1.3% more
// than 200, for memory: a statement's journal (in memory, temp_store)
// holds every page it changes, and 200 rows scattered over the indexes of
// a big shop change many more pages than 64. At 100,000 orders shopqb's
// peak RSS was 84 MiB with 200 and 77 MiB with 64 (10,000 orders: 69-72
// and 64-65 MiB), for the same CPU within the bench's noise.
var sqliteRowChunks = []int{64, 16, 4, 1}

// rowChunk is how many of rest rows the next statement of a multi-row
// write carries. PostgreSQL takes up to upsertRows rows at once, as before:
// each statement is a network round trip there, and pgx caches the plan of
// each text it sees on its own.
func (d *dialect) rowChunk(rest int) int {
	if d.name != SQLite {
		return min(rest, upsertRows)
	}
	for _, n := range sqliteRowChunks {
		if n <= rest {
			return n
		}
	}
	return rest
}

// inChunk is how many placeholders the next statement over an IN list of
// rest keys has, and how many of the keys it takes: on SQLite the list is
// padded (with its last key again, which changes nothing in an IN list) up
// to the next of sqliteRowChunks, so that each such statement has few texts
// and fewer statements run than rowChunk would cut; but never to more than
// twice its keys, as each padded key still costs SQLite an insert into the
// list it builds.
func (d *dialect) inChunk(rest int) (size, take int) {
	if d.name != SQLite {
		n := min(rest, upsertRows)
		return n, n
	}
	if rest >= sqliteRowChunks[0] {
		return sqliteRowChunks[0], sqliteRowChunks[0]
	}
	size = sqliteRowChunks[0]
	for _, n := range sqliteRowChunks {
		if n >= rest {
			size = n
		}
	}
	if size > 2*rest {
		n := d.rowChunk(rest)
		return n, n
	}
	return size, rest
}

// multiRow is a statement over a list: head, then n copies of row joined
// by ", ", then tail ("INSERT … VALUES " + "(?, ?)" × n + " ON CONFLICT …",
// or "… IN (" + "?" × n + ")").
type multiRow struct {
	head, row, tail string
}

// multiRowKey names one text of a multiRow.
type multiRowKey struct {
	m multiRow
	n int
}

// multiRowTexts caches the texts of SQLite's chunk sizes (a few per
// statement), so a chunk costs a map look-up rather than building a text
// of 64 rows again; PostgreSQL's texts of any count are built each time.
var multiRowTexts sync.Map // multiRowKey → string

// text is m with n rows.
func (m multiRow) text(d *dialect, n int) string {
	if d.name != SQLite {
		return m.build(n)
	}
	k := multiRowKey{m, n}
	if t, ok := multiRowTexts.Load(k); ok {
		return t.(string)
	}
	t := m.build(n)
	multiRowTexts.Store(k, t)
	return t
}

func (m multiRow) build(n int) string {
	var b strings.Builder
	b.Grow(len(m.head) + n*(len(m.row)+2) + len(m.tail))
	b.WriteString(m.head)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(m.row)
	}
	b.WriteString(m.tail)
	return b.String()
}

// wideExec runs one chunk of a multi-row statement: on SQLite with its
// cached prepared statement (its text is one of few), on PostgreSQL as
// exec does.
func (db *DB) wideExec(ctx context.Context, q querier, query string, args ...any) (sql.Result, error) {
	if db.d.name == SQLite {
		return db.cachedExec(ctx, q, query, args...)
	}
	return db.exec(ctx, q, query, args...)
}

// wideQuery is wideExec for a statement returning rows.
func (db *DB) wideQuery(ctx context.Context, q querier, query string, args ...any) (*sql.Rows, error) {
	if db.d.name == SQLite {
		return db.cachedQuery(ctx, q, query, args...)
	}
	return db.query(ctx, q, query, args...)
}

// rowChunks yields each statement of m over rows of values (per a row,
// laid end to end in args), in chunks of rowChunk rows: its text and its
// arguments, the values of before and then the chunk's. The arguments'
// slice is reused from one chunk to the next.
func (db *DB) rowChunks(m multiRow, per int, before, args []any) iter.Seq2[string, []any] {
	return func(yield func(string, []any) bool) {
		buf := make([]any, 0, len(before)+min(len(args), per*max(upsertRows, sqliteRowChunks[0])))
		for first := 0; first < len(args); {
			n := db.d.rowChunk((len(args) - first) / per)
			buf = append(append(buf[:0], before...), args[first:first+n*per]...)
			if !yield(m.text(db.d, n), buf) {
				return
			}
			first += n * per
		}
	}
}

// inChunks yields each statement over an IN list of keys, head and tail
// around its placeholders, in chunks of inChunk keys after the values of
// before (padded as inChunk says), as rowChunks does.
func (db *DB) inChunks(head, tail string, before, keys []any) iter.Seq2[string, []any] {
	m := multiRow{head: head, row: "?", tail: tail}
	return func(yield func(string, []any) bool) {
		buf := make([]any, 0, len(before)+min(len(keys), max(upsertRows, sqliteRowChunks[0])))
		for first := 0; first < len(keys); {
			size, take := db.d.inChunk(len(keys) - first)
			buf = padIn(append(buf[:0], before...), keys[first:first+take], size)
			if !yield(m.text(db.d, size), buf) {
				return
			}
			first += take
		}
	}
}

// execChunks runs each statement of chunks and returns the rows they
// affected.
func (db *DB) execChunks(ctx context.Context, q querier, chunks iter.Seq2[string, []any]) (int64, error) {
	var affected int64
	for text, args := range chunks {
		res, err := db.wideExec(ctx, q, text, args...)
		if err != nil {
			return affected, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return affected, err
		}
		affected += k
	}
	return affected, nil
}

// queryChunks runs each statement of chunks and passes every row of their
// results to scan.
func (db *DB) queryChunks(ctx context.Context, q querier, chunks iter.Seq2[string, []any], scan func(*sql.Rows) error) error {
	for text, args := range chunks {
		if err := db.scanAll(ctx, q, text, args, scan); err != nil {
			return err
		}
	}
	return nil
}

// execRows runs m over rows of values (rowChunks) and returns the rows
// the statements affected.
func (db *DB) execRows(ctx context.Context, q querier, m multiRow, per int, before, args []any) (int64, error) {
	return db.execChunks(ctx, q, db.rowChunks(m, per, before, args))
}

// queryRows is execRows for a statement returning rows: each row of each
// chunk's result is passed to scan.
func (db *DB) queryRows(ctx context.Context, q querier, m multiRow, per int, before, args []any, scan func(*sql.Rows) error) error {
	return db.queryChunks(ctx, q, db.rowChunks(m, per, before, args), scan)
}

// execIn runs a statement over an IN list of keys (inChunks) and returns
// the rows the statements affected.
func (db *DB) execIn(ctx context.Context, q querier, head, tail string, before, keys []any) (int64, error) {
	return db.execChunks(ctx, q, db.inChunks(head, tail, before, keys))
}

// queryIn is execIn for a statement returning rows, each passed to scan.
func (db *DB) queryIn(ctx context.Context, q querier, head, tail string, before, keys []any, scan func(*sql.Rows) error) error {
	return db.queryChunks(ctx, q, db.inChunks(head, tail, before, keys), scan)
}

// padIn appends keys to buf and then their last key again until size keys
// are appended.
func padIn(buf, keys []any, size int) []any {
	buf = append(buf, keys...)
	for range size - len(keys) {
		buf = append(buf, keys[len(keys)-1])
	}
	return buf
}

// scanAll runs one query of a multi-row statement and passes each row to scan.
func (db *DB) scanAll(ctx context.Context, q querier, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.wideQuery(ctx, q, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
