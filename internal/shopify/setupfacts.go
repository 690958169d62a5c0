package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// Count is one of Shopify's count fields: exact, or a lower bound when
// Shopify stopped counting.
type Count struct {
	Count   int  `json:"count"`
	AtLeast bool `json:"-"`
}

func (c *Count) UnmarshalJSON(b []byte) error {
	var raw struct {
		Count     int    `json:"count"`
		Precision string `json:"precision"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	c.Count, c.AtLeast = raw.Count, raw.Precision == "AT_LEAST"
	return nil
}

// SetupFacts is what the setup wizard shows of a store before anything is synced.
type SetupFacts struct {
	Name, Domain, Currency, TimeZone string
	// Orders counts the orders created in the window asked for.
	Orders Count
	// Customers and Variants are what detail mode could add to QuickBooks.
	Customers, Variants Count
	// Scopes are the access scopes the app holds on this store.
	Scopes []string
	// Gateways are the payment gateways of the latest orders, sorted.
	Gateways []string
}

// HasScope reports whether the app holds scope (a write scope implies its read).
func (f *SetupFacts) HasScope(scope string) bool {
	for _, s := range f.Scopes {
		if s == scope || (len(scope) > 5 && scope[:5] == "read_" && s == "write_"+scope[5:]) {
			return true
		}
	}
	return false
}

// SetupFacts reads the store, its orders created since since, the counts
// of customers and variants, the app's scopes and its recent gateways, in
// one request. Counts are asked without Shopify's 10,000 cap.
func (c *Client) SetupFacts(ctx context.Context, since time.Time) (*SetupFacts, error) {
	var data struct {
		Shop struct {
			Name            string `json:"name"`
			MyshopifyDomain string `json:"myshopifyDomain"`
			CurrencyCode    string `json:"currencyCode"`
			IanaTimezone    string `json:"ianaTimezone"`
		} `json:"shop"`
		OrdersCount          *Count `json:"ordersCount"`
		CustomersCount       *Count `json:"customersCount"`
		ProductVariantsCount *Count `json:"productVariantsCount"`
		CurrentApp           struct {
			AccessScopes []struct {
				Handle string `json:"handle"`
			} `json:"accessScopes"`
		} `json:"currentAppInstallation"`
		Orders struct {
			Nodes []struct {
				PaymentGatewayNames []string `json:"paymentGatewayNames"`
			} `json:"nodes"`
		} `json:"orders"`
	}
	vars := map[string]any{
		"ordersQuery": "created_at:>='" + since.UTC().Format(time.RFC3339) + "'",
		// The latest orders' gateways: enough to meet every gateway a shop really uses.
		"first": OpSetupFacts.PageSize,
	}
	if err := c.Do(ctx, OpSetupFacts, vars, &data); err != nil {
		return nil, err
	}
	f := &SetupFacts{Name: data.Shop.Name, Domain: data.Shop.MyshopifyDomain, Currency: data.Shop.CurrencyCode, TimeZone: data.Shop.IanaTimezone}
	for _, p := range []struct {
		dst *Count
		src *Count
	}{{&f.Orders, data.OrdersCount}, {&f.Customers, data.CustomersCount}, {&f.Variants, data.ProductVariantsCount}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	for _, s := range data.CurrentApp.AccessScopes {
		f.Scopes = append(f.Scopes, s.Handle)
	}
	seen := map[string]bool{}
	for _, o := range data.Orders.Nodes {
		for _, g := range o.PaymentGatewayNames {
			if g != "" && !seen[g] {
				seen[g] = true
				f.Gateways = append(f.Gateways, g)
			}
		}
	}
	sort.Strings(f.Gateways)
	return f, nil
}

// ProductVendors returns the distinct vendor names of the store's products.
func (c *Client) ProductVendors(ctx context.Context) ([]string, error) {
	var out []string
	err := c.paginate(ctx, OpProductVendors, nil, []string{"productVendors"}, func(n json.RawMessage) error {
		var s string
		if err := json.Unmarshal(n, &s); err != nil {
			return fmt.Errorf("decode product vendor: %w", err)
		}
		out = append(out, s)
		return nil
	})
	return out, err
}
