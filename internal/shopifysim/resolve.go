package shopifysim

import (
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// accessDenied records Shopify's ACCESS_DENIED error for a field.
func (e *executor) accessDenied(f *ast.Field, path []any, need []string) {
	req := requiredAccessText(need)
	e.addError(f, path, "Access denied for "+f.Name+" field. Required access: "+req, "ACCESS_DENIED",
		map[string]any{"documentation": "https://shopify.dev/api/usage/access-scopes", "requiredAccess": req})
}

func (e *executor) rootField(root *ast.Definition, g *fieldGroup, mutation bool) any {
	f := g.fields[0]
	if f.Name == "__typename" {
		return root.Name
	}
	fd := root.Fields.ForName(f.Name)
	if fd == nil {
		return nil
	}
	path := []any{g.key}
	if need := rootScopes[f.Name]; need != nil && !e.hasAny(need) {
		e.accessDenied(f, path, need)
		return nil
	}
	args := f.ArgumentMap(e.vars)
	var v any
	if mutation {
		v = e.mutate(f, args, path)
	} else {
		v = e.query(f, args, path)
	}
	return e.complete(fd.Type, v, g.fields, path)
}

// byIDOf returns the object with the GID if it has the expected type.
func (e *executor) byIDOf(id any, typ string) any {
	s, _ := id.(string)
	if gidType(s) != typ {
		return nil
	}
	if m, ok := e.tr.byID[s]; ok {
		return m
	}
	return nil
}

// node resolves any GID, refusing types the token may not read.
func (e *executor) node(id string, f *ast.Field, path []any) any {
	typ := gidType(id)
	if need := typeScopes[typ]; need != nil && !e.hasAny(need) {
		e.accessDenied(f, path, need)
		return nil
	}
	if typ == "BulkOperation" {
		if op := e.sim.bulkByID(id); op != nil {
			return e.sim.bulkTree(op, e.now)
		}
		return nil
	}
	if m, ok := e.tr.byID[id]; ok {
		return m
	}
	return nil
}

func (e *executor) query(f *ast.Field, args map[string]any, path []any) any {
	switch f.Name {
	case "__schema":
		return introspect(e.schema).schema
	case "__type":
		name, _ := args["name"].(string)
		if t := introspect(e.schema).types[name]; t != nil {
			return t
		}
		return nil
	case "shop":
		return e.tr.shop
	case "orders":
		l := &rootList{field: "orders", items: e.tr.orders}
		if !e.granted["read_all_orders"] {
			l.visibleFrom = e.now.Add(-ordersWindow)
		}
		return l
	case "customers":
		return &rootList{field: "customers", items: e.tr.customers}
	case "products":
		return &rootList{field: "products", items: e.tr.products}
	case "productVariants":
		return &rootList{field: "productVariants", items: e.tr.variants}
	case "inventoryItems":
		return &rootList{field: "inventoryItems", items: e.tr.inventoryItems}
	case "locations":
		return &rootList{field: "locations", items: e.tr.locations}
	case "inventoryPurchaseOrders":
		return &rootList{field: "inventoryPurchaseOrders", items: e.tr.purchaseOrders}
	case "shopifyPaymentsAccount":
		return e.tr.account
	case "ordersCount":
		l := &rootList{field: "orders", items: e.tr.orders}
		if !e.granted["read_all_orders"] {
			l.visibleFrom = e.now.Add(-ordersWindow)
		}
		return e.count(f, args, path, l)
	case "customersCount":
		return e.count(f, args, path, &rootList{field: "customers", items: e.tr.customers})
	case "productVariantsCount":
		return e.count(f, args, path, &rootList{field: "productVariants", items: e.tr.variants})
	case "productVendors":
		return e.productVendors()
	case "currentAppInstallation":
		return e.appInstallation()
	case "order":
		if o := e.byIDOf(args["id"], "Order"); o != nil && len(e.visibleOrders([]any{o})) == 1 {
			return o
		}
		return nil
	case "refund":
		return e.byIDOf(args["id"], "Refund")
	case "customer":
		return e.byIDOf(args["id"], "Customer")
	case "product":
		return e.byIDOf(args["id"], "Product")
	case "productVariant":
		return e.byIDOf(args["id"], "ProductVariant")
	case "inventoryItem":
		return e.byIDOf(args["id"], "InventoryItem")
	case "location":
		return e.byIDOf(args["id"], "Location")
	case "inventoryPurchaseOrder":
		return e.byIDOf(args["id"], "InventoryPurchaseOrder")
	case "node":
		id, _ := args["id"].(string)
		return e.node(id, f, path)
	case "nodes":
		ids, _ := args["ids"].([]any)
		out := make([]any, len(ids))
		for i, id := range ids {
			s, _ := id.(string)
			out[i] = e.node(s, f, appendPath(path, i))
		}
		return out
	case "bulkOperation":
		id, _ := args["id"].(string)
		if op := e.sim.bulkByID(id); op != nil {
			return e.sim.bulkTree(op, e.now)
		}
		return nil
	case "currentBulkOperation":
		if op := e.sim.currentBulk(); op != nil {
			return e.sim.bulkTree(op, e.now)
		}
		return nil
	case "bulkOperations":
		return e.sim.bulkTrees(e.now)
	}
	return nil
}

func (e *executor) mutate(f *ast.Field, args map[string]any, path []any) any {
	switch f.Name {
	case "bulkOperationRunQuery":
		return e.runBulk(args)
	}
	e.addError(f, path, "The Shopify simulator does not implement the mutation "+f.Name+"; it serves reads and bulk queries.",
		"NOT_IMPLEMENTED_IN_SIMULATOR", nil)
	return nil
}

// ordersWindow is how far back an app sees orders without read_all_orders.
const ordersWindow = 60 * 24 * time.Hour

// visibleOrders applies Shopify's default 60-day window: without the
// read_all_orders scope, older orders (by createdAt) are not returned.
func (e *executor) visibleOrders(orders []any) []any {
	if e.granted["read_all_orders"] {
		return orders
	}
	cutoff := e.now.Add(-ordersWindow)
	out := make([]any, 0, len(orders))
	for _, o := range orders {
		created, err := time.Parse(time.RFC3339Nano, createdAtOf(o))
		if err == nil && created.Before(cutoff) {
			continue
		}
		out = append(out, o)
	}
	return out
}

// createdAtOf reads createdAt from a decoded or a lazy document.
func createdAtOf(o any) string {
	switch x := o.(type) {
	case *lazyDoc:
		return x.known["createdAt"]
	case map[string]any:
		return str(x["createdAt"])
	}
	return ""
}
