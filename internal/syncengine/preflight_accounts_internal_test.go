package syncengine

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// TestPreflightListsAccountsCreatedSince: an account shopqb created after
// the preflight was read is listed as existing (the settings page must not
// offer to create it again); one created before the preflight is listed
// only as QuickBooks gave it, so an account deleted since stays missing.
func TestPreflightListsAccountsCreatedSince(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	ctx := context.Background()
	shop := &shopqb.Shop{Domain: "a.myshopify.com", QBWCUser: "a"}
	if err := db.CreateShop(ctx, shop); err != nil {
		t.Fatal(err)
	}
	add := func(key, name, typ string) *shopqb.Posting {
		return &shopqb.Posting{Key: key, Kind: "AccountAdd", Name: name,
			Request: "<AccountAddRq><AccountAdd><Name>" + name + "</Name><AccountType>" + typ + "</AccountType></AccountAdd></AccountAddRq>"}
	}
	before := add("account:fees", "Merchant Fees", "Expense")
	after := add("account:shipping", "Shipping Income", "Income")
	waiting := add("account:tips", "Tips Payable", "OtherCurrentLiability")
	if _, _, err := db.UpsertPostings(ctx, shop.ID, []*shopqb.Posting{before, after, waiting}); err != nil {
		t.Fatal(err)
	}
	before.State = shopqb.Done
	if err := db.UpdatePostings(ctx, []*shopqb.Posting{before}); err != nil {
		t.Fatal(err)
	}
	// The preflight is read after "Merchant Fees" was created; QuickBooks
	// no longer has it (deleted in QuickBooks since).
	time.Sleep(1100 * time.Millisecond)
	pre := Preflight{CheckedAt: time.Now().UTC().Format("2006-01-02T15:04:05Z"), Accounts: []AccountInfo{{FullName: "Sales", Type: "Income"}}}
	raw, _ := json.Marshal(pre)
	if err := db.PutKV(ctx, shop.ID, kvPreflight, raw); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	after.State = shopqb.Done
	if err := db.UpdatePostings(ctx, []*shopqb.Posting{after}); err != nil {
		t.Fatal(err)
	}
	got, err := LoadPreflight(ctx, db, shop.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []AccountInfo{{FullName: "Sales", Type: "Income"}, {FullName: "Shipping Income", Type: "Income"}}
	if len(got.Accounts) != len(want) || got.Accounts[0] != want[0] || got.Accounts[1] != want[1] {
		t.Fatalf("accounts %+v, want %+v", got.Accounts, want)
	}
}
