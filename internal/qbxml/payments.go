package qbxml

import (
	"encoding/xml"
	"errors"
	"fmt"
)

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
