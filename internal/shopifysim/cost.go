package shopifysim

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Shopify's calculated query cost (reference §2.1): objects cost 1, scalars
// and enums 0, a connection 2 plus first/last times the cost of one node,
// a plain list with first that many times its element; every mutation
// costs 10. A single query may request at most maxQueryCost.
const (
	mutationCost = 10
	maxQueryCost = 1000
)

func (e *executor) requestedCost(op *ast.OperationDefinition) int {
	if op.Operation == ast.Mutation {
		return mutationCost
	}
	return e.selectionCost([]ast.SelectionSet{op.SelectionSet})
}

func (e *executor) selectionCost(sets []ast.SelectionSet) int {
	total := 0
	for _, g := range e.collect("", sets) {
		total += e.fieldCost(g.fields)
	}
	return total
}

func (e *executor) fieldCost(fields []*ast.Field) int {
	f := fields[0]
	if f.Definition == nil || f.Definition.Type == nil {
		return 0
	}
	if strings.HasPrefix(f.Name, "__") {
		return 0 // introspection is free
	}
	t := f.Definition.Type
	def := e.schema.Types[t.Name()]
	if def == nil || def.Kind == ast.Scalar || def.Kind == ast.Enum {
		return 0
	}
	args := f.ArgumentMap(e.vars)
	n, ok := intArg(args, "first")
	if !ok {
		n, ok = intArg(args, "last")
	}
	if isConnection(def) {
		node := 0
		for _, g := range e.collect("", subSets(fields)) {
			switch g.fields[0].Name {
			case "edges":
				for _, eg := range e.collect("", subSets(g.fields)) {
					if eg.fields[0].Name == "node" {
						node = max(node, 1+e.selectionCost(subSets(eg.fields)))
					}
				}
			case "nodes":
				node = max(node, 1+e.selectionCost(subSets(g.fields)))
			}
		}
		return 2 + n*node
	}
	one := 1 + e.selectionCost(subSets(fields))
	if ids, isIDs := args["ids"].([]any); isIDs && t.Elem != nil {
		return len(ids) * one // nodes(ids:) costs each object asked for
	}
	if t.Elem != nil && ok {
		return n * one
	}
	return one
}
