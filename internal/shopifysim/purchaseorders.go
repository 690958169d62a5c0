package shopifysim

import (
	"math/rand/v2"
	"time"

	"github.com/shopqb/shopqb/internal/shopify"
)

var suppliers = []string{"Northwind Textiles", "Highland Wool Co.", "Kiln & Co", "Roastery 29", "Papier Atelier"}

// buildPurchaseOrders makes native purchase orders in every state (draft,
// ordered, partially received, received) and a few older Stocky ones from
// before Stocky's retirement on 2026-08-31.
func buildPurchaseOrders(g *ids, data *Data, rng *rand.Rand, start time.Time, cur string) {
	for i, name := range suppliers {
		data.Suppliers = append(data.Suppliers, Supplier{ID: itoa(int64(41_000 + i)), Name: name})
	}
	variantsOf := func(vendor string) []shopify.ProductVariant {
		var out []shopify.ProductVariant
		for _, p := range data.Products {
			if p.Vendor == vendor {
				out = append(out, p.Variants...)
			}
		}
		return out
	}
	dest := data.Locations[len(data.Locations)-1]
	statuses := []string{"DRAFT", "ORDERED", "PARTIALLY_RECEIVED", "RECEIVED", "PARTIALLY_RECEIVED"}
	mk := func(n int, supplier Supplier, status string, ordered time.Time, source string) shopify.PurchaseOrder {
		po := shopify.PurchaseOrder{ID: g.gid("InventoryPurchaseOrder"), Name: "PO #" + itoa(int64(n)), Status: status,
			SupplierName: supplier.Name, SupplierID: supplier.ID, Destination: &dest, CurrencyCode: cur,
			UpdatedAt: ordered, LineItems: []shopify.PurchaseOrderLine{}, Receipts: []shopify.PurchaseReceipt{}, Source: source}
		if status != "DRAFT" {
			t := ordered
			po.OrderedAt = &t
			e := ordered.AddDate(0, 0, 10)
			po.ExpectedAt = &e
		}
		for _, v := range variantsOf(supplier.Name) {
			cost := v.Price / 3
			if v.InventoryItem != nil && v.InventoryItem.UnitCost != nil {
				cost = v.InventoryItem.UnitCost.Amount
			}
			po.LineItems = append(po.LineItems, shopify.PurchaseOrderLine{ID: g.gid("InventoryPurchaseOrderLineItem"),
				VariantID: v.ID, SKU: v.SKU, Title: v.DisplayName, Quantity: 12 * (1 + rng.IntN(4)), UnitCost: cost})
		}
		switch status {
		case "PARTIALLY_RECEIVED", "RECEIVED":
			rc := shopify.PurchaseReceipt{ID: po.ID + "/receipt/1", ReceivedAt: ordered.AddDate(0, 0, 6)}
			for k, l := range po.LineItems {
				q := l.Quantity
				if status == "PARTIALLY_RECEIVED" {
					q = l.Quantity / 2
					if k%2 == 1 {
						q = 0
					}
				}
				if q > 0 {
					rc.Lines = append(rc.Lines, shopify.PurchaseReceiptLine{LineID: l.ID, Quantity: q})
				}
			}
			po.Receipts = append(po.Receipts, rc)
			po.UpdatedAt = rc.ReceivedAt
		}
		return po
	}
	for i, st := range statuses {
		sup := data.Suppliers[i%len(data.Suppliers)]
		ordered := start.AddDate(0, 0, -14+i*2).Add(10 * time.Hour).UTC()
		data.PurchaseOrders = append(data.PurchaseOrders, mk(101+i, sup, st, ordered, "shopify"))
	}
	// Stocky history: before the API's retirement.
	old := time.Date(2026, 6, 15, 14, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		sup := data.Suppliers[(i+2)%len(data.Suppliers)]
		st := []string{"RECEIVED", "PARTIALLY_RECEIVED", "ORDERED"}[i]
		data.PurchaseOrders = append(data.PurchaseOrders, mk(7001+i, sup, st, old.AddDate(0, 0, i*9), "stocky"))
	}
	buildStockyHistory(data, old)
}

// buildStockyHistory adds a few Stocky adjustments (damage, count
// corrections) and one transfer between stores, all before the retirement.
func buildStockyHistory(data *Data, at time.Time) {
	var variants []shopify.ProductVariant
	for _, p := range data.Products {
		if !p.IsGiftCard {
			variants = append(variants, p.Variants...)
		}
	}
	item := func(n int, v shopify.ProductVariant, q int) StockAdjustmentItem {
		it := StockAdjustmentItem{ID: int64(880_000 + n), SKU: v.SKU, Quantity: q}
		if v.InventoryItem != nil {
			it.InventoryItemID = v.InventoryItem.ID
			if v.InventoryItem.UnitCost != nil {
				it.CostPrice = v.InventoryItem.UnitCost.Amount
			}
		}
		return it
	}
	reasons := []string{"damaged", "stocktake correction", "shrinkage"}
	for i, r := range reasons {
		data.StockAdjustments = append(data.StockAdjustments, StockAdjustment{ID: int64(5_100 + i), LocationID: data.Locations[i].ID,
			Reason: r, CreatedAt: at.AddDate(0, 0, 3+i*5),
			Items: []StockAdjustmentItem{item(i*2, variants[i], -1-i), item(i*2+1, variants[i+3], 2-i)}})
	}
	data.StockTransfers = append(data.StockTransfers, StockTransfer{ID: 6_200, FromLocationID: data.Locations[4].ID,
		ToLocationID: data.Locations[0].ID, Status: "received", CreatedAt: at.AddDate(0, 0, 12),
		Items: []StockAdjustmentItem{item(10, variants[0], 24), item(11, variants[5], 6)}})
}
