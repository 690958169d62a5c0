package shopqb

import "time"

// RunState is where a sync run is.
type RunState string

// The states of a sync run: running while Shopify is read and planned,
// posting while the Web Connector works through what it planned, then ok
// (with or without failed postings) or failed. A start's trial run that
// posts nothing ends checked.
const (
	RunRunning        RunState = "running"
	RunPosting        RunState = "posting"
	RunOK             RunState = "ok"
	RunOKWithFailures RunState = "ok_with_failures"
	RunFailed         RunState = "failed"
	RunChecked        RunState = "checked"
)

// Trigger is what started a sync run.
type Trigger string

// The triggers of a sync run.
const (
	TriggerManual     Trigger = "manual"      // `shopqb admin sync`, the API's or a page's "sync now"
	TriggerSchedule   Trigger = "schedule"    // the shop's daily schedule
	TriggerWebhook    Trigger = "webhook"     // a Shopify webhook named something to re-read
	TriggerJob        Trigger = "job"         // a queued sync job
	TriggerStartCheck Trigger = "start-check" // the start's read and plan (nothing sent before the start)
	TriggerResync     Trigger = "resync"      // the dashboard's re-sync of a date range
	TriggerDemo       Trigger = "demo"
	TriggerBench      Trigger = "bench"
)

// SyncRun is one sync: its trigger, window, counts and outcome.
type SyncRun struct {
	ID         int64
	ShopID     int64
	Trigger    Trigger
	WindowFrom time.Time
	WindowTo   time.Time
	StartedAt  time.Time
	FinishedAt *time.Time
	Status     RunState
	Counts     map[string]int
	Error      string
}

// Counts of a sync run that the history shows. CountOrdersRead are the
// orders the run read from Shopify; CountOrdersFromCheck the orders the
// first real sync after the start took over from the start's check (read
// and planned then, sent after the start) and did not read again; the two
// together are the run's orders. CountPostingsNew are the postings it added
// to the outbox: the first sync counts the check's as its own, and the
// check none, as nothing it plans is sent before the start.
const (
	CountOrdersRead      = "orders_read"
	CountOrdersFromCheck = "orders_from_check"
	CountPostingsNew     = "postings_new"
)

// Snapshot is one version of one Shopify object, as Shopify sent it.
// Snapshots are immutable: a change in Shopify is a new version.
type Snapshot struct {
	ShopID    int64
	Kind      string // order, customer, product, payout, purchase_order, location
	GID       string
	UpdatedAt time.Time
	Body      []byte
	FetchedAt time.Time
	// Facts, when set, are what the snapshot lookup indexes of an order or
	// payout, taken by the writer from the object Body encodes, so that
	// storing does not decode Body again (a back-fill stores every order
	// of the shop). Nil: the store reads them from Body. Not stored.
	Facts *SnapshotFacts
}

// SnapshotFacts are the fields of an order or payout that the snapshot
// lookup indexes, as the object holds them; the store normalises them
// (case, digits, time zone, duplicates).
type SnapshotFacts struct {
	Name string // an order's name ("#1001"); a payout's legacy id
	// At is when it happened: an order's processedAt, a payout's issuedAt.
	At             time.Time
	Customer       string // the customer's display name
	Email          string // the customer's default e-mail address
	Events         []time.Time
	LinkedOrderIDs []string // the orders a payout pays out
}

// Ticket is a Web Connector session ticket. State is the session's own
// JSON, kept in the database so any shopqb process can serve the next call.
type Ticket struct {
	ID          string
	ShopID      int64
	CompanyFile string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	ClosedAt    *time.Time
	State       []byte
	LastError   string
}

// AuditEntry is one line of the audit log: who changed what.
type AuditEntry struct {
	At     time.Time
	Actor  string
	Action string
	Detail string
}

// PostingFilter selects postings; zero fields select everything.
type PostingFilter struct {
	ShopID  int64
	States  []PostingState
	Kind    string
	KeyLike string // SQL LIKE pattern on the key, e.g. "order:%"
	AfterID int64
	Limit   int
}
