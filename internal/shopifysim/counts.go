package shopifysim

import (
	"sort"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"
)

// The count fields (ordersCount, customersCount, productVariantsCount) as
// the 2026-10 schema documents them: limit defaults to 10,000 and null
// lifts it; a count that reaches the limit is answered as the limit with
// precision AT_LEAST. ordersCount honours its query and the 60-day window
// of an app without read_all_orders, exactly like orders does.
const defaultCountLimit = 10000

func (e *executor) count(f *ast.Field, args map[string]any, path []any, src *rootList) any {
	var filter *searchNode
	query := strArg(args, "query")
	if query != "" {
		var err error
		if filter, err = parseSearch(query); err != nil {
			e.addError(f, path, err.Error(), "BAD_REQUEST", nil)
			return nil
		}
	}
	n := len(e.listingFor(src, query, filter, "", false).items)
	limit := defaultCountLimit
	if v, present := args["limit"]; present {
		if v == nil {
			limit = -1
		} else if l, ok := intArg(args, "limit"); ok {
			limit = l
		}
	}
	precision := "EXACT"
	if limit >= 0 && n >= limit {
		n, precision = limit, "AT_LEAST"
	}
	return map[string]any{"count": n, "precision": precision}
}

// appInstallation is currentAppInstallation: the scopes the token holds.
func (e *executor) appInstallation() any {
	scopes := make([]string, 0, len(e.granted))
	for s := range e.granted {
		scopes = append(scopes, s)
	}
	sort.Strings(scopes)
	list := make([]any, len(scopes))
	for i, s := range scopes {
		list[i] = map[string]any{"handle": s}
	}
	return map[string]any{"id": "gid://shopify/AppInstallation/1", "accessScopes": list}
}

// productVendors is the StringConnection of distinct product vendors, in
// name order. Each node is a string; it is carried as an object with an id
// so the connection can page it with cursors like any other list.
func (e *executor) productVendors() any {
	seen := map[string]bool{}
	var names []string
	for _, p := range e.tr.products {
		m, ok := objectOf(p)
		if !ok {
			continue
		}
		if v := str(m["vendor"]); v != "" && !seen[v] {
			seen[v] = true
			names = append(names, v)
		}
	}
	sort.Strings(names)
	items := make([]any, len(names))
	for i, n := range names {
		items[i] = map[string]any{"id": "gid://shopify/ProductVendor/" + strconv.Itoa(i+1), scalarNode: n}
	}
	return &rootList{field: "productVendors", items: items}
}

// scalarNode marks a list entry that stands for a scalar node.
const scalarNode = "__scalar"
