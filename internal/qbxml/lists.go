package qbxml

import "encoding/xml"

// CustomerAdd creates a customer (CustomerAddRq). Fields follow the XSD
// sequence; those shopqb never sets (contacts, jobs, credit cards, opening
// balances) are left out so they cannot be sent by mistake.
type CustomerAdd struct {
	XMLName                   xml.Name `xml:"CustomerAdd"`
	Name                      string   `xml:"Name" max:"41"`
	IsActive                  *bool    `xml:"IsActive,omitempty"`
	ClassRef                  *Ref     `xml:"ClassRef,omitempty"`
	ParentRef                 *Ref     `xml:"ParentRef,omitempty"`
	CompanyName               string   `xml:"CompanyName,omitempty" max:"41"`
	Salutation                string   `xml:"Salutation,omitempty" max:"15"`
	FirstName                 string   `xml:"FirstName,omitempty" max:"25"`
	MiddleName                string   `xml:"MiddleName,omitempty" max:"5"`
	LastName                  string   `xml:"LastName,omitempty" max:"25"`
	JobTitle                  string   `xml:"JobTitle,omitempty" max:"41"`
	BillAddress               *Address `xml:"BillAddress,omitempty"`
	ShipAddress               *Address `xml:"ShipAddress,omitempty"`
	PrintAs                   string   `xml:"PrintAs,omitempty" max:"41"`
	Phone                     string   `xml:"Phone,omitempty" max:"21"`
	Mobile                    string   `xml:"Mobile,omitempty" max:"21"`
	AltPhone                  string   `xml:"AltPhone,omitempty" max:"21"`
	Fax                       string   `xml:"Fax,omitempty" max:"21"`
	Email                     string   `xml:"Email,omitempty" max:"1023"`
	Cc                        string   `xml:"Cc,omitempty" max:"1023"`
	Contact                   string   `xml:"Contact,omitempty" max:"41"`
	CustomerTypeRef           *Ref     `xml:"CustomerTypeRef,omitempty"`
	TermsRef                  *Ref     `xml:"TermsRef,omitempty"`
	SalesTaxCodeRef           *Ref     `xml:"SalesTaxCodeRef,omitempty"`
	ItemSalesTaxRef           *Ref     `xml:"ItemSalesTaxRef,omitempty"`
	ResaleNumber              string   `xml:"ResaleNumber,omitempty" max:"15"`
	AccountNumber             string   `xml:"AccountNumber,omitempty" max:"99"`
	PreferredPaymentMethodRef *Ref     `xml:"PreferredPaymentMethodRef,omitempty"`
	Notes                     string   `xml:"Notes,omitempty" max:"4095"`
	ExternalGUID              GUID     `xml:"ExternalGUID,omitempty"`
}

// RequestName implements Request.
func (CustomerAdd) RequestName() string { return "CustomerAddRq" }

func (c CustomerAdd) validate() error { return requireText("Name", c.Name) }

// VendorAdd creates a vendor (VendorAddRq): a supplier for purchase orders,
// or the tax agency a sales-tax item pays.
type VendorAdd struct {
	XMLName                 xml.Name `xml:"VendorAdd"`
	Name                    string   `xml:"Name" max:"41"`
	IsActive                *bool    `xml:"IsActive,omitempty"`
	ClassRef                *Ref     `xml:"ClassRef,omitempty"`
	CompanyName             string   `xml:"CompanyName,omitempty" max:"41"`
	Salutation              string   `xml:"Salutation,omitempty" max:"15"`
	FirstName               string   `xml:"FirstName,omitempty" max:"25"`
	MiddleName              string   `xml:"MiddleName,omitempty" max:"5"`
	LastName                string   `xml:"LastName,omitempty" max:"25"`
	JobTitle                string   `xml:"JobTitle,omitempty" max:"41"`
	VendorAddress           *Address `xml:"VendorAddress,omitempty"`
	ShipAddress             *Address `xml:"ShipAddress,omitempty"`
	Phone                   string   `xml:"Phone,omitempty" max:"21"`
	Mobile                  string   `xml:"Mobile,omitempty" max:"21"`
	AltPhone                string   `xml:"AltPhone,omitempty" max:"21"`
	Fax                     string   `xml:"Fax,omitempty" max:"21"`
	Email                   string   `xml:"Email,omitempty" max:"1023"`
	Cc                      string   `xml:"Cc,omitempty" max:"1023"`
	Contact                 string   `xml:"Contact,omitempty" max:"41"`
	NameOnCheck             string   `xml:"NameOnCheck,omitempty" max:"41"`
	AccountNumber           string   `xml:"AccountNumber,omitempty" max:"99"`
	Notes                   string   `xml:"Notes,omitempty" max:"4095"`
	VendorTypeRef           *Ref     `xml:"VendorTypeRef,omitempty"`
	TermsRef                *Ref     `xml:"TermsRef,omitempty"`
	VendorTaxIdent          string   `xml:"VendorTaxIdent,omitempty" max:"15"`
	IsVendorEligibleFor1099 *bool    `xml:"IsVendorEligibleFor1099,omitempty"`
	ExternalGUID            GUID     `xml:"ExternalGUID,omitempty"`
}

// RequestName implements Request.
func (VendorAdd) RequestName() string { return "VendorAddRq" }

func (v VendorAdd) validate() error { return requireText("Name", v.Name) }

// Account types (AccountAdd.AccountType, AccountQuery.AccountType).
const (
	AccountsPayable              = "AccountsPayable"
	AccountsReceivable           = "AccountsReceivable"
	AccountBank                  = "Bank"
	AccountCostOfGoodsSold       = "CostOfGoodsSold"
	AccountCreditCard            = "CreditCard"
	AccountEquity                = "Equity"
	AccountExpense               = "Expense"
	AccountFixedAsset            = "FixedAsset"
	AccountIncome                = "Income"
	AccountLongTermLiability     = "LongTermLiability"
	AccountNonPosting            = "NonPosting"
	AccountOtherAsset            = "OtherAsset"
	AccountOtherCurrentAsset     = "OtherCurrentAsset"
	AccountOtherCurrentLiability = "OtherCurrentLiability"
	AccountOtherExpense          = "OtherExpense"
	AccountOtherIncome           = "OtherIncome"
)

var accountTypes = map[string]bool{
	AccountsPayable: true, AccountsReceivable: true, AccountBank: true, AccountCostOfGoodsSold: true,
	AccountCreditCard: true, AccountEquity: true, AccountExpense: true, AccountFixedAsset: true, AccountIncome: true,
	AccountLongTermLiability: true, AccountNonPosting: true, AccountOtherAsset: true, AccountOtherCurrentAsset: true,
	AccountOtherCurrentLiability: true, AccountOtherExpense: true, AccountOtherIncome: true,
}

// AccountAdd creates an account in the chart of accounts (AccountAddRq), for
// the mapping accounts a merchant asks shopqb to create. Accounts take no
// ExternalGUID in qbXML 13.0, so they are found again by name.
type AccountAdd struct {
	XMLName       xml.Name `xml:"AccountAdd"`
	Name          string   `xml:"Name" max:"31"`
	IsActive      *bool    `xml:"IsActive,omitempty"`
	ParentRef     *Ref     `xml:"ParentRef,omitempty"`
	AccountType   string   `xml:"AccountType"`
	AccountNumber string   `xml:"AccountNumber,omitempty" max:"7"`
	BankNumber    string   `xml:"BankNumber,omitempty" max:"25"`
	Desc          string   `xml:"Desc,omitempty" max:"200"`
}

// RequestName implements Request.
func (AccountAdd) RequestName() string { return "AccountAddRq" }

func (a AccountAdd) validate() error {
	if err := requireText("Name", a.Name); err != nil {
		return err
	}
	if !accountTypes[a.AccountType] {
		return fmtUnknown("AccountType", a.AccountType)
	}
	return nil
}

// Payment method types (PaymentMethodAdd.PaymentMethodType).
const (
	PaymentAmericanExpress = "AmericanExpress"
	PaymentCash            = "Cash"
	PaymentCheck           = "Check"
	PaymentDebitCard       = "DebitCard"
	PaymentDiscover        = "Discover"
	PaymentECheck          = "ECheck"
	PaymentGiftCard        = "GiftCard"
	PaymentMasterCard      = "MasterCard"
	PaymentOther           = "Other"
	PaymentOtherCreditCard = "OtherCreditCard"
	PaymentVisa            = "Visa"
)

var paymentMethodTypes = map[string]bool{
	PaymentAmericanExpress: true, PaymentCash: true, PaymentCheck: true, PaymentDebitCard: true,
	PaymentDiscover: true, PaymentECheck: true, PaymentGiftCard: true, PaymentMasterCard: true,
	PaymentOther: true, PaymentOtherCreditCard: true, PaymentVisa: true,
}

// PaymentMethodAdd creates a payment method (PaymentMethodAddRq), one per
// Shopify gateway so deposits can be matched to payouts.
type PaymentMethodAdd struct {
	XMLName           xml.Name `xml:"PaymentMethodAdd"`
	Name              string   `xml:"Name" max:"31"`
	IsActive          *bool    `xml:"IsActive,omitempty"`
	PaymentMethodType string   `xml:"PaymentMethodType,omitempty"`
}

// RequestName implements Request.
func (PaymentMethodAdd) RequestName() string { return "PaymentMethodAddRq" }

func (p PaymentMethodAdd) validate() error {
	if err := requireText("Name", p.Name); err != nil {
		return err
	}
	if p.PaymentMethodType != "" && !paymentMethodTypes[p.PaymentMethodType] {
		return fmtUnknown("PaymentMethodType", p.PaymentMethodType)
	}
	return nil
}

// ClassAdd creates a class (ClassAddRq): one per Shopify location when the
// merchant tracks classes per location.
type ClassAdd struct {
	XMLName   xml.Name `xml:"ClassAdd"`
	Name      string   `xml:"Name" max:"31"`
	IsActive  *bool    `xml:"IsActive,omitempty"`
	ParentRef *Ref     `xml:"ParentRef,omitempty"`
}

// RequestName implements Request.
func (ClassAdd) RequestName() string { return "ClassAddRq" }

func (c ClassAdd) validate() error { return requireText("Name", c.Name) }
