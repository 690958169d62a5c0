package shopify_test

import (
	"context"
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
)

// The wizard's facts agree with the simulator's data: orders created in the
// window, customers, variants, vendors, the granted scopes and the gateways.
func TestSimulatorSetupFacts(t *testing.T) {
	now := time.Now()
	sim, url := startSim(t, shopifysim.Options{Seed: 3, Orders: 40, Days: 20, Start: now.AddDate(0, 0, -20),
		Bucket: shopifysim.BucketOptions{MaximumAvailable: 2000, RestoreRate: 100000}})
	c := simClient(t, url, "shpat_sim")
	ctx := context.Background()
	data := sim.Data()
	since := now.AddDate(0, 0, -10)
	f, err := c.SetupFacts(ctx, since)
	if err != nil {
		t.Fatal(err)
	}
	wantOrders := 0
	gateways := map[string]bool{}
	for _, o := range data.Orders {
		if !o.CreatedAt.Before(since) {
			wantOrders++
		}
		for _, g := range o.PaymentGatewayNames {
			gateways[g] = true
		}
	}
	if f.Orders.Count != wantOrders || f.Orders.AtLeast || wantOrders == 0 || wantOrders == len(data.Orders) {
		t.Errorf("orders in the window: %+v, want %d of %d", f.Orders, wantOrders, len(data.Orders))
	}
	variants := 0
	vendors := map[string]bool{}
	for _, p := range data.Products {
		variants += len(p.Variants)
		if p.Vendor != "" {
			vendors[p.Vendor] = true
		}
	}
	if f.Customers.Count != len(data.Customers) || f.Variants.Count != variants {
		t.Errorf("customers %+v variants %+v, want %d and %d", f.Customers, f.Variants, len(data.Customers), variants)
	}
	if f.Domain != "demo-store.myshopify.com" || f.TimeZone == "" || f.Currency == "" {
		t.Errorf("shop facts %+v", f)
	}
	if !f.HasScope("read_inventory_purchase_orders") || !f.HasScope("read_orders") {
		t.Errorf("scopes %v", f.Scopes)
	}
	if len(f.Gateways) == 0 {
		t.Error("no gateways")
	}
	for _, g := range f.Gateways {
		if !gateways[g] {
			t.Errorf("gateway %q not in any order", g)
		}
	}
	vs, err := c.ProductVendors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != len(vendors) || !sort.StringsAreSorted(vs) {
		t.Errorf("vendors %v, want the %d distinct ones", vs, len(vendors))
	}
}

// A token without read_inventory_purchase_orders sees it missing from its
// scopes; without read_customers the whole read is refused with the scope named.
func TestSimulatorSetupFactsScopes(t *testing.T) {
	_, url := startSim(t, shopifysim.Options{Seed: 3, Orders: 5, Days: 2,
		Scopes: []string{"read_orders", "read_products", "read_customers", "read_locations"}})
	f, err := simClient(t, url, "shpat_sim").SetupFacts(context.Background(), time.Now().AddDate(0, 0, -90))
	if err != nil {
		t.Fatal(err)
	}
	if f.HasScope("read_inventory_purchase_orders") || !f.HasScope("read_orders") {
		t.Errorf("scopes %v", f.Scopes)
	}
	_, url = startSim(t, shopifysim.Options{Seed: 3, Orders: 5, Days: 2, Scopes: []string{"read_orders", "read_products"}})
	_, err = simClient(t, url, "shpat_sim").SetupFacts(context.Background(), time.Now().AddDate(0, 0, -90))
	var denied *shopify.AccessDeniedError
	if !errors.As(err, &denied) {
		t.Fatalf("without read_customers: %v, want an access-denied error", err)
	}
}
