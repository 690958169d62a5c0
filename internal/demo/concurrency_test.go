package demo_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// TestConcurrentTriggersOnePostgres: two shopqb processes with their own
// River workers on one PostgreSQL are asked to sync one shop at the same
// moment — an order webhook, the schedule tick, "sync now" through the
// queue and an inline admin sync. The syncs run one at a time (the lease
// log of the shop has no two holdings that overlap) and the books in
// QuickBooks equal a single process's.
func TestConcurrentTriggersOnePostgres(t *testing.T) {
	one := newWorld(t, t.TempDir()+"/one.db", 1, 200, 8)
	one.setup()
	one.drain(100)

	two := newWorldWithJobs(t, storetest.URL(t, store.Postgres), 2, 200, 8, true)
	ctx := context.Background()
	a, b := two.apps[0], two.apps[1]
	const secret = "shpss_concurrency"
	if err := a.Admin.SetWebhookSecret(ctx, two.shop.ID, "test", secret); err != nil {
		t.Fatal(err)
	}
	// Due every day at midnight: the tick finds the shop due at once.
	two.shop.Settings.Schedule = "daily 00:00"
	if err := a.Store.UpdateShop(ctx, two.shop); err != nil {
		t.Fatal(err)
	}
	if _, err := two.wc.RunSession(ctx); err != nil {
		t.Fatalf("preflight session: %v", err)
	}
	if err := a.Admin.Start(ctx, two.shop.ID, "test"); err != nil {
		t.Fatal(err)
	}
	// An order the start's check read, named by a webhook.
	var orderGID string
	_ = a.Store.EachLatestSnapshot(ctx, two.shop.ID, "order", func(s *shopqb.Snapshot) error {
		if orderGID == "" {
			orderGID = s.GID
		}
		return nil
	})
	if orderGID == "" {
		t.Fatal("the start's check stored no order")
	}

	triggers := map[string]func() error{
		"webhook": func() error {
			body := fmt.Sprintf(`{"id":%s,"admin_graphql_api_id":%q}`, strings.TrimPrefix(orderGID, "gid://shopify/Order/"), orderGID)
			req, _ := http.NewRequest(http.MethodPost, a.URL+"/webhooks/shopify", strings.NewReader(body))
			req.Header.Set("X-Shopify-Topic", "orders/updated")
			req.Header.Set("X-Shopify-Shop-Domain", two.shop.Domain)
			req.Header.Set("X-Shopify-Webhook-Id", "concurrency-1")
			req.Header.Set("X-Shopify-Hmac-Sha256", shopifysim.WebhookHMAC([]byte(body), secret))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("webhook answered %d", resp.StatusCode)
			}
			return nil
		},
		"sync now":     func() error { return b.EnqueueSync(ctx, two.shop.ID) },
		"admin sync":   func() error { _, err := a.Ingest.Sync(ctx, two.shop.ID, shopqb.TriggerManual); return err },
		"admin sync 2": func() error { _, err := b.Ingest.Sync(ctx, two.shop.ID, shopqb.TriggerManual); return err },
	}
	// The tick goes first: it enqueues the schedule's sync only while the
	// shop's last real run began before today's scheduled moment, so a
	// manual run recorded a moment earlier rightly makes it enqueue
	// nothing, and racing it against them made the schedule's run come or
	// not by chance. Its job still runs alongside the others.
	if err := b.Tick(ctx); err != nil {
		t.Fatalf("tick: %v", err)
	}
	var wg sync.WaitGroup
	begin := make(chan struct{})
	for name, fire := range triggers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-begin
			if err := fire(); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}()
	}
	close(begin)
	wg.Wait()
	runs := waitForRuns(t, two, []shopqb.Trigger{shopqb.TriggerWebhook, shopqb.TriggerSchedule, shopqb.TriggerManual, shopqb.TriggerManual, shopqb.TriggerManual})

	hist, err := a.Store.SyncLeaseHistory(ctx, two.shop.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	holders := map[string]bool{}
	for i, h := range hist {
		holders[h.Holder] = true
		// Only the newest holding may still be open (a payout poll the
		// tick queued may be running now).
		if h.ReleasedAt == nil && i != len(hist)-1 {
			t.Fatalf("holding %d by %s never released: %+v", i, h.Holder, hist)
		}
		if i > 0 && h.AcquiredAt.Before(*hist[i-1].ReleasedAt) {
			t.Fatalf("holding %d by %s began at %s, before holding %d by %s ended at %s: two syncs of one shop overlapped",
				i, h.Holder, h.AcquiredAt, i-1, hist[i-1].Holder, hist[i-1].ReleasedAt)
		}
	}
	// The start's check and every run took the lease, on both processes.
	if len(hist) < len(runs)+1 || len(holders) < 2 {
		t.Fatalf("%d holdings by %d processes for %d runs: %+v", len(hist), len(holders), len(runs), hist)
	}

	two.drain(200)
	if got, want := trialBalance(two.company), trialBalance(one.company); got != want {
		t.Errorf("concurrent triggers on two processes:\n%s\none process:\n%s", got, want)
	}
	if got, want := txnCounts(two.company), txnCounts(one.company); got != want {
		t.Errorf("transactions %s, one process %s", got, want)
	}
	t.Logf("%d sync runs, %d lease holdings by %d processes, none overlapping; books equal one process's", len(runs), len(hist), len(holders))
}

// waitForRuns waits until the shop has finished a run for each trigger
// (counted with repeats) besides the start's check, and returns the runs.
func waitForRuns(t *testing.T, w *world, want []shopqb.Trigger) []*shopqb.SyncRun {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		runs, err := w.apps[0].Store.SyncRuns(context.Background(), w.shop.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		var real []*shopqb.SyncRun
		need := map[shopqb.Trigger]int{}
		for _, tr := range want {
			need[tr]++
		}
		busy := false
		for _, r := range runs {
			if r.Status == shopqb.RunChecked {
				continue
			}
			if r.Status == shopqb.RunFailed {
				t.Fatalf("sync run %d (%s) failed: %s", r.ID, r.Trigger, r.Error)
			}
			busy = busy || r.Status == shopqb.RunRunning
			need[r.Trigger]--
			real = append(real, r)
		}
		done := !busy
		for _, n := range need {
			done = done && n <= 0
		}
		if done {
			return real
		}
		if time.Now().After(deadline) {
			t.Fatalf("runs after 3 minutes: %d, still missing %v (busy %v)", len(real), need, busy)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
