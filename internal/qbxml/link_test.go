package qbxml

import (
	"strings"
	"testing"
)

func mustLink(key string, line int) *LinkToTxn {
	l, err := LinkToPending(key, line)
	if err != nil {
		panic(err)
	}
	return l
}

func TestLinkToPending(t *testing.T) {
	l, err := LinkToPending("po:3001", 2)
	if err != nil {
		t.Fatal(err)
	}
	if l.TxnID != "TxnID:po:3001" || l.TxnLineID != "TxnLineID:po:3001#2" || !l.TxnID.Pending() || !l.TxnLineID.Pending() {
		t.Errorf("LinkToPending = %+v", l)
	}
	if PendingID("3F-1700000000").Pending() {
		t.Error("a QuickBooks ID taken for a pending reference")
	}
	for _, bad := range []struct {
		key  string
		line int
	}{{"", 1}, {"po:1", 0}, {"po:" + strings.Repeat("9", 30), 1}} {
		if _, err := LinkToPending(bad.key, bad.line); err == nil {
			t.Errorf("LinkToPending(%q, %d) accepted", bad.key, bad.line)
		}
	}
	// Half a link is refused before QuickBooks sees it.
	_, err = MarshalRequest(ItemReceiptAdd{VendorRef: ByName("Acme"), ItemLines: []ItemLine{{ItemRef: ByName("Mug"), LinkToTxn: &LinkToTxn{TxnID: "3F-1700000000"}}}})
	if err == nil || !strings.Contains(err.Error(), "TxnLineID") {
		t.Errorf("LinkToTxn without TxnLineID: %v", err)
	}
}
