package shopify

import (
	"strconv"
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/testenv"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// loadSchema reads a shared Admin API schema once per test binary.
func loadSchema(t *testing.T, version string) *ast.Schema { return testenv.GraphQLSchema(t, version) }

func schemaVersion(op *Operation) string {
	if op.APIVersion != "" {
		return op.APIVersion
	}
	return DefaultAPIVersion
}

func TestOperationsValidateAgainstSchema(t *testing.T) {
	for _, op := range Operations() {
		t.Run(op.Name, func(t *testing.T) {
			schema := loadSchema(t, schemaVersion(op))
			doc, errs := gqlparser.LoadQuery(schema, op.Query)
			if errs != nil {
				t.Fatalf("%s does not validate against %s: %v\n%s", op.Name, schemaVersion(op), errs, op.Query)
			}
			if len(doc.Operations) != 1 || doc.Operations[0].Name != op.Name {
				t.Fatalf("%s: want one operation named %s", op.Name, op.Name)
			}
		})
	}
}

// A wrong field must be rejected, or the validation above proves nothing.
func TestSchemaValidationRejectsUnknownField(t *testing.T) {
	schema := loadSchema(t, DefaultAPIVersion)
	bad := strings.Replace(OpOrders.Query, "sourceIdentifier", "receiptNumber", 1)
	if _, errs := gqlparser.LoadQuery(schema, bad); errs == nil {
		t.Fatal("an unknown Order field validated")
	}
	// Purchase orders are not in the stored 2026-10 schema: they must be sent to unstable.
	if _, errs := gqlparser.LoadQuery(schema, OpPurchaseOrders.Query); errs == nil {
		t.Fatal("purchase orders validated against 2026-10; pin them elsewhere only if needed")
	}
}

// estimateCost follows Shopify's published cost rules for the requested
// cost: scalars and enums 0, objects 1, connections 2 + first × the cost
// of one node, lists bounded by first cost first × one element.
func estimateCost(t *testing.T, op *Operation) int {
	t.Helper()
	vars := map[string]int{"first": op.PageSize}
	switch op {
	case OpRefundsByID, OpRefundNoShipping: // one refund of a batch, at the smallest firsts
		vars = map[string]int{"lines": 1, "shipping": 1, "transactions": 1}
	case OpOrderEditSales: // a full batch at one sale per edit
		vars = map[string]int{"first": editBatchSize(1), "sales": 1}
	}
	return estimateCostWith(t, op, vars)
}

// estimateCostWith is estimateCost with the given integer variables; "first"
// is also the number of ids a nodes(ids:) field is sent.
func estimateCostWith(t *testing.T, op *Operation, vars map[string]int) int {
	t.Helper()
	schema := loadSchema(t, schemaVersion(op))
	doc, errs := gqlparser.LoadQuery(schema, op.Query)
	if errs != nil {
		t.Fatalf("%v\n%s", errs, op.Query)
	}
	o := doc.Operations[0]
	base := 0
	if o.Operation == ast.Mutation {
		base = 10
	}
	return base + selectionCost(t, schema, o.SelectionSet, vars)
}

func selectionCost(t *testing.T, schema *ast.Schema, set ast.SelectionSet, vars map[string]int) int {
	total := 0
	// Inline fragments on different concrete types cannot all apply to one
	// object: take the most expensive branch.
	branch := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			total += fieldCost(t, schema, s, vars)
		case *ast.FragmentSpread:
			total += selectionCost(t, schema, s.Definition.SelectionSet, vars)
		case *ast.InlineFragment:
			branch = max(branch, selectionCost(t, schema, s.SelectionSet, vars))
		}
	}
	return total + branch
}

func fieldCost(t *testing.T, schema *ast.Schema, f *ast.Field, vars map[string]int) int {
	if f.Definition == nil {
		return 0
	}
	typ := f.Definition.Type
	named := schema.Types[typ.Name()]
	if named == nil || named.Kind == ast.Scalar || named.Kind == ast.Enum {
		return 0
	}
	first := 1
	if a := f.Arguments.ForName("first"); a != nil {
		switch a.Value.Kind {
		case ast.Variable:
			first = vars[a.Value.Raw]
		case ast.IntValue:
			n, _ := strconv.Atoi(a.Value.Raw)
			first = n
		}
		if first <= 0 {
			t.Fatalf("field %s: $first has no page size", f.Name)
		}
	}
	child := selectionCost(t, schema, f.SelectionSet, vars)
	if a := f.Arguments.ForName("ids"); a != nil && typ.Elem != nil {
		return vars["first"] * (1 + child) // nodes(ids:): PageSize ids, each its object
	}
	if strings.HasSuffix(named.Name, "Connection") {
		// the connection object + pageInfo, then first × (edges/nodes
		// contents): pageInfo is in the 2, not in each node
		nodes := 0
		for _, sel := range f.SelectionSet {
			if s, ok := sel.(*ast.Field); !ok || s.Name != "pageInfo" {
				nodes += selectionCost(t, schema, ast.SelectionSet{sel}, vars)
			}
		}
		return 2 + first*nodes
	}
	if typ.Elem != nil {
		return first * (1 + child)
	}
	return 1 + child
}

func TestOperationCostUnderCap(t *testing.T) {
	for _, op := range Operations() {
		cost := estimateCost(t, op)
		t.Logf("%-28s page %3d  estimated cost %4d", op.Name, op.PageSize, cost)
		if cost > maxQueryCost { // "may not exceed 1000" (reference §2.1)
			t.Errorf("%s: estimated requested cost %d at page size %d is over Shopify's 1000-point cap", op.Name, cost, op.PageSize)
		}
	}
}

// The refunds of a batch are packed by refundNeed.cost: it must be what
// Shopify's rules make of the selection at those firsts, each packed request
// must stay under the cap, and the repeated document must validate.
func TestRefundBatchCost(t *testing.T) {
	var needs []refundNeed
	for _, n := range []refundNeed{{lines: 1, shipping: 1, transactions: 1}, {lines: 4, shipping: 2, transactions: 3}, {lines: 100, shipping: 1, transactions: 1}, {lines: 2, transactions: 1}} {
		want := estimateCostWith(t, n.operation(), map[string]int{"lines": n.lines, "shipping": n.shipping, "transactions": n.transactions})
		if got := n.cost(); got != want {
			t.Errorf("refund at %+v: cost %d, Shopify's rules give %d", n, got, want)
		}
	}
	// An order of 300 refunded lines, 30 shipping lines and 40 refund
	// transactions: its refunds are asked for no more than one request holds.
	big := &Order{Refunds: []Refund{{ID: "gid://shopify/Refund/1"}}}
	for range 300 {
		big.LineItems = append(big.LineItems, LineItem{Quantity: 2, CurrentQuantity: 1})
	}
	for range 30 {
		big.ShippingLines = append(big.ShippingLines, ShippingLine{})
	}
	for range 40 {
		big.Transactions = append(big.Transactions, OrderTransaction{Kind: "REFUND"})
	}
	if n := needOf(big, "gid://shopify/Refund/1"); n.cost() > packedQueryCost || n.cost()+refundLineCost <= packedQueryCost {
		t.Errorf("a refund of a long order asks %+v at cost %d: not the most lines under the cap", n, n.cost())
	}
	for i := range 200 {
		needs = append(needs, refundNeed{id: "gid://shopify/Refund/" + strconv.Itoa(i+1), lines: 1 + i%5, shipping: i % 2, transactions: 1 + i%3})
	}
	batches := refundBatches(needs)
	total := 0
	for i, b := range batches {
		var parts []*Operation
		vars := map[string]int{}
		sum := 0
		for j, n := range b {
			parts = append(parts, n.operation())
			k := "_" + strconv.Itoa(j)
			vars["lines"+k], vars["shipping"+k], vars["transactions"+k] = n.lines, n.shipping, n.transactions
			sum += n.cost()
		}
		op, err := batchOf(OpRefundsByID.Name, "r", parts)
		if err != nil {
			t.Fatal(err)
		}
		cost := estimateCostWith(t, op, vars)
		if cost != sum || cost > packedQueryCost {
			t.Errorf("batch %d of %d refunds: cost %d (packed as %d), packed to %d", i, len(b), cost, sum, packedQueryCost)
		}
		if i < len(batches)-1 && cost+b[0].cost() <= packedQueryCost && cost+needs[total+len(b)].cost() <= packedQueryCost {
			t.Errorf("batch %d of %d refunds costs %d: the next refund would have fit", i, len(b), cost)
		}
		total += len(b)
	}
	if total != len(needs) {
		t.Errorf("batches hold %d refunds of %d", total, len(needs))
	}
}

// OrderEditSales batches are sized by editCost: it must be Shopify's cost of
// one order at that many sales per edit, and a full batch under the cap.
func TestEditBatchCost(t *testing.T) {
	for _, sales := range []int{1, 2, 4, maxSalesPerEdit} {
		one := estimateCostWith(t, OpOrderEditSales, map[string]int{"first": 1, "sales": sales})
		if got := editCost(sales); got != one {
			t.Errorf("%d sales per edit: cost %d, Shopify's rules give %d", sales, got, one)
		}
		n := editBatchSize(sales)
		full := estimateCostWith(t, OpOrderEditSales, map[string]int{"first": n, "sales": sales})
		if full > packedQueryCost || (n < maxPage && full+one <= packedQueryCost) {
			t.Errorf("%d sales per edit: %d orders cost %d; not the most under the cap", sales, n, full)
		}
	}
}
