package shopifysim

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// payoutDelay is Shopify Payments' standard US schedule: funds of a day are
// paid out two days later.
const payoutDelay = 2

// chargebackFee is Shopify Payments' US dispute fee.
var chargebackFee = money.MustParse("15.00")

// buildPayouts groups every Shopify Payments charge and refund by the shop
// day it happened into the payout issued payoutDelay days later, adding the
// occasional dispute (amount withdrawn plus the chargeback fee) and
// adjustment. A payout's net is, by construction and by test, the sum of its
// balance transactions' nets.
func buildPayouts(g *ids, data *Data, rng *rand.Rand, start, end time.Time, cur string) {
	loc := start.Location()
	byDay := map[string][]shopify.BalanceTransaction{}
	var days []string
	add := func(day time.Time, bt shopify.BalanceTransaction) {
		k := day.In(loc).Format(time.DateOnly)
		if _, ok := byDay[k]; !ok {
			days = append(days, k)
		}
		byDay[k] = append(byDay[k], bt)
	}
	m := func(c money.Cents) shopify.Money { return shopify.Money{Amount: c, CurrencyCode: cur} }
	charges := 0
	for _, o := range data.Orders {
		ref := &shopify.OrderRef{ID: o.ID, Name: o.Name}
		for _, t := range o.Transactions {
			if t.Gateway != "shopify_payments" || t.Status != "SUCCESS" {
				continue
			}
			amt := t.AmountSet.ShopMoney.Amount
			switch t.Kind {
			case "SALE", "CAPTURE":
				var fee money.Cents
				for _, f := range t.Fees {
					fee += f.Amount.Amount + f.TaxAmount.Amount
				}
				add(t.ProcessedAt, shopify.BalanceTransaction{ID: g.gid("ShopifyPaymentsBalanceTransaction"), Type: "CHARGE",
					SourceType: "CHARGE", Amount: m(amt), Fee: m(fee), Net: m(amt - fee), TransactionDate: t.ProcessedAt,
					SourceOrderTransactionID: gidNumber(t.ID), AssociatedOrder: ref})
				charges++
				if charges%40 == 17 && o.CancelledAt == nil {
					when := t.ProcessedAt.Add(72 * time.Hour)
					if when.Before(end) {
						add(when, shopify.BalanceTransaction{ID: g.gid("ShopifyPaymentsBalanceTransaction"), Type: "DISPUTE_WITHDRAWAL",
							SourceType: "DISPUTE", Amount: m(-amt), Fee: m(chargebackFee), Net: m(-amt - chargebackFee),
							TransactionDate: when, AssociatedOrder: ref})
					}
				}
			case "REFUND":
				add(t.ProcessedAt, shopify.BalanceTransaction{ID: g.gid("ShopifyPaymentsBalanceTransaction"), Type: "REFUND",
					SourceType: "REFUND", Amount: m(-amt), Fee: m(0), Net: m(-amt), TransactionDate: t.ProcessedAt,
					SourceOrderTransactionID: gidNumber(t.ID), AssociatedOrder: ref})
			}
		}
	}
	sort.Strings(days)
	for n, day := range days {
		bts := byDay[day]
		d, _ := time.ParseInLocation(time.DateOnly, day, loc)
		if n%5 == 3 {
			adj := money.Cents(-(50 + rng.IntN(400)))
			at := d.Add(23 * time.Hour).UTC()
			bts = append(bts, shopify.BalanceTransaction{ID: g.gid("ShopifyPaymentsBalanceTransaction"), Type: "ADJUSTMENT",
				SourceType: "ADJUSTMENT", Amount: m(adj), Fee: m(0), Net: m(adj), TransactionDate: at,
				AdjustmentReason: "reserve_fee"})
		}
		sort.SliceStable(bts, func(a, b int) bool { return bts[a].TransactionDate.Before(bts[b].TransactionDate) })
		var net money.Cents
		for _, bt := range bts {
			net += bt.Net.Amount
		}
		issued := d.AddDate(0, 0, payoutDelay).Add(9 * time.Hour).UTC()
		p := shopify.Payout{ID: g.gid("ShopifyPaymentsPayout"), IssuedAt: issued, Status: "PAID", TransactionType: "DEPOSIT",
			Net: m(net), BalanceTransactions: bts}
		if net < 0 {
			p.TransactionType = "WITHDRAWAL"
			p.Net = m(-net)
		}
		if issued.After(end) {
			p.Status = "SCHEDULED"
		}
		p.LegacyResourceID = gidNumber(p.ID)
		data.Payouts = append(data.Payouts, p)
	}
}

// PayoutSignedNet is the payout's effect on the bank: net for a deposit,
// minus net for a withdrawal (Shopify reports net as a positive amount and
// the direction in transactionType).
func PayoutSignedNet(p shopify.Payout) money.Cents {
	if p.TransactionType == "WITHDRAWAL" {
		return -p.Net.Amount
	}
	return p.Net.Amount
}

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

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
