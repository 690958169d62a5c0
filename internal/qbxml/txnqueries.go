package qbxml

import (
	"encoding/xml"
	"errors"
)

// ModifiedDateRangeFilter selects transactions last modified in a range.
type ModifiedDateRangeFilter struct {
	FromModifiedDate DateTime `xml:"FromModifiedDate,omitempty"`
	ToModifiedDate   DateTime `xml:"ToModifiedDate,omitempty"`
}

// TxnDateRangeFilter selects transactions dated in a range (or a DateMacro
// such as "ThisMonth"; set the dates or the macro, not both).
type TxnDateRangeFilter struct {
	FromTxnDate Date   `xml:"FromTxnDate,omitempty"`
	ToTxnDate   Date   `xml:"ToTxnDate,omitempty"`
	DateMacro   string `xml:"DateMacro,omitempty"`
}

func (f *TxnDateRangeFilter) validate() error {
	if f == nil {
		return nil
	}
	return choice("TxnDateRangeFilter", true, map[string]bool{
		"FromTxnDate/ToTxnDate": f.FromTxnDate != "" || f.ToTxnDate != "", "DateMacro": f.DateMacro != "",
	})
}

// EntityFilter selects transactions by customer, vendor or other name.
// Set one of its fields.
type EntityFilter struct {
	ListID               []string `xml:"ListID,omitempty" max:"36"`
	FullName             []string `xml:"FullName,omitempty"`
	ListIDWithChildren   string   `xml:"ListIDWithChildren,omitempty" max:"36"`
	FullNameWithChildren string   `xml:"FullNameWithChildren,omitempty"`
}

func (f *EntityFilter) validate(what string) error {
	if f == nil {
		return nil
	}
	return choice(what, true, map[string]bool{
		"ListID": len(f.ListID) > 0, "FullName": len(f.FullName) > 0,
		"ListIDWithChildren": f.ListIDWithChildren != "", "FullNameWithChildren": f.FullNameWithChildren != "",
	})
}

// AccountFilter selects transactions touching an account; same shape as EntityFilter.
type AccountFilter = EntityFilter

// RefNumberFilter matches reference numbers.
type RefNumberFilter struct {
	MatchCriterion string `xml:"MatchCriterion"`
	RefNumber      string `xml:"RefNumber"`
}

// RefNumberRangeFilter matches reference numbers between two values.
type RefNumberRangeFilter struct {
	FromRefNumber string `xml:"FromRefNumber,omitempty"`
	ToRefNumber   string `xml:"ToRefNumber,omitempty"`
}

// TxnFilter is the selection shared by transaction queries: TxnIDs, or
// RefNumbers (recovery looks a posting up by its Shopify reference), or the
// filter fields. Mixing those is refused.
type TxnFilter struct {
	TxnID                   []string                 `xml:"TxnID,omitempty" max:"36"`
	RefNumber               []string                 `xml:"RefNumber,omitempty"`
	RefNumberCaseSensitive  []string                 `xml:"RefNumberCaseSensitive,omitempty"`
	MaxReturned             int                      `xml:"MaxReturned,omitempty"`
	ModifiedDateRangeFilter *ModifiedDateRangeFilter `xml:"ModifiedDateRangeFilter,omitempty"`
	TxnDateRangeFilter      *TxnDateRangeFilter      `xml:"TxnDateRangeFilter,omitempty"`
	EntityFilter            *EntityFilter            `xml:"EntityFilter,omitempty"`
	AccountFilter           *AccountFilter           `xml:"AccountFilter,omitempty"`
	RefNumberFilter         *RefNumberFilter         `xml:"RefNumberFilter,omitempty"`
	RefNumberRangeFilter    *RefNumberRangeFilter    `xml:"RefNumberRangeFilter,omitempty"`
}

func (f TxnFilter) validate() error {
	filtered := f.MaxReturned != 0 || f.ModifiedDateRangeFilter != nil || f.TxnDateRangeFilter != nil ||
		f.EntityFilter != nil || f.AccountFilter != nil || f.RefNumberFilter != nil || f.RefNumberRangeFilter != nil
	if err := choice("transaction selection", false, map[string]bool{
		"TxnID": len(f.TxnID) > 0, "RefNumber": len(f.RefNumber) > 0,
		"RefNumberCaseSensitive": len(f.RefNumberCaseSensitive) > 0, "filters": filtered,
	}); err != nil {
		return err
	}
	if f.MaxReturned < 0 {
		return errors.New("MaxReturned must not be negative")
	}
	if err := choice("date filter", false, map[string]bool{
		"ModifiedDateRangeFilter": f.ModifiedDateRangeFilter != nil, "TxnDateRangeFilter": f.TxnDateRangeFilter != nil,
	}); err != nil {
		return err
	}
	if err := f.TxnDateRangeFilter.validate(); err != nil {
		return err
	}
	if err := f.EntityFilter.validate("EntityFilter"); err != nil {
		return err
	}
	if err := f.AccountFilter.validate("AccountFilter"); err != nil {
		return err
	}
	if err := choice("reference filter", false, map[string]bool{
		"RefNumberFilter": f.RefNumberFilter != nil, "RefNumberRangeFilter": f.RefNumberRangeFilter != nil,
	}); err != nil {
		return err
	}
	if f.RefNumberFilter != nil {
		return validateMatch(f.RefNumberFilter.MatchCriterion)
	}
	return nil
}

// SalesReceiptQuery reads sales receipts (SalesReceiptQueryRq): recovery
// looks up an in-doubt posting by RefNumber or date and compares ExternalGUID.
type SalesReceiptQuery struct {
	XMLName xml.Name `xml:"SalesReceiptQueryRq"`
	Iteration
	TxnFilter
	IncludeLineItems  *bool    `xml:"IncludeLineItems,omitempty"`
	IncludeRetElement []string `xml:"IncludeRetElement,omitempty" max:"50"`
	OwnerID           []GUID   `xml:"OwnerID,omitempty"`
}

// RequestName implements Request.
func (SalesReceiptQuery) RequestName() string { return "SalesReceiptQueryRq" }

func (q SalesReceiptQuery) validate() error {
	if err := q.Iteration.validate(); err != nil {
		return err
	}
	return q.TxnFilter.validate()
}

// CreditMemoQuery reads credit memos (CreditMemoQueryRq).
type CreditMemoQuery struct {
	XMLName xml.Name `xml:"CreditMemoQueryRq"`
	Iteration
	TxnFilter
	IncludeLineItems  *bool    `xml:"IncludeLineItems,omitempty"`
	IncludeLinkedTxns *bool    `xml:"IncludeLinkedTxns,omitempty"`
	IncludeRetElement []string `xml:"IncludeRetElement,omitempty" max:"50"`
	OwnerID           []GUID   `xml:"OwnerID,omitempty"`
}

// RequestName implements Request.
func (CreditMemoQuery) RequestName() string { return "CreditMemoQueryRq" }

func (q CreditMemoQuery) validate() error {
	if err := q.Iteration.validate(); err != nil {
		return err
	}
	return q.TxnFilter.validate()
}

// JournalEntryQuery reads journal entries (JournalEntryQueryRq).
type JournalEntryQuery struct {
	XMLName xml.Name `xml:"JournalEntryQueryRq"`
	Iteration
	TxnFilter
	IncludeLineItems  *bool    `xml:"IncludeLineItems,omitempty"`
	IncludeRetElement []string `xml:"IncludeRetElement,omitempty" max:"50"`
	OwnerID           []GUID   `xml:"OwnerID,omitempty"`
}

// RequestName implements Request.
func (JournalEntryQuery) RequestName() string { return "JournalEntryQueryRq" }

func (q JournalEntryQuery) validate() error {
	if err := q.Iteration.validate(); err != nil {
		return err
	}
	return q.TxnFilter.validate()
}

// ItemReceiptQuery reads item receipts (ItemReceiptQueryRq).
type ItemReceiptQuery struct {
	XMLName xml.Name `xml:"ItemReceiptQueryRq"`
	Iteration
	TxnFilter
	IncludeLineItems  *bool    `xml:"IncludeLineItems,omitempty"`
	IncludeLinkedTxns *bool    `xml:"IncludeLinkedTxns,omitempty"`
	IncludeRetElement []string `xml:"IncludeRetElement,omitempty" max:"50"`
	OwnerID           []GUID   `xml:"OwnerID,omitempty"`
}

// RequestName implements Request.
func (ItemReceiptQuery) RequestName() string { return "ItemReceiptQueryRq" }

func (q ItemReceiptQuery) validate() error {
	if err := q.Iteration.validate(); err != nil {
		return err
	}
	return q.TxnFilter.validate()
}

// DepositQuery reads deposits (DepositQueryRq). Deposits have no reference
// number, so recovery finds a payout's deposit by date and account and
// compares ExternalGUID. Set TxnIDs or the filter fields, not both.
type DepositQuery struct {
	XMLName xml.Name `xml:"DepositQueryRq"`
	Iteration
	TxnID                   []string                 `xml:"TxnID,omitempty" max:"36"`
	MaxReturned             int                      `xml:"MaxReturned,omitempty"`
	ModifiedDateRangeFilter *ModifiedDateRangeFilter `xml:"ModifiedDateRangeFilter,omitempty"`
	TxnDateRangeFilter      *TxnDateRangeFilter      `xml:"TxnDateRangeFilter,omitempty"`
	EntityFilter            *EntityFilter            `xml:"EntityFilter,omitempty"`
	AccountFilter           *AccountFilter           `xml:"AccountFilter,omitempty"`
	IncludeLineItems        *bool                    `xml:"IncludeLineItems,omitempty"`
	IncludeRetElement       []string                 `xml:"IncludeRetElement,omitempty" max:"50"`
	OwnerID                 []GUID                   `xml:"OwnerID,omitempty"`
}

// RequestName implements Request.
func (DepositQuery) RequestName() string { return "DepositQueryRq" }

func (q DepositQuery) validate() error {
	if err := q.Iteration.validate(); err != nil {
		return err
	}
	return TxnFilter{
		TxnID: q.TxnID, MaxReturned: q.MaxReturned, ModifiedDateRangeFilter: q.ModifiedDateRangeFilter,
		TxnDateRangeFilter: q.TxnDateRangeFilter, EntityFilter: q.EntityFilter, AccountFilter: q.AccountFilter,
	}.validate()
}

// TransactionModifiedDateRangeFilter selects by modification time, or a DateMacro.
type TransactionModifiedDateRangeFilter struct {
	FromModifiedDate DateTime `xml:"FromModifiedDate,omitempty"`
	ToModifiedDate   DateTime `xml:"ToModifiedDate,omitempty"`
	DateMacro        string   `xml:"DateMacro,omitempty"`
}

// TransactionEntityFilter selects by entity type, or by one entity.
type TransactionEntityFilter struct {
	EntityTypeFilter     string   `xml:"EntityTypeFilter,omitempty"`
	ListID               []string `xml:"ListID,omitempty" max:"36"`
	FullName             []string `xml:"FullName,omitempty"`
	ListIDWithChildren   string   `xml:"ListIDWithChildren,omitempty" max:"36"`
	FullNameWithChildren string   `xml:"FullNameWithChildren,omitempty"`
}

// TransactionAccountFilter selects by account type, or by one account.
type TransactionAccountFilter struct {
	AccountTypeFilter    string   `xml:"AccountTypeFilter,omitempty"`
	ListID               []string `xml:"ListID,omitempty" max:"36"`
	FullName             []string `xml:"FullName,omitempty"`
	ListIDWithChildren   string   `xml:"ListIDWithChildren,omitempty" max:"36"`
	FullNameWithChildren string   `xml:"FullNameWithChildren,omitempty"`
}

// TransactionTypeFilter limits TransactionQuery to some transaction types
// (SalesReceipt, CreditMemo, Deposit, …).
type TransactionTypeFilter struct {
	TxnTypeFilter []string `xml:"TxnTypeFilter"`
}

// TransactionQuery searches every transaction type at once
// (TransactionQueryRq; the brief's "TxnQuery"): recovery uses it to find an
// in-doubt posting by RefNumber and date when its type is not certain. It
// returns TransactionRet summaries (TxnType, TxnID, RefNumber, amount), not
// ExternalGUIDs; follow up with the type's own query to compare those.
type TransactionQuery struct {
	XMLName xml.Name `xml:"TransactionQueryRq"`
	Iteration
	TxnID                              []string                            `xml:"TxnID,omitempty" max:"36"`
	MaxReturned                        int                                 `xml:"MaxReturned,omitempty"`
	RefNumber                          []string                            `xml:"RefNumber,omitempty"`
	RefNumberCaseSensitive             []string                            `xml:"RefNumberCaseSensitive,omitempty"`
	RefNumberFilter                    *RefNumberFilter                    `xml:"RefNumberFilter,omitempty"`
	RefNumberRangeFilter               *RefNumberRangeFilter               `xml:"RefNumberRangeFilter,omitempty"`
	TransactionModifiedDateRangeFilter *TransactionModifiedDateRangeFilter `xml:"TransactionModifiedDateRangeFilter,omitempty"`
	TransactionDateRangeFilter         *TxnDateRangeFilter                 `xml:"TransactionDateRangeFilter,omitempty"`
	TransactionEntityFilter            *TransactionEntityFilter            `xml:"TransactionEntityFilter,omitempty"`
	TransactionAccountFilter           *TransactionAccountFilter           `xml:"TransactionAccountFilter,omitempty"`
	TransactionTypeFilter              *TransactionTypeFilter              `xml:"TransactionTypeFilter,omitempty"`
	TransactionDetailLevelFilter       string                              `xml:"TransactionDetailLevelFilter,omitempty"`
	TransactionPostingStatusFilter     string                              `xml:"TransactionPostingStatusFilter,omitempty"`
	TransactionPaidStatusFilter        string                              `xml:"TransactionPaidStatusFilter,omitempty"`
	IncludeRetElement                  []string                            `xml:"IncludeRetElement,omitempty" max:"50"`
}

// TxnQuery is TransactionQuery under the name the design notes use.
type TxnQuery = TransactionQuery

// RequestName implements Request.
func (TransactionQuery) RequestName() string { return "TransactionQueryRq" }

func (q TransactionQuery) validate() error {
	if err := q.Iteration.validate(); err != nil {
		return err
	}
	filtered := q.MaxReturned != 0 || len(q.RefNumber)+len(q.RefNumberCaseSensitive) > 0 ||
		q.RefNumberFilter != nil || q.RefNumberRangeFilter != nil || q.TransactionModifiedDateRangeFilter != nil ||
		q.TransactionDateRangeFilter != nil || q.TransactionEntityFilter != nil || q.TransactionAccountFilter != nil ||
		q.TransactionTypeFilter != nil || q.TransactionDetailLevelFilter != "" ||
		q.TransactionPostingStatusFilter != "" || q.TransactionPaidStatusFilter != ""
	if err := choice("transaction selection", false, map[string]bool{"TxnID": len(q.TxnID) > 0, "filters": filtered}); err != nil {
		return err
	}
	if err := choice("reference filter", false, map[string]bool{
		"RefNumber": len(q.RefNumber) > 0, "RefNumberCaseSensitive": len(q.RefNumberCaseSensitive) > 0,
		"RefNumberFilter": q.RefNumberFilter != nil, "RefNumberRangeFilter": q.RefNumberRangeFilter != nil,
	}); err != nil {
		return err
	}
	if q.RefNumberFilter != nil {
		if err := validateMatch(q.RefNumberFilter.MatchCriterion); err != nil {
			return err
		}
	}
	if f := q.TransactionModifiedDateRangeFilter; f != nil {
		if err := choice("TransactionModifiedDateRangeFilter", true, map[string]bool{
			"FromModifiedDate/ToModifiedDate": f.FromModifiedDate != "" || f.ToModifiedDate != "", "DateMacro": f.DateMacro != "",
		}); err != nil {
			return err
		}
	}
	if err := q.TransactionDateRangeFilter.validate(); err != nil {
		return err
	}
	if f := q.TransactionEntityFilter; f != nil {
		if err := choice("TransactionEntityFilter", true, map[string]bool{
			"EntityTypeFilter": f.EntityTypeFilter != "", "ListID": len(f.ListID) > 0, "FullName": len(f.FullName) > 0,
			"ListIDWithChildren": f.ListIDWithChildren != "", "FullNameWithChildren": f.FullNameWithChildren != "",
		}); err != nil {
			return err
		}
	}
	if f := q.TransactionAccountFilter; f != nil {
		if err := choice("TransactionAccountFilter", true, map[string]bool{
			"AccountTypeFilter": f.AccountTypeFilter != "", "ListID": len(f.ListID) > 0, "FullName": len(f.FullName) > 0,
			"ListIDWithChildren": f.ListIDWithChildren != "", "FullNameWithChildren": f.FullNameWithChildren != "",
		}); err != nil {
			return err
		}
	}
	if f := q.TransactionTypeFilter; f != nil && len(f.TxnTypeFilter) == 0 {
		return errors.New("TransactionTypeFilter needs at least one TxnTypeFilter")
	}
	return nil
}
