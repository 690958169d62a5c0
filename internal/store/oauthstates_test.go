package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

func TestOAuthStates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		now := time.Now()

		// No shop row is needed: the callback creates the shop.
		if err := db.PutOAuthState(ctx, "k1", "new.myshopify.com", now.Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := db.PutOAuthState(ctx, "k1", "other.myshopify.com", now.Add(10*time.Minute)); !errors.Is(err, shopqb.ErrConflict) {
			t.Fatalf("duplicate key: %v, want ErrConflict", err)
		}
		if err := db.PutOAuthState(ctx, "", "new.myshopify.com", now.Add(time.Minute)); err == nil {
			t.Fatal("empty key accepted")
		}
		if got, err := db.TakeOAuthState(ctx, "k1", now); err != nil || got != "new.myshopify.com" {
			t.Fatalf("TakeOAuthState = %q, %v", got, err)
		}
		if _, err := db.TakeOAuthState(ctx, "k1", now); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("second take: %v, want ErrNotFound", err)
		}
		if _, err := db.TakeOAuthState(ctx, "never-issued", now); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("unknown state: %v, want ErrNotFound", err)
		}

		// Expired at the time of the callback: refused, and gone.
		if err := db.PutOAuthState(ctx, "k2", "late.myshopify.com", now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TakeOAuthState(ctx, "k2", now.Add(2*time.Minute)); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("expired state: %v, want ErrNotFound", err)
		}
		if _, err := db.TakeOAuthState(ctx, "k2", now); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("expired state taken twice: %v", err)
		}

		// A new state sweeps out the ones already expired.
		if err := db.PutOAuthState(ctx, "stale", "stale.myshopify.com", now.Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := db.PutOAuthState(ctx, "fresh", "fresh.myshopify.com", now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TakeOAuthState(ctx, "stale", now.Add(-time.Hour)); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("expired state not swept: %v", err)
		}

		// Two processes handed the same callback: exactly one gets the state.
		for i := range 5 {
			key := fmt.Sprintf("race-%d", i)
			if err := db.PutOAuthState(ctx, key, "race.myshopify.com", now.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			wins := 0
			for range 4 {
				wg.Go(func() {
					if _, err := db.TakeOAuthState(ctx, key, now); err == nil {
						mu.Lock()
						wins++
						mu.Unlock()
					} else if !errors.Is(err, shopqb.ErrNotFound) {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if wins != 1 {
				t.Fatalf("%s taken %d times, want once", key, wins)
			}
		}
	})
}
