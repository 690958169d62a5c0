package qbdsim

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// productName is what HostRet reports for each edition.
func (c *Company) productName() string {
	switch c.st.Options.Edition {
	case Enterprise:
		return "QuickBooks Enterprise Solutions: Retail 24.0"
	case Premier:
		return "QuickBooks Premier Edition 2024"
	}
	return "QuickBooks Pro 2024"
}

func (c *Company) hostRet(withCapacity bool) *node {
	n := elKids("HostRet", el("ProductName", c.productName()), el("MajorVersion", "34"), el("MinorVersion", "0"), el("Country", "US"))
	for _, v := range supportedVersions {
		n.add(el("SupportedQBXMLVersion", v))
	}
	n.add(el("IsAutomaticLogin", "true"), el("QBFileMode", "SingleUser"))
	if withCapacity {
		meta := &node{Name: "ListMetaData"}
		for _, l := range listCapacities(c.st.Options.Edition) {
			meta.add(elKids(l.name+"MetaData", el("MaxCapacity", strconv.Itoa(l.max))))
		}
		n.add(meta)
	}
	return n
}

// listCapacities is what HostQuery's IncludeListMetaData reports, from the
// list limits in qbd.md §6.2. Lists the reference gives no figure for are
// reported at 10,000, the limit it gives for the other small lists.
func listCapacities(ed Edition) []struct {
	name string
	max  int
} {
	pro := ed != Enterprise
	pick := func(p, e int) int {
		if pro {
			return p
		}
		return e
	}
	return []struct {
		name string
		max  int
	}{
		{"Account", pick(proAccountLimit, enterpriseAcctLimit)}, {"BillingRate", 10000}, {"Class", pick(proClassLimit, enterpriseAcctLimit)},
		{"CustomerMsg", 10000}, {"CustomerType", 10000}, {"Entity", pick(proNameLimit, enterpriseListLimit)},
		{"Item", pick(proItemLimit, enterpriseListLimit)}, {"JobType", 10000}, {"PaymentMethod", 10000}, {"PayrollItem", 10000},
		{"PriceLevel", pick(100, 750)}, {"SalesRep", 10000}, {"SalesTaxCode", 10000}, {"ShipMethod", 10000}, {"Template", 10000},
		{"Terms", 10000}, {"ToDo", 10000}, {"Vehicle", 10000}, {"VendorType", 10000},
	}
}

// companyRet describes the company; owners named in the query get their
// private data extensions (the Web Connector's FileID lives there).
func (c *Company) companyRet(owners []string) *node {
	o := c.st.Options
	n := elKids("CompanyRet", el("IsSampleCompany", "false"), el("CompanyName", o.Name), el("LegalCompanyName", o.Name),
		elKids("Address", el("Addr1", o.Name)), el("FirstMonthFiscalYear", "January"), el("FirstMonthIncomeTaxYear", "January"),
		el("CompanyType", "RetailGeneral"), el("TaxForm", "Form1120"))
	for _, owner := range owners {
		exts := c.st.DataExt[strings.ToUpper(owner)]
		names := make([]string, 0, len(exts))
		for name := range exts {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			n.add(elKids("DataExtRet", el("OwnerID", owner), el("DataExtName", name), el("DataExtType", "STR255TYPE"), el("DataExtValue", exts[name])))
		}
	}
	return n
}

// RegisterFileID stores the .qwc FileID as a private data extension of the
// application's OwnerID, as the Web Connector does on its first connection
// to a company file; an existing value is kept.
func (c *Company) RegisterFileID(ownerID, fileID string) error {
	if !guidPattern.MatchString(ownerID) || ownerID == "0" || !guidPattern.MatchString(fileID) {
		return fmt.Errorf("register FileID %s for owner %s: both must be {GUID}s", fileID, ownerID)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.st.DataExt == nil {
		c.st.DataExt = map[string]map[string]string{}
	}
	key := strings.ToUpper(ownerID)
	if c.st.DataExt[key] == nil {
		c.st.DataExt[key] = map[string]string{}
	}
	if _, ok := c.st.DataExt[key]["FileID"]; !ok {
		c.st.DataExt[key]["FileID"] = fileID
	}
	return nil
}

func (c *Company) preferencesRet() *node {
	o := c.st.Options
	acc := elKids("AccountingPreferences", el("IsUsingAccountNumbers", "false"), el("IsRequiringAccounts", "true"),
		el("IsUsingClassTracking", boolText(o.ClassTracking)), el("IsUsingAuditTrail", "true"), el("IsAssigningJournalEntryNumbers", "true"))
	if o.ClosingDate != "" {
		acc.add(el("ClosingDate", o.ClosingDate))
	}
	n := elKids("PreferencesRet", acc,
		elKids("FinanceChargePreferences", el("AnnualInterestRate", "0"), el("MinFinanceCharge", "0.00"), el("GracePeriod", "0"),
			el("IsAssessingForOverdueCharges", "false"), el("CalculateChargesFrom", "DueDate"), el("IsMarkedToBePrinted", "false")),
		elKids("JobsAndEstimatesPreferences", el("IsUsingEstimates", "false"), el("IsUsingProgressInvoicing", "false"), el("IsPrintingItemsWithZeroAmounts", "false")),
		elKids("MultiCurrencyPreferences", el("IsMultiCurrencyOn", "false")),
		elKids("MultiLocationInventoryPreferences", el("IsMultiLocationInventoryAvailable", boolText(o.Edition == Enterprise)), el("IsMultiLocationInventoryEnabled", "false")),
		elKids("PurchasesAndVendorsPreferences", el("IsUsingInventory", boolText(o.Inventory)), el("DaysBillsAreDue", "10"), el("IsAutomaticallyUsingDiscounts", "false")),
		elKids("ReportsPreferences", el("AgingReportBasis", "AgeFromDueDate"), el("SummaryReportBasis", "Accrual")),
		elKids("SalesAndCustomersPreferences", el("IsTrackingReimbursedExpensesAsIncome", "false"), el("IsAutoApplyingPayments", "true")),
	)
	if o.SalesTaxOn {
		n.add(elKids("SalesTaxPreferences", refNode("DefaultItemSalesTaxRef", c.st.byID[c.st.DefaultTaxItem]), el("PaySalesTax", "Monthly"),
			refNode("DefaultTaxableSalesTaxCodeRef", c.findByFullName([]string{"SalesTaxCode"}, "Tax")),
			refNode("DefaultNonTaxableSalesTaxCodeRef", c.findByFullName([]string{"SalesTaxCode"}, "Non"))))
	}
	n.add(elKids("TimeTrackingPreferences", el("FirstDayOfWeek", "Monday")),
		elKids("CurrentAppAccessRights", el("IsAutomaticLoginAllowed", "true"), el("AutomaticLoginUserName", "Admin"), el("IsPersonalDataAccessAllowed", "true")))
	return n
}

// HCPResponse is the HostQuery, CompanyQuery and PreferencesQuery response
// the Web Connector passes as strHCPResponse on a session's first
// sendRequestXML.
func (c *Company) HCPResponse() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	rs := &node{Name: "QBXMLMsgsRs"}
	for _, q := range []struct {
		name string
		ret  *node
	}{{"HostQueryRs", c.hostRet(false)}, {"CompanyQueryRs", c.companyRet(nil)}, {"PreferencesQueryRs", c.preferencesRet()}} {
		r := &node{Name: q.name}
		setStatus(r, stOK, "Status OK")
		r.add(q.ret)
		rs.add(r)
	}
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" ?>\n<QBXML>\n")
	rs.write(&b, 1)
	b.WriteString("</QBXML>\n")
	return strings.TrimSpace(b.String())
}
