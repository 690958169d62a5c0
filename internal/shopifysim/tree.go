package shopifysim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// trees is the data as the executor sees it: each document marshalled to its
// Admin GraphQL JSON shape and decoded into generic maps, except orders, the
// bulk of a shop, which stay packed JSON until a request reads them (see
// lazyDoc). The executor then needs no per-type code: a field is a map key,
// and a schema *Connection over a JSON array becomes edges/nodes/pageInfo.
type trees struct {
	shop           map[string]any
	orders         []any
	customers      []any
	products       []any
	variants       []any
	inventoryItems []any
	locations      []any
	payouts        []any
	balanceTxns    []any
	purchaseOrders []any
	account        map[string]any
	// byID finds any object by GID: a decoded map, or a *lazyDoc or
	// *lazyChild for orders and the objects nested in them.
	byID map[string]any
	// listings caches root connections filtered and sorted; see listing.go.
	listings map[listingKey]*listing
}

// toTree converts a model document into a generic JSON tree. Numbers stay
// json.Number, so no amount or id ever passes through a float.
func toTree(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

func buildTrees(d *Data, now time.Time) (*trees, error) {
	t := &trees{byID: map[string]any{}, listings: map[listingKey]*listing{}}
	var err error
	conv := func(v any) map[string]any {
		if err != nil {
			return nil
		}
		var m map[string]any
		m, err = toTree(v)
		return m
	}
	index := func(m map[string]any) map[string]any {
		if id, ok := m["id"].(string); ok && id != "" {
			t.byID[id] = m
		}
		return m
	}
	t.shop = conv(d.Shop)
	if t.shop != nil {
		t.shop["ianaTimezone"] = d.Shop.IanaTimezone
		t.shop["myshopifyDomain"] = d.Shop.MyshopifyDomain
		index(t.shop)
	}
	for _, l := range d.Locations {
		t.locations = append(t.locations, index(conv(l)))
	}
	for _, c := range d.Customers {
		t.customers = append(t.customers, index(conv(c)))
	}
	for _, p := range d.Products {
		pm := index(conv(p))
		t.products = append(t.products, pm)
		if vs, ok := pm["variants"].([]any); ok {
			for _, v := range vs {
				vm := v.(map[string]any)
				if _, ok := vm["product"]; !ok {
					// ProductVariant.product is non-null: the variant's product.
					vm["product"] = map[string]any{"id": pm["id"], "title": pm["title"], "productType": pm["productType"], "vendor": pm["vendor"]}
				}
				t.variants = append(t.variants, index(vm))
				if item, ok := vm["inventoryItem"].(map[string]any); ok {
					item["variant"] = map[string]any{"id": vm["id"], "sku": vm["sku"], "displayName": vm["displayName"]}
					t.inventoryItems = append(t.inventoryItems, index(item))
				}
			}
		}
	}
	docs, derr := orderDocs(d)
	if derr != nil && err == nil {
		err = derr
	}
	t.orders = make([]any, 0, len(docs))
	for i, od := range docs {
		if od.doc == nil {
			continue
		}
		t.orders = append(t.orders, od.doc)
		if id := d.Orders[i].ID; id != "" {
			t.byID[id] = od.doc
		}
		for _, id := range od.lineIDs {
			t.byID[id] = &lazyChild{parent: od.doc, field: "lineItems", id: id}
		}
		for _, id := range od.refundIDs {
			t.byID[id] = &lazyChild{parent: od.doc, field: "refunds", id: id}
		}
	}
	for _, p := range d.Payouts {
		pm := conv(p)
		if pm == nil {
			continue
		}
		delete(pm, "balanceTransactions")
		t.payouts = append(t.payouts, index(pm))
		for _, bt := range p.BalanceTransactions {
			bm := index(conv(bt))
			if bm != nil {
				bm["associatedPayout"] = map[string]any{"id": p.ID, "status": p.Status}
				t.balanceTxns = append(t.balanceTxns, bm)
			}
		}
	}
	itemOf := map[string]string{}
	for _, p := range d.Products {
		for _, v := range p.Variants {
			if v.InventoryItem != nil {
				itemOf[v.ID] = v.InventoryItem.ID
			}
		}
	}
	for _, po := range d.PurchaseOrders {
		if po.Source != "shopify" {
			continue
		}
		t.purchaseOrders = append(t.purchaseOrders, index(purchaseOrderTree(po, itemOf)))
	}
	if err != nil {
		return nil, fmt.Errorf("build object trees: %w", err)
	}
	t.account = map[string]any{
		"id": "gid://shopify/ShopifyPaymentsAccount/1", "activated": true, "country": "US",
		"defaultCurrency": d.Shop.CurrencyCode, "onboardable": false, "balance": []any{},
		"payouts": t.payouts, "balanceTransactions": t.balanceTxns,
	}
	return t, nil
}

// purchaseOrderTree renders a native purchase order in the unstable
// InventoryPurchaseOrder shape. The schema's status enum has only DRAFT and
// ORDERED; receiving is not part of the purchase order there.
func purchaseOrderTree(po shopify.PurchaseOrder, itemOf map[string]string) map[string]any {
	status := "ORDERED"
	if po.Status == "DRAFT" {
		status = "DRAFT"
	}
	created := po.UpdatedAt
	if po.OrderedAt != nil {
		created = *po.OrderedAt
	}
	m := map[string]any{
		"id": po.ID, "name": po.Name, "status": status, "currency": po.CurrencyCode,
		"dateCreated": created.UTC().Format(time.RFC3339), "updatedAt": po.UpdatedAt.UTC().Format(time.RFC3339),
		"origin": map[string]any{"supplier": map[string]any{"name": po.SupplierName}},
	}
	if po.OrderedAt != nil {
		m["orderedAt"] = po.OrderedAt.UTC().Format(time.RFC3339)
	}
	if po.Destination != nil {
		m["destination"] = map[string]any{"name": po.Destination.Name, "snapshottedAt": created.UTC().Format(time.RFC3339),
			"location": map[string]any{"id": po.Destination.ID, "name": po.Destination.Name, "isActive": po.Destination.IsActive},
			"address":  map[string]any{}}
	}
	var lines []any
	for _, l := range po.LineItems {
		amount := func(c fmt.Stringer) map[string]any {
			return map[string]any{"amount": c.String(), "currencyCode": po.CurrencyCode}
		}
		sub := l.UnitCost * centsOf(l.Quantity)
		lines = append(lines, map[string]any{
			"id": l.ID, "title": l.Title, "supplierSku": l.SKU, "totalQuantity": json.Number(itoa(int64(l.Quantity))),
			"unitCost": amount(l.UnitCost), "subtotal": amount(sub), "totalCost": amount(sub), "taxPercent": "0.0",
			"inventoryItem": map[string]any{"id": itemOf[l.VariantID], "sku": l.SKU,
				"variant": map[string]any{"id": l.VariantID}},
			"purchaseOrder": map[string]any{"id": po.ID, "name": po.Name},
		})
	}
	m["lineItems"] = lines
	return m
}

// registerFor finds the POS device an order was rung up on from its
// sourceIdentifier ("<location>-<register>-<sequence>", as the generator
// writes it); "" when the order names none.
func registerFor(d *Data, o shopify.Order) string {
	if o.RetailLocation == nil {
		return ""
	}
	parts := strings.Split(o.SourceIdentifier, "-")
	if len(parts) != 3 {
		return ""
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 1 {
		return ""
	}
	for _, r := range d.Registers {
		if r.LocationID == o.RetailLocation.ID {
			n--
			if n == 0 {
				return r.ID
			}
		}
	}
	return ""
}

// orderDerived computes the order fields Shopify derives from the parts the
// model holds: after-returns totals, payment summaries, discount codes and
// the creating app. A fixture that states them keeps its own values.
func orderDerived(o shopify.Order) map[string]any {
	cur := o.CurrencyCode
	mb := func(c money.Cents) map[string]any {
		m := map[string]any{"amount": c.String(), "currencyCode": cur}
		return map[string]any{"shopMoney": m, "presentmentMoney": m}
	}
	var refLines, refLineTax, refShip, refShipTax money.Cents
	for _, r := range o.Refunds {
		for _, rl := range r.RefundLineItems {
			refLines += rl.SubtotalSet.ShopMoney.Amount
			refLineTax += rl.TotalTaxSet.ShopMoney.Amount
		}
		for _, sl := range r.RefundShippingLines {
			refShip += sl.SubtotalAmountSet.ShopMoney.Amount
			refShipTax += sl.TaxAmountSet.ShopMoney.Amount
		}
	}
	received := o.TotalReceivedSet.ShopMoney.Amount
	refunded := o.TotalRefundedSet.ShopMoney.Amount
	due := o.TotalPriceSet.ShopMoney.Amount
	if o.TotalCashRoundingAdjustment != nil {
		due += o.TotalCashRoundingAdjustment.PaymentSet.ShopMoney.Amount
	}
	outstanding := due - received
	if outstanding < 0 || o.CancelledAt != nil {
		outstanding = 0
	}
	codes := []any{}
	for _, a := range o.DiscountApplications {
		if a.Code != "" {
			codes = append(codes, a.Code)
		}
	}
	app := map[string]any{"name": "Online Store"}
	if o.SourceName == "pos" {
		app = map[string]any{"name": "Point of Sale"}
	}
	m := map[string]any{
		"originalTotalPriceSet":    mb(o.TotalPriceSet.ShopMoney.Amount),
		"currentSubtotalPriceSet":  mb(o.SubtotalPriceSet.ShopMoney.Amount - refLines),
		"currentTotalTaxSet":       mb(o.TotalTaxSet.ShopMoney.Amount - refLineTax - refShipTax),
		"currentShippingPriceSet":  mb(o.TotalShippingPriceSet.ShopMoney.Amount - refShip),
		"totalRefundedShippingSet": mb(refShip),
		"netPaymentSet":            mb(received - refunded),
		"totalOutstandingSet":      mb(outstanding),
		"discountCodes":            codes,
		"app":                      app,
		"closed":                   false,
		// Non-null in the schema: zero where cash was not rounded.
		"totalCashRoundingAdjustment": map[string]any{"paymentSet": mb(0), "refundSet": mb(0)},
		"number":                      json.Number(strings.TrimPrefix(o.Name, "#")),
	}
	if _, err := strconv.Atoi(strings.TrimPrefix(o.Name, "#")); err != nil {
		delete(m, "number")
	}
	return m
}
