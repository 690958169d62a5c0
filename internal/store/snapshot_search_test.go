package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// TestSearchSnapshotsByNumber: an order's number finds every object whose
// name holds it, whether the name is "#" and the number (found through the
// name index) or has more around it (the number index keeps only those),
// however the merchant typed it; a number that is only part of a name's
// digits finds nothing.
func TestSearchSnapshotsByNumber(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "number-search.myshopify.com")
		base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
		var snaps []*shopqb.Snapshot
		for i, name := range []string{"#1001", "SO1001-A", "#10011", "#1002"} {
			at := base.Add(time.Duration(i) * time.Hour)
			snaps = append(snaps, &shopqb.Snapshot{ShopID: shop, Kind: "order", GID: fmt.Sprintf("gid://shopify/Order/%d", i+1),
				UpdatedAt: at, Body: []byte(`{}`), Facts: &shopqb.SnapshotFacts{Name: name, At: at, Events: []time.Time{at}}})
		}
		snaps = append(snaps, &shopqb.Snapshot{ShopID: shop, Kind: "payout", GID: "gid://shopify/ShopifyPaymentsPayout/1001",
			UpdatedAt: base, Body: []byte(`{}`), Facts: &shopqb.SnapshotFacts{Name: "1001", At: base, Events: []time.Time{base}}})
		if _, err := db.PutSnapshots(ctx, snaps); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			kind, text string
			want       []string // names, newest first
		}{
			{"order", "1001", []string{"SO1001-A", "#1001"}},
			{"order", "#1001", []string{"SO1001-A", "#1001"}},
			{"order", " #1001 ", []string{"SO1001-A", "#1001"}},
			{"order", "1002", []string{"#1002"}},
			{"order", "#10011", []string{"#10011"}},
			{"order", "SO1001-A", []string{"SO1001-A"}},
			{"order", "100", nil},
			{"payout", "1001", []string{"1001"}},
			{"payout", "#1001", []string{"1001"}},
		} {
			hits, err := db.SearchSnapshots(ctx, store.SnapshotQuery{ShopID: shop, Kind: c.kind, Text: c.text})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, h.Name)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("search %s %q = %v, want %v", c.kind, c.text, got, c.want)
			}
		}
	})
}
