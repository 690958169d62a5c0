package shopifysim

import (
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/shopify"
)

// TestListingCacheFollowsChanges pages the same query before and after each
// kind of data change: a cached listing must never serve stale order.
func TestListingCacheFollowsChanges(t *testing.T) {
	ts := newTestSim(t, nil)
	vars := map[string]any{"sort": "UPDATED_AT", "q": "updated_at:>'2026-01-01T00:00:00Z'"}
	before := walkOrders(t, ts, vars)
	if len(before) != len(ts.Data().Orders) {
		t.Fatalf("walk read %d orders, shop has %d", len(before), len(ts.Data().Orders))
	}
	if again := walkOrders(t, ts, vars); strings.Join(again, ",") != strings.Join(before, ",") {
		t.Fatal("the same query paged twice differs")
	}

	// UpdateOrder bumps updatedAt past every other order: it must move last.
	ts.clock.Advance(365 * 24 * time.Hour)
	first := before[0]
	if err := ts.UpdateOrder(first, func(o *shopify.Order) { o.SourceIdentifier += "-edited" }); err != nil {
		t.Fatal(err)
	}
	after := walkOrders(t, ts, vars)
	if len(after) != len(before) || after[len(after)-1] != first || after[0] == first {
		t.Fatalf("after UpdateOrder %s: first %s, last %s", first, after[0], after[len(after)-1])
	}

	// AddOrder appends a newer order.
	added := ts.Data().Orders[3]
	added.ID, added.Name, added.UpdatedAt = "", "#99999", added.UpdatedAt.AddDate(2, 0, 0)
	if err := ts.AddOrder(added); err != nil {
		t.Fatal(err)
	}
	withAdded := walkOrders(t, ts, vars)
	if len(withAdded) != len(before)+1 {
		t.Fatalf("after AddOrder: %d orders, want %d", len(withAdded), len(before)+1)
	}

	// A change through Data() is served on the next request too.
	d := ts.Data()
	d.Orders = d.Orders[:len(d.Orders)-1]
	if got := walkOrders(t, ts, vars); len(got) != len(before) {
		t.Fatalf("after removing an order through Data(): %d orders, want %d", len(got), len(before))
	}
}
