package shopifysim

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// The Stocky v2 API as documented (reference §5.2): read-only, headers
// Store-Name and "Authorization: API KEY=<key>", list endpoints paged with
// limit (default 50, max 250), since_id and updated_since. Its quirks are
// reproduced on purpose: supplier_id is a string, money is sometimes a
// number and sometimes a string, item dates are in a locale format, and
// lines carry no received quantity. Stocky was retired on 2026-08-31;
// Options.StockyRetired answers every call with 410 Gone (the simulator's
// choice: what the dead API returns is not documented).

const (
	stockyDefaultLimit = 50
	stockyMaxLimit     = 250
	stockyLocaleLayout = "01/02/2006 15:04"
)

// StockAdjustment is a Stocky stock adjustment.
type StockAdjustment struct {
	ID         int64
	LocationID string
	Reason     string
	CreatedAt  time.Time
	Items      []StockAdjustmentItem
}

// StockAdjustmentItem is one adjusted inventory item.
type StockAdjustmentItem struct {
	ID              int64
	InventoryItemID string
	SKU             string
	Quantity        int // signed change
	CostPrice       money.Cents
}

// StockTransfer is a Stocky transfer between locations.
type StockTransfer struct {
	ID             int64
	FromLocationID string
	ToLocationID   string
	Status         string
	CreatedAt      time.Time
	Items          []StockAdjustmentItem
}

func (s *Sim) stockyAuthorised(r *http.Request) bool {
	if s.opts.StockyAPIKey == "" {
		return false
	}
	store := r.Header.Get("Store-Name")
	auth := r.Header.Get("Authorization")
	return strings.EqualFold(store, s.opts.Shop.Domain) && constantEqual(auth, "API KEY="+s.opts.StockyAPIKey)
}

func (s *Sim) serveStocky(w http.ResponseWriter, r *http.Request) {
	if s.opts.StockyRetired {
		writeJSON(w, http.StatusGone, map[string]string{"error": "Stocky has been retired. The Stocky API stopped working on August 31, 2026."})
		return
	}
	if !s.stockyAuthorised(r) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "Unauthorized: check the Store-Name header and the API key"})
		return
	}
	resource, ok := strings.CutSuffix(r.PathValue("resource"), ".json")
	idText := r.PathValue("id")
	if idText != "" {
		idText, ok = strings.CutSuffix(idText, ".json")
		resource = r.PathValue("resource")
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	items, singular := stockyResource(s.data, resource)
	s.mu.Unlock()
	if singular == "" {
		http.NotFound(w, r)
		return
	}
	if idText != "" {
		id, err := strconv.ParseInt(idText, 10, 64)
		if err == nil {
			for _, it := range items {
				if it.id == id {
					writeJSON(w, http.StatusOK, map[string]any{singular: it.body})
					return
				}
			}
		}
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Not found"})
		return
	}
	q := r.URL.Query()
	limit := stockyDefaultLimit
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "limit must be a positive integer"})
			return
		}
		limit = min(n, stockyMaxLimit)
	}
	var since int64
	if v := q.Get("since_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "since_id must be an integer"})
			return
		}
		since = n
	}
	var updatedSince time.Time
	if v := q.Get("updated_since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "updated_since must be ISO 8601"})
			return
		}
		updatedSince = t
	}
	out := []any{}
	for _, it := range items {
		if it.id <= since || (!updatedSince.IsZero() && it.updated.Before(updatedSince)) {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, it.body)
	}
	writeJSON(w, http.StatusOK, map[string]any{resource: out})
}

type stockyItem struct {
	id      int64
	updated time.Time
	body    map[string]any
}

// stockyResource renders a resource's records in ascending id order, and
// the key a single record is wrapped in.
func stockyResource(d *Data, resource string) ([]stockyItem, string) {
	var out []stockyItem
	singular := ""
	switch resource {
	case "purchase_orders":
		singular = "purchase_order"
		for _, po := range d.PurchaseOrders {
			if po.Source == "stocky" {
				out = append(out, stockyPurchaseOrder(po, d))
			}
		}
	case "suppliers":
		singular = "supplier"
		for _, sup := range d.Suppliers {
			id, _ := strconv.ParseInt(sup.ID, 10, 64)
			out = append(out, stockyItem{id: id, body: map[string]any{"id": id, "name": sup.Name, "company_name": sup.Name,
				"is_hidden": false, "created_at": "2025-01-15T10:00:00Z", "updated_at": "2025-01-15T10:00:00Z"}})
		}
	case "stock_adjustments":
		singular = "stock_adjustment"
		for _, a := range d.StockAdjustments {
			out = append(out, stockyItem{id: a.ID, updated: a.CreatedAt, body: map[string]any{"id": a.ID,
				"shopify_location_id": numericID(a.LocationID), "reason": a.Reason,
				"created_at": a.CreatedAt.Format(time.RFC3339), "stock_adjustment_items": stockyItems(a.Items)}})
		}
	case "stock_adjustment_items":
		singular = "stock_adjustment_item"
		for _, a := range d.StockAdjustments {
			for _, it := range stockyItems(a.Items) {
				m := it.(map[string]any)
				m["stock_adjustment_id"] = a.ID
				out = append(out, stockyItem{id: m["id"].(int64), updated: a.CreatedAt, body: m})
			}
		}
	case "stock_transfers":
		singular = "stock_transfer"
		for _, t := range d.StockTransfers {
			out = append(out, stockyItem{id: t.ID, updated: t.CreatedAt, body: map[string]any{"id": t.ID,
				"from_location_id": numericID(t.FromLocationID), "to_location_id": numericID(t.ToLocationID),
				"status": t.Status, "created_at": t.CreatedAt.Format(time.RFC3339), "stock_transfer_items": stockyItems(t.Items)}})
		}
	case "tax_types":
		singular = "tax_type"
		out = append(out, stockyItem{id: 1, body: map[string]any{"id": int64(1), "name": "No tax", "rate": json.Number("0.0")}})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].id < out[b].id })
	return out, singular
}

func numericID(gid string) int64 {
	n, _ := strconv.ParseInt(gidNumber(gid), 10, 64)
	return n
}

func stockyItems(items []StockAdjustmentItem) []any {
	out := []any{}
	for _, it := range items {
		out = append(out, map[string]any{"id": it.ID, "inventory_item_id": numericID(it.InventoryItemID), "sku": it.SKU,
			"quantity": it.Quantity, "cost_price": json.Number(it.CostPrice.String())})
	}
	return out
}

func stockyPurchaseOrder(po shopify.PurchaseOrder, d *Data) stockyItem {
	id := numericID(po.ID)
	received := map[string]int{}
	var receivedAt = map[string]time.Time{}
	for _, rc := range po.Receipts {
		for _, l := range rc.Lines {
			received[l.LineID] += l.Quantity
			receivedAt[l.LineID] = rc.ReceivedAt
		}
	}
	itemOf := map[string]string{}
	priceOf := map[string]money.Cents{}
	for _, p := range d.Products {
		for _, v := range p.Variants {
			if v.InventoryItem != nil {
				itemOf[v.ID] = v.InventoryItem.ID
			}
			priceOf[v.ID] = v.Price
		}
	}
	var items []any
	var total money.Cents
	for _, l := range po.LineItems {
		status := "not delivered"
		var recAt any
		if received[l.ID] >= l.Quantity {
			status = "received"
		}
		if t, ok := receivedAt[l.ID]; ok {
			recAt = t.Format(time.RFC3339)
		}
		title, variant, _ := strings.Cut(l.Title, " - ")
		items = append(items, map[string]any{
			"id": numericID(l.ID), "sku": l.SKU, "inventory_item_id": numericID(itemOf[l.VariantID]),
			"product_title": title, "variant_title": variant, "quantity": l.Quantity, "status": status,
			"retail_price": priceOf[l.VariantID].String(), "cost_price": json.Number(l.UnitCost.String()),
			"supplier_cost_price": nil, "received_at": recAt, "updated_at": po.UpdatedAt.Format(stockyLocaleLayout),
		})
		total += l.UnitCost * money.Cents(l.Quantity)
	}
	body := map[string]any{
		"id": id, "number": po.Name, "sequential_id": id, "invoice_number": nil, "invoice_date": nil,
		"created_at": po.UpdatedAt.Format(time.RFC3339), "updated_at": po.UpdatedAt.Format(time.RFC3339),
		"archived": po.Status == "RECEIVED", "paid": po.Status == "RECEIVED",
		"supplier_name": po.SupplierName, "supplier_id": po.SupplierID, "currency": po.CurrencyCode,
		"adjustments": json.Number("0.0"), "adjustments_local": json.Number("0.0"),
		"shipping": json.Number("0.0"), "shipping_local": "0.0", "purchase_items": items,
	}
	if po.OrderedAt != nil {
		body["ordered_at"] = po.OrderedAt.Format(time.RFC3339)
	}
	if po.ExpectedAt != nil {
		body["expected_on"] = po.ExpectedAt.Format(time.DateOnly)
	}
	if po.Destination != nil {
		body["shopify_receive_location_id"] = numericID(po.Destination.ID)
	}
	return stockyItem{id: id, updated: po.UpdatedAt, body: body}
}
