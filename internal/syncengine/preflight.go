package syncengine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbwc"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/store"
)

// KV keys.
const (
	kvPreflight = "preflight"
	kvHost      = "host"
)

// Preflight is what shopqb learned about the company file on first contact,
// shown to the merchant and checked before the start.
type Preflight struct {
	CheckedAt    string   `json:"checkedAt"`
	Product      string   `json:"product"`
	Edition      string   `json:"edition"`
	Country      string   `json:"country"`
	QBXMLVersion string   `json:"qbxmlVersion"`
	Supported    []string `json:"supportedVersions"`
	CompanyName  string   `json:"companyName"`
	CompanyFile  string   `json:"companyFile"`
	SalesTaxOn   bool     `json:"salesTaxOn"`
	DefaultTax   string   `json:"defaultTaxItem"`
	DefaultRate  string   `json:"defaultTaxRate"`
	// TaxAgency is the vendor of the most common tax item; shopqb's own tax
	// items are paid to the same agency.
	TaxAgency     string `json:"taxAgency,omitempty"`
	Inventory     bool   `json:"inventory"`
	ClassTracking bool   `json:"classTracking"`
	MultiCurrency bool   `json:"multiCurrency"`
	ClosingDate   string `json:"closingDate,omitempty"`
	// ListLimit is 14,500 on Pro and Premier, 0 when the edition has none.
	ListLimit int           `json:"listLimit"`
	Customers int           `json:"customers"`
	Vendors   int           `json:"vendors"`
	Items     int           `json:"items"`
	Accounts  []AccountInfo `json:"accounts"`
	TaxItems  []TaxItemInfo `json:"taxItems"`
	// KnownNames are existing list names (customers, vendors, items), so the
	// planner links rather than duplicates.
	KnownNames []string `json:"knownNames"`
	// KnownItems are the existing items with their type and account, so the
	// planner links only to an item that books where shopqb's would, and
	// picks another name when a same-name item is of another kind.
	KnownItems []KnownItem `json:"knownItems,omitempty"`
	// Problems stop the start; each says what to do in QuickBooks.
	Problems []shopqb.StartProblem `json:"problems"`
}

// AccountInfo is one account of the chart of accounts.
type AccountInfo = shopqb.Account

// KnownItem is an existing item: its full name, type ("ItemService",
// "ItemSalesTaxGroup", …) and the account it books to, when it has one.
type KnownItem struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Account string `json:"account,omitempty"`
}

// TaxItemInfo is one sales-tax item.
type TaxItemInfo struct {
	Name string `json:"name"`
	Rate string `json:"rate"`
	// Vendor is the tax agency the item is paid to.
	Vendor string `json:"vendor,omitempty"`
}

// LoadPreflight returns a shop's stored preflight.
func (e *Engine) LoadPreflight(ctx context.Context, shopID int64) (*Preflight, error) {
	return LoadPreflight(ctx, e.store, shopID)
}

// LoadPreflight returns the preflight a Web Connector session stored for a shop.
func LoadPreflight(ctx context.Context, st store.API, shopID int64) (*Preflight, error) {
	raw, err := st.KV(ctx, shopID, kvPreflight)
	if err != nil {
		return nil, wrapNotFound("no preflight yet: let the Web Connector connect once", err)
	}
	var p Preflight
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("preflight: %w", err)
	}
	if err := addCreatedAccounts(ctx, st, shopID, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// addCreatedAccounts adds to a preflight's account list the accounts shopqb
// created in QuickBooks after it was read. The preflight is read again only
// every 12 hours, so without this the settings page would, right after the
// start, offer to create accounts the start itself created. An account
// created before the preflight was read is already in it as QuickBooks has
// it now (deleted since, or not).
func addCreatedAccounts(ctx context.Context, st store.API, shopID int64, p *Preflight) error {
	checked, err := time.Parse("2006-01-02T15:04:05Z", p.CheckedAt)
	if err != nil {
		return nil // no time to compare with: the list stays as QuickBooks gave it
	}
	created, err := st.ListPostings(ctx, shopqb.PostingFilter{ShopID: shopID, Kind: "AccountAdd", States: []shopqb.PostingState{shopqb.Done}})
	if err != nil {
		return fmt.Errorf("preflight: accounts shopqb created: %w", err)
	}
	known := make(map[string]bool, len(p.Accounts))
	for _, a := range p.Accounts {
		known[strings.ToLower(a.FullName)] = true
	}
	for _, c := range created {
		shape, _ := qbxml.ShapeOfAdd(c.Request) // unreadable: no type, skipped
		typ := shape.AccountType
		if c.Name == "" || typ == "" || known[strings.ToLower(c.Name)] || !c.UpdatedAt.After(checked) {
			continue
		}
		known[strings.ToLower(c.Name)] = true
		p.Accounts = append(p.Accounts, AccountInfo{FullName: c.Name, Type: typ})
	}
	return nil
}

// acceptHCP reads the first sendRequestXML: which QuickBooks, which file, which
// qbXML version. A session from another company file than the shop's is
// refused. What it finds is recorded as the shop's connection state, in
// words the merchant can act on (the raw parser error goes to the log only).
func (e *Engine) acceptHCP(ctx context.Context, shop *shopqb.Shop, st *session, in qbwc.SendRequestInput) error {
	st.Phase = "preflight"
	file := strings.TrimSpace(in.CompanyFileName)
	var host *qbxml.HostInfo
	var hostErr error
	if in.HCPResponse != "" {
		host, hostErr = qbxml.ParseHCP(in.HCPResponse)
	}
	if shop.CompanyFile != "" && file != "" && !strings.EqualFold(shop.CompanyFile, file) {
		c := Connection{State: ConnOtherFile, OpenedFile: file, BoundFile: shop.CompanyFile}
		if host != nil {
			c.OpenedCompany = host.CompanyName
		}
		if pre, err := e.LoadPreflight(ctx, shop.ID); err == nil {
			c.BoundCompany = pre.CompanyName
		}
		e.recordConnection(ctx, shop.ID, c, false)
		return fmt.Errorf("QuickBooks has %q open, but this shop syncs with %q. Open that company file (or ask the operator to re-bind the shop) and run the Web Connector again", file, shop.CompanyFile)
	}
	if hostErr != nil {
		e.log.Warn("unreadable HCP response", "shop", shop.Domain, "err", hostErr)
		e.recordConnection(ctx, shop.ID, Connection{State: ConnRefused, Reason: RefusedHCP}, false)
		return errors.New("QuickBooks' description of itself (host, company and preferences) could not be read. Update QuickBooks Desktop and the Web Connector, then run the Web Connector again")
	}
	if host != nil {
		v, ok := host.BestVersion(qbxml.DefaultVersion)
		if !ok || v != qbxml.DefaultVersion {
			e.recordConnection(ctx, shop.ID, Connection{State: ConnRefused, Reason: RefusedVersion, Supported: host.SupportedVersions}, false)
			return fmt.Errorf("this QuickBooks supports qbXML %s, but shopqb needs %s (QuickBooks 2014 or later). Update QuickBooks Desktop", strings.Join(host.SupportedVersions, ", "), qbxml.DefaultVersion)
		}
	} else if in.MajorVersion > 0 && !versionAtLeast(in.MajorVersion, in.MinorVersion, qbxml.DefaultVersion) {
		// No HCP to read (a later call of a session whose first was lost):
		// the Web Connector's own report of the request processor's level
		// decides.
		have := fmt.Sprintf("%d.%d", in.MajorVersion, in.MinorVersion)
		e.recordConnection(ctx, shop.ID, Connection{State: ConnRefused, Reason: RefusedVersion, Supported: []string{have}}, false)
		return fmt.Errorf("this QuickBooks supports qbXML %s, but shopqb needs %s (QuickBooks 2014 or later). Update QuickBooks Desktop", have, qbxml.DefaultVersion)
	}
	// Only a QuickBooks that passed every check above is bound to the shop:
	// a refused one must not claim the shop for its company file.
	if shop.CompanyFile == "" && file != "" {
		shop.CompanyFile = file
		if err := e.store.UpdateShop(ctx, shop); err != nil {
			return fmt.Errorf("bind company file: %w", err)
		}
	}
	st.CompanyFile = file
	if host == nil {
		st.Version = qbxml.DefaultVersion
		return nil
	}
	st.Version = qbxml.DefaultVersion
	raw, _ := json.Marshal(host)
	if err := e.store.PutKV(ctx, shop.ID, kvHost, raw); err != nil {
		return err
	}
	// The file is the right one and readable: connected, once a preflight
	// has described it (the first session's preflight records it itself).
	if _, err := e.LoadPreflight(ctx, shop.ID); err == nil {
		e.recordConnection(ctx, shop.ID, Connection{State: ConnConnected}, false)
	}
	return nil
}

// preflightRequest asks for the chart of accounts, the sales-tax items and the
// list sizes. Names only (IncludeRetElement) keeps it small on big files.
func preflightRequest() ([]qbxml.Raw, error) {
	reqs := []qbxml.Request{
		// Inactive accounts too: the wizard must say "inactive", not offer to create a duplicate.
		qbxml.AccountQuery{ListFilter: qbxml.ListFilter{ActiveStatus: qbxml.ActiveAll}, IncludeRetElement: []string{"FullName", "AccountType", "IsActive"}},
		qbxml.ItemSalesTaxQuery{IncludeRetElement: []string{"Name", "TaxRate", "TaxVendorRef"}},
		qbxml.CustomerQuery{IncludeRetElement: []string{"FullName"}},
		qbxml.VendorQuery{IncludeRetElement: []string{"Name"}},
		// Each item's type (its Ret element) and account, not its name only.
		qbxml.ItemQuery{IncludeRetElement: append([]string{"FullName"}, qbxml.ItemAccountElements...)},
	}
	out := make([]qbxml.Raw, len(reqs))
	for i, r := range reqs {
		x, err := qbxml.MarshalRequest(r)
		if err != nil {
			return nil, fmt.Errorf("preflight %s: %w", r.RequestName(), err)
		}
		out[i] = qbxml.Raw{RequestID: fmt.Sprintf("pf%d", i), XML: x}
	}
	return out, nil
}

// recordPreflight turns the preflight answers into the stored Preflight.
func (e *Engine) recordPreflight(ctx context.Context, shop *shopqb.Shop, st *session, rs *qbxml.MsgsRs) error {
	p := Preflight{CheckedAt: e.now().UTC().Format("2006-01-02T15:04:05Z"), CompanyFile: shop.CompanyFile, QBXMLVersion: st.Version}
	var host qbxml.HostInfo
	if raw, err := e.store.KV(ctx, shop.ID, kvHost); err == nil {
		_ = json.Unmarshal(raw, &host)
	} else if !errors.Is(err, shopqb.ErrNotFound) {
		return err
	}
	p.Product, p.Edition, p.Country, p.Supported = host.ProductName, host.Edition, host.Country, host.SupportedVersions
	p.CompanyName = host.CompanyName
	p.SalesTaxOn, p.Inventory, p.ClassTracking, p.MultiCurrency = host.SalesTaxOn, host.InventoryOn, host.ClassTrackingOn, host.MultiCurrencyOn
	p.DefaultTax = host.DefaultItemSalesTax.FullName
	p.ClosingDate = host.ClosingDate
	if host.HasListLimits() {
		p.ListLimit = qbxml.ProPremierMaxNames
	}
	for _, r := range rs.Responses {
		if r.StatusCode != 0 && r.StatusCode != 1 { // 1 = no match, an empty list
			p.Problems = append(p.Problems, shopqb.NewStartProblem(shopqb.ProblemQueryFailed, shopqb.AreaQuickBooks,
				fmt.Sprintf("%s failed: %s", r.Name, r.Class()), "Request", r.Name, "Status", r.Class().Code, "Message", r.Class().Message))
			continue
		}
		switch r.Name {
		case "AccountQueryRs":
			for _, ret := range r.Rets {
				p.Accounts = append(p.Accounts, AccountInfo{FullName: ret.FullName, Type: ret.Node.Value("AccountType"),
					Inactive: ret.Node.Value("IsActive") == "false"})
			}
		case "ItemSalesTaxQueryRs":
			for _, ret := range r.Rets {
				p.TaxItems = append(p.TaxItems, TaxItemInfo{Name: ret.Name, Rate: ret.Node.Value("TaxRate"), Vendor: ret.Node.Value("TaxVendorRef/FullName")})
			}
		case "CustomerQueryRs":
			p.Customers = len(r.Rets)
			for _, ret := range r.Rets {
				p.KnownNames = append(p.KnownNames, ret.FullName)
			}
		case "VendorQueryRs":
			p.Vendors = len(r.Rets)
			for _, ret := range r.Rets {
				p.KnownNames = append(p.KnownNames, ret.Name)
			}
		case "ItemQueryRs":
			p.Items = len(r.Rets)
			for i := range r.Rets {
				ret := &r.Rets[i]
				p.KnownNames = append(p.KnownNames, ret.FullName)
				shape := qbxml.ShapeOfRet(ret)
				p.KnownItems = append(p.KnownItems, KnownItem{Name: ret.FullName, Type: shape.Type, Account: shape.Account})
			}
		}
	}
	sort.Slice(p.Accounts, func(i, j int) bool { return p.Accounts[i].FullName < p.Accounts[j].FullName })
	sort.Strings(p.KnownNames)
	sort.Slice(p.KnownItems, func(i, j int) bool { return p.KnownItems[i].Name < p.KnownItems[j].Name })
	if !host.HasPreferences {
		p.Problems = append(p.Problems, shopqb.NewStartProblem(shopqb.ProblemNoPreferences, shopqb.AreaQuickBooks,
			"QuickBooks did not report its preferences; run the Web Connector again."))
	} else {
		if !p.SalesTaxOn {
			p.Problems = append(p.Problems, shopqb.NewStartProblem(shopqb.ProblemSalesTaxOff, shopqb.AreaSalesTax,
				"Sales tax is off. In QuickBooks: Edit › Preferences › Sales Tax › Company Preferences › \"Do you charge sales tax?\" = Yes."))
		}
		if p.DefaultTax == "" {
			p.Problems = append(p.Problems, shopqb.NewStartProblem(shopqb.ProblemNoTaxItem, shopqb.AreaSalesTax,
				"No most-common sales tax item is set. Create a sales tax item at 0.0% and choose it as \"Your most common sales tax item\" in Edit › Preferences › Sales Tax."))
		} else {
			for _, ti := range p.TaxItems {
				if strings.EqualFold(ti.Name, p.DefaultTax) {
					p.DefaultRate, p.TaxAgency = ti.Rate, ti.Vendor
				}
			}
			if !zeroRate(p.DefaultRate) {
				p.Problems = append(p.Problems, shopqb.NewStartProblem(shopqb.ProblemTaxItemNotZero, shopqb.AreaSalesTax,
					fmt.Sprintf("The most common sales tax item %q is at %s%%, not 0%%. Shopify already computed the tax; set that item's rate to 0.0%% (or choose a 0%% item in Edit › Preferences › Sales Tax) so QuickBooks does not add tax again.", p.DefaultTax, p.DefaultRate),
					"Item", p.DefaultTax, "Rate", p.DefaultRate))
			}
		}
		if p.MultiCurrency {
			p.Problems = append(p.Problems, shopqb.NewStartProblem(shopqb.ProblemMultiCurrency, shopqb.AreaQuickBooks,
				"Multi-currency is on; shopqb books in the home currency only and has not been verified with multi-currency files."))
		}
	}
	raw, _ := json.Marshal(p)
	if err := e.store.PutKV(ctx, shop.ID, kvPreflight, raw); err != nil {
		return fmt.Errorf("store preflight: %w", err)
	}
	st.Preflighted = true
	st.Phase = "post"
	st.PreflightedAt = e.now()
	e.fulfilRecheck(ctx, shop.ID)
	e.recordConnection(ctx, shop.ID, Connection{State: ConnConnected}, false)
	e.log.Info("preflight", "shop", shop.Domain, "product", p.Product, "edition", p.Edition, "problems", len(p.Problems))
	return nil
}

// versionAtLeast reports whether major.minor is at least v ("13.0").
func versionAtLeast(major, minor int, v string) bool {
	var wMaj, wMin int
	fmt.Sscanf(v, "%d.%d", &wMaj, &wMin)
	return major > wMaj || (major == wMaj && minor >= wMin)
}

func zeroRate(r string) bool {
	r = strings.TrimSpace(r)
	if r == "" {
		return false
	}
	return strings.Trim(strings.ReplaceAll(r, ".", ""), "0") == ""
}
