package syncengine

import (
	"context"
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// A refund applied to a credit memo posted in an earlier message set refers
// to it by TxnID, not by the macro that only lives inside one set.
func TestResolveMacros(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	e := New(Options{Store: db})
	ctx := context.Background()
	shop := &shopqb.Shop{Domain: "m.myshopify.com", QBWCUser: "m"}
	if err := db.CreateShop(ctx, shop); err != nil {
		t.Fatal(err)
	}
	x, err := qbxml.MarshalRequest(qbxml.ARRefundCreditCardAdd{
		CustomerRef: qbxml.ByName("C"), RefundFromAccountRef: qbxml.ByName("Clearing"), TxnDate: "2026-11-02",
		RefundAppliedTo: []qbxml.RefundAppliedToTxn{{TxnID: qbxml.TxnIDFromMacro("refund:9"), RefundAmount: 500}},
	})
	if err != nil {
		t.Fatal(err)
	}
	memo := &shopqb.Posting{Key: "refund:9", Kind: "CreditMemoAdd", Request: "<CreditMemoAddRq/>"}
	if _, _, err := db.UpsertPostings(ctx, shop.ID, []*shopqb.Posting{memo}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.resolveMacros(ctx, shop.ID, x); err == nil {
		t.Fatal("resolved a macro whose transaction is not posted")
	}
	memo, _ = db.PostingByKey(ctx, shop.ID, "refund:9")
	memo.State, memo.QBID = shopqb.Done, "1A2B-1234567890"
	if err := db.UpdatePostings(ctx, []*shopqb.Posting{memo}); err != nil {
		t.Fatal(err)
	}
	got, err := e.resolveMacros(ctx, shop.ID, x)
	if err != nil {
		t.Fatal(err)
	}
	if want := "<TxnID>1A2B-1234567890</TxnID>"; !strings.Contains(got, want) || strings.Contains(got, "useMacro") {
		t.Errorf("got %s, want it to contain %s", got, want)
	}
}
