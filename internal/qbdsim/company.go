// Package qbdsim is an in-memory model of a QuickBooks Desktop (US) company
// file and of the QuickBooks Web Connector that drives it. It answers qbXML
// the way QuickBooks does (status codes, name rules, edit sequences, closing
// date, error recovery, edition list limits) and keeps a double-entry ledger,
// so shopqb can be tested and demonstrated without Windows or QuickBooks.
// It deliberately shares no code with shopqb's own qbXML and Web Connector
// packages: a simulator that reused them would agree with their bugs.
package qbdsim

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/shopqb/shopqb/internal/money"
)

// Edition is the QuickBooks Desktop product; it decides the list limits.
type Edition string

const (
	Pro        Edition = "Pro"
	Premier    Edition = "Premier"
	Enterprise Edition = "Enterprise"
)

// Pro and Premier cap combined names and items (reference qbd.md §6.2).
const (
	proNameLimit        = 14500
	proPerNameListLimit = 10500
	proItemLimit        = 14500
	proAccountLimit     = 10000
	proClassLimit       = 10000
	enterpriseListLimit = 1000000
	enterpriseAcctLimit = 100000
)

// CompanyOptions describes the company file to simulate.
type CompanyOptions struct {
	Edition  Edition `json:"edition"`
	Name     string  `json:"name"`
	FilePath string  `json:"filePath"`
	// SalesTaxOn is Edit › Preferences › Sales Tax › "Do you charge sales tax?".
	SalesTaxOn bool `json:"salesTaxOn"`
	// DefaultTaxItemZeroRate makes the most common sales tax item a 0 % item
	// ("Out of State"); otherwise it is a 7.25 % item, as a new company often has.
	DefaultTaxItemZeroRate bool `json:"defaultTaxItemZeroRate"`
	ClassTracking          bool `json:"classTracking"`
	Inventory              bool `json:"inventory"`
	// ClosingDate (YYYY-MM-DD, "" for none) refuses changes dated on or before it.
	ClosingDate string `json:"closingDate"`
	// Now is the company clock; nil means time.Now. Tests pin it.
	Now func() time.Time `json:"-"`
	// XSDValidate, when set, checks each request before QuickBooks reads it;
	// a failure is answered as QuickBooks' parse error (HRESULT 0x80040400).
	XSDValidate func(qbxml string) error `json:"-"`
}

// Company is one simulated QuickBooks company file. It is safe for
// concurrent use; like QuickBooks it processes one request at a time.
type Company struct {
	mu    sync.Mutex
	st    *state
	now   func() time.Time
	xsd   func(string) error
	iters map[string]*iterator
	fault faultState
	undo  []undoMove
	// access is the Integrated Applications entry of the Web Connector's application.
	access AppAccess
}

// state is everything that is saved to disk.
type state struct {
	Options  CompanyOptions    `json:"options"`
	NextList int64             `json:"nextList"`
	NextTxn  int64             `json:"nextTxn"`
	TxnNum   int64             `json:"txnNumber"`
	LastEdit int64             `json:"lastEdit"`
	Lists    []*listRecord     `json:"lists"`
	Txns     []*txnRecord      `json:"txns"`
	MsgSets  map[string]string `json:"messageSets"`
	MsgOrder []string          `json:"messageSetOrder"`
	Deleted  []deletedTxn      `json:"deleted,omitempty"`
	// Special maps roles (accounts QuickBooks creates and uses on its own:
	// Undeposited Funds, A/R, A/P, Sales Tax Payable, …) to ListIDs.
	Special map[string]string `json:"special"`
	// DefaultTaxItem is the "most common sales tax item" preference.
	DefaultTaxItem string `json:"defaultTaxItem"`
	// DataExt holds private data extensions: OwnerID (upper case) → name → value.
	DataExt  map[string]map[string]string `json:"dataExt,omitempty"`
	byID     map[string]*listRecord
	txByID   map[string]*txnRecord
	names    map[string]*listRecord // entity FullName (lower) → record
	itemName map[string]*listRecord // item FullName (lower) → record
	acctSum  map[string]money.Cents // account ListID → debit-positive balance
	arSum    map[string]money.Cents // customer ListID → A/R balance
	apSum    map[string]money.Cents // vendor ListID → A/P balance (debit positive)
}

// deletedTxn is what TxnDeletedQuery reports about a deleted transaction.
type deletedTxn struct {
	TxnID     string    `json:"txnID"`
	Type      string    `json:"type"`
	RefNumber string    `json:"refNumber,omitempty"`
	Created   time.Time `json:"created"`
	Deleted   time.Time `json:"deleted"`
}

// maxStoredMessageSets bounds the error-recovery memory; QuickBooks keeps
// only the latest state per application, we keep a generous window.
const maxStoredMessageSets = 1000

// NewCompany creates a company with a default retail chart of accounts, the
// standard payment methods, sales-tax codes and a tax agency with its items.
func NewCompany(opts CompanyOptions) *Company {
	if opts.Edition == "" {
		opts.Edition = Pro
	}
	if opts.Name == "" {
		opts.Name = "Sample Shop"
	}
	if opts.FilePath == "" {
		opts.FilePath = `C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\` + opts.Name + `.qbw`
	}
	c := &Company{now: opts.Now, xsd: opts.XSDValidate, iters: map[string]*iterator{}}
	if c.now == nil {
		c.now = time.Now
	}
	c.st = &state{Options: opts, MsgSets: map[string]string{}, Special: map[string]string{}}
	c.st.reindex()
	c.seedDefaults()
	return c
}

// Options returns the company's options (without the function fields).
func (c *Company) Options() CompanyOptions {
	c.mu.Lock()
	defer c.mu.Unlock()
	o := c.st.Options
	o.Now, o.XSDValidate = nil, nil
	return o
}

// SetXSDValidator installs or removes the request schema check.
func (c *Company) SetXSDValidator(fn func(string) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.xsd = fn
}

// SetClosingDate changes the closing date (YYYY-MM-DD, "" clears it), as the
// bookkeeper does in Edit › Preferences › Accounting.
func (c *Company) SetClosingDate(date string) error {
	if date != "" {
		if _, err := time.Parse("2006-01-02", date); err != nil {
			return fmt.Errorf("closing date %q: %w", date, err)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.Options.ClosingDate = date
	return nil
}

func (s *state) reindex() {
	s.byID = map[string]*listRecord{}
	s.txByID = map[string]*txnRecord{}
	s.names = map[string]*listRecord{}
	s.itemName = map[string]*listRecord{}
	for _, r := range s.Lists {
		s.byID[r.ListID] = r
		switch {
		case r.isEntity():
			s.names[strings.ToLower(r.FullName)] = r
		case r.isItem():
			s.itemName[strings.ToLower(r.FullName)] = r
		}
	}
	for _, t := range s.Txns {
		s.txByID[t.TxnID] = t
	}
	s.rebuildBalances()
}

// stamp returns the current company time truncated to seconds, as QuickBooks
// stores it.
func (c *Company) stamp() time.Time { return c.now().Truncate(time.Second) }

// newListID and newTxnID follow QuickBooks' shape: a hexadecimal sequence,
// a dash and the creation time in Unix seconds.
func (c *Company) newListID() string {
	c.st.NextList++
	return fmt.Sprintf("%X-%d", 0x80000000+c.st.NextList, c.stamp().Unix())
}

func (c *Company) newTxnID() string {
	c.st.NextTxn++
	return fmt.Sprintf("%X-%d", c.st.NextTxn, c.stamp().Unix())
}

// newEditSequence is the modification time in Unix seconds, made strictly
// increasing so two changes in one second still get different sequences.
func (c *Company) newEditSequence() string {
	v := c.stamp().Unix()
	if v <= c.st.LastEdit {
		v = c.st.LastEdit + 1
	}
	c.st.LastEdit = v
	return fmt.Sprintf("%d", v)
}

// today is the company's current date, the default TxnDate.
func (c *Company) today() string { return c.now().Format("2006-01-02") }

// formatTime writes DATETIMETYPE with an explicit offset.
func formatTime(t time.Time) string { return t.Format("2006-01-02T15:04:05-07:00") }

// TBLine is one account on the trial balance.
type TBLine struct {
	Account     string      `json:"account"`
	AccountType string      `json:"accountType"`
	Debit       money.Cents `json:"debit"`
	Credit      money.Cents `json:"credit"`
}
