// Package setup is the setup wizard's use cases: for each step, what the
// merchant must see (read live from QuickBooks' last Web Connector visit and
// from Shopify) and what their answer changes. Nothing here trusts a tick:
// every step's Passed is computed on the server from what QuickBooks and
// Shopify said. The pages (internal/ui) render these views and post answers
// back; the JSON admin API and the CLI call the same shop administration
// service underneath, so no rule exists twice.
//
// Texts are never built here: every user-facing text is a Message, a catalog
// ID with its arguments, translated by the pages (internal/ui/locales).
package setup

import (
	"context"
	"time"

	"github.com/shopqb/shopqb"
)

// Step is one page of the wizard.
type Step string

// The wizard's steps, in order.
const (
	StepBefore     Step = "before"
	StepConnect    Step = "connect"
	StepTax        Step = "tax"
	StepMapping    Step = "mapping"
	StepSchedule   Step = "schedule"
	StepModes      Step = "modes"
	StepPurchasing Step = "purchasing"
	StepReview     Step = "review"
)

// Steps lists the steps in the order the wizard walks them.
var Steps = []Step{StepBefore, StepConnect, StepTax, StepMapping, StepSchedule, StepModes, StepPurchasing, StepReview}

// Message is a user-facing text: a message-catalog ID and its arguments.
// Args values are strings, integers, money.Amount or time.Time; the pages
// format them for the reader's locale.
type Message struct {
	ID   string
	Args map[string]any
}

// AccountType is a qbXML account type ("OtherCurrentLiability") as a
// message argument: the page names it in the reader's language.
type AccountType string

// AccountTypes are account types as one argument, named and joined by the page.
type AccountTypes []string

// FieldError ties a Message to one form field (by its form name).
type FieldError struct {
	Field string
	Msg   Message
}

// Check is one verified condition on a page: what was checked, whether it
// holds, and when it does not, what to do.
type Check struct {
	ID     string // stable, for tests and anchors: "sales_tax_on", "default_item_zero", …
	Label  Message
	Passed bool
	// Warning marks a check that informs but never blocks.
	Warning bool
	Fix     *Message
}

// StepStatus is a step's place in the wizard for the step list.
type StepStatus struct {
	Step Step
	// Passed is true when the server verified the step (not when it was
	// visited) and every step before it passed: a step after an open one
	// is to do.
	Passed bool
	// Reachable is false while an earlier step blocks this one.
	Reachable bool
}

// Progress is the wizard's state, kept in the database so it resumes.
type Progress struct {
	Steps   []StepStatus
	Current Step // the first step not yet passed (StepReview once all pass)
	Started *time.Time
	// StartedBy is the actor of the one-time start.
	StartedBy string
}

// ShopFacts are the Shopify side read live for the first page.
type ShopFacts struct {
	Name, Domain, Currency, TimeZone string
	Locations                        []string // POS and other locations by name
	OrdersLast90Days                 int
	// SuggestSummary is set when volume suggests summary sales mode (about 50 orders a day or more).
	SuggestSummary bool
}

// BeforeView is step 1.
type BeforeView struct {
	Facts *ShopFacts // nil with FactsError when Shopify could not be read
	// FactsError says why Shopify could not be read and what to do.
	FactsError *Message
	// Checklist holds the seed's considerations; they are informational.
	Checklist []Message
	// Acknowledged is when and by whom "I have read this" was recorded.
	AcknowledgedAt *time.Time
	AcknowledgedBy string
}

// ConnectionState is what shopqb saw of the Web Connector.
type ConnectionState string

// The connection states, from nothing heard to a verified company file.
const (
	ConnWaiting     ConnectionState = "waiting"      // nothing received yet
	ConnBadPassword ConnectionState = "bad_password" // the right user with a wrong token
	ConnReached     ConnectionState = "reached"      // authenticated, waiting for QuickBooks
	ConnQBError     ConnectionState = "qb_error"     // the Web Connector reported an HRESULT (connectionError)
	ConnOtherFile   ConnectionState = "other_file"   // a second company file
	ConnRefused     ConnectionState = "refused"      // QuickBooks too old, or its HCP could not be read
	ConnConnected   ConnectionState = "connected"    // the first visit's findings arrived
)

// ConnectView is step 2.
type ConnectView struct {
	// WebConnectorURL is the AppURL of the .qwc; URLUsable is false (with
	// URLProblem) when the Web Connector would refuse it (not https, not localhost).
	WebConnectorURL string
	URLUsable       bool
	URLProblem      *Message
	QBWCUser        string
	// TokenCreatedAt is when the current app token was made; the token itself
	// is only ever in the answer of NewAppToken.
	TokenCreatedAt *time.Time
	QWCFileName    string
	State          ConnectionState
	StateAt        *time.Time
	// Status explains the state in plain words and what to do.
	Status Message
	// Connected details (State == ConnConnected): "QuickBooks Enterprise 24.0, qbXML 13.0, company file …".
	Product, Edition, QBXMLVersion, CompanyName, CompanyFile string
	// Facts about the edition (list limit, inventory on, multi-currency, closing date).
	Facts []Message
	// WaitingSince is when this wait began (State == ConnWaiting): the later
	// of the page's first showing and the current token's making. HelpDue
	// is true once that is HelpAfter ago: the "Nothing yet?" checklist is
	// for a wait that went on, not for the first seconds of one.
	WaitingSince *time.Time
	HelpDue      bool
}

// HelpAfter is how long step 2 waits for the Web Connector before it
// offers its checklist of what to look at.
const HelpAfter = 3 * time.Minute

// TaxView is step 3: sales tax, read from QuickBooks.
type TaxView struct {
	CheckedAt *time.Time // the preflight the checks come from
	// RecheckRequestedAt is set while a fresh read is queued for the next Web Connector visit.
	RecheckRequestedAt *time.Time
	// RecheckFulfilledAt is when the fresh read asked for last arrived.
	RecheckFulfilledAt *time.Time
	Checks             []Check
	Passed             bool
}

// AccountOption is one choice of QuickBooks account for a category.
type AccountOption struct {
	FullName string
	Type     string // qbXML AccountType
	// Create is true for an account not in the company that shopqb will create.
	Create bool
	// Unsuitable is the merchant's choice that cannot hold the category (of
	// a wrong type, or inactive): listed so the choice stays visible beside
	// its error instead of the select falling back to "Choose an account…".
	Unsuitable bool
}

// MappingRow is one Shopify category with its account choice.
type MappingRow struct {
	Category shopqb.Category
	Label    Message
	// AllowedTypes are the qbXML AccountTypes the category may be booked to.
	AllowedTypes []string
	Options      []AccountOption
	Selected     string
	Error        *Message
}

// MappingView is step 4.
type MappingView struct {
	Rows   []MappingRow
	Passed bool
}

// ScheduleView is step 5.
type ScheduleView struct {
	Manual   bool
	Time     string // HH:MM in the shop's zone
	TimeZone string // the shop's IANA zone, shown beside the time
	// UTCOffset is the zone's offset now, e.g. "UTC+9".
	UTCOffset string
	// Notes: the 15-minute Web Connector note, and a warning when the visits seen are further apart.
	Notes  []Message
	Passed bool
}

// ModeChoice is one of the four modes with the 14,500 rule applied.
type ModeChoice struct {
	Name     string // "sales", "customers", "inventory", "vendors"
	Selected shopqb.Mode
	// DetailAllowed is false when detail would break the list limit; Reason says so.
	DetailAllowed bool
	Reason        *Message
	// Today is the list's size now in QuickBooks; DetailAdds what detail would add.
	Today, DetailAdds int
	Explain           Message
}

// ModesView is step 6.
type ModesView struct {
	Edition   string
	ListLimit int // 0: no practical limit
	Modes     []ModeChoice
	Passed    bool
}

// PurchasingView is step 7.
type PurchasingView struct {
	NativeReadable bool     // the read_inventory_purchase_orders scope is granted
	NativeStatus   Message  // ✓ or what to approve in Shopify
	StockyKeySet   bool     // a key is stored (never shown)
	StockyStatus   *Message // the answer of the last key test
	Imported       int      // purchase orders imported from a Stocky export
	Skipped        bool
	Passed         bool
}

// ReviewView is step 8.
type ReviewView struct {
	Shop      *shopqb.Shop
	Settings  shopqb.Settings
	StartDate string
	// Problems are what the start's check found, each with its fix and its step.
	Problems []Problem
	Started  *time.Time
	// StartedBy is the actor of the start.
	StartedBy string
}

// Problem is one reason the start is refused.
type Problem struct {
	Step Step
	Msg  Message
}

// Wizard is the set of use cases the setup pages call. shopID is always the
// shop the request is authorised for (internal/webauth decides that); actor
// names the person for the audit log.
type Wizard interface {
	Progress(ctx context.Context, shopID int64) (*Progress, error)

	Before(ctx context.Context, shopID int64) (*BeforeView, error)
	AcknowledgeBefore(ctx context.Context, shopID int64, actor string) error

	Connect(ctx context.Context, shopID int64) (*ConnectView, error)
	// NewAppToken makes a new app token (the old one stops working) and returns it, once.
	NewAppToken(ctx context.Context, shopID int64, actor string) (string, error)
	// QWC returns the .qwc file for the shop and its file name.
	QWC(ctx context.Context, shopID int64) (body []byte, fileName string, err error)

	Tax(ctx context.Context, shopID int64) (*TaxView, error)
	// RecheckQuickBooks asks for a fresh read of QuickBooks at the next Web Connector visit.
	RecheckQuickBooks(ctx context.Context, shopID int64, actor string) error

	Mapping(ctx context.Context, shopID int64) (*MappingView, error)
	// SaveMapping stores the choices that are valid and returns the view with
	// an Error on each row whose choice is not; it saves nothing when any row is bad.
	SaveMapping(ctx context.Context, shopID int64, actor string, choices map[shopqb.Category]string) (*MappingView, error)

	Schedule(ctx context.Context, shopID int64) (*ScheduleView, error)
	SaveSchedule(ctx context.Context, shopID int64, actor string, manual bool, hhmm string) (*ScheduleView, []FieldError, error)

	Modes(ctx context.Context, shopID int64) (*ModesView, error)
	SaveModes(ctx context.Context, shopID int64, actor string, modes map[string]shopqb.Mode) (*ModesView, []FieldError, error)

	Purchasing(ctx context.Context, shopID int64) (*PurchasingView, error)
	// SetStockyKey tests the key against Stocky before keeping it; the view's StockyStatus says what Stocky answered.
	SetStockyKey(ctx context.Context, shopID int64, actor, storeName, key string) (*PurchasingView, []FieldError, error)
	// ImportStockyExport reads an uploaded Stocky export (a zip of its CSV files) and imports its purchase orders.
	ImportStockyExport(ctx context.Context, shopID int64, actor string, zip []byte) (*PurchasingView, []FieldError, error)
	SkipPurchasing(ctx context.Context, shopID int64, actor string) error

	Review(ctx context.Context, shopID int64) (*ReviewView, error)
	// Start runs the dry check and, when nothing stops it, the one-time start.
	// A refused start returns the problems and a nil error; a second start
	// returns an error wrapping shopqb's already-started error.
	Start(ctx context.Context, shopID int64, actor, startDate string) ([]Problem, error)
}
