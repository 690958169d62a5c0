package qbxml

import (
	"encoding/xml"
	"errors"
	"fmt"
)

// SalesLine is a line of a sales receipt, invoice or credit memo
// (SalesReceiptLineAdd, InvoiceLineAdd, CreditMemoLineAdd share these
// fields in this order). Items, discounts, other charges (shipping, tips, gift
// cards), sales-tax items and payment items are all ordinary lines in
// QuickBooks Desktop US; the QBOE-only TaxAmount and IsTaxable are left out.
// Set at most one of Rate and RatePercent, and of SerialNumber and LotNumber.
type SalesLine struct {
	ItemRef                  *Ref    `xml:"ItemRef,omitempty"`
	Desc                     string  `xml:"Desc,omitempty" max:"4095"`
	Quantity                 Decimal `xml:"Quantity,omitempty"`
	UnitOfMeasure            string  `xml:"UnitOfMeasure,omitempty" max:"31"`
	Rate                     Decimal `xml:"Rate,omitempty"`
	RatePercent              Decimal `xml:"RatePercent,omitempty"`
	ClassRef                 *Ref    `xml:"ClassRef,omitempty"`
	Amount                   *Amount `xml:"Amount,omitempty"`
	InventorySiteRef         *Ref    `xml:"InventorySiteRef,omitempty"`
	InventorySiteLocationRef *Ref    `xml:"InventorySiteLocationRef,omitempty"`
	SerialNumber             string  `xml:"SerialNumber,omitempty" max:"4095"`
	LotNumber                string  `xml:"LotNumber,omitempty" max:"40"`
	ServiceDate              Date    `xml:"ServiceDate,omitempty"`
	SalesTaxCodeRef          *Ref    `xml:"SalesTaxCodeRef,omitempty"`
	OverrideItemAccountRef   *Ref    `xml:"OverrideItemAccountRef,omitempty"`
	Other1                   string  `xml:"Other1,omitempty" max:"29"`
	Other2                   string  `xml:"Other2,omitempty" max:"29"`
}

func (l SalesLine) validate() error {
	if l.Rate != "" && l.RatePercent != "" {
		return errors.New("set Rate or RatePercent, not both")
	}
	if l.SerialNumber != "" && l.LotNumber != "" {
		return errors.New("set SerialNumber or LotNumber, not both")
	}
	if l.ItemRef == nil && l.Amount != nil {
		return errors.New("a line with an amount needs an ItemRef")
	}
	return optionalRef("ItemRef", l.ItemRef)
}

func validateSalesLines(lines []SalesLine, required bool) error {
	if required && len(lines) == 0 {
		return errors.New("at least one line is required")
	}
	for i, l := range lines {
		if err := l.validate(); err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	return nil
}

// SalesReceiptAdd records a paid sale (SalesReceiptAddRq): a Shopify order in
// detail sales mode, or a day × location summary. CustomerRef is optional in
// QuickBooks; DepositToAccountRef is the gateway clearing account (or
// Undeposited Funds when empty).
type SalesReceiptAdd struct {
	XMLName                 xml.Name    `xml:"SalesReceiptAdd"`
	DefMacro                string      `xml:"defMacro,attr,omitempty"`
	CustomerRef             *Ref        `xml:"CustomerRef,omitempty"`
	ClassRef                *Ref        `xml:"ClassRef,omitempty"`
	TemplateRef             *Ref        `xml:"TemplateRef,omitempty"`
	TxnDate                 Date        `xml:"TxnDate,omitempty"`
	RefNumber               string      `xml:"RefNumber,omitempty" max:"11"`
	BillAddress             *Address    `xml:"BillAddress,omitempty"`
	ShipAddress             *Address    `xml:"ShipAddress,omitempty"`
	IsPending               *bool       `xml:"IsPending,omitempty"`
	CheckNumber             string      `xml:"CheckNumber,omitempty" max:"25"`
	PaymentMethodRef        *Ref        `xml:"PaymentMethodRef,omitempty"`
	DueDate                 Date        `xml:"DueDate,omitempty"`
	SalesRepRef             *Ref        `xml:"SalesRepRef,omitempty"`
	ShipDate                Date        `xml:"ShipDate,omitempty"`
	ShipMethodRef           *Ref        `xml:"ShipMethodRef,omitempty"`
	FOB                     string      `xml:"FOB,omitempty" max:"13"`
	ItemSalesTaxRef         *Ref        `xml:"ItemSalesTaxRef,omitempty"`
	Memo                    string      `xml:"Memo,omitempty" max:"4095"`
	CustomerMsgRef          *Ref        `xml:"CustomerMsgRef,omitempty"`
	IsToBePrinted           *bool       `xml:"IsToBePrinted,omitempty"`
	IsToBeEmailed           *bool       `xml:"IsToBeEmailed,omitempty"`
	CustomerSalesTaxCodeRef *Ref        `xml:"CustomerSalesTaxCodeRef,omitempty"`
	DepositToAccountRef     *Ref        `xml:"DepositToAccountRef,omitempty"`
	Other                   string      `xml:"Other,omitempty" max:"29"`
	ExternalGUID            GUID        `xml:"ExternalGUID,omitempty"`
	Lines                   []SalesLine `xml:"SalesReceiptLineAdd"`
}

// RequestName implements Request.
func (SalesReceiptAdd) RequestName() string { return "SalesReceiptAddRq" }

func (s SalesReceiptAdd) validate() error {
	if err := optionalRef("CustomerRef", s.CustomerRef); err != nil {
		return err
	}
	return validateSalesLines(s.Lines, true)
}

// CreditMemoAdd records returned goods and refunded amounts (CreditMemoAddRq),
// the first half of a Shopify refund; ARRefundCreditCardAdd pays it out.
type CreditMemoAdd struct {
	XMLName                 xml.Name    `xml:"CreditMemoAdd"`
	DefMacro                string      `xml:"defMacro,attr,omitempty"`
	CustomerRef             *Ref        `xml:"CustomerRef"`
	ClassRef                *Ref        `xml:"ClassRef,omitempty"`
	ARAccountRef            *Ref        `xml:"ARAccountRef,omitempty"`
	TemplateRef             *Ref        `xml:"TemplateRef,omitempty"`
	TxnDate                 Date        `xml:"TxnDate,omitempty"`
	RefNumber               string      `xml:"RefNumber,omitempty" max:"11"`
	BillAddress             *Address    `xml:"BillAddress,omitempty"`
	ShipAddress             *Address    `xml:"ShipAddress,omitempty"`
	IsPending               *bool       `xml:"IsPending,omitempty"`
	PONumber                string      `xml:"PONumber,omitempty" max:"25"`
	TermsRef                *Ref        `xml:"TermsRef,omitempty"`
	DueDate                 Date        `xml:"DueDate,omitempty"`
	SalesRepRef             *Ref        `xml:"SalesRepRef,omitempty"`
	FOB                     string      `xml:"FOB,omitempty" max:"13"`
	ShipDate                Date        `xml:"ShipDate,omitempty"`
	ShipMethodRef           *Ref        `xml:"ShipMethodRef,omitempty"`
	ItemSalesTaxRef         *Ref        `xml:"ItemSalesTaxRef,omitempty"`
	Memo                    string      `xml:"Memo,omitempty" max:"4095"`
	CustomerMsgRef          *Ref        `xml:"CustomerMsgRef,omitempty"`
	IsToBePrinted           *bool       `xml:"IsToBePrinted,omitempty"`
	IsToBeEmailed           *bool       `xml:"IsToBeEmailed,omitempty"`
	CustomerSalesTaxCodeRef *Ref        `xml:"CustomerSalesTaxCodeRef,omitempty"`
	Other                   string      `xml:"Other,omitempty" max:"29"`
	ExternalGUID            GUID        `xml:"ExternalGUID,omitempty"`
	Lines                   []SalesLine `xml:"CreditMemoLineAdd"`
}

// RequestName implements Request.
func (CreditMemoAdd) RequestName() string { return "CreditMemoAddRq" }

func (s CreditMemoAdd) validate() error {
	if err := requireRef("CustomerRef", s.CustomerRef); err != nil {
		return err
	}
	return validateSalesLines(s.Lines, true)
}
