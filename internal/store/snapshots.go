package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
)

// PutSnapshot stores one version of a Shopify object and reports whether it
// was new. A version is (shop, GID, UpdatedAt); storing it again is a no-op
// that reports false, so re-reading Shopify is always safe. A zero FetchedAt
// is set to now.
func (db *DB) PutSnapshot(ctx context.Context, s *shopqb.Snapshot) (bool, error) {
	if s.GID == "" || s.Kind == "" {
		return false, fmt.Errorf("put snapshot of shop %d: kind %q and GID %q must both be set", s.ShopID, s.Kind, s.GID)
	}
	if s.FetchedAt.IsZero() {
		s.FetchedAt = time.Now()
	}
	s.UpdatedAt, s.FetchedAt = normTime(s.UpdatedAt), normTime(s.FetchedAt)
	put := func(q querier) (bool, error) {
		var id int64
		err := db.queryRow(ctx, q, `INSERT INTO snapshots (shop_id, kind, gid, updated_at, body, fetched_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (shop_id, gid, updated_at) DO NOTHING RETURNING id`,
			s.ShopID, s.Kind, s.GID, db.d.t(s.UpdatedAt), nonNilBytes(s.Body), db.d.t(s.FetchedAt)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("put snapshot %s of shop %d: %w", s.GID, s.ShopID, err)
		}
		return true, nil
	}
	if !indexed(s.Kind) {
		return put(db.sql)
	}
	// Orders and payouts are indexed for the lookup with the version that
	// stores them, in one transaction (books.go).
	var isNew bool
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if isNew, err = put(tx); err != nil || !isNew {
			return err
		}
		return db.indexSnapshot(ctx, tx, s)
	})
	return isNew, err
}

const snapshotColumns = "s.shop_id, s.kind, s.gid, s.updated_at, s.body, s.fetched_at"

func scanSnapshot(r rowScanner) (*shopqb.Snapshot, error) {
	var s shopqb.Snapshot
	if err := r.Scan(&s.ShopID, &s.Kind, &s.GID, timeScan{&s.UpdatedAt}, &s.Body, timeScan{&s.FetchedAt}); err != nil {
		return nil, err
	}
	return &s, nil
}

// snapshotPage is how many snapshots EachLatestSnapshot reads at a time:
// large enough that the per-query cost vanishes, small enough that memory
// stays at a few megabytes of order JSON.
const snapshotPage = 200

// EachLatestSnapshot calls fn with the newest version of every object of
// kind, in GID order. It reads in pages keyed on the GID rather than holding
// one cursor open for the whole walk, so memory stays flat as the shop grows
// and fn may itself use the store (on SQLite a long-open cursor would also
// pin the WAL). An error from fn stops the walk and is returned as is.
func (db *DB) EachLatestSnapshot(ctx context.Context, shopID int64, kind string, fn func(*shopqb.Snapshot) error) error {
	after := ""
	for {
		rows, err := db.query(ctx, db.sql, `SELECT `+snapshotColumns+` FROM snapshots s
			WHERE s.shop_id = ? AND s.kind = ? AND s.gid > ?
			AND NOT EXISTS (SELECT 1 FROM snapshots n
				WHERE n.shop_id = s.shop_id AND n.gid = s.gid AND n.updated_at > s.updated_at)
			ORDER BY s.gid LIMIT ?`, shopID, kind, after, snapshotPage)
		if err != nil {
			return fmt.Errorf("latest %s snapshots of shop %d: %w", kind, shopID, err)
		}
		page := make([]*shopqb.Snapshot, 0, snapshotPage)
		for rows.Next() {
			s, err := scanSnapshot(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("latest %s snapshots of shop %d: %w", kind, shopID, err)
			}
			page = append(page, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("latest %s snapshots of shop %d: %w", kind, shopID, err)
		}
		for _, s := range page {
			if err := fn(s); err != nil {
				return err
			}
		}
		if len(page) < snapshotPage {
			return nil
		}
		after = page[len(page)-1].GID
	}
}

// LatestSnapshot returns the newest stored version of one object, or
// shopqb.ErrNotFound.
func (db *DB) LatestSnapshot(ctx context.Context, shopID int64, gid string) (*shopqb.Snapshot, error) {
	s, err := scanSnapshot(db.queryRow(ctx, db.sql, `SELECT `+snapshotColumns+` FROM snapshots s
		WHERE s.shop_id = ? AND s.gid = ? ORDER BY s.updated_at DESC LIMIT 1`, shopID, gid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("snapshot %s of shop %d: %w", gid, shopID, shopqb.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("snapshot %s of shop %d: %w", gid, shopID, err)
	}
	return s, nil
}
