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

const shopColumns = `id, domain, name, time_zone, currency, qbwc_user, app_token_hash, app_token_created_at, owner_id, file_id,
	company_file, shopify_auth, shopify_url, settings, started_at, created_at, updated_at`

// CreateShop inserts s and sets its ID, CreatedAt and UpdatedAt. A domain or
// Web Connector user that another shop already has gives shopqb.ErrConflict.
func (db *DB) CreateShop(ctx context.Context, s *shopqb.Shop) error {
	if s.Domain == "" {
		return errors.New("create shop: empty domain")
	}
	settings, err := json.Marshal(s.Settings)
	if err != nil {
		return fmt.Errorf("create shop %s: encode settings: %w", s.Domain, err)
	}
	now := normTime(time.Now())
	var id int64
	err = db.queryRow(ctx, db.sql, `INSERT INTO shops (domain, name, time_zone, currency, qbwc_user, app_token_hash, app_token_created_at,
		owner_id, file_id, company_file, shopify_auth, shopify_url, settings, started_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.Domain, s.Name, s.TimeZone, s.Currency, s.QBWCUser, nonNilBytes(s.AppTokenHash), db.d.tp(s.AppTokenCreatedAt),
		s.OwnerID, s.FileID, s.CompanyFile, s.ShopifyAuth, s.ShopifyURL, string(settings),
		db.d.tp(s.StartedAt), db.d.t(now), db.d.t(now)).Scan(&id)
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("create shop %s (Web Connector user %q): %w", s.Domain, s.QBWCUser, shopqb.ErrConflict)
		}
		return fmt.Errorf("create shop %s: %w", s.Domain, err)
	}
	s.ID, s.CreatedAt, s.UpdatedAt = id, now, now
	return nil
}

// UpdateShop writes every field of s except ID and CreatedAt, and sets
// UpdatedAt.
func (db *DB) UpdateShop(ctx context.Context, s *shopqb.Shop) error {
	settings, err := json.Marshal(s.Settings)
	if err != nil {
		return fmt.Errorf("update shop %d: encode settings: %w", s.ID, err)
	}
	now := normTime(time.Now())
	res, err := db.exec(ctx, db.sql, `UPDATE shops SET domain = ?, name = ?, time_zone = ?, currency = ?, qbwc_user = ?,
		app_token_hash = ?, app_token_created_at = ?, owner_id = ?, file_id = ?, company_file = ?, shopify_auth = ?, shopify_url = ?,
		settings = ?, started_at = ?, updated_at = ? WHERE id = ?`,
		s.Domain, s.Name, s.TimeZone, s.Currency, s.QBWCUser, nonNilBytes(s.AppTokenHash), db.d.tp(s.AppTokenCreatedAt),
		s.OwnerID, s.FileID, s.CompanyFile, s.ShopifyAuth, s.ShopifyURL, string(settings),
		db.d.tp(s.StartedAt), db.d.t(now), s.ID)
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("update shop %d (%s, Web Connector user %q): %w", s.ID, s.Domain, s.QBWCUser, shopqb.ErrConflict)
		}
		return fmt.Errorf("update shop %d: %w", s.ID, err)
	}
	if err := oneRow(res); err != nil {
		return fmt.Errorf("update shop %d: %w", s.ID, err)
	}
	s.UpdatedAt = now
	return nil
}

// ShopByID returns the shop with that id, or shopqb.ErrNotFound.
func (db *DB) ShopByID(ctx context.Context, id int64) (*shopqb.Shop, error) {
	s, err := db.shopWhere(ctx, "id = ?", id)
	if err != nil {
		return nil, fmt.Errorf("shop %d: %w", id, err)
	}
	return s, nil
}

// ShopByDomain returns the shop with that myshopify domain, or shopqb.ErrNotFound.
func (db *DB) ShopByDomain(ctx context.Context, domain string) (*shopqb.Shop, error) {
	s, err := db.shopWhere(ctx, "domain = ?", domain)
	if err != nil {
		return nil, fmt.Errorf("shop %s: %w", domain, err)
	}
	return s, nil
}

// ShopByQBWCUser returns the shop whose .qwc has that UserName, or shopqb.ErrNotFound.
func (db *DB) ShopByQBWCUser(ctx context.Context, user string) (*shopqb.Shop, error) {
	if user == "" {
		return nil, fmt.Errorf("shop with Web Connector user %q: %w", user, shopqb.ErrNotFound)
	}
	s, err := db.shopWhere(ctx, "qbwc_user = ?", user)
	if err != nil {
		return nil, fmt.Errorf("shop with Web Connector user %q: %w", user, err)
	}
	return s, nil
}

// ListShops returns every shop in id order.
func (db *DB) ListShops(ctx context.Context) ([]*shopqb.Shop, error) {
	rows, err := db.query(ctx, db.sql, "SELECT "+shopColumns+" FROM shops ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list shops: %w", err)
	}
	defer rows.Close()
	var out []*shopqb.Shop
	for rows.Next() {
		s, err := scanShop(rows)
		if err != nil {
			return nil, fmt.Errorf("list shops: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list shops: %w", err)
	}
	return out, nil
}

func (db *DB) shopWhere(ctx context.Context, where string, arg any) (*shopqb.Shop, error) {
	row := db.cachedQueryRow(ctx, db.sql, "SELECT "+shopColumns+" FROM shops WHERE "+where, arg)
	s, err := scanShop(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shopqb.ErrNotFound
	}
	return s, err
}

// rowScanner is what *sql.Row and *sql.Rows have in common.
type rowScanner interface{ Scan(dest ...any) error }

func scanShop(r rowScanner) (*shopqb.Shop, error) {
	var s shopqb.Shop
	var settings string
	err := r.Scan(&s.ID, &s.Domain, &s.Name, &s.TimeZone, &s.Currency, &s.QBWCUser, &s.AppTokenHash, nullTimeScan{&s.AppTokenCreatedAt},
		&s.OwnerID, &s.FileID, &s.CompanyFile, &s.ShopifyAuth, &s.ShopifyURL, &settings,
		nullTimeScan{&s.StartedAt}, timeScan{&s.CreatedAt}, timeScan{&s.UpdatedAt})
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(settings), &s.Settings); err != nil {
		return nil, fmt.Errorf("shop %d: decode settings: %w", s.ID, err)
	}
	return &s, nil
}

// PutSecret stores (or replaces) a shop's named ciphertext.
func (db *DB) PutSecret(ctx context.Context, shopID int64, name string, ciphertext []byte) error {
	_, err := db.exec(ctx, db.sql, `INSERT INTO secrets (shop_id, name, ciphertext, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (shop_id, name) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
		shopID, name, nonNilBytes(ciphertext), db.d.t(time.Now()))
	if err != nil {
		return fmt.Errorf("put secret %s of shop %d: %w", name, shopID, err)
	}
	return nil
}

// Secret returns a shop's named ciphertext, or shopqb.ErrNotFound.
func (db *DB) Secret(ctx context.Context, shopID int64, name string) ([]byte, error) {
	var b []byte
	err := db.queryRow(ctx, db.sql, "SELECT ciphertext FROM secrets WHERE shop_id = ? AND name = ?", shopID, name).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("secret %s of shop %d: %w", name, shopID, shopqb.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("secret %s of shop %d: %w", name, shopID, err)
	}
	return nonNilBytes(b), nil
}

// PutKV stores (or replaces) a shop's value under key.
func (db *DB) PutKV(ctx context.Context, shopID int64, key string, value []byte) error {
	return db.putKV(ctx, db.sql, shopID, key, value)
}

// putKV is PutKV on q, so CommitPlan can write key/values in its transaction.
func (db *DB) putKV(ctx context.Context, q querier, shopID int64, key string, value []byte) error {
	_, err := db.exec(ctx, q, `INSERT INTO kv (shop_id, key, value, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (shop_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		shopID, key, nonNilBytes(value), db.d.t(time.Now()))
	if err != nil {
		return fmt.Errorf("put %s of shop %d: %w", key, shopID, err)
	}
	return nil
}

// KV returns a shop's value under key, or shopqb.ErrNotFound.
func (db *DB) KV(ctx context.Context, shopID int64, key string) ([]byte, error) {
	var b []byte
	err := db.cachedQueryRow(ctx, db.sql, "SELECT value FROM kv WHERE shop_id = ? AND key = ?", shopID, key).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s of shop %d: %w", key, shopID, shopqb.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("%s of shop %d: %w", key, shopID, err)
	}
	return nonNilBytes(b), nil
}

// nonNilBytes turns nil into an empty slice: a NOT NULL byte column must get
// zero bytes, not NULL, and callers get back a non-nil slice either way.
func nonNilBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// oneRow turns "no row changed" into shopqb.ErrNotFound.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return shopqb.ErrNotFound
	}
	return nil
}
