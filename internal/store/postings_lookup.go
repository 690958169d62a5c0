package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
)

// PostingsByID returns the shop's postings with the given ids, in id order;
// ids that are not the shop's postings are simply absent. It exists so that
// reading back one Web Connector batch costs one indexed lookup per posting,
// instead of walking the outbox by id range, which drags in every posting
// (and its qbXML) between the batch's lowest and highest id.
func (db *DB) PostingsByID(ctx context.Context, shopID int64, ids []int64) ([]*shopqb.Posting, error) {
	return db.postingsByID(ctx, shopID, ids, postingColumns)
}

// postingStateColumns are postingColumns with the request and the
// planner's content left empty: the two large texts, which recording an
// outcome neither reads nor writes.
const postingStateColumns = `id, shop_id, posting_key, kind, deps, '' AS request, external_guid, ref_number, txn_date, name,
	plan_hash, state, message_set_id, attempts, next_attempt, qbid, edit_sequence, error_code, error_class,
	error_message, created_at, updated_at, '' AS content, base_key`

// PostingStatesByID is PostingsByID without each posting's Request and
// Content (left empty): what reading back a Web Connector batch to record
// its outcomes needs, without copying every request's qbXML out of the
// database again.
func (db *DB) PostingStatesByID(ctx context.Context, shopID int64, ids []int64) ([]*shopqb.Posting, error) {
	return db.postingsByID(ctx, shopID, ids, postingStateColumns)
}

func (db *DB) postingsByID(ctx context.Context, shopID int64, ids []int64, columns string) ([]*shopqb.Posting, error) {
	out := make([]*shopqb.Posting, 0, len(ids))
	for first := 0; first < len(ids); first += maxClaim {
		chunk := ids[first:min(first+maxClaim, len(ids))]
		// The list is padded (with its last id again) to a power of two, so
		// that a few statement texts serve every batch size and stay
		// prepared (cachedQuery): a Web Connector round trip reads its batch
		// back on every answer.
		rows, err := db.cachedQuery(ctx, db.sql, "SELECT "+columns+" FROM postings WHERE shop_id = ? AND id IN ("+
			placeholders(idListSize(len(chunk)))+")", idListArgs(shopID, chunk)...)
		if err != nil {
			return nil, fmt.Errorf("postings of shop %d by id: %w", shopID, err)
		}
		if out, err = scanPostings(rows, out); err != nil {
			return nil, fmt.Errorf("postings of shop %d by id: %w", shopID, err)
		}
	}
	// Chunks come back in index order, and a caller's ids need not be sorted.
	sortPostingsByID(out)
	return out, nil
}

// idListArgs are the arguments of a "shop_id = ? AND id IN (…)" query of
// ids (at most maxClaim), padded with the last id to idListSize.
func idListArgs(shopID int64, ids []int64) []any {
	n := idListSize(len(ids))
	args := make([]any, 0, n+1)
	args = append(args, shopID)
	for i := range n {
		args = append(args, ids[min(i, len(ids)-1)])
	}
	return args
}

// idListSize is the number of placeholders postingsByID gives n ids: the
// next power of two, at most maxClaim.
func idListSize(n int) int {
	size := 1
	for size < n {
		size *= 2
	}
	return min(size, maxClaim)
}

// ReadyExists reports whether ClaimReady would find at least one posting at
// now. It is ClaimReady's own query stopped at the first row and without
// locks, so the Web Connector's progress answer and "is there work?" cost
// one index probe rather than reading planned postings and their
// dependencies one by one.
func (db *DB) ReadyExists(ctx context.Context, shopID int64, now time.Time) (bool, error) {
	var id int64
	err := db.cachedQueryRow(ctx, db.sql, readyQuery, shopID, db.d.t(now), 1).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("ready postings of shop %d: %w", shopID, err)
	}
	return true, nil
}

// CountPostingsIn counts a shop's postings in the given states; states with
// none are absent. Unlike CountPostings it reads only the index entries of
// those states, so asking "how much is left?" on every Web Connector round
// trip costs what is pending, not the shop's whole history of done postings.
func (db *DB) CountPostingsIn(ctx context.Context, shopID int64, states ...shopqb.PostingState) (map[shopqb.PostingState]int, error) {
	out := map[shopqb.PostingState]int{}
	if len(states) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(states)+1)
	args = append(args, shopID)
	for _, s := range states {
		args = append(args, string(s))
	}
	rows, err := db.cachedQuery(ctx, db.sql, "SELECT state, COUNT(*) FROM postings WHERE shop_id = ? AND state IN ("+
		placeholders(len(states))+") GROUP BY state", args...)
	if err != nil {
		return nil, fmt.Errorf("count %v postings of shop %d: %w", states, shopID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("count %v postings of shop %d: %w", states, shopID, err)
		}
		out[shopqb.PostingState(state)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count %v postings of shop %d: %w", states, shopID, err)
	}
	return out, nil
}
