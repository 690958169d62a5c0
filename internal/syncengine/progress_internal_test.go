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

// TestPercentDoneRecountsOnceAShareIsSettled: a count is kept past
// recountEvery round trips until the session has settled a recountShare-th
// of what it counted, so a large outbox is not counted again and again.
func TestPercentDoneRecountsOnceAShareIsSettled(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	e := New(Options{Store: db})
	ctx := context.Background()
	shop := &shopqb.Shop{Domain: "r.myshopify.com", QBWCUser: "r"}
	if err := db.CreateShop(ctx, shop); err != nil {
		t.Fatal(err)
	}
	var ps []*shopqb.Posting
	for i := range 30 {
		ps = append(ps, &shopqb.Posting{Key: fmt.Sprintf("customer:%d", i), Kind: "CustomerAdd", Request: "<CustomerAddRq/>"})
	}
	if _, _, err := db.UpsertPostings(ctx, shop.ID, ps); err != nil {
		t.Fatal(err)
	}
	// Counted 800 planned at round trip 1; many round trips later the
	// session has settled less than an eighth of them: the count stands.
	st := &session{Preflighted: true, RoundTrips: 1 + 2*recountEvery, Done: 800/recountShare - 1,
		PlannedCount: &plannedCount{Planned: 800, RoundTrips: 1}}
	if _, err := e.percentDone(ctx, shop, st); err != nil {
		t.Fatal(err)
	}
	if st.PlannedCount.RoundTrips != 1 {
		t.Fatalf("counted again at %+v with less than a share settled", st.PlannedCount)
	}
	// An eighth settled: counted again, and the count is the outbox's.
	st.Done++
	if _, err := e.percentDone(ctx, shop, st); err != nil {
		t.Fatal(err)
	}
	if c := st.PlannedCount; c.RoundTrips != st.RoundTrips || c.Planned != len(ps) || c.Settled != st.Done {
		t.Fatalf("after a share settled: count %+v; want %d planned at round trip %d", c, len(ps), st.RoundTrips)
	}
	// Settled enough, but too few round trips since: the count stands.
	st.RoundTrips += recountEvery - 1
	st.Done += len(ps)
	if _, err := e.percentDone(ctx, shop, st); err != nil {
		t.Fatal(err)
	}
	if st.PlannedCount.RoundTrips != 1+2*recountEvery {
		t.Fatalf("counted again after %d round trips: %+v", recountEvery-1, st.PlannedCount)
	}
}
