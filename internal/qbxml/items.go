package qbxml

import (
	"encoding/xml"
	"errors"
)

// BarCode assigns a bar code to an item (Shopify variant barcodes).
type BarCode struct {
	BarCodeValue     string `xml:"BarCodeValue,omitempty" max:"50"`
	AssignEvenIfUsed *bool  `xml:"AssignEvenIfUsed,omitempty"`
	AllowOverride    *bool  `xml:"AllowOverride,omitempty"`
}

// ItemInventoryAdd creates an inventory part (ItemInventoryAddRq): one per
// Shopify variant in detail inventory mode, so QuickBooks tracks quantity and
// average cost and posts COGS itself. The three account refs are optional in
// the schema but QuickBooks refuses an inventory part without them.
type ItemInventoryAdd struct {
	XMLName                xml.Name `xml:"ItemInventoryAdd"`
	Name                   string   `xml:"Name" max:"31"`
	BarCode                *BarCode `xml:"BarCode,omitempty"`
	IsActive               *bool    `xml:"IsActive,omitempty"`
	ClassRef               *Ref     `xml:"ClassRef,omitempty"`
	ParentRef              *Ref     `xml:"ParentRef,omitempty"`
	ManufacturerPartNumber string   `xml:"ManufacturerPartNumber,omitempty" max:"31"`
	SalesTaxCodeRef        *Ref     `xml:"SalesTaxCodeRef,omitempty"`
	SalesDesc              string   `xml:"SalesDesc,omitempty" max:"4095"`
	SalesPrice             Decimal  `xml:"SalesPrice,omitempty"`
	IncomeAccountRef       *Ref     `xml:"IncomeAccountRef,omitempty"`
	PurchaseDesc           string   `xml:"PurchaseDesc,omitempty" max:"4095"`
	PurchaseCost           Decimal  `xml:"PurchaseCost,omitempty"`
	COGSAccountRef         *Ref     `xml:"COGSAccountRef,omitempty"`
	PrefVendorRef          *Ref     `xml:"PrefVendorRef,omitempty"`
	AssetAccountRef        *Ref     `xml:"AssetAccountRef,omitempty"`
	ReorderPoint           Decimal  `xml:"ReorderPoint,omitempty"`
	Max                    Decimal  `xml:"Max,omitempty"`
	QuantityOnHand         Decimal  `xml:"QuantityOnHand,omitempty"`
	TotalValue             *Amount  `xml:"TotalValue,omitempty"`
	InventoryDate          Date     `xml:"InventoryDate,omitempty"`
	ExternalGUID           GUID     `xml:"ExternalGUID,omitempty"`
}

// RequestName implements Request.
func (ItemInventoryAdd) RequestName() string { return "ItemInventoryAddRq" }

func (i ItemInventoryAdd) validate() error {
	if err := requireText("Name", i.Name); err != nil {
		return err
	}
	if err := requireRef("IncomeAccountRef", i.IncomeAccountRef); err != nil {
		return err
	}
	if err := requireRef("COGSAccountRef", i.COGSAccountRef); err != nil {
		return err
	}
	return requireRef("AssetAccountRef", i.AssetAccountRef)
}

// SalesOrPurchase is the one-account form of a non-inventory, service or
// other-charge item: the item is either sold or bought, posting to AccountRef.
// Set Price or PricePercent, not both.
type SalesOrPurchase struct {
	Desc         string  `xml:"Desc,omitempty" max:"4095"`
	Price        Decimal `xml:"Price,omitempty"`
	PricePercent Decimal `xml:"PricePercent,omitempty"`
	AccountRef   *Ref    `xml:"AccountRef,omitempty"`
}

// SalesAndPurchase is the two-account form: sold to IncomeAccountRef and
// bought from ExpenseAccountRef (for summary inventory, the COGS account).
type SalesAndPurchase struct {
	SalesDesc          string  `xml:"SalesDesc,omitempty" max:"4095"`
	SalesPrice         Decimal `xml:"SalesPrice,omitempty"`
	IncomeAccountRef   *Ref    `xml:"IncomeAccountRef,omitempty"`
	PurchaseDesc       string  `xml:"PurchaseDesc,omitempty" max:"4095"`
	PurchaseCost       Decimal `xml:"PurchaseCost,omitempty"`
	PurchaseTaxCodeRef *Ref    `xml:"PurchaseTaxCodeRef,omitempty"`
	ExpenseAccountRef  *Ref    `xml:"ExpenseAccountRef,omitempty"`
	PrefVendorRef      *Ref    `xml:"PrefVendorRef,omitempty"`
}

// salesPurchaseChoice checks the required choice shared by three item kinds.
func salesPurchaseChoice(sp *SalesOrPurchase, sap *SalesAndPurchase) error {
	if err := choice("item accounts", true, map[string]bool{
		"SalesOrPurchase": sp != nil, "SalesAndPurchase": sap != nil,
	}); err != nil {
		return err
	}
	if sp != nil {
		if sp.Price != "" && sp.PricePercent != "" {
			return errors.New("SalesOrPurchase: set Price or PricePercent, not both")
		}
		return requireRef("SalesOrPurchase.AccountRef", sp.AccountRef)
	}
	return requireRef("SalesAndPurchase.IncomeAccountRef", sap.IncomeAccountRef)
}

// ItemNonInventoryAdd creates a non-inventory part (ItemNonInventoryAddRq):
// summary inventory mode sells per product type through these. Note the XSD
// puts ParentRef before ClassRef here, unlike the other item kinds.
type ItemNonInventoryAdd struct {
	XMLName                xml.Name          `xml:"ItemNonInventoryAdd"`
	Name                   string            `xml:"Name" max:"31"`
	BarCode                *BarCode          `xml:"BarCode,omitempty"`
	IsActive               *bool             `xml:"IsActive,omitempty"`
	ParentRef              *Ref              `xml:"ParentRef,omitempty"`
	ClassRef               *Ref              `xml:"ClassRef,omitempty"`
	ManufacturerPartNumber string            `xml:"ManufacturerPartNumber,omitempty" max:"31"`
	SalesTaxCodeRef        *Ref              `xml:"SalesTaxCodeRef,omitempty"`
	SalesOrPurchase        *SalesOrPurchase  `xml:"SalesOrPurchase,omitempty"`
	SalesAndPurchase       *SalesAndPurchase `xml:"SalesAndPurchase,omitempty"`
	ExternalGUID           GUID              `xml:"ExternalGUID,omitempty"`
}

// RequestName implements Request.
func (ItemNonInventoryAdd) RequestName() string { return "ItemNonInventoryAddRq" }

func (i ItemNonInventoryAdd) validate() error {
	if err := requireText("Name", i.Name); err != nil {
		return err
	}
	return salesPurchaseChoice(i.SalesOrPurchase, i.SalesAndPurchase)
}

// ItemServiceAdd creates a service item (ItemServiceAddRq).
type ItemServiceAdd struct {
	XMLName          xml.Name          `xml:"ItemServiceAdd"`
	Name             string            `xml:"Name" max:"31"`
	BarCode          *BarCode          `xml:"BarCode,omitempty"`
	IsActive         *bool             `xml:"IsActive,omitempty"`
	ClassRef         *Ref              `xml:"ClassRef,omitempty"`
	ParentRef        *Ref              `xml:"ParentRef,omitempty"`
	SalesTaxCodeRef  *Ref              `xml:"SalesTaxCodeRef,omitempty"`
	SalesOrPurchase  *SalesOrPurchase  `xml:"SalesOrPurchase,omitempty"`
	SalesAndPurchase *SalesAndPurchase `xml:"SalesAndPurchase,omitempty"`
	ExternalGUID     GUID              `xml:"ExternalGUID,omitempty"`
}

// RequestName implements Request.
func (ItemServiceAdd) RequestName() string { return "ItemServiceAddRq" }

func (i ItemServiceAdd) validate() error {
	if err := requireText("Name", i.Name); err != nil {
		return err
	}
	return salesPurchaseChoice(i.SalesOrPurchase, i.SalesAndPurchase)
}

// ItemOtherChargeAdd creates an other-charge item (ItemOtherChargeAddRq):
// shipping, tips, gift cards and store credit post through these, each to its
// own income or liability account.
type ItemOtherChargeAdd struct {
	XMLName          xml.Name          `xml:"ItemOtherChargeAdd"`
	Name             string            `xml:"Name" max:"31"`
	BarCode          *BarCode          `xml:"BarCode,omitempty"`
	IsActive         *bool             `xml:"IsActive,omitempty"`
	ClassRef         *Ref              `xml:"ClassRef,omitempty"`
	ParentRef        *Ref              `xml:"ParentRef,omitempty"`
	SalesTaxCodeRef  *Ref              `xml:"SalesTaxCodeRef,omitempty"`
	SalesOrPurchase  *SalesOrPurchase  `xml:"SalesOrPurchase,omitempty"`
	SalesAndPurchase *SalesAndPurchase `xml:"SalesAndPurchase,omitempty"`
	ExternalGUID     GUID              `xml:"ExternalGUID,omitempty"`
}

// RequestName implements Request.
func (ItemOtherChargeAdd) RequestName() string { return "ItemOtherChargeAddRq" }

func (i ItemOtherChargeAdd) validate() error {
	if err := requireText("Name", i.Name); err != nil {
		return err
	}
	return salesPurchaseChoice(i.SalesOrPurchase, i.SalesAndPurchase)
}

// ItemDiscountAdd creates a discount item (ItemDiscountAddRq). shopqb leaves
// the rate empty and puts each Shopify discount's exact amount on the line.
type ItemDiscountAdd struct {
	XMLName             xml.Name `xml:"ItemDiscountAdd"`
	Name                string   `xml:"Name" max:"31"`
	BarCode             *BarCode `xml:"BarCode,omitempty"`
	IsActive            *bool    `xml:"IsActive,omitempty"`
	ClassRef            *Ref     `xml:"ClassRef,omitempty"`
	ParentRef           *Ref     `xml:"ParentRef,omitempty"`
	ItemDesc            string   `xml:"ItemDesc,omitempty" max:"4095"`
	SalesTaxCodeRef     *Ref     `xml:"SalesTaxCodeRef,omitempty"`
	DiscountRate        Decimal  `xml:"DiscountRate,omitempty"`
	DiscountRatePercent Decimal  `xml:"DiscountRatePercent,omitempty"`
	AccountRef          *Ref     `xml:"AccountRef,omitempty"`
	ExternalGUID        GUID     `xml:"ExternalGUID,omitempty"`
}

// RequestName implements Request.
func (ItemDiscountAdd) RequestName() string { return "ItemDiscountAddRq" }

func (i ItemDiscountAdd) validate() error {
	if err := requireText("Name", i.Name); err != nil {
		return err
	}
	if i.DiscountRate != "" && i.DiscountRatePercent != "" {
		return errors.New("set DiscountRate or DiscountRatePercent, not both")
	}
	return requireRef("AccountRef", i.AccountRef)
}

// ItemSalesTaxAdd creates a sales-tax item (ItemSalesTaxAddRq): one per
// Shopify tax jurisdiction (title and rate), paid to TaxVendorRef, so the
// Sales Tax Liability report is right. Lines carry Shopify's exact amounts.
type ItemSalesTaxAdd struct {
	XMLName      xml.Name `xml:"ItemSalesTaxAdd"`
	Name         string   `xml:"Name" max:"31"`
	BarCode      *BarCode `xml:"BarCode,omitempty"`
	IsActive     *bool    `xml:"IsActive,omitempty"`
	ClassRef     *Ref     `xml:"ClassRef,omitempty"`
	ItemDesc     string   `xml:"ItemDesc,omitempty" max:"4095"`
	TaxRate      Decimal  `xml:"TaxRate,omitempty"`
	TaxVendorRef *Ref     `xml:"TaxVendorRef,omitempty"`
	ExternalGUID GUID     `xml:"ExternalGUID,omitempty"`
}

// RequestName implements Request.
func (ItemSalesTaxAdd) RequestName() string { return "ItemSalesTaxAddRq" }

func (i ItemSalesTaxAdd) validate() error { return requireText("Name", i.Name) }

// ItemPaymentAdd creates a payment item (ItemPaymentAddRq): on a split-tender
// sale every tender after the first is a payment-item line, which moves that
// money to its own gateway clearing account (DepositToAccountRef).
type ItemPaymentAdd struct {
	XMLName             xml.Name `xml:"ItemPaymentAdd"`
	Name                string   `xml:"Name" max:"31"`
	BarCode             *BarCode `xml:"BarCode,omitempty"`
	IsActive            *bool    `xml:"IsActive,omitempty"`
	ClassRef            *Ref     `xml:"ClassRef,omitempty"`
	ItemDesc            string   `xml:"ItemDesc,omitempty" max:"4095"`
	DepositToAccountRef *Ref     `xml:"DepositToAccountRef,omitempty"`
	PaymentMethodRef    *Ref     `xml:"PaymentMethodRef,omitempty"`
	ExternalGUID        GUID     `xml:"ExternalGUID,omitempty"`
}

// RequestName implements Request.
func (ItemPaymentAdd) RequestName() string { return "ItemPaymentAddRq" }

func (i ItemPaymentAdd) validate() error { return requireText("Name", i.Name) }
