package shopifysim

import (
	"testing"
)

// A refund's lines have no id: a cursor past one must still lead to the
// next, or a refund longer than a page loses its tail. The traffic is
// counted per operation name.
func TestPagingListWithoutIDsAndStatsPerOperation(t *testing.T) {
	ts := newTestSim(t, func(o *Options) { o.Orders = 400 })
	refundID, lines := "", 0
	for _, o := range ts.Data().Orders {
		for _, r := range o.Refunds {
			if len(r.RefundLineItems) > lines {
				refundID, lines = r.ID, len(r.RefundLineItems)
			}
		}
	}
	if lines < 2 {
		t.Fatalf("no generated refund has two lines (most %d)", lines)
	}
	const q = `query RefundPage($id: ID!, $after: String) {
  refund(id: $id) {
    refundLineItems(first: 1, after: $after) {
      nodes { quantity lineItem { id } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`
	var page struct {
		Refund struct {
			RefundLineItems struct {
				Nodes []struct {
					LineItem struct{ ID string } `json:"lineItem"`
				} `json:"nodes"`
				PageInfo struct {
					HasNextPage bool   `json:"hasNextPage"`
					EndCursor   string `json:"endCursor"`
				} `json:"pageInfo"`
			} `json:"refundLineItems"`
		} `json:"refund"`
	}
	var got []string
	vars := map[string]any{"id": refundID}
	for range lines + 1 {
		r := ts.gql(t, q, vars)
		mustNoErrors(t, r)
		raw, _ := r.Data["refund"].MarshalJSON()
		decode(t, []byte(`{"refund":`+string(raw)+`}`), &page)
		for _, n := range page.Refund.RefundLineItems.Nodes {
			got = append(got, n.LineItem.ID)
		}
		if !page.Refund.RefundLineItems.PageInfo.HasNextPage {
			break
		}
		vars["after"] = page.Refund.RefundLineItems.PageInfo.EndCursor
	}
	if len(got) != lines {
		t.Fatalf("paged %d of the refund's %d lines: %v", len(got), lines, got)
	}
	st := ts.Stats().ByOperation["RefundPage"]
	if st.Requests != lines || st.RequestedPoints == 0 || st.ActualPoints > st.RequestedPoints {
		t.Fatalf("RefundPage stats = %+v after %d pages", st, lines)
	}
}
