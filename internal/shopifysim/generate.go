package shopifysim

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// GeneratorOptions drive Generate.
type GeneratorOptions struct {
	Seed   int64
	Orders int
	Days   int
	Start  time.Time // first day, in the shop's zone
	Shop   Shop
}

// Generate builds a realistic POS shop deterministically from the seed: the
// same options always give byte-identical documents.
func Generate(o GeneratorOptions) *Data {
	data, _ := generate(o)
	return data
}

// generate is Generate, also returning the order generator so that orders,
// refunds and edits can be added after the fact the same way (aftersale.go).
func generate(o GeneratorOptions) (*Data, *orderGen) {
	rng := rand.New(rand.NewPCG(uint64(o.Seed), uint64(o.Seed)^0x5eed5a1e))
	g := newIDs()
	cur := o.Shop.Currency
	if cur == "" {
		cur = "USD"
	}
	if o.Days <= 0 {
		o.Days = 1
	}
	data := &Data{Shop: shopify.Shop{
		ID: "gid://shopify/Shop/" + fmt.Sprint(60_000_000+o.Seed%1_000_000), Name: o.Shop.Name,
		MyshopifyDomain: o.Shop.Domain, CurrencyCode: cur, IanaTimezone: o.Shop.Timezone, PlanDisplayName: "Shopify",
	}}
	catalogAt := o.Start.Add(-90 * 24 * time.Hour).UTC()
	specs := buildLocations(g, data)
	buildCatalog(g, data, cur, catalogAt)
	buildCustomers(g, data, rng, o.Start.UTC())

	end := o.Start.AddDate(0, 0, o.Days)
	span := end.Sub(o.Start)
	times := make([]time.Time, o.Orders)
	for i := range times {
		// Opening hours 09:00–20:00 local, any day in the window.
		day := rng.IntN(o.Days)
		secs := 9*3600 + rng.IntN(11*3600)
		times[i] = o.Start.AddDate(0, 0, day).Add(time.Duration(secs) * time.Second)
		if times[i].After(o.Start.Add(span)) {
			times[i] = o.Start.Add(span - time.Minute)
		}
	}
	sort.Slice(times, func(a, b int) bool { return times[a].Before(times[b]) })

	gen := &orderGen{rng: rng, ids: g, data: data, specs: specs, cur: cur, end: end.UTC(), seq: map[string]int{}}
	for i, at := range times {
		gen.order(i, at.UTC())
	}
	buildPayouts(g, data, rng, o.Start, end, cur)
	buildPurchaseOrders(g, data, rng, o.Start, cur)
	return data, gen
}

type orderGen struct {
	rng   *rand.Rand
	ids   *ids
	data  *Data
	specs []locationSpec
	cur   string
	end   time.Time
	seq   map[string]int
}

type tender struct {
	gateway string
	ppm     int64 // share of the total; the last tender takes the rest
}

var gatewayNames = map[string]string{
	"shopify_payments": "Shopify Payments", "cash": "Cash", "gift_card": "Gift card",
	"shopify_store_credit": "Store credit", "manual": "Manual",
}

func (g *orderGen) pick(n int) int { return g.rng.IntN(n) }

func (g *orderGen) chance(percent int) bool { return g.rng.IntN(100) < percent }

// order generates one order and, by chance, its edit, refunds or cancellation.
func (g *orderGen) order(i int, at time.Time) {
	o, c := g.newOrder(i, at, "")
	g.afterlife(&o, c, at)
	g.data.Orders = append(g.data.Orders, o)
}

// orderTraits are the choices newOrder made that an order's afterlife
// depends on.
type orderTraits struct {
	online, zero, cancel bool
	spec                 locationSpec
	loc                  *shopify.Location
	rates                []Jurisdiction
}

// newOrder generates one order sold at at, paid in full. channel forces the
// sales channel ("web" or "pos"); empty leaves it to chance. The random
// draws are the same either way, so a forced channel changes nothing else.
func (g *orderGen) newOrder(i int, at time.Time, channel string) (shopify.Order, orderTraits) {
	r := g.rng
	o := shopify.Order{
		ID: g.ids.gid("Order"), Name: fmt.Sprintf("#%d", 1001+i), CreatedAt: at, ProcessedAt: at, UpdatedAt: at,
		CurrencyCode: g.cur, LineItems: []shopify.LineItem{}, ShippingLines: []shopify.ShippingLine{},
		DiscountApplications: []shopify.DiscountApplication{}, Transactions: []shopify.OrderTransaction{},
		Refunds: []shopify.Refund{}, Agreements: []shopify.SalesAgreement{},
	}
	o.LegacyResourceID = gidNumber(o.ID)
	online := g.chance(25)
	if channel != "" {
		online = channel == "web"
	}
	var rates []Jurisdiction
	var spec locationSpec
	var loc *shopify.Location
	if online {
		o.SourceName = "web"
		rates = onlineRates
	} else {
		li := g.pick(len(g.specs) - 1) // the last location is the warehouse
		spec = g.specs[li]
		l := g.data.Locations[li]
		loc = &l
		o.RetailLocation = loc
		o.SourceName = "pos"
		rates = spec.rates
		o.TaxesIncluded = spec.inclusive
		var regs []Register
		for _, reg := range g.data.Registers {
			if reg.LocationID == l.ID {
				regs = append(regs, reg)
			}
		}
		reg := g.pick(len(regs)) + 1
		key := fmt.Sprintf("%d-%d", li+1, reg)
		g.seq[key]++
		o.SourceIdentifier = fmt.Sprintf("%s-%d", key, 1000+g.seq[key])
	}
	if online || g.chance(60) {
		c := g.data.Customers[g.pick(len(g.data.Customers))]
		o.Customer = &c
		if c.TaxExempt {
			rates = nil
		}
	}
	zero := g.chance(2)

	// Lines.
	nLines := 1 + r.IntN(4)
	for n := 0; n < nLines; n++ {
		pi := r.IntN(len(g.data.Products) - 1) // gift card product is last
		p := g.data.Products[pi]
		v := p.Variants[r.IntN(len(p.Variants))]
		qty := 1
		if g.chance(30) {
			qty = 2 + r.IntN(3)
		}
		g.addLine(&o, p, v, qty, online, rates)
	}
	if !zero && g.chance(7) {
		p := g.data.Products[len(g.data.Products)-1]
		v := p.Variants[r.IntN(len(p.Variants))]
		g.addLine(&o, p, v, 1, false, rates)
	}
	// Discounts: a line discount on the first line, an order-level code.
	if !zero && g.chance(12) && !o.LineItems[0].IsGiftCard {
		g.lineDiscount(&o, 0, int64(5+r.IntN(4)*5)*10_000)
	}
	switch {
	case zero:
		g.orderDiscount(&o, "Manual", "Staff comp", ppmDenominator, 0)
	case g.chance(15):
		g.orderDiscount(&o, "DiscountCode", []string{"WELCOME10", "HOLIDAY15", "VIP20"}[r.IntN(3)], int64(10+r.IntN(3)*5)*10_000, 0)
	case g.chance(5):
		g.orderDiscount(&o, "DiscountCode", "TENOFF", 0, money.MustParse("10.00"))
	}
	g.taxLines(&o, rates)
	if online && !zero {
		price := []money.Cents{money.MustParse("7.95"), money.MustParse("12.50"), money.MustParse("0.00")}[r.IntN(3)]
		sl := shopify.ShippingLine{ID: g.ids.gid("ShippingLine"), Title: "Standard Shipping", Code: "STANDARD",
			OriginalPriceSet: bag(price, g.cur), DiscountedPriceSet: bag(price, g.cur),
			DiscountAllocations: []shopify.DiscountAllocation{}}
		sl.TaxLines = lineTaxes(price, true, rates, false, g.cur) // New Jersey taxes delivery
		o.ShippingLines = append(o.ShippingLines, sl)
	}
	cancel := !zero && g.chance(3)
	if !online && !zero && !cancel && g.chance(15) {
		retotal(&o)
		tip := mulDivRound(o.SubtotalPriceSet.ShopMoney.Amount, int64(15+r.IntN(3)*5)*10_000, ppmDenominator)
		g.addTip(&o, tip)
	}
	retotal(&o)

	// Tenders.
	var tenders []tender
	switch {
	case online && g.chance(10):
		tenders = []tender{{"gift_card", 400_000}, {"shopify_payments", 0}}
	case online:
		tenders = []tender{{"shopify_payments", 0}}
	default:
		switch x := r.IntN(100); {
		case x < 55:
			tenders = []tender{{"shopify_payments", 0}}
		case x < 75:
			tenders = []tender{{"cash", 0}}
		case x < 85:
			tenders = []tender{{"cash", 500_000}, {"shopify_payments", 0}}
		case x < 93:
			tenders = []tender{{"gift_card", 300_000}, {"shopify_payments", 0}}
		default:
			if o.Customer != nil {
				tenders = []tender{{"shopify_store_credit", 250_000}, {"shopify_payments", 0}}
			} else {
				tenders = []tender{{"shopify_payments", 0}}
			}
		}
	}
	if tipOf(&o) > 0 {
		// A tip is added on the card terminal, so the last tender is the card.
		if tenders[len(tenders)-1].gateway != "shopify_payments" {
			tenders = append(tenders, tender{"shopify_payments", 0})
			tenders[len(tenders)-2].ppm = 500_000
		}
	}
	g.pay(&o, tenders, spec.cashRound, loc, online, at)
	g.agreeOrder(&o)
	return o, orderTraits{online: online, zero: zero, cancel: cancel, spec: spec, loc: loc, rates: rates}
}

// afterlife gives an order, by chance, an edit, refunds or a cancellation,
// each inside the generated window.
func (g *orderGen) afterlife(o *shopify.Order, c orderTraits, at time.Time) {
	r := g.rng
	zero, online, cancel, spec, loc, rates := c.zero, c.online, c.cancel, c.spec, c.loc, c.rates
	switch {
	case cancel:
		when := at.Add(time.Duration(10+r.IntN(120)) * time.Minute)
		if when.Before(g.end) {
			g.cancel(o, when)
		}
	case !zero && !online && o.TotalDiscountsSet.ShopMoney.Amount == 0 && !spec.cashRound && g.chance(4):
		when := at.Add(time.Duration(5+r.IntN(30)) * time.Minute)
		if when.Before(g.end) {
			g.edit(o, when, rates, loc)
		}
	case !zero && !online && o.TotalDiscountsSet.ShopMoney.Amount == 0 && !spec.cashRound && g.chance(5):
		when := at.Add(time.Duration(5+r.IntN(30)) * time.Minute)
		if when.Before(g.end) {
			g.removeEdit(o, when, loc)
		}
	}
	if o.CancelledAt == nil && !zero && g.chance(12) {
		when := at.Add(time.Duration(1+r.IntN(72)) * time.Hour)
		if when.Before(g.end) {
			g.randomRefund(o, when, loc)
		}
	}
}

// tipOf is the tip the order received.
func tipOf(o *shopify.Order) money.Cents { return o.TotalTipReceivedSet.ShopMoney.Amount }

// addTip adds a tip the way Shopify POS records one: a line item of its own
// (TipSale.lineItem is non-null in the schema) with no product or variant,
// untaxed, nothing to ship and never fulfillable, left out of the subtotal
// and of subtotalLineItemsQuantity, and counted in totalTipReceivedSet.
func (g *orderGen) addTip(o *shopify.Order, tip money.Cents) {
	one := 1
	o.LineItems = append(o.LineItems, shopify.LineItem{ID: g.ids.gid("LineItem"), Name: "Tip", Title: "Tip",
		Quantity: 1, CurrentQuantity: 1, NonFulfillableQuantity: &one,
		OriginalUnitPriceSet: bag(tip, g.cur), OriginalTotalSet: bag(tip, g.cur), DiscountedTotalSet: bag(tip, g.cur),
		TotalDiscountSet: bag(0, g.cur), DiscountAllocations: []shopify.DiscountAllocation{}, TaxLines: []shopify.TaxLine{}})
	retotal(o)
}

// isTipLine says whether a generated line is a tip (addTip): the generator's
// products always have a variant, a tip never does.
func isTipLine(li shopify.LineItem) bool {
	return li.Variant == nil && li.Product == nil && !li.IsGiftCard && li.Title == "Tip"
}

func (g *orderGen) addLine(o *shopify.Order, p shopify.Product, v shopify.ProductVariant, qty int, online bool, rates []Jurisdiction) {
	unit := v.Price
	name := p.Title
	if v.Title != "Default Title" {
		name += " - " + v.Title
	}
	vv := v
	li := shopify.LineItem{
		ID: g.ids.gid("LineItem"), Name: name, Title: p.Title, VariantTitle: v.Title, SKU: v.SKU, Vendor: p.Vendor,
		Quantity: qty, CurrentQuantity: qty, IsGiftCard: p.IsGiftCard, Taxable: v.Taxable && !p.IsGiftCard,
		RequiresShipping:     online && !p.IsGiftCard,
		OriginalUnitPriceSet: bag(unit, g.cur), OriginalTotalSet: bag(unit*money.Cents(qty), g.cur),
		DiscountAllocations: []shopify.DiscountAllocation{}, TaxLines: []shopify.TaxLine{},
		Variant: &vv, Product: v.Product,
	}
	li.DiscountedTotalSet = li.OriginalTotalSet
	li.TotalDiscountSet = bag(0, g.cur)
	o.LineItems = append(o.LineItems, li)
}

func (g *orderGen) lineDiscount(o *shopify.Order, idx int, ppm int64) {
	app := shopify.DiscountApplication{Typename: "ManualDiscountApplication", Index: len(o.DiscountApplications),
		AllocationMethod: "EACH", TargetSelection: "EXPLICIT", TargetType: "LINE_ITEM", Title: "Staff discount"}
	o.DiscountApplications = append(o.DiscountApplications, app)
	li := &o.LineItems[idx]
	amt := mulDivRound(li.OriginalTotalSet.ShopMoney.Amount, ppm, ppmDenominator)
	li.DiscountAllocations = append(li.DiscountAllocations, allocation(amt, app, g.cur))
	li.DiscountedTotalSet = bag(li.OriginalTotalSet.ShopMoney.Amount-amt, g.cur)
	li.TotalDiscountSet = bag(li.TotalDiscountSet.ShopMoney.Amount+amt, g.cur)
}

func allocation(amt money.Cents, app shopify.DiscountApplication, cur string) shopify.DiscountAllocation {
	return shopify.DiscountAllocation{AllocatedAmountSet: bag(amt, cur), DiscountApplication: shopify.DiscountApplicationRef{
		Typename: app.Typename, Code: app.Code, Title: app.Title, Index: app.Index, TargetSelection: app.TargetSelection, TargetType: app.TargetType, AllocationMethod: app.AllocationMethod}}
}

// orderDiscount spreads a percentage (ppm) or a fixed amount over every
// non-gift-card line, in proportion to what each line costs after line
// discounts, with pennies to the largest lines.
func (g *orderGen) orderDiscount(o *shopify.Order, kind, label string, ppm int64, fixed money.Cents) {
	app := shopify.DiscountApplication{Typename: kind + "DiscountApplication", Index: len(o.DiscountApplications),
		AllocationMethod: "ACROSS", TargetSelection: "ALL", TargetType: "LINE_ITEM"}
	if kind == "DiscountCode" {
		app.Typename = "DiscountCodeApplication" // the schema's name, not "DiscountCodeDiscountApplication"
		app.Code = label
	} else {
		app.Title = label
	}
	var weights []money.Cents
	var idx []int
	var eligible money.Cents
	for i, li := range o.LineItems {
		if li.IsGiftCard {
			continue
		}
		w := lineBase(li)
		weights = append(weights, w)
		idx = append(idx, i)
		eligible += w
	}
	if eligible <= 0 {
		return
	}
	amount := fixed
	if ppm > 0 {
		amount = mulDivRound(eligible, ppm, ppmDenominator)
	}
	if amount > eligible {
		amount = eligible
	}
	o.DiscountApplications = append(o.DiscountApplications, app)
	for k, part := range money.Split(amount, weights) {
		li := &o.LineItems[idx[k]]
		li.DiscountAllocations = append(li.DiscountAllocations, allocation(part, app, g.cur))
		li.TotalDiscountSet = bag(li.TotalDiscountSet.ShopMoney.Amount+part, g.cur)
	}
}

func (g *orderGen) taxLines(o *shopify.Order, rates []Jurisdiction) {
	for i := range o.LineItems {
		li := &o.LineItems[i]
		li.TaxLines = lineTaxes(lineBase(*li), li.Taxable, rates, o.TaxesIncluded, g.cur)
	}
}

func (g *orderGen) txn(kind, gateway string, amount money.Cents, at time.Time, loc *shopify.Location) shopify.OrderTransaction {
	return shopify.OrderTransaction{ID: g.ids.gid("OrderTransaction"), Kind: kind, Status: "SUCCESS", Gateway: gateway,
		FormattedGateway: gatewayNames[gateway], AmountSet: bag(amount, g.cur), ProcessedAt: at,
		Fees: []shopify.TransactionFee{}, Location: loc}
}

// cardFee is the Shopify Payments processing fee: 2.6 % + 10¢ in person,
// 2.9 % + 30¢ online (Basic plan figures).
func cardFee(amount money.Cents, online bool) money.Cents {
	if online {
		return mulDivRound(amount, 29_000, ppmDenominator) + 30
	}
	return mulDivRound(amount, 26_000, ppmDenominator) + 10
}

// pay records the tenders: card SALEs with fees, cash tendered with a CHANGE
// transaction for the change given back and, where cash is rounded, the
// rounding on the SALE and on the order.
func (g *orderGen) pay(o *shopify.Order, tenders []tender, cashRound bool, loc *shopify.Location, online bool, at time.Time) {
	total := o.TotalPriceSet.ShopMoney.Amount
	if total == 0 {
		retotal(o)
		return
	}
	remaining := total
	for k, t := range tenders {
		amt := remaining
		if k < len(tenders)-1 {
			amt = mulDivRound(total, t.ppm, ppmDenominator)
			if amt > remaining {
				amt = remaining
			}
		}
		remaining -= amt
		if amt == 0 {
			continue
		}
		at = at.Add(time.Second)
		switch t.gateway {
		case "cash":
			due := amt
			var rounding money.Cents
			if cashRound {
				rounded := (due + 2) / 5 * 5
				rounding = rounded - due
				due = rounded
			}
			tendered := due
			if g.chance(60) {
				step := money.Cents(500)
				if due > 4000 {
					step = 2000
				}
				tendered = (due + step - 1) / step * step
			}
			sale := g.txn("SALE", "cash", tendered, at, loc)
			if cashRound {
				rb := bag(rounding, g.cur)
				sale.AmountRoundingSet = &rb
				o.TotalCashRoundingAdjustment = &shopify.CashRounding{PaymentSet: bag(rounding, g.cur), RefundSet: bag(0, g.cur)}
			}
			o.Transactions = append(o.Transactions, sale)
			if tendered > due {
				ch := g.txn("CHANGE", "cash", tendered-due, at, loc)
				ch.ParentTransaction = &shopify.TransactionRef{ID: sale.ID}
				o.Transactions = append(o.Transactions, ch)
			}
		default:
			tx := g.txn("SALE", t.gateway, amt, at, loc)
			if t.gateway == "shopify_payments" {
				tx.Fees = append(tx.Fees, shopify.TransactionFee{Amount: shopify.Money{Amount: cardFee(amt, online), CurrencyCode: g.cur},
					TaxAmount: shopify.Money{CurrencyCode: g.cur}, Type: "payment_processing"})
			}
			o.Transactions = append(o.Transactions, tx)
		}
	}
	retotal(o)
}

func (g *orderGen) sale(typename, action, lineType string, qty int, amount, tax, discount money.Cents, taxes []shopify.TaxLine, li *shopify.LineItem) shopify.Sale {
	s := shopify.Sale{Typename: typename, ID: g.ids.gid("Sale"), ActionType: action, LineType: lineType,
		TotalAmount: bag(amount, g.cur), TotalTaxAmount: bag(tax, g.cur), TotalDiscountAmountAfterTaxes: bag(discount, g.cur),
		Taxes: []shopify.SaleTax{}}
	if qty != 0 {
		q := qty
		s.Quantity = &q
	}
	for _, tl := range taxes {
		s.Taxes = append(s.Taxes, shopify.SaleTax{Amount: tl.PriceSet, TaxLine: tl})
	}
	if li != nil {
		s.LineItem = &shopify.LineItemRef{ID: li.ID, SKU: li.SKU}
	}
	return s
}

// lineSale is a line's contribution to the ledger: what the customer pays
// for it including tax.
func (g *orderGen) lineSale(o *shopify.Order, li *shopify.LineItem, action string) shopify.Sale {
	tax := sumTax(li.TaxLines)
	amount := lineBase(*li)
	if !o.TaxesIncluded {
		amount += tax
	}
	var disc money.Cents
	for _, a := range li.DiscountAllocations {
		disc += a.AllocatedAmountSet.ShopMoney.Amount
	}
	typ, lt := "ProductSale", "PRODUCT"
	if li.IsGiftCard {
		typ, lt = "GiftCardSale", "GIFT_CARD"
	}
	return g.sale(typ, action, lt, li.Quantity, amount, tax, disc, li.TaxLines, li)
}

func (g *orderGen) agreeOrder(o *shopify.Order) {
	a := shopify.SalesAgreement{Typename: "OrderAgreement", ID: g.ids.gid("OrderAgreement"), HappenedAt: o.ProcessedAt,
		Reason: "ORDER", Sales: []shopify.Sale{}}
	for i := range o.LineItems {
		if isTipLine(o.LineItems[i]) {
			continue
		}
		a.Sales = append(a.Sales, g.lineSale(o, &o.LineItems[i], "ORDER"))
	}
	for _, sl := range o.ShippingLines {
		tax := sumTax(sl.TaxLines)
		amt := sl.DiscountedPriceSet.ShopMoney.Amount
		if !o.TaxesIncluded {
			amt += tax
		}
		a.Sales = append(a.Sales, g.sale("ShippingLineSale", "ORDER", "SHIPPING", 1, amt, tax, 0, sl.TaxLines, nil))
	}
	for i := range o.LineItems {
		if li := &o.LineItems[i]; isTipLine(*li) {
			a.Sales = append(a.Sales, g.sale("TipSale", "ORDER", "TIP", li.Quantity, lineBase(*li), 0, 0, nil, li))
		}
	}
	o.Agreements = append(o.Agreements, a)
}

// edit adds a line after the sale (an order edit) and collects the
// difference on the card.
func (g *orderGen) edit(o *shopify.Order, when time.Time, rates []Jurisdiction, loc *shopify.Location) {
	before := o.TotalPriceSet.ShopMoney.Amount
	p := g.data.Products[g.rng.IntN(len(g.data.Products)-1)]
	v := p.Variants[0]
	g.addLine(o, p, v, 1, false, rates)
	li := &o.LineItems[len(o.LineItems)-1]
	li.TaxLines = lineTaxes(lineBase(*li), li.Taxable, rates, o.TaxesIncluded, g.cur)
	retotal(o)
	delta := o.TotalPriceSet.ShopMoney.Amount - before
	tx := g.txn("SALE", "shopify_payments", delta, when, loc)
	tx.Fees = append(tx.Fees, shopify.TransactionFee{Amount: shopify.Money{Amount: cardFee(delta, false), CurrencyCode: g.cur},
		TaxAmount: shopify.Money{CurrencyCode: g.cur}, Type: "payment_processing"})
	o.Transactions = append(o.Transactions, tx)
	o.Agreements = append(o.Agreements, shopify.SalesAgreement{Typename: "OrderEditAgreement", ID: g.ids.gid("OrderAgreement"),
		HappenedAt: when, Reason: "ORDER_EDIT", Sales: []shopify.Sale{g.lineSale(o, li, "ORDER")}})
	o.UpdatedAt = when
	retotal(o)
}

// removeEdit takes one unit off a line after the sale (an order edit that
// removes) and pays its price back. Shopify keeps the removed unit on the
// order (quantity, totals before removals) and lowers currentQuantity; the
// ORDER_EDIT agreement carries the removal as a RETURN sale, and the money
// goes back in a refund without lines.
func (g *orderGen) removeEdit(o *shopify.Order, when time.Time, loc *shopify.Location) {
	idx := -1
	for i, li := range o.LineItems {
		if !li.IsGiftCard && !isTipLine(li) && li.CurrentQuantity > 0 {
			idx = i
			break
		}
	}
	if idx < 0 {
		return
	}
	g.refund(o, when, []refundLine{{idx: idx, qty: 1, restock: "CANCEL"}}, false, 0, loc, "Order edited: item removed")
	rf := &o.Refunds[len(o.Refunds)-1]
	rf.RefundLineItems = []shopify.RefundLineItem{}
	ag := &o.Agreements[len(o.Agreements)-1]
	ag.Typename, ag.Reason = "OrderEditAgreement", "ORDER_EDIT"
	o.Agreements = append(o.Agreements, shopify.SalesAgreement{Typename: "RefundAgreement", ID: g.ids.gid("OrderAgreement"),
		HappenedAt: when, Reason: "REFUND", Sales: []shopify.Sale{}})
	retotal(o)
}

type refundLine struct {
	idx     int
	qty     int
	restock string // RETURN | NO_RESTOCK | CANCEL
}

func (g *orderGen) randomRefund(o *shopify.Order, when time.Time, loc *shopify.Location) {
	var lines []refundLine
	full := g.chance(35)
	for i, li := range o.LineItems {
		if li.IsGiftCard || li.CurrentQuantity == 0 {
			continue
		}
		if isTipLine(li) {
			// A tip goes back with a full refund and, now and then, on its own
			// terms with a partial one (returns take a tipLineId).
			if full || g.chance(40) {
				lines = append(lines, refundLine{idx: i, qty: li.CurrentQuantity, restock: "NO_RESTOCK"})
			}
			continue
		}
		q := li.CurrentQuantity
		if !full {
			if len(lines) > 0 || g.chance(30) {
				continue
			}
			q = 1 + g.rng.IntN(li.CurrentQuantity)
		}
		restock := "RETURN"
		if g.chance(35) {
			restock = "NO_RESTOCK"
		}
		lines = append(lines, refundLine{idx: i, qty: q, restock: restock})
	}
	if len(lines) == 0 {
		return
	}
	var fee money.Cents
	if !full && g.chance(25) {
		fee = money.MustParse("5.00")
	}
	g.refund(o, when, lines, full, fee, loc, "")
}

func (g *orderGen) cancel(o *shopify.Order, when time.Time) {
	var lines []refundLine
	for i, li := range o.LineItems {
		if li.CurrentQuantity > 0 {
			lines = append(lines, refundLine{idx: i, qty: li.CurrentQuantity, restock: "CANCEL"})
		}
	}
	t := when
	o.CancelledAt = &t
	o.CancelReason = []string{"CUSTOMER", "INVENTORY", "STAFF"}[g.rng.IntN(3)]
	g.refund(o, when, lines, true, 0, o.RetailLocation, "Order cancelled")
}

// share is the part of whole belonging to the units (done, done+k] of q,
// computed cumulatively so refunding every unit returns exactly whole.
func share(whole money.Cents, done, k, q int) money.Cents {
	return whole*money.Cents(done+k)/money.Cents(q) - whole*money.Cents(done)/money.Cents(q)
}

func (g *orderGen) refund(o *shopify.Order, when time.Time, lines []refundLine, shipping bool, fee money.Cents, loc *shopify.Location, note string) {
	pw := when
	rf := shopify.Refund{ID: g.ids.gid("Refund"), CreatedAt: when, ProcessedAt: &pw, UpdatedAt: when, Note: note,
		RefundLineItems: []shopify.RefundLineItem{}, RefundShippingLines: []shopify.RefundShippingLine{},
		OrderAdjustments: []shopify.OrderAdjustment{}, Transactions: []shopify.OrderTransaction{}}
	rf.LegacyResourceID = gidNumber(rf.ID)
	agr := shopify.SalesAgreement{Typename: "RefundAgreement", ID: g.ids.gid("OrderAgreement"), HappenedAt: when, Reason: "REFUND", Sales: []shopify.Sale{}}
	var total money.Cents
	for _, rl := range lines {
		li := &o.LineItems[rl.idx]
		done := li.Quantity - li.CurrentQuantity
		base := lineBase(*li)
		sub := share(base, done, rl.qty, li.Quantity)
		var taxes []shopify.TaxLine
		var tax money.Cents
		for _, tl := range li.TaxLines {
			t := share(tl.PriceSet.ShopMoney.Amount, done, rl.qty, li.Quantity)
			c := tl
			c.PriceSet = bag(-t, g.cur)
			taxes = append(taxes, c)
			tax += t
		}
		var disc money.Cents
		for _, a := range li.DiscountAllocations {
			disc += share(a.AllocatedAmountSet.ShopMoney.Amount, done, rl.qty, li.Quantity)
		}
		rli := shopify.RefundLineItem{LineItem: shopify.LineItemRef{ID: li.ID, SKU: li.SKU}, Quantity: rl.qty,
			PriceSet: bag(base/money.Cents(li.Quantity), g.cur), SubtotalSet: bag(sub, g.cur), TotalTaxSet: bag(tax, g.cur),
			RestockType: rl.restock, Restocked: rl.restock != "NO_RESTOCK" && !li.IsGiftCard && !isTipLine(*li)}
		if isTipLine(*li) {
			rli.RestockType = "NO_RESTOCK"
		}
		if rli.Restocked {
			rli.Location = loc
			if loc == nil {
				wh := g.data.Locations[len(g.data.Locations)-1]
				rli.Location = &wh
			}
		}
		rf.RefundLineItems = append(rf.RefundLineItems, rli)
		li.CurrentQuantity -= rl.qty
		amt := sub
		if !o.TaxesIncluded {
			amt += tax
		}
		total += amt
		typ, lt := "ProductSale", "PRODUCT"
		switch {
		case li.IsGiftCard:
			typ, lt = "GiftCardSale", "GIFT_CARD"
		case isTipLine(*li):
			typ, lt = "TipSale", "TIP"
		}
		agr.Sales = append(agr.Sales, g.sale(typ, "RETURN", lt, -rl.qty, -amt, -tax, -disc, taxes, li))
	}
	if shipping {
		for _, sl := range o.ShippingLines {
			if refundedShipping(o) > 0 {
				break
			}
			price := sl.DiscountedPriceSet.ShopMoney.Amount
			tax := sumTax(sl.TaxLines)
			if price == 0 && tax == 0 {
				continue
			}
			rf.RefundShippingLines = append(rf.RefundShippingLines, shopify.RefundShippingLine{
				SubtotalAmountSet: bag(price, g.cur), TaxAmountSet: bag(tax, g.cur)})
			amt := price
			if !o.TaxesIncluded {
				amt += tax
			}
			total += amt
			var negTaxes []shopify.TaxLine
			for _, tl := range sl.TaxLines {
				c := tl
				c.PriceSet = bag(-tl.PriceSet.ShopMoney.Amount, g.cur)
				negTaxes = append(negTaxes, c)
			}
			agr.Sales = append(agr.Sales, g.sale("ShippingLineSale", "RETURN", "SHIPPING", -1, -amt, -tax, 0, negTaxes, nil))
		}
	}
	if fee > 0 && fee < total {
		rf.OrderAdjustments = append(rf.OrderAdjustments, shopify.OrderAdjustment{ID: g.ids.gid("OrderAdjustment"),
			AmountSet: bag(-fee, g.cur), TaxAmountSet: bag(0, g.cur), Reason: "RESTOCK"})
		total -= fee
		agr.Sales = append(agr.Sales, g.sale("AdjustmentSale", "RETURN", "ADJUSTMENT", 0, fee, 0, 0, nil, nil))
	}
	// Money goes back to the tenders, latest first, never more than each took.
	left := total
	for i := len(o.Transactions) - 1; i >= 0 && left > 0; i-- {
		t := o.Transactions[i]
		if t.Kind != "SALE" || t.Status != "SUCCESS" {
			continue
		}
		avail := netOnTransaction(o, t)
		if avail <= 0 {
			continue
		}
		amt := min(avail, left)
		left -= amt
		rt := g.txn("REFUND", t.Gateway, amt, when, loc)
		rt.ParentTransaction = &shopify.TransactionRef{ID: t.ID}
		rf.Transactions = append(rf.Transactions, rt)
		o.Transactions = append(o.Transactions, rt)
	}
	if left > 0 {
		// Less money is left than the parts are worth: cash was rounded down
		// when paid, so the refund is rounded the same way and recorded.
		total -= left
		if cr := o.TotalCashRoundingAdjustment; cr != nil {
			cr.RefundSet = bag(cr.RefundSet.ShopMoney.Amount-left, g.cur)
		}
	}
	rf.TotalRefundedSet = bag(total, g.cur)
	o.Refunds = append(o.Refunds, rf)
	o.Agreements = append(o.Agreements, agr)
	if when.After(o.UpdatedAt) {
		o.UpdatedAt = when
	}
	retotal(o)
}

func refundedShipping(o *shopify.Order) money.Cents {
	var s money.Cents
	for _, r := range o.Refunds {
		for _, sl := range r.RefundShippingLines {
			s += sl.SubtotalAmountSet.ShopMoney.Amount
		}
	}
	return s
}

// netOnTransaction is what a SALE still holds: its amount less change given
// and refunds already made against it.
func netOnTransaction(o *shopify.Order, sale shopify.OrderTransaction) money.Cents {
	net := sale.AmountSet.ShopMoney.Amount
	for _, t := range o.Transactions {
		if t.ParentTransaction != nil && t.ParentTransaction.ID == sale.ID && (t.Kind == "CHANGE" || t.Kind == "REFUND") {
			net -= t.AmountSet.ShopMoney.Amount
		}
	}
	return net
}

func gidNumber(gid string) string {
	if i := strings.LastIndexByte(gid, '/'); i >= 0 {
		n := gid[i+1:]
		if q := strings.IndexByte(n, '?'); q >= 0 {
			n = n[:q]
		}
		return n
	}
	return gid
}

func gidType(gid string) string {
	rest, ok := strings.CutPrefix(gid, "gid://shopify/")
	if !ok {
		return ""
	}
	t, _, _ := strings.Cut(rest, "/")
	return t
}
