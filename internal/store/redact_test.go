package store_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

func TestRedactSnapshotsRewritesEveryVersionOfOneShopOnly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		a := storetest.MustShopID(t, db, "a.myshopify.com")
		b := storetest.MustShopID(t, db, "b.myshopify.com")
		t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
		gid := "gid://shopify/Customer/7"
		for _, shop := range []int64{a, b} {
			for i, name := range []string{"Ann", "Anna"} {
				mustPut(t, db, &shopqb.Snapshot{ShopID: shop, Kind: "customer", GID: gid, UpdatedAt: t0.Add(time.Duration(i) * time.Hour),
					Body: []byte(`{"id":"` + gid + `","firstName":"` + name + `"}`)})
			}
			mustPut(t, db, &shopqb.Snapshot{ShopID: shop, Kind: "order", GID: "gid://shopify/Order/1", UpdatedAt: t0,
				Body: []byte(`{"id":"gid://shopify/Order/1","note":"Ann's gift"}`)})
		}
		redact := func(kind, g string, body []byte) ([]byte, error) {
			if kind != "customer" || g != gid {
				return body, nil
			}
			return bytes.ReplaceAll(bytes.ReplaceAll(body, []byte(`"Anna"`), []byte(`"redacted"`)), []byte(`"Ann"`), []byte(`"redacted"`)), nil
		}
		n, err := db.RedactSnapshots(ctx, a, redact)
		if err != nil || n != 2 {
			t.Fatalf("RedactSnapshots = %d, %v; want both versions", n, err)
		}
		var bodies []string
		if err := db.EachSnapshotVersion(ctx, a, func(s *shopqb.Snapshot) error {
			bodies = append(bodies, string(s.Body))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(bodies) != 3 || strings.Contains(bodies[0]+bodies[1], "Ann") || !strings.Contains(bodies[2], "Ann's gift") {
			t.Fatalf("shop a after redaction: %q", bodies)
		}
		latest, err := db.LatestSnapshot(ctx, b, gid)
		if err != nil || !strings.Contains(string(latest.Body), `"Anna"`) {
			t.Fatalf("shop b's snapshot changed: %s, %v", latest.Body, err)
		}
		// Idempotent: nothing left to change.
		if n, err := db.RedactSnapshots(ctx, a, redact); err != nil || n != 0 {
			t.Fatalf("second RedactSnapshots = %d, %v; want 0", n, err)
		}
		// A failing redaction stops with the snapshot named.
		boom := errors.New("boom")
		if _, err := db.RedactSnapshots(ctx, a, func(string, string, []byte) ([]byte, error) { return nil, boom }); !errors.Is(err, boom) || !strings.Contains(err.Error(), "gid://shopify/") {
			t.Fatalf("failing redaction: %v", err)
		}
	})
}

func mustPut(t *testing.T, db *store.DB, s *shopqb.Snapshot) {
	t.Helper()
	if _, err := db.PutSnapshot(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}

func TestRedactPostingsSkipsPostingsInFlightAndOtherShops(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		a := storetest.MustShopID(t, db, "a.myshopify.com")
		b := storetest.MustShopID(t, db, "b.myshopify.com")
		states := []shopqb.PostingState{shopqb.Done, shopqb.Planned, shopqb.Failed, shopqb.Sent, shopqb.InDoubt}
		for _, shop := range []int64{a, b} {
			var ps []*shopqb.Posting
			for _, st := range states {
				p := posting(string(st), "CustomerAdd")
				p.Request, p.Name, p.State = "<Name>Ann Lee</Name>", "Ann Lee", st
				ps = append(ps, p)
			}
			if _, _, err := db.UpsertPostings(ctx, shop, ps); err != nil {
				t.Fatal(err)
			}
		}
		// An archived posting of shop a, from before an admin reset.
		arch := posting("old", "CustomerAdd")
		arch.Request, arch.Name = "<Name>Ann Lee</Name>", "Ann Lee"
		if _, _, err := db.UpsertPostings(ctx, a, []*shopqb.Posting{arch}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ArchivePostings(ctx, a, "reset"); err != nil {
			t.Fatal(err)
		}
		var fresh []*shopqb.Posting
		for _, st := range states {
			p := posting(string(st), "CustomerAdd")
			p.Request, p.Name, p.State = "<Name>Ann Lee</Name>", "Ann Lee", st
			fresh = append(fresh, p)
		}
		if _, _, err := db.UpsertPostings(ctx, a, fresh); err != nil {
			t.Fatal(err)
		}
		redact := func(p *shopqb.Posting) error {
			p.Request = strings.ReplaceAll(p.Request, "Ann Lee", "redacted")
			p.Name = "Redacted customer 7"
			return nil
		}
		n, err := db.RedactPostings(ctx, a, redact)
		// done, planned and failed, and all 6 archived ones whatever their state.
		if err != nil || n != 3+6 {
			t.Fatalf("RedactPostings = %d, %v; want 9", n, err)
		}
		for _, st := range states {
			p, err := db.PostingByKey(ctx, a, string(st))
			if err != nil {
				t.Fatal(err)
			}
			inFlight := st == shopqb.Sent || st == shopqb.InDoubt
			if redacted := p.Request == "<Name>redacted</Name>" && p.Name == "Redacted customer 7"; redacted == inFlight {
				t.Errorf("%s posting: request %q name %q (in flight: %v)", st, p.Request, p.Name, inFlight)
			}
			pb, err := db.PostingByKey(ctx, b, string(st))
			if err != nil || pb.Request != "<Name>Ann Lee</Name>" || pb.Name != "Ann Lee" {
				t.Errorf("shop b's %s posting changed: %+v, %v", st, pb, err)
			}
		}
		if err := db.ArchivedPostings(ctx, a, func(p *shopqb.Posting) error {
			if strings.Contains(p.Request, "Ann") || p.Name != "Redacted customer 7" {
				t.Errorf("archived %s not redacted: %q %q", p.Key, p.Request, p.Name)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}

		// A posting claimed while the redaction runs is left to the Web
		// Connector: the write is guarded by the state read.
		p := posting("racing", "CustomerAdd")
		p.Request, p.Name = "<Name>Bo</Name>", "Bo"
		if _, _, err := db.UpsertPostings(ctx, a, []*shopqb.Posting{p}); err != nil {
			t.Fatal(err)
		}
		n, err = db.RedactPostings(ctx, a, func(q *shopqb.Posting) error {
			if q.Key != "racing" {
				return nil
			}
			claimed, err := db.ClaimReady(ctx, a, time.Now().Add(time.Hour), 100, "msg-1")
			if err != nil || len(claimed) == 0 {
				t.Fatalf("claim during redaction: %d, %v", len(claimed), err)
			}
			q.Request, q.Name = "<Name>redacted</Name>", "redacted"
			return nil
		})
		if err != nil || n != 0 {
			t.Fatalf("redaction racing a claim = %d, %v; want 0", n, err)
		}
		if got, _ := db.PostingByKey(ctx, a, "racing"); got.Request != "<Name>Bo</Name>" || got.State != shopqb.Sent {
			t.Fatalf("claimed posting after redaction: %+v", got)
		}
	})
}

func TestDeleteSecretAndKV(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		a := storetest.MustShopID(t, db, "a.myshopify.com")
		b := storetest.MustShopID(t, db, "b.myshopify.com")
		for _, shop := range []int64{a, b} {
			if err := db.PutSecret(ctx, shop, "token", []byte("ct")); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.DeleteSecret(ctx, a, "token"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Secret(ctx, a, "token"); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("deleted secret: %v", err)
		}
		if _, err := db.Secret(ctx, b, "token"); err != nil {
			t.Fatalf("other shop's secret: %v", err)
		}
		if err := db.DeleteSecret(ctx, a, "token"); err != nil {
			t.Fatalf("deleting an absent secret: %v", err)
		}
		for _, shop := range []int64{a, b} {
			if err := db.PutKV(ctx, shop, "k", []byte("v")); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.DeleteKV(ctx, a, "k"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.KV(ctx, a, "k"); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("deleted key: %v", err)
		}
		if _, err := db.KV(ctx, b, "k"); err != nil {
			t.Fatalf("other shop's key: %v", err)
		}
		if err := db.DeleteKV(ctx, a, "k"); err != nil {
			t.Fatalf("deleting an absent key: %v", err)
		}
	})
}

// seedShop gives a shop a row in every table that holds shop data.
func seedShop(t *testing.T, db *store.DB, shopID int64, user string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.PutSecret(ctx, shopID, "token", []byte("ct")))
	must(db.PutKV(ctx, shopID, "names", []byte("{}")))
	must(db.CreateTicket(ctx, &shopqb.Ticket{ID: user + "-ticket", ShopID: shopID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
	must(db.RecordAuthFailure(ctx, user, now))
	mustPut(t, db, &shopqb.Snapshot{ShopID: shopID, Kind: "order", GID: "gid://shopify/Order/1", UpdatedAt: now,
		Body: []byte(`{"name":"#1","processedAt":"2026-01-02T03:04:05Z","customer":{"displayName":"Ann Lee"}}`)})
	mustPut(t, db, &shopqb.Snapshot{ShopID: shopID, Kind: "payout", GID: "gid://shopify/ShopifyPaymentsPayout/1", UpdatedAt: now,
		Body: []byte(`{"issuedAt":"2026-01-03T00:00:00Z","balanceTransactions":[{"associatedOrder":{"id":"gid://shopify/Order/1"}}]}`)})
	old := posting("old", "CustomerAdd")
	_, _, err := db.UpsertPostings(ctx, shopID, []*shopqb.Posting{old})
	must(err)
	_, err = db.ArchivePostings(ctx, shopID, "reset")
	must(err)
	_, err = db.CommitPlan(ctx, shopID, store.PlanCommit{Names: map[string]string{"customer:1": "Ann Lee"}, Expected: &store.ExpectedFigures{Sources: []string{"gid://shopify/Order/1"},
		Rows: []store.ExpectedRow{{Source: "gid://shopify/Order/1", Day: "2026-01-02", Category: shopqb.SalesIncome, Amount: -100}}}})
	must(err)
	// The start's check would take this, of the archived (empty) outbox.
	must(db.TakePlanCheckpoint(ctx, shopID, []string{"planned:once"})) // moves the old name map into plan_names
	must(db.PutKV(ctx, shopID, "planned:once", []byte("1")))
	sale := posting("order:1", "SalesReceiptAdd", "customer:1")
	sale.TxnDate, sale.Ledger = "2026-01-02", []shopqb.LedgerLine{{Category: shopqb.UndepositedFunds, Amount: 100}, {Category: shopqb.SalesIncome, Amount: -100}}
	_, _, err = db.UpsertPostings(ctx, shopID, []*shopqb.Posting{posting("customer:1", "CustomerAdd"), sale})
	must(err)
	saved, err := db.PostingByKey(ctx, shopID, "order:1")
	must(err)
	must(db.PutPostingResponses(ctx, shopID, map[int64]string{saved.ID: "<SalesReceiptRet><TxnID>1-1</TxnID></SalesReceiptRet>"}, now))
	// A posting QuickBooks holds, planned again with other content: drift.
	done := posting("summary:sales:2026-01-01:online", "SalesReceiptAdd")
	_, _, err = db.UpsertPostings(ctx, shopID, []*shopqb.Posting{done})
	must(err)
	done.State = shopqb.Done
	must(db.UpdatePostings(ctx, []*shopqb.Posting{done}))
	changed := posting("summary:sales:2026-01-01:online", "SalesReceiptAdd")
	changed.PlanHash = "other"
	_, _, err = db.UpsertPostings(ctx, shopID, []*shopqb.Posting{changed})
	must(err)
	must(db.CreateSyncRun(ctx, &shopqb.SyncRun{ShopID: shopID, Trigger: "manual", WindowFrom: now, WindowTo: now}))
	_, err = db.SeenWebhook(ctx, shopID, user+"-hook", user+"-event", now)
	must(err)
	must(db.AddAudit(ctx, shopID, "test", "seed", ""))
	u := &shopqb.User{Email: user + "@example.com", PasswordHash: "h"}
	must(db.CreateUser(ctx, u))
	must(db.GrantShop(ctx, u.ID, shopID))
	lease, err := db.AcquireSyncLease(ctx, shopID, user, time.Hour)
	must(err)
	t.Cleanup(func() { lease.Release(context.Background()) })
}

// shopRowCounts counts, per table with a shop_id column, the rows of shopID.
// It finds the tables from the schema, so a table added later is covered.
func shopRowCounts(t *testing.T, db *store.DB, shopID int64) map[string]int {
	t.Helper()
	ctx := context.Background()
	q := `SELECT table_name FROM information_schema.columns WHERE column_name = 'shop_id' AND table_schema = current_schema()`
	if db.Dialect() == store.SQLite {
		q = `SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = 'shop_id'`
	}
	rows, err := db.SQL().QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("found only %d tables with shop_id: %v", len(tables), tables)
	}
	out := map[string]int{}
	for _, table := range tables {
		var n int
		arg := "?"
		if db.Dialect() == store.Postgres {
			arg = "$1"
		}
		if err := db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE shop_id = "+arg, shopID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func TestDeleteShopDataLeavesOnlyATombstone(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		a := storetest.MustShopID(t, db, "a.myshopify.com")
		b := storetest.MustShopID(t, db, "b.myshopify.com")
		seedShop(t, db, a, "a.myshopify.com")
		seedShop(t, db, b, "b.myshopify.com")
		before := shopRowCounts(t, db, a)
		for table, n := range before {
			if n == 0 {
				t.Fatalf("seed left %s empty for the shop; the test would prove nothing there", table)
			}
		}
		shop, err := db.ShopByID(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		uninstalled := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
		tomb, err := db.DeleteShopData(ctx, a, &uninstalled)
		if err != nil {
			t.Fatal(err)
		}
		for table, n := range shopRowCounts(t, db, a) {
			if n != 0 {
				t.Errorf("%s still has %d rows of the erased shop", table, n)
			}
		}
		if _, err := db.ShopByID(ctx, a); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("erased shop still readable: %v", err)
		}
		if n, err := db.AuthFailuresSince(ctx, "a.myshopify.com", time.Time{}); err != nil || n != 0 {
			t.Fatalf("auth failures of the erased shop's user: %d, %v", n, err)
		}
		// The other shop keeps everything.
		after := shopRowCounts(t, db, b)
		for table, n := range after {
			if n == 0 {
				t.Errorf("other shop lost its %s rows", table)
			}
		}
		if len(after) != len(before) {
			t.Errorf("tables: %v vs %v", after, before)
		}
		if n, err := db.AuthFailuresSince(ctx, "b.myshopify.com", time.Time{}); err != nil || n != 1 {
			t.Fatalf("other shop's auth failures: %d, %v", n, err)
		}
		ts, err := db.Tombstones(ctx, "a.myshopify.com")
		if err != nil || len(ts) != 1 {
			t.Fatalf("tombstones: %+v, %v", ts, err)
		}
		got := ts[0]
		if got.Domain != "a.myshopify.com" || !got.InstalledAt.Equal(shop.CreatedAt) || got.UninstalledAt == nil ||
			!got.UninstalledAt.Equal(uninstalled) || !got.ErasedAt.Equal(tomb.ErasedAt) || time.Since(got.ErasedAt) > time.Minute {
			t.Fatalf("tombstone %+v (returned %+v, installed %v)", got, tomb, shop.CreatedAt)
		}
		if _, err := db.DeleteShopData(ctx, a, nil); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("erasing twice: %v", err)
		}
		// A re-install starts clean under the same domain.
		again := storetest.MustShopID(t, db, "a.myshopify.com")
		if again == a {
			t.Fatalf("re-installed shop reuses id %d", a)
		}
		if ts, _ := db.Tombstones(ctx, "b.myshopify.com"); len(ts) != 0 {
			t.Fatalf("other shop has tombstones: %+v", ts)
		}
	})
}
