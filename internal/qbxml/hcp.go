package qbxml

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Editions of QuickBooks Desktop, as far as shopqb cares: Pro, Premier and
// Accountant (a Premier edition) share the 14,500-name and 14,500-item list
// limits, Enterprise does not.
const (
	EditionPro        = "Pro"
	EditionPremier    = "Premier"
	EditionAccountant = "Accountant"
	EditionEnterprise = "Enterprise"
	EditionUnknown    = "Unknown"
)

// HostInfo is what QuickBooks tells shopqb about itself in the first
// sendRequestXML of a session (the HostQuery, CompanyQuery and
// PreferencesQuery answers in strHCPResponse). shopqb checks it before
// sending anything: edition limits, the qbXML version, and the sales-tax set-up.
type HostInfo struct {
	ProductName  string // "QuickBooks Pro 2024"
	Edition      string // EditionPro, EditionPremier, EditionAccountant, EditionEnterprise or EditionUnknown
	MajorVersion int    // 34 for the 2024 release
	MinorVersion int
	Country      string // US, CA, UK
	// SupportedVersions lists the qbXML versions as QuickBooks reported them ("13.0", "CA3.0", …).
	SupportedVersions []string
	IsAutomaticLogin  bool
	FileMode          string // SingleUser or MultiUser

	CompanyName      string
	LegalCompanyName string
	IsSampleCompany  bool

	// HasPreferences says whether a PreferencesRet was present; the fields
	// below are zero when it was not, and must not be read as "off".
	HasPreferences bool
	// SalesTaxOn: "Do you charge sales tax?" is Yes (SalesTaxPreferences present).
	SalesTaxOn bool
	// DefaultItemSalesTax is the "most common sales tax item"; shopqb needs it at 0 %.
	DefaultItemSalesTax      Ref
	DefaultTaxableCode       string // sales tax code FullName, usually "Tax"
	DefaultNonTaxableCode    string // usually "Non"
	InventoryOn              bool
	ClassTrackingOn          bool
	MultiCurrencyOn          bool
	HomeCurrency             string
	MultiLocationInventoryOn bool
	ClosingDate              string // YYYY-MM-DD, "" when none is set
}

// HasListLimits reports whether the 14,500 names / 14,500 items limits apply.
// An unknown edition is treated as limited, the safe assumption.
func (h HostInfo) HasListLimits() bool { return h.Edition != EditionEnterprise }

// Supports reports whether QuickBooks listed qbXML version v.
func (h HostInfo) Supports(v string) bool {
	for _, s := range h.SupportedVersions {
		if strings.TrimSpace(s) == v {
			return true
		}
	}
	return false
}

// BestVersion returns the highest US qbXML version QuickBooks supports that
// is not above max (e.g. "13.0"); ok is false when there is none, which means
// this QuickBooks is too old for shopqb's requests.
func (h HostInfo) BestVersion(max string) (version string, ok bool) {
	limit, valid := parseVersion(max)
	if !valid {
		return "", false
	}
	var best [2]int
	for _, s := range h.SupportedVersions {
		v, valid := parseVersion(strings.TrimSpace(s))
		if !valid || versionLess(limit, v) {
			continue
		}
		if !ok || versionLess(best, v) {
			best, version, ok = v, strings.TrimSpace(s), true
		}
	}
	return version, ok
}

// parseVersion reads "13.0"; country-prefixed versions ("CA3.0", "UK2.0") are
// for other editions' schemas and are not US versions.
func parseVersion(s string) ([2]int, bool) {
	maj, min, found := strings.Cut(s, ".")
	if !found {
		return [2]int{}, false
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(min)
	if err1 != nil || err2 != nil || a < 0 || b < 0 {
		return [2]int{}, false
	}
	return [2]int{a, b}, true
}

func versionLess(a, b [2]int) bool { return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]) }

// EditionOf derives the edition from HostRet's ProductName. Enterprise wins
// over Accountant ("Enterprise Solutions Accountant" has no list limits).
func EditionOf(productName string) string {
	p := strings.ToLower(productName)
	switch {
	case strings.Contains(p, "enterprise"):
		return EditionEnterprise
	case strings.Contains(p, "accountant"):
		return EditionAccountant
	case strings.Contains(p, "premier"):
		return EditionPremier
	case strings.Contains(p, "pro"):
		return EditionPro
	}
	return EditionUnknown
}

// ParseHCP reads strHCPResponse. The host part is required; company and
// preferences are read when present, since a failed CompanyQuery should not
// hide which QuickBooks is on the other end.
func ParseHCP(s string) (*HostInfo, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("parse HCP response: empty")
	}
	rs, err := ParseResponse(s)
	if err != nil {
		return nil, fmt.Errorf("parse HCP response: %w", err)
	}
	host := rs.ByName("HostQueryRs")
	if host == nil {
		return nil, errors.New("parse HCP response: no HostQueryRs")
	}
	hr := host.Node.Find("HostRet")
	if hr == nil {
		return nil, fmt.Errorf("parse HCP response: HostQueryRs has no HostRet (status %d: %s)", host.StatusCode, host.StatusMessage)
	}
	h := &HostInfo{
		ProductName:      hr.Value("ProductName"),
		Country:          hr.Value("Country"),
		IsAutomaticLogin: hr.Value("IsAutomaticLogin") == "true",
		FileMode:         hr.Value("QBFileMode"),
	}
	h.Edition = EditionOf(h.ProductName)
	h.MajorVersion, _ = strconv.Atoi(hr.Value("MajorVersion"))
	h.MinorVersion, _ = strconv.Atoi(hr.Value("MinorVersion"))
	for _, v := range hr.FindAll("SupportedQBXMLVersion") {
		h.SupportedVersions = append(h.SupportedVersions, v.Text)
	}
	if c := rs.ByName("CompanyQueryRs"); c != nil {
		cr := c.Node.Find("CompanyRet")
		h.CompanyName = cr.Value("CompanyName")
		h.LegalCompanyName = cr.Value("LegalCompanyName")
		h.IsSampleCompany = cr.Value("IsSampleCompany") == "true"
	}
	if p := rs.ByName("PreferencesQueryRs"); p != nil {
		if pr := p.Node.Find("PreferencesRet"); pr != nil {
			h.readPreferences(pr)
		}
	}
	return h, nil
}

func (h *HostInfo) readPreferences(pr *Node) {
	h.HasPreferences = true
	if st := pr.Find("SalesTaxPreferences"); st != nil {
		h.SalesTaxOn = true
		h.DefaultItemSalesTax = Ref{ListID: st.Value("DefaultItemSalesTaxRef/ListID"), FullName: st.Value("DefaultItemSalesTaxRef/FullName")}
		h.DefaultTaxableCode = st.Value("DefaultTaxableSalesTaxCodeRef/FullName")
		h.DefaultNonTaxableCode = st.Value("DefaultNonTaxableSalesTaxCodeRef/FullName")
	}
	h.InventoryOn = pr.Value("PurchasesAndVendorsPreferences/IsUsingInventory") == "true"
	h.ClassTrackingOn = pr.Value("AccountingPreferences/IsUsingClassTracking") == "true"
	h.ClosingDate = pr.Value("AccountingPreferences/ClosingDate")
	h.MultiCurrencyOn = pr.Value("MultiCurrencyPreferences/IsMultiCurrencyOn") == "true"
	h.HomeCurrency = pr.Value("MultiCurrencyPreferences/HomeCurrencyRef/FullName")
	h.MultiLocationInventoryOn = pr.Value("MultiLocationInventoryPreferences/IsMultiLocationInventoryEnabled") == "true"
}
