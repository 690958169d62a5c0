package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
)

// This file is what Shopify's privacy and lifecycle webhooks need of storage
// (internal/shopify/COMPLIANCE.md): rewriting personal data out of stored
// copies, forgetting credentials, and erasing a shop down to a tombstone.
// The store decides nothing about what is personal; the caller's functions
// do, so the rules live in one place (internal/privacy).

// Tombstone is what remains of a shop that shop/redact erased.
type Tombstone struct {
	Domain        string
	InstalledAt   time.Time
	UninstalledAt *time.Time // nil when no app/uninstalled was recorded
	ErasedAt      time.Time
}

// redactPage is how many rows a redaction reads at a time, so memory stays
// flat on a large shop and no cursor is held open while rows are rewritten.
const redactPage = 200

// EachSnapshotVersion calls fn with every stored version of every snapshot
// of a shop, oldest stored first. Unlike EachLatestSnapshot it includes
// superseded versions: a data export or an erasure must cover them too.
func (db *DB) EachSnapshotVersion(ctx context.Context, shopID int64, fn func(*shopqb.Snapshot) error) error {
	return db.eachSnapshotRow(ctx, shopID, func(_ int64, s *shopqb.Snapshot) error { return fn(s) })
}

// eachSnapshotRow pages through a shop's snapshots by row id.
func (db *DB) eachSnapshotRow(ctx context.Context, shopID int64, fn func(id int64, s *shopqb.Snapshot) error) error {
	var after int64
	for {
		rows, err := db.query(ctx, db.sql, `SELECT s.id, `+snapshotColumns+` FROM snapshots s
			WHERE s.shop_id = ? AND s.id > ? ORDER BY s.id LIMIT ?`, shopID, after, redactPage)
		if err != nil {
			return fmt.Errorf("snapshots of shop %d: %w", shopID, err)
		}
		type row struct {
			id int64
			s  *shopqb.Snapshot
		}
		var page []row
		for rows.Next() {
			var id int64
			s, err := scanSnapshot(prefixScanner{rows, &id})
			if err != nil {
				rows.Close()
				return fmt.Errorf("snapshots of shop %d: %w", shopID, err)
			}
			page = append(page, row{id, s})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("snapshots of shop %d: %w", shopID, err)
		}
		for _, r := range page {
			if err := fn(r.id, r.s); err != nil {
				return err
			}
		}
		if len(page) < redactPage {
			return nil
		}
		after = page[len(page)-1].id
	}
}

// RedactSnapshots offers every stored version of a shop's snapshots to
// redact and stores the body it returns in place of the old one, reporting
// how many versions changed. A body returned unchanged is not written, so
// running it twice is harmless. Snapshots are otherwise immutable; an
// erasure request is the one reason to change one, and the version keeps
// its GID and UpdatedAt so re-planning still finds it.
func (db *DB) RedactSnapshots(ctx context.Context, shopID int64, redact func(kind, gid string, body []byte) ([]byte, error)) (int, error) {
	changed := 0
	err := db.eachSnapshotRow(ctx, shopID, func(id int64, s *shopqb.Snapshot) error {
		body, err := redact(s.Kind, s.GID, s.Body)
		if err != nil {
			return fmt.Errorf("redact snapshot %s (%s): %w", s.GID, s.UpdatedAt.Format(time.RFC3339), err)
		}
		if bytes.Equal(body, s.Body) {
			return nil
		}
		if _, err := db.exec(ctx, db.sql, "UPDATE snapshots SET body = ? WHERE id = ? AND shop_id = ?",
			nonNilBytes(body), id, shopID); err != nil {
			return fmt.Errorf("redact snapshot %s: %w", s.GID, err)
		}
		if indexed(s.Kind) {
			// The index holds the customer's name and e-mail too.
			r := *s
			r.Body = body
			if err := db.indexSnapshot(ctx, db.sql, &r); err != nil {
				return fmt.Errorf("redact snapshot %s: %w", s.GID, err)
			}
		}
		changed++
		return nil
	})
	if err != nil {
		return changed, fmt.Errorf("redact snapshots of shop %d: %w", shopID, err)
	}
	return changed, nil
}

// RedactPostings offers a shop's postings, and its archived postings, to
// redact, which may change p.Request and p.Name; the ones it changed are
// written back. It reports how many rows changed.
//
// Only postings that are done, planned or failed are offered: a sent or
// in-doubt posting may still be recovered by re-querying QuickBooks with
// exactly what was sent, so it is skipped (the caller can list those with
// ListPostings and try again once they settle). Each write is guarded by
// the state, request and name that were read, so a posting claimed for
// sending in the meantime is left alone rather than changed under the Web
// Connector. Archived postings are never sent again and are all offered.
func (db *DB) RedactPostings(ctx context.Context, shopID int64, redact func(*shopqb.Posting) error) (int, error) {
	changed := 0
	var after int64
	for {
		ps, err := db.ListPostings(ctx, shopqb.PostingFilter{ShopID: shopID, AfterID: after, Limit: redactPage,
			States: []shopqb.PostingState{shopqb.Done, shopqb.Planned, shopqb.Failed}})
		if err != nil {
			return changed, fmt.Errorf("redact postings of shop %d: %w", shopID, err)
		}
		for _, p := range ps {
			n, err := db.redactPosting(ctx, p, redact, `UPDATE postings SET request = ?, name = ?, updated_at = ?
				WHERE id = ? AND shop_id = ? AND state = ? AND request = ? AND name = ?`, p.ID)
			if err != nil {
				return changed, fmt.Errorf("redact postings of shop %d: %w", shopID, err)
			}
			changed += n
		}
		if len(ps) < redactPage {
			break
		}
		after = ps[len(ps)-1].ID
	}
	n, err := db.redactArchivedPostings(ctx, shopID, redact)
	changed += n
	if err != nil {
		return changed, fmt.Errorf("redact postings of shop %d: %w", shopID, err)
	}
	return changed, nil
}

// redactArchivedPostings is RedactPostings for the archive, addressed by
// archive row id (an archived posting's ID is its original posting id).
func (db *DB) redactArchivedPostings(ctx context.Context, shopID int64, redact func(*shopqb.Posting) error) (int, error) {
	changed := 0
	var after int64
	for {
		rows, err := db.query(ctx, db.sql, `SELECT id, posting_id, shop_id, posting_key, kind, deps, request,
			external_guid, ref_number, txn_date, name, plan_hash, state, message_set_id, attempts, next_attempt, qbid,
			edit_sequence, error_code, error_class, error_message, created_at, updated_at, content, base_key
			FROM archived_postings WHERE shop_id = ? AND id > ? ORDER BY id LIMIT ?`, shopID, after, redactPage)
		if err != nil {
			return changed, fmt.Errorf("archived postings: %w", err)
		}
		type row struct {
			archiveID int64
			p         *shopqb.Posting
		}
		var page []row
		for rows.Next() {
			var archiveID int64
			p, err := scanPosting(prefixScanner{rows, &archiveID})
			if err != nil {
				rows.Close()
				return changed, fmt.Errorf("archived postings: %w", err)
			}
			page = append(page, row{archiveID, p})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return changed, fmt.Errorf("archived postings: %w", err)
		}
		for _, r := range page {
			n, err := db.redactPosting(ctx, r.p, redact, `UPDATE archived_postings SET request = ?, name = ?,
				updated_at = ? WHERE id = ? AND shop_id = ? AND state = ? AND request = ? AND name = ?`, r.archiveID)
			if err != nil {
				return changed, fmt.Errorf("archived %w", err)
			}
			changed += n
		}
		if len(page) < redactPage {
			return changed, nil
		}
		after = page[len(page)-1].archiveID
	}
}

// redactPosting applies redact to one posting and writes it with update,
// whose parameters are: request, name, updated_at, row id, shop, and the
// state, request and name read.
func (db *DB) redactPosting(ctx context.Context, p *shopqb.Posting, redact func(*shopqb.Posting) error,
	update string, rowID int64) (int, error) {
	oldRequest, oldName := p.Request, p.Name
	if err := redact(p); err != nil {
		return 0, fmt.Errorf("posting %s: %w", p.Key, err)
	}
	if p.Request == oldRequest && p.Name == oldName {
		return 0, nil
	}
	res, err := db.exec(ctx, db.sql, update, p.Request, p.Name, db.d.t(time.Now()), rowID, p.ShopID,
		string(p.State), oldRequest, oldName)
	if err != nil {
		return 0, fmt.Errorf("posting %s: %w", p.Key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("posting %s: %w", p.Key, err)
	}
	return int(n), nil
}

// DeleteSecret removes a shop's named ciphertext. Removing one that is not
// there is not an error: the caller wants it gone, and it is.
func (db *DB) DeleteSecret(ctx context.Context, shopID int64, name string) error {
	if _, err := db.exec(ctx, db.sql, "DELETE FROM secrets WHERE shop_id = ? AND name = ?", shopID, name); err != nil {
		return fmt.Errorf("delete secret %s of shop %d: %w", name, shopID, err)
	}
	return nil
}

// DeleteKV removes a shop's value under key; an absent key is not an error.
func (db *DB) DeleteKV(ctx context.Context, shopID int64, key string) error {
	if _, err := db.exec(ctx, db.sql, "DELETE FROM kv WHERE shop_id = ? AND key = ?", shopID, key); err != nil {
		return fmt.Errorf("delete %s of shop %d: %w", key, shopID, err)
	}
	return nil
}

// shopTables are the tables holding a shop's rows, children before parents.
// posting_deps and auth_failures are handled apart: the first is keyed by
// posting as well, the second by Web Connector user.
var shopTables = []string{
	"posting_deps", "posting_drifts", "posting_ledger", "posting_responses", "postings", "expected_ledger", "expected_days", "plan_names",
	"plan_checkpoint_names", "plan_checkpoint_expected", "plan_checkpoint_days", "plan_checkpoints", "archived_postings", "snapshot_events", "snapshot_links", "snapshot_index", "snapshots",
	"tickets", "secrets", "kv", "sync_runs", "webhook_deliveries", "audit_log", "user_shops", "sync_leases", "sync_lease_log",
}

// DeleteShopData erases everything stored for a shop — the shop itself,
// its settings and mappings, secrets, key/values, plan names, tickets, snapshots,
// postings and their archive, sync runs, webhook deliveries, audit log and
// its Web Connector user's failed logins — and leaves one tombstone
// (domain, install, uninstall and erasure dates), all in one transaction.
// Nothing of any other shop is touched. A shop that does not exist gives
// shopqb.ErrNotFound, so a repeated request is recognisable.
func (db *DB) DeleteShopData(ctx context.Context, shopID int64, uninstalledAt *time.Time) (*Tombstone, error) {
	var t *Tombstone
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var domain, qbwcUser string
		var installed time.Time
		err := db.queryRow(ctx, tx, "SELECT domain, qbwc_user, created_at FROM shops WHERE id = ?", shopID).
			Scan(&domain, &qbwcUser, timeScan{&installed})
		if errors.Is(err, sql.ErrNoRows) {
			return shopqb.ErrNotFound
		}
		if err != nil {
			return err
		}
		for _, table := range shopTables {
			if _, err := db.exec(ctx, tx, shopRowsDelete(table), shopID); err != nil {
				return fmt.Errorf("delete from %s: %w", table, err)
			}
		}
		if qbwcUser != "" {
			if _, err := db.exec(ctx, tx, "DELETE FROM auth_failures WHERE qbwc_user = ?", qbwcUser); err != nil {
				return fmt.Errorf("delete from auth_failures: %w", err)
			}
		}
		if _, err := db.exec(ctx, tx, "DELETE FROM shops WHERE id = ?", shopID); err != nil {
			return fmt.Errorf("delete shop: %w", err)
		}
		t = &Tombstone{Domain: domain, InstalledAt: installed, ErasedAt: normTime(time.Now())}
		if uninstalledAt != nil {
			u := normTime(*uninstalledAt)
			t.UninstalledAt = &u
		}
		if _, err := db.exec(ctx, tx, `INSERT INTO shop_tombstones (domain, installed_at, uninstalled_at, erased_at)
			VALUES (?, ?, ?, ?)`, t.Domain, db.d.t(t.InstalledAt), db.d.tp(t.UninstalledAt), db.d.t(t.ErasedAt)); err != nil {
			return fmt.Errorf("write tombstone: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("erase shop %d: %w", shopID, err)
	}
	return t, nil
}

// Tombstones returns the erasures recorded for a shop domain, oldest first.
func (db *DB) Tombstones(ctx context.Context, domain string) ([]Tombstone, error) {
	rows, err := db.query(ctx, db.sql, `SELECT domain, installed_at, uninstalled_at, erased_at FROM shop_tombstones
		WHERE domain = ? ORDER BY id`, domain)
	if err != nil {
		return nil, fmt.Errorf("tombstones of %s: %w", domain, err)
	}
	defer rows.Close()
	var out []Tombstone
	for rows.Next() {
		var t Tombstone
		if err := rows.Scan(&t.Domain, timeScan{&t.InstalledAt}, nullTimeScan{&t.UninstalledAt}, timeScan{&t.ErasedAt}); err != nil {
			return nil, fmt.Errorf("tombstones of %s: %w", domain, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tombstones of %s: %w", domain, err)
	}
	return out, nil
}
