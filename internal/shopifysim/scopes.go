package shopifysim

import (
	"sort"
	"strings"
)

// rootScopes lists, for each root field, the access scopes any one of which
// lets an app read it (reference §1.5, §3.6, §5.3). Fields not listed need
// no particular scope.
var rootScopes = map[string][]string{
	"orders": {"read_orders"}, "order": {"read_orders"}, "refund": {"read_orders"},
	"customers": {"read_customers"}, "customer": {"read_customers"},
	"products": {"read_products"}, "product": {"read_products"},
	"productVariants": {"read_products"}, "productVariant": {"read_products"},
	"inventoryItems": {"read_inventory", "read_products"}, "inventoryItem": {"read_inventory", "read_products"},
	"locations": {"read_locations"}, "location": {"read_locations"},
	"shopifyPaymentsAccount":  {"read_shopify_payments_payouts", "read_shopify_payments", "read_shopify_payments_accounts"},
	"inventoryPurchaseOrders": {"read_inventory_purchase_orders"}, "inventoryPurchaseOrder": {"read_inventory_purchase_orders"},
	"ordersCount": {"read_orders"}, "customersCount": {"read_customers"}, "productVariantsCount": {"read_products"},
	"productVendors": {"read_products"},
}

// nestedScopes guards fields below the root: payouts and their balance
// transactions need the payouts scope even when the account is readable.
var nestedScopes = map[string]map[string][]string{
	"ShopifyPaymentsAccount": {
		"payouts":             {"read_shopify_payments_payouts"},
		"balanceTransactions": {"read_shopify_payments_payouts"},
	},
}

// typeScopes guards objects reached through node/nodes, by GID type.
var typeScopes = map[string][]string{
	"Order": {"read_orders"}, "LineItem": {"read_orders"}, "Refund": {"read_orders"}, "Customer": {"read_customers"},
	"Product": {"read_products"}, "ProductVariant": {"read_products"}, "InventoryItem": {"read_inventory", "read_products"},
	"Location": {"read_locations"}, "ShopifyPaymentsPayout": {"read_shopify_payments_payouts"},
	"ShopifyPaymentsBalanceTransaction": {"read_shopify_payments_payouts"},
	"InventoryPurchaseOrder":            {"read_inventory_purchase_orders"},
}

// allScopes is every scope the simulator checks, granted when Options.Scopes
// is nil; read_all_orders lifts the 60-day limit on orders.
func allScopes() []string {
	seen := map[string]bool{"read_all_orders": true}
	add := func(l []string) {
		for _, s := range l {
			seen[s] = true
		}
	}
	for _, l := range rootScopes {
		add(l)
	}
	for _, l := range typeScopes {
		add(l)
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func (e *executor) hasAny(need []string) bool {
	for _, s := range need {
		if e.granted[s] {
			return true
		}
	}
	return false
}

// requiredAccessText renders Shopify's requiredAccess wording.
func requiredAccessText(need []string) string {
	quoted := make([]string, len(need))
	for i, s := range need {
		quoted[i] = "`" + s + "`"
	}
	if len(need) == 1 {
		return quoted[0] + " access scope."
	}
	return strings.Join(quoted, " or ") + " access scope."
}
