package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/money"
)

// routedShopify answers by operation name; each handler gets the variables.
type routedShopify struct {
	t      *testing.T
	routes map[string]func(vars map[string]any) string
	calls  []gqlRequest
}

func (r *routedShopify) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var g gqlRequest
	if err := json.NewDecoder(req.Body).Decode(&g); err != nil {
		r.t.Errorf("decode: %v", err)
	}
	r.calls = append(r.calls, g)
	h, ok := r.routes[g.OperationName]
	if !ok {
		r.t.Errorf("unexpected operation %s", g.OperationName)
		http.Error(w, "no route", 500)
		return
	}
	fmt.Fprintf(w, `{"data":%s}`, h(g.Variables))
}

func routedClient(t *testing.T, r *routedShopify) *Client {
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	c, err := NewClient(ClientConfig{ShopDomain: "example.myshopify.com", BaseURL: srv.URL, Token: StaticToken("t")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func bag(amount string) string {
	return `{"shopMoney":{"amount":"` + amount + `","currencyCode":"USD"}}`
}

func orderHeader(id, updated string, refunds ...string) string {
	ids := make([]string, len(refunds))
	for i, r := range refunds {
		ids[i] = `{"id":"` + r + `"}`
	}
	return `{"id":"` + id + `","legacyResourceId":"` + gidNumber(id) + `","name":"#` + gidNumber(id) + `","createdAt":"2026-11-01T10:00:00Z","processedAt":"2026-11-01T10:00:00Z",
"updatedAt":"` + updated + `","cancelledAt":null,"cancelReason":null,"test":false,"sourceName":"pos","sourceIdentifier":"1-1001","currencyCode":"USD","taxesIncluded":false,
"displayFinancialStatus":"PAID","paymentGatewayNames":["cash","shopify_payments"],"retailLocation":{"id":"gid://shopify/Location/1","name":"Main St","isActive":true},
"customer":null,"subtotalPriceSet":` + bag("20.00") + `,"totalPriceSet":` + bag("21.25") + `,"totalTaxSet":` + bag("1.25") + `,"totalDiscountsSet":` + bag("0.00") + `,
"totalShippingPriceSet":` + bag("0.00") + `,"totalTipReceivedSet":` + bag("2.00") + `,"totalReceivedSet":` + bag("23.25") + `,"totalRefundedSet":` + bag("0") + `,
"currentTotalPriceSet":` + bag("21.25") + `,"totalCashRoundingAdjustment":{"paymentSet":` + bag("-0.02") + `,"refundSet":` + bag("0.00") + `},
"taxLines":[{"title":"State Tax","rate":0.0625,"ratePercentage":6.25,"channelLiable":false,"priceSet":` + bag("1.25") + `}],
"discountApplications":{"nodes":[],"pageInfo":{"hasNextPage":false,"endCursor":null}},
"shippingLines":{"nodes":[],"pageInfo":{"hasNextPage":false,"endCursor":null}},
"transactions":[{"id":"gid://shopify/OrderTransaction/9","kind":"SALE","status":"SUCCESS","gateway":"cash","formattedGateway":"Cash","test":false,"processedAt":"2026-11-01T10:00:00Z",
"amountSet":` + bag("23.25") + `,"amountRoundingSet":` + bag("-0.02") + `,"parentTransaction":null,"fees":[],"location":null}],
"refunds":[` + strings.Join(ids, ",") + `]}`
}

func lineItem(id string) string {
	return `{"id":"` + id + `","name":"Mug","title":"Mug","variantTitle":null,"sku":"MUG-1","vendor":"Acme","quantity":2,"currentQuantity":2,"isGiftCard":false,"taxable":true,
"requiresShipping":false,"originalUnitPriceSet":` + bag("5.00") + `,"originalTotalSet":` + bag("10.00") + `,"discountedTotalSet":` + bag("10.00") + `,"totalDiscountSet":` + bag("0.0") + `,
"discountAllocations":[],"taxLines":[{"title":"State Tax","rate":0.0625,"ratePercentage":6.25,"channelLiable":false,"priceSet":` + bag("0.63") + `}],
"variant":{"id":"gid://shopify/ProductVariant/7","sku":"MUG-1","title":"Default","displayName":"Mug","price":"5.00","taxable":true,"updatedAt":"2026-10-01T00:00:00Z",
"inventoryItem":{"id":"gid://shopify/InventoryItem/7","sku":"MUG-1","tracked":true,"unitCost":{"amount":"1.75","currencyCode":"USD"}}},"product":null}`
}

func sale(id string) string {
	return `{"__typename":"ProductSale","id":"` + id + `","actionType":"ORDER","lineType":"PRODUCT","quantity":1,"totalAmount":` + bag("5.00") + `,"totalTaxAmount":` + bag("0.31") + `,
"totalDiscountAmountAfterTaxes":` + bag("0") + `,"taxes":[],"lineItem":{"id":"gid://shopify/LineItem/1","sku":"MUG-1"}}`
}

func TestOrdersPaginatesAndCompletesEachOrder(t *testing.T) {
	r := &routedShopify{t: t, routes: map[string]func(map[string]any) string{}}
	r.routes["Orders"] = func(v map[string]any) string {
		if v["query"] != "updated_at:>='2026-11-01T00:00:00Z' AND updated_at:<='2026-11-02T00:00:00Z'" {
			t.Errorf("query = %v", v["query"])
		}
		if v["after"] == nil {
			return `{"orders":{"nodes":[` + orderHeader("gid://shopify/Order/1", "2026-11-01T11:00:00Z", "gid://shopify/Refund/5") + `],"pageInfo":{"hasNextPage":true,"endCursor":"c1"}}}`
		}
		if v["after"] != "c1" {
			t.Errorf("after = %v", v["after"])
		}
		return `{"orders":{"nodes":[` + orderHeader("gid://shopify/Order/2", "2026-11-01T12:00:00Z") + `],"pageInfo":{"hasNextPage":false,"endCursor":"c2"}}}`
	}
	r.routes["OrderLineItems"] = func(v map[string]any) string {
		if v["id"] == "gid://shopify/Order/1" && v["after"] == nil {
			return `{"order":{"id":"x","lineItems":{"nodes":[` + lineItem("gid://shopify/LineItem/1") + `],"pageInfo":{"hasNextPage":true,"endCursor":"l1"}}}}`
		}
		if v["after"] == "l1" {
			return `{"order":{"id":"x","lineItems":{"nodes":[` + lineItem("gid://shopify/LineItem/2") + `],"pageInfo":{"hasNextPage":false,"endCursor":"l2"}}}}`
		}
		return `{"order":{"id":"x","lineItems":{"nodes":[` + lineItem("gid://shopify/LineItem/3") + `],"pageInfo":{"hasNextPage":false,"endCursor":"l3"}}}}`
	}
	r.routes["Refund"] = func(v map[string]any) string {
		return `{"refund":{"id":"gid://shopify/Refund/5","legacyResourceId":"5","createdAt":"2026-11-01T11:00:00Z","processedAt":"2026-11-01T11:00:00Z","updatedAt":"2026-11-01T11:00:00Z","note":null,
"totalRefundedSet":` + bag("5.31") + `,"refundLineItems":{"nodes":[{"quantity":1,"restockType":"RETURN","restocked":true,"lineItem":{"id":"gid://shopify/LineItem/1","sku":"MUG-1"},"location":null,
"priceSet":` + bag("5.00") + `,"subtotalSet":` + bag("5.00") + `,"totalTaxSet":` + bag("0.31") + `}],"pageInfo":{"hasNextPage":true,"endCursor":"r1"}},
"refundShippingLines":{"nodes":[]},"orderAdjustments":{"nodes":[{"id":"gid://shopify/OrderAdjustment/1","reason":"RESTOCK","amountSet":` + bag("-1.00") + `,"taxAmountSet":` + bag("0") + `}]},
"transactions":{"nodes":[]}}}`
	}
	r.routes["RefundLineItems"] = func(v map[string]any) string {
		if v["after"] != "r1" {
			t.Errorf("refund lines after = %v", v["after"])
		}
		return `{"refund":{"id":"gid://shopify/Refund/5","refundLineItems":{"nodes":[{"quantity":1,"restockType":"NO_RESTOCK","restocked":false,"lineItem":{"id":"gid://shopify/LineItem/2"},
"priceSet":` + bag("5.00") + `,"subtotalSet":` + bag("5.00") + `,"totalTaxSet":` + bag("0.31") + `}],"pageInfo":{"hasNextPage":false}}}}`
	}
	r.routes["OrderAgreements"] = func(v map[string]any) string {
		if v["id"] != "gid://shopify/Order/1" {
			return `{"order":{"id":"x","agreements":{"edges":[],"pageInfo":{"hasNextPage":false}}}}`
		}
		return `{"order":{"id":"x","agreements":{"edges":[{"cursor":"a1","node":{"__typename":"OrderAgreement","id":"gid://shopify/SalesAgreement/1","happenedAt":"2026-11-01T10:00:00Z","reason":"ORDER",
"sales":{"nodes":[` + sale("gid://shopify/Sale/1") + `],"pageInfo":{"hasNextPage":false}}}},
{"cursor":"a2","node":{"__typename":"OrderEditAgreement","id":"gid://shopify/SalesAgreement/2","happenedAt":"2026-11-01T11:00:00Z","reason":"ORDER_EDIT",
"sales":{"nodes":[` + sale("gid://shopify/Sale/2") + `],"pageInfo":{"hasNextPage":true,"endCursor":"s1"}}}}],"pageInfo":{"hasNextPage":false,"endCursor":"a2"}}}}`
	}
	r.routes["OrderAgreementSales"] = func(v map[string]any) string {
		if v["agreementAfter"] != "a1" || v["after"] != "s1" {
			t.Errorf("agreement sales vars = %v", v)
		}
		return `{"order":{"id":"x","agreements":{"nodes":[{"id":"gid://shopify/SalesAgreement/2","sales":{"nodes":[` + sale("gid://shopify/Sale/3") + `],"pageInfo":{"hasNextPage":false}}}]}}}`
	}
	c := routedClient(t, r)
	var got []*Order
	q := OrdersQuery{UpdatedSince: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), UpdatedUntil: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}
	if err := c.Orders(context.Background(), q, func(o *Order) error { got = append(got, o); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d orders", len(got))
	}
	o := got[0]
	if len(o.LineItems) != 2 || o.LineItems[1].ID != "gid://shopify/LineItem/2" {
		t.Fatalf("line items = %+v", o.LineItems)
	}
	li := o.LineItems[0]
	if li.OriginalUnitPriceSet.ShopMoney.Amount != money.MustParse("5.00") || li.Variant.InventoryItem.UnitCost.Amount != 175 || li.Variant.Price != 500 {
		t.Fatalf("line money = %+v", li)
	}
	if o.TaxLines[0].Rate != "0.0625" || o.TaxLines[0].RatePercentage != "6.25" || o.TaxLines[0].PriceSet.ShopMoney.Amount != 125 {
		t.Fatalf("tax line = %+v", o.TaxLines[0])
	}
	if o.TotalCashRoundingAdjustment.PaymentSet.ShopMoney.Amount != -2 || o.Transactions[0].AmountRoundingSet.ShopMoney.Amount != -2 {
		t.Fatal("cash rounding lost")
	}
	if o.RetailLocation == nil || o.RetailLocation.Name != "Main St" || o.TotalTipReceivedSet.ShopMoney.Amount != 200 {
		t.Fatalf("order = %+v", o)
	}
	if len(o.Refunds) != 1 || len(o.Refunds[0].RefundLineItems) != 2 || o.Refunds[0].RefundLineItems[1].RestockType != "NO_RESTOCK" ||
		o.Refunds[0].OrderAdjustments[0].AmountSet.ShopMoney.Amount != -100 {
		t.Fatalf("refunds = %+v", o.Refunds)
	}
	// Only the edit keeps its sales (keepEditSalesOnly).
	if len(o.Agreements) != 2 || len(o.Agreements[1].Sales) != 2 || o.Agreements[1].Sales[1].ID != "gid://shopify/Sale/3" || o.Agreements[1].Sales[0].LineItem.SKU != "MUG-1" || o.Agreements[0].Sales != nil {
		t.Fatalf("agreements = %+v", o.Agreements)
	}
	if len(got[1].LineItems) != 1 || len(got[1].Refunds) != 0 {
		t.Fatalf("second order = %+v", got[1])
	}
}

func TestSyncOrdersWatermarkOverlapAndDedup(t *testing.T) {
	r := &routedShopify{t: t, routes: map[string]func(map[string]any) string{}}
	// Shopify can return the same version twice across pages when updates
	// shift the order; the second copy must not reach fn.
	r.routes["Orders"] = func(v map[string]any) string {
		if v["query"] != "updated_at:>='2026-11-01T09:55:00Z'" {
			t.Errorf("query = %v", v["query"])
		}
		if v["after"] == nil {
			return `{"orders":{"nodes":[` + orderHeader("gid://shopify/Order/1", "2026-11-01T10:00:00Z") + `,` + orderHeader("gid://shopify/Order/2", "2026-11-01T11:00:00Z") + `],"pageInfo":{"hasNextPage":true,"endCursor":"c1"}}}`
		}
		return `{"orders":{"nodes":[` + orderHeader("gid://shopify/Order/2", "2026-11-01T11:00:00Z") + `,` + orderHeader("gid://shopify/Order/3", "2026-11-01T12:00:00Z") + `],"pageInfo":{"hasNextPage":false}}}`
	}
	r.routes["OrderLineItems"] = func(map[string]any) string {
		return `{"order":{"id":"x","lineItems":{"nodes":[],"pageInfo":{"hasNextPage":false}}}}`
	}
	r.routes["OrderAgreements"] = func(map[string]any) string {
		return `{"order":{"id":"x","agreements":{"edges":[],"pageInfo":{"hasNextPage":false}}}}`
	}
	c := routedClient(t, r)
	inc := Incremental{
		Watermark: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC),
		Overlap:   5 * time.Minute,
		// Order 1 at 10:00 was delivered by the previous run.
		Seen: func(_ context.Context, id string, at time.Time) (bool, error) {
			return id == "gid://shopify/Order/1" && at.Equal(time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)), nil
		},
	}
	var ids []string
	mark, err := c.SyncOrders(context.Background(), inc, func(o *Order) error { ids = append(ids, o.ID); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ids, ",") != "gid://shopify/Order/2,gid://shopify/Order/3" {
		t.Fatalf("delivered %v", ids)
	}
	if !mark.Equal(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)) {
		t.Fatalf("watermark %v", mark)
	}
	// A failing consumer keeps the watermark at what it accepted.
	mark, err = c.SyncOrders(context.Background(), inc, func(o *Order) error {
		if o.ID == "gid://shopify/Order/3" {
			return fmt.Errorf("disk full")
		}
		return nil
	})
	if err == nil || !mark.Equal(time.Date(2026, 11, 1, 11, 0, 0, 0, time.UTC)) {
		t.Fatalf("mark %v err %v", mark, err)
	}
}

func TestDecodeDocumentFlattensEdgesAndKeepsMoneyExact(t *testing.T) {
	raw := `{"id":"p","title":"T","productType":"","vendor":"","isGiftCard":false,"updatedAt":"2026-01-01T00:00:00Z",
"variants":{"edges":[{"cursor":"x","node":{"id":"v1","sku":"A","price":"19.99","inventoryItem":{"id":"i","unitCost":{"amount":"7.10","currencyCode":"USD"}}}}],"pageInfo":{"hasNextPage":false}}}`
	var p Product
	if err := decodeDocument(json.RawMessage(raw), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Variants) != 1 || p.Variants[0].Price != 1999 || p.Variants[0].InventoryItem.UnitCost.Amount != 710 {
		t.Fatalf("product = %+v", p)
	}
	// An amount with sub-cent digits must fail loudly, not round.
	if err := decodeDocument(json.RawMessage(`{"amount":"1.005","currencyCode":"USD"}`), new(Money)); err == nil {
		t.Fatal("sub-cent amount decoded")
	}
}
