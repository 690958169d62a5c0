package syncengine

import "github.com/shopqb/shopqb/internal/qbxml"

// maxKeptResponse bounds the answer kept per posting: a sales receipt of a
// few hundred lines is cut, with a count of what was left out, rather than
// stored whole.
const maxKeptResponse = 16 << 10

// keptResponses is what is kept of QuickBooks' answer to each posting of a
// set (its response element, bounded) for the support view of the
// merchant's pages. It is evidence, not state, but it is written in the
// same transaction as the outcomes (RecordResults): a second write per
// round trip would cost a second commit.
func keptResponses(answers map[int64]*qbxml.Node) map[int64]string {
	kept := make(map[int64]string, len(answers))
	for id, n := range answers {
		if n != nil {
			kept[id] = n.XML(maxKeptResponse)
		}
	}
	return kept
}
