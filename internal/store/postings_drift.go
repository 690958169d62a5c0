package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopqb/shopqb"
)

// PostedFor returns what a planner needs to book drift as adjustments:
// given the planned hash of each transaction key of a plan, the postings of
// those keys that QuickBooks holds or may hold (sent, done, in doubt) with
// another hash, or that already have adjustments, together with all their
// adjustments (any state). A re-plan of unchanged documents — what every
// sync does for what it re-reads — finds nothing and returns nil after one
// light query per maxClaim keys; full rows are read only for the drifted.
func (db *DB) PostedFor(ctx context.Context, shopID int64, planned map[string]string) ([]*shopqb.Posting, error) {
	keys := make([]string, 0, len(planned))
	for k := range planned {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	bases := map[string]bool{}
	for first := 0; first < len(keys); first += maxClaim {
		chunk := keys[first:min(first+maxClaim, len(keys))]
		args := make([]any, 0, 2*len(chunk)+2)
		args = append(args, shopID)
		for _, k := range chunk {
			args = append(args, k)
		}
		args = append(args, shopID)
		for _, k := range chunk {
			args = append(args, k)
		}
		// Two indexed lookups: SQLite answers "key IN … OR base IN …" by
		// reading every posting of the shop, for every chunk of a plan. A
		// posting both find comes twice, which the loop below does not mind.
		rows, err := db.query(ctx, db.sql, `SELECT posting_key, base_key, plan_hash, state FROM postings
			WHERE shop_id = ? AND posting_key IN (`+placeholders(len(chunk))+`)
			UNION ALL SELECT posting_key, base_key, plan_hash, state FROM postings
			WHERE shop_id = ? AND base_key IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("posted postings of shop %d: %w", shopID, err)
		}
		for rows.Next() {
			var key, base, hash, state string
			if err := rows.Scan(&key, &base, &hash, &state); err != nil {
				rows.Close()
				return nil, fmt.Errorf("posted postings of shop %d: %w", shopID, err)
			}
			switch {
			case base != "":
				bases[base] = true // adjusted before: always compare with the sum
			case !updatable(shopqb.PostingState(state)) && hash != planned[key]:
				bases[key] = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("posted postings of shop %d: %w", shopID, err)
		}
	}
	if len(bases) == 0 {
		return nil, nil
	}
	want := make([]string, 0, len(bases))
	for k := range bases {
		want = append(want, k)
	}
	slices.Sort(want)
	var out []*shopqb.Posting
	for first := 0; first < len(want); first += maxClaim {
		chunk := want[first:min(first+maxClaim, len(want))]
		args := make([]any, 0, 2*len(chunk)+1)
		args = append(args, shopID)
		for _, k := range chunk {
			args = append(args, k)
		}
		for _, k := range chunk {
			args = append(args, k)
		}
		rows, err := db.query(ctx, db.sql, "SELECT "+postingColumns+` FROM postings WHERE shop_id = ? AND
			(posting_key IN (`+placeholders(len(chunk))+`) OR base_key IN (`+placeholders(len(chunk))+`)) ORDER BY id`, args...)
		if err != nil {
			return nil, fmt.Errorf("posted postings of shop %d: %w", shopID, err)
		}
		if out, err = scanPostings(rows, out); err != nil {
			return nil, fmt.Errorf("posted postings of shop %d: %w", shopID, err)
		}
	}
	sortPostingsByID(out)
	return out, nil
}

// WithdrawPostings deletes those of keys whose posting is still planned or
// failed, keeping a drift record of each (state "withdrawn", with its
// content), in one transaction, and returns how many went. The planner
// withdraws an adjustment no longer needed before it was sent (Shopify
// changed back); a posting QuickBooks may hold is never withdrawn.
func (db *DB) WithdrawPostings(ctx context.Context, shopID int64, keys []string) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	n := 0
	now := normTime(time.Now())
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		n = 0
		for first := 0; first < len(keys); first += maxClaim {
			chunk := keys[first:min(first+maxClaim, len(keys))]
			args := make([]any, 0, len(chunk)+1)
			args = append(args, shopID)
			for _, k := range chunk {
				args = append(args, k)
			}
			in := placeholders(len(chunk))
			if _, err := db.exec(ctx, tx, `INSERT INTO posting_drifts (shop_id, posting_key, state, posted_hash,
				planned_hash, planned_content, detected_at)
				SELECT shop_id, posting_key, 'withdrawn', plan_hash, '', content, ? FROM postings
				WHERE shop_id = ? AND state IN ('planned', 'failed') AND posting_key IN (`+in+`)
				ON CONFLICT (shop_id, posting_key, planned_hash) DO NOTHING`, append([]any{db.d.t(now)}, args...)...); err != nil {
				return err
			}
			if _, err := db.exec(ctx, tx, `DELETE FROM posting_deps WHERE posting_id IN (SELECT id FROM postings
				WHERE shop_id = ? AND state IN ('planned', 'failed') AND posting_key IN (`+in+`))`, args...); err != nil {
				return err
			}
			res, err := db.exec(ctx, tx, `DELETE FROM postings WHERE shop_id = ? AND state IN ('planned', 'failed')
				AND posting_key IN (`+in+`)`, args...)
			if err != nil {
				return err
			}
			m, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += int(m)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("withdraw %d postings of shop %d: %w", len(keys), shopID, err)
	}
	return n, nil
}

// ClearDocumentFailures deletes the postings of keys that failed in
// planning (shopqb.ErrorClassDocument) and returns how many went: their
// document has been booked since, inside a day summary, so the failure no
// longer stands. A shop with no such failures costs one index probe.
func (db *DB) ClearDocumentFailures(ctx context.Context, shopID int64, keys []string) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	n := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		n = 0
		var one int
		err := db.queryRow(ctx, tx, `SELECT 1 FROM postings WHERE shop_id = ? AND state = 'failed' AND error_class = ?
			LIMIT 1`, shopID, shopqb.ErrorClassDocument).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("document failures: %w", err)
		}
		for first := 0; first < len(keys); first += maxClaim {
			chunk := keys[first:min(first+maxClaim, len(keys))]
			args := make([]any, 0, len(chunk)+2)
			args = append(args, shopID, shopqb.ErrorClassDocument)
			for _, k := range chunk {
				args = append(args, k)
			}
			res, err := db.exec(ctx, tx, `DELETE FROM postings WHERE shop_id = ? AND state = 'failed' AND error_class = ?
				AND posting_key IN (`+placeholders(len(chunk))+`)`, args...)
			if err != nil {
				return err
			}
			m, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += int(m)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("clear document failures of shop %d: %w", shopID, err)
	}
	return n, nil
}

// Drifts returns a shop's recorded drift, newest first, at most limit (all
// when limit is 0).
func (db *DB) Drifts(ctx context.Context, shopID int64, limit int) ([]shopqb.Drift, error) {
	q := `SELECT id, shop_id, posting_key, state, posted_hash, planned_hash, planned_content, detected_at
		FROM posting_drifts WHERE shop_id = ? ORDER BY id DESC`
	args := []any{shopID}
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := db.query(ctx, db.sql, q, args...)
	if err != nil {
		return nil, fmt.Errorf("drifts of shop %d: %w", shopID, err)
	}
	defer rows.Close()
	var out []shopqb.Drift
	for rows.Next() {
		var d shopqb.Drift
		var state string
		if err := rows.Scan(&d.ID, &d.ShopID, &d.Key, &state, &d.PostedHash, &d.PlannedHash, &d.PlannedContent,
			timeScan{&d.DetectedAt}); err != nil {
			return nil, fmt.Errorf("drifts of shop %d: %w", shopID, err)
		}
		d.State = shopqb.PostingState(state)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("drifts of shop %d: %w", shopID, err)
	}
	return out, nil
}
