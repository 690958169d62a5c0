package qbxml

import (
	"encoding/xml"
	"errors"
	"fmt"
)

// JournalLine is one debit or credit of a journal entry.
type JournalLine struct {
	AccountRef      *Ref    `xml:"AccountRef,omitempty"`
	Amount          *Amount `xml:"Amount,omitempty"`
	Memo            string  `xml:"Memo,omitempty" max:"4095"`
	EntityRef       *Ref    `xml:"EntityRef,omitempty"`
	ClassRef        *Ref    `xml:"ClassRef,omitempty"`
	ItemSalesTaxRef *Ref    `xml:"ItemSalesTaxRef,omitempty"`
	BillableStatus  string  `xml:"BillableStatus,omitempty"`
}

// JournalEntryAdd posts a journal entry (JournalEntryAddRq): the COGS entry of
// summary inventory mode, payout fees and adjustments. QuickBooks Desktop has
// no header memo (that field is QBOE-only), so memos go on the lines. The
// schema lets debit and credit lines come in any order; they are written
// debits first. Debits and credits must balance.
type JournalEntryAdd struct {
	XMLName      xml.Name      `xml:"JournalEntryAdd"`
	DefMacro     string        `xml:"defMacro,attr,omitempty"`
	TxnDate      Date          `xml:"TxnDate,omitempty"`
	RefNumber    string        `xml:"RefNumber,omitempty" max:"11"`
	IsAdjustment *bool         `xml:"IsAdjustment,omitempty"`
	ExternalGUID GUID          `xml:"ExternalGUID,omitempty"`
	Debits       []JournalLine `xml:"JournalDebitLine"`
	Credits      []JournalLine `xml:"JournalCreditLine"`
}

// RequestName implements Request.
func (JournalEntryAdd) RequestName() string { return "JournalEntryAddRq" }

func (j JournalEntryAdd) validate() error {
	if len(j.Debits)+len(j.Credits) == 0 {
		return errors.New("a journal entry needs lines")
	}
	var debit, credit Amount
	for i, l := range j.Debits {
		if err := requireRef(fmt.Sprintf("debit line %d AccountRef", i+1), l.AccountRef); err != nil {
			return err
		}
		if l.Amount != nil {
			debit += *l.Amount
		}
	}
	for i, l := range j.Credits {
		if err := requireRef(fmt.Sprintf("credit line %d AccountRef", i+1), l.AccountRef); err != nil {
			return err
		}
		if l.Amount != nil {
			credit += *l.Amount
		}
	}
	if debit != credit {
		return fmt.Errorf("debits %s and credits %s do not balance", debit.Cents(), credit.Cents())
	}
	return nil
}

// DepositLine is one line of a deposit: either a payment already received
// (PaymentTxnID, e.g. a sales receipt held in Undeposited Funds), or money
// from an account (AccountRef and Amount; negative for payout fees).
type DepositLine struct {
	PaymentTxnID        *MacroTxnID `xml:"PaymentTxnID,omitempty"`
	PaymentTxnLineID    *MacroTxnID `xml:"PaymentTxnLineID,omitempty"`
	OverrideMemo        string      `xml:"OverrideMemo,omitempty" max:"4095"`
	OverrideCheckNumber string      `xml:"OverrideCheckNumber,omitempty" max:"11"`
	OverrideClassRef    *Ref        `xml:"OverrideClassRef,omitempty"`
	EntityRef           *Ref        `xml:"EntityRef,omitempty"`
	AccountRef          *Ref        `xml:"AccountRef,omitempty"`
	Memo                string      `xml:"Memo,omitempty" max:"4095"`
	CheckNumber         string      `xml:"CheckNumber,omitempty" max:"11"`
	PaymentMethodRef    *Ref        `xml:"PaymentMethodRef,omitempty"`
	ClassRef            *Ref        `xml:"ClassRef,omitempty"`
	Amount              *Amount     `xml:"Amount,omitempty"`
}

func (l DepositLine) validate() error {
	payment := l.PaymentTxnID != nil || l.PaymentTxnLineID != nil || l.OverrideMemo != "" ||
		l.OverrideCheckNumber != "" || l.OverrideClassRef != nil
	info := l.EntityRef != nil || l.AccountRef != nil || l.Memo != "" || l.CheckNumber != "" ||
		l.PaymentMethodRef != nil || l.ClassRef != nil || l.Amount != nil
	if err := choice("deposit line", true, map[string]bool{"payment (PaymentTxnID…)": payment, "account (AccountRef…)": info}); err != nil {
		return err
	}
	if payment && (l.PaymentTxnID == nil || !l.PaymentTxnID.set()) {
		return errors.New("PaymentTxnID is required on a payment line")
	}
	if info {
		return requireRef("AccountRef", l.AccountRef)
	}
	return nil
}

// DepositAdd records a bank deposit (DepositAddRq): a Shopify payout moving
// money from a gateway clearing account to the bank, net of fees.
type DepositAdd struct {
	XMLName             xml.Name      `xml:"DepositAdd"`
	DefMacro            string        `xml:"defMacro,attr,omitempty"`
	TxnDate             Date          `xml:"TxnDate,omitempty"`
	DepositToAccountRef *Ref          `xml:"DepositToAccountRef"`
	Memo                string        `xml:"Memo,omitempty" max:"4095"`
	ExternalGUID        GUID          `xml:"ExternalGUID,omitempty"`
	Lines               []DepositLine `xml:"DepositLineAdd"`
}

// RequestName implements Request.
func (DepositAdd) RequestName() string { return "DepositAddRq" }

func (d DepositAdd) validate() error {
	if err := requireRef("DepositToAccountRef", d.DepositToAccountRef); err != nil {
		return err
	}
	if len(d.Lines) == 0 {
		return errors.New("a deposit needs lines")
	}
	for i, l := range d.Lines {
		if err := l.validate(); err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	return nil
}
