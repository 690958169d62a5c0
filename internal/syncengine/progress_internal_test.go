package syncengine

import (
	"context"
	"fmt"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// TestPercentDoneReusesItsCount: between recounts the fraction follows what
// the session settled; it never says 100 while a posting is in doubt or
// ready, and says it as soon as neither is true.
func TestPercentDoneReusesItsCount(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	e := New(Options{Store: db})
	ctx := context.Background()
	shop := &shopqb.Shop{Domain: "p.myshopify.com", QBWCUser: "p"}
	if err := db.CreateShop(ctx, shop); err != nil {
		t.Fatal(err)
	}
	var ps []*shopqb.Posting
	for i := range 40 {
		ps = append(ps, &shopqb.Posting{Key: fmt.Sprintf("customer:%d", i), Kind: "CustomerAdd", Request: "<CustomerAddRq/>"})
	}
	if _, _, err := db.UpsertPostings(ctx, shop.ID, ps); err != nil {
		t.Fatal(err)
	}
	st := &session{Preflighted: true}
	last := 0
	// Ten postings settle per round trip, and the last one goes in doubt
	// on the way: progress grows, and only ends once it is settled too.
	for round := 1; round <= 4; round++ {
		st.RoundTrips = round
		batch := ps[(round-1)*10 : round*10]
		for _, p := range batch {
			p.State = shopqb.Done
		}
		if round == 4 {
			batch[9].State = shopqb.InDoubt
		}
		if err := db.UpdatePostings(ctx, batch); err != nil {
			t.Fatal(err)
		}
		st.Done += 10
		if round == 4 {
			st.Done--
		}
		pct, err := e.percentDone(ctx, shop, st)
		if err != nil {
			t.Fatal(err)
		}
		if pct <= last || pct >= 100 {
			t.Fatalf("round %d: %d%% after %d%%; want more, and not 100 while a posting is in doubt", round, pct, last)
		}
		last = pct
	}
	if st.PlannedCount == nil || st.PlannedCount.RoundTrips != 1 {
		t.Fatalf("planned postings counted at %+v; want once, at the first round trip", st.PlannedCount)
	}
	ps[39].State = shopqb.Done
	if err := db.UpdatePostings(ctx, ps[39:]); err != nil {
		t.Fatal(err)
	}
	st.Recovered++
	if pct, err := e.percentDone(ctx, shop, st); err != nil || pct != 100 {
		t.Fatalf("with everything done: %d%%, %v; want 100", pct, err)
	}
}
