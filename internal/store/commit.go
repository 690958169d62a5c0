package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
)

// PlanCommit is what one step of planning leaves behind: the postings it
// planned and the per-shop state that must move with them. The planner's
// name map must never disagree with the postings that use its names, and a
// watermark must never pass what is not yet in the outbox; writing them in
// one transaction keeps both true through any crash.
type PlanCommit struct {
	Postings []*shopqb.Posting
	// Names are the planner names (key → QuickBooks name or RefNumber)
	// this commit's postings added or changed, stored in plan_names
	// (EachPlanName): only those, so a commit costs what it adds, not what
	// the shop holds.
	Names map[string]string
	// KV entries written in the same transaction (the read watermarks, the
	// planned-once flag). A nil value stores an empty one.
	KV map[string][]byte
	// RelinkArchived marks postings of this commit whose key an admin reset
	// archived after it reached QuickBooks (done, sent or in doubt) as in
	// doubt while they are still planned, so that the next Web Connector
	// session looks them up in QuickBooks before sending anything.
	RelinkArchived bool
	// Withdraw are keys of unsent adjustments the plan no longer needs
	// (WithdrawPostings: a record of each is kept).
	Withdraw []string
	// Cleared are keys of documents whose planning failure no longer stands
	// (ClearDocumentFailures).
	Cleared []string
	// Expected are Shopify's expected figures of the plan's sources,
	// stored with the postings so the reconciliation never plans again.
	Expected *ExpectedFigures
}

// CommitResult counts what CommitPlan changed.
type CommitResult struct {
	Inserted, Updated, Relinked int
	// Drifts are the planned changes to postings QuickBooks holds that were
	// recorded and not applied (UpsertPostingsReport).
	Drifts []shopqb.Drift
	// Withdrawn and Cleared count the postings Withdraw and Cleared deleted.
	Withdrawn, Cleared int
}

// relinkKeys is how many posting keys one relink statement names.
const relinkKeys = 500

// CommitPlan is the one door through which planned postings enter the
// outbox: it upserts them (UpsertPostingsReport's rules: drift recorded,
// never applied), re-links those an admin reset archived, withdraws the
// adjustments no longer needed, clears document failures that no longer
// stand, replaces the expected figures of the plan's sources, and writes the
// names and key/values, all in one transaction. If it
// fails nothing of it is stored (the postings' ID fields may already be
// set, and must not be relied on).
func (db *DB) CommitPlan(ctx context.Context, shopID int64, c PlanCommit) (CommitResult, error) {
	var res CommitResult
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		txCtx := withTx(ctx, tx)
		if len(c.Postings) > 0 {
			rep, err := db.UpsertPostingsReport(txCtx, shopID, c.Postings)
			if err != nil {
				return err
			}
			res.Inserted, res.Updated, res.Drifts = rep.Inserted, rep.Updated, rep.Drifts
		}
		if c.RelinkArchived {
			if res.Relinked, err = db.relinkArchived(ctx, tx, shopID, c.Postings); err != nil {
				return err
			}
		}
		if res.Withdrawn, err = db.WithdrawPostings(txCtx, shopID, c.Withdraw); err != nil {
			return err
		}
		if res.Cleared, err = db.ClearDocumentFailures(txCtx, shopID, c.Cleared); err != nil {
			return err
		}
		if c.Expected != nil {
			if err := db.writeExpected(ctx, tx, shopID, c.Expected); err != nil {
				return err
			}
		}
		if err := db.putPlanNames(ctx, tx, shopID, c.Names); err != nil {
			return err
		}
		for key, value := range c.KV {
			if err := db.putKV(ctx, tx, shopID, key, value); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return CommitResult{}, fmt.Errorf("commit plan of shop %d: %w", shopID, err)
	}
	return res, nil
}

// relinkArchived turns planned postings among ps whose key was archived
// once QuickBooks may have had it into in-doubt postings.
func (db *DB) relinkArchived(ctx context.Context, tx *sql.Tx, shopID int64, ps []*shopqb.Posting) (int, error) {
	n := 0
	now := db.d.t(time.Now())
	for first := 0; first < len(ps); first += relinkKeys {
		chunk := ps[first:min(first+relinkKeys, len(ps))]
		args := []any{string(shopqb.InDoubt), now, shopID, string(shopqb.Planned)}
		for _, p := range chunk {
			args = append(args, p.Key)
		}
		args = append(args, shopID, string(shopqb.Done), string(shopqb.Sent), string(shopqb.InDoubt))
		r, err := db.exec(ctx, tx, `UPDATE postings SET state = ?, updated_at = ?
			WHERE shop_id = ? AND state = ? AND posting_key IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)
			AND posting_key IN (SELECT posting_key FROM archived_postings WHERE shop_id = ? AND state IN (?, ?, ?))`, args...)
		if err != nil {
			return n, fmt.Errorf("re-link archived postings: %w", err)
		}
		k, err := r.RowsAffected()
		if err != nil {
			return n, fmt.Errorf("re-link archived postings: %w", err)
		}
		n += int(k)
	}
	return n, nil
}
