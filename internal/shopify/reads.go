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
// transactions (found with payments_transfer_id:<payout legacy id>). A shop
// without Shopify Payments has no account: no payouts, no error. Payouts
// have no webhook, so this is polled.
func (c *Client) Payouts(ctx context.Context, q PayoutsQuery, fn func(*Payout) error) error {
	return c.paginate(ctx, OpPayouts, queryVars(q.searchQuery()), []string{"shopifyPaymentsAccount", "payouts"}, func(n json.RawMessage) error {
		var p Payout
		if err := decodeDocument(n, &p); err != nil {
			return fmt.Errorf("decode payout: %w", err)
		}
		legacy := p.LegacyResourceID
		if legacy == "" {
			legacy = gidNumber(p.ID)
		}
		vars := map[string]any{"query": "payments_transfer_id:" + legacy}
		err := c.paginate(ctx, OpPayoutBalanceTransactions, vars, []string{"shopifyPaymentsAccount", "balanceTransactions"}, func(bn json.RawMessage) error {
			var bt BalanceTransaction
			if err := decodeDocument(bn, &bt); err != nil {
				return fmt.Errorf("decode balance transaction: %w", err)
			}
			p.BalanceTransactions = append(p.BalanceTransactions, bt)
			return nil
		})
		if err != nil {
			return fmt.Errorf("payout %s balance transactions: %w", p.ID, err)
		}
		return fn(&p)
	})
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
