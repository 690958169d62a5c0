package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// planNames reads a shop's plan names whole, checking they come in key order.
func planNames(t *testing.T, db *store.DB, shopID int64) map[string]string {
	t.Helper()
	names := map[string]string{}
	last := ""
	if err := db.EachPlanName(context.Background(), shopID, func(key, name string) error {
		if len(names) > 0 && key <= last {
			return fmt.Errorf("key %q after %q: not in key order", key, last)
		}
		last = key
		names[key] = name
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return names
}

// TestPlanNamesAddUp: each commit stores only the names it hands over, a
// later commit adds to and changes them, more names than one statement
// carries are all stored, and another shop's names are apart.
func TestPlanNamesAddUp(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "names.myshopify.com")
		other := storetest.MustShopID(t, db, "other.myshopify.com")
		if got := planNames(t, db, shop); len(got) != 0 {
			t.Fatalf("a new shop has names: %v", got)
		}
		first := map[string]string{}
		for i := range 1203 { // more than one insert statement's rows
			first[fmt.Sprintf("refnumber:order:%d", i)] = fmt.Sprintf("#%d", 1000+i)
		}
		if _, err := db.CommitPlan(ctx, shop, store.PlanCommit{Names: first}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CommitPlan(ctx, other, store.PlanCommit{Names: map[string]string{"customer:1": "Other Ann"}}); err != nil {
			t.Fatal(err)
		}
		second := map[string]string{"customer:1": "Ann Lee", "refnumber:order:7": "#1007-2"}
		if _, err := db.CommitPlan(ctx, shop, store.PlanCommit{Names: second}); err != nil {
			t.Fatal(err)
		}
		want := maps.Clone(first)
		maps.Copy(want, second)
		if got := planNames(t, db, shop); !maps.Equal(got, want) {
			t.Fatalf("%d names stored, want %d (customer:1 %q, refnumber:order:7 %q)", len(got), len(want), got["customer:1"], got["refnumber:order:7"])
		}
		if got := planNames(t, db, other); len(got) != 1 || got["customer:1"] != "Other Ann" {
			t.Fatalf("other shop's names: %v", got)
		}
		if n, err := db.PlanName(ctx, shop, "customer:1"); err != nil || n != "Ann Lee" {
			t.Fatalf("PlanName = %q, %v", n, err)
		}
		if _, err := db.PlanName(ctx, shop, "customer:2"); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("PlanName of an unnamed key: %v", err)
		}
		if err := db.SetPlanName(ctx, shop, "customer:1", "Redacted customer 1"); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.PlanName(ctx, shop, "customer:1"); n != "Redacted customer 1" {
			t.Fatalf("after SetPlanName: %q", n)
		}
		if n, _ := db.PlanName(ctx, other, "customer:1"); n != "Other Ann" {
			t.Fatalf("SetPlanName changed the other shop: %q", n)
		}
	})
}

// TestPlanNamesAdoptTheOldMap: a shop upgraded with its names in the old
// key/value gets them as rows on the first read, and the key/value goes;
// names already in rows win over it; an unreadable one stops the read and
// leaves everything as it was.
func TestPlanNamesAdoptTheOldMap(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "upgraded.myshopify.com")
		if err := db.PutKV(ctx, shop, store.KVLegacyPlanNames, []byte(`{"customer:1":"Ann Lee","refnumber:order:1":"#1001"}`)); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"customer:1": "Ann Lee", "refnumber:order:1": "#1001"}
		if got := planNames(t, db, shop); !maps.Equal(got, want) {
			t.Fatalf("names after the move: %v, want %v", got, want)
		}
		if _, err := db.KV(ctx, shop, store.KVLegacyPlanNames); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("the old name map is still stored: %v", err)
		}
		if got := planNames(t, db, shop); !maps.Equal(got, want) {
			t.Fatalf("names on the second read: %v", got)
		}

		// An old value found beside rows (an older shopqb wrote it again):
		// what it adds is kept, what the rows hold is not overwritten.
		if err := db.PutKV(ctx, shop, store.KVLegacyPlanNames, []byte(`{"customer:1":"Ann Other","customer:2":"Bob Ray"}`)); err != nil {
			t.Fatal(err)
		}
		if n, err := db.PlanName(ctx, shop, "customer:2"); err != nil || n != "Bob Ray" {
			t.Fatalf("PlanName after an old value beside rows = %q, %v", n, err)
		}
		want["customer:2"] = "Bob Ray"
		if got := planNames(t, db, shop); !maps.Equal(got, want) {
			t.Fatalf("names after merging: %v, want %v", got, want)
		}
		if _, err := db.KV(ctx, shop, store.KVLegacyPlanNames); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("the old name map is still stored after merging: %v", err)
		}

		// An empty old value (a shop planned with no names) moves as nothing.
		empty := storetest.MustShopID(t, db, "empty.myshopify.com")
		if err := db.PutKV(ctx, empty, store.KVLegacyPlanNames, nil); err != nil {
			t.Fatal(err)
		}
		if got := planNames(t, db, empty); len(got) != 0 {
			t.Fatalf("names of an empty old map: %v", got)
		}
		if _, err := db.KV(ctx, empty, store.KVLegacyPlanNames); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("the empty old name map is still stored: %v", err)
		}

		broken := storetest.MustShopID(t, db, "broken.myshopify.com")
		if err := db.PutKV(ctx, broken, store.KVLegacyPlanNames, []byte(`{"customer:1":`)); err != nil {
			t.Fatal(err)
		}
		if err := db.EachPlanName(ctx, broken, func(string, string) error { return nil }); err == nil {
			t.Fatal("an unreadable old name map was read without an error")
		}
		if v, err := db.KV(ctx, broken, store.KVLegacyPlanNames); err != nil || string(v) != `{"customer:1":` {
			t.Fatalf("the unreadable old map: %q, %v; want it kept", v, err)
		}
	})
}

// TestPlanNamesLookUp: PlanNames reads the names of the keys asked for
// that have one, in one shop, past one statement's keys; PlanNameHolders
// finds the keys holding a name as QuickBooks compares it (without case,
// non-ASCII letters too), in every list, and follows a rename.
func TestPlanNamesLookUp(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "lookup.myshopify.com")
		other := storetest.MustShopID(t, db, "lookup-other.myshopify.com")
		names := map[string]string{"customer:1": "Émile Zola", "vendor:9": "ÉMILE ZOLA", "refnumber:order:1": "#1001",
			"refnumber:refund:1": "#1001"}
		var asked []string
		for i := range 700 {
			k := fmt.Sprintf("refnumber:order:%d", 100+i)
			names[k] = fmt.Sprintf("#%d", 2000+i)
			asked = append(asked, k)
		}
		if _, err := db.CommitPlan(ctx, shop, store.PlanCommit{Names: names}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CommitPlan(ctx, other, store.PlanCommit{Names: map[string]string{"customer:2": "émile zola"}}); err != nil {
			t.Fatal(err)
		}
		asked = append(asked, "customer:1", "customer:2", "item:none")
		got, err := db.PlanNames(ctx, shop, asked)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 701 || got["customer:1"] != "Émile Zola" || got["refnumber:order:799"] != "#2699" {
			t.Fatalf("PlanNames: %d names (customer:1 %q, refnumber:order:799 %q), want 701", len(got), got["customer:1"], got["refnumber:order:799"])
		}
		if _, ok := got["customer:2"]; ok {
			t.Fatalf("PlanNames read another shop's name")
		}
		holders := func(folded string) []string {
			t.Helper()
			keys, err := db.PlanNameHolders(ctx, shop, folded)
			if err != nil {
				t.Fatal(err)
			}
			return keys
		}
		if got := holders(shopqb.FoldName("Émile Zola")); !slices.Equal(got, []string{"customer:1", "vendor:9"}) {
			t.Fatalf("holders of %q: %v", shopqb.FoldName("Émile Zola"), got)
		}
		if got := holders("#1001"); !slices.Equal(got, []string{"refnumber:order:1", "refnumber:refund:1"}) {
			t.Fatalf("holders of #1001: %v", got)
		}
		if got := holders("Émile Zola"); len(got) != 0 {
			t.Fatalf("an unfolded name is held by %v", got)
		}
		if err := db.SetPlanName(ctx, shop, "customer:1", "Redacted customer 1"); err != nil {
			t.Fatal(err)
		}
		if got := holders(shopqb.FoldName("Émile Zola")); !slices.Equal(got, []string{"vendor:9"}) {
			t.Fatalf("holders after a rename: %v", got)
		}
		if got := holders("redacted customer 1"); !slices.Equal(got, []string{"customer:1"}) {
			t.Fatalf("holders of the new name: %v", got)
		}
	})
}

// TestPlanNamesFoldOldRows: rows stored before name_folded (or by a shopqb
// from before it) are folded on the shop's next EachPlanName, more than one
// transaction's worth, and then found by PlanNameHolders.
func TestPlanNamesFoldOldRows(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		shop := storetest.MustShopID(t, db, "folded.myshopify.com")
		names := map[string]string{"customer:1": "Ärger Ltd"}
		for i := range 1203 {
			names[fmt.Sprintf("refnumber:order:%d", i)] = fmt.Sprintf("#A%d", i)
		}
		if _, err := db.CommitPlan(ctx, shop, store.PlanCommit{Names: names}); err != nil {
			t.Fatal(err)
		}
		q := "UPDATE plan_names SET name_folded = NULL WHERE shop_id = ?"
		if db.Dialect() == store.Postgres {
			q = "UPDATE plan_names SET name_folded = NULL WHERE shop_id = $1"
		}
		if _, err := db.SQL().ExecContext(ctx, q, shop); err != nil {
			t.Fatal(err)
		}
		if got, err := db.PlanNameHolders(ctx, shop, "ärger ltd"); err != nil || len(got) != 0 {
			t.Fatalf("an unfolded row is found: %v, %v", got, err)
		}
		if got := planNames(t, db, shop); !maps.Equal(got, names) {
			t.Fatalf("folding changed the names: %d, want %d", len(got), len(names))
		}
		if got, err := db.PlanNameHolders(ctx, shop, "ärger ltd"); err != nil || !slices.Equal(got, []string{"customer:1"}) {
			t.Fatalf("holders of a folded old row: %v, %v", got, err)
		}
		if got, err := db.PlanNameHolders(ctx, shop, "#a1202"); err != nil || !slices.Equal(got, []string{"refnumber:order:1202"}) {
			t.Fatalf("holders of the last folded old row: %v, %v", got, err)
		}
	})
}
