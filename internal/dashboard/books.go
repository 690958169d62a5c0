// Package dashboard is the use cases behind the merchant's pages after the
// start (issue 11): the dashboard of a started shop with the running sync's
// honest progress, failures grouped by cause with their fix, the order and
// payout lookup down to the qbXML sent, reconciliation per day and per
// mapping category with its CSV, a re-sync of a date range, the settings
// that stay editable, and the operator's list of every shop's health.
//
// The pages (internal/ui) and the JSON admin API call Books; every change
// goes through shop administration (internal/shopadmin), so no rule exists
// twice. Texts are never built here: every user-facing text is a Message (a
// catalog ID with its arguments, internal/ui/locales/dashboard.*.toml). Every
// list is a page read with an indexed query (internal/store/books.go).
package dashboard

import (
	"context"
	"io"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/setup"
)

// Message is a catalog ID with its arguments, the type the wizard uses.
type Message = setup.Message

// Health is a traffic light for the health strip and the operator view.
type Health string

// The lights.
const (
	Green Health = "green"
	Amber Health = "amber" // the Web Connector is late (over twice its interval), or something needs attention
	Red   Health = "red"   // not heard from in 24 hours, or QuickBooks refused
)

// ConnectionView is the Web Connector block of the health strip.
type ConnectionView struct {
	State       string // syncengine's connection state
	Health      Health
	LastContact *time.Time
	// Interval is the gap between the last two visits (0 when unknown).
	Interval    time.Duration
	Status      Message
	Product     string
	CompanyName string
	CompanyFile string
}

// RunView is one sync of the history.
type RunView struct {
	ID         int64
	Trigger    shopqb.Trigger
	StartedAt  time.Time
	FinishedAt *time.Time
	Status     shopqb.RunState
	From, To   time.Time
	// OrdersRead and Planned are from the run's counts.
	OrdersRead, Planned int
	Error               string // as recorded (English, evidence)
}

// Phase is where the current sync is.
type Phase string

// The phases of the progress card.
const (
	PhaseIdle    Phase = "idle"    // nothing left to post
	PhaseReading Phase = "reading" // reading Shopify and planning: planned still grows, so no percentage
	PhasePosting Phase = "posting" // the Web Connector is posting: Done of Planned
)

// ProgressView is the running-sync card. It is honest: Planned counts the
// postings that were waiting when the run began plus those planned since,
// Done those of them QuickBooks confirmed since; while Shopify is read,
// Indeterminate is set and no percentage is given.
type ProgressView struct {
	Phase         Phase
	Indeterminate bool
	RunID         int64
	Since         time.Time
	Done, Planned int
	Failed        int
	InDoubt       int
	// Percent is Done*100/Planned, rounded down (100 only when all are done).
	Percent int
	Status  Message
}

// FailureGroup is every failed posting with one cause.
type FailureGroup struct {
	// Cause identifies the group for RetryCause and FailedPostings.
	Cause Cause
	Count int
	// Kind names the kind of record ("Sales receipts").
	Kind Message
	// What, Why and Fix are in the reader's language; Code and Evidence
	// are QuickBooks' own (kept in English, for support).
	What, Why, Fix Message
	Code           string
	Evidence       string
	// Sample is the first few postings of the group.
	Sample []PostingView
}

// Cause is what failures are grouped by.
type Cause struct{ Code, Class, Kind string }

// PostingView is one posting as the pages show it.
type PostingView struct {
	ID    int64
	Key   string
	Kind  string
	Label Message // the kind: "Sales receipt", "Deposit", …
	// Subject says which one, where a table lists several of a kind: the
	// payout a deposit books, or the RefNumber (nil when neither is known).
	Subject   *Message
	State     shopqb.PostingState
	RefNumber string
	TxnID     string
	TxnDate   string
	Attempts  int
	Error     string // as recorded (English, evidence)
	Ledger    []LedgerRow
	// FindIt tells how to find it in QuickBooks (there is no deep link).
	FindIt *Message
	// Request is the qbXML sent and Response QuickBooks' answer (its
	// response element, cut at 16 KiB), in the support view only; both are
	// redacted like every posting's text.
	Request  string
	Response string
}

// LedgerRow is one debit or credit of a posting.
type LedgerRow struct {
	Category      shopqb.Category
	Account       string
	Debit, Credit money.Cents
}

// DashboardView is the dashboard of a started shop.
type DashboardView struct {
	Shop       *shopqb.Shop
	Started    bool
	Connection ConnectionView
	LastSync   *RunView
	// NextSync is the next scheduled sync (nil when the schedule is manual).
	NextSync *time.Time
	TimeZone string
	Schedule Message
	Progress ProgressView
	Counts   map[shopqb.PostingState]int
	Failures []FailureGroup
	InDoubt  []PostingView
	// InDoubtNote says shopqb checks QuickBooks before sending again.
	InDoubtNote *Message
	History     []RunView
	// BooksCheck is one line per day of the last 14 days.
	BooksCheck []DayCheck
}

// DayCheck is one day of the books check.
type DayCheck struct {
	Day        string
	Balanced   bool
	Difference money.Cents // the sum of absolute differences of the day
}

// Page is a cursor for the next page ("" when there is none).
type Page struct{ Next string }

// HistoryPage is a page of sync runs.
type HistoryPage struct {
	Runs []RunView
	Page
}

// FailedPage is a page of the failed postings of one cause.
type FailedPage struct {
	Postings []PostingView
	Page
}

// OrderHit is one result of the order search.
type OrderHit struct {
	GID, Name string
	At        time.Time
	Location  string
	Total     money.Cents
	Customer  string
	// State is the worst state of its postings (failed, in doubt, waiting, done).
	State shopqb.PostingState
}

// OrderResults is a page of order search results.
type OrderResults struct {
	Query string
	Hits  []OrderHit
	// Hint explains how to search when nothing matched.
	Hint *Message
	Page
}

// EventView is one Shopify event of an order with what it became.
type EventView struct {
	At       time.Time
	What     Message // created, edited, refunded
	Postings []PostingView
}

// OrderView is everything one order became in QuickBooks.
type OrderView struct {
	GID, Name string
	At        time.Time
	Customer  string
	Location  string
	Total     money.Cents
	Events    []EventView
	// Payouts are the payouts the order's money went into, with their deposits.
	Payouts []PayoutSummary
	// Summary is set in summary sales mode: the order is part of day summaries.
	Summary *Message
}

// PayoutSummary names a payout and its deposit.
type PayoutSummary struct {
	GID, ID  string
	IssuedAt time.Time
	Net      money.Cents
	Deposit  *PostingView
}

// BalanceLine is one balance transaction of a payout.
type BalanceLine struct {
	Type     string
	Order    string // order name, when it has one
	OrderGID string
	Amount   money.Cents
	Fee      money.Cents
	Net      money.Cents
}

// PayoutView is a payout with its deposit and the difference, which must be zero.
type PayoutView struct {
	PayoutSummary
	Status     string
	Lines      []BalanceLine
	Fees       money.Cents
	Deposited  money.Cents // the deposit's effect on the bank account, when done
	Difference money.Cents
}

// ReconRow is one cell row: Shopify's figure, what the done postings booked, and the difference.
type ReconRow struct {
	Day        string // "" in the per-category table
	Category   shopqb.Category
	Account    string
	Shopify    money.Cents
	QuickBooks money.Cents
	Difference money.Cents
}

// PayoutMatch compares a payout with its deposit.
type PayoutMatch struct {
	PayoutGID, PayoutID string
	IssuedAt            string
	Net                 money.Cents
	Deposit             money.Cents
	DepositState        shopqb.PostingState // "" when not planned
	Difference          money.Cents
}

// SeriesPoint is one day of the chart.
type SeriesPoint struct {
	// Sales is net sales income (sales less refunds, credit positive), Tax
	// the sales tax collected less refunded, Deposits what reached the bank.
	// GrossSales and Refunds split Sales: the sales income the day's sales
	// (and order edits) booked, and what its refunds gave back (positive);
	// Sales = GrossSales - Refunds.
	Day                                     string
	SalesShopify, SalesQuickBooks           money.Cents
	GrossSalesShopify, GrossSalesQuickBooks money.Cents
	RefundsShopify, RefundsQuickBooks       money.Cents
	TaxShopify, TaxQuickBooks               money.Cents
	DepositsShopify, DepositsQuickBooks     money.Cents
}

// ReconView is the reconciliation of a range of days.
type ReconView struct {
	From, To    string
	ByDay       []ReconRow
	ByCategory  []ReconRow
	Payouts     []PayoutMatch
	Series      []SeriesPoint
	Differences int
	// Pending counts postings of the range not yet done: their figures are
	// in Shopify's column but not yet in QuickBooks'.
	Pending int
	Note    *Message
}

// CSV tables.
const (
	TableDays       = "days"
	TableCategories = "categories"
	TablePayouts    = "payouts"
	TableSeries     = "series"
)

// ResyncView is what a re-sync of a range found.
type ResyncView struct {
	From, To   string
	OrdersRead int
	// New counts postings added (what QuickBooks lacked), Updated planned
	// ones whose content changed, Unchanged those planned again as they were.
	New, Updated, Unchanged int
	Status                  Message
}

// SettingsView is the settings page after the start.
type SettingsView struct {
	Settings shopqb.Settings
	Editable []string // "mapping", "schedule"
	Locked   []LockedField
	Audit    []AuditRow
	// ResetHow is the operator command that resets the shop.
	ResetHow Message
}

// LockedField is a setting locked since the start, with why.
type LockedField struct {
	Field string
	Value string
	Why   Message
}

// AuditRow is one audited change.
type AuditRow struct {
	At                    time.Time
	Actor, Action, Detail string
}

// ShopHealth is one line of the operator view.
type ShopHealth struct {
	ID              int64
	Domain, Name    string
	Started         bool
	Health          Health
	LastContact     *time.Time
	Failed, InDoubt int
	LastSync        *RunView
	BooksBalanced   *bool
}

// ShopsPage is a page of the operator view.
type ShopsPage struct {
	Shops []ShopHealth
	Page
}

// Books is the set of use cases the pages after the start call. shopID is
// always the shop the request is authorised for (internal/webauth decides);
// actor names the person for the audit log. Cursors are opaque strings from
// a previous page's Next.
type Books interface {
	Dashboard(ctx context.Context, shopID int64) (*DashboardView, error)
	// Progress is the running-sync card alone, for polling or server-sent events.
	Progress(ctx context.Context, shopID int64) (*ProgressView, error)
	History(ctx context.Context, shopID int64, cursor string, limit int) (*HistoryPage, error)
	FailedPostings(ctx context.Context, shopID int64, cause Cause, cursor string, limit int) (*FailedPage, error)

	RetryPosting(ctx context.Context, shopID, postingID int64, actor string) error
	// RetryCause queues every failed posting of one cause again; RetryAll every failed posting.
	RetryCause(ctx context.Context, shopID int64, cause Cause, actor string) (int, error)
	RetryAll(ctx context.Context, shopID int64, actor string) (int, error)
	// SyncNow asks for a sync, the same enqueue the admin API uses.
	SyncNow(ctx context.Context, shopID int64, actor string) error

	FindOrders(ctx context.Context, shopID int64, query, cursor string, limit int) (*OrderResults, error)
	// Order and Payout: support adds the qbXML sent to each posting.
	Order(ctx context.Context, shopID int64, gid string, support bool) (*OrderView, error)
	Payout(ctx context.Context, shopID int64, gid string, support bool) (*PayoutView, error)

	// Reconciliation compares the days from..to (YYYY-MM-DD in the shop's zone, inclusive).
	Reconciliation(ctx context.Context, shopID int64, from, to string) (*ReconView, error)
	// ReconciliationCSV writes one of the report's tables (TableDays, …) as CSV, the same figures.
	ReconciliationCSV(ctx context.Context, shopID int64, from, to, table string, w io.Writer) error
	// Resync re-reads Shopify for the days and posts only what QuickBooks lacks.
	Resync(ctx context.Context, shopID int64, actor, from, to string) (*ResyncView, error)

	Settings(ctx context.Context, shopID int64) (*SettingsView, error)
	// SaveMapping and SaveSchedule change what stays editable after the
	// start (audited; later postings only). Invalid input is a shopqb.EInvalid error.
	SaveMapping(ctx context.Context, shopID int64, actor string, m shopqb.Mapping) (*SettingsView, error)
	SaveSchedule(ctx context.Context, shopID int64, actor, schedule string) (*SettingsView, error)

	// Shops is the operator view: every shop's health, searchable by domain or name.
	Shops(ctx context.Context, search, cursor string, limit int) (*ShopsPage, error)
}
