package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
)

// postingColumns are read in this order by scanPosting.
const postingColumns = `id, shop_id, posting_key, kind, deps, request, external_guid, ref_number, txn_date, name,
	plan_hash, state, message_set_id, attempts, next_attempt, qbid, edit_sequence, error_code, error_class,
	error_message, created_at, updated_at, content, base_key`

// scanPostings appends every posting of rows to out and closes rows.
func scanPostings(rows *sql.Rows, out []*shopqb.Posting) ([]*shopqb.Posting, error) {
	defer rows.Close()
	for rows.Next() {
		p, err := scanPosting(rows)
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func scanPosting(r rowScanner) (*shopqb.Posting, error) {
	var p shopqb.Posting
	var deps, state string
	err := r.Scan(&p.ID, &p.ShopID, &p.Key, &p.Kind, &deps, &p.Request, &p.ExternalGUID, &p.RefNumber, &p.TxnDate,
		&p.Name, &p.PlanHash, &state, &p.MessageSetID, &p.Attempts, timeScan{&p.NextAttempt}, &p.QBID,
		&p.EditSequence, &p.ErrorCode, &p.ErrorClass, &p.ErrorMessage, timeScan{&p.CreatedAt}, timeScan{&p.UpdatedAt},
		&p.Content, &p.BaseKey)
	if err != nil {
		return nil, err
	}
	p.State = shopqb.PostingState(state)
	if p.DependsOn, err = decodeDeps(deps); err != nil {
		return nil, fmt.Errorf("posting %d: decode dependencies: %w", p.ID, err)
	}
	return &p, nil
}

// claimColumns are postingColumns with the planner's content left empty:
// ClaimReady's postings are sent, and sending reads their request only.
const claimColumns = `id, shop_id, posting_key, kind, deps, request, external_guid, ref_number, txn_date, name,
	plan_hash, state, message_set_id, attempts, next_attempt, qbid, edit_sequence, error_code, error_class,
	error_message, created_at, updated_at, '' AS content, base_key`

// decodeDeps reads a deps column. Every posting read decodes one, so the
// common shape — a JSON array of keys without escapes and without space
// between them, as encodeDeps writes them — is split directly; anything
// else goes through encoding/json, which also reports malformed columns.
func decodeDeps(s string) ([]string, error) {
	if s == "[]" {
		return []string{}, nil // as encoding/json decodes it
	}
	if len(s) < 4 || s[0] != '[' || s[len(s)-1] != ']' || strings.IndexByte(s, '\\') >= 0 {
		return decodeDepsJSON(s)
	}
	inner := s[1 : len(s)-1]
	deps := make([]string, 0, strings.Count(inner, ",")+1)
	for inner != "" {
		if inner[0] != '"' {
			return decodeDepsJSON(s)
		}
		end := strings.IndexByte(inner[1:], '"')
		if end < 0 {
			return decodeDepsJSON(s)
		}
		deps = append(deps, inner[1:1+end])
		inner = inner[end+2:]
		if inner == "" {
			break
		}
		if inner[0] != ',' || len(inner) == 1 {
			return decodeDepsJSON(s)
		}
		inner = inner[1:]
	}
	return deps, nil
}

func decodeDepsJSON(s string) ([]string, error) {
	var deps []string
	if err := json.Unmarshal([]byte(s), &deps); err != nil {
		return nil, err
	}
	return deps, nil
}

func encodeDeps(deps []string) (string, error) {
	if len(deps) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(deps)
	return string(b), err
}

// shopRowsDelete is the statement deleting a shop's rows of table (one
// parameter, the shop's id). posting_deps has no index on its shop_id
// (migration 0014: nothing else reads by it), so a shop's dependencies are
// found through its postings, which must not be deleted before them.
func shopRowsDelete(table string) string {
	if table == "posting_deps" {
		return "DELETE FROM posting_deps WHERE posting_id IN (SELECT id FROM postings WHERE shop_id = ?)"
	}
	return "DELETE FROM " + table + " WHERE shop_id = ?"
}

// upsertRows is how many postings one multi-row statement of UpsertPostings
// carries: 200 rows of 23 columns is 4,600 parameters, far below SQLite's
// 32,766 and PostgreSQL's 65,535, while a plan chunk of 500 orders still
// takes a handful of statements instead of one per posting (on PostgreSQL
// each statement is a network round trip).
const upsertRows = 200

// postingInsertColumns are the columns UpsertPostings writes for a new posting.
const postingInsertColumns = `shop_id, posting_key, kind, deps, request, external_guid, ref_number, txn_date, name,
	plan_hash, state, message_set_id, attempts, next_attempt, qbid, edit_sequence, error_code, error_class,
	error_message, created_at, updated_at, content, base_key`

// UpsertPostings inserts postings whose (shop, key) is new and, for existing
// ones that are still planned or failed, replaces their content when the
// plan hash changed. Postings already sent, done or in doubt are never
// touched: QuickBooks may hold them, and changing what was sent would break
// recovery. Such a change is drift: it is recorded in posting_drifts (once
// per distinct planned hash) and returned by UpsertPostingsReport, never
// dropped silently; the planner books it as an adjustment (see
// planner.Input.Posted). A posting failed in planning (ErrorClassDocument)
// goes back to planned when its document plans again, and a planned one
// fails when its document no longer plans. Inserted and updated postings get their ID, ShopID and times
// set; all of it happens in one transaction.
//
// The work is done in multi-row statements: the call's keys are read first,
// upsertRows a query, then the new postings and their dependencies are
// inserted upsertRows at a time, and of the existing postings only those
// whose content really changed are updated. A re-plan of unchanged orders,
// which every sync does for the orders it re-reads, then writes nothing at
// all and builds no insert statement for them.
func (db *DB) UpsertPostings(ctx context.Context, shopID int64, ps []*shopqb.Posting) (inserted, updated int, err error) {
	r, err := db.UpsertPostingsReport(ctx, shopID, ps)
	return r.Inserted, r.Updated, err
}

// UpsertReport is what UpsertPostingsReport did.
type UpsertReport struct {
	Inserted, Updated int
	// Drifts are the planned changes to postings QuickBooks already holds
	// that were not applied (each also recorded in posting_drifts).
	Drifts []shopqb.Drift
}

// UpsertPostingsReport is UpsertPostings, also returning the drift it found.
func (db *DB) UpsertPostingsReport(ctx context.Context, shopID int64, ps []*shopqb.Posting) (rep UpsertReport, err error) {
	var inserted, updated int
	var drifts []shopqb.Drift
	deps := make([]string, len(ps))
	for i, p := range ps {
		if p.Key == "" {
			return rep, fmt.Errorf("upsert postings of shop %d: a posting of kind %q has no key", shopID, p.Kind)
		}
		if p.Kind == "" {
			return rep, fmt.Errorf("upsert posting %s of shop %d: empty kind", p.Key, shopID)
		}
		if slices.Contains(p.DependsOn, p.Key) {
			return rep, fmt.Errorf("upsert postings of shop %d: posting %s depends on itself", shopID, p.Key)
		}
		if deps[i], err = encodeDeps(p.DependsOn); err != nil {
			return rep, fmt.Errorf("upsert postings of shop %d: posting %s: encode dependencies: %w", shopID, p.Key, err)
		}
	}
	now := normTime(time.Now())
	// Fields are written back only once the transaction commits, so a
	// failed call leaves the caller's postings as they were.
	type result struct {
		id       int64
		inserted bool
	}
	var results map[*shopqb.Posting]result
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		results = make(map[*shopqb.Posting]result, len(ps))
		drifts = drifts[:0]
		// Dependencies by posting id; a posting updated twice in one call
		// (its key given twice) keeps the last list, as its deps column does.
		depsOf := map[int64][]string{}
		addDeps := func(id int64, p *shopqb.Posting) { depsOf[id] = p.DependsOn }
		// What is stored of the call's keys, read first: a sync re-plans
		// every order it re-reads, so most keys of a call usually exist,
		// and only the new ones go into the (wide) insert statements.
		keys := make([]string, 0, len(ps))
		seenKey := make(map[string]bool, len(ps))
		for _, p := range ps {
			if !seenKey[p.Key] {
				seenKey[p.Key] = true
				keys = append(keys, p.Key)
			}
		}
		stored, err := db.storedPostingsOf(ctx, tx, shopID, keys)
		if err != nil {
			return err
		}
		// Inserts, in the caller's order so that ids follow the plan: the
		// first occurrence of each key not stored. A key given twice is
		// inserted once, by its first occurrence; the second one is an
		// update of it, as if it had come in a later call.
		var fresh []int // indexes of postings to insert
		for i, p := range ps {
			if _, ok := stored[p.Key]; !ok && seenKey[p.Key] {
				seenKey[p.Key] = false
				fresh = append(fresh, i)
			}
		}
		insertedAt := make(map[int]bool, len(fresh))
		var raced []string // keys another writer inserted since they were read
		for first, n := 0, 0; first < len(fresh); first += n {
			n = db.d.rowChunk(len(fresh) - first)
			at := fresh[first : first+n]
			chunk := make([]*shopqb.Posting, len(at))
			chunkDeps := make([]string, len(at))
			for i, j := range at {
				chunk[i], chunkDeps[i] = ps[j], deps[j]
			}
			ids, err := db.insertPostings(ctx, tx, shopID, chunk, chunkDeps, now)
			if err != nil {
				return err
			}
			for _, j := range at {
				p := ps[j]
				id, ok := ids[p.Key]
				if !ok {
					raced = append(raced, p.Key)
					continue
				}
				insertedAt[j] = true
				results[p] = result{id, true}
				addDeps(id, p)
				// A later duplicate of the key compares with what was inserted.
				state := p.State
				if state == "" {
					state = shopqb.Planned
				}
				stored[p.Key] = storedPosting{hash: p.PlanHash, state: state, attempts: p.Attempts,
					errCode: p.ErrorCode, errClass: p.ErrorClass, errMessage: p.ErrorMessage}
			}
		}
		if len(raced) > 0 {
			again, err := db.storedPostingsOf(ctx, tx, shopID, raced)
			if err != nil {
				return err
			}
			maps.Copy(stored, again)
		}
		var rest []int // indexes of postings whose key already existed
		for i := range ps {
			if !insertedAt[i] {
				rest = append(rest, i)
			}
		}
		// Updates of the postings that existed, only where needed; drift
		// for those QuickBooks already holds.
		if len(rest) > 0 {
			var update, delDeps *sql.Stmt
			prepare := func() error {
				if update != nil {
					return nil
				}
				var err error
				update, err = tx.PrepareContext(ctx, db.d.q(`UPDATE postings SET kind = ?, deps = ?, request = ?,
				external_guid = ?, ref_number = ?, txn_date = ?, name = ?, plan_hash = ?, content = ?, base_key = ?,
				state = ?, attempts = ?, error_code = ?, error_class = ?, error_message = ?, updated_at = ?
				WHERE shop_id = ? AND posting_key = ? AND state = ? RETURNING id`))
				if err != nil {
					return err
				}
				delDeps, err = tx.PrepareContext(ctx, db.d.q(`DELETE FROM posting_deps WHERE posting_id = ?`))
				return err
			}
			defer func() {
				if update != nil {
					update.Close()
				}
				if delDeps != nil {
					delDeps.Close()
				}
			}()
			for _, at := range rest {
				p := ps[at]
				cur, ok := stored[p.Key]
				if !ok {
					continue // deleted since it was inserted? nothing to compare with
				}
				if !updatable(cur.state) {
					if cur.hash != p.PlanHash {
						d, err := db.recordDrift(ctx, tx, shopID, p, cur, now)
						if err != nil {
							return err
						}
						drifts = append(drifts, d)
					}
					continue
				}
				next := cur
				next.hash = p.PlanHash
				switch {
				case p.State == shopqb.Failed && p.ErrorClass == shopqb.ErrorClassDocument:
					// The document no longer plans: the posting shows why.
					next.state, next.attempts = shopqb.Failed, 0
					next.errCode, next.errClass, next.errMessage = p.ErrorCode, p.ErrorClass, p.ErrorMessage
				case cur.errClass == shopqb.ErrorClassDocument:
					// The document plans again: it goes to QuickBooks.
					next.state, next.attempts = shopqb.Planned, 0
					next.errCode, next.errClass, next.errMessage = "", "", ""
				}
				if next == cur {
					continue // unchanged
				}
				if err := prepare(); err != nil {
					return err
				}
				var id int64
				err := update.QueryRowContext(ctx, p.Kind, deps[at], p.Request, p.ExternalGUID, p.RefNumber, p.TxnDate,
					p.Name, p.PlanHash, p.Content, p.BaseKey, string(next.state), next.attempts, next.errCode,
					next.errClass, next.errMessage, db.d.t(now), shopID, p.Key, string(cur.state)).Scan(&id)
				if errors.Is(err, sql.ErrNoRows) {
					continue // changed state since it was read
				}
				if err != nil {
					return fmt.Errorf("update posting %s: %w", p.Key, err)
				}
				// A later duplicate of the key must compare with this content.
				stored[p.Key] = next
				results[p] = result{id, false}
				if _, err := delDeps.ExecContext(ctx, id); err != nil {
					return fmt.Errorf("update posting %s: clear dependencies: %w", p.Key, err)
				}
				addDeps(id, p)
			}
		}
		var depRows []any // (posting_id, shop_id, dep_key) triples, in id order
		for _, id := range slices.Sorted(maps.Keys(depsOf)) {
			for _, dep := range depsOf[id] {
				depRows = append(depRows, id, shopID, dep)
			}
		}
		if err := db.insertDeps(ctx, tx, depRows); err != nil {
			return err
		}
		written := make(map[int64]*shopqb.Posting, len(results))
		insertedID := make(map[int64]bool, len(results))
		for p, r := range results {
			written[r.id] = p
			insertedID[r.id] = r.inserted
		}
		return db.writeLedgers(ctx, tx, shopID, written, insertedID)
	})
	if err != nil {
		return rep, fmt.Errorf("upsert %d postings of shop %d: %w", len(ps), shopID, err)
	}
	for p, r := range results {
		if r.inserted {
			inserted++
			if p.State == "" {
				p.State = shopqb.Planned
			}
			p.ID, p.ShopID, p.CreatedAt, p.UpdatedAt = r.id, shopID, now, now
			p.NextAttempt = normTime(p.NextAttempt)
		} else {
			updated++
			p.ID, p.ShopID, p.UpdatedAt = r.id, shopID, now
		}
	}
	return UpsertReport{Inserted: inserted, Updated: updated, Drifts: drifts}, nil
}

// postingsInsert is insertPostings' statement.
var postingsInsert = multiRow{
	head: "INSERT INTO postings (" + postingInsertColumns + ") VALUES ",
	row:  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	tail: " ON CONFLICT (shop_id, posting_key) DO NOTHING RETURNING id, posting_key",
}

// insertPostings inserts the postings of chunk whose key is new, in one
// statement (chunk has a count of rows rowChunk gives), and returns the new
// ids by key. deps[i] is chunk[i]'s encoded dependency list.
func (db *DB) insertPostings(ctx context.Context, tx *sql.Tx, shopID int64, chunk []*shopqb.Posting, deps []string, now time.Time) (map[string]int64, error) {
	args := make([]any, 0, 23*len(chunk))
	at := db.d.t(now)
	for i, p := range chunk {
		state := p.State
		if state == "" {
			state = shopqb.Planned
		}
		args = append(args, shopID, p.Key, p.Kind, deps[i], p.Request, p.ExternalGUID, p.RefNumber,
			p.TxnDate, p.Name, p.PlanHash, string(state), p.MessageSetID, p.Attempts, db.d.t(p.NextAttempt),
			p.QBID, p.EditSequence, p.ErrorCode, p.ErrorClass, p.ErrorMessage, at, at,
			p.Content, p.BaseKey)
	}
	ids := make(map[string]int64, len(chunk))
	err := db.scanAll(ctx, tx, postingsInsert.text(db.d, len(chunk)), args, func(rows *sql.Rows) error {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			return err
		}
		ids[key] = id
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insert postings %s…: %w", chunk[0].Key, err)
	}
	return ids, nil
}

// storedPosting is what UpsertPostings compares a planned posting with.
type storedPosting struct {
	hash, errCode, errClass, errMessage string
	state                               shopqb.PostingState
	attempts                            int
}

// updatable says whether a posting in state may still get new content:
// planned and failed postings are not in QuickBooks.
func updatable(s shopqb.PostingState) bool { return s == shopqb.Planned || s == shopqb.Failed }

// storedPostingsOf reads, for those of keys (each given once) that exist,
// what UpsertPostings compares with.
func (db *DB) storedPostingsOf(ctx context.Context, tx *sql.Tx, shopID int64, keys []string) (map[string]storedPosting, error) {
	out := make(map[string]storedPosting, len(keys))
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	err := db.queryIn(ctx, tx, `SELECT posting_key, plan_hash, state, attempts, error_code, error_class, error_message
		FROM postings WHERE shop_id = ? AND posting_key IN (`, ")", []any{shopID}, args, func(rows *sql.Rows) error {
		var key, state string
		var s storedPosting
		if err := rows.Scan(&key, &s.hash, &state, &s.attempts, &s.errCode, &s.errClass, &s.errMessage); err != nil {
			return err
		}
		s.state = shopqb.PostingState(state)
		out[key] = s
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read stored postings: %w", err)
	}
	return out, nil
}

// recordDrift keeps a planned change to a posting QuickBooks holds. The same
// change (same planned hash) is recorded once however often it is planned.
func (db *DB) recordDrift(ctx context.Context, tx *sql.Tx, shopID int64, p *shopqb.Posting, cur storedPosting, now time.Time) (shopqb.Drift, error) {
	content := p.Content
	if p.State == shopqb.Failed && p.ErrorMessage != "" {
		content = p.ErrorMessage
	}
	d := shopqb.Drift{ShopID: shopID, Key: p.Key, State: cur.state, PostedHash: cur.hash, PlannedHash: p.PlanHash,
		PlannedContent: content, DetectedAt: now}
	_, err := db.exec(ctx, tx, `INSERT INTO posting_drifts (shop_id, posting_key, state, posted_hash, planned_hash,
		planned_content, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (shop_id, posting_key, planned_hash) DO NOTHING`,
		shopID, d.Key, string(d.State), d.PostedHash, d.PlannedHash, d.PlannedContent, db.d.t(now))
	if err != nil {
		return d, fmt.Errorf("record drift of posting %s: %w", p.Key, err)
	}
	return d, nil
}

// depsInsert is insertDeps' statement.
var depsInsert = multiRow{
	head: "INSERT INTO posting_deps (posting_id, shop_id, dep_key) VALUES ",
	row:  "(?, ?, ?)",
	tail: " ON CONFLICT (posting_id, dep_key) DO NOTHING",
}

// insertDeps records dependency rows, given as (posting_id, shop_id,
// dep_key) triples, in chunks of rowChunk rows.
func (db *DB) insertDeps(ctx context.Context, tx *sql.Tx, triples []any) error {
	if _, err := db.execRows(ctx, tx, depsInsert, 3, nil, triples); err != nil {
		return fmt.Errorf("record dependencies: %w", err)
	}
	return nil
}

// PostingByKey returns a shop's posting by its key, or shopqb.ErrNotFound.
func (db *DB) PostingByKey(ctx context.Context, shopID int64, key string) (*shopqb.Posting, error) {
	return db.postingByKey(ctx, shopID, key, postingColumns)
}

// PostingStateByKey is PostingByKey without the posting's Request and
// Content (left empty): what resolving a reference to it needs (its state
// and QuickBooks id), without copying its qbXML and the planner's content
// out of the database for every request that refers to it.
func (db *DB) PostingStateByKey(ctx context.Context, shopID int64, key string) (*shopqb.Posting, error) {
	return db.postingByKey(ctx, shopID, key, postingStateColumns)
}

func (db *DB) postingByKey(ctx context.Context, shopID int64, key, columns string) (*shopqb.Posting, error) {
	row := db.cachedQueryRow(ctx, db.sql, "SELECT "+columns+" FROM postings WHERE shop_id = ? AND posting_key = ?", shopID, key)
	p, err := scanPosting(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("posting %s of shop %d: %w", key, shopID, shopqb.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("posting %s of shop %d: %w", key, shopID, err)
	}
	return p, nil
}

// readyQuery selects planned postings that are due, have a request (a
// document failure has none, even when retried by hand), and whose every
// dependency exists and is done. A dependency key with no posting at all
// holds its dependant back: it means the planner has not produced the
// customer or item yet, and sending the transaction first would fail in
// QuickBooks with 3140.
const readyQuery = `SELECT p.id FROM postings p
	WHERE p.shop_id = ? AND p.state = 'planned' AND p.next_attempt <= ? AND p.request <> ''
	AND NOT EXISTS (
		SELECT 1 FROM posting_deps d
		LEFT JOIN postings q ON q.shop_id = d.shop_id AND q.posting_key = d.dep_key
		WHERE d.posting_id = p.id AND (q.id IS NULL OR q.state <> 'done'))
	ORDER BY p.id LIMIT ?`

// maxClaim bounds one claim, keeping the UPDATE's id list far below either
// database's limit on bound parameters.
const maxClaim = 1000

// ClaimReady atomically takes up to limit (at most maxClaim) ready
// postings (see readyQuery), oldest first, and marks them sent under
// messageSetID with one more attempt. On PostgreSQL the rows are locked with FOR UPDATE SKIP LOCKED, so
// concurrent claimers take different postings without waiting for each
// other; on SQLite the transaction holds the database's write lock from its
// BEGIN (_txlock=immediate), so claimers run one after the other.
func (db *DB) ClaimReady(ctx context.Context, shopID int64, now time.Time, limit int, messageSetID string) ([]*shopqb.Posting, error) {
	if limit <= 0 {
		return nil, nil
	}
	out, err := db.claim(ctx, db.conn(ctx), db.claimStatement(claimColumns), db.claimArgs(shopID, now, limit, messageSetID)...)
	if err != nil {
		return nil, fmt.Errorf("claim ready postings of shop %d: %w", shopID, err)
	}
	// RETURNING gives no order guarantee; callers send oldest first.
	sortPostingsByID(out)
	return out, nil
}

// claimStatement is ClaimReady's statement returning columns.
//
// One statement both picks and marks the postings: the ready query is its
// subquery, so the claim is a single pass over the outbox and a single
// write, and it returns what sending needs without the planner's content.
// The statement runs on its own (in the caller's transaction, if ctx
// carries one): a single statement is atomic on both databases, and SQLite
// then keeps no statement journal of the pages it changes. MATERIALIZED:
// the ready rows are chosen once. PostgreSQL would otherwise be free to run
// the subquery again inside the join, each run taking its own limit of rows.
func (db *DB) claimStatement(columns string) string {
	ready := readyQuery
	if db.d.name == Postgres {
		ready += " FOR UPDATE OF p SKIP LOCKED"
	}
	return `WITH ready AS MATERIALIZED (` + ready + `)
		UPDATE postings SET state = 'sent', message_set_id = ?, attempts = attempts + 1, updated_at = ?
		WHERE state = 'planned' AND id IN (SELECT id FROM ready) RETURNING ` + columns
}

// claimArgs are claimStatement's arguments; limit is capped at maxClaim.
func (db *DB) claimArgs(shopID int64, now time.Time, limit int, messageSetID string) []any {
	return []any{shopID, db.d.t(now), min(limit, maxClaim), messageSetID, db.d.t(time.Now())}
}

// claim runs ClaimReady's statement and reads the postings it returns.
func (db *DB) claim(ctx context.Context, q querier, query string, args ...any) ([]*shopqb.Posting, error) {
	rows, err := db.cachedQuery(ctx, q, query, args...)
	if err != nil {
		return nil, err
	}
	return scanPostings(rows, nil)
}

func sortPostingsByID(ps []*shopqb.Posting) {
	slices.SortFunc(ps, func(a, b *shopqb.Posting) int { return cmp.Compare(a.ID, b.ID) })
}

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// UpdatePostings writes the mutable fields of each posting — state, message
// set, attempts, next attempt, QuickBooks id and edit sequence, error — in
// one transaction, so a batch's results land together or not at all. A
// posting that does not exist fails the whole call with shopqb.ErrNotFound.
func (db *DB) UpdatePostings(ctx context.Context, ps []*shopqb.Posting) error {
	return db.RecordResults(ctx, 0, ps, nil, time.Time{})
}

// RecordResults is UpdatePostings and PutPostingResponses in one
// transaction: a Web Connector round trip's outcomes and QuickBooks'
// answers to them cost one commit, not one per posting, and the answers
// are never kept for outcomes that were not recorded (nor the reverse).
func (db *DB) RecordResults(ctx context.Context, shopID int64, ps []*shopqb.Posting, responses map[int64]string, at time.Time) error {
	if len(ps) == 0 && len(responses) == 0 {
		return nil
	}
	now := normTime(time.Now())
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.updatePostings(ctx, tx, ps, now); err != nil {
			return err
		}
		return db.putResponses(ctx, tx, shopID, responses, at)
	})
	if err != nil {
		return fmt.Errorf("update %d postings: %w", len(ps), err)
	}
	for _, p := range ps {
		p.UpdatedAt = now
		p.NextAttempt = normTime(p.NextAttempt)
	}
	return nil
}

// updatePostings writes UpdatePostings' fields inside tx with one prepared
// statement.
func (db *DB) updatePostings(ctx context.Context, tx *sql.Tx, ps []*shopqb.Posting, now time.Time) error {
	if len(ps) == 0 {
		return nil
	}
	const update = `UPDATE postings SET state = ?, message_set_id = ?, attempts = ?,
		next_attempt = ?, qbid = ?, edit_sequence = ?, error_code = ?, error_class = ?, error_message = ?,
		updated_at = ? WHERE id = ?`
	exec := db.preparedExec(ctx, tx, update)
	for _, p := range ps {
		if p.State == "" {
			return fmt.Errorf("posting %d (%s): empty state", p.ID, p.Key)
		}
		// One single-row statement per posting, prepared once per
		// connection: on SQLite a multi-row UPDATE … FROM (VALUES …) inside
		// the transaction costs more, because SQLite keeps a statement
		// journal of every page a multi-row write changes.
		res, err := exec(string(p.State), p.MessageSetID, p.Attempts, db.d.t(p.NextAttempt),
			p.QBID, p.EditSequence, p.ErrorCode, p.ErrorClass, p.ErrorMessage, db.d.t(now), p.ID)
		if err != nil {
			return fmt.Errorf("posting %d (%s): %w", p.ID, p.Key, err)
		}
		if err := oneRow(res); err != nil {
			return fmt.Errorf("posting %d (%s): %w", p.ID, p.Key, err)
		}
	}
	return nil
}

// ListPostings returns the postings f selects, in id order.
func (db *DB) ListPostings(ctx context.Context, f shopqb.PostingFilter) ([]*shopqb.Posting, error) {
	var where []string
	var args []any
	if f.ShopID != 0 {
		where = append(where, "shop_id = ?")
		args = append(args, f.ShopID)
	}
	if len(f.States) > 0 {
		where = append(where, "state IN ("+placeholders(len(f.States))+")")
		for _, s := range f.States {
			args = append(args, string(s))
		}
	}
	if f.Kind != "" {
		where = append(where, "kind = ?")
		args = append(args, f.Kind)
	}
	if f.KeyLike != "" {
		where = append(where, "posting_key LIKE ?")
		args = append(args, f.KeyLike)
	}
	if f.AfterID != 0 {
		where = append(where, "id > ?")
		args = append(args, f.AfterID)
	}
	q := "SELECT " + postingColumns + " FROM postings"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	// The engine lists the same few filters on every round trip (postings
	// in doubt, postings sent); their texts are few.
	rows, err := db.cachedQuery(ctx, db.sql, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list postings: %w", err)
	}
	out, err := scanPostings(rows, nil)
	if err != nil {
		return nil, fmt.Errorf("list postings: %w", err)
	}
	return out, nil
}

// CountPostings counts a shop's postings by state; states with none are absent.
func (db *DB) CountPostings(ctx context.Context, shopID int64) (map[shopqb.PostingState]int, error) {
	rows, err := db.query(ctx, db.sql, "SELECT state, COUNT(*) FROM postings WHERE shop_id = ? GROUP BY state", shopID)
	if err != nil {
		return nil, fmt.Errorf("count postings of shop %d: %w", shopID, err)
	}
	defer rows.Close()
	out := map[shopqb.PostingState]int{}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("count postings of shop %d: %w", shopID, err)
		}
		out[shopqb.PostingState(state)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count postings of shop %d: %w", shopID, err)
	}
	return out, nil
}

// ArchivePostings moves every posting of a shop into archived_postings under
// label, in one transaction, and returns how many moved. The outbox is then
// empty for a new start; the archive keeps QuickBooks ids, ExternalGUIDs and
// RefNumbers so the new run can link instead of posting twice.
func (db *DB) ArchivePostings(ctx context.Context, shopID int64, label string) (int, error) {
	if label == "" {
		return 0, fmt.Errorf("archive postings of shop %d: empty label", shopID)
	}
	var moved int
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := db.exec(ctx, tx, `INSERT INTO archived_postings (posting_id, shop_id, label, archived_at,
			posting_key, kind, deps, request, external_guid, ref_number, txn_date, name, plan_hash, state,
			message_set_id, attempts, next_attempt, qbid, edit_sequence, error_code, error_class, error_message,
			created_at, updated_at, content, base_key)
			SELECT id, shop_id, ?, ?, posting_key, kind, deps, request, external_guid, ref_number, txn_date, name,
			plan_hash, state, message_set_id, attempts, next_attempt, qbid, edit_sequence, error_code, error_class,
			error_message, created_at, updated_at, content, base_key FROM postings WHERE shop_id = ? ORDER BY id`,
			label, db.d.t(time.Now()), shopID)
		if err != nil {
			return err
		}
		copied, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if _, err := db.exec(ctx, tx, shopRowsDelete("posting_deps"), shopID); err != nil {
			return err
		}
		res, err = db.exec(ctx, tx, "DELETE FROM postings WHERE shop_id = ?", shopID)
		if err != nil {
			return err
		}
		deleted, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if copied != deleted {
			return fmt.Errorf("copied %d postings but deleted %d", copied, deleted)
		}
		moved = int(deleted)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("archive postings of shop %d as %q: %w", shopID, label, err)
	}
	return moved, nil
}

// archivePage is how many archived postings ArchivedPostings reads at a time.
const archivePage = 500

// ArchivedPostings calls fn with every archived posting of a shop, oldest
// archive first. It reads in pages by id rather than holding one cursor
// open, so fn may use the store (on SQLite as on PostgreSQL) and memory stays
// flat however many postings were archived. ID is the posting's original id.
func (db *DB) ArchivedPostings(ctx context.Context, shopID int64, fn func(*shopqb.Posting) error) error {
	var after int64
	for {
		rows, err := db.query(ctx, db.sql, `SELECT id, posting_id, shop_id, posting_key, kind, deps, request,
			external_guid, ref_number, txn_date, name, plan_hash, state, message_set_id, attempts, next_attempt, qbid,
			edit_sequence, error_code, error_class, error_message, created_at, updated_at, content, base_key
			FROM archived_postings WHERE shop_id = ? AND id > ? ORDER BY id LIMIT ?`, shopID, after, archivePage)
		if err != nil {
			return fmt.Errorf("archived postings of shop %d: %w", shopID, err)
		}
		var page []*shopqb.Posting
		for rows.Next() {
			var archiveID int64
			p, err := scanPosting(prefixScanner{rows, &archiveID})
			if err != nil {
				rows.Close()
				return fmt.Errorf("archived postings of shop %d: %w", shopID, err)
			}
			after = archiveID
			page = append(page, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("archived postings of shop %d: %w", shopID, err)
		}
		for _, p := range page {
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(page) < archivePage {
			return nil
		}
	}
}

// prefixScanner scans one leading column into extra before the columns a
// scan function expects.
type prefixScanner struct {
	r     rowScanner
	extra any
}

func (s prefixScanner) Scan(dest ...any) error {
	return s.r.Scan(append([]any{s.extra}, dest...)...)
}
