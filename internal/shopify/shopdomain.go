package shopify

import "github.com/shopqb/shopqb"

// ValidateShopDomain reports whether d is a plain lower-case
// <name>.myshopify.com host (the rule is the domain's: shopqb.ValidateShopDomain).
func ValidateShopDomain(d string) error { return shopqb.ValidateShopDomain(d) }
