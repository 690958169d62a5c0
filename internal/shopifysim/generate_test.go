package shopifysim

import (
	"encoding/json"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

func genOpts(seed int64, orders int) GeneratorOptions {
	ny, _ := time.LoadLocation("America/New_York")
	return GeneratorOptions{Seed: seed, Orders: orders, Days: 14, Start: time.Date(2026, 11, 1, 0, 0, 0, 0, ny),
		Shop: Shop{Domain: "demo-store.myshopify.com", Name: "Demo Store", Currency: "USD", Timezone: "America/New_York"}}
}

// expectedTax recomputes one jurisdiction's tax with exact rationals and
// half-up rounding, independently of the generator's integer arithmetic.
func expectedTax(t *testing.T, base money.Cents, rate string, inclusive bool, sumRates *big.Rat) money.Cents {
	t.Helper()
	r, ok := new(big.Rat).SetString(rate)
	if !ok {
		t.Fatalf("bad rate %q", rate)
	}
	x := new(big.Rat).Mul(new(big.Rat).SetInt64(int64(base)), r)
	if inclusive {
		x.Quo(x, new(big.Rat).Add(big.NewRat(1, 1), sumRates))
	}
	x.Add(x, big.NewRat(1, 2))
	q := new(big.Int).Quo(x.Num(), x.Denom())
	return money.Cents(q.Int64())
}

type features map[string]int

// checkOrder verifies every total of one order against its parts.
func checkOrder(t *testing.T, o shopify.Order, seen features) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("order %s (%s): %s", o.Name, o.ID, fmt.Sprintf(format, args...))
	}
	apps := map[int]shopify.DiscountApplication{}
	for _, a := range o.DiscountApplications {
		apps[a.Index] = a
	}
	type tk struct{ title, rate string }
	taxSum := map[tk]money.Cents{}
	var subtotal, discounts, shipping, tipLines money.Cents
	subtotalQty := 0
	tipIDs := map[string]bool{}
	for _, li := range o.LineItems {
		if li.OriginalTotalSet.ShopMoney.Amount != li.OriginalUnitPriceSet.ShopMoney.Amount*money.Cents(li.Quantity) {
			fail("line %s original total %s ≠ unit × quantity", li.ID, li.OriginalTotalSet.ShopMoney.Amount)
		}
		if li.NonFulfillableQuantity == nil {
			fail("line %s has no nonFulfillableQuantity", li.ID)
			continue
		}
		if li.Variant == nil {
			// A tip, as the schema describes one: a line of its own that is
			// never fulfillable, untaxed, undiscounted, outside the subtotal.
			if *li.NonFulfillableQuantity != li.Quantity || li.Taxable || li.RequiresShipping || len(li.TaxLines) > 0 || len(li.DiscountAllocations) > 0 {
				fail("tip line %s: nonFulfillable %d of %d, taxable %v, shipping %v, %d tax lines, %d discounts", li.ID,
					*li.NonFulfillableQuantity, li.Quantity, li.Taxable, li.RequiresShipping, len(li.TaxLines), len(li.DiscountAllocations))
			}
			tipLines += li.OriginalTotalSet.ShopMoney.Amount
			tipIDs[li.ID] = true
			seen["tip line"]++
			continue
		}
		if *li.NonFulfillableQuantity != li.Quantity-li.CurrentQuantity {
			fail("line %s nonFulfillable %d, quantity %d, current %d", li.ID, *li.NonFulfillableQuantity, li.Quantity, li.CurrentQuantity)
		}
		if !li.IsGiftCard {
			subtotalQty += li.Quantity
		}
		var alloc, lineLevel money.Cents
		for _, a := range li.DiscountAllocations {
			app, ok := apps[a.DiscountApplication.Index]
			if !ok {
				fail("line %s allocation points at missing application %d", li.ID, a.DiscountApplication.Index)
			}
			alloc += a.AllocatedAmountSet.ShopMoney.Amount
			if app.AllocationMethod != "ACROSS" {
				lineLevel += a.AllocatedAmountSet.ShopMoney.Amount
			}
			seen["discount "+app.AllocationMethod]++
		}
		if li.TotalDiscountSet.ShopMoney.Amount != alloc {
			fail("line %s totalDiscount %s ≠ Σ allocations %s", li.ID, li.TotalDiscountSet.ShopMoney.Amount, alloc)
		}
		if li.DiscountedTotalSet.ShopMoney.Amount != li.OriginalTotalSet.ShopMoney.Amount-lineLevel {
			fail("line %s discountedTotal wrong", li.ID)
		}
		base := li.OriginalTotalSet.ShopMoney.Amount - alloc
		if base < 0 {
			fail("line %s negative after discounts", li.ID)
		}
		subtotal += base
		discounts += alloc
		if li.IsGiftCard {
			seen["gift card sold"]++
			if alloc != 0 || sumTax(li.TaxLines) != 0 || li.Taxable {
				fail("gift card line %s is discounted or taxed", li.ID)
			}
		}
		if len(li.SKU) >= 40 {
			seen["long sku"]++
		}
		sumRates := new(big.Rat)
		for _, tl := range li.TaxLines {
			r, _ := new(big.Rat).SetString(string(tl.Rate))
			sumRates.Add(sumRates, r)
		}
		for _, tl := range li.TaxLines {
			want := expectedTax(t, base, string(tl.Rate), o.TaxesIncluded, sumRates)
			if tl.PriceSet.ShopMoney.Amount != want {
				fail("line %s tax %s@%s = %s, want %s", li.ID, tl.Title, tl.Rate, tl.PriceSet.ShopMoney.Amount, want)
			}
			taxSum[tk{tl.Title, string(tl.Rate)}] += tl.PriceSet.ShopMoney.Amount
		}
		if len(li.TaxLines) >= 3 {
			seen["3+ jurisdictions"]++
		}
	}
	for _, sl := range o.ShippingLines {
		shipping += sl.DiscountedPriceSet.ShopMoney.Amount
		for _, tl := range sl.TaxLines {
			taxSum[tk{tl.Title, string(tl.Rate)}] += tl.PriceSet.ShopMoney.Amount
		}
		seen["shipping"]++
	}
	var tax money.Cents
	for _, tl := range o.TaxLines {
		if taxSum[tk{tl.Title, string(tl.Rate)}] != tl.PriceSet.ShopMoney.Amount {
			fail("order tax line %s@%s = %s, lines sum to %s", tl.Title, tl.Rate, tl.PriceSet.ShopMoney.Amount, taxSum[tk{tl.Title, string(tl.Rate)}])
		}
		delete(taxSum, tk{tl.Title, string(tl.Rate)})
		tax += tl.PriceSet.ShopMoney.Amount
	}
	for k, v := range taxSum {
		if v != 0 {
			fail("tax %v on lines missing from order tax lines", k)
		}
	}
	tip := o.TotalTipReceivedSet.ShopMoney.Amount
	if tip != tipLines {
		fail("totalTipReceived %s, tip lines %s", tip, tipLines)
	}
	if o.SubtotalLineItemsQuantity == nil || *o.SubtotalLineItemsQuantity != subtotalQty {
		fail("subtotalLineItemsQuantity %v, want %d (tips and gift cards left out)", o.SubtotalLineItemsQuantity, subtotalQty)
	}
	for _, a := range o.Agreements {
		for _, s := range a.Sales {
			if s.Typename == "TipSale" && (s.LineItem == nil || !tipIDs[s.LineItem.ID] || s.LineType != "TIP") {
				fail("agreement %s: TipSale %s does not name a tip line (lineItem %v)", a.ID, s.ID, s.LineItem)
			}
		}
	}
	total := subtotal + shipping + tip
	if !o.TaxesIncluded {
		total += tax
	} else {
		seen["taxes included"]++
	}
	if tip > 0 {
		seen["tip"]++
	}
	check := func(name string, got, want money.Cents) {
		t.Helper()
		if got != want {
			fail("%s = %s, recomputed %s", name, got, want)
		}
	}
	check("subtotalPrice", o.SubtotalPriceSet.ShopMoney.Amount, subtotal)
	check("totalDiscounts", o.TotalDiscountsSet.ShopMoney.Amount, discounts)
	check("totalShippingPrice", o.TotalShippingPriceSet.ShopMoney.Amount, shipping)
	check("totalTax", o.TotalTaxSet.ShopMoney.Amount, tax)
	check("totalPrice", o.TotalPriceSet.ShopMoney.Amount, total)
	if total == 0 {
		seen["zero total"]++
	}

	// Money in and out.
	var received, refundTx money.Cents
	gateways := map[string]bool{}
	sales := map[string]shopify.OrderTransaction{}
	backOnSale := map[string]money.Cents{}
	for _, tx := range o.Transactions {
		if tx.Status != "SUCCESS" {
			continue
		}
		amt := tx.AmountSet.ShopMoney.Amount
		if amt <= 0 {
			fail("transaction %s has non-positive amount %s", tx.ID, amt)
		}
		if len(tx.Fees) > 0 && tx.Gateway != "shopify_payments" {
			fail("fees on a %s transaction", tx.Gateway)
		}
		switch tx.Kind {
		case "SALE":
			received += amt
			gateways[tx.Gateway] = true
			sales[tx.ID] = tx
			seen["gateway "+tx.Gateway]++
			if tx.AmountRoundingSet != nil {
				seen["cash rounding"]++
			}
		case "CHANGE":
			received -= amt
			seen["change"]++
			backOnSale[tx.ParentTransaction.ID] += amt
		case "REFUND":
			refundTx += amt
			backOnSale[tx.ParentTransaction.ID] += amt
		}
	}
	for id, back := range backOnSale {
		if back > sales[id].AmountSet.ShopMoney.Amount {
			fail("more returned on %s than it took", id)
		}
	}
	if len(gateways) > 1 {
		seen["split tender"]++
	}
	var rounding money.Cents
	if o.TotalCashRoundingAdjustment != nil {
		rounding = o.TotalCashRoundingAdjustment.PaymentSet.ShopMoney.Amount
	}
	check("totalReceived", o.TotalReceivedSet.ShopMoney.Amount, received)
	check("received − rounding", received-rounding, total)

	// Order edits that remove units: Shopify keeps them on the order
	// (quantity, totals before removals) and books the removal as RETURN
	// sales of the ORDER_EDIT agreement; the money goes back in refunds
	// without lines.
	var removed money.Cents
	removedQty := map[string]int{}
	for _, a := range o.Agreements {
		if a.Reason != "ORDER_EDIT" {
			continue
		}
		for _, s := range a.Sales {
			if s.TotalAmount.ShopMoney.Amount >= 0 {
				continue
			}
			removed -= s.TotalAmount.ShopMoney.Amount
			if s.Quantity != nil && s.LineItem != nil {
				removedQty[s.LineItem.ID] -= *s.Quantity
			}
			seen["edit removes"]++
		}
	}
	var refunded, parts, edited money.Cents
	refundedQty := map[string]int{}
	for _, r := range o.Refunds {
		if len(r.RefundLineItems)+len(r.RefundShippingLines)+len(r.OrderAdjustments) == 0 {
			// Pays back what an edit removed.
			edited += r.TotalRefundedSet.ShopMoney.Amount
			refunded += r.TotalRefundedSet.ShopMoney.Amount
			continue
		}
		var sum, rtx money.Cents
		for _, rl := range r.RefundLineItems {
			sum += rl.SubtotalSet.ShopMoney.Amount
			if !o.TaxesIncluded {
				sum += rl.TotalTaxSet.ShopMoney.Amount
			}
			refundedQty[rl.LineItem.ID] += rl.Quantity
			seen["restock "+rl.RestockType]++
			if tipIDs[rl.LineItem.ID] {
				seen["tip refunded"]++
				if rl.Restocked || rl.TotalTaxSet.ShopMoney.Amount != 0 {
					fail("refund %s: tip line restocked or taxed", r.ID)
				}
			}
		}
		for _, sl := range r.RefundShippingLines {
			sum += sl.SubtotalAmountSet.ShopMoney.Amount
			if !o.TaxesIncluded {
				sum += sl.TaxAmountSet.ShopMoney.Amount
			}
			seen["refunded shipping"]++
		}
		for _, a := range r.OrderAdjustments {
			sum += a.AmountSet.ShopMoney.Amount
			seen["order adjustment"]++
		}
		for _, tx := range r.Transactions {
			rtx += tx.AmountSet.ShopMoney.Amount
		}
		if rtx != r.TotalRefundedSet.ShopMoney.Amount {
			fail("refund %s transactions %s ≠ totalRefunded %s", r.ID, rtx, r.TotalRefundedSet.ShopMoney.Amount)
		}
		if sum < r.TotalRefundedSet.ShopMoney.Amount {
			fail("refund %s pays back %s, more than its parts %s", r.ID, r.TotalRefundedSet.ShopMoney.Amount, sum)
		}
		parts += sum
		refunded += r.TotalRefundedSet.ShopMoney.Amount
		seen["refund"]++
	}
	var refundRounding money.Cents
	if o.TotalCashRoundingAdjustment != nil {
		refundRounding = o.TotalCashRoundingAdjustment.RefundSet.ShopMoney.Amount
	}
	check("Σ refunds", refunded, parts+refundRounding+edited)
	check("refunds without lines", edited, removed)
	check("totalRefunded", o.TotalRefundedSet.ShopMoney.Amount, refunded)
	check("refund transactions", refundTx, refunded)
	if refunded > received {
		fail("refunded %s more than received %s", refunded, received)
	}
	check("currentTotalPrice", o.CurrentTotalPriceSet.ShopMoney.Amount, total-refunded)
	for _, li := range o.LineItems {
		if li.CurrentQuantity != li.Quantity-refundedQty[li.ID]-removedQty[li.ID] || li.CurrentQuantity < 0 {
			fail("line %s currentQuantity %d, quantity %d, refunded %d, removed %d", li.ID, li.CurrentQuantity, li.Quantity, refundedQty[li.ID], removedQty[li.ID])
		}
	}
	switch {
	case refunded > 0 && refunded == received:
		if o.DisplayFinancialStatus != "REFUNDED" {
			fail("status %s, want REFUNDED", o.DisplayFinancialStatus)
		}
		seen["full refund"]++
	case refunded > 0:
		if o.DisplayFinancialStatus != "PARTIALLY_REFUNDED" {
			fail("status %s, want PARTIALLY_REFUNDED", o.DisplayFinancialStatus)
		}
		seen["partial refund"]++
	default:
		if o.DisplayFinancialStatus != "PAID" {
			fail("status %s, want PAID", o.DisplayFinancialStatus)
		}
	}
	if o.CancelledAt != nil {
		seen["cancelled"]++
		if o.CancelReason == "" {
			fail("cancelled without a reason")
		}
	}

	// The dated ledger adds up to what the order is worth today.
	var ledger money.Cents
	last := time.Time{}
	for _, a := range o.Agreements {
		if a.HappenedAt.Before(last) {
			fail("agreements out of date order")
		}
		last = a.HappenedAt
		seen["agreement "+a.Reason]++
		for _, s := range a.Sales {
			ledger += s.TotalAmount.ShopMoney.Amount
		}
	}
	check("Σ agreement sales", ledger, total-parts-removed)
	if o.Customer != nil && (o.Customer.FirstName == "김") {
		seen["korean customer"]++
	}
	if o.UpdatedAt.Before(o.ProcessedAt) {
		fail("updatedAt before processedAt")
	}
}

func checkPayouts(t *testing.T, d *Data) {
	t.Helper()
	inPayout := map[string]int{}
	for _, p := range d.Payouts {
		var net money.Cents
		for _, bt := range p.BalanceTransactions {
			if bt.Net.Amount != bt.Amount.Amount-bt.Fee.Amount {
				t.Errorf("payout %s: balance transaction %s net ≠ amount − fee", p.ID, bt.ID)
			}
			net += bt.Net.Amount
			if bt.SourceOrderTransactionID != "" {
				inPayout[bt.SourceOrderTransactionID]++
			}
		}
		if PayoutSignedNet(p) != net {
			t.Errorf("payout %s: net %s (%s) ≠ Σ balance transactions %s", p.ID, p.Net.Amount, p.TransactionType, net)
		}
		if p.Net.Amount < 0 {
			t.Errorf("payout %s: net must be reported positive", p.ID)
		}
	}
	for _, o := range d.Orders {
		for _, tx := range o.Transactions {
			if tx.Gateway == "shopify_payments" && (tx.Kind == "SALE" || tx.Kind == "REFUND") {
				if inPayout[gidNumber(tx.ID)] != 1 {
					t.Errorf("order %s: card transaction %s is in %d payouts", o.Name, tx.ID, inPayout[gidNumber(tx.ID)])
				}
			}
		}
	}
}

func TestGeneratorInvariantsOverSeeds(t *testing.T) {
	seen := features{}
	for seed := int64(1); seed <= 40; seed++ {
		d := Generate(genOpts(seed, 120))
		if len(d.Orders) != 120 {
			t.Fatalf("seed %d: %d orders", seed, len(d.Orders))
		}
		for _, o := range d.Orders {
			checkOrder(t, o, seen)
		}
		checkPayouts(t, d)
		tot := ComputeTotals(d)
		var paid, back money.Cents
		for _, v := range tot.PaymentsByGateway {
			paid += v
		}
		for _, v := range tot.RefundsByGateway {
			back += v
		}
		if paid != tot.TotalPrice+tot.CashRounding {
			t.Errorf("seed %d: payments %s ≠ total price %s + rounding %s", seed, paid, tot.TotalPrice, tot.CashRounding)
		}
		if back != tot.Refunded {
			t.Errorf("seed %d: refund transactions %s ≠ refunded %s", seed, back, tot.Refunded)
		}
		var byLine money.Cents
		for _, v := range tot.TaxByLine {
			byLine += v
		}
		if byLine != tot.Tax {
			t.Errorf("seed %d: tax by jurisdiction %s ≠ tax %s", seed, byLine, tot.Tax)
		}
		if t.Failed() {
			t.Fatalf("seed %d failed", seed)
		}
	}
	for _, f := range []string{"discount ACROSS", "discount EACH", "gift card sold", "long sku", "3+ jurisdictions",
		"shipping", "taxes included", "tip", "tip line", "tip refunded", "zero total", "gateway shopify_payments", "gateway cash", "gateway gift_card",
		"gateway shopify_store_credit", "cash rounding", "change", "split tender", "restock RETURN", "restock NO_RESTOCK",
		"restock CANCEL", "refunded shipping", "order adjustment", "refund", "full refund", "partial refund", "cancelled",
		"agreement ORDER", "agreement ORDER_EDIT", "agreement REFUND", "edit removes", "korean customer"} {
		if seen[f] == 0 {
			t.Errorf("no generated order exercises %q over 40 seeds", f)
		}
	}
}

func TestGeneratorIsDeterministic(t *testing.T) {
	a, _ := json.Marshal(Generate(genOpts(7, 60)))
	b, _ := json.Marshal(Generate(genOpts(7, 60)))
	c, _ := json.Marshal(Generate(genOpts(8, 60)))
	if string(a) != string(b) {
		t.Fatal("same seed gave different data")
	}
	if string(a) == string(c) {
		t.Fatal("different seeds gave the same data")
	}
}

func TestGeneratorShop(t *testing.T) {
	d := Generate(genOpts(3, 200))
	if len(d.Locations) < 3 || len(d.Registers) < 3 {
		t.Fatalf("want several locations with registers, got %d locations, %d registers", len(d.Locations), len(d.Registers))
	}
	names := map[string]bool{}
	for _, c := range d.Customers {
		names[c.DisplayName] = true
	}
	for _, want := range []string{"김 민준", "José Müller"} {
		if !names[want] {
			t.Errorf("customer %q missing", want)
		}
	}
	long := false
	for n := range names {
		long = long || len([]rune(n)) > 41
	}
	if !long {
		t.Error("no customer name longer than QuickBooks' 41 characters")
	}
	statuses := map[string]bool{}
	for _, po := range d.PurchaseOrders {
		statuses[po.Source+" "+po.Status] = true
		if po.Status == "PARTIALLY_RECEIVED" {
			var ordered, got int
			for _, l := range po.LineItems {
				ordered += l.Quantity
			}
			for _, r := range po.Receipts {
				for _, l := range r.Lines {
					got += l.Quantity
				}
			}
			if got == 0 || got >= ordered {
				t.Errorf("purchase order %s partially received %d of %d", po.Name, got, ordered)
			}
		}
	}
	for _, want := range []string{"shopify DRAFT", "shopify ORDERED", "shopify PARTIALLY_RECEIVED", "shopify RECEIVED", "stocky RECEIVED"} {
		if !statuses[want] {
			t.Errorf("no %s purchase order", want)
		}
	}
	var lastNum int
	for i, o := range d.Orders {
		var n int
		fmt.Sscanf(o.Name, "#%d", &n)
		if i > 0 && (n != lastNum+1 || o.ProcessedAt.Before(d.Orders[i-1].ProcessedAt)) {
			t.Fatalf("orders not numbered in time order at %s", o.Name)
		}
		lastNum = n
	}
}
