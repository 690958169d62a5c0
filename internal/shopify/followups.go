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
// levels, no connection inside a list field): a refund's lines, shipping
// lines, adjustments and transactions are connections inside Order.refunds,
// a list; an edit's sales are orders > agreements > sales, three levels.
// No root connection of the Admin API reaches refunds or sales, so they are
// read by id with nodes(ids:), as many to a request as the 1000-point cap
// allows (RefundsByID, OrderEditSales), and only the rare long object gets
// a request of its own. The bench counts them (FollowUpOf).
//
// Refunds and edits are batched apart, each request full: an order waits
// until each of its needs has been read, so the orders waiting are bounded
// by the two batch sizes, never by the shop.
type followUps struct {
	c       *Client
	fn      func(*Order) error
	waiting []*Order
	// Queued ids, not yet read.
	refundQueue []string
	editQueue   []*Order
	// Read, not yet handed on.
	refunds map[string]*batchRefund
	edits   map[string]*editSales
}

func newFollowUps(c *Client, fn func(*Order) error) *followUps {
	return &followUps{c: c, fn: fn, refunds: map[string]*batchRefund{}, edits: map[string]*editSales{}}
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
		b.refundQueue = append(b.refundQueue, r.ID)
	}
	if edited {
		b.editQueue = append(b.editQueue, o)
	}
	read := false
	if len(b.refundQueue) >= OpRefundsByID.PageSize {
		if err := b.readRefunds(ctx); err != nil {
			return err
		}
		read = true
	}
	if len(b.editQueue) >= OpOrderEditSales.PageSize {
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
	if err := b.readRefunds(ctx); err != nil {
		return err
	}
	if err := b.readEdits(ctx); err != nil {
		return err
	}
	return b.handOn(ctx, true)
}

func (b *followUps) readRefunds(ctx context.Context) error {
	if len(b.refundQueue) == 0 {
		return nil
	}
	got, err := b.c.refundsByID(ctx, b.refundQueue)
	if err != nil {
		return err
	}
	for id, r := range got {
		b.refunds[id] = r
	}
	b.refundQueue = b.refundQueue[:0]
	return nil
}

func (b *followUps) readEdits(ctx context.Context) error {
	if len(b.editQueue) == 0 {
		return nil
	}
	got, err := b.c.editSales(ctx, b.editQueue)
	if err != nil {
		return err
	}
	for id, e := range got {
		b.edits[id] = e
	}
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

// refundsByID reads refunds, OpRefundsByID.PageSize to a request. A refund
// with more shipping lines, adjustments or transactions than the batch's
// firsts is read again by itself with Refund, one with more lines
// continues with RefundLineItems (rare: refunds have a few lines).
func (c *Client) refundsByID(ctx context.Context, ids []string) (map[string]*batchRefund, error) {
	out := make(map[string]*batchRefund, len(ids))
	for first := 0; first < len(ids); first += OpRefundsByID.PageSize {
		batch := ids[first:min(first+OpRefundsByID.PageSize, len(ids))]
		var data struct {
			Nodes []json.RawMessage `json:"nodes"`
		}
		if err := c.Do(ctx, OpRefundsByID, map[string]any{"ids": batch}, &data); err != nil {
			return nil, err
		}
		if len(data.Nodes) != len(batch) {
			return nil, fmt.Errorf("shopify RefundsByID: %d refunds asked, %d answered", len(batch), len(data.Nodes))
		}
		for i, n := range data.Nodes {
			id := batch[i]
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

// editSales reads the sales of the orders' ORDER_EDIT agreements,
// OpOrderEditSales.PageSize orders to a request.
func (c *Client) editSales(ctx context.Context, orders []*Order) (map[string]*editSales, error) {
	out := make(map[string]*editSales, len(orders))
	for first := 0; first < len(orders); first += OpOrderEditSales.PageSize {
		batch := orders[first:min(first+OpOrderEditSales.PageSize, len(orders))]
		var ids, terms []string
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
		}
		if len(ids) == 0 {
			continue
		}
		var data struct {
			Nodes []json.RawMessage `json:"nodes"`
		}
		vars := map[string]any{"ids": ids, "edits": strings.Join(terms, " OR ")}
		if err := c.Do(ctx, OpOrderEditSales, vars, &data); err != nil {
			return nil, err
		}
		if len(data.Nodes) != len(ids) {
			return nil, fmt.Errorf("shopify OrderEditSales: %d orders asked, %d answered", len(ids), len(data.Nodes))
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
				return nil, fmt.Errorf("decode order %s edit sales: %w", id, err)
			}
			es := &editSales{sales: map[string][]Sale{}, long: body.Agreements.PageInfo.HasNextPage}
			for _, a := range body.Agreements.Nodes {
				if a.Sales.PageInfo.HasNextPage {
					es.long = true
				}
				sales := []Sale{}
				for _, sn := range a.Sales.items() {
					var s Sale
					if err := decodeDocument(sn, &s); err != nil {
						return nil, fmt.Errorf("decode order %s agreement %s sale: %w", id, a.ID, err)
					}
					sales = append(sales, s)
				}
				es.sales[a.ID] = sales
			}
			out[id] = es
		}
	}
	return out, nil
}
