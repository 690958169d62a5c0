package store

import (
	"github.com/shopqb/shopqb"

	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

func encodeCounts(c map[string]int) (string, error) {
	if len(c) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(c)
	return string(b), err
}

// CreateSyncRun records the start of a sync and sets r.ID. A zero StartedAt
// is set to now and an empty Status to "running".
func (db *DB) CreateSyncRun(ctx context.Context, r *shopqb.SyncRun) error {
	if r.StartedAt.IsZero() {
		r.StartedAt = time.Now()
	}
	if r.Status == "" {
		r.Status = shopqb.RunRunning
	}
	counts, err := encodeCounts(r.Counts)
	if err != nil {
		return fmt.Errorf("create sync run of shop %d: encode counts: %w", r.ShopID, err)
	}
	r.StartedAt, r.WindowFrom, r.WindowTo = normTime(r.StartedAt), normTime(r.WindowFrom), normTime(r.WindowTo)
	err = db.queryRow(ctx, db.sql, `INSERT INTO sync_runs (shop_id, run_trigger, window_from, window_to, started_at,
		finished_at, status, counts, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.ShopID, r.Trigger, db.d.t(r.WindowFrom), db.d.t(r.WindowTo), db.d.t(r.StartedAt), db.d.tp(r.FinishedAt),
		r.Status, counts, r.Error).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("create sync run of shop %d: %w", r.ShopID, err)
	}
	return nil
}

// UpdateSyncRun writes a run's window, finish time, status, counts and error.
func (db *DB) UpdateSyncRun(ctx context.Context, r *shopqb.SyncRun) error {
	counts, err := encodeCounts(r.Counts)
	if err != nil {
		return fmt.Errorf("update sync run %d: encode counts: %w", r.ID, err)
	}
	res, err := db.exec(ctx, db.sql, `UPDATE sync_runs SET window_from = ?, window_to = ?, finished_at = ?, status = ?,
		counts = ?, error = ? WHERE id = ?`,
		db.d.t(r.WindowFrom), db.d.t(r.WindowTo), db.d.tp(r.FinishedAt), r.Status, counts, r.Error, r.ID)
	if err != nil {
		return fmt.Errorf("update sync run %d: %w", r.ID, err)
	}
	if err := oneRow(res); err != nil {
		return fmt.Errorf("update sync run %d: %w", r.ID, err)
	}
	return nil
}

// SyncRuns returns a shop's newest runs first; limit <= 0 returns all.
func (db *DB) SyncRuns(ctx context.Context, shopID int64, limit int) ([]*shopqb.SyncRun, error) {
	q := `SELECT id, shop_id, run_trigger, window_from, window_to, started_at, finished_at, status, counts, error
		FROM sync_runs WHERE shop_id = ? ORDER BY id DESC`
	args := []any{shopID}
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := db.query(ctx, db.sql, q, args...)
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
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sync runs of shop %d: %w", shopID, err)
	}
	return out, nil
}

// SeenWebhook records a webhook delivery and reports whether it was seen
// before, by its webhook id or by its event id (Shopify sends one event to
// several subscriptions under different webhook ids). Both unique indexes
// decide atomically, so two processes receiving the same delivery at once
// see exactly one "new". An empty eventID is not compared.
func (db *DB) SeenWebhook(ctx context.Context, shopID int64, webhookID, eventID string, at time.Time) (bool, error) {
	if webhookID == "" {
		return false, fmt.Errorf("record webhook of shop %d: empty webhook id", shopID)
	}
	var id int64
	err := db.queryRow(ctx, db.sql, `INSERT INTO webhook_deliveries (shop_id, webhook_id, event_id, received_at)
		VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`, shopID, webhookID, eventID, db.d.t(at)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("record webhook %s of shop %d: %w", webhookID, shopID, err)
	}
	return false, nil
}

// AddAudit appends a line to a shop's audit log, stamped now.
func (db *DB) AddAudit(ctx context.Context, shopID int64, actor, action, detail string) error {
	_, err := db.exec(ctx, db.sql, "INSERT INTO audit_log (shop_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
		shopID, db.d.t(time.Now()), actor, action, detail)
	if err != nil {
		return fmt.Errorf("audit %s by %s on shop %d: %w", action, actor, shopID, err)
	}
	return nil
}

// Audit returns a shop's audit log, newest first; limit <= 0 returns all.
func (db *DB) Audit(ctx context.Context, shopID int64, limit int) ([]shopqb.AuditEntry, error) {
	q := "SELECT at, actor, action, detail FROM audit_log WHERE shop_id = ? ORDER BY id DESC"
	args := []any{shopID}
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := db.query(ctx, db.sql, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit log of shop %d: %w", shopID, err)
	}
	defer rows.Close()
	var out []shopqb.AuditEntry
	for rows.Next() {
		var e shopqb.AuditEntry
		if err := rows.Scan(timeScan{&e.At}, &e.Actor, &e.Action, &e.Detail); err != nil {
			return nil, fmt.Errorf("audit log of shop %d: %w", shopID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit log of shop %d: %w", shopID, err)
	}
	return out, nil
}
