package stocky

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportArchiveZip(t *testing.T) {
	a, err := ImportArchiveZip(zipOf(t, map[string]string{
		"export/purchase_orders.json": `{"purchase_orders":[{"id":2,"number":"PO-2","supplier_name":"Acme","purchase_items":[]},{"id":3,"number":"PO-3","purchase_items":[]}]}`,
		"export/tax_types.json":       `{"tax_types":[]}`,
		"readme.txt":                  "not json",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.PurchaseOrders) != 2 {
		t.Fatalf("%d purchase orders, want 2", len(a.PurchaseOrders))
	}
	a, err = ImportArchiveZip(zipOf(t, map[string]string{
		"purchase_orders.json": `{"purchase_orders":[{"id":2,"purchase_items":[]}]}`,
		"suppliers.json":       `{"suppliers":[`,
	}))
	if err == nil || !strings.Contains(err.Error(), "suppliers.json") || a == nil || len(a.PurchaseOrders) != 1 {
		t.Fatalf("a bad file: %v, %+v", err, a)
	}
	if _, err := ImportArchiveZip([]byte("PK not really")); err == nil {
		t.Fatal("garbage accepted")
	}
	if _, err := ImportArchiveZip(zipOf(t, map[string]string{"a.csv": "x"})); err == nil {
		t.Fatal("a zip without JSON accepted")
	}
}
