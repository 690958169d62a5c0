package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
)

// A Web Connector round trip reads each posting of its batch twice: when it
// is claimed (to send its request) and when QuickBooks' answer is recorded
// (to check it is still sent and to know its attempts). Neither read needs
// the planner's fields — dependencies, reference, date, name, GUID, plan
// hash, times — and reading a column costs the driver and database/sql a
// value and a conversion each: 24 columns a posting, 50 postings a batch.
// The reads below take only what sending and recording use, which is also
// everything UpdatePostings writes back, so a posting read this way can be
// updated without losing a field.

// outcomeColumns are read in this order by scanOutcome: who the posting is,
// and every field UpdatePostings writes.
const outcomeColumns = `id, shop_id, posting_key, kind, state, message_set_id, attempts, next_attempt, qbid,
	edit_sequence, error_code, error_class, error_message`

func scanOutcome(r rowScanner, request *string) (*shopqb.Posting, error) {
	var p shopqb.Posting
	var state string
	dest := []any{&p.ID, &p.ShopID, &p.Key, &p.Kind, &state, &p.MessageSetID, &p.Attempts, timeScan{&p.NextAttempt},
		&p.QBID, &p.EditSequence, &p.ErrorCode, &p.ErrorClass, &p.ErrorMessage}
	if request != nil {
		dest = append(dest, request)
	}
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	p.State = shopqb.PostingState(state)
	return &p, nil
}

// scanOutcomes appends every posting of rows (outcomeColumns, then the
// request when withRequest) to out and closes rows.
func scanOutcomes(rows *sql.Rows, out []*shopqb.Posting, withRequest bool) ([]*shopqb.Posting, error) {
	defer rows.Close()
	for rows.Next() {
		var request string
		var into *string
		if withRequest {
			into = &request
		}
		p, err := scanOutcome(rows, into)
		if err != nil {
			return out, err
		}
		p.Request = request
		out = append(out, p)
	}
	return out, rows.Err()
}

// ClaimRequests is ClaimReady returning of each posting only its id, shop,
// key, kind, request and the fields UpdatePostings writes (state, message
// set, attempts, next attempt, QuickBooks id, edit sequence, error): what
// sending a batch uses. The claim itself is ClaimReady's statement.
func (db *DB) ClaimRequests(ctx context.Context, shopID int64, now time.Time, limit int, messageSetID string) ([]*shopqb.Posting, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := db.cachedQuery(ctx, db.conn(ctx), db.claimStatement(outcomeColumns+", request"),
		db.claimArgs(shopID, now, limit, messageSetID)...)
	if err != nil {
		return nil, fmt.Errorf("claim ready postings of shop %d: %w", shopID, err)
	}
	out, err := scanOutcomes(rows, nil, true)
	if err != nil {
		return nil, fmt.Errorf("claim ready postings of shop %d: %w", shopID, err)
	}
	// RETURNING gives no order guarantee; callers send oldest first.
	sortPostingsByID(out)
	return out, nil
}

// PostingOutcomesByID is PostingsByID returning of each posting only its
// id, shop, key, kind and the fields UpdatePostings writes: what recording
// QuickBooks' answer to a batch reads (is it still sent? how many attempts?)
// and writes back.
func (db *DB) PostingOutcomesByID(ctx context.Context, shopID int64, ids []int64) ([]*shopqb.Posting, error) {
	out := make([]*shopqb.Posting, 0, len(ids))
	for first := 0; first < len(ids); first += maxClaim {
		chunk := ids[first:min(first+maxClaim, len(ids))]
		rows, err := db.cachedQuery(ctx, db.sql, "SELECT "+outcomeColumns+" FROM postings WHERE shop_id = ? AND id IN ("+
			placeholders(idListSize(len(chunk)))+")", idListArgs(shopID, chunk)...)
		if err != nil {
			return nil, fmt.Errorf("postings of shop %d by id: %w", shopID, err)
		}
		if out, err = scanOutcomes(rows, out, false); err != nil {
			return nil, fmt.Errorf("postings of shop %d by id: %w", shopID, err)
		}
	}
	sortPostingsByID(out)
	return out, nil
}
