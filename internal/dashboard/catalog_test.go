package dashboard

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/syncengine"
)

var catalogID = regexp.MustCompile(`(?m)^\["([^"]+)"\]$`)

func catalog(t *testing.T, lang string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "ui", "locales", "dashboard."+lang+".toml"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, m := range catalogID.FindAllStringSubmatch(string(b), -1) {
		out[m[1]] = true
	}
	return out
}

// TestCatalogs: every message ID the service can return has a text in
// English and in Korean, and the two catalogs hold the same IDs.
func TestCatalogs(t *testing.T) {
	used := map[string]bool{}
	files, _ := filepath.Glob("*.go")
	lit := regexp.MustCompile(`"(books\.[A-Za-z0-9_.]+)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") {
				used[m[1]] = true
			}
		}
	}
	// IDs built from a value: every value they can take.
	for _, st := range []string{syncengine.ConnWaiting, syncengine.ConnBadPassword, syncengine.ConnReached, syncengine.ConnQBError,
		syncengine.ConnOtherFile, syncengine.ConnRefused, syncengine.ConnConnected} {
		used["books.conn.state."+st] = true
	}
	for _, k := range []qbxml.Kind{qbxml.RetryLater, qbxml.MerchantFix, qbxml.Requery, qbxml.LinkExisting, qbxml.Permanent, qbxml.NotFound, "other"} {
		used["books.failure.why."+kindID(k)] = true
		used["books.failure.fix."+kindID(k)] = true
	}
	for _, k := range []string{"SalesReceiptAdd", "CreditMemoAdd", "ARRefundCreditCardAdd", "DepositAdd", "JournalEntryAdd", "ItemReceiptAdd",
		"PurchaseOrderAdd", "CustomerAdd", "VendorAdd", "AccountAdd", "ItemNonInventoryAdd", "ItemInventoryAdd",
		"ItemSalesTaxAdd", "ItemServiceAdd", "ItemOtherChargeAdd", "ItemDiscountAdd", "ItemPaymentAdd", "PaymentMethodAdd", "ClassAdd", "Unknown"} {
		used[kindLabel(k).ID] = true
	}
	en, ko := catalog(t, "en"), catalog(t, "ko")
	if len(used) < 40 {
		t.Fatalf("found only %d IDs in the source: the scan is broken", len(used))
	}
	for id := range used {
		if !en[id] || !ko[id] {
			t.Errorf("%s: English %v, Korean %v", id, en[id], ko[id])
		}
	}
	for id := range en {
		if !ko[id] {
			t.Errorf("%s is only in English", id)
		}
	}
	for id := range ko {
		if !en[id] {
			t.Errorf("%s is only in Korean", id)
		}
	}
}
