package stocky

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// Sources for converted purchase orders.
const (
	SourceAPI     = "stocky"
	SourceArchive = "stocky-archive"
)

// ToShopify maps a Stocky purchase order onto the shared PurchaseOrder so
// the planner books Stocky history and native purchase orders alike.
//
// Stocky has no received quantity per line, only a status and a received
// time, so a line marked received counts as received in full, on the date
// it was received; lines received at the same moment form one receipt.
// Header shipping and adjustments use the _local amounts (the store
// currency, by our reading of the undocumented fields) when present. Line
// costs use cost_price, falling back to supplier_cost_price.
func (po *PurchaseOrder) ToShopify(source string, dates DateConvention) (*shopify.PurchaseOrder, error) {
	fail := func(format string, a ...any) (*shopify.PurchaseOrder, error) {
		return nil, fmt.Errorf("stocky purchase order %s: %s", po.ID, fmt.Sprintf(format, a...))
	}
	if po.ID == "" {
		return fail("no id")
	}
	out := &shopify.PurchaseOrder{
		ID:           "gid://stocky/PurchaseOrder/" + string(po.ID),
		Name:         strings.TrimSpace(string(po.Number)),
		SupplierName: strings.TrimSpace(string(po.SupplierName)),
		SupplierID:   string(po.SupplierID),
		CurrencyCode: strings.ToUpper(strings.TrimSpace(string(po.Currency))),
		Source:       source,
		LineItems:    []shopify.PurchaseOrderLine{},
		Receipts:     []shopify.PurchaseReceipt{},
	}
	if out.Name == "" {
		out.Name = "PO " + string(po.SequentialID)
		if po.SequentialID == "" {
			out.Name = "PO " + string(po.ID)
		}
	}
	if po.ShopifyReceiveLocationID != "" && po.ShopifyReceiveLocationID != "0" {
		out.Destination = &shopify.Location{ID: "gid://shopify/Location/" + string(po.ShopifyReceiveLocationID)}
	}
	var err error
	if out.OrderedAt, err = optionalTime(po.OrderedAt, dates); err != nil {
		return fail("ordered_at: %v", err)
	}
	if out.ExpectedAt, err = optionalTime(po.ExpectedOn, dates); err != nil {
		return fail("expected_on: %v", err)
	}
	updated, err := optionalTime(po.UpdatedAt, dates)
	if err != nil {
		return fail("updated_at: %v", err)
	}
	if updated == nil {
		if updated, err = optionalTime(po.CreatedAt, dates); err != nil {
			return fail("created_at: %v", err)
		}
	}
	if updated != nil {
		out.UpdatedAt = *updated
	}
	if out.Shipping, err = firstAmount(po.ShippingLocal, po.Shipping); err != nil {
		return fail("shipping: %v", err)
	}
	if out.Adjustments, err = firstAmount(po.AdjustmentsLocal, po.Adjustments); err != nil {
		return fail("adjustments: %v", err)
	}

	receipts := map[time.Time]*shopify.PurchaseReceipt{}
	received := 0
	for i, it := range po.PurchaseItems {
		lineID := "gid://stocky/PurchaseItem/" + string(it.ID)
		if it.ID == "" {
			lineID = fmt.Sprintf("%s:%d", out.ID, i+1)
		}
		title := strings.TrimSpace(string(it.ProductTitle))
		if v := strings.TrimSpace(string(it.VariantTitle)); v != "" && v != "Default Title" {
			title += " - " + v
		}
		cost, err := firstAmount(it.CostPrice, it.SupplierCostPrice)
		if err != nil {
			return fail("item %s cost: %v", it.ID, err)
		}
		line := shopify.PurchaseOrderLine{ID: lineID, SKU: strings.TrimSpace(string(it.SKU)), Title: title, Quantity: int(it.Quantity), UnitCost: cost}
		if it.InventoryItemID != "" && it.InventoryItemID != "0" {
			line.InventoryItemID = "gid://shopify/InventoryItem/" + string(it.InventoryItemID)
		}
		out.LineItems = append(out.LineItems, line)

		at, err := optionalTime(it.ReceivedAt, dates)
		if err != nil {
			return fail("item %s received_at: %v", it.ID, err)
		}
		if at == nil && !statusReceived(string(it.Status)) {
			continue
		}
		if at == nil {
			// Received without a time: the order's last update is the
			// latest it can have happened.
			at = &out.UpdatedAt
		}
		received++
		rc := receipts[*at]
		if rc == nil {
			rc = &shopify.PurchaseReceipt{ID: fmt.Sprintf("%s/receipt/%d", out.ID, at.Unix()), ReceivedAt: *at}
			receipts[*at] = rc
		}
		rc.Lines = append(rc.Lines, shopify.PurchaseReceiptLine{LineID: lineID, Quantity: int(it.Quantity)})
	}
	for _, rc := range receipts {
		out.Receipts = append(out.Receipts, *rc)
	}
	sort.Slice(out.Receipts, func(i, j int) bool { return out.Receipts[i].ReceivedAt.Before(out.Receipts[j].ReceivedAt) })

	switch {
	case received > 0 && received == len(po.PurchaseItems):
		out.Status = "RECEIVED"
	case received > 0:
		out.Status = "PARTIALLY_RECEIVED"
	case bool(po.Archived):
		out.Status = "CLOSED"
	case out.OrderedAt != nil:
		out.Status = "ORDERED"
	default:
		out.Status = "DRAFT"
	}
	return out, nil
}

// statusReceived reads Stocky's free-text line status.
func statusReceived(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	if strings.HasPrefix(s, "not ") || strings.HasPrefix(s, "un") {
		return false
	}
	return s == "received" || s == "delivered" || s == "complete" || s == "completed"
}

func optionalTime(t Time, c DateConvention) (*time.Time, error) {
	v, ok, err := t.Parse(c)
	if err != nil || !ok {
		return nil, err
	}
	return &v, nil
}

// firstAmount returns the first amount that is set, in cents.
func firstAmount(ds ...Decimal) (money.Cents, error) {
	for _, d := range ds {
		if d.Set() {
			return d.Cents()
		}
	}
	return 0, nil
}

// PurchaseOrdersForShopify converts every purchase order of an archive.
// A purchase order that cannot be converted is reported in the error with
// its id; the others are returned.
func (a *Archive) PurchaseOrdersForShopify(source string, dates DateConvention) ([]shopify.PurchaseOrder, error) {
	var out []shopify.PurchaseOrder
	var bad []string
	for i := range a.PurchaseOrders {
		po, err := a.PurchaseOrders[i].ToShopify(source, dates)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		out = append(out, *po)
	}
	if len(bad) > 0 {
		return out, fmt.Errorf("stocky: %d purchase orders could not be converted: %s", len(bad), strings.Join(bad, "; "))
	}
	return out, nil
}
