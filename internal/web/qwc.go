package web

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbwc"
)

// ShopQWC describes the .qwc file of a shop whose Web Connector endpoint is
// endpoint (this server's /qbwc, e.g. https://shopqb.example.com/qbwc). It
// lives here because the file points at two routes this package serves: the
// endpoint and, next to it, /support — the Web Connector wants the support
// page on the endpoint's host. `shopqb qwc` and the admin API both build the
// file with it, so the two never drift. The app token is the password typed
// into the Web Connector and is never part of the file; QWC.Marshal checks
// the rest (https, or http only for this machine).
func ShopQWC(shop *shopqb.Shop, endpoint string, everyMinutes int) (qbwc.QWC, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return qbwc.QWC{}, fmt.Errorf("the Web Connector URL %q is not a URL; use e.g. https://shopqb.example.com/qbwc", endpoint)
	}
	support := *u
	support.RawQuery, support.Fragment = "", ""
	support.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/qbwc") + "/support"
	support.RawPath = ""
	return qbwc.QWC{
		AppName:          "shopqb " + strings.TrimSuffix(shop.Domain, ".myshopify.com"),
		AppURL:           endpoint,
		AppDescription:   "Syncs " + shop.Domain + " (Shopify and Shopify POS) into QuickBooks",
		AppSupport:       support.String(),
		UserName:         shop.QBWCUser,
		OwnerID:          shop.OwnerID,
		FileID:           shop.FileID,
		AppUniqueName:    "shopqb-" + shop.Domain,
		RunEveryNMinutes: everyMinutes,
	}, nil
}
