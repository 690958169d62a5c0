package qbxml

// Field lengths QuickBooks Desktop (US) accepts, from the qbXML 13.0 XSD.
// A value over its limit makes QuickBooks reject the whole request, so text
// is cut to these before it is sent (CleanText, CleanName).
const (
	MaxCustomerName    = 41 // Customer, Vendor, OtherName Name; also CompanyName
	MaxVendorName      = 41
	MaxItemName        = 31 // every item type
	MaxAccountName     = 31
	MaxPaymentMethod   = 31
	MaxClassName       = 31
	MaxFullName        = 159 // FullName of a list reference
	MaxCustomerRefName = 209 // CustomerRef FullName (customer:job paths)
	MaxSalesTaxCode    = 3
	MaxSalesRep        = 5
	MaxFirstName       = 25
	MaxMiddleName      = 5
	MaxLastName        = 25
	MaxSalutation      = 15
	MaxJobTitle        = 41
	MaxPrintAs         = 41
	MaxNameOnCheck     = 41
	MaxContact         = 41
	MaxPhone           = 21 // Phone, Mobile, Pager, AltPhone, Fax
	MaxEmail           = 1023
	MaxAccountNumber   = 99 // customer/vendor AccountNumber
	MaxAcctNumber      = 7  // chart-of-accounts AccountNumber
	MaxAccountDesc     = 200
	MaxResaleNumber    = 15
	MaxVendorTaxIdent  = 15
	MaxRefNumber       = 11 // SalesReceipt, Invoice, CreditMemo, ARRefundCreditCard, JournalEntry, PurchaseOrder, InventoryAdjustment
	MaxRefNumberLong   = 20 // ReceivePayment, Bill, ItemReceipt
	MaxMemo            = 4095
	MaxDesc            = 4095 // line Desc, SalesDesc, PurchaseDesc, ItemDesc
	MaxNotes           = 4095
	MaxOther           = 29
	MaxPOOther1        = 25
	MaxCheckNumber     = 25
	MaxDepositCheckNum = 11
	MaxPONumber        = 25
	MaxFOB             = 13
	MaxVendorMsg       = 99
	MaxAddrLine        = 41 // Addr1–Addr5, Note
	MaxCity            = 31
	MaxState           = 21
	MaxPostalCode      = 13
	MaxCountry         = 31
	MaxBarCode         = 50
	MaxManufacturerPN  = 31
	MaxUnitOfMeasure   = 31
	MaxLotNumber       = 40
	MaxID              = 36 // ListID, TxnID
	MaxEditSequence    = 16
	MaxRequestID       = 50
	MaxIncludeRet      = 50
)

// List capacity of QuickBooks Pro and Premier; Enterprise's is far larger.
const (
	ProPremierMaxNames = 14500 // customers + vendors + employees + other names
	ProPremierMaxItems = 14500
)
