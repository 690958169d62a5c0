package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Shop reads the store's identity, currency, time zone and tax setting.
func (c *Client) Shop(ctx context.Context) (*Shop, error) {
	var data struct {
		Shop *struct {
			Shop
			Plan struct {
				PublicDisplayName string `json:"publicDisplayName"`
			} `json:"plan"`
		} `json:"shop"`
	}
	if err := c.Do(ctx, OpShop, nil, &data); err != nil {
		return nil, err
	}
	if data.Shop == nil {
		return nil, fmt.Errorf("shopify Shop: no shop in response")
	}
	s := data.Shop.Shop
	s.PlanDisplayName = data.Shop.Plan.PublicDisplayName
	return &s, nil
}

// Locations reads every location, inactive ones included: old orders still
// point at them.
func (c *Client) Locations(ctx context.Context) ([]Location, error) {
	var out []Location
	err := c.paginate(ctx, OpLocations, nil, []string{"locations"}, func(n json.RawMessage) error {
		var l Location
		if err := decodeDocument(n, &l); err != nil {
			return fmt.Errorf("decode location: %w", err)
		}
		out = append(out, l)
		return nil
	})
	return out, err
}

// UpdatedRange bounds a read by updatedAt; zero ends are open.
type UpdatedRange struct {
	UpdatedSince time.Time
	UpdatedUntil time.Time
}

// searchQuery renders the range in Shopify search syntax, dates quoted as
// the syntax requires: updated_at:>='…' AND updated_at:<='…'.
func (r UpdatedRange) searchQuery() string {
	var terms []string
	if !r.UpdatedSince.IsZero() {
		terms = append(terms, "updated_at:>='"+r.UpdatedSince.UTC().Format(time.RFC3339)+"'")
	}
	if !r.UpdatedUntil.IsZero() {
		terms = append(terms, "updated_at:<='"+r.UpdatedUntil.UTC().Format(time.RFC3339)+"'")
	}
	return strings.Join(terms, " AND ")
}

func queryVars(q string) map[string]any {
	if q == "" {
		return nil
	}
	return map[string]any{"query": q}
}

// Customers calls fn for every customer updated in r, oldest update first.
func (c *Client) Customers(ctx context.Context, r UpdatedRange, fn func(*Customer) error) error {
	return c.paginate(ctx, OpCustomers, queryVars(r.searchQuery()), []string{"customers"}, func(n json.RawMessage) error {
		var cu Customer
		if err := decodeDocument(n, &cu); err != nil {
			return fmt.Errorf("decode customer: %w", err)
		}
		return fn(&cu)
	})
}

// Products calls fn for every product updated in r with all its variants
// (and their inventory items' unit cost), fetching more variants by
// product id when a product has more than a page.
func (c *Client) Products(ctx context.Context, r UpdatedRange, fn func(*Product) error) error {
	return c.paginate(ctx, OpProducts, queryVars(r.searchQuery()), []string{"products"}, func(n json.RawMessage) error {
		var p Product
		if err := decodeDocument(n, &p); err != nil {
			return fmt.Errorf("decode product: %w", err)
		}
		variants, err := connectionAt(n, "variants")
		if err != nil {
			return fmt.Errorf("product %s: %w", p.ID, err)
		}
		if variants != nil && variants.PageInfo.HasNextPage {
			err := c.paginateFrom(ctx, OpProductVariants, map[string]any{"id": p.ID}, []string{"product", "variants"}, variants.PageInfo.EndCursor,
				func(vn json.RawMessage) error {
					var v ProductVariant
					if err := decodeDocument(vn, &v); err != nil {
						return fmt.Errorf("decode variant: %w", err)
					}
					p.Variants = append(p.Variants, v)
					return nil
				})
			if err != nil {
				return fmt.Errorf("product %s variants: %w", p.ID, err)
			}
		}
		return fn(&p)
	})
}

// PayoutsQuery bounds a payout read by issue date; zero ends are open.
type PayoutsQuery struct {
	IssuedSince time.Time
	IssuedUntil time.Time
}

func (q PayoutsQuery) searchQuery() string {
	var terms []string
	if !q.IssuedSince.IsZero() {
		terms = append(terms, "issued_at:>='"+q.IssuedSince.UTC().Format(time.RFC3339)+"'")
	}
	if !q.IssuedUntil.IsZero() {
		terms = append(terms, "issued_at:<='"+q.IssuedUntil.UTC().Format(time.RFC3339)+"'")
	}
	return strings.Join(terms, " AND ")
}

// Payouts calls fn for every Shopify Payments payout in q with its balance
// transactions. A shop without Shopify Payments has no account: no payouts,
// no error. Payouts have no webhook, so this is polled. Payouts are few
// (about one a day) and paged; their balance transactions grow with the
// orders, so they are read with one bulk operation per payoutBatch
// payouts and grouped by payout on disk (poll is the bulk status interval).
// A payout's balance transactions are fn's only while it runs: fn keeps
// the slice, not the *Payout, if it needs them later.
func (c *Client) Payouts(ctx context.Context, q PayoutsQuery, poll time.Duration, fn func(*Payout) error) error {
	var batch []*Payout
	err := c.eachPayout(ctx, q, func(p *Payout) error {
		batch = append(batch, p)
		if len(batch) < payoutBatch {
			return nil
		}
		err := c.bulkBalanceTransactions(ctx, batch, poll, fn)
		batch = batch[:0]
		return err
	})
	if err != nil || len(batch) == 0 {
		return err
	}
	return c.bulkBalanceTransactions(ctx, batch, poll, fn)
}

// payoutBatch is how many payouts one balance-transaction bulk query
// covers: its filter names each (payments_transfer_id terms).
const payoutBatch = 50

// PayoutsPaged is Payouts reading each payout's balance transactions page
// by page (fifty to a request); the bulk read must give the same payouts.
func (c *Client) PayoutsPaged(ctx context.Context, q PayoutsQuery, fn func(*Payout) error) error {
	return c.eachPayout(ctx, q, func(p *Payout) error {
		vars := map[string]any{"query": "payments_transfer_id:" + payoutNumber(p)}
		err := c.paginate(ctx, OpPayoutBalanceTransactions, vars, []string{"shopifyPaymentsAccount", "balanceTransactions"}, appendDecoded(&p.BalanceTransactions))
		if err != nil {
			return fmt.Errorf("payout %s balance transactions: %w", p.ID, err)
		}
		return fn(p)
	})
}

// eachPayout pages the payouts in q, without their balance transactions.
func (c *Client) eachPayout(ctx context.Context, q PayoutsQuery, fn func(*Payout) error) error {
	return c.paginate(ctx, OpPayouts, queryVars(q.searchQuery()), []string{"shopifyPaymentsAccount", "payouts"}, func(n json.RawMessage) error {
		var p Payout
		if err := decodeDocument(n, &p); err != nil {
			return fmt.Errorf("decode payout: %w", err)
		}
		return fn(&p)
	})
}

func payoutNumber(p *Payout) string {
	if p.LegacyResourceID != "" {
		return p.LegacyResourceID
	}
	return gidNumber(p.ID)
}

// bulkBalanceTransactions reads the balance transactions of batch with one
// bulk operation, spools them to disk partitioned by payout, and hands each
// payout on with its own, in the order the file lists them.
func (c *Client) bulkBalanceTransactions(ctx context.Context, batch []*Payout, poll time.Duration, fn func(*Payout) error) error {
	terms := make([]string, len(batch))
	for i, p := range batch {
		terms[i] = "payments_transfer_id:" + payoutNumber(p)
	}
	doc, err := withFilter(BulkQueryBalanceTransactions, strings.Join(terms, " OR "))
	if err != nil {
		return err
	}
	body, err := c.runBulk(ctx, doc, poll)
	if err != nil {
		return err
	}
	sp, err := newSpool("", bulkPartitions)
	if err != nil {
		return err
	}
	defer sp.close()
	if body != nil {
		err := eachLine(body, func(line int, b []byte) error {
			var head struct {
				AssociatedPayout *struct {
					ID string `json:"id"`
				} `json:"associatedPayout"`
			}
			// Only the payout is read here; a line is decoded whole, and
			// so checked, when its payout's transactions are.
			if err := DecodeStoredMembers(b, &head, "associatedPayout"); err != nil {
				return fmt.Errorf("bulk JSONL line %d: %w", line, err)
			}
			if head.AssociatedPayout == nil || head.AssociatedPayout.ID == "" {
				return nil // not paid out yet: no payout of this batch
			}
			return sp.add(spoolRecord{key: head.AssociatedPayout.ID, root: true, line: line, body: b})
		})
		body.Close()
		if err != nil {
			return err
		}
	}
	for _, p := range batch {
		err := sp.each(p.ID, func(b []byte) error {
			var bt BalanceTransaction
			if err := DecodeStored(b, &bt); err != nil {
				return fmt.Errorf("payout %s balance transaction: %w", p.ID, err)
			}
			p.BalanceTransactions = append(p.BalanceTransactions, bt)
			return nil
		})
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		// fn has what it keeps (ingest: a snapshot); the batch would
		// otherwise hold every payout's transactions until its last.
		p.BalanceTransactions = nil
	}
	return nil
}

// gidNumber returns the numeric tail of gid://shopify/Type/123.
func gidNumber(gid string) string {
	if i := strings.LastIndexByte(gid, '/'); i >= 0 {
		tail := gid[i+1:]
		if j := strings.IndexByte(tail, '?'); j >= 0 {
			tail = tail[:j]
		}
		return tail
	}
	return gid
}
