package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopqb/shopqb/internal/money"
)

// nativePurchaseOrder is InventoryPurchaseOrder as PurchaseOrders selects it.
type nativePurchaseOrder struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Status      string     `json:"status"`
	Currency    string     `json:"currency"`
	DateCreated time.Time  `json:"dateCreated"`
	OrderedAt   *time.Time `json:"orderedAt"`
	ArchivedAt  *time.Time `json:"archivedAt"`
	Destination *struct {
		Name     string    `json:"name"`
		Location *Location `json:"location"`
	} `json:"destination"`
	Origin *struct {
		Supplier *struct {
			Name string `json:"name"`
		} `json:"supplier"`
	} `json:"origin"`
	LineItems []nativePurchaseOrderLine `json:"lineItems"`
}

type nativePurchaseOrderLine struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	VariantTitle  string `json:"variantTitle"`
	SupplierSku   string `json:"supplierSku"`
	TotalQuantity int    `json:"totalQuantity"`
	UnitCost      *Money `json:"unitCost"`
	InventoryItem *struct {
		ID      string `json:"id"`
		SKU     string `json:"sku"`
		Variant *struct {
			ID string `json:"id"`
		} `json:"variant"`
	} `json:"inventoryItem"`
}

// PurchaseOrders calls fn for every native Shopify purchase order (unstable
// API; scope read_inventory_purchase_orders). The read API exposes no
// received quantities and no link from a purchase order to the transfers
// that receive it, so Receipts stay empty; UpdatedAt is the latest of
// created, ordered and archived, the only dates the API gives.
func (c *Client) PurchaseOrders(ctx context.Context, fn func(*PurchaseOrder) error) error {
	return c.paginate(ctx, OpPurchaseOrders, nil, []string{"inventoryPurchaseOrders"}, func(n json.RawMessage) error {
		var po nativePurchaseOrder
		if err := decodeDocument(n, &po); err != nil {
			return fmt.Errorf("decode purchase order: %w", err)
		}
		lines, err := connectionAt(n, "lineItems")
		if err != nil {
			return fmt.Errorf("purchase order %s: %w", po.ID, err)
		}
		if lines != nil && lines.PageInfo.HasNextPage {
			err := c.paginateFrom(ctx, OpPurchaseOrderLineItems, map[string]any{"id": po.ID}, []string{"inventoryPurchaseOrder", "lineItems"},
				lines.PageInfo.EndCursor, appendDecoded(&po.LineItems))
			if err != nil {
				return fmt.Errorf("purchase order %s lines: %w", po.ID, err)
			}
		}
		out, err := po.toModel()
		if err != nil {
			return err
		}
		return fn(out)
	})
}

// toModel maps the native purchase order onto the shared PurchaseOrder.
func (po *nativePurchaseOrder) toModel() (*PurchaseOrder, error) {
	out := &PurchaseOrder{
		ID:           po.ID,
		Name:         po.Name,
		Status:       po.Status,
		OrderedAt:    po.OrderedAt,
		CurrencyCode: po.Currency,
		UpdatedAt:    po.DateCreated,
		Source:       "shopify",
		LineItems:    []PurchaseOrderLine{},
		Receipts:     []PurchaseReceipt{},
	}
	for _, t := range []*time.Time{po.OrderedAt, po.ArchivedAt} {
		if t != nil && t.After(out.UpdatedAt) {
			out.UpdatedAt = *t
		}
	}
	if po.ArchivedAt != nil {
		out.Status = "CLOSED"
	}
	if po.Origin != nil && po.Origin.Supplier != nil {
		out.SupplierName = po.Origin.Supplier.Name
	}
	if po.Destination != nil {
		if po.Destination.Location != nil {
			l := *po.Destination.Location
			out.Destination = &l
		} else {
			out.Destination = &Location{Name: po.Destination.Name}
		}
	}
	for _, l := range po.LineItems {
		line := PurchaseOrderLine{ID: l.ID, SKU: l.SupplierSku, Title: l.Title, Quantity: l.TotalQuantity}
		if l.VariantTitle != "" {
			line.Title += " - " + l.VariantTitle
		}
		if l.InventoryItem != nil {
			if l.InventoryItem.SKU != "" {
				line.SKU = l.InventoryItem.SKU
			}
			line.InventoryItemID = l.InventoryItem.ID
			if l.InventoryItem.Variant != nil {
				line.VariantID = l.InventoryItem.Variant.ID
			}
		}
		if l.UnitCost != nil {
			if l.UnitCost.CurrencyCode != "" && po.Currency != "" && l.UnitCost.CurrencyCode != po.Currency {
				return nil, fmt.Errorf("purchase order %s line %s: cost in %s, order in %s", po.ID, l.ID, l.UnitCost.CurrencyCode, po.Currency)
			}
			line.UnitCost = l.UnitCost.Amount
		} else {
			line.UnitCost = money.Cents(0)
		}
		out.LineItems = append(out.LineItems, line)
	}
	return out, nil
}
