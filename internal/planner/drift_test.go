package planner

import (
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// posted marks a plan's postings as QuickBooks holding them.
func posted(plan *Plan, prev ...*shopqb.Posting) []*shopqb.Posting {
	out := append([]*shopqb.Posting(nil), prev...)
	for i, p := range plan.Postings {
		c := *p
		c.ID, c.State = int64(len(prev)+i+1), shopqb.Done
		out = append(out, &c)
	}
	return out
}

func ledgerSum(plans ...*Plan) map[shopqb.Category]money.Cents {
	out := map[shopqb.Category]money.Cents{}
	for _, p := range plans {
		for c, a := range p.Ledger.ByCategory {
			out[c] += a
			if out[c] == 0 {
				delete(out, c)
			}
		}
	}
	return out
}

// A late order for a summary day already posted becomes one adjustment that
// books exactly the difference; planning the same data again gives the same
// adjustment, and the books end equal to a plan of the whole day at once.
func TestLateOrderBecomesOneAdjustment(t *testing.T) {
	in := goldenCase(t, "split-tender-with-change")
	in.Shop.Settings.SalesMode = shopqb.Summary
	first := in.Orders[0]
	late := first
	late.ID, late.Name = first.ID+"7", "#1077"
	in.Orders = []shopify.Order{first}
	before, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Orders = []shopify.Order{first, late}
	whole, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Posted = posted(before)
	adj, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if adj.Adjusted != 1 {
		t.Fatalf("adjusted %d", adj.Adjusted)
	}
	var a *shopqb.Posting
	for _, p := range adj.Postings {
		if strings.HasPrefix(p.Key, "summary:sales:") {
			if a != nil || !strings.HasSuffix(p.Key, ":adj:1") || p.BaseKey == "" {
				t.Fatalf("summary postings: %s (base %q)", p.Key, p.BaseKey)
			}
			a = p
		}
	}
	if a == nil || !strings.Contains(a.Request, "#1077") || strings.Contains(a.Request, "#1001") || !strings.Contains(a.Request, "Adjustment 1") {
		t.Fatalf("adjustment %v", a)
	}
	if got, want := ledgerSum(before, adj), ledgerSum(whole); len(got) != len(want) {
		t.Fatalf("books after the adjustment %v, whole day %v", got, want)
	} else {
		for c := range want {
			if got[c] != want[c] {
				t.Errorf("%s: %s after adjustment, %s whole day", c, got[c], want[c])
			}
		}
	}
	// Same data again, the adjustment still planned: same key, same hash.
	in.Posted = append(posted(before), &shopqb.Posting{ID: 99, Key: a.Key, BaseKey: a.BaseKey, State: shopqb.Planned, Content: a.Content, PlanHash: a.PlanHash})
	again, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range again.Postings {
		if strings.HasPrefix(p.Key, "summary:sales:") && (p.Key != a.Key || p.PlanHash != a.PlanHash) {
			t.Fatalf("re-plan gave %s %s, had %s %s", p.Key, p.PlanHash, a.Key, a.PlanHash)
		}
	}
	// Once it is in QuickBooks, nothing more is due.
	done := posted(before)
	done = append(done, &shopqb.Posting{ID: 100, Key: a.Key, BaseKey: a.BaseKey, State: shopqb.Done, Content: a.Content, PlanHash: a.PlanHash, RefNumber: a.RefNumber})
	in.Posted = done
	after, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range after.Postings {
		if strings.HasPrefix(p.Key, "summary:sales:") {
			t.Fatalf("a second adjustment %s after the first was posted", p.Key)
		}
	}
	// The late order changed back before its adjustment left: withdrawn.
	in.Orders = []shopify.Order{first}
	in.Posted = append(posted(before), &shopqb.Posting{ID: 99, Key: a.Key, BaseKey: a.BaseKey, State: shopqb.Planned, Content: a.Content})
	back, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Withdrawn) != 1 || back.Withdrawn[0] != a.Key {
		t.Fatalf("withdrawn %v", back.Withdrawn)
	}
}

// A late refund on a summary day whose refunds were posted is a further
// credit memo with its refund; held-back days wait for the day to end.
func TestSummaryDayHeldBackUntilTheDayEnds(t *testing.T) {
	in := goldenCase(t, "split-tender-with-change")
	in.Shop.Settings.SalesMode = shopqb.Summary
	in.Now = in.Orders[0].ProcessedAt
	plan, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.HeldBack) != 1 {
		t.Fatalf("held back %v", plan.HeldBack)
	}
	for _, p := range plan.Postings {
		if strings.HasPrefix(p.Key, "summary:") {
			t.Fatalf("%s planned before its day ended", p.Key)
		}
	}
	in.Now = in.Orders[0].ProcessedAt.AddDate(0, 0, 2)
	if plan, err = Build(in); err != nil || len(plan.HeldBack) != 0 {
		t.Fatalf("two days later: held %v, %v", plan.HeldBack, err)
	}
}
