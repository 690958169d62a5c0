package qbdsim

import (
	"strings"
	"testing"
)

func TestBookkeeperChangesSalesTaxPreferences(t *testing.T) {
	c := NewCompany(CompanyOptions{SalesTaxOn: true})
	if !strings.Contains(c.HCPResponse(), "State Sales Tax") {
		t.Fatal("the new company's most common item is not the 7.25 % item")
	}
	if err := c.SetDefaultSalesTaxItem("Out of State"); err != nil {
		t.Fatal(err)
	}
	if hcp := c.HCPResponse(); !strings.Contains(hcp, "<FullName>Out of State</FullName>") {
		t.Fatalf("default item not changed:\n%s", hcp)
	}
	if err := c.SetDefaultSalesTaxItem("Checking"); err == nil {
		t.Fatal("an account was accepted as the most common sales tax item")
	}
	c.SetSalesTaxOn(false)
	if strings.Contains(c.HCPResponse(), "SalesTaxPreferences") {
		t.Fatal("sales tax off still reports SalesTaxPreferences")
	}
}

func TestAppAccessAnswersBeginSession(t *testing.T) {
	c := NewCompany(CompanyOptions{})
	wc := &WebConnector{Company: c}
	if h, _ := wc.openQuickBooks(""); h != "" {
		t.Fatalf("allowed access refused with %s", h)
	}
	c.SetAppAccess(AccessDenied)
	if h, m := wc.openQuickBooks(""); h != "0x80040420" || m == "" {
		t.Fatalf("denied access: %s %q", h, m)
	}
	c.SetAppAccess(AccessNeverAuthorized)
	if h, _ := wc.openQuickBooks(""); h != "0x80040418" {
		t.Fatalf("never authorised: %s", h)
	}
}
