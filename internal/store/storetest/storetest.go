// Package storetest opens migrated, isolated shopqb databases for tests: a
// SQLite file in the test's temporary directory, or a fresh schema in the
// PostgreSQL at $SHOPQB_TEST_POSTGRES_URL. Every package whose tests touch
// storage runs them on both through Backends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for creating schemas

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
)

// DefaultPostgresURL is the test PostgreSQL when $SHOPQB_TEST_POSTGRES_URL
// is unset: the local cluster with trust authentication.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Backends lists the databases every store test runs on.
func Backends() []string { return []string{store.SQLite, store.Postgres} }

// PostgresURL is the base URL of the test PostgreSQL.
func PostgresURL() string {
	if u := os.Getenv("SHOPQB_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// Open returns a migrated database for backend ("sqlite" or "postgres")
// that no other test sees, closed (and on PostgreSQL dropped) when the test
// ends. An unreachable PostgreSQL fails the test, with how to start it:
// a store test that skips silently would prove nothing.
func Open(tb testing.TB, backend string) *store.DB {
	tb.Helper()
	url := URL(tb, backend)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := store.Open(ctx, url, slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatalf("storetest: open %s: %v", backend, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// URL returns the URL of a new, empty, isolated database for backend
// without opening it, for tests that open it themselves (several handles on
// one database, or a process under test). The database is removed when the
// test ends.
func URL(tb testing.TB, backend string) string {
	tb.Helper()
	switch backend {
	case store.SQLite:
		return filepath.Join(tb.TempDir(), "shopqb.db")
	case store.Postgres:
		return postgresSchemaURL(tb)
	default:
		tb.Fatalf("storetest: unknown backend %q (want %q or %q)", backend, store.SQLite, store.Postgres)
		return ""
	}
}

// postgresSchemaURL creates a uniquely named schema and returns a URL whose
// connections use it as their search_path (pgx passes unknown URL
// parameters to the server as run-time parameters).
func postgresSchemaURL(tb testing.TB) string {
	tb.Helper()
	base := PostgresURL()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("storetest: PostgreSQL URL %s: %v", base, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		tb.Fatalf("storetest: PostgreSQL is not reachable at %s: %v\n"+
			"Start it with `pg_ctlcluster 15 main start` (as root), or set SHOPQB_TEST_POSTGRES_URL.", base, err)
	}
	var suffix [6]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		tb.Fatal(err)
	}
	schema := "shopqb_test_" + hex.EncodeToString(suffix[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		tb.Fatalf("storetest: create schema %s: %v", schema, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("storetest: drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("storetest: PostgreSQL URL %s: %v", base, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// MustShopID creates a minimal shop with that domain (also its Web
// Connector user) and returns its id, for tests that need rows that
// reference a shop.
func MustShopID(tb testing.TB, db *store.DB, domain string) int64 {
	tb.Helper()
	s := &shopqb.Shop{
		Domain: domain, Name: domain, QBWCUser: domain, TimeZone: "America/New_York", Currency: "USD",
		Settings: shopqb.DefaultSettings(),
	}
	if err := db.CreateShop(context.Background(), s); err != nil {
		tb.Fatalf("storetest: create shop %s: %v", domain, err)
	}
	return s.ID
}
