package stocky

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/money"
)

// A purchase order in the documented v2 shape with its quirks: supplier_id
// a string, money as numbers and strings, item dates in a locale format.
const docPO = `{"id":%d,"number":"PO-%d","sequential_id":%d,"invoice_number":null,"invoice_date":null,
"created_at":"2021-09-01T10:00:00.000+10:00","updated_at":"2021-09-02T00:23:00.000+10:00","ordered_at":"2021-09-01T11:00:00+10:00",
"expected_on":"2021-09-15","archived":false,"paid":false,"supplier_name":"Acme Supplies","supplier_id":"4411","currency":"AUD",
"shopify_receive_location_id":123456,"adjustments":0.0,"adjustments_local":"-5.0","shipping":12.5,"shipping_local":"12.50","shipping_tax_type":"GST",
"purchase_items":[
 {"id":1,"sku":"MUG-1","inventory_item_id":777,"product_title":"Mug","variant_title":"Blue","quantity":10,"status":"received",
  "retail_price":"15.00","cost_price":4.25,"supplier_cost_price":null,"account_code":300,"tax_type_id":2,"accounting_tax_type":"GST",
  "received_at":"2021-09-10T09:00:00+10:00","updated_at":"09/10/2021 09:05"},
 {"id":2,"sku":"CUP-1","inventory_item_id":"778","product_title":"Cup","variant_title":"Default Title","quantity":"4","status":"not delivered",
  "retail_price":"8.00","cost_price":null,"supplier_cost_price":"3.1","received_at":null,"updated_at":"13/09/2021 10:00"}
]}`

type stockyFake struct {
	t        *testing.T
	key      string
	status   int
	total    int
	requests []string
}

func (f *stockyFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.requests = append(f.requests, r.URL.RequestURI())
	if f.status != 0 {
		w.WriteHeader(f.status)
		fmt.Fprint(w, `{"error":"gone"}`)
		return
	}
	if r.Header.Get("Store-Name") != "demo.myshopify.com" || r.Header.Get("Authorization") != "API KEY="+f.key {
		w.WriteHeader(401)
		fmt.Fprint(w, `{"error":"Unauthorized"}`)
		return
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	since, _ := strconv.Atoi(r.URL.Query().Get("since_id"))
	switch r.URL.Path {
	case "/api/v2/purchase_orders.json":
		var items []string
		for id := since + 1; id <= f.total && len(items) < limit; id++ {
			items = append(items, fmt.Sprintf(docPO, id, id, id))
		}
		fmt.Fprintf(w, `{"purchase_orders":[%s]}`, strings.Join(items, ","))
	case "/api/v2/suppliers.json":
		fmt.Fprint(w, `{"suppliers":[{"id":"4411","name":"Acme Supplies","is_hidden":"false","updated_at":"2021-01-01T00:00:00Z"}]}`)
	default:
		w.WriteHeader(404)
	}
}

func fakeClient(t *testing.T, f *stockyFake, key string, page int) *Client {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := New(Config{StoreName: "demo.myshopify.com", APIKey: key, BaseURL: srv.URL, PageSize: page})
	if err != nil {
		t.Fatal(err)
	}
	c.sleep = func(context.Context, time.Duration) error { return nil }
	return c
}

func TestClientPagesWithSinceID(t *testing.T) {
	f := &stockyFake{t: t, key: "k1", total: 5}
	c := fakeClient(t, f, "k1", 2)
	var ids []string
	if err := c.PurchaseOrders(context.Background(), func(p *PurchaseOrder) error { ids = append(ids, string(p.ID)); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(ids, ",") != "1,2,3,4,5" {
		t.Fatalf("ids %v", ids)
	}
	want := []string{"/api/v2/purchase_orders.json?limit=2", "/api/v2/purchase_orders.json?limit=2&since_id=2", "/api/v2/purchase_orders.json?limit=2&since_id=4"}
	if strings.Join(f.requests, " ") != strings.Join(want, " ") {
		t.Fatalf("requests %v", f.requests)
	}
}

func TestFailingKeyAndRetiredAPIPointToArchive(t *testing.T) {
	c := fakeClient(t, &stockyFake{t: t, key: "right"}, "wrong", 0)
	err := c.PurchaseOrders(context.Background(), func(*PurchaseOrder) error { return nil })
	if !errors.Is(err, ErrUseArchive) || !strings.Contains(err.Error(), "HTTP 401") || !strings.Contains(err.Error(), "archive import") {
		t.Fatalf("bad key: %v", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Fatal("API key in the error message")
	}
	for _, status := range []int{410, 404, 403} {
		c := fakeClient(t, &stockyFake{t: t, status: status}, "k", 0)
		err := c.PurchaseOrders(context.Background(), func(*PurchaseOrder) error { return nil })
		if !errors.Is(err, ErrUseArchive) || !strings.Contains(err.Error(), strconv.Itoa(status)) {
			t.Fatalf("%d: %v", status, err)
		}
	}
	f := &stockyFake{t: t, status: 503}
	c = fakeClient(t, f, "k", 0)
	err = c.PurchaseOrders(context.Background(), func(*PurchaseOrder) error { return nil })
	if !errors.Is(err, ErrUseArchive) || len(f.requests) != maxAttempts {
		t.Fatalf("503: %v after %d requests", err, len(f.requests))
	}
	// A host that no longer resolves (.invalid never does).
	dead, _ := New(Config{StoreName: "demo.myshopify.com", APIKey: "k", BaseURL: "http://stocky.invalid"})
	err = dead.PurchaseOrders(context.Background(), func(*PurchaseOrder) error { return nil })
	var ue *UnavailableError
	if !errors.As(err, &ue) || !errors.Is(err, ErrUseArchive) {
		t.Fatalf("dns: %v", err)
	}
}

func TestTolerantDecodingAndConversion(t *testing.T) {
	f := &stockyFake{t: t, key: "k", total: 1}
	c := fakeClient(t, f, "k", 0)
	var po *PurchaseOrder
	if err := c.PurchaseOrders(context.Background(), func(p *PurchaseOrder) error { po = p; return nil }); err != nil {
		t.Fatal(err)
	}
	syd, _ := time.LoadLocation("Australia/Sydney")
	out, err := po.ToShopify(SourceAPI, DateConvention{DayFirst: true, Location: syd})
	if err != nil {
		t.Fatal(err)
	}
	if out.Source != "stocky" || out.SupplierID != "4411" || out.CurrencyCode != "AUD" || out.Name != "PO-1" || out.Status != "PARTIALLY_RECEIVED" {
		t.Fatalf("po = %+v", out)
	}
	if out.Shipping != money.MustParse("12.50") || out.Adjustments != money.MustParse("-5") {
		t.Fatalf("header amounts %v %v", out.Shipping, out.Adjustments)
	}
	l0, l1 := out.LineItems[0], out.LineItems[1]
	if l0.UnitCost != 425 || l0.Title != "Mug - Blue" || l0.InventoryItemID != "gid://shopify/InventoryItem/777" || l0.Quantity != 10 {
		t.Fatalf("line 0 = %+v", l0)
	}
	if l1.UnitCost != 310 || l1.Title != "Cup" || l1.Quantity != 4 || l1.InventoryItemID != "gid://shopify/InventoryItem/778" {
		t.Fatalf("line 1 = %+v", l1)
	}
	if len(out.Receipts) != 1 || out.Receipts[0].Lines[0].Quantity != 10 || !out.Receipts[0].ReceivedAt.Equal(time.Date(2021, 9, 10, 9, 0, 0, 0, syd)) {
		t.Fatalf("receipts = %+v", out.Receipts)
	}
	if out.Destination.ID != "gid://shopify/Location/123456" || out.ExpectedAt.Format(time.DateOnly) != "2021-09-15" {
		t.Fatalf("destination/expected %+v %v", out.Destination, out.ExpectedAt)
	}
}

func TestDates(t *testing.T) {
	cases := []struct {
		in       string
		dayFirst bool
		want     time.Time
	}{
		{"09/02/2021 00:23", false, time.Date(2021, 9, 2, 0, 23, 0, 0, time.UTC)},
		{"09/02/2021 00:23", true, time.Date(2021, 2, 9, 0, 23, 0, 0, time.UTC)},
		{"13/09/2021 10:00", false, time.Date(2021, 9, 13, 10, 0, 0, 0, time.UTC)}, // unambiguous
		{"09/13/2021", true, time.Date(2021, 9, 13, 0, 0, 0, 0, time.UTC)},
		{"2021-09-01T10:00:00.000+10:00", false, time.Date(2021, 9, 1, 0, 0, 0, 0, time.UTC)},
		{"2021-09-01 10:00:00 +0000", false, time.Date(2021, 9, 1, 10, 0, 0, 0, time.UTC)},
		{"2021-09-15", false, time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		got, ok, err := Time(c.in).Parse(DateConvention{DayFirst: c.dayFirst})
		if err != nil || !ok || !got.Equal(c.want) {
			t.Errorf("%q dayFirst=%v: %v %v %v", c.in, c.dayFirst, got, ok, err)
		}
	}
	for _, bad := range []string{"31/31/2021", "yesterday", "2021-13-01", "02/30/2021 10:00"} {
		if _, _, err := Time(bad).Parse(DateConvention{}); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if _, ok, err := Time("").Parse(DateConvention{}); ok || err != nil {
		t.Error("empty date")
	}
}

func TestValues(t *testing.T) {
	var d Decimal
	for in, want := range map[string]money.Cents{`12.5`: 1250, `"12.50"`: 1250, `-0.05`: -5, `"7"`: 700, `null`: 0, `""`: 0, `1.2300`: 123} {
		d = ""
		if err := d.UnmarshalJSON([]byte(in)); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		got, err := d.Cents()
		if err != nil || got != want {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{`"abc"`, `{}`, `1e3`, `"1,50"`} {
		if err := d.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	// Sub-cent costs are refused, not rounded.
	if _, err := Decimal("1.2345").Cents(); err == nil {
		t.Error("sub-cent amount rounded")
	}
	var n Int
	if n.UnmarshalJSON([]byte(`"12.0"`)) != nil || n != 12 || n.UnmarshalJSON([]byte(`2.5`)) == nil {
		t.Error("int decoding")
	}
	var id ID
	if id.UnmarshalJSON([]byte(`98765432109876543`)) != nil || id != "98765432109876543" {
		t.Error("large numeric id lost precision")
	}
}

func writeFile(t *testing.T, dir, name, body string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestImportArchive(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "purchase_orders_page1.json", `{"purchase_orders":[`+fmt.Sprintf(docPO, 1, 1, 1)+`,`+fmt.Sprintf(docPO, 2, 2, 2)+`]}`)
	// The same order again, updated later: the newer copy wins.
	newer := strings.Replace(fmt.Sprintf(docPO, 2, 2, 2), `"updated_at":"2021-09-02T00:23:00.000+10:00"`, `"updated_at":"2021-10-01T00:00:00Z"`, 1)
	newer = strings.Replace(newer, `"archived":false`, `"archived":true`, 1)
	writeFile(t, dir, "purchase_orders/2.json", `{"purchase_order":`+newer+`}`)
	writeFile(t, dir, "suppliers.json", `[{"id":4411,"name":"Acme"}]`)
	writeFile(t, dir, "stock/stock_adjustments.json", `{"stock_adjustments":[{"id":"9","shopify_location_id":1,"reason":"damaged","created_at":"2021-05-01T00:00:00Z",
"stock_adjustment_items":[{"id":1,"inventory_item_id":777,"sku":"MUG-1","quantity":-2,"cost_price":"4.25"}]}]}`)
	writeFile(t, dir, "stock_transfers.json", `{"stock_transfers":[{"id":3,"from_location_id":1,"to_location_id":2,"status":"completed","stock_transfer_items":[]}]}`)
	writeFile(t, dir, "tax_types.json", `{"tax_types":[{"id":1,"name":"GST"}]}`)
	writeFile(t, dir, "notes.txt", `not json, not imported`)
	a, err := ImportArchive(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.PurchaseOrders) != 2 || !bool(a.PurchaseOrders[1].Archived) || len(a.Suppliers) != 1 || len(a.StockAdjustments) != 1 ||
		len(a.StockTransfers) != 1 || len(a.Skipped) != 1 {
		t.Fatalf("archive = %+v", a)
	}
	if a.StockAdjustments[0].Items[0].Quantity != -2 {
		t.Fatal("adjustment items")
	}
	pos, err := a.PurchaseOrdersForShopify(SourceArchive, DateConvention{})
	if err != nil || len(pos) != 2 || pos[0].Source != "stocky-archive" {
		t.Fatalf("%v %v", pos, err)
	}

	// Broken files are named in the error; good ones still come back.
	writeFile(t, dir, "purchase_orders_broken.json", `{"purchase_orders":[{"id":5,"paid" false}]}`)
	writeFile(t, dir, "mystery.json", `[{"id":1}]`)
	a, err = ImportArchive(dir)
	if err == nil || !strings.Contains(err.Error(), "purchase_orders_broken.json") || !strings.Contains(err.Error(), "mystery.json") || len(a.PurchaseOrders) != 2 {
		t.Fatalf("err %v, %d orders", err, len(a.PurchaseOrders))
	}
	if _, err := ImportArchive(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("missing folder accepted")
	}
	if _, err := ImportArchive(t.TempDir()); err == nil {
		t.Fatal("empty folder accepted")
	}
}

func TestConversionRejectsSubCentCost(t *testing.T) {
	po := PurchaseOrder{ID: "1", PurchaseItems: []PurchaseItem{{ID: "1", Quantity: 1, CostPrice: "1.2345"}}}
	if _, err := po.ToShopify(SourceAPI, DateConvention{}); err == nil || !strings.Contains(err.Error(), "purchase order 1") {
		t.Fatalf("err = %v", err)
	}
}
