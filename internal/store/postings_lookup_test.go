package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

func TestPostingsByID(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "byid.myshopify.com")
		other := storetest.MustShopID(t, db, "byid-other.myshopify.com")

		// More than one chunk of ids (1000), so the chunking is exercised.
		var ps []*shopqb.Posting
		for i := range 1200 {
			p := posting(fmt.Sprintf("order:%d:sale", i), "SalesReceiptAdd", "customer:1")
			p.Content = fmt.Sprintf(`{"lines":%d}`, i)
			ps = append(ps, p)
		}
		if _, _, err := db.UpsertPostings(ctx, shop, ps); err != nil {
			t.Fatal(err)
		}
		foreign := posting("order:x:sale", "SalesReceiptAdd")
		if _, _, err := db.UpsertPostings(ctx, other, []*shopqb.Posting{foreign}); err != nil {
			t.Fatal(err)
		}

		// Unsorted ids, one of another shop and one that does not exist.
		var ids, want []int64
		for i := len(ps) - 1; i >= 0; i -= 2 {
			ids = append(ids, ps[i].ID)
			want = append(want, ps[i].ID)
		}
		ids = append(ids, foreign.ID, 1<<40)
		slices.Sort(want)
		got, err := db.PostingsByID(ctx, shop, ids)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []int64
		for _, p := range got {
			gotIDs = append(gotIDs, p.ID)
		}
		if !slices.Equal(gotIDs, want) {
			t.Fatalf("PostingsByID returned %d ids %v…, want %d ids %v…", len(gotIDs), gotIDs[:min(5, len(gotIDs))], len(want), want[:5])
		}
		first := got[0]
		if first.Key != "order:1:sale" || first.ShopID != shop || first.Request != "<SalesReceiptAddRq/>" ||
			!slices.Equal(first.DependsOn, []string{"customer:1"}) || first.State != shopqb.Planned {
			t.Fatalf("PostingsByID()[0] = %+v", first)
		}
		if none, err := db.PostingsByID(ctx, shop, nil); err != nil || len(none) != 0 {
			t.Fatalf("PostingsByID(nil) = %v, %v; want nothing", none, err)
		}

		// The states are the same postings without their two large texts.
		states, err := db.PostingStatesByID(ctx, shop, ids)
		if err != nil || len(states) != len(got) {
			t.Fatalf("PostingStatesByID returned %d postings, %v; want %d", len(states), err, len(got))
		}
		for i, p := range states {
			full := *got[i]
			if full.Content == "" {
				t.Fatalf("posting %s was stored without content", full.Key)
			}
			full.Request, full.Content = "", ""
			if !reflect.DeepEqual(*p, full) {
				t.Fatalf("PostingStatesByID()[%d] = %+v\nwant %+v", i, *p, full)
			}
		}
		// And by key: the same posting without its two large texts.
		byKey, err := db.PostingStateByKey(ctx, shop, first.Key)
		if err != nil || !reflect.DeepEqual(*byKey, *states[0]) {
			t.Fatalf("PostingStateByKey(%s) = %+v, %v\nwant %+v", first.Key, byKey, err, *states[0])
		}
		if _, err := db.PostingStateByKey(ctx, shop, "no:such:posting"); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("PostingStateByKey of an unknown key: %v, want ErrNotFound", err)
		}
		if _, err := db.PostingStateByKey(ctx, other, first.Key); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("PostingStateByKey of another shop's key: %v, want ErrNotFound", err)
		}
	})
}

func TestReadyExists(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "ready.myshopify.com")
		other := storetest.MustShopID(t, db, "ready-other.myshopify.com")
		now := time.Now()
		ready := func(want bool, why string) {
			t.Helper()
			got, err := db.ReadyExists(ctx, shop, now)
			if err != nil || got != want {
				t.Fatalf("%s: ReadyExists = %v, %v; want %v", why, got, err, want)
			}
		}
		ready(false, "empty outbox")
		if _, _, err := db.UpsertPostings(ctx, other, []*shopqb.Posting{posting("customer:1", "CustomerAdd")}); err != nil {
			t.Fatal(err)
		}
		ready(false, "only another shop has work")

		// An order whose customer has not been planned yet is held back.
		order := posting("order:1:sale", "SalesReceiptAdd", "customer:1")
		if _, _, err := db.UpsertPostings(ctx, shop, []*shopqb.Posting{order}); err != nil {
			t.Fatal(err)
		}
		ready(false, "dependency missing")

		// The customer, due only later, is not ready either.
		customer := posting("customer:1", "CustomerAdd")
		customer.NextAttempt = now.Add(time.Minute)
		if _, _, err := db.UpsertPostings(ctx, shop, []*shopqb.Posting{customer}); err != nil {
			t.Fatal(err)
		}
		ready(false, "customer backing off, order blocked")
		customer.NextAttempt = now.Add(-time.Second)
		if err := db.UpdatePostings(ctx, []*shopqb.Posting{customer}); err != nil {
			t.Fatal(err)
		}
		ready(true, "customer due")

		// ReadyExists must agree with ClaimReady, and claims nothing itself.
		claimed, err := db.ClaimReady(ctx, shop, now, 10, "ms-1")
		if err != nil || len(claimed) != 1 || claimed[0].Key != "customer:1" {
			t.Fatalf("ClaimReady = %v, %v; want the customer alone", keys(claimed), err)
		}
		ready(false, "customer sent, order waits for it")
		claimed[0].State = shopqb.Done
		if err := db.UpdatePostings(ctx, claimed); err != nil {
			t.Fatal(err)
		}
		ready(true, "customer done, order ready")
		claimed, err = db.ClaimReady(ctx, shop, now, 10, "ms-2")
		if err != nil || len(claimed) != 1 || claimed[0].Key != "order:1:sale" {
			t.Fatalf("ClaimReady = %v, %v; want the order", keys(claimed), err)
		}
		ready(false, "everything sent")
	})
}

func TestCountPostingsIn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "count.myshopify.com")
		other := storetest.MustShopID(t, db, "count-other.myshopify.com")
		ps := []*shopqb.Posting{posting("a", "CustomerAdd"), posting("b", "CustomerAdd"), posting("c", "CustomerAdd"), posting("d", "CustomerAdd")}
		if _, _, err := db.UpsertPostings(ctx, shop, ps); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.UpsertPostings(ctx, other, []*shopqb.Posting{posting("a", "CustomerAdd")}); err != nil {
			t.Fatal(err)
		}
		ps[0].State, ps[1].State, ps[2].State = shopqb.Done, shopqb.Done, shopqb.InDoubt
		if err := db.UpdatePostings(ctx, ps[:3]); err != nil {
			t.Fatal(err)
		}
		got, err := db.CountPostingsIn(ctx, shop, shopqb.Planned, shopqb.InDoubt, shopqb.Sent)
		want := map[shopqb.PostingState]int{shopqb.Planned: 1, shopqb.InDoubt: 1}
		if err != nil || len(got) != len(want) || got[shopqb.Planned] != 1 || got[shopqb.InDoubt] != 1 {
			t.Fatalf("CountPostingsIn = %v, %v; want %v", got, err, want)
		}
		all, err := db.CountPostings(ctx, shop)
		if err != nil || all[shopqb.Done] != 2 {
			t.Fatalf("CountPostings = %v, %v", all, err)
		}
		if none, err := db.CountPostingsIn(ctx, shop); err != nil || len(none) != 0 {
			t.Fatalf("CountPostingsIn() = %v, %v; want empty", none, err)
		}
	})
}
