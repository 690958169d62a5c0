package planner

import (
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/shopify"
)

// Receipt lines link to the purchase-order line they receive by its place
// on the PurchaseOrder as planned: lines not booked (nothing ordered) do not
// count, and a receipt may list lines in any order.
func TestReceiptLinksToPurchaseOrderLines(t *testing.T) {
	in := goldenCase(t, "purchase-order")
	po := &in.PurchaseOrders[0]
	po.LineItems = append([]shopify.PurchaseOrderLine{{ID: "L0", VariantID: po.LineItems[0].VariantID, SKU: "X", Title: "Cancelled line", Quantity: 0}}, po.LineItems...)
	po.Receipts = append(po.Receipts, shopify.PurchaseReceipt{ID: "gid://shopify/PurchaseReceipt/3", ReceivedAt: po.Receipts[1].ReceivedAt,
		Lines: []shopify.PurchaseReceiptLine{{LineID: "L2", Quantity: 2}, {LineID: "L1", Quantity: 1}}})
	plan, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	var receipt string
	for _, p := range plan.Postings {
		if p.Key == "receipt:3001:3" {
			receipt = p.Request
		}
	}
	got := TxnLineRefs(receipt)
	want := []TxnLineRef{{"po:3001", 2}, {"po:3001", 1}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("TxnLineRefs = %+v, want %+v", got, want)
	}
	if keys := TxnRefs(receipt); len(keys) != 2 || keys[0] != "po:3001" || keys[1] != "po:3001" {
		t.Errorf("TxnRefs = %q", keys)
	}
	if !HasRefs(receipt) {
		t.Error("HasRefs = false")
	}

	txnID := func(k string) (string, bool) { return "3F-1700000000", k == "po:3001" }
	if _, err := ResolveTxnRefs(receipt, txnID); err == nil || !strings.Contains(err.Error(), "line 2 of posting po:3001") {
		t.Errorf("line references without a resolver: %v", err)
	}
	ids := []string{"40-1700000000", "41-1700000000"}
	lineID := func(k string, n int) (string, bool) {
		if k != "po:3001" || n < 1 || n > len(ids) {
			return "", false
		}
		return ids[n-1], true
	}
	out, err := ResolveTxnLineRefs(receipt, txnID, lineID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "TxnLineID:") || strings.Contains(out, ">TxnID:") ||
		!strings.Contains(out, "<TxnID>3F-1700000000</TxnID>") ||
		strings.Index(out, "41-1700000000") > strings.Index(out, "40-1700000000") {
		t.Errorf("not resolved in line order:\n%s", out)
	}
	if _, err := ResolveTxnLineRefs(receipt, txnID, func(string, int) (string, bool) { return "", false }); err == nil {
		t.Error("an unknown line ID was not reported")
	}
	unlinked := UnlinkTxnLines(receipt, "po:3001")
	if strings.Contains(unlinked, "LinkToTxn") || HasRefs(unlinked) || strings.Count(unlinked, "<ItemLineAdd>") != 2 {
		t.Errorf("UnlinkTxnLines:\n%s", unlinked)
	}
	if UnlinkTxnLines(receipt, "po:9") != receipt {
		t.Error("UnlinkTxnLines removed links to another posting")
	}
}

// HasRefs finds each form of reference on its own, including a line
// reference without a TxnID one beside it, and nothing in a plain request.
func TestHasRefsEachForm(t *testing.T) {
	for _, tc := range []struct {
		request string
		want    bool
	}{
		{`<RefundAppliedToTxnAdd><TxnID useMacro="TxnID:refund:9"/></RefundAppliedToTxnAdd>`, true},
		{`<LinkToTxn><TxnID>TxnID:po:1</TxnID></LinkToTxn>`, true},
		{`<ItemLineAdd><TxnLineID>TxnLineID:po:1#2</TxnLineID></ItemLineAdd>`, true},
		{`<SalesReceiptAdd><RefNumber>TxnID</RefNumber><Memo>TxnLineID</Memo></SalesReceiptAdd>`, false},
	} {
		if got := HasRefs(tc.request); got != tc.want {
			t.Errorf("HasRefs(%s) = %v, want %v", tc.request, got, tc.want)
		}
	}
}
