package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// forEachBackend runs fn as a subtest on every database.
func forEachBackend(t *testing.T, fn func(t *testing.T, backend string)) {
	for _, b := range storetest.Backends() {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			fn(t, b)
		})
	}
}

func posting(key, kind string, deps ...string) *shopqb.Posting {
	return &shopqb.Posting{
		Key: key, Kind: kind, DependsOn: deps, Request: "<" + kind + "Rq/>", PlanHash: "h1",
		ExternalGUID: "{guid-" + key + "}", RefNumber: "R" + key, TxnDate: "2026-11-01", Name: "name " + key,
	}
}

func keys(ps []*shopqb.Posting) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Key)
	}
	return out
}

func TestUpsertPostings(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "upsert.myshopify.com")
		other := storetest.MustShopID(t, db, "other.myshopify.com")

		ps := []*shopqb.Posting{
			posting("customer:1", "CustomerAdd"),
			posting("order:1:sale", "SalesReceiptAdd", "customer:1", "item:9"),
		}
		ins, upd, err := db.UpsertPostings(ctx, shop, ps)
		if err != nil || ins != 2 || upd != 0 {
			t.Fatalf("first upsert = %d inserted, %d updated, %v; want 2, 0, nil", ins, upd, err)
		}
		if ps[0].ID == 0 || ps[1].ID <= ps[0].ID || ps[0].State != shopqb.Planned {
			t.Fatalf("inserted postings not filled in: %+v %+v", ps[0], ps[1])
		}
		// Same key in another shop is another posting.
		if ins, _, err := db.UpsertPostings(ctx, other, []*shopqb.Posting{posting("customer:1", "CustomerAdd")}); err != nil || ins != 1 {
			t.Fatalf("upsert in other shop = %d, %v", ins, err)
		}

		got, err := db.PostingByKey(ctx, shop, "order:1:sale")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != ps[1].ID || got.Kind != "SalesReceiptAdd" || !slices.Equal(got.DependsOn, []string{"customer:1", "item:9"}) ||
			got.Request != "<SalesReceiptAddRq/>" || got.ExternalGUID != "{guid-order:1:sale}" || got.RefNumber != "Rorder:1:sale" ||
			got.TxnDate != "2026-11-01" || got.Name != "name order:1:sale" || got.PlanHash != "h1" || got.State != shopqb.Planned ||
			got.ShopID != shop || got.CreatedAt.IsZero() || got.CreatedAt.Location() != time.UTC {
			t.Fatalf("PostingByKey = %+v", got)
		}

		// Same hash: nothing changes.
		ins, upd, err = db.UpsertPostings(ctx, shop, []*shopqb.Posting{posting("order:1:sale", "SalesReceiptAdd", "customer:1", "item:9")})
		if err != nil || ins != 0 || upd != 0 {
			t.Fatalf("same-hash upsert = %d, %d, %v; want 0, 0", ins, upd, err)
		}
		// New hash while planned: content and dependencies replaced.
		changed := posting("order:1:sale", "SalesReceiptAdd", "customer:1")
		changed.PlanHash, changed.Request = "h2", "<SalesReceiptAddRq>v2</SalesReceiptAddRq>"
		ins, upd, err = db.UpsertPostings(ctx, shop, []*shopqb.Posting{changed})
		if err != nil || ins != 0 || upd != 1 {
			t.Fatalf("changed upsert = %d, %d, %v; want 0, 1", ins, upd, err)
		}
		got, _ = db.PostingByKey(ctx, shop, "order:1:sale")
		if got.PlanHash != "h2" || got.Request != changed.Request || !slices.Equal(got.DependsOn, []string{"customer:1"}) {
			t.Fatalf("after update: %+v", got)
		}

		// Once sent, a re-plan must not touch it.
		got.State = shopqb.Sent
		if err := db.UpdatePostings(ctx, []*shopqb.Posting{got}); err != nil {
			t.Fatal(err)
		}
		changed.PlanHash = "h3"
		if ins, upd, err := db.UpsertPostings(ctx, shop, []*shopqb.Posting{changed}); err != nil || ins != 0 || upd != 0 {
			t.Fatalf("upsert of a sent posting = %d, %d, %v; want 0, 0", ins, upd, err)
		}
		// A failed one is re-planned.
		got.State = shopqb.Failed
		if err := db.UpdatePostings(ctx, []*shopqb.Posting{got}); err != nil {
			t.Fatal(err)
		}
		if _, upd, err := db.UpsertPostings(ctx, shop, []*shopqb.Posting{changed}); err != nil || upd != 1 {
			t.Fatalf("upsert of a failed posting = %d updated, %v; want 1", upd, err)
		}

		if _, err := db.PostingByKey(ctx, shop, "order:404:sale"); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("missing posting: %v, want ErrNotFound", err)
		}
		// Bad input is refused whole: the valid posting before it is not stored.
		_, _, err = db.UpsertPostings(ctx, shop, []*shopqb.Posting{posting("order:2:sale", "SalesReceiptAdd"), {Kind: "CustomerAdd"}})
		if err == nil {
			t.Fatal("posting without key accepted")
		}
		if _, err := db.PostingByKey(ctx, shop, "order:2:sale"); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("part of a refused upsert was stored: %v", err)
		}
		if _, _, err := db.UpsertPostings(ctx, shop, []*shopqb.Posting{posting("loop", "CustomerAdd", "loop")}); err == nil {
			t.Fatal("self-dependency accepted")
		}
	})
}

func TestClaimReadyRespectsDependenciesAndTime(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "claim.myshopify.com")
		now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

		later := posting("customer:later", "CustomerAdd")
		later.NextAttempt = now.Add(time.Minute)
		ps := []*shopqb.Posting{
			posting("customer:1", "CustomerAdd"),
			posting("item:1", "ItemNonInventoryAdd"),
			posting("order:1:sale", "SalesReceiptAdd", "customer:1", "item:1"),
			posting("order:2:sale", "SalesReceiptAdd", "customer:missing"),
			later,
			posting("order:3:sale", "SalesReceiptAdd", "customer:later"),
		}
		if _, _, err := db.UpsertPostings(ctx, shop, ps); err != nil {
			t.Fatal(err)
		}
		got, err := db.ClaimReady(ctx, shop, now, 10, "ms-1")
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"customer:1", "item:1"}; !slices.Equal(keys(got), want) {
			t.Fatalf("first claim = %v, want %v", keys(got), want)
		}
		for _, p := range got {
			if p.State != shopqb.Sent || p.MessageSetID != "ms-1" || p.Attempts != 1 {
				t.Fatalf("claimed posting not marked sent: %+v", p)
			}
		}
		// Nothing else is ready until the dependencies are done.
		if again, err := db.ClaimReady(ctx, shop, now, 10, "ms-2"); err != nil || len(again) != 0 {
			t.Fatalf("second claim = %v, %v; want nothing", keys(again), err)
		}
		got[0].State = shopqb.Done
		if err := db.UpdatePostings(ctx, got[:1]); err != nil {
			t.Fatal(err)
		}
		if again, _ := db.ClaimReady(ctx, shop, now, 10, "ms-3"); len(again) != 0 {
			t.Fatalf("order claimed with one dependency not done: %v", keys(again))
		}
		got[1].State, got[1].QBID = shopqb.Done, "80000001-1234567890"
		if err := db.UpdatePostings(ctx, got[1:]); err != nil {
			t.Fatal(err)
		}
		again, err := db.ClaimReady(ctx, shop, now, 10, "ms-4")
		if err != nil || !slices.Equal(keys(again), []string{"order:1:sale"}) {
			t.Fatalf("claim after dependencies done = %v, %v", keys(again), err)
		}
		// The delayed posting becomes due a minute later; its dependant waits for it.
		due, err := db.ClaimReady(ctx, shop, now.Add(time.Minute), 10, "ms-5")
		if err != nil || !slices.Equal(keys(due), []string{"customer:later"}) {
			t.Fatalf("claim at next attempt = %v, %v", keys(due), err)
		}
		// Limit is honoured, oldest first.
		var many []*shopqb.Posting
		for i := range 5 {
			many = append(many, posting(fmt.Sprintf("vendor:%d", i), "VendorAdd"))
		}
		if _, _, err := db.UpsertPostings(ctx, shop, many); err != nil {
			t.Fatal(err)
		}
		two, err := db.ClaimReady(ctx, shop, now, 2, "ms-6")
		if err != nil || !slices.Equal(keys(two), []string{"vendor:0", "vendor:1"}) {
			t.Fatalf("limited claim = %v, %v", keys(two), err)
		}

		counts, err := db.CountPostings(ctx, shop)
		if err != nil {
			t.Fatal(err)
		}
		want := map[shopqb.PostingState]int{shopqb.Done: 2, shopqb.Sent: 4, shopqb.Planned: 5}
		if fmt.Sprint(counts) != fmt.Sprint(want) {
			t.Fatalf("counts = %v, want %v", counts, want)
		}
	})
}

func TestUpdateAndListPostings(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "list.myshopify.com")
		var ps []*shopqb.Posting
		for i := range 6 {
			ps = append(ps, posting(fmt.Sprintf("order:%d:sale", i), "SalesReceiptAdd"))
		}
		ps = append(ps, posting("customer:1", "CustomerAdd"))
		if _, _, err := db.UpsertPostings(ctx, shop, ps); err != nil {
			t.Fatal(err)
		}
		next := time.Date(2026, 11, 26, 13, 4, 5, 123456789, time.FixedZone("EST", -5*3600))
		ps[1].State, ps[1].Attempts, ps[1].NextAttempt = shopqb.Failed, 3, next
		ps[1].ErrorCode, ps[1].ErrorClass, ps[1].ErrorMessage = "3175", "retry", "record in use"
		ps[2].State, ps[2].QBID, ps[2].EditSequence, ps[2].MessageSetID = shopqb.Done, "TXN-1", "1700000000", "ms-9"
		if err := db.UpdatePostings(ctx, ps[1:3]); err != nil {
			t.Fatal(err)
		}
		got, _ := db.PostingByKey(ctx, shop, ps[1].Key)
		if got.State != shopqb.Failed || got.Attempts != 3 || !got.NextAttempt.Equal(next.Truncate(time.Microsecond)) ||
			got.ErrorCode != "3175" || got.ErrorClass != "retry" || got.ErrorMessage != "record in use" {
			t.Fatalf("after update: %+v", got)
		}
		got, _ = db.PostingByKey(ctx, shop, ps[2].Key)
		if got.QBID != "TXN-1" || got.EditSequence != "1700000000" || got.MessageSetID != "ms-9" {
			t.Fatalf("after update: %+v", got)
		}
		// A missing posting fails the whole batch, which then changes nothing.
		ps[3].State = shopqb.Done
		ghost := &shopqb.Posting{ID: 999999, Key: "ghost", State: shopqb.Done}
		if err := db.UpdatePostings(ctx, []*shopqb.Posting{ps[3], ghost}); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("update with missing posting: %v, want ErrNotFound", err)
		}
		if got, _ := db.PostingByKey(ctx, shop, ps[3].Key); got.State != shopqb.Planned {
			t.Fatalf("half of a failed batch was written: %s", got.State)
		}

		cases := []struct {
			name string
			f    shopqb.PostingFilter
			want []string
		}{
			{"all", shopqb.PostingFilter{ShopID: shop}, keys(ps)},
			{"states", shopqb.PostingFilter{ShopID: shop, States: []shopqb.PostingState{shopqb.Failed, shopqb.Done}}, []string{"order:1:sale", "order:2:sale"}},
			{"kind", shopqb.PostingFilter{ShopID: shop, Kind: "CustomerAdd"}, []string{"customer:1"}},
			{"like", shopqb.PostingFilter{ShopID: shop, KeyLike: "order:%", AfterID: ps[3].ID, Limit: 1}, []string{"order:4:sale"}},
			{"page", shopqb.PostingFilter{ShopID: shop, Limit: 2}, []string{"order:0:sale", "order:1:sale"}},
			{"other shop", shopqb.PostingFilter{ShopID: shop + 1000}, nil},
		}
		for _, c := range cases {
			got, err := db.ListPostings(ctx, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !slices.Equal(keys(got), c.want) {
				t.Errorf("%s: got %v, want %v", c.name, keys(got), c.want)
			}
		}
	})
}

func TestArchivePostings(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "archive.myshopify.com")
		keep := storetest.MustShopID(t, db, "keep.myshopify.com")
		var ps []*shopqb.Posting
		for i := range 1100 { // more than one page of ArchivedPostings
			ps = append(ps, posting(fmt.Sprintf("order:%d:sale", i), "SalesReceiptAdd", "customer:1"))
		}
		if _, _, err := db.UpsertPostings(ctx, shop, ps); err != nil {
			t.Fatal(err)
		}
		ps[7].State, ps[7].QBID = shopqb.Done, "TXN-7"
		if err := db.UpdatePostings(ctx, ps[7:8]); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.UpsertPostings(ctx, keep, []*shopqb.Posting{posting("customer:1", "CustomerAdd")}); err != nil {
			t.Fatal(err)
		}
		n, err := db.ArchivePostings(ctx, shop, "reset 2026-11-26")
		if err != nil || n != 1100 {
			t.Fatalf("archive = %d, %v; want 1100", n, err)
		}
		if left, _ := db.ListPostings(ctx, shopqb.PostingFilter{ShopID: shop}); len(left) != 0 {
			t.Fatalf("%d postings left after archive", len(left))
		}
		if left, _ := db.ListPostings(ctx, shopqb.PostingFilter{ShopID: keep}); len(left) != 1 {
			t.Fatalf("other shop lost its postings: %d left", len(left))
		}
		var seen int
		var done *shopqb.Posting
		err = db.ArchivedPostings(ctx, shop, func(p *shopqb.Posting) error {
			if p.Key != ps[seen].Key || p.ID != ps[seen].ID || !slices.Equal(p.DependsOn, []string{"customer:1"}) {
				return fmt.Errorf("archived #%d = %s (id %d), want %s (id %d)", seen, p.Key, p.ID, ps[seen].Key, ps[seen].ID)
			}
			if p.QBID != "" {
				done = p
			}
			seen++
			return nil
		})
		if err != nil || seen != 1100 {
			t.Fatalf("archived postings: %d seen, %v", seen, err)
		}
		if done == nil || done.Key != "order:7:sale" || done.QBID != "TXN-7" || done.State != shopqb.Done {
			t.Fatalf("archived done posting = %+v", done)
		}
		// After a reset the same keys plan again as new postings.
		if ins, _, err := db.UpsertPostings(ctx, shop, ps[:3]); err != nil || ins != 3 {
			t.Fatalf("re-plan after archive = %d, %v", ins, err)
		}
		if _, err := db.ArchivePostings(ctx, shop, ""); err == nil {
			t.Fatal("empty archive label accepted")
		}
	})
}

// TestClaimReadyConcurrent has two claimers — two goroutines on one handle,
// and on PostgreSQL also two separate handles, as two shopqb processes
// would be — drain 200 ready postings. No posting may be claimed twice, and
// a posting may only be claimed once its dependency was done.
func TestClaimReadyConcurrent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		url := storetest.URL(t, backend)
		ctx := context.Background()
		db1, err := store.Open(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db1.Close()
		db2 := db1
		if backend == store.Postgres {
			if db2, err = store.Open(ctx, url, nil); err != nil {
				t.Fatal(err)
			}
			defer db2.Close()
		}
		shop := storetest.MustShopID(t, db1, "race.myshopify.com")
		// 100 customers and 100 orders, each order depending on its customer.
		var ps []*shopqb.Posting
		for i := range 100 {
			ps = append(ps, posting(fmt.Sprintf("order:%d:sale", i), "SalesReceiptAdd", fmt.Sprintf("customer:%d", i)))
		}
		for i := range 100 {
			ps = append(ps, posting(fmt.Sprintf("customer:%d", i), "CustomerAdd"))
		}
		if _, _, err := db1.UpsertPostings(ctx, shop, ps); err != nil {
			t.Fatal(err)
		}

		var mu sync.Mutex
		claimedBy := map[string]int{}
		doneAt := map[string]int{} // key → order in which it was marked done
		seq := 0
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for w, db := range []*store.DB{db1, db2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				idle := 0
				for idle < 50 {
					got, err := db.ClaimReady(ctx, shop, time.Now(), 7, fmt.Sprintf("w%d", w))
					if err != nil {
						errs <- err
						return
					}
					if len(got) == 0 {
						idle++
						time.Sleep(2 * time.Millisecond)
						continue
					}
					idle = 0
					mu.Lock()
					for _, p := range got {
						claimedBy[p.Key]++
						for _, d := range p.DependsOn {
							if _, ok := doneAt[d]; !ok {
								mu.Unlock()
								errs <- fmt.Errorf("%s claimed before its dependency %s was done", p.Key, d)
								return
							}
						}
					}
					// Noted before the update starts, so a dependant
					// claimed after it commits always finds its mark; a
					// dependant claimed before the update began does not.
					for _, p := range got {
						seq++
						doneAt[p.Key] = seq
						p.State = shopqb.Done
					}
					mu.Unlock()
					if err := db.UpdatePostings(ctx, got); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(claimedBy) != 200 {
			t.Fatalf("%d distinct postings claimed, want 200", len(claimedBy))
		}
		for k, n := range claimedBy {
			if n != 1 {
				t.Errorf("%s claimed %d times", k, n)
			}
		}
		counts, err := db1.CountPostings(ctx, shop)
		if err != nil || counts[shopqb.Done] != 200 || len(counts) != 1 {
			t.Fatalf("counts = %v, %v; want 200 done", counts, err)
		}
	})
}
