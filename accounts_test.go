package shopqb_test

import (
	"testing"

	"github.com/shopqb/shopqb"
)

// Every category has a rule, the default mapping's categories included, and
// the type a missing account is created with is one the rule allows.
func TestEveryCategoryHasAllowedTypes(t *testing.T) {
	cats := shopqb.Categories()
	for c := range shopqb.DefaultMapping() {
		cats = append(cats, c)
	}
	for _, c := range cats {
		if len(shopqb.AllowedAccountTypes(c)) == 0 {
			t.Errorf("%s: no allowed account types", c)
		}
		if !shopqb.AccountTypeAllowed(c, shopqb.NewAccountType(c)) {
			t.Errorf("%s: created as %s, which it does not allow", c, shopqb.NewAccountType(c))
		}
	}
	if shopqb.AccountTypeAllowed(shopqb.GiftCardLiability, "Income") {
		t.Error("gift card liability allowed on an income account")
	}
	if !shopqb.AccountTypeAllowed(shopqb.ClearingCategory("paypal"), "Bank") {
		t.Error("a clearing account may be a bank account")
	}
	if shopqb.GatewayCategory("gift_card") != shopqb.GiftCardLiability || shopqb.GatewayCategory("paypal") != shopqb.ClearingCategory("paypal") {
		t.Error("GatewayCategory")
	}
}
