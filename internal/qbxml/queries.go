package qbxml

import (
	"encoding/xml"
	"errors"
)

// Iterator values for queries that page through large lists.
const (
	IteratorStart    = "Start"
	IteratorContinue = "Continue"
	IteratorStop     = "Stop"
)

// Iteration holds the iterator attributes of a query's request element.
// Start with Iterator=IteratorStart and MaxReturned; continue with
// IteratorContinue and the IteratorID QuickBooks returned, until its
// iteratorRemainingCount is 0. Iterators live in one Web Connector session.
type Iteration struct {
	Iterator   string `xml:"iterator,attr,omitempty"`
	IteratorID string `xml:"iteratorID,attr,omitempty"`
}

func (it Iteration) validate() error {
	switch it.Iterator {
	case "":
		if it.IteratorID != "" {
			return errors.New("IteratorID without Iterator")
		}
	case IteratorStart:
		if it.IteratorID != "" {
			return errors.New("iterator Start takes no IteratorID")
		}
	case IteratorContinue, IteratorStop:
		if it.IteratorID == "" {
			return errors.New("iterator " + it.Iterator + " needs the IteratorID QuickBooks returned")
		}
	default:
		return fmtUnknown("iterator", it.Iterator)
	}
	return nil
}

// Active statuses for list filters.
const (
	ActiveOnly   = "ActiveOnly"
	InactiveOnly = "InactiveOnly"
	ActiveAll    = "All"
)

// Match criteria for NameFilter and RefNumberFilter.
const (
	StartsWith = "StartsWith"
	Contains   = "Contains"
	EndsWith   = "EndsWith"
)

// NameFilter matches list names.
type NameFilter struct {
	MatchCriterion string `xml:"MatchCriterion"`
	Name           string `xml:"Name"`
}

// NameRangeFilter matches list names alphabetically between FromName and ToName.
type NameRangeFilter struct {
	FromName string `xml:"FromName,omitempty"`
	ToName   string `xml:"ToName,omitempty"`
}

// ListFilter is the selection shared by list queries: either ListIDs, or
// FullNames, or the filter fields (MaxReturned, ActiveStatus, modified dates,
// one of NameFilter and NameRangeFilter). Mixing those is refused.
type ListFilter struct {
	ListID           []string         `xml:"ListID,omitempty" max:"36"`
	FullName         []string         `xml:"FullName,omitempty"`
	MaxReturned      int              `xml:"MaxReturned,omitempty"`
	ActiveStatus     string           `xml:"ActiveStatus,omitempty"`
	FromModifiedDate DateTime         `xml:"FromModifiedDate,omitempty"`
	ToModifiedDate   DateTime         `xml:"ToModifiedDate,omitempty"`
	NameFilter       *NameFilter      `xml:"NameFilter,omitempty"`
	NameRangeFilter  *NameRangeFilter `xml:"NameRangeFilter,omitempty"`
}

func (f ListFilter) filtered() bool {
	return f.MaxReturned != 0 || f.ActiveStatus != "" || f.FromModifiedDate != "" ||
		f.ToModifiedDate != "" || f.NameFilter != nil || f.NameRangeFilter != nil
}

func (f ListFilter) validate() error {
	if err := choice("list selection", false, map[string]bool{
		"ListID": len(f.ListID) > 0, "FullName": len(f.FullName) > 0, "filters": f.filtered(),
	}); err != nil {
		return err
	}
	if f.MaxReturned < 0 {
		return errors.New("MaxReturned must not be negative")
	}
	switch f.ActiveStatus {
	case "", ActiveOnly, InactiveOnly, ActiveAll:
	default:
		return fmtUnknown("ActiveStatus", f.ActiveStatus)
	}
	if err := choice("name filter", false, map[string]bool{
		"NameFilter": f.NameFilter != nil, "NameRangeFilter": f.NameRangeFilter != nil,
	}); err != nil {
		return err
	}
	if f.NameFilter != nil {
		return validateMatch(f.NameFilter.MatchCriterion)
	}
	return nil
}

func validateMatch(m string) error {
	switch m {
	case StartsWith, Contains, EndsWith:
		return nil
	}
	return fmtUnknown("MatchCriterion", m)
}

// AccountQuery reads the chart of accounts (AccountQueryRq), for mapping.
// QuickBooks offers no iterator for accounts; the list is small.
type AccountQuery struct {
	XMLName xml.Name `xml:"AccountQueryRq"`
	ListFilter
	AccountType       []string `xml:"AccountType,omitempty"`
	IncludeRetElement []string `xml:"IncludeRetElement,omitempty" max:"50"`
	OwnerID           []GUID   `xml:"OwnerID,omitempty"`
}

// RequestName implements Request.
func (AccountQuery) RequestName() string { return "AccountQueryRq" }

func (q AccountQuery) validate() error {
	if err := q.ListFilter.validate(); err != nil {
		return err
	}
	if len(q.AccountType) > 0 && (len(q.ListID) > 0 || len(q.FullName) > 0) {
		return errors.New("AccountType filters cannot be combined with ListID or FullName")
	}
	for _, t := range q.AccountType {
		if !accountTypes[t] {
			return fmtUnknown("AccountType", t)
		}
	}
	return nil
}

// ItemSalesTaxQuery reads sales-tax items (ItemSalesTaxQueryRq): the
// preflight checks that the most common tax item is at 0 %.
type ItemSalesTaxQuery struct {
	XMLName xml.Name `xml:"ItemSalesTaxQueryRq"`
	Iteration
	ListFilter
	IncludeRetElement []string `xml:"IncludeRetElement,omitempty" max:"50"`
	OwnerID           []GUID   `xml:"OwnerID,omitempty"`
}

// RequestName implements Request.
func (ItemSalesTaxQuery) RequestName() string { return "ItemSalesTaxQueryRq" }

func (q ItemSalesTaxQuery) validate() error {
	if err := q.Iteration.validate(); err != nil {
		return err
	}
	return q.ListFilter.validate()
}

// PaymentMethodQuery reads payment methods (PaymentMethodQueryRq).
type PaymentMethodQuery struct {
	XMLName xml.Name `xml:"PaymentMethodQueryRq"`
	ListFilter
	PaymentMethodType []string `xml:"PaymentMethodType,omitempty"`
	IncludeRetElement []string `xml:"IncludeRetElement,omitempty" max:"50"`
}

// RequestName implements Request.
func (PaymentMethodQuery) RequestName() string { return "PaymentMethodQueryRq" }

func (q PaymentMethodQuery) validate() error {
	if err := q.ListFilter.validate(); err != nil {
		return err
	}
	if len(q.PaymentMethodType) > 0 && (len(q.ListID) > 0 || len(q.FullName) > 0) {
		return errors.New("PaymentMethodType filters cannot be combined with ListID or FullName")
	}
	for _, t := range q.PaymentMethodType {
		if !paymentMethodTypes[t] {
			return fmtUnknown("PaymentMethodType", t)
		}
	}
	return nil
}

// ClassQuery reads classes (ClassQueryRq), for class-per-location.
type ClassQuery struct {
	XMLName xml.Name `xml:"ClassQueryRq"`
	ListFilter
	IncludeRetElement []string `xml:"IncludeRetElement,omitempty" max:"50"`
}

// RequestName implements Request.
func (ClassQuery) RequestName() string { return "ClassQueryRq" }

func (q ClassQuery) validate() error { return q.ListFilter.validate() }

// CustomerQuery reads customers (CustomerQueryRq): counts for the list
// limits, and finding an existing customer after status 3100.
type CustomerQuery struct {
	XMLName xml.Name `xml:"CustomerQueryRq"`
	Iteration
	ListFilter
	IncludeRetElement []string `xml:"IncludeRetElement,omitempty" max:"50"`
	OwnerID           []GUID   `xml:"OwnerID,omitempty"`
}

// RequestName implements Request.
func (CustomerQuery) RequestName() string { return "CustomerQueryRq" }

func (q CustomerQuery) validate() error {
	if err := q.Iteration.validate(); err != nil {
		return err
	}
	return q.ListFilter.validate()
}

// VendorQuery reads vendors (VendorQueryRq).
type VendorQuery struct {
	XMLName xml.Name `xml:"VendorQueryRq"`
	Iteration
	ListFilter
	IncludeRetElement []string `xml:"IncludeRetElement,omitempty" max:"50"`
	OwnerID           []GUID   `xml:"OwnerID,omitempty"`
}

// RequestName implements Request.
func (VendorQuery) RequestName() string { return "VendorQueryRq" }

func (q VendorQuery) validate() error {
	if err := q.Iteration.validate(); err != nil {
		return err
	}
	return q.ListFilter.validate()
}

// ItemQuery reads items of every type (ItemQueryRq); each comes back in its
// own Ret element (ItemInventoryRet, ItemServiceRet, …).
type ItemQuery struct {
	XMLName xml.Name `xml:"ItemQueryRq"`
	Iteration
	ListFilter
	IncludeRetElement []string `xml:"IncludeRetElement,omitempty" max:"50"`
	OwnerID           []GUID   `xml:"OwnerID,omitempty"`
}

// RequestName implements Request.
func (ItemQuery) RequestName() string { return "ItemQueryRq" }

func (q ItemQuery) validate() error {
	if err := q.Iteration.validate(); err != nil {
		return err
	}
	return q.ListFilter.validate()
}
