package qbdsim

import (
	"bytes"
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

func (c *Company) hostRet() *node {
	n := elKids("HostRet", el("ProductName", c.productName()), el("MajorVersion", "34"), el("MinorVersion", "0"), el("Country", "US"))
	for _, v := range supportedVersions {
		n.add(el("SupportedQBXMLVersion", v))
	}
	n.add(el("IsAutomaticLogin", "true"), el("QBFileMode", "SingleUser"))
	return n
}

func (c *Company) companyRet() *node {
	o := c.st.Options
	return elKids("CompanyRet", el("IsSampleCompany", "false"), el("CompanyName", o.Name), el("LegalCompanyName", o.Name),
		elKids("Address", el("Addr1", o.Name)), el("FirstMonthFiscalYear", "January"), el("FirstMonthIncomeTaxYear", "January"),
		el("CompanyType", "RetailGeneral"), el("TaxForm", "Form1120"))
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
	}{{"HostQueryRs", c.hostRet()}, {"CompanyQueryRs", c.companyRet()}, {"PreferencesQueryRs", c.preferencesRet()}} {
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
