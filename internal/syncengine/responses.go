package syncengine

import (
	"context"

	"github.com/shopqb/shopqb/internal/qbxml"
)

// maxKeptResponse bounds the answer kept per posting: a sales receipt of a
// few hundred lines is cut, with a count of what was left out, rather than
// stored whole.
const maxKeptResponse = 16 << 10

// keepResponses stores QuickBooks' answer to each posting of a set (its
// response element) for the support view of the merchant's pages. It is
// evidence, not state: a failure to keep it is logged and the session goes
// on, as the postings' outcomes are already recorded.
func (e *Engine) keepResponses(ctx context.Context, shopID int64, answers map[int64]*qbxml.Node) {
	if len(answers) == 0 {
		return
	}
	kept := make(map[int64]string, len(answers))
	for id, n := range answers {
		if n != nil {
			kept[id] = n.XML(maxKeptResponse)
		}
	}
	if err := e.store.PutPostingResponses(ctx, shopID, kept, e.now()); err != nil {
		e.log.Warn("keep QuickBooks' answers", "shop", shopID, "err", err)
	}
}
