package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// TestSyncLeaseIsExclusiveAcrossHandles: two handles on one database (two
// processes) never hold one shop's lease at once; another shop's is free;
// a released lease is taken again, and the log shows every holding.
func TestSyncLeaseIsExclusiveAcrossHandles(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		url := storetest.URL(t, backend)
		a, err := store.Open(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		b, err := store.Open(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		shop := storetest.MustShopID(t, a, "lease.myshopify.com")
		other := storetest.MustShopID(t, a, "other.myshopify.com")

		la, err := a.AcquireSyncLease(ctx, shop, "process-a", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.AcquireSyncLease(ctx, shop, "process-b", time.Minute); !errors.Is(err, store.ErrLeaseHeld) || !errors.Is(err, shopqb.ErrConflict) {
			t.Fatalf("second holder: %v, want ErrLeaseHeld", err)
		}
		// The same process asking again is refused too: a lease is per sync, not per process.
		if _, err := a.AcquireSyncLease(ctx, shop, "process-a", time.Minute); !errors.Is(err, store.ErrLeaseHeld) {
			t.Fatalf("second sync in the same process: %v, want ErrLeaseHeld", err)
		}
		lo, err := b.AcquireSyncLease(ctx, other, "process-b", time.Minute)
		if err != nil {
			t.Fatalf("another shop's lease: %v", err)
		}
		if err := la.Renew(ctx); err != nil {
			t.Fatal(err)
		}
		if err := la.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if err := la.Release(ctx); err != nil {
			t.Fatalf("second release: %v", err)
		}
		lb, err := b.AcquireSyncLease(ctx, shop, "process-b", time.Minute)
		if err != nil {
			t.Fatalf("after the release: %v", err)
		}
		if err := lb.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if err := lo.Release(ctx); err != nil {
			t.Fatal(err)
		}
		hist, err := a.SyncLeaseHistory(ctx, shop, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Holder != "process-a" || hist[1].Holder != "process-b" ||
			hist[0].Outcome != "released" || hist[0].ReleasedAt == nil || hist[1].AcquiredAt.Before(*hist[0].ReleasedAt) {
			t.Fatalf("history %+v", hist)
		}
		if last, _ := a.SyncLeaseHistory(ctx, shop, 1); len(last) != 1 || last[0].Holder != "process-b" {
			t.Fatalf("last holding %+v", last)
		}
	})
}

// TestSyncLeaseUnderContention: many goroutines on two handles racing for
// one shop's lease; at most one holds it at any moment.
func TestSyncLeaseUnderContention(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		url := storetest.URL(t, backend)
		var dbs [2]*store.DB
		for i := range dbs {
			db, err := store.Open(ctx, url, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			dbs[i] = db
		}
		shop := storetest.MustShopID(t, dbs[0], "race.myshopify.com")
		var holding, maxHolding, held atomic.Int32
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db := dbs[g%2]
				for i := 0; i < 10; i++ {
					l, err := db.AcquireSyncLease(ctx, shop, "racer", time.Minute)
					if errors.Is(err, store.ErrLeaseHeld) {
						time.Sleep(time.Millisecond)
						continue
					}
					if err != nil {
						t.Error(err)
						return
					}
					n := holding.Add(1)
					if n > maxHolding.Load() {
						maxHolding.Store(n)
					}
					held.Add(1)
					time.Sleep(2 * time.Millisecond)
					holding.Add(-1)
					if err := l.Release(ctx); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		if maxHolding.Load() != 1 || held.Load() == 0 {
			t.Fatalf("%d holdings, at most %d at once; want at most 1", held.Load(), maxHolding.Load())
		}
		hist, err := dbs[0].SyncLeaseHistory(ctx, shop, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != int(held.Load()) {
			t.Fatalf("log has %d holdings, %d happened", len(hist), held.Load())
		}
		assertNoOverlap(t, hist)
	})
}

func assertNoOverlap(t *testing.T, hist []store.LeaseRecord) {
	t.Helper()
	for i := 1; i < len(hist); i++ {
		prev := hist[i-1]
		if prev.ReleasedAt == nil || hist[i].AcquiredAt.Before(*prev.ReleasedAt) {
			t.Fatalf("holding %d (%s from %s) began before holding %d ended (%v)", i, hist[i].Holder, hist[i].AcquiredAt, i-1, prev.ReleasedAt)
		}
	}
}

// TestSyncLeaseExpiresOnSQLite: a holder that stopped renewing (a process
// that died) loses its row lease once the TTL passes; the next holder takes
// it over, and the dead holder's renewal fails.
func TestSyncLeaseExpiresOnSQLite(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	shop := storetest.MustShopID(t, db, "expiry.myshopify.com")
	dead, err := db.AcquireSyncLease(ctx, shop, "dead", 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AcquireSyncLease(ctx, shop, "next", time.Minute); !errors.Is(err, store.ErrLeaseHeld) {
		t.Fatalf("before expiry: %v", err)
	}
	time.Sleep(80 * time.Millisecond)
	next, err := db.AcquireSyncLease(ctx, shop, "next", time.Minute)
	if err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if err := dead.Renew(ctx); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("renewal by the dead holder: %v, want ErrLeaseLost", err)
	}
	if err := dead.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if err := next.Renew(ctx); err != nil {
		t.Fatalf("the new holder's lease was disturbed by the old one's release: %v", err)
	}
	next.Release(ctx)
	hist, _ := db.SyncLeaseHistory(ctx, shop, 0)
	if len(hist) != 2 || hist[0].Outcome != "expired" || hist[1].Outcome != "released" {
		t.Fatalf("history %+v", hist)
	}
}

// TestSyncLeaseEndsWithItsPostgresSession: when the connection holding the
// advisory lock dies (the process was killed), PostgreSQL ends the lock and
// another holder takes the shop at once, without waiting for any expiry.
func TestSyncLeaseEndsWithItsPostgresSession(t *testing.T) {
	ctx := context.Background()
	url := storetest.URL(t, store.Postgres)
	a, err := store.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := store.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	shop := storetest.MustShopID(t, a, "killed.myshopify.com")
	if _, err := a.AcquireSyncLease(ctx, shop, "killed", time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AcquireSyncLease(ctx, shop, "survivor", time.Hour); !errors.Is(err, store.ErrLeaseHeld) {
		t.Fatalf("while held: %v", err)
	}
	// Terminate the holder's backend, as a crash would end its connection.
	// Only this schema's lock of the shop: other packages' tests, running
	// at the same time on the same database, hold sync leases of shops
	// with the same ids in their own schemas (the lock's first key, its
	// classid, is the schema's), and killing theirs made them flaky.
	if _, err := b.SQL().ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND objsubid = 2 AND classid::bigint = (hashtext($1 || current_schema())::bigint & 4294967295)
			AND objid = $2 AND pid <> pg_backend_pid()`, store.LeaseLockSpace, shop); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		l, err := b.AcquireSyncLease(ctx, shop, "survivor", time.Hour)
		if err == nil {
			l.Release(ctx)
			break
		}
		if !errors.Is(err, store.ErrLeaseHeld) || time.Now().After(deadline) {
			t.Fatalf("after the holder's session ended: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	a.Close()
}
