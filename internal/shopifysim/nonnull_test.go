package shopifysim

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/testenv"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// modelTypes are the schema types the simulator holds data for, with the
// internal/shopify type holding it. A non-null field the model holds must
// come from the data, never be made up by the executor: a made-up value
// (an empty id, a zero line item) is how TipSale.lineItem went unnoticed.
var modelTypes = map[string]any{
	"Order": shopify.Order{}, "LineItem": shopify.LineItem{}, "Customer": shopify.Customer{},
	"Location": shopify.Location{}, "Product": shopify.Product{}, "ProductVariant": shopify.ProductVariant{},
	"InventoryItem": shopify.InventoryItem{}, "Refund": shopify.Refund{}, "RefundLineItem": shopify.RefundLineItem{},
	"RefundShippingLine": shopify.RefundShippingLine{}, "OrderAdjustment": shopify.OrderAdjustment{},
	"OrderTransaction": shopify.OrderTransaction{}, "TransactionFee": shopify.TransactionFee{},
	"TaxLine": shopify.TaxLine{}, "ShippingLine": shopify.ShippingLine{}, "DiscountAllocation": shopify.DiscountAllocation{},
	"MoneyBag": shopify.MoneyBag{}, "MoneyV2": shopify.Money{}, "Shop": shopify.Shop{},
	"ShopifyPaymentsPayout": shopify.Payout{}, "ShopifyPaymentsBalanceTransaction": shopify.BalanceTransaction{},
	"CashRoundingAdjustment": shopify.CashRounding{}, "SaleTax": shopify.SaleTax{},
	"OrderAgreement": shopify.SalesAgreement{}, "OrderEditAgreement": shopify.SalesAgreement{},
	"RefundAgreement": shopify.SalesAgreement{}, "ReturnAgreement": shopify.SalesAgreement{},
	"ProductSale": shopify.Sale{}, "TipSale": shopify.Sale{}, "GiftCardSale": shopify.Sale{},
	"ShippingLineSale": shopify.Sale{}, "AdjustmentSale": shopify.Sale{},
	"DiscountCodeApplication": shopify.DiscountApplication{}, "AutomaticDiscountApplication": shopify.DiscountApplication{},
	"ManualDiscountApplication": shopify.DiscountApplication{}, "ScriptDiscountApplication": shopify.DiscountApplication{},
	"MailingAddress": shopify.Address{}, "CustomerEmailAddress": shopify.Email{}, "CustomerPhoneNumber": shopify.Phone{},
}

// modelHolds says whether the Go type for a schema type has a JSON field of that name.
func modelHolds(typeName, field string) bool {
	v, ok := modelTypes[typeName]
	if !ok {
		return false
	}
	rt := reflect.TypeOf(v)
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if name == field {
			return true
		}
	}
	return false
}

// selectionBuilder writes a selection of every field of a type, walking the
// schema: scalars and enums always; objects the model holds in full (never
// a type twice on one path); other objects by __typename, which is enough to
// see whether the field itself is served non-null.
type selectionBuilder struct{ schema *ast.Schema }

// maxDepth bounds how many held objects deep a selection goes: an order's
// agreement's sale's line item's variant is five.
const maxDepth = 5

// fields selects the fields of typeName. Inside an inline fragment (alias
// true) each field is aliased <Type>__<field>: fields of one name on the
// possible types of an interface may differ in type (String against
// String!), which GraphQL refuses to merge under one response key.
func (b selectionBuilder) fields(typeName string, path map[string]bool, only func(*ast.FieldDefinition) bool, alias bool) string {
	def := b.schema.Types[typeName]
	var parts []string
	for _, fd := range def.Fields {
		if strings.HasPrefix(fd.Name, "__") || (only != nil && !only(fd)) {
			continue
		}
		args, ok := b.args(fd)
		if !ok {
			continue // needs an argument no test can pick
		}
		name := fd.Name
		if alias {
			name = typeName + "__" + fd.Name + ": " + fd.Name
		}
		target := b.schema.Types[fd.Type.Name()]
		switch target.Kind {
		case ast.Scalar, ast.Enum:
			parts = append(parts, name+args)
		default:
			parts = append(parts, name+args+" { "+b.object(target, path)+" }")
		}
	}
	return strings.Join(parts, " ")
}

func (b selectionBuilder) args(fd *ast.FieldDefinition) (string, bool) {
	var out []string
	for _, a := range fd.Arguments {
		if a.Name == "first" {
			out = append(out, "first: 10")
			continue
		}
		if a.Type.NonNull && a.DefaultValue == nil {
			return "", false
		}
	}
	if len(out) == 0 {
		return "", true
	}
	return "(" + strings.Join(out, ", ") + ")", true
}

func (b selectionBuilder) object(def *ast.Definition, path map[string]bool) string {
	if def.Kind == ast.Object && strings.HasSuffix(def.Name, "Connection") && def.Fields.ForName("nodes") != nil {
		node := b.schema.Types[def.Fields.ForName("nodes").Type.Name()]
		if node.Kind == ast.Scalar || node.Kind == ast.Enum {
			return "nodes"
		}
		return "nodes { " + b.object(node, path) + " }"
	}
	full := func(name string, alias bool) string {
		if _, ok := modelTypes[name]; !ok || path[name] || len(path) >= maxDepth {
			return ""
		}
		inner := map[string]bool{name: true}
		for k := range path {
			inner[k] = true
		}
		return b.fields(name, inner, nil, alias)
	}
	if def.Kind == ast.Object {
		if s := full(def.Name, false); s != "" {
			return "__typename " + s
		}
		return "__typename"
	}
	sel := "__typename"
	for _, p := range b.schema.GetPossibleTypes(def) {
		if s := full(p.Name, true); s != "" {
			sel += " ... on " + p.Name + " { " + s + " }"
		}
	}
	return sel
}

// nonNullChecker walks a response against the schema.
type nonNullChecker struct {
	schema *ast.Schema
	errs   []string
}

func (c *nonNullChecker) value(t *ast.Type, v any, path string) {
	if v == nil {
		if t.NonNull {
			c.errs = append(c.errs, path+" is null but the schema says "+t.String())
		}
		return
	}
	if t.Elem != nil {
		list, _ := v.([]any)
		for i, x := range list {
			c.value(t.Elem, x, fmt.Sprintf("%s[%d]", path, i))
		}
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	def := c.schema.Types[t.NamedType]
	if tn, ok := m["__typename"].(string); ok && c.schema.Types[tn] != nil {
		def = c.schema.Types[tn]
	}
	for k, x := range m {
		if k == "__typename" {
			continue
		}
		if _, field, aliased := strings.Cut(k, "__"); aliased {
			k = field
		}
		if fd := def.Fields.ForName(k); fd != nil {
			c.value(fd.Type, x, path+"."+k)
		}
	}
}

// TestServedNonNullFieldsAreNonNull asks the simulator for every field of
// every object it serves (orders with their lines, tips, refunds, edits and
// agreements; customers, products, variants, inventory items, locations,
// the shop, payouts and their balance transactions), walking the 2026-10
// schema, and checks that each non-null field is served non-null and that no
// non-null field the model holds was made up for want of data.
func TestServedNonNullFieldsAreNonNull(t *testing.T) {
	ts := newTestSim(t, nil)
	schema, err := loadSchemaFile(testenv.ShopifySchema(t, "2026-10"))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	madeUp := map[string]int{}
	ts.Sim.mu.Lock()
	ts.Sim.onMadeUp = func(typeName, field string) {
		mu.Lock()
		madeUp[typeName+"."+field]++
		mu.Unlock()
	}
	ts.Sim.mu.Unlock()
	b := selectionBuilder{schema}
	check := &nonNullChecker{schema: schema}
	// The queries ask for far more than Shopify's single-query cost limit
	// allows, so they run on the executor directly, as a bulk operation does.
	run := func(query, root string, rootType *ast.Type) {
		t.Helper()
		doc, errs := gqlparser.LoadQuery(schema, query)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", truncateForLog(query), errs)
		}
		ts.Sim.mu.Lock()
		tr, err := ts.Sim.treesLocked()
		if err != nil {
			ts.Sim.mu.Unlock()
			t.Fatal(err)
		}
		e := &executor{sim: ts.Sim, schema: schema, vars: map[string]any{}, tr: tr, now: ts.clock.Now(), granted: map[string]bool{}, version: "2026-10"}
		for _, sc := range ts.Sim.grantedScopes() {
			e.granted[sc] = true
		}
		out := e.run(doc.Operations[0])
		ts.Sim.mu.Unlock()
		if len(e.errs) > 0 {
			t.Fatalf("%s: %+v", truncateForLog(query), e.errs)
		}
		raw, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		var data map[string]any
		if err := json.Unmarshal(raw, &data); err != nil {
			t.Fatal(err)
		}
		check.value(rootType, data[root], root)
	}
	// Orders, one query per field of Order so each stays under the cost limit.
	d := ts.Sim.Data()
	var picked []shopify.Order
	tips, refunds, edits := 0, 0, 0
	for i, o := range d.Orders {
		hasTip, hasEdit := false, false
		for _, li := range o.LineItems {
			hasTip = hasTip || isTipLine(li)
		}
		for _, a := range o.Agreements {
			hasEdit = hasEdit || a.Reason == "ORDER_EDIT"
		}
		if i < 3 || (hasTip && tips < 4) || (len(o.Refunds) > 0 && refunds < 4) || (hasEdit && edits < 3) {
			picked = append(picked, o)
			if hasTip {
				tips++
			}
			if len(o.Refunds) > 0 {
				refunds++
			}
			if hasEdit {
				edits++
			}
		}
	}
	if tips == 0 || refunds == 0 || edits == 0 {
		t.Fatalf("the generated shop lacks tips (%d), refunds (%d) or edits (%d) to check", tips, refunds, edits)
	}
	orderType := &ast.Type{NamedType: "Order"}
	scalar := func(fd *ast.FieldDefinition) bool {
		k := schema.Types[fd.Type.Name()].Kind
		return k == ast.Scalar || k == ast.Enum
	}
	for _, o := range picked {
		root := fmt.Sprintf(`order(id: %q)`, o.ID)
		run("{ order: "+root+" { __typename "+b.fields("Order", map[string]bool{"Order": true}, scalar, false)+" } }", "order", orderType)
		for _, fd := range schema.Types["Order"].Fields {
			if scalar(fd) || strings.HasPrefix(fd.Name, "__") {
				continue
			}
			sel := b.fields("Order", map[string]bool{"Order": true}, func(f *ast.FieldDefinition) bool { return f == fd }, false)
			if sel == "" {
				continue
			}
			run("{ order: "+root+" { "+sel+" } }", "order", orderType)
		}
	}
	for _, root := range []struct{ field, typ string }{
		{"customers(first: 3)", "Customer"}, {"products(first: 3)", "Product"}, {"productVariants(first: 3)", "ProductVariant"},
		{"inventoryItems(first: 3)", "InventoryItem"}, {"locations(first: 3)", "Location"},
	} {
		name, _, _ := strings.Cut(root.field, "(")
		run("{ "+name+": "+root.field+" { nodes { "+b.object(schema.Types[root.typ], nil)+" } } }", name,
			&ast.Type{NamedType: root.typ + "Connection"})
	}
	run("{ shop { "+b.object(schema.Types["Shop"], nil)+" } }", "shop", &ast.Type{NamedType: "Shop"})
	for _, f := range []string{"payouts", "balanceTransactions"} {
		typ := map[string]string{"payouts": "ShopifyPaymentsPayout", "balanceTransactions": "ShopifyPaymentsBalanceTransaction"}[f]
		run("{ shopifyPaymentsAccount { id "+f+"(first: 3) { nodes { "+b.object(schema.Types[typ], nil)+" } } } }",
			"shopifyPaymentsAccount", &ast.Type{NamedType: "ShopifyPaymentsAccount"})
	}
	for _, e := range check.errs {
		t.Error(e)
	}
	var held []string
	for k, n := range madeUp {
		typ, field, _ := strings.Cut(k, ".")
		if modelHolds(typ, field) {
			held = append(held, fmt.Sprintf("%s (%d times)", k, n))
		}
	}
	sort.Strings(held)
	for _, k := range held {
		t.Errorf("non-null %s is held by the model but the data had none: the executor made a value up", k)
	}
}

func truncateForLog(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
