package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func tx(id int) string {
	return fmt.Sprintf(`{"id":"gid://shopify/OrderTransaction/%d","kind":"SALE","status":"SUCCESS","gateway":"cash","amountSet":%s,"fees":[],"test":false,"processedAt":"2026-11-01T10:00:00Z"}`, id, bag("1.00"))
}

func shippingLine(id string) string {
	return `{"id":"` + id + `","title":"Ground","isRemoved":false,"originalPriceSet":` + bag("5.00") + `,"discountedPriceSet":` + bag("5.00") + `,"taxLines":[],"discountAllocations":[]}`
}

// An order whose header lists are all full: shipping lines and discount
// applications continue from their cursors, and ten transactions (the
// header's limit) trigger the re-read with the larger limit.
func TestOrderHeaderOverflowFollowUps(t *testing.T) {
	var m map[string]any
	json.Unmarshal([]byte(orderHeader("gid://shopify/Order/1", "2026-11-01T11:00:00Z")), &m)
	txs := make([]any, headerTransactions)
	for i := range txs {
		json.Unmarshal([]byte(tx(i+1)), &txs[i])
	}
	m["transactions"] = txs
	var sl any
	json.Unmarshal([]byte(shippingLine("gid://shopify/ShippingLine/1")), &sl)
	m["shippingLines"] = map[string]any{"nodes": []any{sl}, "pageInfo": map[string]any{"hasNextPage": true, "endCursor": "s1"}}
	m["discountApplications"] = map[string]any{"nodes": []any{map[string]any{"__typename": "ManualDiscountApplication", "index": 0, "title": "Staff"}},
		"pageInfo": map[string]any{"hasNextPage": true, "endCursor": "d1"}}
	header, _ := json.Marshal(m)

	r := &routedShopify{t: t, routes: map[string]func(map[string]any) string{}}
	r.routes["Order"] = func(map[string]any) string { return `{"order":` + string(header) + `}` }
	r.routes["OrderShippingLines"] = func(v map[string]any) string {
		if v["after"] != "s1" {
			t.Errorf("shipping after = %v", v["after"])
		}
		return `{"order":{"id":"x","shippingLines":{"nodes":[` + shippingLine("gid://shopify/ShippingLine/2") + `],"pageInfo":{"hasNextPage":false}}}}`
	}
	r.routes["OrderDiscountApplications"] = func(v map[string]any) string {
		if v["after"] != "d1" {
			t.Errorf("discount after = %v", v["after"])
		}
		return `{"order":{"id":"x","discountApplications":{"nodes":[{"__typename":"DiscountCodeApplication","index":1,"code":"X"}],"pageInfo":{"hasNextPage":false}}}}`
	}
	r.routes["OrderTransactions"] = func(v map[string]any) string {
		var all []string
		for i := range 12 {
			all = append(all, tx(i+1))
		}
		return `{"order":{"id":"x","transactions":[` + strings.Join(all, ",") + `]}}`
	}
	r.routes["OrderLineItems"] = func(map[string]any) string {
		return `{"order":{"id":"x","lineItems":{"nodes":[],"pageInfo":{"hasNextPage":false}}}}`
	}
	r.routes["OrderAgreements"] = func(map[string]any) string {
		return `{"order":{"id":"x","agreements":{"edges":[],"pageInfo":{"hasNextPage":false}}}}`
	}
	c := routedClient(t, r)
	o, err := c.Order(context.Background(), "gid://shopify/Order/1")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.ShippingLines) != 2 || len(o.DiscountApplications) != 2 || o.DiscountApplications[1].Code != "X" || len(o.Transactions) != 12 {
		t.Fatalf("shipping %d discounts %d transactions %d", len(o.ShippingLines), len(o.DiscountApplications), len(o.Transactions))
	}
}

func TestProductVariantsAndPurchaseOrderLinesContinue(t *testing.T) {
	r := &routedShopify{t: t, routes: map[string]func(map[string]any) string{}}
	variant := func(id string) string {
		return `{"id":"` + id + `","sku":"S","title":"T","displayName":"D","price":"2.50","taxable":true,"updatedAt":"2026-01-01T00:00:00Z","inventoryItem":{"id":"i","sku":"S","tracked":true,"unitCost":{"amount":"1.00","currencyCode":"USD"}}}`
	}
	r.routes["Products"] = func(map[string]any) string {
		return `{"products":{"nodes":[{"id":"gid://shopify/Product/1","title":"P","productType":"","vendor":"","isGiftCard":false,"updatedAt":"2026-01-01T00:00:00Z",
"variants":{"nodes":[` + variant("v1") + `],"pageInfo":{"hasNextPage":true,"endCursor":"v1c"}}}],"pageInfo":{"hasNextPage":false}}}`
	}
	r.routes["ProductVariants"] = func(v map[string]any) string {
		if v["id"] != "gid://shopify/Product/1" || v["after"] != "v1c" {
			t.Errorf("vars %v", v)
		}
		return `{"product":{"id":"x","variants":{"nodes":[` + variant("v2") + `],"pageInfo":{"hasNextPage":false}}}}`
	}
	line := func(id string) string {
		return `{"id":"` + id + `","title":"Mug","variantTitle":"Blue","supplierSku":"SUP-1","totalQuantity":12,"unitCost":{"amount":"3.10","currencyCode":"USD"},
"inventoryItem":{"id":"gid://shopify/InventoryItem/7","sku":"MUG-1","variant":{"id":"gid://shopify/ProductVariant/7"}}}`
	}
	r.routes["PurchaseOrders"] = func(map[string]any) string {
		return `{"inventoryPurchaseOrders":{"nodes":[{"id":"gid://shopify/InventoryPurchaseOrder/1","name":"#PO1","status":"ORDERED","currency":"USD",
"dateCreated":"2026-10-01T00:00:00Z","orderedAt":"2026-10-02T00:00:00Z","archivedAt":null,"destination":{"name":"Main","location":{"id":"gid://shopify/Location/1","name":"Main","isActive":true}},
"origin":{"supplier":{"name":"Acme"}},"lineItems":{"nodes":[` + line("l1") + `],"pageInfo":{"hasNextPage":true,"endCursor":"p1"}}}],"pageInfo":{"hasNextPage":false}}}`
	}
	r.routes["PurchaseOrderLineItems"] = func(v map[string]any) string {
		if v["after"] != "p1" {
			t.Errorf("po lines after = %v", v["after"])
		}
		return `{"inventoryPurchaseOrder":{"id":"x","lineItems":{"nodes":[` + line("l2") + `],"pageInfo":{"hasNextPage":false}}}}`
	}
	c := routedClient(t, r)
	var prods []*Product
	if err := c.Products(context.Background(), UpdatedRange{}, func(p *Product) error { prods = append(prods, p); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(prods) != 1 || len(prods[0].Variants) != 2 || prods[0].Variants[1].Price != 250 {
		t.Fatalf("products %+v", prods)
	}
	var pos []*PurchaseOrder
	if err := c.PurchaseOrders(context.Background(), func(p *PurchaseOrder) error { pos = append(pos, p); return nil }); err != nil {
		t.Fatal(err)
	}
	po := pos[0]
	if len(po.LineItems) != 2 || po.SupplierName != "Acme" || po.Source != "shopify" || po.Destination.ID != "gid://shopify/Location/1" ||
		po.LineItems[0].VariantID != "gid://shopify/ProductVariant/7" || po.LineItems[0].UnitCost != 310 || po.LineItems[0].SKU != "MUG-1" ||
		po.LineItems[0].Title != "Mug - Blue" || !po.UpdatedAt.Equal(*po.OrderedAt) {
		t.Fatalf("purchase order %+v", po)
	}
}
