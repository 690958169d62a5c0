package syncengine_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/qbdsim"
	"github.com/shopqb/shopqb/internal/qbwc"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/store"
)

// TestReceiptLinkedToPurchaseOrderLines: an item receipt planned against a
// purchase order names the order's lines before QuickBooks has numbered
// them; the engine records the TxnLineIDs QuickBooks returns for the order
// and fills them in, so in the company the receipt is linked to the order
// and the order shows what was received.
func TestReceiptLinkedToPurchaseOrderLines(t *testing.T) {
	r := newRig(t, store.SQLite)
	s := r.addShop(t, "po.myshopify.com", qbdsim.CompanyOptions{})
	guid := func(k string) qbxml.GUID { return qbxml.GUID(qbwc.StableGUID("test", s.shop.Domain+k)) }
	item := func(name string) *shopqb.Posting {
		return &shopqb.Posting{Key: "item:" + name, Kind: "ItemInventoryAdd", Name: name, Request: mustXML(t, qbxml.ItemInventoryAdd{Name: name,
			IncomeAccountRef: qbxml.ByName("Sales"), COGSAccountRef: qbxml.ByName("Cost of Goods Sold"), AssetAccountRef: qbxml.ByName("Inventory Asset")})}
	}
	// The receipt receives 4 of the order's second line and nothing of the first.
	link, err := qbxml.LinkToPending("po:1", 2)
	if err != nil {
		t.Fatal(err)
	}
	ps := []*shopqb.Posting{
		{Key: "vendor:1", Kind: "VendorAdd", Name: "Northwind", Request: mustXML(t, qbxml.VendorAdd{Name: "Northwind"})},
		item("Mug"), item("Shirt"),
		{Key: "po:1", Kind: "PurchaseOrderAdd", RefNumber: "PO-1", TxnDate: "2026-11-18", ExternalGUID: string(guid("po:1")),
			DependsOn: []string{"vendor:1", "item:Mug", "item:Shirt"},
			Request: mustXML(t, qbxml.PurchaseOrderAdd{DefMacro: "TxnID:po:1", VendorRef: qbxml.ByName("Northwind"), TxnDate: "2026-11-18", RefNumber: "PO-1",
				ExternalGUID: guid("po:1"), Lines: []qbxml.PurchaseOrderLine{
					{ItemRef: qbxml.ByName("Mug"), Quantity: qbxml.Qty(10), Rate: qbxml.Price(money.MustParse("4.25")), Amount: qbxml.Amt(money.MustParse("42.50"))},
					{ItemRef: qbxml.ByName("Shirt"), Quantity: qbxml.Qty(6), Rate: qbxml.Price(money.MustParse("8.50")), Amount: qbxml.Amt(money.MustParse("51.00"))},
				}})},
		{Key: "receipt:1:1", Kind: "ItemReceiptAdd", RefNumber: "PO-1", TxnDate: "2026-11-19", ExternalGUID: string(guid("receipt:1:1")),
			DependsOn: []string{"po:1"},
			Request: mustXML(t, qbxml.ItemReceiptAdd{VendorRef: qbxml.ByName("Northwind"), TxnDate: "2026-11-19", RefNumber: "PO-1", ExternalGUID: guid("receipt:1:1"),
				ItemLines: []qbxml.ItemLine{{ItemRef: qbxml.ByName("Shirt"), Quantity: qbxml.Qty(4), Cost: qbxml.Price(money.MustParse("8.50")),
					Amount: qbxml.Amt(money.MustParse("34.00")), LinkToTxn: link}}})},
	}
	if _, _, err := r.db.UpsertPostings(context.Background(), s.shop.ID, ps); err != nil {
		t.Fatal(err)
	}
	var sent []string
	r.eng.Trace = func(_ int64, x string) { sent = append(sent, x) }
	drain(t, s, 10)
	if c := counts(t, r, s.shop.ID); c[shopqb.Done] != len(ps) {
		t.Fatalf("postings %v, want all %d done", c, len(ps))
	}
	for _, x := range sent {
		if strings.Contains(x, qbxml.PendingLinePrefix) || strings.Contains(x, ">"+qbxml.PendingTxnPrefix) {
			t.Errorf("an unresolved reference was sent to QuickBooks:\n%s", x)
		}
	}

	ask := func(rq string) *qbxml.Ret {
		t.Helper()
		resp, err := s.company.ProcessRequest(`<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">` + rq + `</QBXMLMsgsRq></QBXML>`)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := qbxml.ParseResponse(resp)
		if err != nil || len(rs.Responses) != 1 || len(rs.Responses[0].Rets) != 1 {
			t.Fatalf("%s: %v\n%s", rq, err, resp)
		}
		return &rs.Responses[0].Rets[0]
	}
	po := ask(`<PurchaseOrderQueryRq><RefNumber>PO-1</RefNumber><IncludeLineItems>true</IncludeLineItems></PurchaseOrderQueryRq>`)
	lines := po.Node.FindAll("PurchaseOrderLineRet")
	if len(lines) != 2 || lines[0].Value("ReceivedQuantity") != "" || lines[1].Value("ReceivedQuantity") != "4" || po.Node.Value("IsFullyReceived") != "false" {
		t.Errorf("purchase order after a partial receipt:\n%+v", po.Node)
	}
	rc := ask(`<ItemReceiptQueryRq><RefNumber>PO-1</RefNumber><IncludeLineItems>true</IncludeLineItems></ItemReceiptQueryRq>`)
	if got := rc.Node.Value("LinkedTxn/TxnID"); got == "" || got != po.TxnID {
		t.Errorf("receipt linked to %q, want the purchase order %s", got, po.TxnID)
	}
	if got := po.Node.Value("LinkedTxn/TxnID"); got != rc.TxnID {
		t.Errorf("purchase order linked to %q, want the receipt %s", got, rc.TxnID)
	}
	// What went out named the second line's real TxnLineID.
	want := lines[1].Value("TxnLineID")
	linked := regexp.MustCompile(`<TxnLineID>([^<]*)</TxnLineID>`)
	found := false
	for _, x := range sent {
		if strings.Contains(x, "<ItemReceiptAdd") {
			m := linked.FindStringSubmatch(x)
			found = m != nil && m[1] == want
		}
	}
	if !found {
		t.Errorf("the receipt sent did not link line %s", want)
	}
}
