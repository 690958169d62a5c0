package qbdsim

import (
	"testing"

	"github.com/shopqb/shopqb/internal/money"
)

// A receipt line linked to a purchase-order line (LinkToTxn) counts as
// received on that line; the order is fully received only when every line
// is, and both transactions list each other as linked.
func TestItemReceiptLinkedToPurchaseOrderLine(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	setupShop(t, c)
	po := ok(t, c, `<PurchaseOrderAddRq><PurchaseOrderAdd><VendorRef><FullName>Acme Supply</FullName></VendorRef><TxnDate>2026-11-18</TxnDate><RefNumber>PO-7</RefNumber>
<PurchaseOrderLineAdd><ItemRef><FullName>Mug</FullName></ItemRef><Quantity>5</Quantity><Rate>5.00</Rate></PurchaseOrderLineAdd>
<PurchaseOrderLineAdd><ItemRef><FullName>Mug</FullName></ItemRef><Desc>Second batch</Desc><Quantity>2</Quantity><Rate>5.00</Rate></PurchaseOrderLineAdd></PurchaseOrderAdd></PurchaseOrderAddRq>`)
	poID := po.text("TxnID")
	lines := po.children("PurchaseOrderLineRet")
	if len(lines) != 2 {
		t.Fatalf("PO has %d lines", len(lines))
	}
	receipt := func(lineID, qty, item string) string {
		return `<ItemReceiptAddRq><ItemReceiptAdd><VendorRef><FullName>Acme Supply</FullName></VendorRef><TxnDate>2026-11-19</TxnDate><RefNumber>PO-7</RefNumber>
<ItemLineAdd>` + item + `<Quantity>` + qty + `</Quantity><Cost>5.00</Cost><LinkToTxn><TxnID>` + poID + `</TxnID><TxnLineID>` + lineID + `</TxnLineID></LinkToTxn></ItemLineAdd></ItemReceiptAdd></ItemReceiptAddRq>`
	}
	// Refused links change nothing.
	inventory := balance(c, "Inventory Asset")
	if code := status(t, c, receipt("FFFF-1700000000", "1", ref("ItemRef", "Mug"))); code != stNotFound {
		t.Errorf("link to a line the order does not have: status %d, want %d", code, stNotFound)
	}
	if code := status(t, c, `<ItemReceiptAddRq><ItemReceiptAdd><VendorRef><FullName>Acme Supply</FullName></VendorRef><ItemLineAdd><ItemRef><FullName>Mug</FullName></ItemRef><Quantity>1</Quantity>
<LinkToTxn><TxnID>1-1700000000</TxnID><TxnLineID>`+lines[0].text("TxnLineID")+`</TxnLineID></LinkToTxn></ItemLineAdd></ItemReceiptAdd></ItemReceiptAddRq>`); code != stNotFound {
		t.Errorf("link to a transaction that does not exist: status %d, want %d", code, stNotFound)
	}
	if balance(c, "Accounts Payable") != 0 || balance(c, "Inventory Asset") != inventory {
		t.Fatalf("a refused receipt posted: %+v", c.TrialBalance())
	}

	// The ItemRef may be left out: it comes from the purchase-order line.
	rc := ok(t, c, receipt(lines[0].text("TxnLineID"), "3", ""))
	if got := rc.child("ItemLineRet"); got == nil || got.has("LinkToTxn") || got.child("ItemRef") == nil || got.child("ItemRef").text("FullName") != "Mug" {
		t.Errorf("receipt line %v: want the PO line's item and no LinkToTxn", got)
	}
	if l := rc.child("LinkedTxn"); l == nil || l.text("TxnID") != poID || l.text("TxnType") != "PurchaseOrder" {
		t.Errorf("receipt LinkedTxn %v, want the purchase order", l)
	}
	if got := balance(c, "Inventory Asset") - inventory; got != money.MustParse("15.00") {
		t.Errorf("inventory rose %s, want 15.00", got)
	}
	query := func() *node {
		return ok(t, c, `<PurchaseOrderQueryRq><TxnID>`+poID+`</TxnID><IncludeLineItems>true</IncludeLineItems></PurchaseOrderQueryRq>`)
	}
	q := query()
	got := q.children("PurchaseOrderLineRet")
	if got[0].text("ReceivedQuantity") != "3" || got[1].has("ReceivedQuantity") || q.text("IsFullyReceived") != "false" {
		t.Errorf("after a partial receipt: received %q/%q, fully %q", got[0].text("ReceivedQuantity"), got[1].text("ReceivedQuantity"), q.text("IsFullyReceived"))
	}
	if l := q.child("LinkedTxn"); l == nil || l.text("TxnID") != rc.text("TxnID") || l.text("TxnType") != "ItemReceipt" {
		t.Errorf("PO LinkedTxn %v, want the receipt", l)
	}
	ok(t, c, receipt(lines[0].text("TxnLineID"), "2", ref("ItemRef", "Mug")))
	ok(t, c, receipt(lines[1].text("TxnLineID"), "2", ref("ItemRef", "Mug")))
	q = query()
	got = q.children("PurchaseOrderLineRet")
	if got[0].text("ReceivedQuantity") != "5" || got[1].text("ReceivedQuantity") != "2" || q.text("IsFullyReceived") != "true" {
		t.Errorf("after receiving all: received %q/%q, fully %q", got[0].text("ReceivedQuantity"), got[1].text("ReceivedQuantity"), q.text("IsFullyReceived"))
	}
	if n := len(q.children("LinkedTxn")); n != 3 {
		t.Errorf("PO lists %d linked receipts, want 3", n)
	}
	mustBalance(t, c)

	// Deleting a receipt gives its quantities back to the order.
	ok(t, c, `<TxnDelRq><TxnDelType>ItemReceipt</TxnDelType><TxnID>`+rc.text("TxnID")+`</TxnID></TxnDelRq>`)
	q = query()
	got = q.children("PurchaseOrderLineRet")
	if got[0].text("ReceivedQuantity") != "2" || q.text("IsFullyReceived") != "false" || len(q.children("LinkedTxn")) != 2 {
		t.Errorf("after deleting the first receipt: received %q, fully %q, %d linked", got[0].text("ReceivedQuantity"), q.text("IsFullyReceived"), len(q.children("LinkedTxn")))
	}
	mustBalance(t, c)
}
