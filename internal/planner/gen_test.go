package planner

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// shopGen generates a consistent Shopify shop: orders whose totals add up the
// way Shopify's do, refunds, Shopify Payments payouts built from the
// orders' transactions, and purchase orders. It exists so the property test
// can throw many shapes of data at the planner; it is deliberately written
// from Shopify's rules (totals, transactions), not from the planner's code.
type shopGen struct {
	r        *rand.Rand
	variants map[string]shopify.ProductVariant
	incl     bool
	nextID   int
	spTxns   []shopify.OrderTransaction // shopify_payments money, for payouts
}

func bag(c money.Cents) shopify.MoneyBag {
	m := shopify.Money{Amount: c, CurrencyCode: "USD"}
	return shopify.MoneyBag{ShopMoney: m, PresentmentMoney: m}
}

func (g *shopGen) id(kind string) string {
	g.nextID++
	return fmt.Sprintf("gid://shopify/%s/%d", kind, 1000+g.nextID)
}

func (g *shopGen) cents(lo, hi int) money.Cents { return money.Cents(lo + g.r.IntN(hi-lo+1)) }

var genTaxes = []struct {
	title, rate string
	num, den    int64
}{
	{"State Tax", "0.04", 4, 100}, {"City Tax", "0.045", 45, 1000}, {"Transit Tax", "0.00375", 375, 100000},
}

var genTypes = []string{"Apparel", "Kitchen", "Books", ""}

func newShopGen(seed uint64, incl bool) *shopGen {
	g := &shopGen{r: rand.New(rand.NewPCG(seed, seed*7+1)), variants: map[string]shopify.ProductVariant{}, incl: incl}
	for i := 0; i < 8; i++ {
		id := fmt.Sprintf("gid://shopify/ProductVariant/%d", 500+i)
		sku := fmt.Sprintf("SKU-%03d", i)
		if i == 7 {
			sku = "VERY-LONG-SKU-0123456789-ABCDEFGHIJ-XYZ" // 40 characters
		}
		v := shopify.ProductVariant{ID: id, SKU: sku, DisplayName: fmt.Sprintf("Product %d", i), Price: g.cents(100, 9000),
			Taxable: i%5 != 4, Product: &shopify.ProductRef{ID: fmt.Sprintf("gid://shopify/Product/%d", 50+i), Title: fmt.Sprintf("Product %d", i), ProductType: genTypes[i%len(genTypes)]}}
		if i != 3 {
			c := v.Price * 4 / 10
			v.InventoryItem = &shopify.InventoryItem{ID: fmt.Sprintf("gid://shopify/InventoryItem/%d", 500+i), SKU: sku, Tracked: true,
				UnitCost: &shopify.Money{Amount: c, CurrencyCode: "USD"}}
		}
		g.variants[id] = v
	}
	return g
}

// tax computes each jurisdiction's tax on an amount (exclusive), or the tax
// contained in it (inclusive), rounded to the cent.
func (g *shopGen) tax(amount money.Cents, n int) []shopify.TaxLine {
	var out []shopify.TaxLine
	for _, t := range genTaxes[:n] {
		var c money.Cents
		if g.incl {
			// tax contained = amount × r / (1 + r_total); keep it simple per jurisdiction.
			c = mulDiv(amount, money.Cents(t.num), money.Cents(t.den+t.num))
		} else {
			c = mulDiv(amount, money.Cents(t.num), money.Cents(t.den))
		}
		out = append(out, shopify.TaxLine{Title: t.title, Rate: shopify.DecimalText(t.rate), PriceSet: bag(c)})
	}
	return out
}

func (g *shopGen) order(day time.Time) shopify.Order {
	o := shopify.Order{ID: g.id("Order"), CurrencyCode: "USD", TaxesIncluded: g.incl, DisplayFinancialStatus: "PAID", SourceName: "pos"}
	o.Name = fmt.Sprintf("#%d", g.nextID)
	o.ProcessedAt = day.Add(time.Duration(g.r.IntN(20*3600)) * time.Second)
	o.CreatedAt = o.ProcessedAt
	if g.r.IntN(3) > 0 {
		loc := 1 + g.r.IntN(2)
		o.RetailLocation = &shopify.Location{ID: fmt.Sprintf("gid://shopify/Location/%d", loc), Name: fmt.Sprintf("Store %d", loc)}
	} else {
		o.SourceName = "web"
	}
	if g.r.IntN(2) == 0 {
		c := g.r.IntN(5)
		names := []string{"Ann Lee", "김민준", "Bob Smith", "Zoë Ärger", "Ann Lee"}
		o.Customer = &shopify.Customer{ID: fmt.Sprintf("gid://shopify/Customer/%d", 70+c), DisplayName: names[c]}
	}
	ntax := g.r.IntN(4)
	var subtotal, discounts, tax money.Cents
	taxBy := map[string]money.Cents{}
	addTax := func(tls []shopify.TaxLine) {
		for _, tl := range tls {
			taxBy[tl.Title+"|"+string(tl.Rate)] += tl.PriceSet.ShopMoney.Amount
			tax += tl.PriceSet.ShopMoney.Amount
		}
	}
	nlines := 1 + g.r.IntN(4)
	for i := 0; i < nlines; i++ {
		li := shopify.LineItem{ID: g.id("LineItem"), Quantity: 1 + g.r.IntN(3), Taxable: true}
		var unit money.Cents
		if g.r.IntN(10) == 0 {
			li.IsGiftCard, li.Name, li.Taxable = true, "Gift Card", false
			unit = money.Cents(2500 * (1 + g.r.IntN(2)))
		} else if g.r.IntN(12) == 0 {
			li.Name = "Custom item"
			unit = g.cents(0, 3000)
		} else {
			v := g.variants[fmt.Sprintf("gid://shopify/ProductVariant/%d", 500+g.r.IntN(8))]
			li.Name, li.SKU, li.Taxable = v.DisplayName, v.SKU, v.Taxable
			vv := v
			li.Variant = &vv
			li.Product = v.Product
			unit = v.Price
		}
		li.CurrentQuantity = li.Quantity
		gross := unit * money.Cents(li.Quantity)
		li.OriginalUnitPriceSet, li.OriginalTotalSet = bag(unit), bag(gross)
		var disc money.Cents
		if !li.IsGiftCard && g.r.IntN(3) == 0 {
			disc = gross * money.Cents(g.r.IntN(101)) / 100 // up to 100 %
			if disc > 0 {
				li.DiscountAllocations = append(li.DiscountAllocations, shopify.DiscountAllocation{AllocatedAmountSet: bag(disc),
					DiscountApplication: shopify.DiscountApplicationRef{Index: 0}})
			}
		}
		li.TotalDiscountSet, li.DiscountedTotalSet = bag(disc), bag(gross-disc)
		if li.Taxable && !li.IsGiftCard {
			li.TaxLines = g.tax(gross-disc, ntax)
			addTax(li.TaxLines)
		}
		subtotal += gross - disc
		discounts += disc
		o.LineItems = append(o.LineItems, li)
	}
	o.DiscountApplications = []shopify.DiscountApplication{{Index: 0, Code: "SAVE", AllocationMethod: "ACROSS", TargetSelection: "EXPLICIT", TargetType: "LINE_ITEM"}}
	var ship money.Cents
	if o.SourceName == "web" {
		sl := shopify.ShippingLine{Title: "Standard", OriginalPriceSet: bag(g.cents(0, 1500))}
		ship = sl.OriginalPriceSet.ShopMoney.Amount
		var sd money.Cents
		if g.r.IntN(4) == 0 {
			sd = ship / 2
			sl.DiscountAllocations = []shopify.DiscountAllocation{{AllocatedAmountSet: bag(sd), DiscountApplication: shopify.DiscountApplicationRef{Index: 0}}}
		}
		sl.DiscountedPriceSet = bag(ship - sd)
		sl.TaxLines = g.tax(ship-sd, ntax)
		addTax(sl.TaxLines)
		discounts += sd
		subtotal += -sd
		o.ShippingLines = append(o.ShippingLines, sl)
	}
	var tip money.Cents
	if g.r.IntN(4) == 0 {
		tip = g.cents(100, 500)
	}
	for _, t := range genTaxes[:ntax] {
		if a, ok := taxBy[t.title+"|"+t.rate]; ok {
			o.TaxLines = append(o.TaxLines, shopify.TaxLine{Title: t.title, Rate: shopify.DecimalText(t.rate), PriceSet: bag(a)})
		}
	}
	total := subtotal + ship + tip
	if !g.incl {
		total += tax
	}
	o.SubtotalPriceSet, o.TotalTaxSet, o.TotalDiscountsSet = bag(subtotal), bag(tax), bag(discounts)
	o.TotalShippingPriceSet, o.TotalTipReceivedSet, o.TotalPriceSet = bag(ship), bag(tip), bag(total)
	g.pay(&o, total)
	return o
}

// pay splits the total over gateways the way a POS takes split tender: maybe
// a gift card or store credit first, maybe a card, the rest in cash with
// change, with cash rounding sometimes.
func (g *shopGen) pay(o *shopify.Order, total money.Cents) {
	left := total
	txn := func(kind, gw string, a money.Cents) {
		t := shopify.OrderTransaction{ID: g.id("OrderTransaction"), Kind: kind, Status: "SUCCESS", Gateway: gw, AmountSet: bag(a), ProcessedAt: o.ProcessedAt}
		o.Transactions = append(o.Transactions, t)
		if gw == "shopify_payments" {
			g.spTxns = append(g.spTxns, t)
		}
	}
	if left > 0 && g.r.IntN(5) == 0 {
		gw := []string{"gift_card", "store_credit"}[g.r.IntN(2)]
		a := min(left, g.cents(100, 3000))
		txn("SALE", gw, a)
		left -= a
	}
	if left > 0 && g.r.IntN(3) > 0 {
		a := left
		if g.r.IntN(2) == 0 {
			a = left / 2
		}
		if g.r.IntN(6) == 0 {
			o.Transactions = append(o.Transactions, shopify.OrderTransaction{ID: g.id("OrderTransaction"), Kind: "SALE", Status: "FAILURE", Gateway: "shopify_payments", AmountSet: bag(a)})
		}
		txn("SALE", "shopify_payments", a)
		left -= a
	}
	if left > 0 {
		if g.r.IntN(4) == 0 {
			// Cash rounding to 5 cents, as in Canada.
			rounded := (left + 2) / 5 * 5
			if rounded != left {
				o.TotalCashRoundingAdjustment = &shopify.CashRounding{PaymentSet: bag(rounded - left), RefundSet: bag(0)}
				left = rounded
			}
		}
		tendered := (left/1000 + 1) * 1000
		txn("SALE", "cash", tendered)
		txn("CHANGE", "cash", tendered-left)
	}
}

// refund returns part of an order some days later: some quantity of some
// lines (restocked or not), maybe shipping, maybe an adjustment, paid back
// across the gateways the order used.
func (g *shopGen) refund(o *shopify.Order) {
	r := shopify.Refund{ID: g.id("Refund"), CreatedAt: o.ProcessedAt.Add(time.Duration(1+g.r.IntN(5)) * 24 * time.Hour)}
	var money_ money.Cents
	for _, li := range o.LineItems {
		if g.r.IntN(2) == 0 {
			continue
		}
		q := 1 + g.r.IntN(li.Quantity)
		sub := mulDiv(li.DiscountedTotalSet.ShopMoney.Amount, money.Cents(q), money.Cents(li.Quantity))
		tax := mulDiv(sumTax(li.TaxLines), money.Cents(q), money.Cents(li.Quantity))
		r.RefundLineItems = append(r.RefundLineItems, shopify.RefundLineItem{LineItem: shopify.LineItemRef{ID: li.ID}, Quantity: q,
			SubtotalSet: bag(sub), TotalTaxSet: bag(tax), Restocked: g.r.IntN(3) > 0})
		money_ += sub
		if !g.incl {
			money_ += tax
		}
	}
	if len(o.ShippingLines) > 0 && g.r.IntN(2) == 0 {
		sl := o.ShippingLines[0]
		sub, tax := sl.DiscountedPriceSet.ShopMoney.Amount, sumTax(sl.TaxLines)
		if g.incl {
			r.RefundShippingLines = append(r.RefundShippingLines, shopify.RefundShippingLine{SubtotalAmountSet: bag(sub), TaxAmountSet: bag(tax)})
			money_ += sub
		} else {
			r.RefundShippingLines = append(r.RefundShippingLines, shopify.RefundShippingLine{SubtotalAmountSet: bag(sub), TaxAmountSet: bag(tax)})
			money_ += sub + tax
		}
	}
	if g.r.IntN(5) == 0 && money_ > 300 {
		r.OrderAdjustments = append(r.OrderAdjustments, shopify.OrderAdjustment{AmountSet: bag(-200), TaxAmountSet: bag(0), Reason: "RESTOCK"})
		money_ -= 200
	}
	if money_ <= 0 {
		return
	}
	left := money_
	txn := func(gw string, a money.Cents) {
		t := shopify.OrderTransaction{ID: g.id("OrderTransaction"), Kind: "REFUND", Status: "SUCCESS", Gateway: gw, AmountSet: bag(a), ProcessedAt: r.CreatedAt}
		r.Transactions = append(r.Transactions, t)
		if gw == "shopify_payments" {
			g.spTxns = append(g.spTxns, t)
		}
	}
	if g.r.IntN(4) == 0 {
		a := min(left, g.cents(1, 2000))
		txn("store_credit", a)
		left -= a
	}
	if left > 0 && g.r.IntN(2) == 0 {
		a := left / 2
		txn("shopify_payments", a)
		left -= a
	}
	if left > 0 {
		txn("cash", left)
	}
	r.TotalRefundedSet = bag(money_)
	o.Refunds = append(o.Refunds, r)
}

// payouts groups the Shopify Payments money into payouts with 2.9 % + 30¢
// fees, an occasional adjustment and chargeback.
func (g *shopGen) payouts(day time.Time) []shopify.Payout {
	var out []shopify.Payout
	for len(g.spTxns) > 0 {
		n := min(len(g.spTxns), 1+g.r.IntN(5))
		po := shopify.Payout{ID: g.id("ShopifyPaymentsPayout"), Status: "PAID", TransactionType: "DEPOSIT", IssuedAt: day}
		day = day.Add(24 * time.Hour)
		var net money.Cents
		for _, t := range g.spTxns[:n] {
			a := t.AmountSet.ShopMoney.Amount
			typ, fee := "CHARGE", mulDiv(a, 29, 1000)+30
			if t.Kind == "REFUND" {
				typ, a, fee = "REFUND", -a, 0
			}
			po.BalanceTransactions = append(po.BalanceTransactions, shopify.BalanceTransaction{ID: g.id("BalanceTransaction"), Type: typ,
				Amount: shopify.Money{Amount: a}, Fee: shopify.Money{Amount: fee}, Net: shopify.Money{Amount: a - fee}})
			net += a - fee
		}
		if g.r.IntN(4) == 0 {
			a := -g.cents(100, 1500)
			typ := []string{"ADJUSTMENT", "DISPUTE_WITHDRAWAL", "RESERVED_FUNDS"}[g.r.IntN(3)]
			po.BalanceTransactions = append(po.BalanceTransactions, shopify.BalanceTransaction{ID: g.id("BalanceTransaction"), Type: typ,
				Amount: shopify.Money{Amount: a}, Net: shopify.Money{Amount: a}})
			net += a
		}
		po.Net = shopify.Money{Amount: net, CurrencyCode: "USD"}
		g.spTxns = g.spTxns[n:]
		out = append(out, po)
	}
	return out
}

func (g *shopGen) purchaseOrders(day time.Time) []shopify.PurchaseOrder {
	var out []shopify.PurchaseOrder
	for i := 0; i < 1+g.r.IntN(3); i++ {
		ordered := day.Add(time.Duration(i) * time.Hour)
		po := shopify.PurchaseOrder{ID: g.id("PurchaseOrder"), Name: fmt.Sprintf("PO-%d", g.nextID), Status: "ORDERED",
			SupplierName: []string{"Acme Supply", "Beta Goods"}[g.r.IntN(2)], OrderedAt: &ordered, CurrencyCode: "USD", Source: "shopify"}
		po.SupplierID = "gid://shopify/Supplier/" + po.SupplierName[:4]
		rc := shopify.PurchaseReceipt{ID: g.id("PurchaseReceipt"), ReceivedAt: ordered.Add(48 * time.Hour)}
		for j := 0; j < 1+g.r.IntN(3); j++ {
			v := g.variants[fmt.Sprintf("gid://shopify/ProductVariant/%d", 500+g.r.IntN(8))]
			l := shopify.PurchaseOrderLine{ID: g.id("PurchaseOrderLine"), VariantID: v.ID, SKU: v.SKU, Title: v.DisplayName,
				Quantity: 1 + g.r.IntN(20), UnitCost: v.Price * 4 / 10}
			po.LineItems = append(po.LineItems, l)
			rc.Lines = append(rc.Lines, shopify.PurchaseReceiptLine{LineID: l.ID, Quantity: g.r.IntN(l.Quantity + 1)})
		}
		po.Receipts = []shopify.PurchaseReceipt{rc}
		out = append(out, po)
	}
	return out
}

// genInput builds a whole shop's input for one seed and one set of modes.
func genInput(seed uint64, sales, customers, inventory, vendors shopqb.Mode, incl bool) Input {
	g := newShopGen(seed, incl)
	in := baseInput()
	in.Shop.Settings.SalesMode, in.Shop.Settings.CustomersMode = sales, customers
	in.Shop.Settings.InventoryMode, in.Shop.Settings.VendorsMode = inventory, vendors
	in.Shop.Settings.ClassPerLocation = true
	in.Company.ClassTracking = seed%2 == 0
	in.Company.Edition = "enterprise"
	day := time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)
	for d := 0; d < 4; d++ {
		for i := 0; i < 2+g.r.IntN(6); i++ {
			o := g.order(day.Add(time.Duration(d) * 24 * time.Hour))
			if g.r.IntN(4) == 0 {
				g.refund(&o)
			}
			in.Orders = append(in.Orders, o)
		}
	}
	in.Payouts = g.payouts(day.Add(6 * 24 * time.Hour))
	in.PurchaseOrders = g.purchaseOrders(day)
	in.Variants = g.variants
	return in
}
