package ingest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// TestRefundsOfSalesBeforeTheStartArePlanned: an order processed before
// the start date is read and planned when it was refunded on or after it:
// the refund is booked, the sale is not; an order with nothing on or after
// the start date is not planned at all.
func TestRefundsOfSalesBeforeTheStartArePlanned(t *testing.T) {
	for _, mode := range []shopqb.Mode{shopqb.Detail, shopqb.Summary} {
		t.Run(string(mode), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, store.SQLite)
			shop := startedShop(t, db, "earlier.myshopify.com")
			shop.Settings.StartDate = "2026-11-03"
			shop.Settings.SalesMode = mode
			if err := db.UpdateShop(ctx, shop); err != nil {
				t.Fatal(err)
			}
			orders := generatedOrders(shop.Domain, 150)
			svc := ingest.New(ingest.Options{Store: db, Now: func() time.Time { return time.Date(2026, 11, 8, 0, 0, 0, 0, time.UTC) },
				Source: func(context.Context, *shopqb.Shop) (ingest.Source, error) { return generatedShop{orders: orders}, nil }})
			if _, err := svc.Sync(ctx, shop.ID, shopqb.TriggerManual); err != nil {
				t.Fatal(err)
			}
			ps, err := db.ListPostings(ctx, shopqb.PostingFilter{ShopID: shop.ID, Limit: 100000})
			if err != nil {
				t.Fatal(err)
			}
			keys := map[string]*shopqb.Posting{}
			for _, p := range ps {
				keys[p.Key] = p
			}
			early := 0
			for _, o := range orders {
				if o.ProcessedAt.UTC().Format(time.DateOnly) >= shop.Settings.StartDate {
					continue
				}
				if keys["order:"+strings.TrimPrefix(o.ID, "gid://shopify/Order/")+":sale"] != nil {
					t.Errorf("order %s, sold before the start, was planned", o.Name)
				}
				for _, r := range o.Refunds {
					at := r.CreatedAt
					if r.ProcessedAt != nil {
						at = *r.ProcessedAt
					}
					day := at.UTC().Format(time.DateOnly)
					if day < shop.Settings.StartDate || len(r.RefundLineItems) == 0 {
						continue
					}
					early++
					key := "refund:" + strings.TrimPrefix(r.ID, "gid://shopify/Refund/")
					if mode == shopqb.Summary {
						key = "summary:refunds:" + day + ":"
					}
					found := false
					for k, p := range keys {
						if strings.HasPrefix(k, key) && !strings.Contains(k, ":payment:") && p.TxnDate == day {
							found = true
						}
					}
					if !found {
						t.Errorf("refund %s of order %s on %s (sold %s) was not planned", r.ID, o.Name, day, o.ProcessedAt.Format(time.DateOnly))
					}
				}
			}
			if early == 0 {
				t.Fatal("no refund on or after the start of a sale before it: nothing tested")
			}
		})
	}
}
