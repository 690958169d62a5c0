package qbxml

import (
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
