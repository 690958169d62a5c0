package setup

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// ordersPerDaySummary is where summary sales mode is suggested: Webgility
// recommends consolidated posting above about 50 orders a day (ui.md §5.2).
const ordersPerDaySummary = 50

// factsWindow is the order-volume window of step 1.
const factsWindow = 90 * 24 * time.Hour

// readShopify reads the live facts and remembers the gateways and the
// purchase-order scope for the pages that need them without a read.
func (s *Service) readShopify(ctx context.Context, shop *shopqb.Shop) (*shopify.SetupFacts, ShopifyReader, error) {
	r, err := s.cfg.Shopify(ctx, shop)
	if err != nil {
		return nil, nil, err
	}
	f, err := r.SetupFacts(ctx, s.cfg.Now().Add(-factsWindow))
	if err != nil {
		return nil, nil, err
	}
	err = s.update(ctx, shop.ID, func(st *state) {
		st.Gateways = f.Gateways
		st.NativeReadable = f.HasScope("read_inventory_purchase_orders")
	})
	return f, r, err
}

// shopifyProblem is the plain explanation of a failed Shopify read.
func shopifyProblem(err error) *Message {
	var denied *shopify.AccessDeniedError
	if errors.As(err, &denied) {
		return msgp("setup.before.shopify_denied", "Scope", denied.Error())
	}
	return msgp("setup.before.shopify_unreachable")
}

// Before implements Wizard.
func (s *Service) Before(ctx context.Context, shopID int64) (*BeforeView, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	st, err := s.load(ctx, shopID)
	if err != nil {
		return nil, err
	}
	v := &BeforeView{AcknowledgedAt: st.AckAt, AcknowledgedBy: st.AckBy}
	for _, id := range []string{"setup.before.check.qbd_current", "setup.before.check.pos_migrated", "setup.before.check.qbo_other_app",
		"setup.before.check.backup", "setup.before.check.qb_user", "setup.before.check.start_once"} {
		v.Checklist = append(v.Checklist, msg(id))
	}
	f, r, err := s.readShopify(ctx, shop)
	if err == nil {
		var locs []shopify.Location
		if locs, err = r.Locations(ctx); err == nil {
			facts := &ShopFacts{Name: f.Name, Domain: f.Domain, Currency: f.Currency, TimeZone: f.TimeZone, OrdersLast90Days: f.Orders.Count}
			for _, l := range locs {
				if l.IsActive {
					facts.Locations = append(facts.Locations, l.Name)
				}
			}
			facts.SuggestSummary = f.Orders.Count >= ordersPerDaySummary*90
			v.Facts = facts
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		v.FactsError = shopifyProblem(err)
	}
	return v, nil
}

// AcknowledgeBefore implements Wizard.
func (s *Service) AcknowledgeBefore(ctx context.Context, shopID int64, actor string) error {
	if _, err := s.cfg.Admin.Shop(ctx, shopID); err != nil {
		return err
	}
	now := s.cfg.Now()
	return s.update(ctx, shopID, func(st *state) { st.AckAt, st.AckBy = &now, actor })
}

// Connect implements Wizard.
func (s *Service) Connect(ctx context.Context, shopID int64) (*ConnectView, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	v := &ConnectView{WebConnectorURL: s.cfg.WebConnectorURL, QBWCUser: shop.QBWCUser, QWCFileName: qwcFileName(shop), URLUsable: true}
	if _, err := s.cfg.QWC(shop, s.cfg.WebConnectorURL); err != nil {
		v.URLUsable = false
		v.URLProblem = msgp("setup.connect.url_not_https", "URL", s.cfg.WebConnectorURL)
	}
	if v.TokenCreatedAt, err = s.cfg.Admin.AppTokenCreatedAt(ctx, shopID); err != nil {
		return nil, err
	}
	conn, err := s.cfg.QuickBooks.Connection(ctx, shopID)
	if err != nil {
		return nil, err
	}
	pre, err := s.preflight(ctx, shopID)
	if err != nil {
		return nil, err
	}
	v.State = ConnectionState(conn.State)
	if !conn.At.IsZero() {
		at := conn.At
		v.StateAt = &at
	}
	if v.State == ConnConnected && pre == nil {
		v.State = ConnReached // authenticated, the first preflight not back yet
	}
	switch v.State {
	case ConnWaiting:
		v.Status = msg("setup.connect.waiting")
		if err := s.timeWait(ctx, shopID, v); err != nil {
			return nil, err
		}
	case ConnBadPassword:
		v.Status = msg("setup.connect.bad_password")
	case ConnReached:
		v.Status = msg("setup.connect.reached")
	case ConnQBError:
		v.Status = hresultMessage(conn.HRESULT)
	case ConnOtherFile:
		v.Status = msg("setup.connect.other_file", "BoundCompany", conn.BoundCompany, "BoundFile", conn.BoundFile,
			"OpenedCompany", conn.OpenedCompany, "OpenedFile", conn.OpenedFile)
	case ConnRefused:
		if conn.Reason == syncengine.RefusedVersion {
			v.Status = msg("setup.connect.refused_version", "Versions", strings.Join(conn.Supported, ", "), "Needed", qbxml.DefaultVersion)
		} else {
			v.Status = msg("setup.connect.refused_hcp")
		}
	case ConnConnected:
		v.Product, v.Edition, v.QBXMLVersion, v.CompanyName, v.CompanyFile = pre.Product, pre.Edition, pre.QBXMLVersion, pre.CompanyName, pre.CompanyFile
		v.Status = msg("setup.connect.connected", "Product", pre.Product, "Version", pre.QBXMLVersion, "Company", pre.CompanyName, "File", pre.CompanyFile)
		v.Facts = editionFacts(pre)
	default:
		v.Status = msg("setup.connect.waiting")
	}
	return v, nil
}

// timeWait dates the wait for the Web Connector: from the first time the
// page showed it, or from the current token when that is newer (a new token
// starts a new wait: the Web Connector needs the new password first).
func (s *Service) timeWait(ctx context.Context, shopID int64, v *ConnectView) error {
	st, err := s.load(ctx, shopID)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	if st.ConnectShownAt == nil {
		st.ConnectShownAt = &now
		if err := s.save(ctx, shopID, st); err != nil {
			return err
		}
	}
	since := *st.ConnectShownAt
	if t := v.TokenCreatedAt; t != nil && t.After(since) {
		since = *t
	}
	v.WaitingSince = &since
	v.HelpDue = now.Sub(since) >= HelpAfter
	return nil
}

// editionFacts are the connected company's facts that matter to the sync.
func editionFacts(pre *syncengine.Preflight) []Message {
	var out []Message
	if pre.ListLimit > 0 {
		out = append(out, msg("setup.fact.list_limit", "Limit", pre.ListLimit))
	} else {
		out = append(out, msg("setup.fact.no_list_limit"))
	}
	if pre.Inventory {
		out = append(out, msg("setup.fact.inventory_on"))
	} else {
		out = append(out, msg("setup.fact.inventory_off"))
	}
	if pre.MultiCurrency {
		out = append(out, msg("setup.fact.multicurrency_on"))
	}
	if pre.ClosingDate != "" {
		out = append(out, msg("setup.fact.closing_date", "Date", pre.ClosingDate))
	}
	return out
}

// hresultTexts are the HRESULTs whose plain text and fix the catalogs
// carry (ui.md §4); others get qbxml.ClassifyHRESULT's English text.
var hresultTexts = map[string]bool{
	"0x80040408": true, "0x80040420": true, "0x80040418": true, "0x8004040A": true,
	"0x80040410": true, "0x80040422": true, "0x80040414": true, "0x80040416": true,
}

func hresultMessage(code string) Message {
	c := qbxml.ClassifyHRESULT(code)
	if hresultTexts[c.Code] {
		return msg("setup.connect.qb_error."+c.Code, "Code", c.Code)
	}
	return msg("setup.connect.qb_error", "Code", c.Code, "Text", c.Message, "Fix", c.Fix)
}

func qwcFileName(shop *shopqb.Shop) string {
	return "shopqb-" + strings.TrimSuffix(shop.Domain, ".myshopify.com") + ".qwc"
}

// NewAppToken implements Wizard.
func (s *Service) NewAppToken(ctx context.Context, shopID int64, actor string) (string, error) {
	return s.cfg.Admin.RotateAppToken(ctx, shopID, actor)
}

// QWC implements Wizard: refused, with the Web Connector's reason, when the
// address is one it would not accept.
func (s *Service) QWC(ctx context.Context, shopID int64) ([]byte, string, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, "", err
	}
	body, err := s.cfg.QWC(shop, s.cfg.WebConnectorURL)
	if err != nil {
		return nil, "", &URLRefusedError{URL: s.cfg.WebConnectorURL, Err: err}
	}
	return body, qwcFileName(shop), nil
}

// URLRefusedError refuses the .qwc download: the Web Connector would not add
// an application at this address (QBWC1010/1051).
type URLRefusedError struct {
	URL string
	Err error
}

func (e *URLRefusedError) Error() string {
	return fmt.Sprintf("the Web Connector only accepts https:// addresses (or http on this computer), not %s (QBWC1010/1051): %v", e.URL, e.Err)
}

func (e *URLRefusedError) Unwrap() error { return e.Err }

// Message is the refusal for the pages.
func (e *URLRefusedError) Message() Message { return msg("setup.connect.url_not_https", "URL", e.URL) }

// taxChecks are step 3's checks, from the preflight.
func taxChecks(pre *syncengine.Preflight, startDate string) []Check {
	if pre == nil {
		return []Check{{ID: "quickbooks_read", Label: msg("setup.tax.check.read"), Fix: msgp("setup.tax.fix.read")}}
	}
	on := Check{ID: "sales_tax_on", Label: msg("setup.tax.check.on"), Passed: pre.SalesTaxOn}
	if !on.Passed {
		on.Fix = msgp("setup.tax.fix.on")
	}
	// With sales tax off QuickBooks names no most common item: the labels
	// then say what is checked without an empty "( : %)".
	zero := Check{ID: "default_item_zero", Label: msg("setup.tax.check.zero", "Item", pre.DefaultTax, "Rate", pre.DefaultRate),
		Passed: pre.SalesTaxOn && pre.DefaultTax != "" && zeroRate(pre.DefaultRate)}
	if pre.DefaultTax == "" {
		zero.Label = msg("setup.tax.check.zero_no_item")
	}
	if !zero.Passed {
		if pre.DefaultTax == "" {
			zero.Fix = msgp("setup.tax.fix.no_item")
		} else {
			zero.Fix = msgp("setup.tax.fix.zero", "Item", pre.DefaultTax, "Rate", pre.DefaultRate)
		}
	}
	agency := Check{ID: "tax_agency", Label: msg("setup.tax.check.agency", "Item", pre.DefaultTax, "Agency", pre.TaxAgency),
		Passed: pre.DefaultTax != "" && pre.TaxAgency != ""}
	if pre.DefaultTax == "" {
		agency.Label = msg("setup.tax.check.agency_no_item")
	}
	if !agency.Passed {
		agency.Fix = msgp("setup.tax.fix.agency", "Item", pre.DefaultTax)
		if pre.DefaultTax == "" {
			agency.Fix = msgp("setup.tax.fix.agency_no_item")
		}
	}
	checks := []Check{on, zero, agency}
	if pre.ClosingDate != "" {
		closing := Check{ID: "closing_date", Warning: true, Label: msg("setup.tax.check.closing", "Date", pre.ClosingDate),
			Passed: startDate != "" && startDate > pre.ClosingDate}
		if !closing.Passed {
			closing.Fix = msgp("setup.tax.fix.closing", "Date", pre.ClosingDate)
		}
		checks = append(checks, closing)
	}
	return checks
}

func taxPassed(checks []Check) bool {
	for _, c := range checks {
		if !c.Passed && !c.Warning {
			return false
		}
	}
	return true
}

// zeroRate reads QuickBooks' TaxRate text ("0", "0.0", "0.00").
func zeroRate(r string) bool {
	r = strings.TrimSpace(r)
	return r != "" && strings.Trim(strings.ReplaceAll(r, ".", ""), "0") == ""
}

// Tax implements Wizard.
func (s *Service) Tax(ctx context.Context, shopID int64) (*TaxView, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	pre, err := s.preflight(ctx, shopID)
	if err != nil {
		return nil, err
	}
	v := &TaxView{Checks: taxChecks(pre, shop.Settings.StartDate)}
	v.Passed = pre != nil && taxPassed(v.Checks)
	if pre != nil {
		if at, err := time.Parse("2006-01-02T15:04:05Z", pre.CheckedAt); err == nil {
			v.CheckedAt = &at
		}
	}
	r, err := s.cfg.QuickBooks.PreflightRecheckOf(ctx, shopID)
	if err != nil {
		return nil, err
	}
	if r.Pending() {
		at := r.RequestedAt
		v.RecheckRequestedAt = &at
	} else if r != nil {
		v.RecheckFulfilledAt = r.FulfilledAt
	}
	return v, nil
}

// RecheckQuickBooks implements Wizard.
func (s *Service) RecheckQuickBooks(ctx context.Context, shopID int64, actor string) error {
	if _, err := s.cfg.Admin.Shop(ctx, shopID); err != nil {
		return err
	}
	_, err := s.cfg.QuickBooks.RequestPreflight(ctx, shopID)
	return err
}
