package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
)

// This file holds what the merchant's pages read (issue 11): the ledger of
// each posting, an index of order and payout snapshots by what people search
// for, and paged, indexed lists. Every query here is bounded by an index
// (migration 0010), so a page costs the same on a shop of a hundred orders
// and on one of a hundred thousand.

// writeLedgers replaces the ledger rows of the postings just inserted or
// updated (by id), in the caller's transaction. Only the updated ones can
// have rows to delete (fresh says which were inserted): ids are never
// reused, and a back-fill inserts nearly all of its postings.
func (db *DB) writeLedgers(ctx context.Context, tx *sql.Tx, shopID int64, written map[int64]*shopqb.Posting, fresh map[int64]bool) error {
	if len(written) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(written))
	for id := range written {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var keys []any
	for _, id := range ids {
		if !fresh[id] {
			keys = append(keys, id)
		}
	}
	if _, err := db.execIn(ctx, tx, "DELETE FROM posting_ledger WHERE posting_id IN (", ")", nil, keys); err != nil {
		return fmt.Errorf("clear posting ledgers: %w", err)
	}
	var rows []any
	for _, id := range ids {
		p := written[id]
		seen := map[shopqb.Category]bool{}
		for _, l := range p.Ledger {
			if l.Amount == 0 || seen[l.Category] {
				if seen[l.Category] {
					return fmt.Errorf("posting %s: category %s twice in its ledger", p.Key, l.Category)
				}
				continue
			}
			seen[l.Category] = true
			rows = append(rows, id, shopID, p.TxnDate, string(l.Category), ledgerFlow(p.Key), int64(l.Amount))
		}
	}
	if _, err := db.execRows(ctx, tx, ledgerInsert, 6, nil, rows); err != nil {
		return fmt.Errorf("record posting ledgers: %w", err)
	}
	return nil
}

// ledgerInsert is writeLedgers' statement.
var ledgerInsert = multiRow{
	head: "INSERT INTO posting_ledger (posting_id, shop_id, txn_date, category, flow, amount) VALUES ",
	row:  "(?, ?, ?, ?, ?, ?)",
}

// PostingLedgers returns the ledger of each of the shop's postings with these ids.
func (db *DB) PostingLedgers(ctx context.Context, shopID int64, ids []int64) (map[int64][]shopqb.LedgerLine, error) {
	out := map[int64][]shopqb.LedgerLine{}
	for first := 0; first < len(ids); first += upsertRows {
		chunk := ids[first:min(first+upsertRows, len(ids))]
		args := make([]any, 0, len(chunk))
		for _, id := range chunk {
			args = append(args, id)
		}
		// By posting id alone, the primary key: with shop_id in the WHERE
		// clause a database may read the shop's whole ledger by
		// posting_ledger_day instead. The shop is checked on each row.
		rows, err := db.query(ctx, db.sql, `SELECT posting_id, shop_id, category, amount FROM posting_ledger
			WHERE posting_id IN (`+placeholders(len(chunk))+`) ORDER BY posting_id, category`, args...)
		if err != nil {
			return nil, fmt.Errorf("posting ledgers of shop %d: %w", shopID, err)
		}
		for rows.Next() {
			var id, shop, amt int64
			var cat string
			if err := rows.Scan(&id, &shop, &cat, &amt); err != nil {
				rows.Close()
				return nil, fmt.Errorf("posting ledgers of shop %d: %w", shopID, err)
			}
			if shop != shopID {
				continue
			}
			out[id] = append(out[id], shopqb.LedgerLine{Category: shopqb.Category(cat), Amount: money.Cents(amt)})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("posting ledgers of shop %d: %w", shopID, err)
		}
	}
	return out, nil
}

// DayLedger is the sum of done postings' ledgers of one day and category.
type DayLedger struct {
	Day      string
	Category shopqb.Category
	// Refund: the sum of refunds' postings (a refund's credit memo and
	// payment back, a day's refund summary), apart from the rest.
	Refund bool
	Amount money.Cents
}

// ledgerFlow is the flow of a posting's ledger by its key: refunds'
// documents are "refund:…" (detail: the credit memo and its payment back)
// and "summary:refunds:…" (a day's refunds). Migration 0010 applied the same
// rule to the ledgers stored before it.
func ledgerFlow(key string) string {
	if strings.HasPrefix(key, "refund:") || strings.HasPrefix(key, "summary:refunds:") {
		return FlowRefund
	}
	return ""
}

// notDoneAtMost is how many postings of a range may wait before
// DoneLedgerByDay joins every ledger row to its posting instead of
// subtracting theirs from the range's whole ledger.
var notDoneAtMost = 2000

// DoneLedgerByDay sums the ledger of the shop's done postings per day,
// category and flow, for days from..to (YYYY-MM-DD, inclusive), in day,
// category and flow order. It is the whole ledger of the days, summed from
// the index alone, less the ledgers of the postings not done, which are few
// once the Web Connector has caught up; while more wait, each row is joined
// to its posting.
func (db *DB) DoneLedgerByDay(ctx context.Context, shopID int64, from, to string) ([]DayLedger, error) {
	waiting, err := db.notDoneIn(ctx, shopID, from, to)
	if err != nil {
		return nil, err
	}
	q := `SELECT txn_date, category, flow, SUM(amount) FROM posting_ledger
		WHERE shop_id = ? AND txn_date >= ? AND txn_date <= ? GROUP BY txn_date, category, flow`
	if len(waiting) > notDoneAtMost {
		waiting = nil
		q = `SELECT l.txn_date, l.category, l.flow, SUM(l.amount) FROM posting_ledger l
		JOIN postings p ON p.id = l.posting_id
		WHERE l.shop_id = ? AND l.txn_date >= ? AND l.txn_date <= ? AND p.state = 'done'
		GROUP BY l.txn_date, l.category, l.flow`
	}
	type cell struct{ day, category, flow string }
	sums := map[cell]int64{}
	scan := func(rows *sql.Rows, sign int64) error {
		defer rows.Close()
		for rows.Next() {
			var c cell
			var amt int64
			if err := rows.Scan(&c.day, &c.category, &c.flow, &amt); err != nil {
				return err
			}
			sums[c] += sign * amt
		}
		return rows.Err()
	}
	rows, err := db.query(ctx, db.sql, q, shopID, from, to)
	if err == nil {
		err = scan(rows, 1)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger of shop %d from %s to %s: %w", shopID, from, to, err)
	}
	for first := 0; first < len(waiting); first += upsertRows {
		chunk := waiting[first:min(first+upsertRows, len(waiting))]
		args := make([]any, 0, len(chunk))
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := db.query(ctx, db.sql, "SELECT txn_date, category, flow, amount FROM posting_ledger WHERE posting_id IN ("+
			placeholders(len(chunk))+")", args...)
		if err == nil {
			err = scan(rows, -1)
		}
		if err != nil {
			return nil, fmt.Errorf("ledger of shop %d: %w", shopID, err)
		}
	}
	out := make([]DayLedger, 0, len(sums))
	for c, amt := range sums {
		if amt != 0 {
			out = append(out, DayLedger{Day: c.day, Category: shopqb.Category(c.category), Refund: c.flow == FlowRefund, Amount: money.Cents(amt)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Day != b.Day {
			return a.Day < b.Day
		}
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		return !a.Refund && b.Refund
	})
	return out, nil
}

// notDoneIn lists the shop's postings not done dated from..to, at most
// notDoneAtMost+1 of them (index postings_state_day).
func (db *DB) notDoneIn(ctx context.Context, shopID int64, from, to string) ([]int64, error) {
	rows, err := db.query(ctx, db.sql, `SELECT id FROM postings WHERE shop_id = ? AND state IN (?, ?, ?, ?)
		AND txn_date >= ? AND txn_date <= ? LIMIT ?`, shopID, string(shopqb.Planned), string(shopqb.Sent), string(shopqb.Failed),
		string(shopqb.InDoubt), from, to, notDoneAtMost+1)
	if err != nil {
		return nil, fmt.Errorf("postings of shop %d waiting from %s to %s: %w", shopID, from, to, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// indexedFields are the parts of an order or payout snapshot the index keeps.
// The bodies are the JSON of internal/shopify's Order and Payout; only the
// fields read here are decoded.
type indexedFields struct {
	Name             string     `json:"name"`
	LegacyResourceID string     `json:"legacyResourceId"`
	ProcessedAt      *time.Time `json:"processedAt"`
	IssuedAt         *time.Time `json:"issuedAt"`
	Customer         *struct {
		DisplayName         string `json:"displayName"`
		DefaultEmailAddress *struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"defaultEmailAddress"`
	} `json:"customer"`
	Refunds []struct {
		CreatedAt   time.Time  `json:"createdAt"`
		ProcessedAt *time.Time `json:"processedAt"`
	} `json:"refunds"`
	Agreements []struct {
		HappenedAt time.Time `json:"happenedAt"`
	} `json:"agreements"`
	BalanceTransactions []struct {
		AssociatedOrder *struct {
			ID string `json:"id"`
		} `json:"associatedOrder"`
	} `json:"balanceTransactions"`
}

// indexed says whether snapshots of kind are in snapshot_index.
func indexed(kind string) bool { return kind == "order" || kind == "payout" }

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// SnapshotQuery searches the index of orders or payouts. Text is matched,
// whole, against the name ("#1001"), the number ("1001"), the customer's
// name and e-mail (case-insensitive); From/To bound the time instead when
// set (Text empty). Results are newest first, Limit at a time, after the
// cursor of the previous page.
type SnapshotQuery struct {
	ShopID   int64
	Kind     string // "order" or "payout"
	Text     string
	From, To time.Time
	// Before is the cursor: the last result of the previous page.
	Before *IndexedSnapshot
	Limit  int
}

// IndexedSnapshot is one search result.
type IndexedSnapshot struct {
	Kind, GID, Name, Number string
	At                      time.Time
}

// SearchSnapshots runs q. Each way of matching is its own indexed query;
// an object matched twice is listed once.
func (db *DB) SearchSnapshots(ctx context.Context, q SnapshotQuery) ([]IndexedSnapshot, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	text := strings.ToLower(strings.TrimSpace(q.Text))
	type clause struct {
		where string
		args  []any
	}
	var clauses []clause
	if text != "" {
		clauses = append(clauses, clause{"name = ?", []any{q.Text}}, clause{"customer = ?", []any{text}},
			clause{"email = ?", []any{text}})
		if !strings.HasPrefix(text, "#") {
			clauses = append(clauses, clause{"name = ?", []any{"#" + q.Text}})
		}
		if n := digits(text); n != "" && n == strings.TrimPrefix(text, "#") {
			// An order's number: the number index holds only the objects
			// not named "#" and their number (migration 0014); the rest
			// are found by that name. The condition is the index's own, so
			// that the databases use it.
			if q.Text != n && q.Text != "#"+n { // else a clause above asks it
				clauses = append(clauses, clause{"name = ?", []any{"#" + n}})
			}
			clauses = append(clauses, clause{"number = ? AND name <> ('#' || number)", []any{n}})
		}
	} else {
		c := clause{"1 = 1", nil}
		if !q.From.IsZero() {
			c.where += " AND at >= ?"
			c.args = append(c.args, db.d.t(q.From))
		}
		if !q.To.IsZero() {
			c.where += " AND at < ?"
			c.args = append(c.args, db.d.t(q.To))
		}
		clauses = append(clauses, c)
	}
	seen := map[string]bool{}
	var out []IndexedSnapshot
	for _, c := range clauses {
		where := "shop_id = ? AND kind = ? AND " + c.where
		args := append([]any{q.ShopID, q.Kind}, c.args...)
		if q.Before != nil {
			where += " AND (at < ? OR (at = ? AND gid < ?))"
			args = append(args, db.d.t(q.Before.At), db.d.t(q.Before.At), q.Before.GID)
		}
		args = append(args, q.Limit)
		rows, err := db.query(ctx, db.sql, "SELECT kind, gid, name, number, at FROM snapshot_index WHERE "+where+
			" ORDER BY at DESC, gid DESC LIMIT ?", args...)
		if err != nil {
			return nil, fmt.Errorf("search %ss of shop %d: %w", q.Kind, q.ShopID, err)
		}
		for rows.Next() {
			var r IndexedSnapshot
			if err := rows.Scan(&r.Kind, &r.GID, &r.Name, &r.Number, timeScan{&r.At}); err != nil {
				rows.Close()
				return nil, fmt.Errorf("search %ss of shop %d: %w", q.Kind, q.ShopID, err)
			}
			if !seen[r.GID] {
				seen[r.GID] = true
				out = append(out, r)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("search %ss of shop %d: %w", q.Kind, q.ShopID, err)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.After(out[j].At)
		}
		return out[i].GID > out[j].GID
	})
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

// SnapshotsTouching returns the GIDs of the shop's objects of kind that book
// something in [from, to) (an order's sale, refunds and edits; a payout's issue).
func (db *DB) SnapshotsTouching(ctx context.Context, shopID int64, kind string, from, to time.Time) ([]string, error) {
	rows, err := db.query(ctx, db.sql, `SELECT DISTINCT gid FROM snapshot_events WHERE shop_id = ? AND kind = ?
		AND at >= ? AND at < ? ORDER BY gid`, shopID, kind, db.d.t(from), db.d.t(to))
	if err != nil {
		return nil, fmt.Errorf("%ss of shop %d in range: %w", kind, shopID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// OrdersTouchingAt is SnapshotsTouching for orders, each with the time its
// index holds (its processedAt), in GID order.
func (db *DB) OrdersTouchingAt(ctx context.Context, shopID int64, from, to time.Time) ([]IndexedSnapshot, error) {
	rows, err := db.query(ctx, db.sql, `SELECT i.gid, i.at FROM snapshot_index i WHERE i.shop_id = ? AND i.gid IN
		(SELECT e.gid FROM snapshot_events e WHERE e.shop_id = ? AND e.kind = 'order' AND e.at >= ? AND e.at < ?)
		ORDER BY i.gid`, shopID, shopID, db.d.t(from), db.d.t(to))
	if err != nil {
		return nil, fmt.Errorf("orders of shop %d in range: %w", shopID, err)
	}
	defer rows.Close()
	var out []IndexedSnapshot
	for rows.Next() {
		r := IndexedSnapshot{Kind: "order"}
		if err := rows.Scan(&r.GID, timeScan{&r.At}); err != nil {
			return nil, fmt.Errorf("orders of shop %d in range: %w", shopID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LinkedFrom returns the GIDs of the objects (payouts) that link to gid (an order).
func (db *DB) LinkedFrom(ctx context.Context, shopID int64, gid string) ([]string, error) {
	rows, err := db.query(ctx, db.sql, "SELECT gid FROM snapshot_links WHERE shop_id = ? AND linked = ? ORDER BY gid", shopID, gid)
	if err != nil {
		return nil, fmt.Errorf("links to %s: %w", gid, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// LatestSnapshots returns the newest version of each of gids (unknown ones are absent).
func (db *DB) LatestSnapshots(ctx context.Context, shopID int64, gids []string) ([]*shopqb.Snapshot, error) {
	out, err := queryInChunks(ctx, db, shopID, gids, func(in string) string {
		return `SELECT ` + snapshotColumns + ` FROM snapshot_index i
			JOIN snapshots s ON s.shop_id = i.shop_id AND s.gid = i.gid AND s.updated_at = i.updated_at
			WHERE i.shop_id = ? AND i.gid IN (` + in + `) ORDER BY s.gid`
	}, scanSnapshot)
	if err != nil {
		return nil, fmt.Errorf("snapshots of shop %d: %w", shopID, err)
	}
	return out, nil
}

// PostingsByKeys returns the shop's postings with these keys, in id order.
func (db *DB) PostingsByKeys(ctx context.Context, shopID int64, keys []string) ([]*shopqb.Posting, error) {
	out, err := queryInChunks(ctx, db, shopID, keys, func(in string) string {
		return "SELECT " + postingColumns + " FROM postings WHERE shop_id = ? AND posting_key IN (" + in + ")"
	}, scanPosting)
	if err != nil {
		return nil, fmt.Errorf("postings of shop %d by key: %w", shopID, err)
	}
	sortPostingsByID(out)
	return out, nil
}

// queryInChunks runs a shop's "… IN (…)" query over keys in chunks the
// databases accept (upsertRows at a time) and scans every row with scan.
// query gets the placeholders of one chunk.
func queryInChunks[T any](ctx context.Context, db *DB, shopID int64, keys []string, query func(in string) string,
	scan func(rowScanner) (T, error)) ([]T, error) {
	var out []T
	for first := 0; first < len(keys); first += upsertRows {
		chunk := keys[first:min(first+upsertRows, len(keys))]
		args := []any{shopID}
		for _, k := range chunk {
			args = append(args, k)
		}
		rows, err := db.query(ctx, db.sql, query(placeholders(len(chunk))), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PostingCounts counts the shop's postings per state and, of the done ones,
// those that became done at or after since (zero: none), in one read of the
// index postings_state_updated: the dashboard's counts and its progress bar
// from one pass over a shop of hundreds of thousands of postings.
func (db *DB) PostingCounts(ctx context.Context, shopID int64, since time.Time) (map[shopqb.PostingState]int, int, error) {
	out := map[shopqb.PostingState]int{}
	doneSince := 0
	if since.IsZero() {
		since = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	rows, err := db.query(ctx, db.sql, `SELECT state, COUNT(*), SUM(CASE WHEN updated_at >= ? THEN 1 ELSE 0 END) FROM postings
		WHERE shop_id = ? GROUP BY state`, db.d.t(since), shopID)
	if err != nil {
		return nil, 0, fmt.Errorf("count postings of shop %d: %w", shopID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n, recent int
		if err := rows.Scan(&state, &n, &recent); err != nil {
			return nil, 0, fmt.Errorf("count postings of shop %d: %w", shopID, err)
		}
		out[shopqb.PostingState(state)] = n
		if shopqb.PostingState(state) == shopqb.Done {
			doneSince = recent
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("count postings of shop %d: %w", shopID, err)
	}
	return out, doneSince, nil
}

// CountDoneSince counts the shop's postings that became done at or after since.
func (db *DB) CountDoneSince(ctx context.Context, shopID int64, since time.Time) (int, error) {
	var n int
	err := db.queryRow(ctx, db.sql, "SELECT COUNT(*) FROM postings WHERE shop_id = ? AND state = 'done' AND updated_at >= ?",
		shopID, db.d.t(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count done postings of shop %d: %w", shopID, err)
	}
	return n, nil
}

// FailureCause is a group of failed postings with one cause.
type FailureCause struct {
	Code, Class, Kind string
	Count             int
	// FirstID is the oldest posting of the group.
	FirstID int64
}

// FailureCauses groups the shop's failed postings by error code, class and kind.
func (db *DB) FailureCauses(ctx context.Context, shopID int64) ([]FailureCause, error) {
	rows, err := db.query(ctx, db.sql, `SELECT error_code, error_class, kind, COUNT(*), MIN(id) FROM postings
		WHERE shop_id = ? AND state = 'failed' GROUP BY error_code, error_class, kind ORDER BY COUNT(*) DESC, MIN(id)`, shopID)
	if err != nil {
		return nil, fmt.Errorf("failures of shop %d: %w", shopID, err)
	}
	defer rows.Close()
	var out []FailureCause
	for rows.Next() {
		var c FailureCause
		if err := rows.Scan(&c.Code, &c.Class, &c.Kind, &c.Count, &c.FirstID); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FailedWithCause lists the shop's failed postings of one cause, Limit after afterID.
func (db *DB) FailedWithCause(ctx context.Context, shopID int64, code, class, kind string, afterID int64, limit int) ([]*shopqb.Posting, error) {
	rows, err := db.query(ctx, db.sql, "SELECT "+postingColumns+` FROM postings WHERE shop_id = ? AND state = 'failed'
		AND error_code = ? AND error_class = ? AND kind = ? AND id > ? ORDER BY id LIMIT ?`, shopID, code, class, kind, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("failed postings of shop %d: %w", shopID, err)
	}
	return scanPostings(rows, nil)
}

// SyncRunsBefore pages the shop's sync history, newest first: limit runs
// with an id below beforeID (0: from the newest).
func (db *DB) SyncRunsBefore(ctx context.Context, shopID, beforeID int64, limit int) ([]*shopqb.SyncRun, error) {
	if beforeID <= 0 {
		return db.SyncRuns(ctx, shopID, limit)
	}
	rows, err := db.query(ctx, db.sql, `SELECT id, shop_id, run_trigger, window_from, window_to, started_at, finished_at,
		status, counts, error FROM sync_runs WHERE shop_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, shopID, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("sync runs of shop %d: %w", shopID, err)
	}
	defer rows.Close()
	var out []*shopqb.SyncRun
	for rows.Next() {
		var r shopqb.SyncRun
		var counts string
		if err := rows.Scan(&r.ID, &r.ShopID, &r.Trigger, timeScan{&r.WindowFrom}, timeScan{&r.WindowTo},
			timeScan{&r.StartedAt}, nullTimeScan{&r.FinishedAt}, &r.Status, &counts, &r.Error); err != nil {
			return nil, fmt.Errorf("sync runs of shop %d: %w", shopID, err)
		}
		if err := json.Unmarshal([]byte(counts), &r.Counts); err != nil {
			return nil, fmt.Errorf("sync run %d: decode counts: %w", r.ID, err)
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// ShopsPage lists shops by id after afterID, limit at a time; a non-empty
// search matches the domain or the name exactly or by prefix (case-insensitive
// on the domain, which is stored in lower case).
func (db *DB) ShopsPage(ctx context.Context, search string, afterID int64, limit int) ([]*shopqb.Shop, error) {
	where, args := "id > ?", []any{afterID}
	if s := strings.TrimSpace(search); s != "" {
		// Prefix ranges use the indexes on domain and name on both databases
		// (a LIKE with a leading wildcard would read every shop).
		lo := strings.ToLower(s)
		where += " AND ((domain >= ? AND domain < ?) OR (name >= ? AND name < ?))"
		args = append(args, lo, lo+"\uffff", s, s+"\uffff")
	}
	args = append(args, limit)
	rows, err := db.query(ctx, db.sql, "SELECT "+shopColumns+" FROM shops WHERE "+where+" ORDER BY id LIMIT ?", args...)
	if err != nil {
		return nil, fmt.Errorf("list shops: %w", err)
	}
	defer rows.Close()
	var out []*shopqb.Shop
	for rows.Next() {
		s, err := scanShop(rows)
		if err != nil {
			return nil, fmt.Errorf("list shops: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
