package shopqb

import (
	"strings"
	"time"

	"github.com/shopqb/shopqb/internal/money"
)

// FoldName is a QuickBooks list name or reference number as QuickBooks
// compares it: without case. The planner keeps names unique by it and the
// store finds who holds a name by it (store.PlanNameHolders): the two must
// fold alike, so both call this.
func FoldName(name string) string { return strings.ToLower(name) }

// PostingState is where a posting is in its life.
type PostingState string

// The states of a posting. A posting moves planned → sent → done, or to failed
// with a classified reason; a sent posting whose response never came is
// in_doubt until QuickBooks has been asked what it holds.
const (
	Planned PostingState = "planned"
	Sent    PostingState = "sent"
	Done    PostingState = "done"
	Failed  PostingState = "failed"
	InDoubt PostingState = "in_doubt"
)

// Posting is one unit of QuickBooks work in the outbox: a list record to add
// or a transaction to post. Key is stable across re-plans (order:<id>:sale,
// customer:<id>, …), so planning the same Shopify data twice never creates a
// second posting.
type Posting struct {
	ID     int64
	ShopID int64
	Key    string
	// Kind is the qbXML request kind, e.g. "SalesReceiptAdd", "CustomerAdd".
	Kind string
	// DependsOn lists keys of postings that must be done before this one leaves.
	DependsOn []string
	// Request is the qbXML request element (without requestID), ready to be
	// wrapped in a message set.
	Request string
	// ExternalGUID is derived from the company file and the key, and stored on
	// the QuickBooks transaction so an in-doubt posting can be recognised.
	ExternalGUID string
	// RefNumber and TxnDate identify a transaction for recovery queries.
	RefNumber string
	TxnDate   string
	// Name is the QuickBooks name of a list record (for linking on 3100).
	Name string
	// PlanHash fingerprints the planned request. A re-plan with another hash
	// for a posting QuickBooks already holds (sent, done or in doubt) is
	// drift: the store never edits such a posting, records the drift, and the
	// planner books the difference as an adjusting transaction (BaseKey).
	PlanHash string
	// Content is the planner's own record of what the transaction books
	// (lines by item and account, money by gateway), so the difference
	// between what QuickBooks holds and what Shopify now says can be computed
	// without reading qbXML back. It is opaque to the store.
	Content string
	// BaseKey is, on an adjusting transaction, the key of the posting it
	// adjusts (summary:sales:<date>:<loc> for summary:sales:<date>:<loc>:adj:1).
	BaseKey string
	// Ledger is the transaction's effect by mapping category, debit
	// positive, as the planner computed it (empty for list records). It is
	// stored with the posting and follows its content, so a done posting's
	// ledger is what QuickBooks booked: reconciliation sums it by day.
	Ledger []LedgerLine

	State        PostingState
	MessageSetID string
	Attempts     int
	NextAttempt  time.Time
	// QBID is the TxnID or ListID QuickBooks returned.
	QBID         string
	EditSequence string
	// ErrorCode, ErrorClass and ErrorMessage describe the last failure.
	ErrorCode    string
	ErrorClass   string
	ErrorMessage string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ErrorClassDocument marks a posting that failed in planning, not in
// QuickBooks: the Shopify document it stands for does not add up, so it was
// not booked. It has no request; a later plan of the document, once Shopify's
// figures agree, replaces it. Retrying it in QuickBooks means nothing.
const ErrorClassDocument = "document"

// Drift is a planned change to a posting QuickBooks already holds or may
// hold (sent, done, in doubt). The posting is never edited; the drift is
// recorded with what was planned, so nothing planned is dropped without a
// trace, and the planner books the difference as an adjustment.
type Drift struct {
	ID     int64
	ShopID int64
	Key    string
	// State is the posting's state when the drift was found.
	State PostingState
	// PostedHash is what QuickBooks holds; PlannedHash and PlannedContent
	// are the change that was not applied to it (the accounting content, or
	// the reason the document no longer plans).
	PostedHash, PlannedHash string
	PlannedContent          string
	DetectedAt              time.Time
}

// LedgerLine is one debit-positive effect of a transaction on a mapping
// category ("accounts_receivable", which credit memos and their refunds pass
// through, is the one category no mapping names).
type LedgerLine struct {
	Category Category
	Amount   money.Cents
}
