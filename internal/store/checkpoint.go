package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
)

// A plan checkpoint is a shop's planning state as it was before the start's
// check planned it for real: the check commits its postings, names,
// expected figures and key/values like a first sync, so the first sync does
// not plan the shop again, and if the check refuses (a plan QuickBooks
// could not hold) RestorePlanCheckpoint undoes all of it, so the settings
// can change and the next check plans the books of the new ones. The
// checkpoint is in the database, not in memory, so a check that died
// part-way is undone by the next one.
//
// It is taken of an empty outbox (a shop that is not started has none: a
// reset archives it), so undoing postings is deleting the shop's postings.
// Drift records are undone by id (the check's are newer), names and
// expected figures by copy: a reset keeps the names QuickBooks may hold,
// and those must come back as they were.

// planCheckpointCopies are the live tables a checkpoint copies, each with
// its copy's table and the columns copied: taking copies live → saved,
// restoring saved → live, so one list serves both ways.
var planCheckpointCopies = []struct{ live, saved, columns string }{
	{"plan_names", "plan_checkpoint_names", "shop_id, name_key, name, name_folded"},
	{"expected_ledger", "plan_checkpoint_expected", "shop_id, source, day, category, flow, amount"},
	{"expected_days", "plan_checkpoint_days", "shop_id, day, category, flow, amount"},
}

// planCheckpointTables are the checkpoint's tables, dropped together.
var planCheckpointTables = []string{"plan_checkpoint_names", "plan_checkpoint_expected", "plan_checkpoint_days", "plan_checkpoints"}

// copyCheckpointTables copies every table of planCheckpointCopies for the
// shop, from its live table to its copy (save) or back.
func (db *DB) copyCheckpointTables(ctx context.Context, tx *sql.Tx, shopID int64, save bool) error {
	for _, c := range planCheckpointCopies {
		from, to := c.saved, c.live
		if save {
			from, to = c.live, c.saved
		}
		if _, err := db.exec(ctx, tx, "INSERT INTO "+to+" ("+c.columns+") SELECT "+c.columns+" FROM "+from+" WHERE shop_id = ?", shopID); err != nil {
			return fmt.Errorf("copy %s to %s: %w", from, to, err)
		}
	}
	return nil
}

// TakePlanCheckpoint records the shop's planning state: its plan names,
// expected figures, the newest drift record and the key/values of kvKeys
// (present or absent). It fails if the shop has postings in its outbox or
// a checkpoint already (restore or drop that one first).
func (db *DB) TakePlanCheckpoint(ctx context.Context, shopID int64, kvKeys []string) error {
	if err := db.adoptLegacyNames(ctx, shopID); err != nil { // the names to keep are rows
		return err
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := db.queryRow(ctx, tx, "SELECT COUNT(*) FROM plan_checkpoints WHERE shop_id = ?", shopID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("a checkpoint is already taken: %w", shopqb.ErrConflict)
		}
		if err := db.queryRow(ctx, tx, "SELECT COUNT(*) FROM postings WHERE shop_id = ?", shopID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("the outbox holds %d postings; a checkpoint is of an empty one: %w", n, shopqb.ErrConflict)
		}
		var driftID int64
		if err := db.queryRow(ctx, tx, "SELECT COALESCE(MAX(id), 0) FROM posting_drifts WHERE shop_id = ?", shopID).Scan(&driftID); err != nil {
			return err
		}
		kv := make(map[string][]byte, len(kvKeys))
		for _, key := range kvKeys {
			var v []byte
			err := db.queryRow(ctx, tx, "SELECT value FROM kv WHERE shop_id = ? AND key = ?", shopID, key).Scan(&v)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				kv[key] = nil // absent: restored by deleting it
			case err != nil:
				return err
			default:
				kv[key] = nonNilBytes(v)
			}
		}
		rawKV, err := json.Marshal(kv)
		if err != nil {
			return err
		}
		if err := db.copyCheckpointTables(ctx, tx, shopID, true); err != nil {
			return err
		}
		_, err = db.exec(ctx, tx, "INSERT INTO plan_checkpoints (shop_id, drift_id, kv, taken_at) VALUES (?, ?, ?, ?)",
			shopID, driftID, string(rawKV), db.d.t(time.Now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("take the plan checkpoint of shop %d: %w", shopID, err)
	}
	return nil
}

// RestorePlanCheckpoint puts the shop's planning state back as its
// checkpoint recorded it and drops the checkpoint, in one transaction: the
// outbox is emptied (with the postings' dependencies, ledgers and
// responses), the drift recorded since is deleted, and the plan names,
// expected figures and recorded key/values are those of the checkpoint. It
// reports false, changing nothing, when the shop has no checkpoint.
func (db *DB) RestorePlanCheckpoint(ctx context.Context, shopID int64) (bool, error) {
	found := false
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var driftID int64
		var rawKV string
		err := db.queryRow(ctx, tx, "SELECT drift_id, kv FROM plan_checkpoints WHERE shop_id = ?", shopID).Scan(&driftID, &rawKV)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		var kv map[string][]byte
		if err := json.Unmarshal([]byte(rawKV), &kv); err != nil {
			return fmt.Errorf("decode its key/values: %w", err)
		}
		for _, del := range []string{"posting_deps", "posting_ledger", "posting_responses", "postings", "plan_names", "expected_ledger", "expected_days"} {
			if _, err := db.exec(ctx, tx, shopRowsDelete(del), shopID); err != nil {
				return fmt.Errorf("clear %s: %w", del, err)
			}
		}
		if _, err := db.exec(ctx, tx, "DELETE FROM posting_drifts WHERE shop_id = ? AND id > ?", shopID, driftID); err != nil {
			return fmt.Errorf("clear the drift recorded since: %w", err)
		}
		if err := db.copyCheckpointTables(ctx, tx, shopID, false); err != nil {
			return err
		}
		for key, v := range kv {
			if v == nil {
				_, err = db.exec(ctx, tx, "DELETE FROM kv WHERE shop_id = ? AND key = ?", shopID, key)
			} else {
				err = db.putKV(ctx, tx, shopID, key, v)
			}
			if err != nil {
				return err
			}
		}
		return db.dropPlanCheckpoint(ctx, tx, shopID)
	})
	if err != nil {
		return false, fmt.Errorf("restore the plan checkpoint of shop %d: %w", shopID, err)
	}
	return found, nil
}

// DropPlanCheckpoint forgets the shop's checkpoint, if any: what the check
// planned stays (the shop was started, or reset).
func (db *DB) DropPlanCheckpoint(ctx context.Context, shopID int64) error {
	if err := db.inTx(ctx, func(tx *sql.Tx) error { return db.dropPlanCheckpoint(ctx, tx, shopID) }); err != nil {
		return fmt.Errorf("drop the plan checkpoint of shop %d: %w", shopID, err)
	}
	return nil
}

func (db *DB) dropPlanCheckpoint(ctx context.Context, tx *sql.Tx, shopID int64) error {
	for _, table := range planCheckpointTables {
		if _, err := db.exec(ctx, tx, "DELETE FROM "+table+" WHERE shop_id = ?", shopID); err != nil {
			return fmt.Errorf("clear %s: %w", table, err)
		}
	}
	return nil
}
