package shopifysim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/shopqb/shopqb/internal/shopify"
)

// fixtureKinds are the folders a fixtures directory may hold, with the GID
// type used when a file has no "id".
var fixtureKinds = []struct{ dir, gidType string }{
	{"locations", "Location"}, {"customers", "Customer"}, {"products", "Product"},
	{"orders", "Order"}, {"payouts", "ShopifyPaymentsPayout"}, {"purchase_orders", "InventoryPurchaseOrder"},
}

// applyFixtures reads dir/<kind>/*.json (format in FIXTURES.md) and replaces
// the generated object with the same id or adds the object. A bad file stops
// the simulator with the file named, so a fixture is never silently dropped.
func applyFixtures(d *Data, dir string) error {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("fixtures: %q is not a readable folder: %v", dir, err)
	}
	for _, k := range fixtureKinds {
		files, err := filepath.Glob(filepath.Join(dir, k.dir, "*.json"))
		if err != nil {
			return fmt.Errorf("fixtures %s: %w", k.dir, err)
		}
		sort.Strings(files)
		for _, path := range files {
			if err := applyFixture(d, k.dir, k.gidType, path); err != nil {
				rel, _ := filepath.Rel(dir, path)
				return fmt.Errorf("fixture %s: %w", rel, err)
			}
		}
	}
	// Catch misspelt folders rather than ignoring them.
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("fixtures: %w", err)
	}
	for _, e := range entries {
		known := false
		for _, k := range fixtureKinds {
			known = known || e.Name() == k.dir
		}
		if e.IsDir() && !known {
			return fmt.Errorf("fixtures: unknown folder %q (expected one of locations, customers, products, orders, payouts, purchase_orders)", e.Name())
		}
	}
	return nil
}

func applyFixture(d *Data, kind, gidType, path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	obj, ok := flattenConnections(tree).(map[string]any)
	if !ok {
		return errors.New("the file must hold one JSON object")
	}
	if inner, ok := obj["data"].(map[string]any); ok && len(obj) <= 2 {
		// A whole GraphQL response pasted in: take the single root object.
		for _, v := range inner {
			if m, ok := v.(map[string]any); ok {
				obj = m
			}
		}
	}
	if _, ok := obj["id"]; !ok {
		base := strings.TrimSuffix(filepath.Base(path), ".json")
		obj["id"] = "gid://shopify/" + gidType + "/" + base
	}
	norm, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	strict := func(v any) error {
		dec := json.NewDecoder(bytes.NewReader(norm))
		return dec.Decode(v)
	}
	switch kind {
	case "orders":
		var o shopify.Order
		if err := strict(&o); err != nil {
			return err
		}
		upsert(&d.Orders, o, func(x shopify.Order) string { return x.ID })
	case "customers":
		var c shopify.Customer
		if err := strict(&c); err != nil {
			return err
		}
		upsert(&d.Customers, c, func(x shopify.Customer) string { return x.ID })
	case "products":
		var p shopify.Product
		if err := strict(&p); err != nil {
			return err
		}
		upsert(&d.Products, p, func(x shopify.Product) string { return x.ID })
	case "locations":
		var l shopify.Location
		if err := strict(&l); err != nil {
			return err
		}
		upsert(&d.Locations, l, func(x shopify.Location) string { return x.ID })
	case "payouts":
		var p shopify.Payout
		if err := strict(&p); err != nil {
			return err
		}
		upsert(&d.Payouts, p, func(x shopify.Payout) string { return x.ID })
	case "purchase_orders":
		var p shopify.PurchaseOrder
		if err := strict(&p); err != nil {
			return err
		}
		if p.Source == "" {
			p.Source = "shopify"
		}
		upsert(&d.PurchaseOrders, p, func(x shopify.PurchaseOrder) string { return x.ID })
	}
	return nil
}

func upsert[T any](list *[]T, v T, id func(T) string) {
	for i := range *list {
		if id((*list)[i]) == id(v) {
			(*list)[i] = v
			return
		}
	}
	*list = append(*list, v)
}

// decimalTextFields are schema Floats (tax rates) that the model holds as
// decimal text; a pasted response has them as JSON numbers.
var decimalTextFields = map[string]bool{"rate": true, "ratePercentage": true}

// flattenConnections turns {edges:[{node}]} and {nodes:[…]} (with or
// without pageInfo) into plain arrays, the shape the model types hold.
func flattenConnections(v any) any {
	switch x := v.(type) {
	case []any:
		for i := range x {
			x[i] = flattenConnections(x[i])
		}
		return x
	case map[string]any:
		onlyConn := len(x) > 0
		for k := range x {
			if k != "edges" && k != "nodes" && k != "pageInfo" {
				onlyConn = false
			}
		}
		if onlyConn {
			if nodes, ok := x["nodes"].([]any); ok {
				return flattenConnections(nodes)
			}
			if edges, ok := x["edges"].([]any); ok {
				out := make([]any, 0, len(edges))
				for _, e := range edges {
					if em, ok := e.(map[string]any); ok {
						out = append(out, flattenConnections(em["node"]))
					}
				}
				return out
			}
		}
		for k := range x {
			if n, ok := x[k].(json.Number); ok && decimalTextFields[k] {
				x[k] = n.String() // keep the digits exactly as Shopify sent them
				continue
			}
			x[k] = flattenConnections(x[k])
		}
		return x
	}
	return v
}
