package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
)

// This file holds figures the merchant's pages read instead of computing
// them again (migration 0010): Shopify's expected totals per source, day
// and category, written by the commit step, and QuickBooks' answer to each
// posting.

// FlowRefund marks a figure a refund books (ExpectedRow.Refund, DayLedger.Refund).
const FlowRefund = "refund"

// KVExpectedComplete is set (to "1") by the commit of a plan of the whole
// shop, once every source's expected figures are stored; it is cleared when
// such a plan begins. The reconciliation sums the stored figures only while
// it is set.
const KVExpectedComplete = "expected:complete"

// ExpectedRow is one stored figure of Shopify's side: what a source books
// on a day in a category, debit positive.
type ExpectedRow struct {
	Source   string
	Day      string
	Category shopqb.Category
	Refund   bool
	Amount   money.Cents
}

// ExpectedFigures are a plan's expected totals as the commit step stores
// them: each source of Sources is replaced whole by its Rows (a source
// without rows books nothing).
type ExpectedFigures struct {
	// ReplaceAll deletes every stored figure of the shop first: the plan's
	// commits cover the whole shop.
	ReplaceAll bool
	Sources    []string
	Rows       []ExpectedRow
}

func flowOf(refund bool) string {
	if refund {
		return FlowRefund
	}
	return ""
}

// writeExpected replaces the figures of f's sources and moves the day sums
// (expected_days) by the difference, in the caller's transaction. A source
// whose stored rows are already exactly its new ones is left as it is: a
// sync re-plans every order it re-reads, most of them unchanged, and
// deleting and inserting their rows again wrote three index entries a row
// for nothing.
func (db *DB) writeExpected(ctx context.Context, tx *sql.Tx, shopID int64, f *ExpectedFigures) error {
	type cell struct{ day, category, flow string }
	delta := map[cell]int64{}
	// The new figures by source; a cell given twice for one source can
	// never match what is stored (its primary key forbids it), so such a
	// source is written, and its insert reports the duplicate.
	planned := map[string]map[cell]int64{}
	twice := map[string]bool{}
	for _, r := range f.Rows {
		m := planned[r.Source]
		if m == nil {
			m = map[cell]int64{}
			planned[r.Source] = m
		}
		c := cell{r.Day, string(r.Category), flowOf(r.Refund)}
		if _, ok := m[c]; ok {
			twice[r.Source] = true
		}
		m[c] = int64(r.Amount)
	}
	// Sources whose rows are written; rows of a source not in f.Sources are
	// inserted as given (nothing of it is stored to replace).
	write := map[string]bool{}
	for src := range planned {
		write[src] = true
	}
	if f.ReplaceAll {
		for _, table := range []string{"expected_ledger", "expected_days"} {
			if _, err := db.exec(ctx, tx, "DELETE FROM "+table+" WHERE shop_id = ?", shopID); err != nil {
				return fmt.Errorf("clear expected figures: %w", err)
			}
		}
	} else {
		sources := slices.Compact(slices.Sorted(slices.Values(f.Sources)))
		stored := make(map[string]map[cell]int64, len(sources))
		keys := make([]any, len(sources))
		for i, src := range sources {
			keys[i] = src
		}
		// Rows, not sums: with a GROUP BY, SQLite reads the shop's
		// figures through the day index, all of them for every chunk.
		err := db.queryIn(ctx, tx, "SELECT source, day, category, flow, amount FROM expected_ledger WHERE shop_id = ? AND source IN (",
			")", []any{shopID}, keys, func(rows *sql.Rows) error {
				var src string
				var c cell
				var amt int64
				if err := rows.Scan(&src, &c.day, &c.category, &c.flow, &amt); err != nil {
					return err
				}
				m := stored[src]
				if m == nil {
					m = map[cell]int64{}
					stored[src] = m
				}
				m[c] = amt
				return nil
			})
		if err != nil {
			return fmt.Errorf("read expected figures: %w", err)
		}
		var replaced []any
		for _, src := range sources {
			if !twice[src] && maps.Equal(stored[src], planned[src]) {
				delete(write, src) // unchanged (or still nothing)
				continue
			}
			write[src] = true
			if old, ok := stored[src]; ok {
				for c, amt := range old {
					delta[c] -= amt
				}
				replaced = append(replaced, src)
			}
		}
		if _, err := db.execIn(ctx, tx, "DELETE FROM expected_ledger WHERE shop_id = ? AND source IN (", ")", []any{shopID}, replaced); err != nil {
			return fmt.Errorf("clear expected figures: %w", err)
		}
	}
	rows := make([]ExpectedRow, 0, len(f.Rows))
	for _, r := range f.Rows {
		if write[r.Source] {
			rows = append(rows, r)
		}
	}
	args := make([]any, 0, 6*len(rows))
	for _, r := range rows {
		args = append(args, shopID, r.Source, r.Day, string(r.Category), flowOf(r.Refund), int64(r.Amount))
		delta[cell{r.Day, string(r.Category), flowOf(r.Refund)}] += int64(r.Amount)
	}
	if _, err := db.execRows(ctx, tx, expectedInsert, 6, nil, args); err != nil {
		return fmt.Errorf("record expected figures: %w", err)
	}
	cells := make([]cell, 0, len(delta))
	for c, d := range delta {
		if d != 0 {
			cells = append(cells, c)
		}
	}
	// In key order, so two commits never take the rows' locks in opposite orders.
	sort.Slice(cells, func(i, j int) bool {
		a, b := cells[i], cells[j]
		if a.day != b.day {
			return a.day < b.day
		}
		if a.category != b.category {
			return a.category < b.category
		}
		return a.flow < b.flow
	})
	sums := make([]any, 0, 5*len(cells))
	for _, c := range cells {
		sums = append(sums, shopID, c.day, c.category, c.flow, delta[c])
	}
	if _, err := db.execRows(ctx, tx, expectedDaysUpsert, 5, nil, sums); err != nil {
		return fmt.Errorf("record expected day sums: %w", err)
	}
	return nil
}

// The statements of writeExpected that carry rows.
var (
	expectedInsert = multiRow{
		head: "INSERT INTO expected_ledger (shop_id, source, day, category, flow, amount) VALUES ",
		row:  "(?, ?, ?, ?, ?, ?)",
	}
	expectedDaysUpsert = multiRow{
		head: "INSERT INTO expected_days (shop_id, day, category, flow, amount) VALUES ",
		row:  "(?, ?, ?, ?, ?)",
		tail: " ON CONFLICT (shop_id, day, category, flow) DO UPDATE SET amount = expected_days.amount + excluded.amount",
	}
)

// DayFigure is a sum of one day, category and flow.
type DayFigure struct {
	Day      string
	Category shopqb.Category
	Refund   bool
	Amount   money.Cents
}

// ExpectedByDay is the sum of the shop's stored expected figures per day,
// category and flow (expected_days), for days from..to (YYYY-MM-DD,
// inclusive), in that order.
func (db *DB) ExpectedByDay(ctx context.Context, shopID int64, from, to string) ([]DayFigure, error) {
	rows, err := db.query(ctx, db.sql, `SELECT day, category, flow, amount FROM expected_days
		WHERE shop_id = ? AND day >= ? AND day <= ? AND amount <> 0 ORDER BY day, category, flow`, shopID, from, to)
	if err != nil {
		return nil, fmt.Errorf("expected figures of shop %d from %s to %s: %w", shopID, from, to, err)
	}
	defer rows.Close()
	var out []DayFigure
	for rows.Next() {
		var d DayFigure
		var cat, flow string
		var amt int64
		if err := rows.Scan(&d.Day, &cat, &flow, &amt); err != nil {
			return nil, fmt.Errorf("expected figures of shop %d: %w", shopID, err)
		}
		d.Category, d.Refund, d.Amount = shopqb.Category(cat), flow == FlowRefund, money.Cents(amt)
		out = append(out, d)
	}
	return out, rows.Err()
}

// PutPostingResponses stores QuickBooks' answer to each posting (by id),
// replacing an earlier one; the caller bounds their size.
func (db *DB) PutPostingResponses(ctx context.Context, shopID int64, responses map[int64]string, at time.Time) error {
	if len(responses) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.putResponses(ctx, tx, shopID, responses, at) })
}

// putResponses writes PutPostingResponses' rows inside tx with one prepared
// statement, in posting order so that concurrent writers on PostgreSQL
// take the rows' locks in the same order.
func (db *DB) putResponses(ctx context.Context, tx *sql.Tx, shopID int64, responses map[int64]string, at time.Time) error {
	if len(responses) == 0 {
		return nil
	}
	const insert = `INSERT INTO posting_responses (posting_id, shop_id, response, received_at)
		SELECT id, shop_id, ?, ? FROM postings WHERE id = ? AND shop_id = ?
		ON CONFLICT (posting_id) DO UPDATE SET response = excluded.response, received_at = excluded.received_at`
	exec := db.preparedExec(ctx, tx, insert)
	for _, id := range slices.Sorted(maps.Keys(responses)) {
		if _, err := exec(responses[id], db.d.t(at), id, shopID); err != nil {
			return fmt.Errorf("record QuickBooks' answer to posting %d: %w", id, err)
		}
	}
	return nil
}

// PostingResponses returns QuickBooks' stored answer to each of the shop's
// postings with these ids (absent when none was kept).
func (db *DB) PostingResponses(ctx context.Context, shopID int64, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for first := 0; first < len(ids); first += upsertRows {
		chunk := ids[first:min(first+upsertRows, len(ids))]
		args := []any{shopID}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := db.query(ctx, db.sql, "SELECT posting_id, response FROM posting_responses WHERE shop_id = ? AND posting_id IN ("+
			placeholders(len(chunk))+")", args...)
		if err != nil {
			return nil, fmt.Errorf("answers to postings of shop %d: %w", shopID, err)
		}
		for rows.Next() {
			var id int64
			var r string
			if err := rows.Scan(&id, &r); err != nil {
				rows.Close()
				return nil, fmt.Errorf("answers to postings of shop %d: %w", shopID, err)
			}
			out[id] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RedactPostingResponses offers every stored answer of a shop's postings to
// redact, with the posting's key and state, and stores what it returns in
// place of the old text, reporting how many changed.
func (db *DB) RedactPostingResponses(ctx context.Context, shopID int64, redact func(key string, state shopqb.PostingState, response string) (string, error)) (int, error) {
	changed := 0
	var after int64
	for {
		rows, err := db.query(ctx, db.sql, `SELECT r.posting_id, p.posting_key, p.state, r.response FROM posting_responses r
			JOIN postings p ON p.id = r.posting_id WHERE r.shop_id = ? AND r.posting_id > ? ORDER BY r.posting_id LIMIT ?`,
			shopID, after, redactPage)
		if err != nil {
			return changed, fmt.Errorf("redact answers to postings of shop %d: %w", shopID, err)
		}
		type row struct {
			id              int64
			key, state, old string
		}
		var page []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.key, &r.state, &r.old); err != nil {
				rows.Close()
				return changed, fmt.Errorf("redact answers to postings of shop %d: %w", shopID, err)
			}
			page = append(page, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return changed, err
		}
		for _, r := range page {
			nv, err := redact(r.key, shopqb.PostingState(r.state), r.old)
			if err != nil {
				return changed, fmt.Errorf("redact the answer to posting %s: %w", r.key, err)
			}
			if nv == r.old {
				continue
			}
			res, err := db.exec(ctx, db.sql, "UPDATE posting_responses SET response = ? WHERE posting_id = ? AND shop_id = ? AND response = ?",
				nv, r.id, shopID, r.old)
			if err != nil {
				return changed, fmt.Errorf("redact the answer to posting %s: %w", r.key, err)
			}
			if n, err := res.RowsAffected(); err == nil {
				changed += int(n)
			}
		}
		if len(page) < redactPage {
			return changed, nil
		}
		after = page[len(page)-1].id
	}
}
