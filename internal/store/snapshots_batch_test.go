package store_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// batchFixture is a mix PutSnapshots must store exactly as one PutSnapshot
// call each would: new orders, a newer and an older version of one, a
// version stored twice, a payout linking orders, a variant (not indexed)
// and order bodies the index cannot read.
func batchFixture(shop int64, base time.Time) []*shopqb.Snapshot {
	order := func(n, hour int, customer string) *shopqb.Snapshot {
		gid := fmt.Sprintf("gid://shopify/Order/%d", n)
		return &shopqb.Snapshot{ShopID: shop, Kind: "order", GID: gid, UpdatedAt: base.Add(time.Duration(hour) * time.Hour),
			Body: fmt.Appendf(nil, `{"id":%q,"name":"#%d","processedAt":%q,"customer":{"displayName":%q},`+
				`"refunds":[{"createdAt":%q}]}`, gid, n, base.Add(time.Duration(n)*time.Minute).Format(time.RFC3339),
				customer, base.Add(time.Duration(hour+1)*time.Hour).Format(time.RFC3339))}
	}
	return []*shopqb.Snapshot{
		order(1001, 0, "Ada"),
		order(1002, 0, "Grace"),
		order(1001, 2, "Ada Lovelace"), // newer: the index follows it
		order(1002, 0, "Grace"),        // the same version again: not new
		order(1001, 1, "Ada L"),        // older than the indexed one: stored, not indexed
		{ShopID: shop, Kind: "payout", GID: "gid://shopify/ShopifyPaymentsPayout/7", UpdatedAt: base,
			Body: []byte(`{"id":"gid://shopify/ShopifyPaymentsPayout/7","legacyResourceId":"7","issuedAt":"2026-11-21T00:00:00Z",` +
				`"balanceTransactions":[{"associatedOrder":{"id":"gid://shopify/Order/1001"}},{"associatedOrder":{"id":"gid://shopify/Order/1002"}}]}`)},
		{ShopID: shop, Kind: "variant", GID: "gid://shopify/ProductVariant/3", UpdatedAt: base, Body: []byte(`{"id":"v3"}`)},
		{ShopID: shop, Kind: "order", GID: "gid://shopify/Order/1003", UpdatedAt: base, Body: []byte(`{"name":`)},
		// A newer version of 1002 the index cannot read: 1002 stays indexed as Grace.
		{ShopID: shop, Kind: "order", GID: "gid://shopify/Order/1002", UpdatedAt: base.Add(3 * time.Hour), Body: []byte(`{"name":`)},
	}
}

// indexState is everything the index answers about the fixture's objects.
func indexState(t *testing.T, db *store.DB, shop int64, base time.Time) string {
	t.Helper()
	ctx := context.Background()
	var out string
	for _, text := range []string{"ada lovelace", "ada l", "1001", "1002", "grace", "7"} {
		for _, kind := range []string{"order", "payout"} {
			hits, err := db.SearchSnapshots(ctx, store.SnapshotQuery{ShopID: shop, Kind: kind, Text: text})
			if err != nil {
				t.Fatal(err)
			}
			out += fmt.Sprintf("search %s %q: %+v\n", kind, text, hits)
		}
	}
	for _, kind := range []string{"order", "payout"} {
		touching, err := db.SnapshotsTouching(ctx, shop, kind, base.Add(-time.Hour), base.Add(48*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("touching %s: %v\n", kind, touching)
	}
	for _, gid := range []string{"gid://shopify/Order/1001", "gid://shopify/Order/1002"} {
		links, err := db.LinkedFrom(ctx, shop, gid)
		if err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("links to %s: %v\n", gid, links)
	}
	return out
}

func TestPutSnapshotsIsPutSnapshotInOneTransaction(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
		one := storetest.MustShopID(t, db, "one-by-one.myshopify.com")
		batch := storetest.MustShopID(t, db, "batch.myshopify.com")

		var wantNew []bool
		for _, s := range batchFixture(one, base) {
			isNew, err := db.PutSnapshot(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			wantNew = append(wantNew, isNew)
		}
		gotNew, err := db.PutSnapshots(ctx, batchFixture(batch, base))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(gotNew, wantNew) || !slices.Equal(wantNew, []bool{true, true, true, false, true, true, true, true, true}) {
			t.Fatalf("PutSnapshots new = %v, PutSnapshot one by one = %v", gotNew, wantNew)
		}
		if got, want := indexState(t, db, batch, base), indexState(t, db, one, base); got != want {
			t.Fatalf("index after PutSnapshots:\n%s\nafter PutSnapshot one by one:\n%s", got, want)
		}
		// And what the index holds is right, not only the same both ways.
		state := indexState(t, db, batch, base)
		for _, want := range []string{
			`search order "ada lovelace": [{Kind:order GID:gid://shopify/Order/1001 Name:#1001 Number:1001`,
			`search order "ada l": []`,
			`search order "grace": [{Kind:order GID:gid://shopify/Order/1002`,
			`search payout "7": [{Kind:payout GID:gid://shopify/ShopifyPaymentsPayout/7`,
			"touching order: [gid://shopify/Order/1001 gid://shopify/Order/1002]",
			"touching payout: [gid://shopify/ShopifyPaymentsPayout/7]",
			"links to gid://shopify/Order/1001: [gid://shopify/ShopifyPaymentsPayout/7]",
		} {
			if !strings.Contains(state, want) {
				t.Fatalf("index lacks %q:\n%s", want, state)
			}
		}

		// A later batch with a newer version replaces the indexed one's
		// events: 1001's refund moves from 11:00 to 14:00.
		refundAt := func(shop int64) []string {
			gids, err := db.SnapshotsTouching(ctx, shop, "order", base.Add(150*time.Minute), base.Add(210*time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			return gids
		}
		if got := refundAt(batch); !slices.Equal(got, []string{"gid://shopify/Order/1001"}) {
			t.Fatalf("orders touching 11:00 before the update = %v", got)
		}
		newer := batchFixture(batch, base)[0]
		newer.UpdatedAt, newer.Body = base.Add(5*time.Hour), bytes.Replace(newer.Body, []byte("T09:00:00Z\"}]"), []byte("T14:00:00Z\"}]"), 1)
		if isNew, err := db.PutSnapshots(ctx, []*shopqb.Snapshot{newer}); err != nil || !isNew[0] {
			t.Fatalf("newer version = %v, %v", isNew, err)
		}
		if got := refundAt(batch); len(got) != 0 {
			t.Fatalf("orders touching 11:00 after the update = %v, want none", got)
		}

		// A failing snapshot stores none of its batch.
		bad := []*shopqb.Snapshot{
			{ShopID: batch, Kind: "order", GID: "gid://shopify/Order/2001", UpdatedAt: base, Body: []byte(`{}`)},
			{ShopID: batch, Kind: "order", UpdatedAt: base},
		}
		if _, err := db.PutSnapshots(ctx, bad); err == nil {
			t.Fatal("a snapshot without GID accepted")
		}
		if _, err := db.LatestSnapshot(ctx, batch, "gid://shopify/Order/2001"); err == nil {
			t.Fatal("a refused batch stored part of itself")
		}
	})
}

func TestNewestSnapshots(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
		shop := storetest.MustShopID(t, db, "newest.myshopify.com")
		if _, err := db.PutSnapshots(ctx, batchFixture(shop, base)); err != nil {
			t.Fatal(err)
		}
		// More GIDs than one IN-query takes, most unknown, out of order.
		gids := []string{"gid://shopify/ProductVariant/3", "gid://shopify/Order/1003", "gid://shopify/Order/1001"}
		for i := range 450 {
			gids = append(gids, fmt.Sprintf("gid://shopify/Order/%d", 5000+i))
		}
		gids = append(gids, "gid://shopify/Order/1002")
		got, err := db.NewestSnapshots(ctx, shop, gids)
		if err != nil {
			t.Fatal(err)
		}
		var gotGIDs []string
		for _, s := range got {
			want, err := db.LatestSnapshot(ctx, shop, s.GID)
			if err != nil {
				t.Fatal(err)
			}
			if string(s.Body) != string(want.Body) || !s.UpdatedAt.Equal(want.UpdatedAt) || s.Kind != want.Kind {
				t.Fatalf("NewestSnapshots %s = %s at %s, LatestSnapshot = %s at %s", s.GID, s.Body, s.UpdatedAt, want.Body, want.UpdatedAt)
			}
			gotGIDs = append(gotGIDs, s.GID)
		}
		wantGIDs := []string{"gid://shopify/Order/1001", "gid://shopify/Order/1002", "gid://shopify/Order/1003", "gid://shopify/ProductVariant/3"}
		if !slices.Equal(gotGIDs, wantGIDs) {
			t.Fatalf("NewestSnapshots GIDs = %v, want %v", gotGIDs, wantGIDs)
		}
	})
}

// TestEachLatestSnapshotPagesByBytes: large snapshots (a big shop's
// payouts) are walked a few at a time, not a page of 200 at once: a
// snapshot stored after the walk's first page is still walked, each
// snapshot once, in GID order.
func TestEachLatestSnapshotPagesByBytes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "big-payouts.myshopify.com")
		base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		put := func(i int) {
			t.Helper()
			gid := fmt.Sprintf("gid://shopify/ShopifyPaymentsPayout/%d", i)
			pad := strings.Repeat("x", store.SnapshotPageBytes/3)
			body := fmt.Sprintf(`{"id":%q,"pad":%q}`, gid, pad)
			if _, err := db.PutSnapshot(ctx, &shopqb.Snapshot{ShopID: shop, Kind: "payout", GID: gid, UpdatedAt: base, Body: []byte(body)}); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 7 {
			put(10 + i)
		}
		var gids []string
		err := db.EachLatestSnapshot(ctx, shop, "payout", func(s *shopqb.Snapshot) error {
			if len(gids) == 0 {
				put(99) // after every other GID: seen only if a later page is read
			}
			gids = append(gids, s.GID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(gids) != 8 || !slices.IsSorted(gids) || gids[7] != "gid://shopify/ShopifyPaymentsPayout/99" {
			t.Fatalf("walked %v", gids)
		}
	})
}

// TestPutSnapshotsAcrossStatements: a batch larger than one statement
// (cut in several on SQLite) stores and indexes every order once, and of a
// version given twice, in different statements, only the first is new.
func TestPutSnapshotsAcrossStatements(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "wide.myshopify.com")
		base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
		order := func(i int) *shopqb.Snapshot {
			at := base.Add(time.Duration(i) * time.Minute)
			return &shopqb.Snapshot{ShopID: shop, Kind: "order", GID: fmt.Sprintf("gid://shopify/Order/%d", 5000+i),
				UpdatedAt: at, Body: fmt.Appendf(nil, `{"name":"#%d","processedAt":%q}`, 5000+i, at.Format(time.RFC3339))}
		}
		var snaps []*shopqb.Snapshot
		for i := range 333 {
			snaps = append(snaps, order(i))
		}
		snaps = append(snaps, order(7), order(332)) // again, in later statements
		isNew, err := db.PutSnapshots(ctx, snaps)
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range isNew {
			if n != (i < 333) {
				t.Fatalf("isNew[%d] = %v (of %d)", i, n, len(snaps))
			}
		}
		touching, err := db.SnapshotsTouching(ctx, shop, "order", base, base.Add(24*time.Hour))
		if err != nil || len(touching) != 333 {
			t.Fatalf("%d orders indexed, %v; want 333", len(touching), err)
		}
		found, err := db.SearchSnapshots(ctx, store.SnapshotQuery{ShopID: shop, Kind: "order", Text: "#5332"})
		if err != nil || len(found) != 1 || found[0].GID != "gid://shopify/Order/5332" {
			t.Fatalf("search #5332 = %+v, %v", found, err)
		}
		again, err := db.PutSnapshots(ctx, snaps[300:])
		if err != nil || slices.Contains(again, true) {
			t.Fatalf("stored again = %v, %v; want none new", again, err)
		}
	})
}
