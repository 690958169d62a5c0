package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// followUps completes the bulk orders that need what a bulk query cannot
// carry, and hands every order on.
//
// These are the per-object reads of a back-fill, and Shopify's bulk rules
// force them (reference §2.5: at most five connections, nested at most two
// levels, no connection inside a list field). Every way to read them in
// bulk, walked from each QueryRoot field of the 2026-10 and unstable
// schemas (the simulator refuses each, services_test.go):
//   - Order.refunds is a list ([Refund!]!), and a refund's lines, shipping
//     lines, adjustments and transactions are all connections: connections
//     inside a list.
//   - No root connection returns refunds, returns, agreements or sales
//     (QueryRoot has refund(id:) and return(id:), single objects). From a
//     root connection the other ways to a Refund nest too deep: orders >
//     agreements > RefundAgreement.refund > refundLineItems is three
//     connection levels, orders > returns > refunds three before a line.
//   - No field gives a made refund's lines without a connection: the one
//     RefundLineItem list, Order.suggestedRefund.refundLineItems, is a
//     suggestion for a refund not yet made.
//   - An edit's sales: the only SaleConnections are SalesAgreement.sales and
//     its implementations', reached from a root connection only as orders >
//     agreements > sales, three levels.
//   - Roots that are one object (refund(id:), order(id:), node(id:)) reach
//     the connections within two levels, but at one bulk operation per
//     object (a run, polls and a download each): more requests than a
//     batch. nodes(ids:) is a list, so connections under it are refused.
//   - Concurrent bulk queries (up to five from 2026-01) each obey the same
//     rules, so they reach nothing more.
//
// So refunds and edit sales are read by id after the bulk file, many to a
// request, each request packed to just under the 1000-point cap on a single query's
// requested cost: a refund's firsts are sized from what the file says of
// its order (refundNeed), an edit asks for as many sales as the longest
// edit read so far. Only the rare longer object gets requests of its own.
// The bench counts them (FollowUpOf).
//
// Refunds and edits are batched apart, each request full: an order waits
// until each of its needs has been read, so the orders waiting are bounded
// by the two batch sizes, never by the shop.
type followUps struct {
	c       *Client
	fn      func(*Order) error
	waiting []*Order
	// Queued, not yet read; queuedCost is the refunds' requested cost.
	refundQueue []refundNeed
	queuedCost  int
	editQueue   []*Order
	// salesPerEdit is the sales asked of each edit: the most an edit read
	// so far had, at least one.
	salesPerEdit int
	// Read, not yet handed on.
	refunds map[string]*batchRefund
	edits   map[string]*editSales
}

func newFollowUps(c *Client, fn func(*Order) error) *followUps {
	return &followUps{c: c, fn: fn, refunds: map[string]*batchRefund{}, edits: map[string]*editSales{}, salesPerEdit: 1}
}

func (b *followUps) add(ctx context.Context, o *Order) error {
	edited := hasEdit(o)
	if len(o.Refunds) == 0 && !edited {
		settle(o)
		return b.fn(o)
	}
	if len(o.Refunds) >= headerRefunds {
		return fmt.Errorf("order %s has %d or more refunds, more than shopqb reads per order; import it by hand", o.ID, headerRefunds)
	}
	b.waiting = append(b.waiting, o)
	for _, r := range o.Refunds {
		n := needOf(o, r.ID)
		b.refundQueue = append(b.refundQueue, n)
		b.queuedCost += n.cost()
	}
	if edited {
		b.editQueue = append(b.editQueue, o)
	}
	read := false
	if b.queuedCost > packedQueryCost {
		if err := b.readRefunds(ctx, false); err != nil {
			return err
		}
		read = true
	}
	if len(b.editQueue) >= editBatchSize(b.salesPerEdit) {
		if err := b.readEdits(ctx); err != nil {
			return err
		}
		read = true
	}
	if read {
		return b.handOn(ctx, false)
	}
	return nil
}

// flush reads what is still queued and hands every waiting order on.
func (b *followUps) flush(ctx context.Context) error {
	if err := b.readRefunds(ctx, true); err != nil {
		return err
	}
	if err := b.readEdits(ctx); err != nil {
		return err
	}
	return b.handOn(ctx, true)
}

// readRefunds reads the queued refunds in full requests, and the last,
// partly full one too when final; otherwise that one stays queued to be
// filled by the orders to come.
func (b *followUps) readRefunds(ctx context.Context, final bool) error {
	batches := refundBatches(b.refundQueue)
	var keep []refundNeed
	if !final && len(batches) > 0 {
		keep = batches[len(batches)-1]
		batches = batches[:len(batches)-1]
	}
	for _, batch := range batches {
		got, err := b.c.refundsByID(ctx, batch)
		if err != nil {
			return err
		}
		for id, r := range got {
			b.refunds[id] = r
		}
	}
	b.refundQueue = append(b.refundQueue[:0], keep...)
	b.queuedCost = 0
	for _, n := range b.refundQueue {
		b.queuedCost += n.cost()
	}
	return nil
}

func (b *followUps) readEdits(ctx context.Context) error {
	if len(b.editQueue) == 0 {
		return nil
	}
	got, most, err := b.c.editSales(ctx, b.editQueue, b.salesPerEdit)
	if err != nil {
		return err
	}
	for id, e := range got {
		b.edits[id] = e
	}
	b.salesPerEdit = max(b.salesPerEdit, most)
	b.editQueue = b.editQueue[:0]
	return nil
}

// handOn completes and hands on, in arrival order, every waiting order whose
// follow-ups have all been read (all of them when final).
func (b *followUps) handOn(ctx context.Context, final bool) error {
	keep := b.waiting[:0]
	for _, o := range b.waiting {
		if !final && !b.ready(o) {
			keep = append(keep, o)
			continue
		}
		if err := b.complete(ctx, o); err != nil {
			return err
		}
		settle(o)
		if err := b.fn(o); err != nil {
			return err
		}
	}
	clear(b.waiting[len(keep):])
	b.waiting = keep
	return nil
}

func (b *followUps) ready(o *Order) bool {
	for _, r := range o.Refunds {
		if b.refunds[r.ID] == nil {
			return false
		}
	}
	return !hasEdit(o) || b.edits[o.ID] != nil
}

// complete puts the read refunds and edit sales into the order.
func (b *followUps) complete(ctx context.Context, o *Order) error {
	for i := range o.Refunds {
		id := o.Refunds[i].ID
		br := b.refunds[id]
		delete(b.refunds, id)
		if br == nil {
			return fmt.Errorf("refund %s of order %s: not read", id, o.ID)
		}
		r, err := b.c.withTransactions(ctx, br, o)
		if err != nil {
			return err
		}
		if !br.full {
			// The batch read only what the file lacks; the refund's own
			// fields are the file's.
			head := o.Refunds[i]
			head.RefundLineItems, head.RefundShippingLines, head.OrderAdjustments, head.Transactions =
				r.RefundLineItems, r.RefundShippingLines, r.OrderAdjustments, r.Transactions
			r = &head
		}
		o.Refunds[i] = *r
	}
	if !hasEdit(o) {
		return nil
	}
	es := b.edits[o.ID]
	delete(b.edits, o.ID)
	if es == nil {
		return fmt.Errorf("order %s: edit sales not read", o.ID)
	}
	if !es.long {
		complete := true
		for i := range o.Agreements {
			a := &o.Agreements[i]
			if a.Reason != reasonOrderEdit {
				continue
			}
			sales, ok := es.sales[a.ID]
			if !ok {
				complete = false // not matched by the filter: read the ledger
				break
			}
			a.Sales = sales
		}
		if complete {
			return nil
		}
	}
	// More than one edit, a long edit, or an id the filter cannot name: the
	// whole ledger by itself (rare; counted like any request).
	if err := b.c.agreements(ctx, o); err != nil {
		return fmt.Errorf("order %s agreements: %w", o.ID, err)
	}
	return nil
}

// batchRefund is a refund as RefundsByID reads it: its lines, shipping
// lines and adjustments, and its transactions as ids, to be taken from the
// order; its own fields come from the bulk file (full: read in full by
// itself instead).
type batchRefund struct {
	refund         *Refund
	transactionIDs []string
	full           bool
}

// refundNeed is a refund to read with RefundsByID and the firsts its read
// asks for, sized from its order in the bulk file: lines, the order's lines
// with refunded or removed units (a refund line lowers its line's
// currentQuantity); shipping, the order's shipping lines, none when it has
// none (RefundNoShipping: a refund shipping line refunds one of the
// order's); transactions, the order's REFUND transactions. Lines and
// transactions are at least one, so a longer list than the file suggests
// still shows as hasNextPage and is read in full.
type refundNeed struct {
	id                            string
	lines, shipping, transactions int
}

func needOf(o *Order, id string) refundNeed {
	lines, refunds := 0, 0
	for _, li := range o.LineItems {
		if li.CurrentQuantity < li.Quantity {
			lines++
		}
	}
	for _, t := range o.Transactions {
		if t.Kind == "REFUND" {
			refunds++
		}
	}
	// A refund alone stays under the cap: at most the single Refund query's
	// shipping lines and transactions, and lines up to what the cap leaves
	// (a longer refund continues with RefundLineItems).
	n := refundNeed{id: id, lines: 1, shipping: min(len(o.ShippingLines), 10), transactions: min(pageOf(refunds), 20)}
	n.lines = min(pageOf(lines), (packedQueryCost-n.cost())/refundLineCost+1)
	return n
}

// packedQueryCost is what a follow-up request is packed to: a tenth under
// Shopify's cap (maxQueryCost), because these queries are assembled per
// batch and priced by shopqb's own reading of Shopify's cost rules; if
// Shopify priced one a little higher, a request at the cap would be refused
// outright (MAX_COST_EXCEEDED), and the same batch would be refused again on
// every retry.
const packedQueryCost = maxQueryCost * 9 / 10

// pageOf is n as a connection's first: at least 1, at most Shopify's 250.
func pageOf(n int) int { return min(max(n, 1), maxPage) }

// maxPage is Shopify's largest first, and the most ids or aliases shopqb
// puts in one request (input arrays are capped at 250 too).
const maxPage = 250

// The requested cost of RefundsByID's selection, by Shopify's rules
// (objects 1, scalars 0, a connection 2 + first × one node): a refund line
// (RefundLineFields: the line, its item and location, three money bags) 9,
// a shipping line (two bags) 5, an adjustment (two bags) 5, a transaction
// id 1. TestRefundBatchCost checks them against the schema.
const (
	refundLineCost         = 9
	refundShippingLineCost = 5
	refundAdjustmentCost   = 5
	refundTransactionCost  = 1
)

// cost is the refund's requested cost in RefundsByID: the refund, and its
// connections at their firsts (one adjustment; shipping lines if asked).
func (n refundNeed) cost() int {
	c := 1 + (2 + n.lines*refundLineCost) + (2 + refundAdjustmentCost) + (2 + n.transactions*refundTransactionCost)
	if n.shipping > 0 {
		c += 2 + n.shipping*refundShippingLineCost
	}
	return c
}

// operation is the part of a RefundsByID request that reads this refund.
func (n refundNeed) operation() *Operation {
	if n.shipping == 0 {
		return OpRefundNoShipping
	}
	return OpRefundsByID
}

// refundBatches packs needs, in order, into requests of as many refunds as
// fit in packedQueryCost (and at most maxPage). Only the last may
// have room left.
func refundBatches(needs []refundNeed) [][]refundNeed {
	var out [][]refundNeed
	first, cost := 0, 0
	for i, n := range needs {
		c := n.cost()
		if i > first && (cost+c > packedQueryCost || i-first == maxPage) {
			out = append(out, needs[first:i:i])
			first, cost = i, 0
		}
		cost += c
	}
	if first < len(needs) {
		out = append(out, needs[first:len(needs):len(needs)])
	}
	return out
}

// refundsByID reads one batch of refunds in one request, each under its
// own alias with its own firsts. A refund with more shipping lines,
// adjustments or transactions than asked for is read again by itself with
// Refund, one with more lines continues with RefundLineItems.
func (c *Client) refundsByID(ctx context.Context, batch []refundNeed) (map[string]*batchRefund, error) {
	out := make(map[string]*batchRefund, len(batch))
	if len(batch) == 0 {
		return out, nil
	}
	parts := make([]*Operation, len(batch))
	vars := make(map[string]any, 4*len(batch))
	for i, n := range batch {
		parts[i] = n.operation()
		k := "_" + strconv.Itoa(i)
		vars["id"+k], vars["lines"+k], vars["transactions"+k] = n.id, n.lines, n.transactions
		if n.shipping > 0 {
			vars["shipping"+k] = n.shipping
		}
	}
	op, err := batchOf(OpRefundsByID.Name, "r", parts)
	if err != nil {
		return nil, err
	}
	for _, n := range batch {
		op.Cost += n.cost()
	}
	var data map[string]json.RawMessage
	if err := c.Do(ctx, op, vars, &data); err != nil {
		return nil, err
	}
	for i, need := range batch {
		id := need.id
		n := data["r"+strconv.Itoa(i)]
		if len(n) == 0 || string(n) == "null" {
			return nil, fmt.Errorf("refund %s: not found", id)
		}
		var more struct {
			RefundLineItems     rawConnection `json:"refundLineItems"`
			RefundShippingLines rawConnection `json:"refundShippingLines"`
			OrderAdjustments    rawConnection `json:"orderAdjustments"`
			Transactions        struct {
				Nodes []struct {
					ID string `json:"id"`
				} `json:"nodes"`
				PageInfo pageInfo `json:"pageInfo"`
			} `json:"transactions"`
		}
		if err := json.Unmarshal(n, &more); err != nil {
			return nil, fmt.Errorf("decode refund %s: %w", id, err)
		}
		if more.RefundShippingLines.PageInfo.HasNextPage || more.OrderAdjustments.PageInfo.HasNextPage || more.Transactions.PageInfo.HasNextPage {
			r, err := c.Refund(ctx, id)
			if err != nil {
				return nil, err
			}
			out[id] = &batchRefund{refund: r, full: true}
			continue
		}
		var r Refund
		if err := decodeDocument(n, &r); err != nil {
			return nil, fmt.Errorf("decode refund %s: %w", id, err)
		}
		if need.shipping == 0 {
			r.RefundShippingLines = []RefundShippingLine{} // none, as a read of them gives
		}
		if more.RefundLineItems.PageInfo.HasNextPage {
			err := c.paginateFrom(ctx, OpRefundLineItems, map[string]any{"id": id}, []string{"refund", "refundLineItems"}, more.RefundLineItems.PageInfo.EndCursor,
				appendDecoded(&r.RefundLineItems))
			if err != nil {
				return nil, fmt.Errorf("refund %s lines: %w", id, err)
			}
		}
		br := &batchRefund{refund: &r}
		for _, t := range more.Transactions.Nodes {
			br.transactionIDs = append(br.transactionIDs, t.ID)
		}
		out[id] = br
	}
	return out, nil
}

// withTransactions returns the refund with its transactions in full, taken
// by id from the order's transactions. Should one not be among them, the
// refund is read again by itself rather than booked without it.
func (c *Client) withTransactions(ctx context.Context, br *batchRefund, o *Order) (*Refund, error) {
	r := br.refund
	if br.full {
		return r, nil
	}
	r.Transactions = r.Transactions[:0]
	for _, id := range br.transactionIDs {
		t := findTransaction(o.Transactions, id)
		if t == nil {
			return c.Refund(ctx, r.ID)
		}
		r.Transactions = append(r.Transactions, *t)
	}
	return r, nil
}

func findTransaction(ts []OrderTransaction, id string) *OrderTransaction {
	for i := range ts {
		if ts[i].ID == id {
			return &ts[i]
		}
	}
	return nil
}

// editSales is what OrderEditSales read of one order: its edit agreements'
// sales by agreement id, or long when the ledger must be read by itself.
type editSales struct {
	sales map[string][]Sale
	long  bool
}

// The requested cost of one order in OrderEditSales at sales sales per
// edit: the order 1, its agreements connection 2 + one agreement 1, the
// agreement's sales connection 2 + sales × 14 (SaleFields: the sale, three
// money bags, its taxes with their amount and tax line, its line item).
// TestEditBatchCost checks it against the schema.
const saleCost = 14

func editCost(sales int) int { return 1 + 2 + 1 + 2 + sales*saleCost }

// editBatchSize is the orders of one OrderEditSales request at sales sales
// per edit: as many as packedQueryCost allows.
func editBatchSize(sales int) int { return min(maxPage, packedQueryCost/editCost(sales)) }

// maxSalesPerEdit bounds the sales one edit is asked for in a batch; an edit
// with more has its ledger read by itself.
const maxSalesPerEdit = 20

// editSales reads the sales of the orders' ORDER_EDIT agreements, sales to
// an edit, as many orders to a request as the cap allows. An edit with more
// sales is read again with the others like it at four times the sales (up
// to maxSalesPerEdit), so long edits cost a batch, not a request each. most
// is the longest edit read.
func (c *Client) editSales(ctx context.Context, orders []*Order, sales int) (out map[string]*editSales, most int, err error) {
	out = make(map[string]*editSales, len(orders))
	pending := orders
	for len(pending) > 0 {
		var again []*Order
		size := editBatchSize(sales)
		for first := 0; first < len(pending); first += size {
			batch := pending[first:min(first+size, len(pending))]
			longer, n, err := c.editBatch(ctx, batch, sales, sales < maxSalesPerEdit, out)
			if err != nil {
				return nil, 0, err
			}
			again = append(again, longer...)
			most = max(most, n)
		}
		pending = again
		sales = min(sales*4, maxSalesPerEdit)
	}
	return out, most, nil
}

// editBatch reads one request of edit sales into out. An order whose edit
// has more sales than asked is returned in longer when retry, else marked
// long. most is the longest edit read.
func (c *Client) editBatch(ctx context.Context, batch []*Order, sales int, retry bool, out map[string]*editSales) (longer []*Order, most int, err error) {
	var ids, terms []string
	byID := make(map[string]*Order, len(batch))
	for _, o := range batch {
		named := true
		for _, a := range o.Agreements {
			if a.Reason != reasonOrderEdit {
				continue
			}
			n := gidNumber(a.ID)
			if _, err := strconv.ParseUint(n, 10, 64); err != nil {
				named = false // the filter takes numeric ids only
				continue
			}
			terms = append(terms, "id:"+n)
		}
		if !named {
			out[o.ID] = &editSales{long: true}
			continue
		}
		ids = append(ids, o.ID)
		byID[o.ID] = o
	}
	if len(ids) == 0 {
		return nil, 0, nil
	}
	var data struct {
		Nodes []json.RawMessage `json:"nodes"`
	}
	vars := map[string]any{"ids": ids, "edits": strings.Join(terms, " OR "), "sales": sales}
	op := *OpOrderEditSales
	op.Cost = len(ids) * editCost(sales)
	if err := c.Do(ctx, &op, vars, &data); err != nil {
		return nil, 0, err
	}
	if len(data.Nodes) != len(ids) {
		return nil, 0, fmt.Errorf("shopify OrderEditSales: %d orders asked, %d answered", len(ids), len(data.Nodes))
	}
	for i, n := range data.Nodes {
		id := ids[i]
		var body struct {
			Agreements struct {
				Nodes []struct {
					ID    string        `json:"id"`
					Sales rawConnection `json:"sales"`
				} `json:"nodes"`
				PageInfo pageInfo `json:"pageInfo"`
			} `json:"agreements"`
		}
		if err := json.Unmarshal(n, &body); err != nil {
			return nil, 0, fmt.Errorf("decode order %s edit sales: %w", id, err)
		}
		if body.Agreements.PageInfo.HasNextPage {
			out[id] = &editSales{long: true} // more than one edit: the ledger
			continue
		}
		es := &editSales{sales: map[string][]Sale{}}
		for _, a := range body.Agreements.Nodes {
			if a.Sales.PageInfo.HasNextPage {
				es.long = true
			}
			got := []Sale{}
			for _, sn := range a.Sales.items() {
				var s Sale
				if err := decodeDocument(sn, &s); err != nil {
					return nil, 0, fmt.Errorf("decode order %s agreement %s sale: %w", id, a.ID, err)
				}
				got = append(got, s)
			}
			es.sales[a.ID] = got
			if !es.long {
				most = max(most, len(got))
			}
		}
		if es.long && retry {
			longer = append(longer, byID[id])
			continue
		}
		out[id] = es
	}
	return longer, most, nil
}
