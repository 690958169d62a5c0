package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
)

// PutSnapshot stores one version of a Shopify object and reports whether it
// was new. A version is (shop, GID, UpdatedAt); storing it again is a no-op
// that reports false, so re-reading Shopify is always safe. A zero FetchedAt
// is set to now.
func (db *DB) PutSnapshot(ctx context.Context, s *shopqb.Snapshot) (bool, error) {
	if indexed(s.Kind) {
		// Orders and payouts are indexed for the lookup with the version
		// that stores them, in one transaction (books.go); PutSnapshots
		// checks s.
		isNew, err := db.PutSnapshots(ctx, []*shopqb.Snapshot{s})
		if err != nil {
			return false, err
		}
		return isNew[0], nil
	}
	if err := checkSnapshot(s); err != nil {
		return false, err
	}
	return db.putSnapshot(ctx, db.sql, s)
}

// PutSnapshots stores many versions as PutSnapshot does, in one
// transaction of multi-row statements: a back-fill stores thousands of
// orders, and a transaction and a statement per order were most of what
// storing them cost. isNew[i] reports whether snaps[i] was new (of a
// version given twice, the first). Nothing is stored when an error is
// returned.
func (db *DB) PutSnapshots(ctx context.Context, snaps []*shopqb.Snapshot) (isNew []bool, err error) {
	for _, s := range snaps {
		if err := checkSnapshot(s); err != nil {
			return nil, err
		}
	}
	isNew = make([]bool, len(snaps))
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		clear(isNew)
		var toIndex []*shopqb.Snapshot
		for first, n := 0, 0; first < len(snaps); first += n {
			n = db.d.rowChunk(len(snaps) - first)
			if err := db.insertSnapshots(ctx, tx, snaps[first:first+n], isNew[first:first+n]); err != nil {
				return err
			}
		}
		for i, s := range snaps {
			if isNew[i] && indexed(s.Kind) {
				toIndex = append(toIndex, s)
			}
		}
		if len(toIndex) == 0 {
			return nil
		}
		// Orders and payouts are indexed for the lookup with the versions
		// that store them (books.go).
		return db.indexSnapshots(ctx, tx, toIndex)
	})
	if err != nil {
		return nil, err
	}
	return isNew, nil
}

// snapshotsInsert is insertSnapshots' statement.
var snapshotsInsert = multiRow{
	head: "INSERT INTO snapshots (shop_id, kind, gid, updated_at, body, fetched_at) VALUES ",
	row:  "(?, ?, ?, ?, ?, ?)",
	tail: " ON CONFLICT (shop_id, gid, updated_at) DO NOTHING RETURNING shop_id, gid, updated_at",
}

// insertSnapshots inserts chunk (a count of rows rowChunk gives) in one
// statement and sets isNew[i] when chunk[i] was stored by it.
func (db *DB) insertSnapshots(ctx context.Context, tx *sql.Tx, chunk []*shopqb.Snapshot, isNew []bool) error {
	type version struct {
		shopID int64
		gid    string
		at     int64 // µs: the precision both databases keep
	}
	first := make(map[version]int, len(chunk)) // → the first of chunk with it
	args := make([]any, 0, 6*len(chunk))
	for i, s := range chunk {
		v := version{s.ShopID, s.GID, s.UpdatedAt.UnixMicro()}
		if _, ok := first[v]; !ok {
			first[v] = i
		}
		args = append(args, s.ShopID, s.Kind, s.GID, db.d.t(s.UpdatedAt), nonNilBytes(s.Body), db.d.t(s.FetchedAt))
	}
	err := db.scanAll(ctx, tx, snapshotsInsert.text(db.d, len(chunk)), args, func(rows *sql.Rows) error {
		var v version
		var at time.Time
		if err := rows.Scan(&v.shopID, &v.gid, timeScan{&at}); err != nil {
			return err
		}
		v.at = at.UnixMicro()
		i, ok := first[v]
		if !ok {
			return fmt.Errorf("stored snapshot %s at %s was not given", v.gid, at)
		}
		isNew[i] = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("put snapshots from %s of shop %d: %w", chunk[0].GID, chunk[0].ShopID, err)
	}
	return nil
}

// checkSnapshot refuses a snapshot without its identity and normalises its
// times (a zero FetchedAt is now).
func checkSnapshot(s *shopqb.Snapshot) error {
	if s.GID == "" || s.Kind == "" {
		return fmt.Errorf("put snapshot of shop %d: kind %q and GID %q must both be set", s.ShopID, s.Kind, s.GID)
	}
	if s.FetchedAt.IsZero() {
		s.FetchedAt = time.Now()
	}
	s.UpdatedAt, s.FetchedAt = normTime(s.UpdatedAt), normTime(s.FetchedAt)
	return nil
}

// putSnapshot inserts one version and reports whether it was new.
func (db *DB) putSnapshot(ctx context.Context, q querier, s *shopqb.Snapshot) (bool, error) {
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

// snapshotPageBytes ends a page early once its snapshots hold this much
// JSON: a payout carries a balance transaction for each charge and refund
// of its day, so 200 payouts of a shop of 100,000 orders were 22 MB at
// once, and would grow with the shop.
const snapshotPageBytes = 4 << 20

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
		size := 0
		for size < snapshotPageBytes && rows.Next() {
			s, err := scanSnapshot(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("latest %s snapshots of shop %d: %w", kind, shopID, err)
			}
			page = append(page, s)
			size += len(s.Body)
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
		if len(page) < snapshotPage && size < snapshotPageBytes {
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

// NewestSnapshots returns the newest stored version of each of gids, as
// LatestSnapshot would one by one, in GID order; unknown GIDs are absent.
// Unlike LatestSnapshots it reads the versions themselves, not the index,
// so it serves every kind and a version the index could not read.
func (db *DB) NewestSnapshots(ctx context.Context, shopID int64, gids []string) ([]*shopqb.Snapshot, error) {
	out, err := queryInChunks(ctx, db, shopID, gids, func(in string) string {
		return `SELECT ` + snapshotColumns + ` FROM snapshots s
			WHERE s.shop_id = ? AND s.gid IN (` + in + `)
			AND NOT EXISTS (SELECT 1 FROM snapshots n
				WHERE n.shop_id = s.shop_id AND n.gid = s.gid AND n.updated_at > s.updated_at)`
	}, scanSnapshot)
	if err != nil {
		return nil, fmt.Errorf("snapshots of shop %d: %w", shopID, err)
	}
	slices.SortFunc(out, func(a, b *shopqb.Snapshot) int { return strings.Compare(a.GID, b.GID) })
	return out, nil
}
