package shopqb

import "strings"

// Categories lists every mapping category except the per-gateway clearing
// accounts, in the order the merchant is asked about them.
func Categories() []Category {
	return []Category{
		SalesIncome, ShippingIncome, Discounts, SalesTaxPayable, TipsPayable, GiftCardLiability,
		StoreCreditLiability, Bank, ProcessingFees, Chargebacks, PayoutAdjustments, CashOverShort,
		COGS, InventoryAsset, InventoryAdjustment, AccountsPayable, UndepositedFunds,
	}
}

// IsClearing reports whether c is a gateway's clearing category and names the gateway.
func (c Category) IsClearing() (gateway string, ok bool) {
	return strings.CutPrefix(string(c), "clearing:")
}

// GatewayCategory is where the money a gateway takes in sits until it is
// deposited: its own clearing account, except gift cards and store credit,
// which draw down the liability they were sold into (so they have no
// clearing account of their own).
func GatewayCategory(gateway string) Category {
	switch gateway {
	case "gift_card":
		return GiftCardLiability
	case "store_credit", "shopify_store_credit":
		return StoreCreditLiability
	}
	return ClearingCategory(gateway)
}

// AllowedAccountTypes are the QuickBooks account types (qbXML AccountType
// values of the 13.0 schema) a category may be booked to. The rule is
// accounting, not taste: a liability booked to an income account overstates
// income until the gift card is redeemed; a clearing account that is not an
// asset cannot hold money waiting for a payout. The first type is the one
// shopqb creates a missing account with (NewAccountType).
func AllowedAccountTypes(c Category) []string {
	if _, ok := c.IsClearing(); ok {
		return []string{"OtherCurrentAsset", "Bank"}
	}
	switch c {
	case SalesIncome:
		return []string{"Income"}
	case ShippingIncome:
		return []string{"Income", "OtherIncome"}
	case Discounts:
		return []string{"Income", "Expense"}
	case SalesTaxPayable, TipsPayable, GiftCardLiability, StoreCreditLiability:
		return []string{"OtherCurrentLiability"}
	case Bank:
		return []string{"Bank"}
	case ProcessingFees, Chargebacks:
		return []string{"Expense", "OtherExpense"}
	case PayoutAdjustments, CashOverShort:
		return []string{"Expense", "OtherExpense", "OtherIncome"}
	case COGS:
		return []string{"CostOfGoodsSold"}
	case InventoryAsset, UndepositedFunds:
		return []string{"OtherCurrentAsset"}
	case InventoryAdjustment:
		return []string{"Expense", "CostOfGoodsSold"}
	case AccountsPayable:
		return []string{"AccountsPayable"}
	}
	return nil
}

// NewAccountType is the type shopqb gives a mapped account it creates
// because the company does not have it: the first allowed type.
func NewAccountType(c Category) string {
	if t := AllowedAccountTypes(c); len(t) > 0 {
		return t[0]
	}
	return "OtherCurrentAsset"
}

// AccountTypeAllowed reports whether an account of type typ may hold c.
func AccountTypeAllowed(c Category, typ string) bool {
	for _, t := range AllowedAccountTypes(c) {
		if strings.EqualFold(t, typ) {
			return true
		}
	}
	return false
}
