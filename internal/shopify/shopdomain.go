package shopify

import (
	"fmt"
	"regexp"
)

// shopDomainPattern accepts only <name>.myshopify.com. Shopify's own library
// also accepts other hosts, but a deployment that follows redirects and sends
// tokens to whatever "shop" a query string names must be strict.
var shopDomainPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*\.myshopify\.com$`)

// ValidateShopDomain reports whether d is a plain lower-case
// <name>.myshopify.com host.
func ValidateShopDomain(d string) error {
	if len(d) > 255 || !shopDomainPattern.MatchString(d) {
		return fmt.Errorf("shop domain %q is not of the form name.myshopify.com", d)
	}
	return nil
}
