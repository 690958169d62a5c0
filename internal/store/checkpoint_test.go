package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// planState is everything a plan commits for a shop, read back as text so
// two states compare whole.
func planState(t *testing.T, db *store.DB, shopID int64, kvKeys []string) map[string]string {
	t.Helper()
	ctx := context.Background()
	arg := "?"
	if db.Dialect() == store.Postgres {
		arg = "$1"
	}
	out := map[string]string{}
	for table, q := range map[string]string{
		"postings":        "SELECT posting_key, state, plan_hash FROM postings WHERE shop_id = " + arg + " ORDER BY posting_key",
		"posting_drifts":  "SELECT posting_key, state, planned_hash FROM posting_drifts WHERE shop_id = " + arg + " ORDER BY id",
		"plan_names":      "SELECT name_key, name, COALESCE(name_folded, '-') FROM plan_names WHERE shop_id = " + arg + " ORDER BY name_key",
		"expected_ledger": "SELECT source || day || category, flow, amount FROM expected_ledger WHERE shop_id = " + arg + " ORDER BY source, day, category, flow",
		"expected_days":   "SELECT day || category, flow, amount FROM expected_days WHERE shop_id = " + arg + " ORDER BY day, category, flow",
		"posting_ledger":  "SELECT posting_id, category, amount FROM posting_ledger WHERE shop_id = " + arg + " ORDER BY posting_id, category",
	} {
		rows, err := db.SQL().QueryContext(ctx, q, shopID)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var b strings.Builder
		for rows.Next() {
			var a, c, d string
			if err := rows.Scan(&a, &c, &d); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s|%s|%s\n", a, c, d)
		}
		rows.Close()
		out[table] = b.String()
	}
	for _, k := range kvKeys {
		v, err := db.KV(ctx, shopID, k)
		switch {
		case errors.Is(err, shopqb.ErrNotFound):
			out["kv "+k] = "absent"
		case err != nil:
			t.Fatal(err)
		default:
			out["kv "+k] = "=" + string(v)
		}
	}
	return out
}

// TestPlanCheckpointRestoresExactly: a shop reset after it posted keeps
// its names, figures and drift; a plan committed after a checkpoint (new
// postings, a renamed and a new name, figures replaced whole, drift, key
// values set and added) is undone exactly by the restore, and another
// shop is untouched. A checkpoint is refused while the outbox holds
// postings or a checkpoint exists, and a dropped one restores nothing.
func TestPlanCheckpointRestoresExactly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "cp.myshopify.com")
		other := storetest.MustShopID(t, db, "other.myshopify.com")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		keys := []string{"planned:once", "expected:complete", "held_days"}
		// The shop's first life: postings, one done and planned again
		// differently (drift), names, figures; then a reset.
		for _, id := range []int64{shop, other} {
			done := posting("summary:sales:2026-01-01:online", "SalesReceiptAdd")
			_, _, err := db.UpsertPostings(ctx, id, []*shopqb.Posting{done})
			must(err)
			done.State = shopqb.Done
			must(db.UpdatePostings(ctx, []*shopqb.Posting{done}))
			again := posting("summary:sales:2026-01-01:online", "SalesReceiptAdd")
			again.PlanHash = "h2"
			_, _, err = db.UpsertPostings(ctx, id, []*shopqb.Posting{again})
			must(err)
			_, err = db.CommitPlan(ctx, id, store.PlanCommit{Names: map[string]string{"customer:1": "Ann Lee", "customer:2": "Bob Ray"},
				KV: map[string][]byte{"expected:complete": []byte("1"), "held_days": []byte(`["2026-01-01"]`)},
				Expected: &store.ExpectedFigures{ReplaceAll: true, Sources: []string{"gid://shopify/Order/1"}, Rows: []store.ExpectedRow{
					{Source: "gid://shopify/Order/1", Day: "2026-01-01", Category: shopqb.SalesIncome, Amount: -100}}}})
			must(err)
			_, err = db.ArchivePostings(ctx, id, "reset")
			must(err)
		}
		before, otherBefore := planState(t, db, shop, keys), planState(t, db, other, keys)
		if !strings.Contains(before["posting_drifts"], "h2") || before["kv planned:once"] != "absent" {
			t.Fatalf("the first life left no drift or a planned-once flag: %v", before)
		}

		must(db.TakePlanCheckpoint(ctx, shop, keys))
		if err := db.TakePlanCheckpoint(ctx, shop, keys); !errors.Is(err, shopqb.ErrConflict) {
			t.Fatalf("a second checkpoint: %v", err)
		}
		// The check's plan: a new sale, a name changed and one added, the
		// figures replaced, drift recorded (a withdrawal) and the flags set.
		sale := posting("order:1", "SalesReceiptAdd", "customer:1")
		sale.Ledger = []shopqb.LedgerLine{{Category: shopqb.UndepositedFunds, Amount: 100}, {Category: shopqb.SalesIncome, Amount: -100}}
		adj := posting("adjust:1", "JournalEntryAdd")
		_, err := db.CommitPlan(ctx, shop, store.PlanCommit{Postings: []*shopqb.Posting{posting("customer:1", "CustomerAdd"), sale, adj},
			Names: map[string]string{"customer:1": "Ann Lee (2)", "customer:3": "Cy Dee"},
			KV:    map[string][]byte{"planned:once": []byte("1"), "expected:complete": nil, "held_days": []byte("[]")},
			Expected: &store.ExpectedFigures{ReplaceAll: true, Sources: []string{"gid://shopify/Order/2"}, Rows: []store.ExpectedRow{
				{Source: "gid://shopify/Order/2", Day: "2026-01-02", Category: shopqb.SalesIncome, Amount: -250}}}})
		must(err)
		_, err = db.CommitPlan(ctx, shop, store.PlanCommit{Withdraw: []string{"adjust:1"}})
		must(err)
		if err := db.TakePlanCheckpoint(ctx, other, keys); err != nil {
			t.Fatalf("the other shop's checkpoint: %v", err)
		}
		must(db.DropPlanCheckpoint(ctx, other))
		planned := planState(t, db, shop, keys)
		for k, v := range before {
			if planned[k] == v {
				t.Errorf("the plan changed nothing in %s; the test would prove nothing there", k)
			}
		}
		if _, _, err := db.UpsertPostings(ctx, other, []*shopqb.Posting{posting("x", "CustomerAdd")}); err != nil {
			t.Fatal(err)
		}
		if err := db.TakePlanCheckpoint(ctx, other, keys); !errors.Is(err, shopqb.ErrConflict) {
			t.Fatalf("a checkpoint of an outbox with postings: %v", err)
		}

		found, err := db.RestorePlanCheckpoint(ctx, shop)
		if err != nil || !found {
			t.Fatalf("restore: %v, %v", found, err)
		}
		after := planState(t, db, shop, keys)
		for _, k := range slices.Sorted(maps.Keys(before)) {
			if after[k] != before[k] {
				t.Errorf("%s after the restore:\n%s\nbefore the checkpoint:\n%s", k, after[k], before[k])
			}
		}
		otherNow := planState(t, db, other, keys)
		otherBefore["postings"] = "x|planned|h1\n"
		for k, v := range otherBefore {
			if otherNow[k] != v {
				t.Errorf("the other shop's %s changed:\n%s\nwas\n%s", k, otherNow[k], v)
			}
		}
		if found, err := db.RestorePlanCheckpoint(ctx, shop); err != nil || found {
			t.Fatalf("a second restore: %v, %v", found, err)
		}
	})
}

// TestPlanCheckpointKeepsPrivacyRenames: a customer renamed by the privacy
// code while a checkpoint holds their old name is not named again by a
// restore.
func TestPlanCheckpointKeepsPrivacyRenames(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "rename.myshopify.com")
		if _, err := db.CommitPlan(ctx, shop, store.PlanCommit{Names: map[string]string{"customer:1": "Ann Lee"}}); err != nil {
			t.Fatal(err)
		}
		if err := db.TakePlanCheckpoint(ctx, shop, nil); err != nil {
			t.Fatal(err)
		}
		if err := db.SetPlanName(ctx, shop, "customer:1", "Customer 1"); err != nil {
			t.Fatal(err)
		}
		if found, err := db.RestorePlanCheckpoint(ctx, shop); err != nil || !found {
			t.Fatalf("restore: %v, %v", found, err)
		}
		if name, err := db.PlanName(ctx, shop, "customer:1"); err != nil || name != "Customer 1" {
			t.Fatalf("name after the restore: %q, %v", name, err)
		}
		if holders, err := db.PlanNameHolders(ctx, shop, shopqb.FoldName("Ann Lee")); err != nil || len(holders) != 0 {
			t.Fatalf("the old name still has holders after the restore: %v, %v", holders, err)
		}
		if holders, err := db.PlanNameHolders(ctx, shop, shopqb.FoldName("Customer 1")); err != nil || len(holders) != 1 {
			t.Fatalf("holders of the new name after the restore: %v, %v", holders, err)
		}
	})
}
