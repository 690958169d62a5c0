package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
)

// Users, grants, sessions, failed logins and login links of the standalone
// pages (internal/webauth decides what they mean; this file only keeps them).

const userColumns = "id, email, password_hash, operator, locale, created_at, updated_at"

// CreateUser stores a new user and sets its ID and times. The e-mail is
// kept in lower case; one already taken gives shopqb.ErrConflict.
func (db *DB) CreateUser(ctx context.Context, u *shopqb.User) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if u.Email == "" || u.PasswordHash == "" {
		return fmt.Errorf("create user: e-mail and password hash are required")
	}
	now := normTime(time.Now())
	err := db.queryRow(ctx, db.sql, "INSERT INTO users (email, password_hash, operator, locale, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		u.Email, u.PasswordHash, u.Operator, u.Locale, db.d.t(now), db.d.t(now)).Scan(&u.ID)
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("create user %s: %w", u.Email, shopqb.ErrConflict)
		}
		return fmt.Errorf("create user %s: %w", u.Email, err)
	}
	u.CreatedAt, u.UpdatedAt = now, now
	return nil
}

// UpdateUser writes a user's password hash, operator flag and locale.
func (db *DB) UpdateUser(ctx context.Context, u *shopqb.User) error {
	now := normTime(time.Now())
	res, err := db.exec(ctx, db.sql, "UPDATE users SET password_hash = ?, operator = ?, locale = ?, updated_at = ? WHERE id = ?",
		u.PasswordHash, u.Operator, u.Locale, db.d.t(now), u.ID)
	if err == nil {
		err = oneRow(res)
	}
	if err != nil {
		return fmt.Errorf("update user %s: %w", u.Email, err)
	}
	u.UpdatedAt = now
	return nil
}

// UserByEmail returns the user with that e-mail (any case), or shopqb.ErrNotFound.
func (db *DB) UserByEmail(ctx context.Context, email string) (*shopqb.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	u, err := scanUser(db.queryRow(ctx, db.sql, "SELECT "+userColumns+" FROM users WHERE email = ?", email))
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", email, err)
	}
	return u, nil
}

// UserByID returns the user with that id, or shopqb.ErrNotFound.
func (db *DB) UserByID(ctx context.Context, id int64) (*shopqb.User, error) {
	u, err := scanUser(db.queryRow(ctx, db.sql, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}

func scanUser(r rowScanner) (*shopqb.User, error) {
	var u shopqb.User
	err := r.Scan(&u.ID, &u.Email, &u.PasswordHash, &u.Operator, &u.Locale, timeScan{&u.CreatedAt}, timeScan{&u.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shopqb.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// GrantShop lets the user see the shop; granting twice is not an error.
func (db *DB) GrantShop(ctx context.Context, userID, shopID int64) error {
	_, err := db.exec(ctx, db.sql, "INSERT INTO user_shops (user_id, shop_id) VALUES (?, ?) ON CONFLICT DO NOTHING", userID, shopID)
	if err != nil {
		return fmt.Errorf("grant shop %d to user %d: %w", shopID, userID, err)
	}
	return nil
}

// RevokeShop takes the shop away from the user; absent is not an error.
func (db *DB) RevokeShop(ctx context.Context, userID, shopID int64) error {
	if _, err := db.exec(ctx, db.sql, "DELETE FROM user_shops WHERE user_id = ? AND shop_id = ?", userID, shopID); err != nil {
		return fmt.Errorf("revoke shop %d from user %d: %w", shopID, userID, err)
	}
	return nil
}

// UserShopIDs lists the shops granted to the user, in id order (an
// operator's "every shop" is not expanded here).
func (db *DB) UserShopIDs(ctx context.Context, userID int64) ([]int64, error) {
	rows, err := db.query(ctx, db.sql, "SELECT shop_id FROM user_shops WHERE user_id = ? ORDER BY shop_id", userID)
	if err != nil {
		return nil, fmt.Errorf("shops of user %d: %w", userID, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("shops of user %d: %w", userID, err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// UserCanSee reports whether the user may see the shop: an operator any
// shop that exists, anyone else a shop granted to them.
func (db *DB) UserCanSee(ctx context.Context, userID, shopID int64) (bool, error) {
	var n int
	err := db.queryRow(ctx, db.sql, `SELECT COUNT(*) FROM shops s WHERE s.id = ? AND (
		EXISTS (SELECT 1 FROM users u WHERE u.id = ? AND u.operator)
		OR EXISTS (SELECT 1 FROM user_shops g WHERE g.user_id = ? AND g.shop_id = s.id))`,
		shopID, userID, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("may user %d see shop %d: %w", userID, shopID, err)
	}
	return n > 0, nil
}

// CreateSession stores a login session; sessions whose absolute end has
// passed are swept out on the way.
func (db *DB) CreateSession(ctx context.Context, s *shopqb.Session) error {
	if len(s.IDHash) == 0 {
		return errors.New("create session: empty id hash")
	}
	if _, err := db.exec(ctx, db.sql, "DELETE FROM web_sessions WHERE expires_at <= ?", db.d.t(s.CreatedAt)); err != nil {
		return fmt.Errorf("create session: remove expired sessions: %w", err)
	}
	_, err := db.exec(ctx, db.sql, "INSERT INTO web_sessions (id_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		s.IDHash, s.UserID, db.d.t(s.CreatedAt), db.d.t(s.LastSeenAt), db.d.t(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create session for user %d: %w", s.UserID, err)
	}
	return nil
}

// SessionByHash returns the session with that id hash, or shopqb.ErrNotFound.
// The hash stands for a credential, so it stays out of errors.
func (db *DB) SessionByHash(ctx context.Context, idHash []byte) (*shopqb.Session, error) {
	s := shopqb.Session{IDHash: idHash}
	err := db.queryRow(ctx, db.sql, "SELECT user_id, created_at, last_seen_at, expires_at FROM web_sessions WHERE id_hash = ?", idHash).
		Scan(&s.UserID, timeScan{&s.CreatedAt}, timeScan{&s.LastSeenAt}, timeScan{&s.ExpiresAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("session: %w", shopqb.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	return &s, nil
}

// TouchSession records activity on a session (its idle timeout counts from here).
func (db *DB) TouchSession(ctx context.Context, idHash []byte, at time.Time) error {
	if _, err := db.exec(ctx, db.sql, "UPDATE web_sessions SET last_seen_at = ? WHERE id_hash = ?", db.d.t(at), idHash); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession ends a session (logout, expiry); absent is not an error.
func (db *DB) DeleteSession(ctx context.Context, idHash []byte) error {
	if _, err := db.exec(ctx, db.sql, "DELETE FROM web_sessions WHERE id_hash = ?", idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of the user (a password change).
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := db.exec(ctx, db.sql, "DELETE FROM web_sessions WHERE user_id = ?", userID); err != nil {
		return fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// loginFailureMemory is how long failed logins are kept at most; the
// limiter looks back less far than this.
const loginFailureMemory = 24 * time.Hour

// RecordLoginFailure notes a failed login under each key (e.g. the
// address and the account), forgetting those keys' failures older than a day.
func (db *DB) RecordLoginFailure(ctx context.Context, at time.Time, keys ...string) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := db.exec(ctx, tx, "DELETE FROM login_failures WHERE limit_key = ? AND at < ?", k, db.d.t(at.Add(-loginFailureMemory))); err != nil {
				return err
			}
			if _, err := db.exec(ctx, tx, "INSERT INTO login_failures (limit_key, at) VALUES (?, ?)", k, db.d.t(at)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record failed login: %w", err)
	}
	return nil
}

// LoginFailuresSince counts the key's failed logins at or after since and
// returns the oldest of them (zero when there is none).
func (db *DB) LoginFailuresSince(ctx context.Context, key string, since time.Time) (int, time.Time, error) {
	var (
		n      int
		oldest *time.Time
	)
	// MIN over a time column: SQLite's fixed-width text orders as time;
	// with no failure it is NULL.
	err := db.queryRow(ctx, db.sql, "SELECT COUNT(*), MIN(at) FROM login_failures WHERE limit_key = ? AND at >= ?", key, db.d.t(since)).
		Scan(&n, nullTimeScan{&oldest})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("count failed logins: %w", err)
	}
	if oldest == nil {
		return n, time.Time{}, nil
	}
	return n, *oldest, nil
}

// ClearLoginFailures forgets a key's failed logins (a successful login).
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := db.exec(ctx, db.sql, "DELETE FROM login_failures WHERE limit_key = ?", key); err != nil {
		return fmt.Errorf("clear failed logins: %w", err)
	}
	return nil
}

// CreateLoginLink stores a one-time login link's token digest for the user
// until expiresAt; expired links are swept out on the way.
func (db *DB) CreateLoginLink(ctx context.Context, tokenHash []byte, userID int64, expiresAt time.Time) error {
	if len(tokenHash) == 0 {
		return errors.New("create login link: empty token hash")
	}
	if _, err := db.exec(ctx, db.sql, "DELETE FROM login_links WHERE expires_at <= ?", db.d.t(time.Now())); err != nil {
		return fmt.Errorf("create login link: remove expired links: %w", err)
	}
	if _, err := db.exec(ctx, db.sql, "INSERT INTO login_links (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
		tokenHash, userID, db.d.t(expiresAt)); err != nil {
		return fmt.Errorf("create login link for user %d: %w", userID, err)
	}
	return nil
}

// TakeLoginLink consumes a login link and returns its user. It is deleted
// by the statement that reads it, so a link works once even when two
// processes are handed it; unknown, used or (at now) expired gives
// shopqb.ErrNotFound.
func (db *DB) TakeLoginLink(ctx context.Context, tokenHash []byte, now time.Time) (int64, error) {
	var (
		userID  int64
		expires time.Time
	)
	err := db.queryRow(ctx, db.sql, "DELETE FROM login_links WHERE token_hash = ? RETURNING user_id, expires_at", tokenHash).
		Scan(&userID, timeScan{&expires})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("login link: %w", shopqb.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("login link: %w", err)
	}
	if !now.Before(expires) {
		return 0, fmt.Errorf("login link expired at %s: %w", expires.Format(time.RFC3339), shopqb.ErrNotFound)
	}
	return userID, nil
}

// VisibleShops lists, by name then id, a page of the shops the user may see
// (an operator every shop, anyone else the granted ones) and how many there
// are in all.
func (db *DB) VisibleShops(ctx context.Context, userID int64, offset, limit int) ([]shopqb.ShopRef, int, error) {
	const visible = `FROM shops s WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = ? AND u.operator)
		OR EXISTS (SELECT 1 FROM user_shops g WHERE g.user_id = ? AND g.shop_id = s.id)`
	var total int
	if err := db.queryRow(ctx, db.sql, "SELECT COUNT(*) "+visible, userID, userID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("shops of user %d: %w", userID, err)
	}
	if limit <= 0 {
		limit = 50
	}
	rows, err := db.query(ctx, db.sql, "SELECT s.id, s.domain, s.name "+visible+" ORDER BY s.name, s.id LIMIT ? OFFSET ?",
		userID, userID, limit, max(offset, 0))
	if err != nil {
		return nil, 0, fmt.Errorf("shops of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []shopqb.ShopRef
	for rows.Next() {
		var r shopqb.ShopRef
		if err := rows.Scan(&r.ID, &r.Domain, &r.Name); err != nil {
			return nil, 0, fmt.Errorf("shops of user %d: %w", userID, err)
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}
