package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/shopqb/shopqb"
)

// The planner's names: the QuickBooks name (or RefNumber) given to each
// planner key, one row each in plan_names. CommitPlan adds a commit's new
// names with its postings (PlanCommit.Names), so a name is never stored
// without the postings that use it, nor they without it.

// KVLegacyPlanNames is the key/value that held the whole name map as one
// JSON object before plan_names. The first read of a shop's names after
// the upgrade moves it into rows (adoptLegacyNames).
const KVLegacyPlanNames = "names"

// nameRows is how many names one insert statement carries: 500 rows of 4
// parameters stay far below both databases' parameter limits.
const nameRows = 500

// EachPlanName calls fn with every name of the shop's plans, in key order,
// streaming the rows so the caller holds only what it keeps. It first
// brings the shop's names up to date (its old name map moved into rows,
// rows from before name_folded folded), which PlanNames and
// PlanNameHolders count on: a planning run calls it before them.
func (db *DB) EachPlanName(ctx context.Context, shopID int64, fn func(key, name string) error) error {
	if err := db.adoptLegacyNames(ctx, shopID); err != nil {
		return err
	}
	if err := db.foldOldNames(ctx, shopID); err != nil {
		return err
	}
	rows, err := db.query(ctx, db.sql, "SELECT name_key, name FROM plan_names WHERE shop_id = ? ORDER BY name_key", shopID)
	if err != nil {
		return fmt.Errorf("read the plan names of shop %d: %w", shopID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var key, name string
		if err := rows.Scan(&key, &name); err != nil {
			return fmt.Errorf("read the plan names of shop %d: %w", shopID, err)
		}
		if err := fn(key, name); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the plan names of shop %d: %w", shopID, err)
	}
	return nil
}

// PlanName is the name the shop's plans gave key, or shopqb.ErrNotFound.
func (db *DB) PlanName(ctx context.Context, shopID int64, key string) (string, error) {
	if err := db.adoptLegacyNames(ctx, shopID); err != nil {
		return "", err
	}
	var name string
	err := db.queryRow(ctx, db.sql, "SELECT name FROM plan_names WHERE shop_id = ? AND name_key = ?", shopID, key).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("plan name %s of shop %d: %w", key, shopID, shopqb.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("plan name %s of shop %d: %w", key, shopID, err)
	}
	return name, nil
}

// PlanNames are the names stored for keys, of those that have one: a
// planner call's look-up of the names it needs (the planner's name book),
// nameRows keys a statement.
func (db *DB) PlanNames(ctx context.Context, shopID int64, keys []string) (map[string]string, error) {
	names := make(map[string]string, len(keys))
	for first := 0; first < len(keys); first += nameRows {
		chunk := keys[first:min(first+nameRows, len(keys))]
		args := make([]any, 0, 1+len(chunk))
		args = append(args, shopID)
		for _, k := range chunk {
			args = append(args, k)
		}
		err := db.scanNames(ctx, "SELECT name_key, name FROM plan_names WHERE shop_id = ? AND name_key IN ("+placeholders(len(chunk))+")",
			args, func(key, name string) { names[key] = name })
		if err != nil {
			return nil, fmt.Errorf("read %d plan names of shop %d: %w", len(chunk), shopID, err)
		}
	}
	return names, nil
}

// PlanNameHolders are the keys, in key order, whose stored name folds
// (shopqb.FoldName) to folded, in whatever name list: the planner keeps
// the ones of its list and so knows whether a name is free.
func (db *DB) PlanNameHolders(ctx context.Context, shopID int64, folded string) ([]string, error) {
	var keys []string
	err := db.scanNames(ctx, "SELECT name_key, name FROM plan_names WHERE shop_id = ? AND name_folded = ? ORDER BY name_key",
		[]any{shopID, folded}, func(key, _ string) { keys = append(keys, key) })
	if err != nil {
		return nil, fmt.Errorf("read the holders of plan name %q of shop %d: %w", folded, shopID, err)
	}
	return keys, nil
}

// scanNames calls fn with each (name_key, name) row query selects.
func (db *DB) scanNames(ctx context.Context, query string, args []any, fn func(key, name string)) error {
	rows, err := db.query(ctx, db.sql, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key, name string
		if err := rows.Scan(&key, &name); err != nil {
			return err
		}
		fn(key, name)
	}
	return rows.Err()
}

// SetPlanName stores (or replaces) key's name outside a plan: the privacy
// code renames a customer QuickBooks has not seen yet.
func (db *DB) SetPlanName(ctx context.Context, shopID int64, key, name string) error {
	if err := db.adoptLegacyNames(ctx, shopID); err != nil {
		return err
	}
	if err := db.putPlanNames(ctx, db.sql, shopID, map[string]string{key: name}); err != nil {
		return fmt.Errorf("set plan name %s of shop %d: %w", key, shopID, err)
	}
	return nil
}

// putPlanNames upserts names on q (CommitPlan's transaction), nameRows a
// statement, in key order so two writers lock rows in the same order.
func (db *DB) putPlanNames(ctx context.Context, q querier, shopID int64, names map[string]string) error {
	return db.insertPlanNames(ctx, q, shopID, names, "DO UPDATE SET name = excluded.name, name_folded = excluded.name_folded")
}

// insertPlanNames inserts names, resolving a key already stored by onConflict.
func (db *DB) insertPlanNames(ctx context.Context, q querier, shopID int64, names map[string]string, onConflict string) error {
	keys := slices.Sorted(maps.Keys(names))
	for first := 0; first < len(keys); first += nameRows {
		chunk := keys[first:min(first+nameRows, len(keys))]
		args := make([]any, 0, 4*len(chunk))
		for _, k := range chunk {
			args = append(args, shopID, k, names[k], shopqb.FoldName(names[k]))
		}
		stmt := "INSERT INTO plan_names (shop_id, name_key, name, name_folded) VALUES " + rowsOf(len(chunk), 4) +
			" ON CONFLICT (shop_id, name_key) " + onConflict
		if _, err := db.exec(ctx, q, stmt, args...); err != nil {
			return fmt.Errorf("write %d plan names: %w", len(chunk), err)
		}
	}
	return nil
}

// adoptLegacyNames moves the shop's old name map (KVLegacyPlanNames) into
// plan_names and deletes it, in one transaction, so a crash leaves either
// the old value or the rows. Rows already stored win over the old value:
// it is only found beside them when a shopqb from before plan_names wrote
// it again afterwards, and the postings committed with the rows use theirs.
// Without the old value this is one indexed read.
func (db *DB) adoptLegacyNames(ctx context.Context, shopID int64) error {
	var raw []byte
	err := db.queryRow(ctx, db.sql, "SELECT value FROM kv WHERE shop_id = ? AND key = ?", shopID, KVLegacyPlanNames).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the old name map of shop %d: %w", shopID, err)
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		// Read again in the transaction: another process may have moved it
		// meanwhile (two moving it at once insert the same rows, harmlessly).
		err := db.queryRow(ctx, tx, "SELECT value FROM kv WHERE shop_id = ? AND key = ?", shopID, KVLegacyPlanNames).Scan(&raw)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		names := map[string]string{}
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &names); err != nil {
				return fmt.Errorf("decode: %w", err)
			}
		}
		if err := db.insertPlanNames(ctx, tx, shopID, names, "DO NOTHING"); err != nil {
			return err
		}
		if _, err := db.exec(ctx, tx, "DELETE FROM kv WHERE shop_id = ? AND key = ?", shopID, KVLegacyPlanNames); err != nil {
			return fmt.Errorf("delete the old value: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("move the name map of shop %d into rows: %w", shopID, err)
	}
	return nil
}

// foldOldNames fills in name_folded where it is missing: rows stored before
// the column (migration 0012), or by a shopqb from before it, nameRows a
// transaction. Without such rows this is one indexed read.
func (db *DB) foldOldNames(ctx context.Context, shopID int64) error {
	for {
		unfolded := map[string]string{}
		err := db.scanNames(ctx, "SELECT name_key, name FROM plan_names WHERE shop_id = ? AND name_folded IS NULL ORDER BY name_key LIMIT ?",
			[]any{shopID, nameRows}, func(key, name string) { unfolded[key] = name })
		if err != nil {
			return fmt.Errorf("read the unfolded plan names of shop %d: %w", shopID, err)
		}
		if len(unfolded) == 0 {
			return nil
		}
		err = db.inTx(ctx, func(tx *sql.Tx) error {
			for _, k := range slices.Sorted(maps.Keys(unfolded)) {
				if _, err := db.exec(ctx, tx, "UPDATE plan_names SET name_folded = ? WHERE shop_id = ? AND name_key = ? AND name = ?",
					shopqb.FoldName(unfolded[k]), shopID, k, unfolded[k]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("fold %d plan names of shop %d: %w", len(unfolded), shopID, err)
		}
		if len(unfolded) < nameRows {
			return nil
		}
	}
}
