package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// TestOrdersTouchingAt: the orders with an event in the range (sold in it,
// or sold before and refunded in it) come with their processedAt, as the
// newest snapshot has it, in GID order; an order without one is left out.
func TestOrdersTouchingAt(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "touch.myshopify.com")
		day := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
		put := func(id, processed, refunded string, version int) {
			body := `{"id":"gid://shopify/Order/` + id + `","processedAt":"` + processed + `"`
			if refunded != "" {
				body += `,"refunds":[{"createdAt":"` + refunded + `"}]`
			}
			mustPut(t, db, &shopqb.Snapshot{ShopID: shop, Kind: "order", GID: "gid://shopify/Order/" + id,
				UpdatedAt: day.Add(time.Duration(version) * time.Hour), Body: []byte(body + "}")})
		}
		put("2", "2026-11-03T09:00:00Z", "", 0)
		put("1", "2026-11-01T08:00:00Z", "", 0)
		put("1", "2026-11-01T08:00:00Z", "2026-11-03T12:00:00Z", 1) // refunded on the day since
		put("3", "2026-11-04T00:00:00Z", "", 0)
		got, err := db.OrdersTouchingAt(ctx, shop, day, day.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		want := []struct{ gid, at string }{{"gid://shopify/Order/1", "2026-11-01T08:00:00Z"}, {"gid://shopify/Order/2", "2026-11-03T09:00:00Z"}}
		if len(got) != len(want) {
			t.Fatalf("got %+v, want %v", got, want)
		}
		for i, w := range want {
			if got[i].GID != w.gid || got[i].At.UTC().Format(time.RFC3339) != w.at {
				t.Errorf("order %d: got %s at %s, want %s at %s", i, got[i].GID, got[i].At.UTC().Format(time.RFC3339), w.gid, w.at)
			}
		}
	})
}
