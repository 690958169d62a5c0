package store

import (
	"slices"
	"strings"
	"testing"
)

// TestRowChunks: SQLite's multi-row statements come in the sizes of
// sqliteRowChunks only (so that each text is prepared once), covering every
// row once; PostgreSQL's take upsertRows rows at a time, as they always did.
func TestRowChunks(t *testing.T) {
	for n := 1; n <= 3*upsertRows+7; n++ {
		var sqlite, pg, in []int
		for rest := n; rest > 0; {
			k := sqliteDialect.rowChunk(rest)
			if !slices.Contains(sqliteRowChunks, k) || k > rest {
				t.Fatalf("%d rows: a SQLite chunk of %d of the %d left", n, k, rest)
			}
			sqlite = append(sqlite, k)
			rest -= k
		}
		for rest := n; rest > 0; {
			k := postgresDialect.rowChunk(rest)
			pg = append(pg, k)
			rest -= k
		}
		if want := (n + upsertRows - 1) / upsertRows; len(pg) != want || pg[0] != min(n, upsertRows) {
			t.Fatalf("%d rows: PostgreSQL chunks %v", n, pg)
		}
		for rest := n; rest > 0; {
			size, take := sqliteDialect.inChunk(rest)
			if !slices.Contains(sqliteRowChunks, size) || take < 1 || take > rest || take > size || size > 2*take {
				t.Fatalf("%d keys: an IN list of %d placeholders taking %d of the %d left", n, size, take, rest)
			}
			in = append(in, take)
			rest -= take
		}
		if len(in) > len(sqlite) {
			t.Fatalf("%d keys: %d IN statements, more than the %d of rows", n, len(in), len(sqlite))
		}
	}
}

// TestMultiRowText: a statement's text has its rows and keeps head and
// tail, from the cache as when built; padIn repeats the last key.
func TestMultiRowText(t *testing.T) {
	m := multiRow{head: "INSERT INTO t (a, b) VALUES ", row: "(?, ?)", tail: " ON CONFLICT DO NOTHING"}
	for range 2 {
		if got, want := m.text(sqliteDialect, 3), "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?) ON CONFLICT DO NOTHING"; got != want {
			t.Fatalf("text = %q, want %q", got, want)
		}
	}
	if got := m.text(postgresDialect, 2); got != "INSERT INTO t (a, b) VALUES (?, ?), (?, ?) ON CONFLICT DO NOTHING" {
		t.Fatalf("PostgreSQL text = %q", got)
	}
	if got := strings.Count(m.text(sqliteDialect, upsertRows), "(?, ?)"); got != upsertRows {
		t.Fatalf("%d rows in a text of %d", got, upsertRows)
	}
	if got := padIn([]any{int64(1)}, []any{"a", "b"}, 4); !slices.Equal(got, []any{int64(1), "a", "b", "b", "b"}) {
		t.Fatalf("padIn = %v", got)
	}
}
