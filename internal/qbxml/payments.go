package qbxml

import (
	"encoding/xml"
	"errors"
	"fmt"
)

// AppliedToTxn applies part of a received payment to one open invoice.
type AppliedToTxn struct {
	TxnID              MacroTxnID `xml:"TxnID"`
	PaymentAmount      *Amount    `xml:"PaymentAmount,omitempty"`
	DiscountAmount     *Amount    `xml:"DiscountAmount,omitempty"`
	DiscountAccountRef *Ref       `xml:"DiscountAccountRef,omitempty"`
	DiscountClassRef   *Ref       `xml:"DiscountClassRef,omitempty"`
}

// ReceivePaymentAdd records a customer's payment of invoices
// (ReceivePaymentAddRq). Set IsAutoApply, or list the invoices in AppliedTo.
type ReceivePaymentAdd struct {
	XMLName             xml.Name       `xml:"ReceivePaymentAdd"`
	DefMacro            string         `xml:"defMacro,attr,omitempty"`
	CustomerRef         *Ref           `xml:"CustomerRef"`
	ARAccountRef        *Ref           `xml:"ARAccountRef,omitempty"`
	TxnDate             Date           `xml:"TxnDate,omitempty"`
	RefNumber           string         `xml:"RefNumber,omitempty" max:"20"`
	TotalAmount         *Amount        `xml:"TotalAmount,omitempty"`
	PaymentMethodRef    *Ref           `xml:"PaymentMethodRef,omitempty"`
	Memo                string         `xml:"Memo,omitempty" max:"4095"`
	DepositToAccountRef *Ref           `xml:"DepositToAccountRef,omitempty"`
	ExternalGUID        GUID           `xml:"ExternalGUID,omitempty"`
	IsAutoApply         *bool          `xml:"IsAutoApply,omitempty"`
	AppliedTo           []AppliedToTxn `xml:"AppliedToTxnAdd"`
}

// RequestName implements Request.
func (ReceivePaymentAdd) RequestName() string { return "ReceivePaymentAddRq" }

func (p ReceivePaymentAdd) validate() error {
	if err := requireRef("CustomerRef", p.CustomerRef); err != nil {
		return err
	}
	if err := choice("payment application", true, map[string]bool{
		"IsAutoApply": p.IsAutoApply != nil, "AppliedTo": len(p.AppliedTo) > 0,
	}); err != nil {
		return err
	}
	for i, a := range p.AppliedTo {
		if !a.TxnID.set() {
			return fmt.Errorf("AppliedTo %d: TxnID is required", i+1)
		}
	}
	return nil
}

// RefundAppliedToTxn names the credit memo a refund pays out and how much.
type RefundAppliedToTxn struct {
	TxnID        MacroTxnID `xml:"TxnID"`
	RefundAmount Amount     `xml:"RefundAmount"`
}

// ARRefundCreditCardAdd pays a customer credit back out
// (ARRefundCreditCardAddRq): the second half of a Shopify refund, drawn from
// the gateway's clearing account (RefundFromAccountRef). The credit memo it
// refunds can be named by a macro defined earlier in the same message set.
type ARRefundCreditCardAdd struct {
	XMLName              xml.Name             `xml:"ARRefundCreditCardAdd"`
	DefMacro             string               `xml:"defMacro,attr,omitempty"`
	CustomerRef          *Ref                 `xml:"CustomerRef"`
	RefundFromAccountRef *Ref                 `xml:"RefundFromAccountRef,omitempty"`
	ARAccountRef         *Ref                 `xml:"ARAccountRef,omitempty"`
	TxnDate              Date                 `xml:"TxnDate,omitempty"`
	RefNumber            string               `xml:"RefNumber,omitempty" max:"11"`
	Address              *Address             `xml:"Address,omitempty"`
	PaymentMethodRef     *Ref                 `xml:"PaymentMethodRef,omitempty"`
	Memo                 string               `xml:"Memo,omitempty" max:"4095"`
	ExternalGUID         GUID                 `xml:"ExternalGUID,omitempty"`
	RefundAppliedTo      []RefundAppliedToTxn `xml:"RefundAppliedToTxnAdd"`
}

// RequestName implements Request.
func (ARRefundCreditCardAdd) RequestName() string { return "ARRefundCreditCardAddRq" }

func (r ARRefundCreditCardAdd) validate() error {
	if err := requireRef("CustomerRef", r.CustomerRef); err != nil {
		return err
	}
	if len(r.RefundAppliedTo) == 0 {
		return errors.New("RefundAppliedTo: at least one credit to refund is required")
	}
	for i, a := range r.RefundAppliedTo {
		if !a.TxnID.set() {
			return fmt.Errorf("RefundAppliedTo %d: TxnID is required", i+1)
		}
	}
	return nil
}
