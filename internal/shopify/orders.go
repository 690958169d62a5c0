package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// OrdersQuery bounds an order read by updatedAt; zero ends are open.
type OrdersQuery struct {
	UpdatedSince time.Time
	UpdatedUntil time.Time
}

// header page limits that decide whether a follow-up is needed; they match
// the literal firsts in fragments.graphql.
const (
	headerTransactions = 10
	headerRefunds      = 50
)

// Orders calls fn with every order updated in q, oldest update first, each
// complete: line items, shipping lines, transactions, refunds and the
// agreements ledger, however long, via follow-up queries by order id.
func (c *Client) Orders(ctx context.Context, q OrdersQuery, fn func(*Order) error) error {
	vars := queryVars(UpdatedRange(q).searchQuery())
	return c.paginate(ctx, OpOrders, vars, []string{"orders"}, func(n json.RawMessage) error {
		o, err := c.completeOrder(ctx, n)
		if err != nil {
			return err
		}
		return fn(o)
	})
}

// Order reads one complete order by GID (a webhook's hint, a retry).
func (c *Client) Order(ctx context.Context, id string) (*Order, error) {
	var data json.RawMessage
	if err := c.Do(ctx, OpOrder, map[string]any{"id": id}, &data); err != nil {
		return nil, err
	}
	n, err := at(data, "order")
	if err != nil {
		return nil, fmt.Errorf("shopify Order %s: %w", id, err)
	}
	if n == nil {
		return nil, fmt.Errorf("shopify Order %s: not found", id)
	}
	return c.completeOrder(ctx, n)
}

// orderHeaderPaging is what completeOrder needs to know about the header's
// nested lists before they are flattened away.
type orderHeaderPaging struct {
	ID            string            `json:"id"`
	ShippingLines rawConnection     `json:"shippingLines"`
	Discounts     rawConnection     `json:"discountApplications"`
	Transactions  []json.RawMessage `json:"transactions"`
	Refunds       []struct {
		ID string `json:"id"`
	} `json:"refunds"`
}

// completeOrder decodes an order header and fetches what the header
// leaves out.
func (c *Client) completeOrder(ctx context.Context, header json.RawMessage) (*Order, error) {
	var paging orderHeaderPaging
	if err := json.Unmarshal(header, &paging); err != nil {
		return nil, fmt.Errorf("decode order header: %w", err)
	}
	var o Order
	if err := decodeDocument(header, &o); err != nil {
		return nil, fmt.Errorf("decode order %s: %w", paging.ID, err)
	}
	// The header's refunds are ids only; the full refunds replace them.
	o.Refunds = nil
	id := o.ID
	if paging.Discounts.PageInfo.HasNextPage {
		err := c.paginateFrom(ctx, OpOrderDiscountApplications, map[string]any{"id": id}, []string{"order", "discountApplications"}, paging.Discounts.PageInfo.EndCursor,
			appendDecoded(&o.DiscountApplications))
		if err != nil {
			return nil, fmt.Errorf("order %s discount applications: %w", id, err)
		}
	}
	if paging.ShippingLines.PageInfo.HasNextPage {
		err := c.paginateFrom(ctx, OpOrderShippingLines, map[string]any{"id": id}, []string{"order", "shippingLines"}, paging.ShippingLines.PageInfo.EndCursor,
			appendDecoded(&o.ShippingLines))
		if err != nil {
			return nil, fmt.Errorf("order %s shipping lines: %w", id, err)
		}
	}
	if err := c.paginate(ctx, OpOrderLineItems, map[string]any{"id": id}, []string{"order", "lineItems"}, appendDecoded(&o.LineItems)); err != nil {
		return nil, fmt.Errorf("order %s line items: %w", id, err)
	}
	if len(paging.Transactions) >= headerTransactions {
		if err := c.allTransactions(ctx, &o); err != nil {
			return nil, err
		}
	}
	if len(paging.Refunds) >= headerRefunds {
		return nil, fmt.Errorf("order %s has %d or more refunds, more than shopqb reads per order; import it by hand", id, headerRefunds)
	}
	for _, r := range paging.Refunds {
		ref, err := c.Refund(ctx, r.ID)
		if err != nil {
			return nil, fmt.Errorf("order %s: %w", id, err)
		}
		o.Refunds = append(o.Refunds, *ref)
	}
	if err := c.agreements(ctx, &o); err != nil {
		return nil, fmt.Errorf("order %s agreements: %w", id, err)
	}
	settle(&o)
	return &o, nil
}

// allTransactions re-reads an order's transactions with the larger limit.
func (c *Client) allTransactions(ctx context.Context, o *Order) error {
	var data json.RawMessage
	if err := c.Do(ctx, OpOrderTransactions, map[string]any{"id": o.ID, "first": OpOrderTransactions.PageSize}, &data); err != nil {
		return fmt.Errorf("order %s transactions: %w", o.ID, err)
	}
	var body struct {
		Order *struct {
			Transactions json.RawMessage `json:"transactions"`
		} `json:"order"`
	}
	if err := json.Unmarshal(data, &body); err != nil || body.Order == nil {
		return fmt.Errorf("order %s transactions: unexpected response", o.ID)
	}
	var txs []OrderTransaction
	if err := decodeDocument(body.Order.Transactions, &txs); err != nil {
		return fmt.Errorf("order %s transactions: %w", o.ID, err)
	}
	if len(txs) >= OpOrderTransactions.PageSize {
		return fmt.Errorf("order %s has %d or more transactions, more than Shopify returns in one list", o.ID, len(txs))
	}
	o.Transactions = txs
	return nil
}

// Refund reads one refund by GID, with all its refund lines.
func (c *Client) Refund(ctx context.Context, id string) (*Refund, error) {
	var data json.RawMessage
	if err := c.Do(ctx, OpRefund, map[string]any{"id": id}, &data); err != nil {
		return nil, fmt.Errorf("refund %s: %w", id, err)
	}
	n, err := at(data, "refund")
	if err != nil || n == nil {
		return nil, fmt.Errorf("refund %s: not found (%v)", id, err)
	}
	var r Refund
	if err := decodeDocument(n, &r); err != nil {
		return nil, fmt.Errorf("decode refund %s: %w", id, err)
	}
	lines, err := connectionAt(n, "refundLineItems")
	if err != nil {
		return nil, fmt.Errorf("refund %s: %w", id, err)
	}
	if lines != nil && lines.PageInfo.HasNextPage {
		err := c.paginateFrom(ctx, OpRefundLineItems, map[string]any{"id": id}, []string{"refund", "refundLineItems"}, lines.PageInfo.EndCursor,
			appendDecoded(&r.RefundLineItems))
		if err != nil {
			return nil, fmt.Errorf("refund %s lines: %w", id, err)
		}
	}
	return &r, nil
}

// agreementEdge is one agreement as OrderAgreements returns it.
type agreementEdge struct {
	Cursor string          `json:"cursor"`
	Node   json.RawMessage `json:"node"`
}

// agreements reads the order's whole sales ledger. An agreement with more
// sales than the first page continues with OrderAgreementSales, which
// reaches it as "the first agreement after the previous one's cursor".
func (c *Client) agreements(ctx context.Context, o *Order) error {
	o.Agreements = nil
	op := OpOrderAgreements
	after := ""
	for {
		vars := map[string]any{"id": o.ID, "first": op.PageSize}
		if after != "" {
			vars["after"] = after
		}
		var data json.RawMessage
		if err := c.Do(ctx, op, vars, &data); err != nil {
			return err
		}
		raw, err := at(data, "order", "agreements")
		if err != nil {
			return err
		}
		if raw == nil {
			return nil
		}
		var conn struct {
			Edges    []agreementEdge `json:"edges"`
			PageInfo pageInfo        `json:"pageInfo"`
		}
		if err := json.Unmarshal(raw, &conn); err != nil {
			return fmt.Errorf("decode agreements: %w", err)
		}
		prev := after
		for _, e := range conn.Edges {
			var a SalesAgreement
			if err := decodeDocument(e.Node, &a); err != nil {
				return fmt.Errorf("decode agreement: %w", err)
			}
			sales, err := connectionAt(e.Node, "sales")
			if err != nil {
				return err
			}
			if sales != nil && sales.PageInfo.HasNextPage {
				if err := c.moreSales(ctx, o.ID, prev, sales.PageInfo.EndCursor, &a); err != nil {
					return fmt.Errorf("agreement %s sales: %w", a.ID, err)
				}
			}
			o.Agreements = append(o.Agreements, a)
			prev = e.Cursor
		}
		if !conn.PageInfo.HasNextPage || conn.PageInfo.EndCursor == "" || conn.PageInfo.EndCursor == after {
			return nil
		}
		after = conn.PageInfo.EndCursor
	}
}

// moreSales appends the sales of agreement a after salesCursor.
func (c *Client) moreSales(ctx context.Context, orderID, agreementAfter, salesCursor string, a *SalesAgreement) error {
	for salesCursor != "" {
		vars := map[string]any{"id": orderID, "first": OpOrderAgreementSales.PageSize, "after": salesCursor}
		if agreementAfter != "" {
			vars["agreementAfter"] = agreementAfter
		}
		var data json.RawMessage
		if err := c.Do(ctx, OpOrderAgreementSales, vars, &data); err != nil {
			return err
		}
		var body struct {
			Order *struct {
				Agreements struct {
					Nodes []struct {
						ID    string        `json:"id"`
						Sales rawConnection `json:"sales"`
					} `json:"nodes"`
				} `json:"agreements"`
			} `json:"order"`
		}
		if err := json.Unmarshal(data, &body); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		if body.Order == nil || len(body.Order.Agreements.Nodes) != 1 || body.Order.Agreements.Nodes[0].ID != a.ID {
			return fmt.Errorf("agreement moved while paging its sales")
		}
		s := body.Order.Agreements.Nodes[0].Sales
		for _, n := range s.items() {
			var sale Sale
			if err := decodeDocument(n, &sale); err != nil {
				return fmt.Errorf("decode sale: %w", err)
			}
			a.Sales = append(a.Sales, sale)
		}
		next := ""
		if s.PageInfo.HasNextPage && s.PageInfo.EndCursor != salesCursor {
			next = s.PageInfo.EndCursor
		}
		salesCursor = next
	}
	return nil
}

// appendDecoded returns a node callback that decodes into a new element of *dst.
func appendDecoded[T any](dst *[]T) func(json.RawMessage) error {
	return func(n json.RawMessage) error {
		var v T
		if err := decodeDocument(n, &v); err != nil {
			return fmt.Errorf("decode %T: %w", v, err)
		}
		*dst = append(*dst, v)
		return nil
	}
}

// Incremental is the state of an incremental order sync: the watermark is
// the newest updatedAt already processed; Overlap re-reads a little before
// it, because Shopify's search index can lag writes and equal timestamps
// straddle page boundaries. Seen, if set, reports whether this exact
// version (GID + updatedAt) was processed before (e.g. a stored snapshot),
// so the overlap never hands the same version to fn twice.
type Incremental struct {
	Watermark time.Time
	Overlap   time.Duration
	// Until bounds the read; zero leaves it open (up to now).
	Until time.Time
	Seen  func(ctx context.Context, id string, updatedAt time.Time) (bool, error)
}

// SyncOrders reads orders updated since the watermark (minus the overlap)
// and calls fn once per new order version. It returns the new watermark:
// the newest updatedAt delivered, never earlier than the old one. On error
// the returned watermark covers only what fn accepted, so a retry resumes
// without losing anything.
func (c *Client) SyncOrders(ctx context.Context, inc Incremental, fn func(*Order) error) (time.Time, error) {
	mark := inc.Watermark
	q := OrdersQuery{UpdatedUntil: inc.Until}
	if !inc.Watermark.IsZero() {
		q.UpdatedSince = inc.Watermark.Add(-inc.Overlap)
	}
	type version struct {
		id string
		at int64
	}
	done := map[version]bool{}
	err := c.Orders(ctx, q, func(o *Order) error {
		v := version{o.ID, o.UpdatedAt.UnixNano()}
		if done[v] {
			return nil
		}
		done[v] = true
		if inc.Seen != nil {
			seen, err := inc.Seen(ctx, o.ID, o.UpdatedAt)
			if err != nil {
				return fmt.Errorf("order %s: %w", o.ID, err)
			}
			if seen {
				return nil
			}
		}
		if err := fn(o); err != nil {
			return err
		}
		if o.UpdatedAt.After(mark) {
			mark = o.UpdatedAt
		}
		return nil
	})
	return mark, err
}
