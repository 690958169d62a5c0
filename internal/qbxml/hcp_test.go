package qbxml

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseHCPPro(t *testing.T) {
	h, err := ParseHCP(readFixture(t, "hcp_pro.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if h.ProductName != "QuickBooks Pro 2024" || h.Edition != EditionPro || h.MajorVersion != 34 || h.MinorVersion != 0 || h.Country != "US" {
		t.Errorf("host = %+v", h)
	}
	if !h.HasListLimits() || !h.IsAutomaticLogin || h.FileMode != "MultiUser" {
		t.Errorf("limits/login/mode = %v %v %q", h.HasListLimits(), h.IsAutomaticLogin, h.FileMode)
	}
	if len(h.SupportedVersions) != 19 || !h.Supports("13.0") || h.Supports("17.0") {
		t.Errorf("versions = %v", h.SupportedVersions)
	}
	if v, ok := h.BestVersion("13.0"); !ok || v != "13.0" {
		t.Errorf("BestVersion(13.0) = %q %v", v, ok)
	}
	if h.CompanyName != "Main Street Mugs" || h.LegalCompanyName != "Main Street Mugs LLC" || h.IsSampleCompany {
		t.Errorf("company = %q %q %v", h.CompanyName, h.LegalCompanyName, h.IsSampleCompany)
	}
	if !h.HasPreferences || !h.SalesTaxOn || h.DefaultItemSalesTax.FullName != "Shopify Tax 0%" || h.DefaultItemSalesTax.ListID != "80000009-1732600000" {
		t.Errorf("sales tax = %v %v %+v", h.HasPreferences, h.SalesTaxOn, h.DefaultItemSalesTax)
	}
	if h.DefaultTaxableCode != "Tax" || h.DefaultNonTaxableCode != "Non" {
		t.Errorf("tax codes = %q %q", h.DefaultTaxableCode, h.DefaultNonTaxableCode)
	}
	if !h.InventoryOn || !h.ClassTrackingOn || h.MultiCurrencyOn || h.MultiLocationInventoryOn || h.ClosingDate != "2025-12-31" {
		t.Errorf("prefs = inv %v class %v mc %v mli %v closing %q", h.InventoryOn, h.ClassTrackingOn, h.MultiCurrencyOn, h.MultiLocationInventoryOn, h.ClosingDate)
	}
}

// An old Enterprise file without sales tax, whose CompanyQuery failed.
const hcpOldEnterprise = `<?xml version="1.0" ?><QBXML><QBXMLMsgsRs>
<HostQueryRs statusCode="0" statusSeverity="Info" statusMessage="Status OK"><HostRet>
<ProductName>QuickBooks Enterprise Solutions: Accountant 12.0</ProductName><MajorVersion>22</MajorVersion><MinorVersion>1</MinorVersion><Country>US</Country>
<SupportedQBXMLVersion>CA3.0</SupportedQBXMLVersion><SupportedQBXMLVersion>11.0</SupportedQBXMLVersion><SupportedQBXMLVersion>12.0</SupportedQBXMLVersion><SupportedQBXMLVersion>2.1</SupportedQBXMLVersion>
<IsAutomaticLogin>false</IsAutomaticLogin><QBFileMode>SingleUser</QBFileMode></HostRet></HostQueryRs>
<CompanyQueryRs statusCode="3261" statusSeverity="Error" statusMessage="The integrated application has no permission to access personal data."/>
<PreferencesQueryRs statusCode="0" statusSeverity="Info" statusMessage="Status OK"><PreferencesRet>
<AccountingPreferences><IsUsingAccountNumbers>true</IsUsingAccountNumbers><IsRequiringAccounts>true</IsRequiringAccounts><IsUsingClassTracking>false</IsUsingClassTracking><IsUsingAuditTrail>true</IsUsingAuditTrail><IsAssigningJournalEntryNumbers>false</IsAssigningJournalEntryNumbers></AccountingPreferences>
<MultiCurrencyPreferences><IsMultiCurrencyOn>true</IsMultiCurrencyOn><HomeCurrencyRef><FullName>US Dollar</FullName></HomeCurrencyRef></MultiCurrencyPreferences>
<MultiLocationInventoryPreferences><IsMultiLocationInventoryAvailable>true</IsMultiLocationInventoryAvailable><IsMultiLocationInventoryEnabled>true</IsMultiLocationInventoryEnabled></MultiLocationInventoryPreferences>
<PurchasesAndVendorsPreferences><IsUsingInventory>false</IsUsingInventory><DaysBillsAreDue>10</DaysBillsAreDue><IsAutomaticallyUsingDiscounts>false</IsAutomaticallyUsingDiscounts></PurchasesAndVendorsPreferences>
</PreferencesRet></PreferencesQueryRs></QBXMLMsgsRs></QBXML>`

func TestParseHCPOldEnterpriseWithoutSalesTax(t *testing.T) {
	h, err := ParseHCP(hcpOldEnterprise)
	if err != nil {
		t.Fatal(err)
	}
	if h.Edition != EditionEnterprise || h.HasListLimits() || h.FileMode != "SingleUser" || h.IsAutomaticLogin {
		t.Errorf("host = %+v", h)
	}
	if v, ok := h.BestVersion("13.0"); !ok || v != "12.0" {
		t.Errorf("BestVersion = %q %v, want 12.0 (13.0 unsupported)", v, ok)
	}
	if v, ok := h.BestVersion("2.0"); ok {
		t.Errorf("BestVersion(2.0) = %q, want none (CA3.0 is not a US version)", v)
	}
	if h.Supports("13.0") {
		t.Error("Supports(13.0) = true")
	}
	if h.CompanyName != "" {
		t.Errorf("CompanyName = %q from a failed CompanyQuery", h.CompanyName)
	}
	if !h.HasPreferences || h.SalesTaxOn || h.InventoryOn || h.ClassTrackingOn || !h.MultiCurrencyOn || h.HomeCurrency != "US Dollar" || !h.MultiLocationInventoryOn || h.ClosingDate != "" {
		t.Errorf("prefs = %+v", h)
	}
}

func TestParseHCPErrors(t *testing.T) {
	for name, s := range map[string]string{
		"empty":      "  ",
		"garbage":    "<html>503</html>",
		"no host":    `<QBXML><QBXMLMsgsRs><CompanyQueryRs statusCode="0"/></QBXMLMsgsRs></QBXML>`,
		"host error": `<QBXML><QBXMLMsgsRs><HostQueryRs statusCode="1000" statusMessage="internal"/></QBXMLMsgsRs></QBXML>`,
	} {
		if _, err := ParseHCP(s); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.Contains(err.Error(), "HCP") {
			t.Errorf("%s: error lacks context: %v", name, err)
		}
	}
}

func TestEditionOf(t *testing.T) {
	for name, want := range map[string]string{
		"QuickBooks Pro 2024":                                EditionPro,
		"QuickBooks Desktop Pro Plus 2023":                   EditionPro,
		"QuickBooks Premier Edition 2022":                    EditionPremier,
		"QuickBooks Premier: Professional Services 2021":     EditionPremier,
		"QuickBooks Premier Accountant Edition 2021":         EditionAccountant,
		"QuickBooks Accountant Desktop Plus 2024":            EditionAccountant,
		"QuickBooks Enterprise Solutions 24.0":               EditionEnterprise,
		"QuickBooks Enterprise Solutions: Accountant 23.0":   EditionEnterprise,
		"QuickBooks Enterprise Solutions: Retail Edition 22": EditionEnterprise,
		"":                             EditionUnknown,
		"QuickBooks Simple Start 2014": EditionUnknown,
	} {
		if got := EditionOf(name); got != want {
			t.Errorf("EditionOf(%q) = %q, want %q", name, got, want)
		}
	}
}

// Some Web Connector builds hand over the three answers as separate
// documents, one after another; they must read the same as one document.
func TestParseHCPConcatenatedDocuments(t *testing.T) {
	one, err := ParseHCP(readFixture(t, "hcp_pro.xml"))
	if err != nil {
		t.Fatal(err)
	}
	full := readFixture(t, "hcp_pro.xml")
	body := full[strings.Index(full, "<QBXMLMsgsRs>")+len("<QBXMLMsgsRs>") : strings.Index(full, "</QBXMLMsgsRs>")]
	var docs strings.Builder
	for _, name := range []string{"HostQueryRs", "CompanyQueryRs", "PreferencesQueryRs"} {
		start := strings.Index(body, "<"+name)
		end := strings.Index(body, "</"+name+">") + len("</"+name+">")
		docs.WriteString(`<?xml version="1.0" ?>` + "\n<QBXML><QBXMLMsgsRs>" + body[start:end] + "</QBXMLMsgsRs></QBXML>\n")
	}
	split, err := ParseHCP(docs.String())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%+v", split) != fmt.Sprintf("%+v", one) {
		t.Errorf("split documents read differently:\n%+v\n%+v", split, one)
	}
}
