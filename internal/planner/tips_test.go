package planner

import (
	"testing"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

func tipTestOrder(tip string, subtotalQty *int, agreements []shopify.SalesAgreement) *shopify.Order {
	one := 1
	b := func(a string) shopify.MoneyBag {
		return shopify.MoneyBag{ShopMoney: shopify.Money{Amount: money.MustParse(a), CurrencyCode: "USD"}}
	}
	return &shopify.Order{ID: "gid://shopify/Order/1", Name: "#1", TotalTipReceivedSet: b(tip), SubtotalLineItemsQuantity: subtotalQty,
		Agreements: agreements,
		LineItems: []shopify.LineItem{
			{ID: "gid://shopify/LineItem/1", Name: "Mug", Quantity: 2, OriginalTotalSet: b("40.00"), Taxable: true,
				Variant: &shopify.ProductVariant{ID: "gid://shopify/ProductVariant/1"}},
			{ID: "gid://shopify/LineItem/2", Name: "Tip", Quantity: 1, OriginalTotalSet: b("6.00"), NonFulfillableQuantity: &one},
		}}
}

// TestFindTipLines: a tip line is named by the agreements' TipSale, else
// told apart by what the schema says of tips; a line the subtotal counts, or
// one that does not make up the tip, is merchandise.
func TestFindTipLines(t *testing.T) {
	two, three := 2, 3
	tipSale := []shopify.SalesAgreement{{Reason: "ORDER", Sales: []shopify.Sale{
		{Typename: "TipSale", LineType: "TIP", LineItem: &shopify.LineItemRef{ID: "gid://shopify/LineItem/2"}}}}}
	cases := []struct {
		name string
		o    *shopify.Order
		want bool
	}{
		{"agreement names it", tipTestOrder("6.00", nil, tipSale), true},
		{"schema marks, quantity left out of the subtotal", tipTestOrder("6.00", &two, nil), true},
		{"schema marks, subtotal quantity not read", tipTestOrder("6.00", nil, nil), true},
		{"the subtotal counts the unit: merchandise", tipTestOrder("6.00", &three, nil), false},
		{"the line is not the tip's amount", tipTestOrder("5.00", &two, nil), false},
		{"no tip on the order", tipTestOrder("0.00", &two, nil), false},
	}
	for _, c := range cases {
		got := findTipLines(c.o)
		if got["gid://shopify/LineItem/2"] != c.want || got["gid://shopify/LineItem/1"] {
			t.Errorf("%s: tip lines %v, want line 2 %v", c.name, got, c.want)
		}
	}
}
