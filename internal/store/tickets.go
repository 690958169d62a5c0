package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
)

const ticketColumns = "id, shop_id, company_file, created_at, expires_at, closed_at, state, last_error"

func scanTicket(r rowScanner) (*shopqb.Ticket, error) {
	var t shopqb.Ticket
	err := r.Scan(&t.ID, &t.ShopID, &t.CompanyFile, timeScan{&t.CreatedAt}, timeScan{&t.ExpiresAt},
		nullTimeScan{&t.ClosedAt}, &t.State, &t.LastError)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// CreateTicket stores a new Web Connector ticket. A zero CreatedAt is set
// to now. An id already in use gives shopqb.ErrConflict.
func (db *DB) CreateTicket(ctx context.Context, t *shopqb.Ticket) error {
	if t.ID == "" {
		return fmt.Errorf("create ticket for shop %d: empty id", t.ShopID)
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now()
	}
	t.CreatedAt, t.ExpiresAt = normTime(t.CreatedAt), normTime(t.ExpiresAt)
	_, err := db.exec(ctx, db.sql, `INSERT INTO tickets (id, shop_id, company_file, created_at, expires_at, closed_at,
		state, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.ShopID, t.CompanyFile, db.d.t(t.CreatedAt), db.d.t(t.ExpiresAt), db.d.tp(t.ClosedAt), t.State, t.LastError)
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("create ticket for shop %d: %w", t.ShopID, shopqb.ErrConflict)
		}
		return fmt.Errorf("create ticket for shop %d: %w", t.ShopID, err)
	}
	return nil
}

// shopqb.Ticket returns the ticket with that id, or shopqb.ErrNotFound.
func (db *DB) Ticket(ctx context.Context, id string) (*shopqb.Ticket, error) {
	t, err := scanTicket(db.cachedQueryRow(ctx, db.sql, "SELECT "+ticketColumns+" FROM tickets WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		// The id is a session credential: it stays out of the error.
		return nil, fmt.Errorf("ticket: %w", shopqb.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("ticket: %w", err)
	}
	return t, nil
}

// UpdateTicket writes a ticket's company file, expiry, closing time, state
// and last error.
func (db *DB) UpdateTicket(ctx context.Context, t *shopqb.Ticket) error {
	res, err := db.cachedExec(ctx, db.sql, `UPDATE tickets SET company_file = ?, expires_at = ?, closed_at = ?, state = ?,
		last_error = ? WHERE id = ?`,
		t.CompanyFile, db.d.t(t.ExpiresAt), db.d.tp(t.ClosedAt), t.State, t.LastError, t.ID)
	if err != nil {
		return fmt.Errorf("update ticket of shop %d: %w", t.ShopID, err)
	}
	if err := oneRow(res); err != nil {
		return fmt.Errorf("update ticket of shop %d: %w", t.ShopID, err)
	}
	return nil
}

// OpenTicket returns the shop's newest ticket that is neither closed nor
// expired at now, or shopqb.ErrNotFound.
func (db *DB) OpenTicket(ctx context.Context, shopID int64, now time.Time) (*shopqb.Ticket, error) {
	t, err := scanTicket(db.queryRow(ctx, db.sql, "SELECT "+ticketColumns+` FROM tickets
		WHERE shop_id = ? AND closed_at IS NULL AND expires_at > ? ORDER BY created_at DESC, id DESC LIMIT 1`,
		shopID, db.d.t(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("open ticket of shop %d: %w", shopID, shopqb.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("open ticket of shop %d: %w", shopID, err)
	}
	return t, nil
}

// DeleteExpiredTickets deletes tickets that expired at or before now and
// returns how many.
func (db *DB) DeleteExpiredTickets(ctx context.Context, now time.Time) (int, error) {
	res, err := db.exec(ctx, db.sql, "DELETE FROM tickets WHERE expires_at <= ?", db.d.t(now))
	if err != nil {
		return 0, fmt.Errorf("delete expired tickets: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete expired tickets: %w", err)
	}
	return int(n), nil
}

// authFailureMemory is how long failed authentications are kept. The Web
// Connector endpoint looks back minutes, not days; forgetting older ones
// keeps a password-guessing run from growing the table without bound.
const authFailureMemory = 24 * time.Hour

// RecordAuthFailure notes a failed Web Connector authentication for user,
// and forgets that user's failures older than authFailureMemory before at.
func (db *DB) RecordAuthFailure(ctx context.Context, user string, at time.Time) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := db.exec(ctx, tx, "DELETE FROM auth_failures WHERE qbwc_user = ? AND at < ?",
			user, db.d.t(at.Add(-authFailureMemory))); err != nil {
			return err
		}
		_, err := db.exec(ctx, tx, "INSERT INTO auth_failures (qbwc_user, at) VALUES (?, ?)", user, db.d.t(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("record authentication failure of %q: %w", user, err)
	}
	return nil
}

// AuthFailuresSince counts user's failed authentications at or after since.
func (db *DB) AuthFailuresSince(ctx context.Context, user string, since time.Time) (int, error) {
	var n int
	err := db.queryRow(ctx, db.sql, "SELECT COUNT(*) FROM auth_failures WHERE qbwc_user = ? AND at >= ?",
		user, db.d.t(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count authentication failures of %q: %w", user, err)
	}
	return n, nil
}
