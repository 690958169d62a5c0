package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
)

// PutOAuthState records an OAuth install state issued for shopDomain, valid
// until expiresAt. key should be a digest of the state, so that reading the
// database does not yield a usable state. States that have expired are
// removed on the way, which keeps the table as small as the installs in
// flight. A key already stored gives shopqb.ErrConflict.
func (db *DB) PutOAuthState(ctx context.Context, key, shopDomain string, expiresAt time.Time) error {
	if key == "" {
		return fmt.Errorf("put oauth state for %s: empty key", shopDomain)
	}
	if _, err := db.exec(ctx, db.sql, "DELETE FROM oauth_states WHERE expires_at <= ?", db.d.t(time.Now())); err != nil {
		return fmt.Errorf("put oauth state for %s: remove expired states: %w", shopDomain, err)
	}
	_, err := db.exec(ctx, db.sql, "INSERT INTO oauth_states (state_key, shop_domain, expires_at) VALUES (?, ?, ?)",
		key, shopDomain, db.d.t(expiresAt))
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("put oauth state for %s: %w", shopDomain, shopqb.ErrConflict)
		}
		return fmt.Errorf("put oauth state for %s: %w", shopDomain, err)
	}
	return nil
}

// TakeOAuthState consumes a state and returns the shop domain it was issued
// for. It is deleted in the same statement that reads it, so of two
// processes handed the same callback only one gets it: a state works once.
// An unknown, already used or (at now) expired state gives
// shopqb.ErrNotFound.
func (db *DB) TakeOAuthState(ctx context.Context, key string, now time.Time) (string, error) {
	var (
		domain  string
		expires time.Time
	)
	err := db.queryRow(ctx, db.sql, "DELETE FROM oauth_states WHERE state_key = ? RETURNING shop_domain, expires_at", key).
		Scan(&domain, timeScan{&expires})
	if errors.Is(err, sql.ErrNoRows) {
		// The key stands for a credential: it stays out of the error.
		return "", fmt.Errorf("oauth state: %w", shopqb.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("oauth state: %w", err)
	}
	if !now.Before(expires) {
		return "", fmt.Errorf("oauth state for %s expired at %s: %w", domain, expires.Format(time.RFC3339), shopqb.ErrNotFound)
	}
	return domain, nil
}
