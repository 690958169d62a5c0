package syncengine

import (
	"context"
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// A receipt links to purchase-order lines by the TxnLineIDs recorded when
// the order was posted. An order found by a lookup after a lost answer has
// none recorded (lookups return no lines): the receipt is then sent without
// the links rather than held forever.
func TestResolveTxnLineRefs(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	e := New(Options{Store: db})
	ctx := context.Background()
	shop := &shopqb.Shop{Domain: "l.myshopify.com", QBWCUser: "l"}
	if err := db.CreateShop(ctx, shop); err != nil {
		t.Fatal(err)
	}
	link, err := qbxml.LinkToPending("po:5", 2)
	if err != nil {
		t.Fatal(err)
	}
	x, err := qbxml.MarshalRequest(qbxml.ItemReceiptAdd{VendorRef: qbxml.ByName("V"), TxnDate: "2026-11-02",
		ItemLines: []qbxml.ItemLine{{ItemRef: qbxml.ByName("Mug"), Quantity: qbxml.Qty(1), LinkToTxn: link}}})
	if err != nil {
		t.Fatal(err)
	}
	po := &shopqb.Posting{Key: "po:5", Kind: "PurchaseOrderAdd", Request: "<PurchaseOrderAddRq/>"}
	if _, _, err := db.UpsertPostings(ctx, shop.ID, []*shopqb.Posting{po}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.resolveMacros(ctx, shop.ID, x); err == nil {
		t.Fatal("resolved a link to a purchase order not posted yet")
	}

	// Posted, its answer read: the lines are recorded and resolved.
	po, _ = db.PostingByKey(ctx, shop.ID, "po:5")
	rs, err := qbxml.ParseResponse(`<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><PurchaseOrderAddRs requestID="1" statusCode="0" statusSeverity="Info" statusMessage="Status OK">
<PurchaseOrderRet><TxnID>3F-1700000000</TxnID><PurchaseOrderLineRet><TxnLineID>40-1700000000</TxnLineID></PurchaseOrderLineRet>
<PurchaseOrderLineRet><TxnLineID>41-1700000000</TxnLineID></PurchaseOrderLineRet></PurchaseOrderRet></PurchaseOrderAddRs></QBXMLMsgsRs></QBXML>`)
	if err != nil {
		t.Fatal(err)
	}
	e.applyOne(ctx, shop.ID, po, &rs.Responses[0], e.now(), &session{})
	if err := db.UpdatePostings(ctx, []*shopqb.Posting{po}); err != nil {
		t.Fatal(err)
	}
	got, err := e.resolveMacros(ctx, shop.ID, x)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "<TxnID>3F-1700000000</TxnID>") || !strings.Contains(got, "<TxnLineID>41-1700000000</TxnLineID>") {
		t.Errorf("not resolved to line 2:\n%s", got)
	}

	// Found by a lookup: no lines on record, so no link.
	if err := db.DeleteKV(ctx, shop.ID, txnLinesKey("po:5")); err != nil {
		t.Fatal(err)
	}
	got, err = e.resolveMacros(ctx, shop.ID, x)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got, "LinkToTxn") || !strings.Contains(got, "<ItemLineAdd>") {
		t.Errorf("want the line kept without its link:\n%s", got)
	}
}
