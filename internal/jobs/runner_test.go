package jobs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// testOptions tick every second so a test sees the periodic job fire
// without waiting a minute, and poll often so jobs start promptly.
var testOptions = options{tickEvery: time.Second, pollInterval: 50 * time.Millisecond}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func stopRunner(t *testing.T, r *Runner) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := r.Stop(ctx); err != nil {
		t.Errorf("stop: %v", err)
	}
}

func TestJobsRunOnBothDatabases(t *testing.T) {
	for _, backend := range storetest.Backends() {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, backend)
			var (
				mu         sync.Mutex
				ticks      int
				ingested   = map[int64]int{}
				hooks      []string
				polls      atomic.Int32
				release    = make(chan struct{})
				blocking   = make(chan struct{}, 1)
				pollFailed atomic.Bool
			)
			h := Handlers{
				SyncTick: func(ctx context.Context) error {
					mu.Lock()
					ticks++
					mu.Unlock()
					return nil
				},
				Ingest: func(ctx context.Context, shopID int64, _ shopqb.Trigger) error {
					if shopID == 42 {
						select {
						case blocking <- struct{}{}:
						default:
						}
						select {
						case <-release:
						case <-ctx.Done():
							return ctx.Err()
						}
					}
					mu.Lock()
					ingested[shopID]++
					mu.Unlock()
					return nil
				},
				Webhook: func(ctx context.Context, shopID int64, topic, gid string, payload []byte) error {
					mu.Lock()
					hooks = append(hooks, fmt.Sprintf("%d %s %s %s", shopID, topic, gid, payload))
					mu.Unlock()
					return nil
				},
				PayoutPoll: func(ctx context.Context, shopID int64) error {
					// The first attempt fails: River must retry it.
					if pollFailed.CompareAndSwap(false, true) {
						return errors.New("Shopify said 503")
					}
					polls.Add(1)
					return nil
				},
			}
			ctx := context.Background()
			r, err := start(ctx, db, h, nil, testOptions)
			if err != nil {
				t.Fatal(err)
			}
			defer stopRunner(t, r)

			if queued, err := r.EnqueueIngest(ctx, 7, "manual"); err != nil || !queued {
				t.Fatalf("EnqueueIngest = %v, %v", queued, err)
			}
			if queued, err := r.EnqueueWebhook(ctx, 7, "orders/updated", "gid://shopify/Order/1", nil); err != nil || !queued {
				t.Fatalf("EnqueueWebhook = %v, %v", queued, err)
			}
			if _, err := r.EnqueuePayoutPoll(ctx, 7); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "ingest and webhook to run", 15*time.Second, func() bool {
				mu.Lock()
				defer mu.Unlock()
				return ingested[7] == 1 && len(hooks) == 1
			})
			if hooks[0] != "7 orders/updated gid://shopify/Order/1 " {
				t.Fatalf("webhook handler got %q", hooks[0])
			}

			// The tick runs at start and then periodically.
			waitFor(t, "two sync ticks", 15*time.Second, func() bool {
				mu.Lock()
				defer mu.Unlock()
				return ticks >= 2
			})

			// While a shop's ingest runs, another is not queued; once it
			// has finished, a new one is.
			if queued, err := r.EnqueueIngest(ctx, 42, "manual"); err != nil || !queued {
				t.Fatalf("EnqueueIngest(42) = %v, %v", queued, err)
			}
			select {
			case <-blocking:
			case <-time.After(15 * time.Second):
				t.Fatal("ingest of shop 42 never started")
			}
			if queued, err := r.EnqueueIngest(ctx, 42, "manual"); err != nil || queued {
				t.Fatalf("second EnqueueIngest(42) while running = %v, %v; want not queued", queued, err)
			}
			close(release)
			waitFor(t, "ingest of shop 42", 15*time.Second, func() bool {
				mu.Lock()
				defer mu.Unlock()
				return ingested[42] == 1
			})
			waitFor(t, "ingest of shop 42 to be marked completed", 15*time.Second, func() bool {
				queued, err := r.EnqueueIngest(ctx, 42, "manual")
				if err != nil {
					t.Fatal(err)
				}
				return queued
			})

			// The failed payout poll is retried with River's backoff.
			waitFor(t, "payout poll retry", 30*time.Second, func() bool { return polls.Load() == 1 })
		})
	}
}

// TestTwoProcessesShareTheQueue starts two runners on separate handles to
// one PostgreSQL, as two shopqb processes would be: every job runs exactly once.
func TestTwoProcessesShareTheQueue(t *testing.T) {
	url := storetest.URL(t, store.Postgres)
	ctx := context.Background()
	var mu sync.Mutex
	runs := map[int64][]int{}
	var runners []*Runner
	for p := range 2 {
		db, err := store.Open(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		r, err := start(ctx, db, Handlers{Ingest: func(ctx context.Context, shopID int64, _ shopqb.Trigger) error {
			time.Sleep(5 * time.Millisecond)
			mu.Lock()
			runs[shopID] = append(runs[shopID], p)
			mu.Unlock()
			return nil
		}}, nil, testOptions)
		if err != nil {
			t.Fatal(err)
		}
		runners = append(runners, r)
	}
	for shop := int64(1); shop <= 40; shop++ {
		if _, err := runners[shop%2].EnqueueIngest(ctx, shop, "manual"); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "40 ingests", 20*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(runs) == 40
	})
	for _, r := range runners {
		stopRunner(t, r)
	}
	byProcess := [2]int{}
	for shop, ps := range runs {
		if len(ps) != 1 {
			t.Errorf("shop %d ingested %d times", shop, len(ps))
		}
		byProcess[ps[0]]++
	}
	t.Logf("jobs worked per process: %v", byProcess)
}

func TestUnregisteredKindIsRefused(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	r, err := start(ctx, db, Handlers{Ingest: func(context.Context, int64, shopqb.Trigger) error { return nil }}, nil, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	defer stopRunner(t, r)
	if _, err := r.EnqueueWebhook(ctx, 1, "orders/create", "gid://shopify/Order/1", nil); !errors.Is(err, errNotRegistered) {
		t.Fatalf("EnqueueWebhook without handler: %v", err)
	}
	if _, err := r.EnqueuePayoutPoll(ctx, 1); !errors.Is(err, errNotRegistered) {
		t.Fatalf("EnqueuePayoutPoll without handler: %v", err)
	}
}

// TestWebhookPayloadReachesTheHandlerAndIsPartOfUniqueness: hints about one
// object collapse while one waits, but privacy requests about different
// customers (same topic, no object GID) must not.
func TestWebhookPayloadReachesTheHandlerAndIsPartOfUniqueness(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	release := make(chan struct{})
	var mu sync.Mutex
	var got []string
	r, err := start(ctx, db, Handlers{Webhook: func(ctx context.Context, shopID int64, topic, gid string, payload []byte) error {
		select {
		case <-release:
		case <-ctx.Done():
			return ctx.Err()
		}
		mu.Lock()
		got = append(got, topic+" "+gid+" "+string(payload))
		mu.Unlock()
		return nil
	}}, nil, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	defer stopRunner(t, r)
	enqueue := func(topic, gid, payload string, want bool) {
		t.Helper()
		var p []byte
		if payload != "" {
			p = []byte(payload)
		}
		queued, err := r.EnqueueWebhook(ctx, 3, topic, gid, p)
		if err != nil || queued != want {
			t.Fatalf("EnqueueWebhook(%s, %q, %q) = %v, %v; want queued %v", topic, gid, payload, queued, err, want)
		}
	}
	enqueue("orders/updated", "gid://shopify/Order/1", "", true)
	enqueue("orders/updated", "gid://shopify/Order/1", "", false)
	enqueue("customers/redact", "", `{"customer":{"id":1}}`, true)
	enqueue("customers/redact", "", `{"customer":{"id":2}}`, true)
	enqueue("customers/redact", "", `{"customer":{"id":1}}`, false)
	close(release)
	waitFor(t, "three webhook jobs", 15*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == 3
	})
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(got)
	want := []string{`customers/redact  {"customer":{"id":1}}`, `customers/redact  {"customer":{"id":2}}`, "orders/updated gid://shopify/Order/1 "}
	if !slices.Equal(got, want) {
		t.Fatalf("handled %q, want %q", got, want)
	}
}
