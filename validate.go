package shopqb

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// How a shop reaches the Shopify Admin API (Shop.ShopifyAuth).
const (
	// AuthStatic is a legacy custom app's admin token, pasted by the
	// merchant; "" means the same, for shops registered before the choice.
	AuthStatic = "static"
	// AuthClientCredentials is an app of the store's own organisation: its
	// client id and secret, stored per shop, buy a ~24 h token.
	AuthClientCredentials = "client_credentials"
	// AuthOAuth is this deployment's app, installed by the merchant through
	// /shopify/install: an expiring offline token with a refresh token.
	AuthOAuth = "oauth"
)

// ValidShopifyAuth reports whether auth names a method shopqb knows.
func ValidShopifyAuth(auth string) error {
	switch auth {
	case "", AuthStatic, AuthClientCredentials, AuthOAuth:
		return nil
	}
	return Errorf(EInvalid, "unknown Shopify auth %q: use %s, %s or %s", auth, AuthStatic, AuthClientCredentials, AuthOAuth)
}

// shopDomainPattern accepts only <name>.myshopify.com. Shopify's own library
// also accepts other hosts, but a deployment that follows redirects and sends
// tokens to whatever "shop" a query string names must be strict.
var shopDomainPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*\.myshopify\.com$`)

// ValidateShopDomain reports whether d is a plain lower-case
// <name>.myshopify.com host.
func ValidateShopDomain(d string) error {
	if len(d) > 255 || !shopDomainPattern.MatchString(d) {
		return Errorf(EInvalid, "shop domain %q is not of the form name.myshopify.com", d)
	}
	return nil
}

// currencyPattern is an ISO 4217 code's shape.
var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)

// Validate checks what every front door must check before a shop is stored:
// the domain, the time zone transactions are dated in, the currency, how
// Shopify is reached and the settings. Errors are EInvalid and name the field.
func (s *Shop) Validate() error {
	if err := ValidateShopDomain(s.Domain); err != nil {
		return Errorf(EInvalid, "domain: %s (the shop's host name, without https:// or a path)", err.Error())
	}
	if s.TimeZone == "" || s.TimeZone == "Local" {
		return Errorf(EInvalid, "time zone is required: the shop's IANA time zone, e.g. America/New_York")
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil {
		return Errorf(EInvalid, "time zone %q is not an IANA time zone such as America/New_York", s.TimeZone)
	}
	if !currencyPattern.MatchString(s.Currency) {
		return Errorf(EInvalid, "currency %q is not an ISO 4217 code such as USD", s.Currency)
	}
	if err := ValidShopifyAuth(s.ShopifyAuth); err != nil {
		return err
	}
	if s.ShopifyURL != "" {
		u, err := url.Parse(s.ShopifyURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return Errorf(EInvalid, "Shopify URL must be an http(s) base URL such as https://example.myshopify.com, or left out")
		}
	}
	return s.Settings.Validate()
}

// Validate checks the modes and the schedule. A start date and a mapping
// are only required at the start (the shop administration's start check).
// Its error is the first of Problems.
func (s Settings) Validate() error {
	if ps := s.Problems(); len(ps) > 0 {
		return &Error{Code: EInvalid, Message: ps[0].Text}
	}
	return nil
}

// Problems lists what is wrong with the modes, the start date and the
// schedule, each as the start problem it is.
func (s Settings) Problems() []StartProblem {
	var out []StartProblem
	for _, m := range []struct {
		name string
		mode Mode
	}{{"sales", s.SalesMode}, {"customers", s.CustomersMode}, {"inventory", s.InventoryMode}, {"vendors", s.VendorsMode}} {
		if !m.mode.Valid() {
			out = append(out, NewStartProblem(ProblemBadMode, AreaModes,
				fmt.Sprintf("%s mode %q: choose detail or summary", m.name, m.mode), "Mode", m.name, "Value", string(m.mode)))
		}
	}
	if s.StartDate != "" {
		if _, err := time.Parse("2006-01-02", s.StartDate); err != nil {
			out = append(out, NewStartProblem(ProblemBadStartDate, AreaStartDate,
				fmt.Sprintf("start date %q: use YYYY-MM-DD", s.StartDate), "Date", s.StartDate))
		}
	}
	if s.Schedule != "" && s.Schedule != "manual" {
		if _, _, err := ParseDailySchedule(s.Schedule); err != nil {
			out = append(out, NewStartProblem(ProblemBadSchedule, AreaSchedule, err.Error(), "Schedule", s.Schedule))
		}
	}
	return out
}

// ParseDailySchedule reads a "daily HH:MM" schedule (24-hour, shop time).
func ParseDailySchedule(s string) (hour, minute int, err error) {
	var h, m int
	var rest string
	n, _ := fmt.Sscanf(s, "daily %d:%d%s", &h, &m, &rest)
	if n != 2 || !strings.HasPrefix(s, "daily ") || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, Errorf(EInvalid, "schedule %q: use \"manual\" or \"daily HH:MM\" (24-hour, shop time)", s)
	}
	return h, m, nil
}
