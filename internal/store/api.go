package store

import (
	"context"
	"time"

	"github.com/shopqb/shopqb"
)

// API is everything the rest of shopqb asks of storage. *DB implements it on
// SQLite and on PostgreSQL with the same SQL; tests in this package run every
// method against both databases.
type API interface {
	shopqb.ShopReader

	// Shops.
	CreateShop(ctx context.Context, s *shopqb.Shop) error // sets ID, CreatedAt, UpdatedAt; ErrConflict on a taken domain or QBWC user
	UpdateShop(ctx context.Context, s *shopqb.Shop) error
	ShopByID(ctx context.Context, id int64) (*shopqb.Shop, error)
	ShopByDomain(ctx context.Context, domain string) (*shopqb.Shop, error)
	ShopByQBWCUser(ctx context.Context, user string) (*shopqb.Shop, error)
	ListShops(ctx context.Context) ([]*shopqb.Shop, error)

	// Secrets are opaque ciphertexts (internal/secret encrypts them); the store never sees plaintext.
	PutSecret(ctx context.Context, shopID int64, name string, ciphertext []byte) error
	Secret(ctx context.Context, shopID int64, name string) ([]byte, error) // ErrNotFound

	// KV is a small per-shop key/value space for watermarks, the preflight
	// report and the chart of accounts read from QuickBooks.
	PutKV(ctx context.Context, shopID int64, key string, value []byte) error
	KV(ctx context.Context, shopID int64, key string) ([]byte, error) // ErrNotFound

	// OAuth install states, shared by every shopqb process so that any of
	// them can serve the callback. TakeOAuthState consumes the state and
	// returns the shop domain it was issued for.
	PutOAuthState(ctx context.Context, key, shopDomain string, expiresAt time.Time) error // ErrConflict
	TakeOAuthState(ctx context.Context, key string, now time.Time) (string, error)        // ErrNotFound

	// Web Connector tickets, shared by every shopqb process.
	CreateTicket(ctx context.Context, t *shopqb.Ticket) error
	Ticket(ctx context.Context, id string) (*shopqb.Ticket, error) // ErrNotFound
	UpdateTicket(ctx context.Context, t *shopqb.Ticket) error
	// OpenTicket returns the shop's newest ticket that is neither closed nor expired at now.
	OpenTicket(ctx context.Context, shopID int64, now time.Time) (*shopqb.Ticket, error) // ErrNotFound
	DeleteExpiredTickets(ctx context.Context, now time.Time) (int, error)

	// Authentication failures, counted per Web Connector user to slow down guessing.
	RecordAuthFailure(ctx context.Context, user string, at time.Time) error
	AuthFailuresSince(ctx context.Context, user string, since time.Time) (int, error)

	// Source snapshots: immutable raw JSON per Shopify object version.
	// PutSnapshot reports false when that (gid, updatedAt) was already stored.
	PutSnapshot(ctx context.Context, s *shopqb.Snapshot) (bool, error)
	// PutSnapshots stores many versions at once, in one transaction; isNew[i] is snaps[i]'s PutSnapshot result.
	PutSnapshots(ctx context.Context, snaps []*shopqb.Snapshot) (isNew []bool, err error)
	// EachLatestSnapshot calls fn with the newest version of every object of a
	// kind, in GID order, streaming so memory stays flat as the shop grows.
	EachLatestSnapshot(ctx context.Context, shopID int64, kind string, fn func(*shopqb.Snapshot) error) error
	LatestSnapshot(ctx context.Context, shopID int64, gid string) (*shopqb.Snapshot, error) // ErrNotFound
	// SnapshotsTouching lists, in GID order, the objects of kind whose newest
	// snapshot has an event (an order's sale, refunds and agreements; a
	// payout's issue) in [from, to).
	SnapshotsTouching(ctx context.Context, shopID int64, kind string, from, to time.Time) ([]string, error)
	// OrdersTouchingAt is SnapshotsTouching for orders, with each one's processedAt.
	OrdersTouchingAt(ctx context.Context, shopID int64, from, to time.Time) ([]IndexedSnapshot, error)
	// NewestSnapshots returns the newest stored version of each of gids, of any kind, in GID order; unknown ones are absent.
	NewestSnapshots(ctx context.Context, shopID int64, gids []string) ([]*shopqb.Snapshot, error)

	// The outbox.
	// UpsertPostings inserts postings whose (shop, key) is new and updates the
	// content (kind, request, deps, plan hash, ref, date, name, GUID) of existing
	// ones only while they are planned or failed and their plan hash changed. It
	// returns how many were inserted and updated.
	UpsertPostings(ctx context.Context, shopID int64, ps []*shopqb.Posting) (inserted, updated int, err error)
	// UpsertPostingsReport is UpsertPostings also returning the drift found:
	// planned changes to postings QuickBooks holds, recorded, not applied.
	UpsertPostingsReport(ctx context.Context, shopID int64, ps []*shopqb.Posting) (UpsertReport, error)
	// PostedFor returns, for planned transaction hashes by key, the postings
	// QuickBooks holds in another form and all their adjustments.
	PostedFor(ctx context.Context, shopID int64, planned map[string]string) ([]*shopqb.Posting, error)
	// WithdrawPostings deletes unsent postings of keys, keeping a record.
	WithdrawPostings(ctx context.Context, shopID int64, keys []string) (int, error)
	// ClearDocumentFailures deletes document failures of keys booked since.
	ClearDocumentFailures(ctx context.Context, shopID int64, keys []string) (int, error)
	// Drifts lists a shop's recorded drift, newest first.
	Drifts(ctx context.Context, shopID int64, limit int) ([]shopqb.Drift, error)
	PostingByKey(ctx context.Context, shopID int64, key string) (*shopqb.Posting, error) // ErrNotFound
	// PostingStateByKey is PostingByKey with Request and Content left empty.
	PostingStateByKey(ctx context.Context, shopID int64, key string) (*shopqb.Posting, error) // ErrNotFound
	// ClaimReady atomically takes up to limit planned postings whose
	// NextAttempt <= now and whose every dependency is done, oldest first, and
	// marks them sent with messageSetID (Attempts+1). Two processes calling it
	// at once never get the same posting.
	ClaimReady(ctx context.Context, shopID int64, now time.Time, limit int, messageSetID string) ([]*shopqb.Posting, error)
	// ClaimRequests is ClaimReady returning only what sending reads and
	// UpdatePostings writes (id, shop, key, kind, request, mutable fields).
	ClaimRequests(ctx context.Context, shopID int64, now time.Time, limit int, messageSetID string) ([]*shopqb.Posting, error)
	// CountPostingsIn counts a shop's postings in the given states only (cheap however many are done).
	CountPostingsIn(ctx context.Context, shopID int64, states ...shopqb.PostingState) (map[shopqb.PostingState]int, error)
	// ReadyExists reports whether ClaimReady would find a posting at now, without claiming it.
	ReadyExists(ctx context.Context, shopID int64, now time.Time) (bool, error)
	// PostingsByID returns the shop's postings with these ids, in id order; unknown ids are absent.
	PostingsByID(ctx context.Context, shopID int64, ids []int64) ([]*shopqb.Posting, error)
	// PostingStatesByID is PostingsByID with Request and Content left empty, for recording outcomes.
	PostingStatesByID(ctx context.Context, shopID int64, ids []int64) ([]*shopqb.Posting, error)
	// PostingOutcomesByID is PostingsByID returning only what recording an
	// answer reads and writes (id, shop, key, kind, mutable fields).
	PostingOutcomesByID(ctx context.Context, shopID int64, ids []int64) ([]*shopqb.Posting, error)
	// UpdatePostings writes the mutable fields (state, message set, attempts,
	// next attempt, QBID, edit sequence, error fields) of each posting in one transaction.
	UpdatePostings(ctx context.Context, ps []*shopqb.Posting) error
	// RecordResults is UpdatePostings and PutPostingResponses in one
	// transaction: a round trip's outcomes with QuickBooks' answers.
	RecordResults(ctx context.Context, shopID int64, ps []*shopqb.Posting, responses map[int64]string, at time.Time) error
	ListPostings(ctx context.Context, f shopqb.PostingFilter) ([]*shopqb.Posting, error)
	CountPostings(ctx context.Context, shopID int64) (map[shopqb.PostingState]int, error)
	// ArchivePostings moves every posting of a shop into the archive under a
	// label (used by admin reset) and returns how many moved.
	ArchivePostings(ctx context.Context, shopID int64, label string) (int, error)
	// ArchivedPostings lists archived postings of a shop, to re-link after a reset.
	ArchivedPostings(ctx context.Context, shopID int64, fn func(*shopqb.Posting) error) error

	// CommitPlan upserts planned postings, re-links those an admin reset
	// archived, and writes the names they added and per-shop key/values
	// (watermarks) in one transaction: the one door through which planned
	// postings enter the outbox.
	CommitPlan(ctx context.Context, shopID int64, c PlanCommit) (CommitResult, error)
	// The planner's names (plannames.go): EachPlanName streams them in key
	// order; PlanName reads one (ErrNotFound); SetPlanName replaces one
	// outside a plan (privacy renames). The first of these on a shop moves
	// its old name map out of the key/values (KVLegacyPlanNames). A
	// planning run, after EachPlanName, looks up only what a planner call
	// needs: PlanNames by key, PlanNameHolders by folded name.
	EachPlanName(ctx context.Context, shopID int64, fn func(key, name string) error) error
	PlanName(ctx context.Context, shopID int64, key string) (string, error)
	SetPlanName(ctx context.Context, shopID int64, key, name string) error
	PlanNames(ctx context.Context, shopID int64, keys []string) (map[string]string, error)
	PlanNameHolders(ctx context.Context, shopID int64, folded string) ([]string, error)
	// Plan checkpoints (checkpoint.go): the start's check takes one of an
	// empty outbox before it plans, restores it if it refuses (undoing every
	// posting, name, expected figure, drift record and listed key/value it
	// committed) and the shop's first run drops it. Restore reports false
	// when there is none.
	TakePlanCheckpoint(ctx context.Context, shopID int64, kvKeys []string) error
	RestorePlanCheckpoint(ctx context.Context, shopID int64) (bool, error)
	DropPlanCheckpoint(ctx context.Context, shopID int64) error

	// Sync leases: one sync per shop at a time across processes (lease.go).
	AcquireSyncLease(ctx context.Context, shopID int64, holder string, ttl time.Duration) (*SyncLease, error) // ErrLeaseHeld
	SyncLeaseHistory(ctx context.Context, shopID int64, limit int) ([]LeaseRecord, error)

	// Sync history.
	CreateSyncRun(ctx context.Context, r *shopqb.SyncRun) error
	UpdateSyncRun(ctx context.Context, r *shopqb.SyncRun) error
	SyncRuns(ctx context.Context, shopID int64, limit int) ([]*shopqb.SyncRun, error)

	// Webhooks: SeenWebhook records the delivery and reports whether either id was seen before.
	SeenWebhook(ctx context.Context, shopID int64, webhookID, eventID string, at time.Time) (bool, error)

	// Audit records who changed what (settings after the start, resets, token rotations).
	AddAudit(ctx context.Context, shopID int64, actor, action, detail string) error
	Audit(ctx context.Context, shopID int64, limit int) ([]shopqb.AuditEntry, error)

	// Privacy and lifecycle webhooks (internal/shopify/COMPLIANCE.md; redact.go).
	// EachSnapshotVersion calls fn with every stored version of every snapshot, superseded ones included.
	EachSnapshotVersion(ctx context.Context, shopID int64, fn func(*shopqb.Snapshot) error) error
	// RedactSnapshots stores, in place of each version's body, what redact
	// returns for it (unchanged bodies are not written); it returns how many changed.
	RedactSnapshots(ctx context.Context, shopID int64, redact func(kind, gid string, body []byte) ([]byte, error)) (int, error)
	// RedactPostings writes back the Request and Name that redact changed,
	// for done, planned and failed postings (never sent or in-doubt ones)
	// and archived postings; it returns how many changed.
	RedactPostings(ctx context.Context, shopID int64, redact func(*shopqb.Posting) error) (int, error)
	// PutPostingResponses keeps QuickBooks' answer to postings (by id) for
	// the support view; RedactPostingResponses rewrites them like the requests.
	PutPostingResponses(ctx context.Context, shopID int64, responses map[int64]string, at time.Time) error
	PostingResponses(ctx context.Context, shopID int64, ids []int64) (map[int64]string, error)
	RedactPostingResponses(ctx context.Context, shopID int64, redact func(key string, state shopqb.PostingState, response string) (string, error)) (int, error)
	DeleteSecret(ctx context.Context, shopID int64, name string) error // absent is not an error
	DeleteKV(ctx context.Context, shopID int64, key string) error      // absent is not an error
	// DeleteShopData erases every row of the shop and leaves a tombstone.
	DeleteShopData(ctx context.Context, shopID int64, uninstalledAt *time.Time) (*Tombstone, error) // ErrNotFound
	Tombstones(ctx context.Context, domain string) ([]Tombstone, error)
}
