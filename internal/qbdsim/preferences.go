package qbdsim

import "fmt"

// The settings below are changed in QuickBooks' own windows, not through
// the SDK (qbXML's PreferencesMod covers accounting preferences only), so
// the simulator offers them as the bookkeeper's actions.

// SetSalesTaxOn is Edit › Preferences › Sales Tax › Company Preferences ›
// "Do you charge sales tax?". Off, PreferencesRet carries no
// SalesTaxPreferences.
func (c *Company) SetSalesTaxOn(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.Options.SalesTaxOn = on
}

// SetDefaultSalesTaxItem chooses "Your most common sales tax item" in the
// same window; QuickBooks offers only sales tax items (and groups).
func (c *Company) SetDefaultSalesTaxItem(name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.findByFullName([]string{"ItemSalesTax", "ItemSalesTaxGroup"}, name)
	if r == nil {
		return fmt.Errorf("most common sales tax item %q: no sales tax item by that name", name)
	}
	c.st.DefaultTaxItem = r.ListID
	return nil
}

// AppAccess is what Edit › Preferences › Integrated Applications says about
// the Web Connector's application for this company file.
type AppAccess int

const (
	// AccessAllowed: authorised, "Yes, always", allowed to log in automatically.
	AccessAllowed AppAccess = iota
	// AccessNeverAuthorized: the application never asked the Admin for this file.
	AccessNeverAuthorized
	// AccessDenied: the application is listed but its access was taken away.
	AccessDenied
)

// SetAppAccess changes the Integrated Applications entry of the Web
// Connector's application; the next update's BeginSession answers for it.
func (c *Company) SetAppAccess(a AppAccess) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.access = a
}

// accessHRESULT is BeginSession's answer for the application's access
// (the QuickBooks SDK's texts for 0x80040418 and 0x80040420).
func (c *Company) accessHRESULT() (hresult, message string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch c.access {
	case AccessNeverAuthorized:
		return "0x80040418", "This application has not accessed this QuickBooks company data file before. Only the QuickBooks administrator can grant an application permission to access a QuickBooks company data file for the first time."
	case AccessDenied:
		return "0x80040420", "The QuickBooks user has denied access."
	}
	return "", ""
}
