package shopifysim

import (
	"sort"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
)

// introspection serves __schema and __type from the loaded schema, so
// GraphiQL-style tools work against the simulator. The trees are built once
// per schema on first use; named types are shared maps, so type references
// (ofType, interfaces, possibleTypes) are cycles the executor walks only as
// far as the query selects.
type introspection struct {
	schema map[string]any
	types  map[string]map[string]any
}

var (
	introspectionMu    sync.Mutex
	introspectionCache = map[*ast.Schema]*introspection{}
)

func introspect(s *ast.Schema) *introspection {
	introspectionMu.Lock()
	defer introspectionMu.Unlock()
	if in := introspectionCache[s]; in != nil {
		return in
	}
	in := &introspection{types: map[string]map[string]any{}}
	names := make([]string, 0, len(s.Types))
	for n := range s.Types {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		in.types[n] = map[string]any{"name": n}
	}
	typeRef := func(t *ast.Type) map[string]any { return in.ref(t) }
	inputValue := func(name, desc string, t *ast.Type, def *ast.Value, dirs ast.DirectiveList) map[string]any {
		m := map[string]any{"name": name, "description": nilIfEmpty(desc), "type": typeRef(t)}
		if def != nil {
			m["defaultValue"] = def.String()
		}
		deprecation(m, dirs)
		return m
	}
	var all []any
	for _, n := range names {
		def := s.Types[n]
		m := in.types[n]
		m["kind"] = string(def.Kind)
		m["description"] = nilIfEmpty(def.Description)
		switch def.Kind {
		case ast.Object, ast.Interface:
			var fields []any
			for _, f := range def.Fields {
				if strings.HasPrefix(f.Name, "__") {
					continue
				}
				var args []any
				for _, a := range f.Arguments {
					args = append(args, inputValue(a.Name, a.Description, a.Type, a.DefaultValue, a.Directives))
				}
				fm := map[string]any{"name": f.Name, "description": nilIfEmpty(f.Description), "args": orEmpty(args), "type": typeRef(f.Type)}
				deprecation(fm, f.Directives)
				fields = append(fields, fm)
			}
			m["fields"] = orEmpty(fields)
			var ifaces []any
			for _, i := range def.Interfaces {
				if t := in.types[i]; t != nil {
					ifaces = append(ifaces, t)
				}
			}
			m["interfaces"] = orEmpty(ifaces)
		case ast.Enum:
			var vals []any
			for _, v := range def.EnumValues {
				vm := map[string]any{"name": v.Name, "description": nilIfEmpty(v.Description)}
				deprecation(vm, v.Directives)
				vals = append(vals, vm)
			}
			m["enumValues"] = orEmpty(vals)
		case ast.InputObject:
			var vals []any
			for _, f := range def.Fields {
				vals = append(vals, inputValue(f.Name, f.Description, f.Type, f.DefaultValue, f.Directives))
			}
			m["inputFields"] = orEmpty(vals)
		}
		if def.Kind == ast.Interface || def.Kind == ast.Union {
			var pts []any
			for _, p := range s.GetPossibleTypes(def) {
				pts = append(pts, in.types[p.Name])
			}
			m["possibleTypes"] = orEmpty(pts)
		}
		all = append(all, m)
	}
	var dirs []any
	dnames := make([]string, 0, len(s.Directives))
	for n := range s.Directives {
		dnames = append(dnames, n)
	}
	sort.Strings(dnames)
	for _, n := range dnames {
		d := s.Directives[n]
		var locs, args []any
		for _, l := range d.Locations {
			locs = append(locs, string(l))
		}
		for _, a := range d.Arguments {
			args = append(args, inputValue(a.Name, a.Description, a.Type, a.DefaultValue, a.Directives))
		}
		dirs = append(dirs, map[string]any{"name": n, "description": nilIfEmpty(d.Description), "locations": orEmpty(locs),
			"args": orEmpty(args), "isRepeatable": d.IsRepeatable})
	}
	in.schema = map[string]any{"types": all, "directives": orEmpty(dirs)}
	if s.Query != nil {
		in.schema["queryType"] = in.types[s.Query.Name]
	}
	if s.Mutation != nil {
		in.schema["mutationType"] = in.types[s.Mutation.Name]
	}
	if s.Subscription != nil {
		in.schema["subscriptionType"] = in.types[s.Subscription.Name]
	}
	introspectionCache[s] = in
	return in
}

// ref renders a type reference: NON_NULL and LIST wrappers around the
// shared named type.
func (in *introspection) ref(t *ast.Type) map[string]any {
	if t.NonNull {
		inner := *t
		inner.NonNull = false
		return map[string]any{"kind": "NON_NULL", "ofType": in.ref(&inner)}
	}
	if t.Elem != nil {
		return map[string]any{"kind": "LIST", "ofType": in.ref(t.Elem)}
	}
	return in.types[t.NamedType]
}

func deprecation(m map[string]any, dirs ast.DirectiveList) {
	m["isDeprecated"] = false
	if d := dirs.ForName("deprecated"); d != nil {
		m["isDeprecated"] = true
		reason := "No longer supported"
		if a := d.Arguments.ForName("reason"); a != nil && a.Value != nil {
			reason = a.Value.Raw
		}
		m["deprecationReason"] = reason
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func orEmpty(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}
