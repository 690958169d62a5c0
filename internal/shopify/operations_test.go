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
	schema := loadSchema(t, schemaVersion(op))
	doc, errs := gqlparser.LoadQuery(schema, op.Query)
	if errs != nil {
		t.Fatal(errs)
	}
	vars := map[string]int{"first": op.PageSize}
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
		if cost >= 1000 {
			t.Errorf("%s: estimated requested cost %d at page size %d is over Shopify's 1000-point cap", op.Name, cost, op.PageSize)
		}
	}
}
