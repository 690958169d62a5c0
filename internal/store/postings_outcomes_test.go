package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// outcomeFields is p with only what ClaimRequests and PostingOutcomesByID
// return: who it is, its request when withRequest, and every field
// UpdatePostings writes.
func outcomeFields(p *shopqb.Posting, withRequest bool) shopqb.Posting {
	o := shopqb.Posting{ID: p.ID, ShopID: p.ShopID, Key: p.Key, Kind: p.Kind, State: p.State,
		MessageSetID: p.MessageSetID, Attempts: p.Attempts, NextAttempt: p.NextAttempt, QBID: p.QBID,
		EditSequence: p.EditSequence, ErrorCode: p.ErrorCode, ErrorClass: p.ErrorClass, ErrorMessage: p.ErrorMessage}
	if withRequest {
		o.Request = p.Request
	}
	return o
}

func TestClaimRequestsAndOutcomes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "outcomes.myshopify.com")
		other := storetest.MustShopID(t, db, "outcomes-other.myshopify.com")
		now := time.Now()
		var ps []*shopqb.Posting
		for i := range 12 {
			p := posting(fmt.Sprintf("customer:%d", i), "CustomerAdd")
			p.Request = fmt.Sprintf("<CustomerAddRq><Name>C%d</Name></CustomerAddRq>", i)
			p.Content, p.RefNumber, p.Name = fmt.Sprintf(`{"n":%d}`, i), fmt.Sprintf("R%d", i), fmt.Sprintf("C%d", i)
			p.Attempts, p.ErrorCode, p.ErrorClass, p.ErrorMessage = i%3, "3175", "retry-later", "busy"
			ps = append(ps, p)
		}
		// One waits on a customer not planned yet, one is not due: neither is claimed.
		blocked := posting("order:1:sale", "SalesReceiptAdd", "customer:none")
		later := posting("customer:later", "CustomerAdd")
		later.NextAttempt = now.Add(time.Hour)
		if _, _, err := db.UpsertPostings(ctx, shop, append(ps, blocked, later)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.UpsertPostings(ctx, other, []*shopqb.Posting{posting("customer:0", "CustomerAdd")}); err != nil {
			t.Fatal(err)
		}
		if got, err := db.ClaimRequests(ctx, shop, now, 0, "ms-0"); err != nil || len(got) != 0 {
			t.Fatalf("ClaimRequests(limit 0) = %v, %v; want nothing", keys(got), err)
		}
		claimed, err := db.ClaimRequests(ctx, shop, now, 10, "ms-1")
		if err != nil || len(claimed) != 10 {
			t.Fatalf("ClaimRequests = %v, %v; want 10 postings", keys(claimed), err)
		}
		ids := make([]int64, len(claimed))
		for i, p := range claimed {
			ids[i] = p.ID
		}
		// What was claimed is what the store now holds, in id order, with
		// the request and without the planner's fields.
		full, err := db.PostingsByID(ctx, shop, ids)
		if err != nil || len(full) != len(claimed) {
			t.Fatalf("PostingsByID = %d, %v", len(full), err)
		}
		for i, p := range claimed {
			if i > 0 && claimed[i-1].ID >= p.ID {
				t.Fatalf("ClaimRequests not in id order: %v", keys(claimed))
			}
			f := full[i]
			if f.State != shopqb.Sent || f.MessageSetID != "ms-1" || f.Attempts != ps[i].Attempts+1 || f.Request != ps[i].Request {
				t.Fatalf("stored after the claim: %+v", *f)
			}
			if want := outcomeFields(f, true); !reflect.DeepEqual(*p, want) {
				t.Fatalf("ClaimRequests()[%d] = %+v\nwant %+v", i, *p, want)
			}
		}
		// The rest of the ready postings, and nothing twice.
		rest, err := db.ClaimRequests(ctx, shop, now, 10, "ms-2")
		if err != nil || len(rest) != 2 || rest[0].Key != "customer:10" || rest[1].Key != "customer:11" {
			t.Fatalf("second ClaimRequests = %v, %v; want customer:10 and customer:11", keys(rest), err)
		}

		// Read back by id: the same fields, without the request; another
		// shop's posting and an unknown id are absent.
		outcomes, err := db.PostingOutcomesByID(ctx, shop, append([]int64{1 << 40, ps[len(ps)-1].ID}, ids...))
		if err != nil || len(outcomes) != len(ids)+1 {
			t.Fatalf("PostingOutcomesByID = %d postings, %v; want %d", len(outcomes), err, len(ids)+1)
		}
		for i, p := range outcomes[:len(ids)] {
			if want := outcomeFields(full[i], false); !reflect.DeepEqual(*p, want) {
				t.Fatalf("PostingOutcomesByID()[%d] = %+v\nwant %+v", i, *p, want)
			}
		}
		if none, err := db.PostingOutcomesByID(ctx, other, ids); err != nil || len(none) != 0 {
			t.Fatalf("PostingOutcomesByID of another shop = %v, %v; want nothing", keys(none), err)
		}

		// A posting read this way is recorded without losing a field the
		// read left out.
		p := outcomes[0]
		p.State, p.QBID, p.EditSequence, p.ErrorCode, p.ErrorClass, p.ErrorMessage = shopqb.Done, "80000001-1", "7", "", "", ""
		if err := db.RecordResults(ctx, shop, []*shopqb.Posting{p}, map[int64]string{p.ID: "<CustomerAddRs/>"}, now); err != nil {
			t.Fatal(err)
		}
		after, err := db.PostingsByID(ctx, shop, []int64{p.ID})
		if err != nil || len(after) != 1 {
			t.Fatalf("PostingsByID = %v, %v", keys(after), err)
		}
		want := *full[0]
		want.State, want.QBID, want.EditSequence, want.ErrorCode, want.ErrorClass, want.ErrorMessage = shopqb.Done, "80000001-1", "7", "", "", ""
		want.UpdatedAt = after[0].UpdatedAt
		if !reflect.DeepEqual(*after[0], want) {
			t.Fatalf("after recording: %+v\nwant %+v", *after[0], want)
		}
	})
}
