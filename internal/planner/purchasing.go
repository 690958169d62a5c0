package planner

import (
	"fmt"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/shopify"
)

// vendorFor is the QuickBooks vendor of a purchase order: one per supplier in
// detail vendors mode, one for all suppliers in summary mode.
func (p *planner) vendorFor(po *shopify.PurchaseOrder) string {
	if p.set.VendorsMode == shopqb.Summary {
		key := "vendor:all"
		p.list(want{key: key, kind: "VendorAdd", ns: nsEntities, base: "Shopify Suppliers", max: maxEntityName,
			build: func(name string, guid qbxml.GUID) qbxml.Request {
				return qbxml.VendorAdd{Name: name, Notes: "All Shopify suppliers", ExternalGUID: guid}
			}})
		return key
	}
	id := po.SupplierID
	if id == "" {
		id = "name:" + po.SupplierName
	}
	key := "vendor:" + id
	base := cleanName(po.SupplierName, maxEntityName, "Supplier "+numericID(id))
	company := truncate(base, 41)
	p.list(want{key: key, kind: "VendorAdd", ns: nsEntities, base: base, max: maxEntityName,
		build: func(name string, guid qbxml.GUID) qbxml.Request {
			return qbxml.VendorAdd{Name: name, CompanyName: company, ExternalGUID: guid}
		}})
	return key
}

// purchaseItem is the item a purchase-order line buys, per the inventory mode.
func (p *planner) purchaseItem(l shopify.PurchaseOrderLine) string {
	v, known := p.in.Variants[l.VariantID]
	if p.set.InventoryMode == shopqb.Summary {
		var pr *shopify.ProductRef
		if known {
			pr = v.Product
		}
		return p.typeItem(p.productType(&shopify.ProductVariant{ID: l.VariantID}, pr))
	}
	if l.VariantID == "" {
		return p.fixedItem(itemCustom)
	}
	return p.variantItem(l.VariantID, l.SKU, l.Title)
}

// planPurchasing books ordered purchase orders as PurchaseOrders (no ledger
// effect) and each receipt of stock as an ItemReceipt (Dr inventory asset,
// Cr accounts payable) whose lines are linked to the purchase-order lines
// they receive, so QuickBooks counts them received and closes the order when
// all has arrived. Drafts and
// cancelled orders are not commitments and are left out.
func (p *planner) planPurchasing() error {
	for i := range p.in.PurchaseOrders {
		po := &p.in.PurchaseOrders[i]
		switch po.Status {
		case "DRAFT", "CANCELLED", "":
			continue
		}
		when := po.UpdatedAt
		if po.OrderedAt != nil {
			when = *po.OrderedAt
		}
		date := p.date(when)
		if p.set.StartDate != "" && date < p.set.StartDate {
			continue
		}
		key := "po:" + numericID(po.ID)
		vendor := p.vendorFor(po)
		byLine := map[string]shopify.PurchaseOrderLine{}
		// position is each booked line's place on the PurchaseOrder, from 1:
		// a receipt line links to it (LinkToTxn) once QuickBooks has given
		// the purchase-order line its TxnLineID.
		position := map[string]int{}
		d := &txnDoc{key: key, kind: kindPurchaseOrder, date: date, ref: p.refNumber(key, po.Name, maxRefNumber),
			vendor: vendor, label: "purchase order " + po.Name, memo: "Shopify purchase order " + cleanText(po.Name)}
		for _, l := range po.LineItems {
			byLine[l.ID] = l
			if l.Quantity <= 0 {
				continue
			}
			d.lines = append(d.lines, docLine{item: p.purchaseItem(l), desc: cleanText(l.Title), qty: l.Quantity,
				rate: l.UnitCost, amount: l.UnitCost * money.Cents(l.Quantity), category: shopqb.InventoryAsset})
			position[l.ID] = len(d.lines)
		}
		linkable := true
		if _, err := qbxml.LinkToPending(key, len(d.lines)); err != nil {
			p.warnf("purchase order %s: its receipts are booked without links to its lines: %v", po.Name, err)
			linkable = false
		}
		if len(d.lines) == 0 {
			p.warnf("purchase order %s has no lines: not booked", po.Name)
			continue
		}
		p.docs = append(p.docs, d)
		for _, rc := range po.Receipts {
			// Receipt ids are only unique within their purchase order (Stocky numbers them 1, 2, …).
			rkey := "receipt:" + numericID(po.ID) + ":" + numericID(rc.ID)
			r := &txnDoc{key: rkey, kind: kindItemReceipt, date: p.date(rc.ReceivedAt), vendor: vendor, deps: []string{key}, applyTo: key,
				ref: p.refNumber(rkey, po.Name, maxRefNumber20), label: "receipt " + numericID(rc.ID) + " of purchase order " + po.Name,
				memo: "Received against Shopify purchase order " + cleanText(po.Name)}
			for _, rl := range rc.Lines {
				l, ok := byLine[rl.LineID]
				if !ok {
					return fmt.Errorf("purchase order %s receipt %s: line %s is not on the order", po.Name, rc.ID, rl.LineID)
				}
				if rl.Quantity == 0 {
					continue
				}
				line := docLine{item: p.purchaseItem(l), desc: cleanText(l.Title), qty: rl.Quantity,
					rate: l.UnitCost, amount: l.UnitCost * money.Cents(rl.Quantity), category: shopqb.InventoryAsset}
				if linkable && rl.Quantity > 0 {
					line.poLine = position[rl.LineID] // 0 (no link) for a line not booked on the order
				}
				r.lines = append(r.lines, line)
			}
			if len(r.lines) > 0 {
				p.docs = append(p.docs, r)
			}
		}
	}
	return nil
}
