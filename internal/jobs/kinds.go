package jobs

import (
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/shopqb/shopqb"
)

// waitingStates are the job states in which a queued job makes a second,
// identical one pointless: it has not finished, so it will still see
// whatever the second one would have seen. Completed jobs are deliberately
// absent (River's default includes them): an ingest that finished a minute
// ago must not stop a new one. River requires available, pending, running
// and scheduled to be listed.
var waitingStates = []rivertype.JobState{
	rivertype.JobStateAvailable,
	rivertype.JobStatePending,
	rivertype.JobStateRetryable,
	rivertype.JobStateRunning,
	rivertype.JobStateScheduled,
}

// SyncTickArgs is the once-a-minute job that starts whatever syncs are due.
type SyncTickArgs struct{}

// Kind is the job kind stored in River's table.
func (SyncTickArgs) Kind() string { return "shopqb_sync_tick" }

// InsertOpts: a failed tick is not retried, since the next one comes
// within a minute. The periodic job adds uniqueness per tick period.
func (SyncTickArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 1} }

// IngestArgs syncs a shop: reads its new Shopify data, plans it and fills
// the outbox. Trigger is what asked for it (manual, schedule), as its sync
// run records; "" is an older job's, run as manual.
type IngestArgs struct {
	ShopID  int64          `json:"shop_id"`
	Trigger shopqb.Trigger `json:"trigger,omitempty"`
}

// Kind is the job kind stored in River's table.
func (IngestArgs) Kind() string { return "shopqb_ingest" }

// InsertOpts: one waiting ingest per shop and trigger (a scheduled sync
// reads further back than "sync now", so neither stands in for the other);
// retried with River's backoff a
// bounded number of times, so a shop whose Shopify access broke stops
// trying within about a day instead of looping for weeks.
func (IngestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: waitingStates}}
}

// WebhookArgs processes one Shopify webhook. Most are a hint that an
// object changed and carry only its GID; the privacy topics also carry
// their payload (which customer, which orders), without which the job
// could not know what to erase or export.
type WebhookArgs struct {
	ShopID    int64  `json:"shop_id"`
	Topic     string `json:"topic"`
	ObjectGID string `json:"object_gid"`
	// Payload is what the job needs of the delivery's body, or nil. It is
	// stored in River's job table until River prunes the finished job, so
	// callers pass the least that will do (see internal/privacy).
	Payload []byte `json:"payload,omitempty"`
}

// Kind is the job kind stored in River's table.
func (WebhookArgs) Kind() string { return "shopqb_webhook" }

// InsertOpts: the same object's change, hinted several times before it is
// processed, is processed once. The payload is part of the unique key, so
// two privacy requests about different customers are two jobs, while the
// same request delivered twice is processed once.
func (WebhookArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 8, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: waitingStates}}
}

// PayoutPollArgs polls a shop's Shopify Payments payouts, which have no
// webhook shopqb can rely on.
type PayoutPollArgs struct {
	ShopID int64 `json:"shop_id"`
}

// Kind is the job kind stored in River's table.
func (PayoutPollArgs) Kind() string { return "shopqb_payout_poll" }

// InsertOpts: one waiting poll per shop.
func (PayoutPollArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: waitingStates}}
}
