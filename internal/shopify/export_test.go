package shopify

// What the bulk path's follow-ups ask of each object, for the tests of the
// package shopify_test that count requests against the simulator.

// RefundRead is what RefundsByID asks for one refund and its requested cost.
type RefundRead struct {
	Lines, Shipping, Transactions, Cost int
}

// RefundReads is RefundRead for each of o's refunds.
func RefundReads(o *Order) []RefundRead {
	var out []RefundRead
	for _, r := range o.Refunds {
		n := needOf(o, r.ID)
		out = append(out, RefundRead{Lines: n.lines, Shipping: n.shipping, Transactions: n.transactions, Cost: n.cost()})
	}
	return out
}

// PackedQueryCost is what the follow-ups pack one request to, under the cap.
const PackedQueryCost = packedQueryCost

// EditBatchSize is the orders of one OrderEditSales request at sales per edit.
func EditBatchSize(sales int) int { return editBatchSize(sales) }

// OrderChildField places BulkOrders child lines, for RebuildBulk in benchmarks.
var OrderChildField = orderChildField

// DecodeOrder is the hand reader of orders alone, without DecodeStored's
// fall back to the json/v2 engine: false when it declines the document.
func DecodeOrder(body []byte, o *Order) bool { return decodeOrder(body, o) }
