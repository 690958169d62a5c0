package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
)

// indexEntry is what the index records of one order or payout version:
// its row of snapshot_index, its events and its links.
type indexEntry struct {
	s                             *shopqb.Snapshot
	name, number, customer, email string
	at                            time.Time
	events                        []time.Time // normalised, non-zero, each once
	links                         []string
}

// indexEntryOf reads what the index keeps of s: its Facts when the writer
// set them, else what its body says; false when its body cannot be read:
// it is kept as evidence but not searchable.
func indexEntryOf(s *shopqb.Snapshot) (indexEntry, bool) {
	f := s.Facts
	if f == nil {
		var ok bool
		if f, ok = FactsOfBody(s.Kind, s.Body); !ok {
			return indexEntry{}, false
		}
	}
	e := indexEntry{s: s, name: f.Name, number: digits(f.Name), at: f.At,
		customer: strings.ToLower(strings.TrimSpace(f.Customer)), email: strings.ToLower(strings.TrimSpace(f.Email))}
	if s.Kind == "payout" {
		e.number = f.Name // a payout's name is its legacy id
	}
	linked := map[string]bool{}
	for _, id := range f.LinkedOrderIDs {
		if id != "" && !linked[id] {
			linked[id] = true
			e.links = append(e.links, id)
		}
	}
	seen := map[time.Time]bool{}
	for _, t := range f.Events {
		t = normTime(t)
		if t.IsZero() || seen[t] {
			continue
		}
		seen[t] = true
		e.events = append(e.events, t)
	}
	return e, true
}

// FactsOfBody reads the indexed facts of an order or payout from its
// snapshot body (the JSON of internal/shopify's Order or Payout), as the
// object's own IndexFacts gives them; false when the body cannot be read.
func FactsOfBody(kind string, body []byte) (*shopqb.SnapshotFacts, bool) {
	var b indexedFields
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, false
	}
	f := &shopqb.SnapshotFacts{Name: b.Name}
	switch kind {
	case "order":
		if b.ProcessedAt != nil {
			f.At = *b.ProcessedAt
			f.Events = append(f.Events, f.At)
		}
		if b.Customer != nil {
			f.Customer = b.Customer.DisplayName
			if b.Customer.DefaultEmailAddress != nil {
				f.Email = b.Customer.DefaultEmailAddress.EmailAddress
			}
		}
		for _, r := range b.Refunds {
			t := r.CreatedAt
			if r.ProcessedAt != nil {
				t = *r.ProcessedAt
			}
			f.Events = append(f.Events, t)
		}
		for _, a := range b.Agreements {
			f.Events = append(f.Events, a.HappenedAt)
		}
	case "payout":
		f.Name = b.LegacyResourceID
		if b.IssuedAt != nil {
			f.At = *b.IssuedAt
			f.Events = append(f.Events, f.At)
		}
		for _, bt := range b.BalanceTransactions {
			if bt.AssociatedOrder != nil {
				f.LinkedOrderIDs = append(f.LinkedOrderIDs, bt.AssociatedOrder.ID)
			}
		}
	}
	return f, true
}

// indexSnapshot records s in snapshot_index, snapshot_events and
// snapshot_links when it is the newest version stored of its object.
func (db *DB) indexSnapshot(ctx context.Context, q querier, s *shopqb.Snapshot) error {
	return db.indexSnapshots(ctx, q, []*shopqb.Snapshot{s})
}

// indexSnapshots indexes new versions as indexSnapshot would one after
// the other, with a statement per table for the lot rather than several per
// version. Of one object's versions only the newest readable one can end up
// indexed, so it alone is written.
func (db *DB) indexSnapshots(ctx context.Context, q querier, snaps []*shopqb.Snapshot) error {
	type object struct {
		shopID int64
		gid    string
	}
	var shops []int64
	byShop := map[int64][]indexEntry{}
	slot := map[object]int{} // → its entry in byShop[shopID]
	for _, s := range snaps {
		e, ok := indexEntryOf(s)
		if !ok {
			continue
		}
		o := object{s.ShopID, s.GID}
		if i, dup := slot[o]; dup {
			if !s.UpdatedAt.Before(byShop[s.ShopID][i].s.UpdatedAt) {
				byShop[s.ShopID][i] = e
			}
			continue
		}
		if _, seen := byShop[s.ShopID]; !seen {
			shops = append(shops, s.ShopID)
		}
		slot[o] = len(byShop[s.ShopID])
		byShop[s.ShopID] = append(byShop[s.ShopID], e)
	}
	for _, shopID := range shops {
		if err := db.writeIndex(ctx, q, shopID, byShop[shopID]); err != nil {
			return err
		}
	}
	return nil
}

// The statements writeIndex runs, in chunks (execRows, execIn).
var (
	indexUpsert = multiRow{
		head: "INSERT INTO snapshot_index (shop_id, kind, gid, updated_at, name, number, customer, email, at) VALUES ",
		row:  "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
		tail: ` ON CONFLICT (shop_id, gid) DO UPDATE SET kind = excluded.kind, updated_at = excluded.updated_at,
			name = excluded.name, number = excluded.number, customer = excluded.customer, email = excluded.email, at = excluded.at
		WHERE snapshot_index.updated_at <= excluded.updated_at RETURNING gid`,
	}
	eventsInsert = multiRow{head: "INSERT INTO snapshot_events (shop_id, gid, kind, at) VALUES ", row: "(?, ?, ?, ?)"}
	linksInsert  = multiRow{head: "INSERT INTO snapshot_links (shop_id, gid, linked) VALUES ", row: "(?, ?, ?)"}
)

// writeIndex upserts entries of distinct objects of one shop, and replaces
// the events and links of those whose version is now the indexed one.
func (db *DB) writeIndex(ctx context.Context, q querier, shopID int64, entries []indexEntry) error {
	args := make([]any, 0, 9*len(entries))
	for _, e := range entries {
		args = append(args, e.s.ShopID, e.s.Kind, e.s.GID, db.d.t(e.s.UpdatedAt), e.name, e.number, e.customer, e.email, db.d.t(e.at))
	}
	indexedNow := make(map[string]bool, len(entries)) // the rest are older than the version indexed
	err := db.queryRows(ctx, q, indexUpsert, 9, nil, args, func(rows *sql.Rows) error {
		var gid string
		if err := rows.Scan(&gid); err != nil {
			return err
		}
		indexedNow[gid] = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("index snapshots from %s: %w", entries[0].s.GID, err)
	}
	if len(indexedNow) == 0 {
		return nil
	}
	var gids, events, links []any
	for _, e := range entries {
		if !indexedNow[e.s.GID] {
			continue
		}
		gids = append(gids, e.s.GID)
		for _, t := range e.events {
			events = append(events, e.s.ShopID, e.s.GID, e.s.Kind, db.d.t(t))
		}
		for _, l := range e.links {
			links = append(links, e.s.ShopID, e.s.GID, l)
		}
	}
	shop := []any{shopID}
	if _, err := db.execIn(ctx, q, "DELETE FROM snapshot_events WHERE shop_id = ? AND gid IN (", ")", shop, gids); err != nil {
		return fmt.Errorf("index snapshots from %s: %w", entries[0].s.GID, err)
	}
	if _, err := db.execRows(ctx, q, eventsInsert, 4, nil, events); err != nil {
		return fmt.Errorf("index snapshots from %s: %w", entries[0].s.GID, err)
	}
	if _, err := db.execIn(ctx, q, "DELETE FROM snapshot_links WHERE shop_id = ? AND gid IN (", ")", shop, gids); err != nil {
		return fmt.Errorf("index snapshots from %s: %w", entries[0].s.GID, err)
	}
	if _, err := db.execRows(ctx, q, linksInsert, 3, nil, links); err != nil {
		return fmt.Errorf("index snapshots from %s: %w", entries[0].s.GID, err)
	}
	return nil
}

// rowsOf is the placeholders of n rows of per values: "(?, ?), (?, ?)".
func rowsOf(n, per int) string {
	row := "(" + placeholders(per) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}
