package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

func TestOpenMigratesOnceAndConcurrently(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		url := storetest.URL(t, backend)
		ctx := context.Background()
		// Several processes starting at once: each migration applies once.
		var wg sync.WaitGroup
		dbs := make([]*store.DB, 4)
		errs := make([]error, 4)
		for i := range dbs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				dbs[i], errs[i] = store.Open(ctx, url, nil)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("open #%d: %v", i, err)
			}
			defer dbs[i].Close()
		}
		db := dbs[0]
		if db.Dialect() != backend {
			t.Fatalf("Dialect() = %q, want %q", db.Dialect(), backend)
		}
		var applied, versions int
		if err := db.SQL().QueryRowContext(ctx, "SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations").Scan(&applied, &versions); err != nil {
			t.Fatal(err)
		}
		if applied == 0 || applied != versions {
			t.Fatalf("schema_migrations has %d rows for %d versions", applied, versions)
		}
		// Reopening applies nothing new.
		again, err := store.Open(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		var after int
		if err := again.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&after); err != nil || after != applied {
			t.Fatalf("after reopen: %d migrations, %v; want %d", after, err, applied)
		}
	})
}

func TestOpenSQLiteSettings(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, url := range []string{
		filepath.Join(dir, "a.db"),
		"sqlite:" + filepath.Join(dir, "b.db"),
		"file:" + filepath.Join(dir, "c.db"),
	} {
		db, err := store.Open(ctx, url, nil)
		if err != nil {
			t.Fatalf("open %s: %v", url, err)
		}
		// Every pooled connection must carry the pragmas, so hold several at once.
		conns := make([]interface{ Close() error }, 0, 3)
		for range 3 {
			c, err := db.SQL().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
			var mode string
			var busy, fk, sync int
			if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
				t.Fatal(err)
			}
			if err := c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
				t.Fatal(err)
			}
			if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
				t.Fatal(err)
			}
			if err := c.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
				t.Fatal(err)
			}
			if mode != "wal" || busy != 10000 || fk != 1 || sync != 1 {
				t.Fatalf("%s: journal_mode=%s busy_timeout=%d foreign_keys=%d synchronous=%d", url, mode, busy, fk, sync)
			}
		}
		for _, c := range conns {
			c.Close()
		}
		db.Close()
	}
	if _, err := store.Open(ctx, "mysql://localhost/x", nil); err == nil {
		t.Fatal("mysql URL accepted")
	}
	_, err := store.Open(ctx, "postgres://nobody:hunter2@127.0.0.1:1/x?connect_timeout=2", nil)
	if err == nil {
		t.Fatal("unreachable PostgreSQL opened")
	}
	if bytes.Contains([]byte(err.Error()), []byte("hunter2")) {
		t.Fatalf("error leaks the password: %v", err)
	}
}

func testShop(domain string) *shopqb.Shop {
	tokenAt := time.Date(2026, 11, 20, 9, 30, 0, 123456000, time.UTC)
	return &shopqb.Shop{
		Domain: domain, Name: "Shop " + domain, TimeZone: "America/Chicago", Currency: "USD",
		QBWCUser: "qbwc-" + domain, AppTokenHash: []byte{0xde, 0xad, 0xbe, 0xef}, AppTokenCreatedAt: &tokenAt, OwnerID: "{owner}", FileID: "{file}",
		ShopifyAuth: "static", ShopifyURL: "http://127.0.0.1:9999", Settings: shopqb.DefaultSettings(),
	}
}

func TestShops(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		s := testShop("a.myshopify.com")
		if err := db.CreateShop(ctx, s); err != nil {
			t.Fatal(err)
		}
		if s.ID == 0 || s.CreatedAt.IsZero() || !s.UpdatedAt.Equal(s.CreatedAt) {
			t.Fatalf("created shop not filled in: %+v", s)
		}
		got, err := db.ShopByDomain(ctx, "a.myshopify.com")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != s.ID || got.Name != s.Name || got.TimeZone != s.TimeZone || got.Currency != "USD" ||
			got.QBWCUser != s.QBWCUser || !bytes.Equal(got.AppTokenHash, s.AppTokenHash) || got.OwnerID != "{owner}" ||
			got.FileID != "{file}" || got.ShopifyAuth != "static" || got.ShopifyURL != s.ShopifyURL ||
			got.StartedAt != nil || !got.CreatedAt.Equal(s.CreatedAt) ||
			got.AppTokenCreatedAt == nil || !got.AppTokenCreatedAt.Equal(*s.AppTokenCreatedAt) ||
			got.Settings.Mapping.Account(shopqb.SalesIncome) != "Sales" || got.Settings.SalesMode != shopqb.Detail {
			t.Fatalf("ShopByDomain = %+v, want %+v", got, s)
		}

		dupDomain := testShop("a.myshopify.com")
		dupDomain.QBWCUser = "someone-else"
		if err := db.CreateShop(ctx, dupDomain); !errors.Is(err, shopqb.ErrConflict) {
			t.Fatalf("duplicate domain: %v, want ErrConflict", err)
		}
		dupUser := testShop("b.myshopify.com")
		dupUser.QBWCUser = s.QBWCUser
		if err := db.CreateShop(ctx, dupUser); !errors.Is(err, shopqb.ErrConflict) {
			t.Fatalf("duplicate Web Connector user: %v, want ErrConflict", err)
		}
		// Shops without a Web Connector user yet do not collide.
		for _, d := range []string{"c.myshopify.com", "d.myshopify.com"} {
			n := testShop(d)
			n.QBWCUser = ""
			if err := db.CreateShop(ctx, n); err != nil {
				t.Fatalf("shop %s without user: %v", d, err)
			}
		}

		started := time.Date(2026, 11, 1, 9, 30, 0, 123456000, time.UTC)
		got.StartedAt = &started
		got.Settings.StartDate = "2026-11-01"
		got.Settings.Mapping[shopqb.ClearingCategory("paypal")] = "PayPal Clearing"
		got.CompanyFile = `C:\Books\Shop.QBW`
		if err := db.UpdateShop(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, err := db.ShopByQBWCUser(ctx, s.QBWCUser)
		if err != nil {
			t.Fatal(err)
		}
		if again.StartedAt == nil || !again.StartedAt.Equal(started) || again.Settings.StartDate != "2026-11-01" ||
			again.Settings.Mapping.Account(shopqb.ClearingCategory("paypal")) != "PayPal Clearing" ||
			again.CompanyFile != `C:\Books\Shop.QBW` {
			t.Fatalf("after update: %+v", again)
		}
		other, _ := db.ShopByDomain(ctx, "c.myshopify.com")
		other.Domain = "a.myshopify.com"
		if err := db.UpdateShop(ctx, other); !errors.Is(err, shopqb.ErrConflict) {
			t.Fatalf("update onto a taken domain: %v, want ErrConflict", err)
		}
		if err := db.UpdateShop(ctx, &shopqb.Shop{ID: 424242, Domain: "x"}); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("update of a missing shop: %v, want ErrNotFound", err)
		}
		for _, err := range []error{
			func() error { _, err := db.ShopByID(ctx, 424242); return err }(),
			func() error { _, err := db.ShopByDomain(ctx, "nope.myshopify.com"); return err }(),
			func() error { _, err := db.ShopByQBWCUser(ctx, "nope"); return err }(),
			func() error { _, err := db.ShopByQBWCUser(ctx, ""); return err }(),
		} {
			if !errors.Is(err, shopqb.ErrNotFound) {
				t.Fatalf("missing shop: %v, want ErrNotFound", err)
			}
		}
		all, err := db.ListShops(ctx)
		if err != nil || len(all) != 3 || all[0].ID != s.ID {
			t.Fatalf("ListShops = %d shops, %v", len(all), err)
		}
	})
}

func TestSecretsAndKV(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "kv.myshopify.com")
		other := storetest.MustShopID(t, db, "kv2.myshopify.com")
		binary := []byte{0, 1, 2, 0xff, 0, 'x'}
		if err := db.PutSecret(ctx, shop, "shopify_token", binary); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Secret(ctx, shop, "shopify_token"); err != nil || !bytes.Equal(got, binary) {
			t.Fatalf("Secret = %x, %v", got, err)
		}
		if err := db.PutSecret(ctx, shop, "shopify_token", []byte("rotated")); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Secret(ctx, shop, "shopify_token"); string(got) != "rotated" {
			t.Fatalf("after replace: %q", got)
		}
		if _, err := db.Secret(ctx, other, "shopify_token"); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("other shop's secret: %v, want ErrNotFound", err)
		}

		if err := db.PutKV(ctx, shop, "watermark:orders", []byte(`"2026-11-26T00:00:00Z"`)); err != nil {
			t.Fatal(err)
		}
		if err := db.PutKV(ctx, shop, "watermark:orders", []byte(`"2026-11-27T00:00:00Z"`)); err != nil {
			t.Fatal(err)
		}
		if got, err := db.KV(ctx, shop, "watermark:orders"); err != nil || string(got) != `"2026-11-27T00:00:00Z"` {
			t.Fatalf("KV = %s, %v", got, err)
		}
		if err := db.PutKV(ctx, shop, "empty", nil); err != nil {
			t.Fatal(err)
		}
		if got, err := db.KV(ctx, shop, "empty"); err != nil || got == nil || len(got) != 0 {
			t.Fatalf("empty KV = %v, %v", got, err)
		}
		if _, err := db.KV(ctx, shop, "missing"); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("missing KV: %v, want ErrNotFound", err)
		}
		if err := db.PutKV(ctx, 999999, "k", []byte("v")); err == nil {
			t.Fatal("KV for a missing shop accepted (foreign keys off?)")
		}
	})
}

func TestTicketsAndAuthFailures(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "tickets.myshopify.com")
		now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

		old := &shopqb.Ticket{ID: "t-old", ShopID: shop, CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Hour)}
		closed := &shopqb.Ticket{ID: "t-closed", ShopID: shop, CreatedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour)}
		open := &shopqb.Ticket{ID: "t-open", ShopID: shop, CreatedAt: now.Add(-2 * time.Minute), ExpiresAt: now.Add(time.Hour),
			State: []byte(`{"step":"auth"}`)}
		for _, tk := range []*shopqb.Ticket{old, closed, open} {
			if err := db.CreateTicket(ctx, tk); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateTicket(ctx, &shopqb.Ticket{ID: "t-open", ShopID: shop, ExpiresAt: now}); !errors.Is(err, shopqb.ErrConflict) {
			t.Fatalf("duplicate ticket: %v, want ErrConflict", err)
		}
		closedAt := now.Add(-30 * time.Second)
		closed.ClosedAt = &closedAt
		if err := db.UpdateTicket(ctx, closed); err != nil {
			t.Fatal(err)
		}
		got, err := db.OpenTicket(ctx, shop, now)
		if err != nil || got.ID != "t-open" || string(got.State) != `{"step":"auth"}` {
			t.Fatalf("OpenTicket = %+v, %v", got, err)
		}
		got.State, got.CompanyFile, got.LastError = []byte(`{"step":"send"}`), `C:\x.QBW`, "3175"
		if err := db.UpdateTicket(ctx, got); err != nil {
			t.Fatal(err)
		}
		back, err := db.Ticket(ctx, "t-open")
		if err != nil || string(back.State) != `{"step":"send"}` || back.CompanyFile != `C:\x.QBW` || back.LastError != "3175" ||
			!back.CreatedAt.Equal(open.CreatedAt) || back.ClosedAt != nil {
			t.Fatalf("shopqb.Ticket = %+v, %v", back, err)
		}
		if c, _ := db.Ticket(ctx, "t-closed"); c.ClosedAt == nil || !c.ClosedAt.Equal(closedAt) {
			t.Fatalf("closed ticket = %+v", c)
		}
		if _, err := db.OpenTicket(ctx, shop, now.Add(2*time.Hour)); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("OpenTicket after expiry: %v, want ErrNotFound", err)
		}
		if _, err := db.Ticket(ctx, "nope"); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("missing ticket: %v", err)
		}
		if err := db.UpdateTicket(ctx, &shopqb.Ticket{ID: "nope"}); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("update of missing ticket: %v", err)
		}
		if n, err := db.DeleteExpiredTickets(ctx, now); err != nil || n != 1 {
			t.Fatalf("DeleteExpiredTickets = %d, %v; want 1", n, err)
		}
		if _, err := db.Ticket(ctx, "t-old"); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("expired ticket still there: %v", err)
		}

		for i := range 3 {
			if err := db.RecordAuthFailure(ctx, "alice", now.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		db.RecordAuthFailure(ctx, "bob", now)
		if n, err := db.AuthFailuresSince(ctx, "alice", now.Add(time.Minute)); err != nil || n != 2 {
			t.Fatalf("AuthFailuresSince = %d, %v; want 2", n, err)
		}
		if n, _ := db.AuthFailuresSince(ctx, "carol", now.Add(-time.Hour)); n != 0 {
			t.Fatalf("carol has %d failures", n)
		}
		// A day later alice's old failures are forgotten, bob's are not touched.
		if err := db.RecordAuthFailure(ctx, "alice", now.Add(25*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.AuthFailuresSince(ctx, "alice", time.Time{}); n != 1 {
			t.Fatalf("alice has %d failures after a day, want 1", n)
		}
		if n, _ := db.AuthFailuresSince(ctx, "bob", time.Time{}); n != 1 {
			t.Fatalf("bob has %d failures, want 1", n)
		}
	})
}

func TestSnapshots(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "snap.myshopify.com")
		base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
		// 450 orders (more than two pages), each in up to three versions,
		// GIDs chosen so that numeric and text order differ.
		const orders = 450
		for i := range orders {
			gid := fmt.Sprintf("gid://shopify/Order/%d", 1000+i*7)
			for v := range 1 + i%3 {
				s := &shopqb.Snapshot{ShopID: shop, Kind: "order", GID: gid,
					UpdatedAt: base.Add(time.Duration(v)*time.Hour + time.Duration(i)*time.Microsecond),
					Body:      []byte(fmt.Sprintf(`{"id":%q,"v":%d}`, gid, v))}
				isNew, err := db.PutSnapshot(ctx, s)
				if err != nil || !isNew {
					t.Fatalf("put %s v%d = %v, %v", gid, v, isNew, err)
				}
			}
		}
		dup := &shopqb.Snapshot{ShopID: shop, Kind: "order", GID: "gid://shopify/Order/1000", UpdatedAt: base, Body: []byte(`{}`)}
		if isNew, err := db.PutSnapshot(ctx, dup); err != nil || isNew {
			t.Fatalf("re-put of a stored version = %v, %v; want false", isNew, err)
		}
		if _, err := db.PutSnapshot(ctx, &shopqb.Snapshot{ShopID: shop, Kind: "customer", GID: "gid://shopify/Customer/1", UpdatedAt: base, Body: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}

		var gids []string
		err := db.EachLatestSnapshot(ctx, shop, "order", func(s *shopqb.Snapshot) error {
			gids = append(gids, s.GID)
			want := fmt.Sprintf(`"v":%d}`, newestVersion(s.GID))
			if !bytes.HasSuffix(s.Body, []byte(want)) {
				return fmt.Errorf("%s: body %s is not the newest version (want suffix %s)", s.GID, s.Body, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(gids) != orders || !slices.IsSorted(gids) {
			t.Fatalf("EachLatestSnapshot gave %d GIDs (sorted %v), want %d sorted", len(gids), slices.IsSorted(gids), orders)
		}
		stop := errors.New("stop")
		n := 0
		if err := db.EachLatestSnapshot(ctx, shop, "order", func(*shopqb.Snapshot) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Fatalf("fn error not returned at once: %v after %d calls", err, n)
		}

		latest, err := db.LatestSnapshot(ctx, shop, "gid://shopify/Order/1014") // i = 2: three versions
		if err != nil || string(latest.Body) != `{"id":"gid://shopify/Order/1014","v":2}` || latest.Kind != "order" ||
			!latest.UpdatedAt.Equal(base.Add(2*time.Hour+2*time.Microsecond)) || latest.FetchedAt.IsZero() {
			t.Fatalf("LatestSnapshot = %+v, %v", latest, err)
		}
		if _, err := db.LatestSnapshot(ctx, shop, "gid://shopify/Order/1"); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("missing snapshot: %v", err)
		}
		if _, err := db.PutSnapshot(ctx, &shopqb.Snapshot{ShopID: shop, Kind: "order"}); err == nil {
			t.Fatal("snapshot without GID accepted")
		}
	})
}

// newestVersion is the last version number TestSnapshots stored for a GID.
func newestVersion(gid string) int {
	var n int
	fmt.Sscanf(gid, "gid://shopify/Order/%d", &n)
	return ((n - 1000) / 7) % 3
}

func TestSyncRunsWebhooksAudit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "hist.myshopify.com")
		other := storetest.MustShopID(t, db, "hist2.myshopify.com")
		from := time.Date(2026, 11, 25, 5, 0, 0, 0, time.UTC)
		to := from.Add(24 * time.Hour)

		r1 := &shopqb.SyncRun{ShopID: shop, Trigger: "manual", WindowFrom: from, WindowTo: to}
		if err := db.CreateSyncRun(ctx, r1); err != nil || r1.ID == 0 || r1.Status != "running" {
			t.Fatalf("CreateSyncRun: %+v, %v", r1, err)
		}
		fin := r1.StartedAt.Add(1500 * time.Millisecond)
		r1.FinishedAt, r1.Status, r1.Counts, r1.Error = &fin, "failed", map[string]int{"orders": 12, "sent": 10}, "QuickBooks busy"
		if err := db.UpdateSyncRun(ctx, r1); err != nil {
			t.Fatal(err)
		}
		r2 := &shopqb.SyncRun{ShopID: shop, Trigger: "schedule", WindowFrom: to, WindowTo: to.Add(time.Hour)}
		if err := db.CreateSyncRun(ctx, r2); err != nil {
			t.Fatal(err)
		}
		runs, err := db.SyncRuns(ctx, shop, 10)
		if err != nil || len(runs) != 2 {
			t.Fatalf("SyncRuns = %d, %v", len(runs), err)
		}
		got := runs[1]
		if runs[0].ID != r2.ID || got.ID != r1.ID || got.Trigger != "manual" || !got.WindowFrom.Equal(from) ||
			got.FinishedAt == nil || !got.FinishedAt.Equal(fin) || got.Status != "failed" || got.Counts["orders"] != 12 ||
			got.Error != "QuickBooks busy" || runs[0].FinishedAt != nil || len(runs[0].Counts) != 0 {
			t.Fatalf("SyncRuns = %+v, %+v", runs[0], got)
		}
		if one, _ := db.SyncRuns(ctx, shop, 1); len(one) != 1 || one[0].ID != r2.ID {
			t.Fatalf("limited SyncRuns = %v", one)
		}
		if err := db.UpdateSyncRun(ctx, &shopqb.SyncRun{ID: 99999, Status: "ok"}); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("update of missing run: %v", err)
		}

		at := time.Now()
		steps := []struct {
			shop           int64
			webhook, event string
			wantSeen       bool
		}{
			{shop, "wh-1", "ev-1", false},
			{shop, "wh-1", "ev-1", true},   // redelivery
			{shop, "wh-2", "ev-1", true},   // same event, another subscription
			{shop, "wh-3", "", false},      // no event id
			{shop, "wh-4", "", false},      // empty event ids never collide
			{shop, "wh-3", "ev-9", true},   // webhook id seen
			{other, "wh-1", "ev-1", false}, // per shop
		}
		for i, s := range steps {
			seen, err := db.SeenWebhook(ctx, s.shop, s.webhook, s.event, at)
			if err != nil || seen != s.wantSeen {
				t.Fatalf("step %d: SeenWebhook(%s, %s) = %v, %v; want %v", i, s.webhook, s.event, seen, err, s.wantSeen)
			}
		}
		if _, err := db.SeenWebhook(ctx, shop, "", "ev", at); err == nil {
			t.Fatal("empty webhook id accepted")
		}

		for i := range 3 {
			if err := db.AddAudit(ctx, shop, "admin", fmt.Sprintf("action-%d", i), "detail"); err != nil {
				t.Fatal(err)
			}
		}
		entries, err := db.Audit(ctx, shop, 2)
		if err != nil || len(entries) != 2 || entries[0].Action != "action-2" || entries[1].Action != "action-1" ||
			entries[0].Actor != "admin" || entries[0].Detail != "detail" || entries[0].At.IsZero() {
			t.Fatalf("Audit = %+v, %v", entries, err)
		}
		if all, _ := db.Audit(ctx, other, 0); len(all) != 0 {
			t.Fatalf("other shop has %d audit entries", len(all))
		}
	})
}
