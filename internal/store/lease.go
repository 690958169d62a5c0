package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/secret"
)

// ErrLeaseHeld is returned by AcquireSyncLease while another sync of the
// shop holds its lease. It wraps shopqb.ErrConflict.
var ErrLeaseHeld = fmt.Errorf("a sync of this shop is running: %w", shopqb.ErrConflict)

// ErrLeaseLost is returned by Renew once the lease is no longer this
// holder's: it expired and was taken over, or the PostgreSQL connection that
// held it ended. The sync that held it must stop before writing more.
var ErrLeaseLost = errors.New("the sync lease was lost")

// leaseLockSpace is the first key of the PostgreSQL advisory lock of a
// shop's sync (the shop id is the second). It is combined with the schema
// name in SQL: advisory locks are per database, and several shopqb
// installations, or test schemas, may share one database.
const leaseLockSpace = "shopqb.sync."

// SyncLease is a held lease on one shop's sync: while it is held no other
// holder, in this process or any other on the database, acquires the same
// shop's. Renew it well within its TTL; Release it when the sync ends.
type SyncLease struct {
	db      *DB
	shopID  int64
	holder  string
	token   string
	ttl     time.Duration
	logID   int64
	conn    *sql.Conn // PostgreSQL: the session holding the advisory lock
	expires time.Time // when the row lease ends unless renewed (SQLite)
}

// LeaseRecord is one holding of a shop's sync lease, from sync_lease_log.
type LeaseRecord struct {
	Holder     string
	AcquiredAt time.Time
	ReleasedAt *time.Time // nil while held, or when the holder died
	Outcome    string     // released, lost, expired (taken over), or "" while held
}

// AcquireSyncLease takes the sync lease of a shop for holder (a name for
// the process, shown in the log), or returns ErrLeaseHeld at once. On
// PostgreSQL it is a session advisory lock on a connection kept out of the
// pool until Release, so the lock ends with the process however it ends; on
// SQLite it is a row with an expiry of ttl, renewed by Renew and taken over
// once expired.
func (db *DB) AcquireSyncLease(ctx context.Context, shopID int64, holder string, ttl time.Duration) (*SyncLease, error) {
	if ttl <= 0 {
		return nil, fmt.Errorf("sync lease of shop %d: ttl must be positive", shopID)
	}
	l := &SyncLease{db: db, shopID: shopID, holder: holder, token: secret.NewTicket(), ttl: ttl}
	var err error
	if db.d.name == Postgres {
		err = l.lockAdvisory(ctx)
	} else {
		err = l.takeRow(ctx)
	}
	if err != nil {
		return nil, err
	}
	if err := l.logAcquired(ctx); err != nil {
		l.Release(context.WithoutCancel(ctx))
		return nil, err
	}
	return l, nil
}

// lockAdvisory takes the PostgreSQL advisory lock on a dedicated connection.
func (l *SyncLease) lockAdvisory(ctx context.Context) error {
	if l.shopID > math.MaxInt32 || l.shopID < 0 {
		return fmt.Errorf("sync lease of shop %d: shop id out of the advisory lock's range", l.shopID)
	}
	conn, err := l.db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sync lease of shop %d: connect: %w", l.shopID, err)
	}
	var got bool
	err = conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock(hashtext($1 || current_schema()), $2::int)", leaseLockSpace, l.shopID).Scan(&got)
	if err != nil {
		discardConn(conn)
		return fmt.Errorf("sync lease of shop %d: %w", l.shopID, err)
	}
	if !got {
		conn.Close()
		return fmt.Errorf("shop %d: %w", l.shopID, ErrLeaseHeld)
	}
	l.conn = conn
	// The row says who holds the lock now, as on SQLite; the lock, not the
	// row, is the lease, so a row a dead holder left is simply replaced.
	now := time.Now()
	l.expires = now.Add(l.ttl)
	_, err = l.db.exec(ctx, l.db.sql, `INSERT INTO sync_leases (shop_id, holder, token, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (shop_id) DO UPDATE SET holder = excluded.holder, token = excluded.token,
			acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
		l.shopID, l.holder, l.token, l.db.d.t(now), l.db.d.t(l.expires))
	if err != nil {
		l.conn = nil
		discardConn(conn)
		return fmt.Errorf("sync lease of shop %d: record the holder: %w", l.shopID, err)
	}
	return nil
}

// takeRow inserts the lease row, or takes over one that expired.
func (l *SyncLease) takeRow(ctx context.Context) error {
	db := l.db
	now := time.Now()
	l.expires = now.Add(l.ttl)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var prevToken string
		err := db.queryRow(ctx, tx, "SELECT token FROM sync_leases WHERE shop_id = ? AND expires_at <= ?", l.shopID, db.d.t(now)).Scan(&prevToken)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sync lease of shop %d: %w", l.shopID, err)
		}
		r, err := db.exec(ctx, tx, `INSERT INTO sync_leases (shop_id, holder, token, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (shop_id) DO UPDATE SET holder = excluded.holder, token = excluded.token,
				acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
			WHERE sync_leases.expires_at <= ?`,
			l.shopID, l.holder, l.token, db.d.t(now), db.d.t(l.expires), db.d.t(now))
		if err != nil {
			return fmt.Errorf("sync lease of shop %d: %w", l.shopID, err)
		}
		if n, err := r.RowsAffected(); err != nil || n != 1 {
			if err != nil {
				return fmt.Errorf("sync lease of shop %d: %w", l.shopID, err)
			}
			return fmt.Errorf("shop %d: %w", l.shopID, ErrLeaseHeld)
		}
		if prevToken != "" {
			if _, err := db.exec(ctx, tx, `UPDATE sync_lease_log SET outcome = 'expired' WHERE shop_id = ? AND token = ?`, l.shopID, prevToken); err != nil {
				return fmt.Errorf("sync lease of shop %d: record the takeover: %w", l.shopID, err)
			}
		}
		return nil
	})
}

func (l *SyncLease) logAcquired(ctx context.Context) error {
	db := l.db
	err := db.queryRow(ctx, db.sql, `INSERT INTO sync_lease_log (shop_id, holder, token, acquired_at) VALUES (?, ?, ?, ?) RETURNING id`,
		l.shopID, l.holder, l.token, db.d.t(time.Now())).Scan(&l.logID)
	if err != nil {
		return fmt.Errorf("sync lease of shop %d: record: %w", l.shopID, err)
	}
	return nil
}

// Renew confirms the lease is still this holder's and, on SQLite, pushes
// its expiry ttl ahead. ErrLeaseLost means the sync must stop.
func (l *SyncLease) Renew(ctx context.Context) error {
	if l.conn != nil {
		// The lock lives as long as the session; a session that answers
		// still holds it.
		if err := l.conn.PingContext(ctx); err != nil {
			return fmt.Errorf("shop %d: %w: %v", l.shopID, ErrLeaseLost, err)
		}
		return nil
	}
	db := l.db
	now := time.Now()
	if !now.Before(l.expires) {
		return fmt.Errorf("shop %d: %w: it expired before it was renewed", l.shopID, ErrLeaseLost)
	}
	expires := now.Add(l.ttl)
	r, err := db.exec(ctx, db.sql, "UPDATE sync_leases SET expires_at = ? WHERE shop_id = ? AND token = ?", db.d.t(expires), l.shopID, l.token)
	if err != nil {
		return fmt.Errorf("renew sync lease of shop %d: %w", l.shopID, err)
	}
	if n, err := r.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("shop %d: %w", l.shopID, ErrLeaseLost)
	}
	l.expires = expires
	return nil
}

// Release ends the lease. Releasing twice is harmless. The release is
// logged before the lease is let go, so that the log's intervals of one
// shop never overlap. On PostgreSQL a connection whose unlock fails is
// discarded rather than returned to the pool: ending its session ends the
// lock, while a pooled session still holding it would block the shop's
// syncs until it closed.
func (l *SyncLease) Release(ctx context.Context) error {
	if l.db == nil {
		return nil
	}
	db := l.db
	l.db = nil
	var errs []error
	if l.logID != 0 {
		// A holding already marked as taken over keeps that outcome.
		_, err := db.exec(ctx, db.sql, `UPDATE sync_lease_log SET released_at = ?,
			outcome = CASE WHEN outcome = '' THEN 'released' ELSE outcome END WHERE id = ?`, db.d.t(time.Now()), l.logID)
		if err != nil {
			errs = append(errs, fmt.Errorf("record release of the sync lease of shop %d: %w", l.shopID, err))
		}
	}
	if l.conn != nil {
		if _, err := db.exec(ctx, db.sql, "DELETE FROM sync_leases WHERE shop_id = ? AND token = ?", l.shopID, l.token); err != nil {
			errs = append(errs, fmt.Errorf("release sync lease of shop %d: %w", l.shopID, err))
		}
		var ok bool
		err := l.conn.QueryRowContext(ctx, "SELECT pg_advisory_unlock(hashtext($1 || current_schema()), $2::int)", leaseLockSpace, l.shopID).Scan(&ok)
		if err != nil || !ok {
			discardConn(l.conn)
		} else {
			l.conn.Close()
		}
		l.conn = nil
		return errors.Join(errs...)
	}
	r, err := db.exec(ctx, db.sql, "DELETE FROM sync_leases WHERE shop_id = ? AND token = ?", l.shopID, l.token)
	if err != nil {
		errs = append(errs, fmt.Errorf("release sync lease of shop %d: %w", l.shopID, err))
	} else if n, _ := r.RowsAffected(); n != 1 && l.logID != 0 {
		// It had expired and been taken over while this holder worked.
		_, _ = db.exec(ctx, db.sql, "UPDATE sync_lease_log SET outcome = 'lost' WHERE id = ? AND outcome = 'released'", l.logID)
	}
	return errors.Join(errs...)
}

// discardConn closes a connection so that the pool drops it instead of
// reusing it (ending its PostgreSQL session, and any lock it holds).
func discardConn(c *sql.Conn) {
	_ = c.Raw(func(any) error { return driver.ErrBadConn })
	c.Close()
}

// SyncLeaseHistory returns who held a shop's sync lease when, oldest
// first; limit <= 0 returns all.
func (db *DB) SyncLeaseHistory(ctx context.Context, shopID int64, limit int) ([]LeaseRecord, error) {
	q := "SELECT holder, acquired_at, released_at, outcome FROM sync_lease_log WHERE shop_id = ? ORDER BY id"
	args := []any{shopID}
	if limit > 0 {
		q = "SELECT holder, acquired_at, released_at, outcome FROM (SELECT * FROM sync_lease_log WHERE shop_id = ? ORDER BY id DESC LIMIT ?) AS recent ORDER BY id"
		args = append(args, limit)
	}
	rows, err := db.query(ctx, db.sql, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sync lease history of shop %d: %w", shopID, err)
	}
	defer rows.Close()
	var out []LeaseRecord
	for rows.Next() {
		var r LeaseRecord
		if err := rows.Scan(&r.Holder, timeScan{&r.AcquiredAt}, nullTimeScan{&r.ReleasedAt}, &r.Outcome); err != nil {
			return nil, fmt.Errorf("sync lease history of shop %d: %w", shopID, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sync lease history of shop %d: %w", shopID, err)
	}
	return out, nil
}
