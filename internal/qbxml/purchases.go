package qbxml

import (
	"encoding/xml"
	"errors"
	"fmt"
)

// PurchaseOrderLine is one line of a purchase order.
type PurchaseOrderLine struct {
	ItemRef                  *Ref    `xml:"ItemRef,omitempty"`
	ManufacturerPartNumber   string  `xml:"ManufacturerPartNumber,omitempty" max:"31"`
	Desc                     string  `xml:"Desc,omitempty" max:"4095"`
	Quantity                 Decimal `xml:"Quantity,omitempty"`
	UnitOfMeasure            string  `xml:"UnitOfMeasure,omitempty" max:"31"`
	Rate                     Decimal `xml:"Rate,omitempty"`
	ClassRef                 *Ref    `xml:"ClassRef,omitempty"`
	Amount                   *Amount `xml:"Amount,omitempty"`
	InventorySiteLocationRef *Ref    `xml:"InventorySiteLocationRef,omitempty"`
	CustomerRef              *Ref    `xml:"CustomerRef,omitempty"`
	ServiceDate              Date    `xml:"ServiceDate,omitempty"`
	SalesTaxCodeRef          *Ref    `xml:"SalesTaxCodeRef,omitempty"`
	OverrideItemAccountRef   *Ref    `xml:"OverrideItemAccountRef,omitempty"`
	Other1                   string  `xml:"Other1,omitempty" max:"29"`
	Other2                   string  `xml:"Other2,omitempty" max:"29"`
}

// PurchaseOrderAdd records an order to a supplier (PurchaseOrderAddRq), from
// Shopify's native purchase orders or a Stocky import. Purchase orders do not
// post to the ledger; receiving them (ItemReceiptAdd or BillAdd with
// LinkToTxnID) does. Set at most one of InventorySiteRef and ShipToEntityRef.
type PurchaseOrderAdd struct {
	XMLName          xml.Name            `xml:"PurchaseOrderAdd"`
	DefMacro         string              `xml:"defMacro,attr,omitempty"`
	VendorRef        *Ref                `xml:"VendorRef,omitempty"`
	ClassRef         *Ref                `xml:"ClassRef,omitempty"`
	InventorySiteRef *Ref                `xml:"InventorySiteRef,omitempty"`
	ShipToEntityRef  *Ref                `xml:"ShipToEntityRef,omitempty"`
	TemplateRef      *Ref                `xml:"TemplateRef,omitempty"`
	TxnDate          Date                `xml:"TxnDate,omitempty"`
	RefNumber        string              `xml:"RefNumber,omitempty" max:"11"`
	VendorAddress    *Address            `xml:"VendorAddress,omitempty"`
	ShipAddress      *Address            `xml:"ShipAddress,omitempty"`
	TermsRef         *Ref                `xml:"TermsRef,omitempty"`
	DueDate          Date                `xml:"DueDate,omitempty"`
	ExpectedDate     Date                `xml:"ExpectedDate,omitempty"`
	ShipMethodRef    *Ref                `xml:"ShipMethodRef,omitempty"`
	FOB              string              `xml:"FOB,omitempty" max:"13"`
	Memo             string              `xml:"Memo,omitempty" max:"4095"`
	VendorMsg        string              `xml:"VendorMsg,omitempty" max:"99"`
	IsToBePrinted    *bool               `xml:"IsToBePrinted,omitempty"`
	IsToBeEmailed    *bool               `xml:"IsToBeEmailed,omitempty"`
	Other1           string              `xml:"Other1,omitempty" max:"25"`
	Other2           string              `xml:"Other2,omitempty" max:"29"`
	ExternalGUID     GUID                `xml:"ExternalGUID,omitempty"`
	Lines            []PurchaseOrderLine `xml:"PurchaseOrderLineAdd"`
}

// RequestName implements Request.
func (PurchaseOrderAdd) RequestName() string { return "PurchaseOrderAddRq" }

func (p PurchaseOrderAdd) validate() error {
	if err := requireRef("VendorRef", p.VendorRef); err != nil {
		return err
	}
	if err := choice("ship to", false, map[string]bool{
		"InventorySiteRef": p.InventorySiteRef != nil, "ShipToEntityRef": p.ShipToEntityRef != nil,
	}); err != nil {
		return err
	}
	if len(p.Lines) == 0 {
		return errors.New("a purchase order needs lines")
	}
	return nil
}

// ExpenseLine posts part of a bill or item receipt straight to an account
// (freight, duties) rather than to an item.
type ExpenseLine struct {
	AccountRef      *Ref    `xml:"AccountRef,omitempty"`
	Amount          *Amount `xml:"Amount,omitempty"`
	Memo            string  `xml:"Memo,omitempty" max:"4095"`
	CustomerRef     *Ref    `xml:"CustomerRef,omitempty"`
	ClassRef        *Ref    `xml:"ClassRef,omitempty"`
	SalesTaxCodeRef *Ref    `xml:"SalesTaxCodeRef,omitempty"`
	BillableStatus  string  `xml:"BillableStatus,omitempty"`
}

// ItemLine is an item line of a bill or item receipt: received goods at
// their cost. LinkToTxn ties it to the purchase-order line it receives.
type ItemLine struct {
	ItemRef                  *Ref       `xml:"ItemRef,omitempty"`
	InventorySiteRef         *Ref       `xml:"InventorySiteRef,omitempty"`
	InventorySiteLocationRef *Ref       `xml:"InventorySiteLocationRef,omitempty"`
	SerialNumber             string     `xml:"SerialNumber,omitempty" max:"4095"`
	LotNumber                string     `xml:"LotNumber,omitempty" max:"40"`
	Desc                     string     `xml:"Desc,omitempty" max:"4095"`
	Quantity                 Decimal    `xml:"Quantity,omitempty"`
	UnitOfMeasure            string     `xml:"UnitOfMeasure,omitempty" max:"31"`
	Cost                     Decimal    `xml:"Cost,omitempty"`
	Amount                   *Amount    `xml:"Amount,omitempty"`
	CustomerRef              *Ref       `xml:"CustomerRef,omitempty"`
	ClassRef                 *Ref       `xml:"ClassRef,omitempty"`
	SalesTaxCodeRef          *Ref       `xml:"SalesTaxCodeRef,omitempty"`
	BillableStatus           string     `xml:"BillableStatus,omitempty"`
	OverrideItemAccountRef   *Ref       `xml:"OverrideItemAccountRef,omitempty"`
	LinkToTxn                *LinkToTxn `xml:"LinkToTxn,omitempty"`
}

func validatePurchaseLines(expenses []ExpenseLine, items []ItemLine) error {
	if len(expenses)+len(items) == 0 {
		return errors.New("at least one expense or item line is required")
	}
	for i, l := range expenses {
		if err := requireRef(fmt.Sprintf("expense line %d AccountRef", i+1), l.AccountRef); err != nil {
			return err
		}
	}
	for i, l := range items {
		if err := requireRef(fmt.Sprintf("item line %d ItemRef", i+1), l.ItemRef); err != nil {
			return err
		}
		if l.SerialNumber != "" && l.LotNumber != "" {
			return fmt.Errorf("item line %d: set SerialNumber or LotNumber, not both", i+1)
		}
		if l.LinkToTxn != nil && (l.LinkToTxn.TxnID == "" || l.LinkToTxn.TxnLineID == "") {
			return fmt.Errorf("item line %d LinkToTxn: both TxnID and TxnLineID are required", i+1)
		}
	}
	return nil
}

// ItemReceiptAdd records goods received without a bill yet
// (ItemReceiptAddRq): inventory rises at cost against Accounts Payable.
// LinkToTxnID receives against whole purchase orders.
type ItemReceiptAdd struct {
	XMLName      xml.Name      `xml:"ItemReceiptAdd"`
	DefMacro     string        `xml:"defMacro,attr,omitempty"`
	VendorRef    *Ref          `xml:"VendorRef"`
	APAccountRef *Ref          `xml:"APAccountRef,omitempty"`
	TxnDate      Date          `xml:"TxnDate,omitempty"`
	RefNumber    string        `xml:"RefNumber,omitempty" max:"20"`
	Memo         string        `xml:"Memo,omitempty" max:"4095"`
	ExternalGUID GUID          `xml:"ExternalGUID,omitempty"`
	LinkToTxnID  []string      `xml:"LinkToTxnID,omitempty" max:"36"`
	ExpenseLines []ExpenseLine `xml:"ExpenseLineAdd"`
	ItemLines    []ItemLine    `xml:"ItemLineAdd"`
}

// RequestName implements Request.
func (ItemReceiptAdd) RequestName() string { return "ItemReceiptAddRq" }

func (r ItemReceiptAdd) validate() error {
	if err := requireRef("VendorRef", r.VendorRef); err != nil {
		return err
	}
	if len(r.LinkToTxnID) > 0 && len(r.ExpenseLines)+len(r.ItemLines) == 0 {
		return nil
	}
	return validatePurchaseLines(r.ExpenseLines, r.ItemLines)
}
