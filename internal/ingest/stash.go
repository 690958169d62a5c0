package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopify"
)

// A run stores what it reads in batches (store.PutSnapshots): one
// transaction per snapshot was most of what storing a back-fill cost. The
// batch is bounded so that memory stays flat in the shop's size. Orders
// fill it by count (200 are about 1.5 MB of JSON); payouts, one balance
// transaction per charge and refund of their day, by size: at 1,700
// orders a day an 8 MB batch of them was the largest live heap of a
// back-fill, where 2 MB still stores a few payouts to a transaction.
const (
	stashSnapshots = 200
	stashBytes     = 2 << 20
)

// stash queues the snapshot of v and stores the queue when it is full.
// Whatever reads into snapshots calls storeStash when it is done; planning
// reads the snapshots back, so planAndCommit stores what is left first.
// The snapshot is v as encoding/json encodes it (shopify.EncodeStored,
// which writes an order by hand).
func (p *pass) stash(ctx context.Context, kind, gid string, updated time.Time, v any) error {
	body, err := shopify.EncodeStored(v)
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", gid, err)
	}
	p.stashed = append(p.stashed, &shopqb.Snapshot{ShopID: p.shop.ID, Kind: kind, GID: gid, UpdatedAt: updated,
		Body: body, FetchedAt: p.svc.now(), Facts: indexFactsOf(v)})
	p.stashedBytes += len(body)
	if len(p.stashed) >= stashSnapshots || p.stashedBytes >= stashBytes {
		return p.storeStash(ctx)
	}
	return nil
}

// storeStash stores the queued snapshots in one transaction and counts
// the orders' new versions.
func (p *pass) storeStash(ctx context.Context) error {
	if len(p.stashed) == 0 {
		return nil
	}
	if p.fromCheck {
		if err := p.noteCheckPlanned(ctx); err != nil {
			return err
		}
	}
	isNew, err := p.svc.store.PutSnapshots(ctx, p.stashed)
	if err != nil {
		return fmt.Errorf("store %d snapshots (from %s): %w", len(p.stashed), p.stashed[0].GID, err)
	}
	for i, s := range p.stashed {
		if isNew[i] && s.Kind == "order" {
			p.run.Counts["orders_new_versions"]++
		}
	}
	clear(p.stashed)
	p.stashed, p.stashedBytes = p.stashed[:0], 0
	return nil
}

// indexed is an object whose snapshots the lookup indexes (an order, a
// payout): it gives the facts itself, so that storing does not decode the
// body just encoded.
type indexed interface{ IndexFacts() *shopqb.SnapshotFacts }

// indexFactsOf is v's index facts, or nil (the store reads them from the
// body) when v gives none.
func indexFactsOf(v any) *shopqb.SnapshotFacts {
	if x, ok := v.(indexed); ok {
		return x.IndexFacts()
	}
	return nil
}
