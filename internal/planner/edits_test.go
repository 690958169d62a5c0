package planner

import (
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

func postingKinds(plan *Plan) map[string]string {
	out := map[string]string{}
	for _, p := range plan.Postings {
		out[p.Key] = p.Kind
	}
	return out
}

// An edit that took units away is booked when Shopify has paid their price
// back; until then it waits with a warning, the sale stays booked as sold,
// and the books still reconcile (the refund so far waits with it).
func TestOrderEditRemovalWaitsForItsRefund(t *testing.T) {
	const edit, refund = "order:5009:adjust:8902", "order:5009:adjust:8902:payment:shopify_payments"

	in := goldenCase(t, "order-edit-removes-item")
	plan, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if k := postingKinds(plan); k[edit] != "CreditMemoAdd" || k[refund] != "ARRefundCreditCardAdd" {
		t.Fatalf("paid back in full: postings %v", k)
	}

	for name, paidBack := range map[string]string{"no refund yet": "", "part refunded": "10.00"} {
		t.Run(name, func(t *testing.T) {
			in := goldenCase(t, "order-edit-removes-item")
			o := &in.Orders[0]
			if paidBack == "" {
				o.Refunds = nil
			} else {
				a := money.MustParse(paidBack)
				o.Refunds[0].TotalRefundedSet.ShopMoney.Amount = a
				o.Refunds[0].Transactions[0].AmountSet.ShopMoney.Amount = a
			}
			_, plan, err := build(in)
			if err != nil {
				t.Fatal(err)
			}
			assertReconciles(t, plan)
			k := postingKinds(plan)
			if k["order:5009:sale"] != "SalesReceiptAdd" || k[edit] != "" || k[refund] != "" {
				t.Errorf("postings %v: want the sale only", k)
			}
			if len(plan.Warnings) != 1 || !strings.Contains(plan.Warnings[0], "#1009") || !strings.Contains(plan.Warnings[0], "15.60") {
				t.Errorf("warnings %q", plan.Warnings)
			}
		})
	}

	// More paid back than the edit took away is not a state Shopify gets
	// into: the plan stops, naming the order and both figures.
	in = goldenCase(t, "order-edit-removes-item")
	o := &in.Orders[0]
	o.Refunds[0].TotalRefundedSet.ShopMoney.Amount = money.MustParse("20.00")
	o.Refunds[0].Transactions[0].AmountSet.ShopMoney.Amount = money.MustParse("20.00")
	if _, f := failedAlone(t, in); !strings.Contains(f.ErrorMessage, "#1009") || !strings.Contains(f.ErrorMessage, "15.60") {
		t.Errorf("over-refunded edit: %s", f.ErrorMessage)
	}
}

// Summary inventory mode: units an edit removed were counted sold with the
// order and come back on the day of the edit.
func TestOrderEditRemovalGivesCostBack(t *testing.T) {
	in := goldenCase(t, "order-edit-removes-item")
	in.Shop.Settings.InventoryMode = shopqb.Summary
	in.Variants = map[string]shopify.ProductVariant{}
	for id, cost := range map[string]string{"gid://shopify/ProductVariant/406": "8.00", "gid://shopify/ProductVariant/407": "3.00"} {
		in.Variants[id] = shopify.ProductVariant{ID: id, InventoryItem: &shopify.InventoryItem{UnitCost: &shopify.Money{Amount: money.MustParse(cost), CurrencyCode: "USD"}}}
	}
	p, plan, err := build(in)
	if err != nil {
		t.Fatal(err)
	}
	assertReconciles(t, plan)
	want := map[string]money.Cents{"cogs:2026-11-20": money.MustParse("14.00"), "cogs:2026-11-21": money.MustParse("-3.00")}
	got := map[string]money.Cents{}
	for _, d := range p.docs {
		if d.kind == kindJournalEntry {
			for _, l := range d.je {
				if l.category == shopqb.COGS {
					got[d.key] += l.amount
				}
			}
		}
	}
	if len(got) != len(want) || got["cogs:2026-11-20"] != want["cogs:2026-11-20"] || got["cogs:2026-11-21"] != want["cogs:2026-11-21"] {
		t.Errorf("cost of goods by day %v, want %v", got, want)
	}
}
