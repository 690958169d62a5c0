package shopifysim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/vektah/gqlparser/v2/ast"
)

// maxPageSize is Shopify's cap on first/last.
const maxPageSize = 250

// gqlError is one entry of a GraphQL response's errors array.
type gqlError struct {
	Message    string         `json:"message"`
	Locations  []errLocation  `json:"locations,omitempty"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

type errLocation struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// executor runs one validated operation over the object trees. It is
// generic: a field is read from the tree by its schema name, a schema
// *Connection over an array is paginated, and anything the data lacks is
// null (or the zero value when the schema says non-null).
type executor struct {
	sim    *Sim
	schema *ast.Schema
	vars   map[string]any
	tr     *trees
	now    time.Time
	bulk   bool // bulk operations read whole connections, unpaginated
	// bulkOut, in a bulk operation, receives the nodes of connections not
	// nested in another connection as they are completed, instead of the
	// connection keeping them; nodeDepth counts the enclosing connections.
	bulkOut   *bulkWriter
	nodeDepth int
	granted   map[string]bool
	baseURL   string
	version   string
	errs      []gqlError
	actual    int
}

type fieldGroup struct {
	key    string
	fields []*ast.Field
}

func (e *executor) run(op *ast.OperationDefinition) *omap {
	root := e.schema.Query
	if op.Operation == ast.Mutation {
		root = e.schema.Mutation
	}
	out := newOmap()
	for _, g := range e.collect(root.Name, []ast.SelectionSet{op.SelectionSet}) {
		out.set(g.key, e.rootField(root, g, op.Operation == ast.Mutation))
	}
	return out
}

func (e *executor) addError(f *ast.Field, path []any, msg, code string, ext map[string]any) {
	ge := gqlError{Message: msg, Path: append([]any(nil), path...)}
	if f != nil && f.Position != nil {
		ge.Locations = []errLocation{{f.Position.Line, f.Position.Column}}
	}
	ge.Extensions = map[string]any{"code": code}
	for k, v := range ext {
		ge.Extensions[k] = v
	}
	e.errs = append(e.errs, ge)
}

// included applies @skip and @include.
func (e *executor) included(dirs ast.DirectiveList) bool {
	if d := dirs.ForName("skip"); d != nil {
		if b, _ := d.ArgumentMap(e.vars)["if"].(bool); b {
			return false
		}
	}
	if d := dirs.ForName("include"); d != nil {
		if b, _ := d.ArgumentMap(e.vars)["if"].(bool); !b {
			return false
		}
	}
	return true
}

// applies reports whether a fragment on cond applies to an object of
// typeName; an empty typeName (cost analysis) accepts every fragment.
func (e *executor) applies(cond, typeName string) bool {
	if cond == "" || typeName == "" || cond == typeName {
		return true
	}
	def := e.schema.Types[cond]
	if def == nil {
		return false
	}
	for _, p := range e.schema.GetPossibleTypes(def) {
		if p.Name == typeName {
			return true
		}
	}
	return false
}

// collect merges the selection sets' fields by response key, expanding the
// fragments that apply to typeName.
func (e *executor) collect(typeName string, sets []ast.SelectionSet) []*fieldGroup {
	var groups []*fieldGroup
	idx := map[string]*fieldGroup{}
	var walk func(ast.SelectionSet)
	walk = func(ss ast.SelectionSet) {
		for _, sel := range ss {
			switch s := sel.(type) {
			case *ast.Field:
				if !e.included(s.Directives) {
					continue
				}
				key := s.Alias
				if key == "" {
					key = s.Name
				}
				g := idx[key]
				if g == nil {
					g = &fieldGroup{key: key}
					idx[key] = g
					groups = append(groups, g)
				}
				g.fields = append(g.fields, s)
			case *ast.InlineFragment:
				if e.included(s.Directives) && e.applies(s.TypeCondition, typeName) {
					walk(s.SelectionSet)
				}
			case *ast.FragmentSpread:
				if s.Definition != nil && e.included(s.Directives) && e.applies(s.Definition.TypeCondition, typeName) {
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	for _, ss := range sets {
		walk(ss)
	}
	return groups
}

func subSets(fields []*ast.Field) []ast.SelectionSet {
	out := make([]ast.SelectionSet, 0, len(fields))
	for _, f := range fields {
		out = append(out, f.SelectionSet)
	}
	return out
}

func appendPath(path []any, k any) []any {
	p := make([]any, len(path), len(path)+1)
	copy(p, path)
	return append(p, k)
}

func (e *executor) selectObject(typeName string, src map[string]any, sets []ast.SelectionSet, path []any) *omap {
	def := e.schema.Types[typeName]
	out := newOmap()
	for _, g := range e.collect(typeName, sets) {
		f := g.fields[0]
		if f.Name == "__typename" {
			out.set(g.key, typeName)
			continue
		}
		var fd *ast.FieldDefinition
		if def != nil {
			fd = def.Fields.ForName(f.Name)
		}
		if fd == nil {
			out.set(g.key, nil)
			continue
		}
		if need := nestedScopes[typeName][f.Name]; need != nil && !e.hasAny(need) {
			e.accessDenied(f, appendPath(path, g.key), need)
			out.set(g.key, nil)
			continue
		}
		v, ok := src[f.Name]
		v = plain(v)
		if !ok {
			v = derivedField(f.Name, src)
		}
		if referenceFields[typeName+"."+f.Name] {
			v = e.resolveReference(v, e.schema.Types[fd.Type.Name()], g.fields)
		}
		if v == nil && fd.Type.NonNull && e.sim != nil && e.sim.onMadeUp != nil && src[madeUp] == nil {
			e.sim.onMadeUp(typeName, f.Name)
		}
		if list, isList := v.([]any); isList && strings.HasPrefix(typeName, "__") {
			v = withoutDeprecated(list, f.ArgumentMap(e.vars))
		}
		out.set(g.key, e.complete(fd.Type, v, g.fields, appendPath(path, g.key)))
	}
	return out
}

// referenceFields hold another object by reference: the model keeps a few
// of its fields (a sale's or a refund line's lineItem keeps the line's id),
// while Shopify serves the object itself. When a query asks for more than
// the reference holds, resolveReference serves the object it names.
var referenceFields = map[string]bool{
	"ProductSale.lineItem": true, "TipSale.lineItem": true, "GiftCardSale.lineItem": true,
	"RefundLineItem.lineItem": true, "LineItem.product": true, "LineItem.variant": true,
	"ProductVariant.product": true, "InventoryItem.variant": true,
}

// resolveReference completes a reference with the object its id names (the
// reference's own fields win, as they are the order's copy); a reference
// that holds every non-null field asked for, or names nothing served, is
// kept as is. Only a missing non-null field resolves it: resolving decodes
// the order holding the object, too dear for every line an order read asks for.
func (e *executor) resolveReference(v any, def *ast.Definition, fields []*ast.Field) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	id := str(plain(m["id"]))
	full, ok := e.tr.byID[id]
	if id == "" || !ok {
		return v
	}
	missing := false
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch x := sel.(type) {
			case *ast.Field:
				if _, has := m[x.Name]; has || def == nil {
					continue
				}
				if fd := def.Fields.ForName(x.Name); fd != nil && fd.Type.NonNull {
					missing = true
				}
			case *ast.InlineFragment:
				walk(x.SelectionSet)
			case *ast.FragmentSpread:
				if x.Definition != nil {
					walk(x.Definition.SelectionSet)
				}
			}
		}
	}
	for _, f := range fields {
		walk(f.SelectionSet)
	}
	if !missing {
		return v
	}
	fm, ok := objectOf(full)
	if !ok {
		return v
	}
	out := make(map[string]any, len(fm)+len(m))
	for k, x := range fm {
		out[k] = x
	}
	for k, x := range m {
		out[k] = x
	}
	return out
}

// derivedField supplies fields Shopify derives from others.
func derivedField(name string, src map[string]any) any {
	switch name {
	case "legacyResourceId":
		if id, ok := plain(src["id"]).(string); ok && id != "" {
			return gidNumber(id)
		}
	}
	return nil
}

func (e *executor) complete(t *ast.Type, v any, fields []*ast.Field, path []any) any {
	if v == nil {
		if t.NonNull {
			return e.zero(t, fields, path)
		}
		return nil
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			return e.zero(t, fields, path)
		}
		if first, ok := intArg(fields[0].ArgumentMap(e.vars), "first"); ok && !e.bulk && first < len(list) && first >= 0 {
			list = list[:first]
		}
		out := make([]any, 0, len(list))
		for i, item := range list {
			out = append(out, e.complete(t.Elem, item, fields, appendPath(path, i)))
		}
		return out
	}
	def := e.schema.Types[t.NamedType]
	if def == nil {
		return nil
	}
	switch def.Kind {
	case ast.Enum:
		return v
	case ast.Scalar:
		if m, ok := v.(map[string]any); ok {
			if sv, ok := m[scalarNode]; ok {
				v = sv // a scalar node of a connection (productVendors)
			}
		}
		return coerceScalar(def.Name, v)
	}
	if isConnection(def) {
		switch v.(type) {
		case []any, *rootList:
			return e.connection(def, v, fields, path)
		}
		return e.connection(def, nil, fields, path)
	}
	var m map[string]any
	var ok bool
	if doc, isDoc := v.(*lazyDoc); isDoc {
		m, ok = doc.shallow(), true
	} else {
		m, ok = objectOf(v)
	}
	if !ok {
		return nil
	}
	e.actual++
	return e.selectObject(e.concreteType(def, m), m, subSets(fields), path)
}

// concreteType picks the object type for an interface or union value: its
// __typename, else the type named in its GID, else the first possible type.
func (e *executor) concreteType(def *ast.Definition, m map[string]any) string {
	if def.Kind == ast.Object {
		return def.Name
	}
	possible := e.schema.GetPossibleTypes(def)
	for _, cand := range []string{str(plain(m["__typename"])), gidType(str(plain(m["id"])))} {
		for _, p := range possible {
			if cand != "" && p.Name == cand {
				return cand
			}
		}
	}
	if len(possible) > 0 {
		return possible[0].Name
	}
	return def.Name
}

// zero is the value a non-null field gets when the data lacks it.
func (e *executor) zero(t *ast.Type, fields []*ast.Field, path []any) any {
	if t.Elem != nil {
		return []any{}
	}
	def := e.schema.Types[t.NamedType]
	if def == nil {
		return nil
	}
	switch def.Kind {
	case ast.Enum:
		if def.Name == "CurrencyCode" && e.tr.shop != nil {
			return e.tr.shop["currencyCode"] // a zero MoneyV2 is in shop currency, not the enum's first value
		}
		if len(def.EnumValues) > 0 {
			return def.EnumValues[0].Name
		}
		return ""
	case ast.Scalar:
		switch def.Name {
		case "Int":
			return 0
		case "Float":
			return 0.0
		case "Boolean":
			return false
		case "Decimal", "Money":
			return "0.0"
		case "DateTime":
			return "1970-01-01T00:00:00Z"
		case "UnsignedInt64", "BigInt":
			return "0"
		case "JSON":
			return map[string]any{}
		}
		return ""
	}
	if isConnection(def) {
		return e.connection(def, nil, fields, path)
	}
	return e.complete(&ast.Type{NamedType: t.NamedType}, map[string]any{madeUp: true}, fields, path)
}

// madeUp marks an object zero made up: its own fields are made up with it
// (Sim.onMadeUp hears of the field holding it, not of each of its fields).
const madeUp = "\x00madeUp"

func isConnection(def *ast.Definition) bool {
	return def.Kind == ast.Object && len(def.Name) > len("Connection") &&
		def.Name[len(def.Name)-len("Connection"):] == "Connection" &&
		def.Fields.ForName("pageInfo") != nil && def.Fields.ForName("edges") != nil
}

func intArg(args map[string]any, name string) (int, bool) {
	switch v := args[name].(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case float64:
		return int(v), true
	case json.Number:
		n, err := v.Int64()
		return int(n), err == nil
	}
	return 0, false
}

func strArg(args map[string]any, name string) string {
	s, _ := args[name].(string)
	return s
}

// cursorKey is what a cursor encodes: the sort value and id of the item it
// points at, so a page boundary survives items changing around it.
type cursorKey struct {
	LastID    int64  `json:"last_id"`
	LastValue string `json:"last_value"`
}

func encodeCursor(k cursorKey) string {
	b, _ := json.Marshal(k)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursorKey, error) {
	var k cursorKey
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return k, err
	}
	err = json.Unmarshal(b, &k)
	return k, err
}

// sortFields maps sort keys to tree fields; anything else is tried as the
// camelCase of the key, and ID (Shopify's default) is the fallback.
var sortFields = map[string]string{
	"CREATED_AT": "createdAt", "UPDATED_AT": "updatedAt", "PROCESSED_AT": "processedAt", "TITLE": "title",
	"NAME": "name", "ORDER_NUMBER": "name", "ISSUED_AT": "issuedAt", "PAYOUT_DATE": "issuedAt",
	"TRANSACTION_DATE": "transactionDate", "SKU": "sku", "TOTAL_PRICE": "totalPriceSet",
}

func sortValue(item map[string]any, key string) string {
	if key == "" || key == "ID" || key == "RELEVANCE" {
		return ""
	}
	f, ok := sortFields[key]
	if !ok {
		f = camelCase(toLowerASCII(key))
	}
	switch v := item[f].(type) {
	case string:
		return v
	case map[string]any: // a MoneyBag
		if sm, ok := v["shopMoney"].(map[string]any); ok {
			return str(sm["amount"])
		}
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
	return ""
}

func toLowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// sortable is an item's position under a sort key, parsed once: its sort
// value as a time, an exact amount or text, then its numeric id.
type sortable struct {
	text   string
	at     time.Time
	isTime bool
	cents  money.Cents
	isNum  bool
	id     int64
}

func makeSortable(v string, id int64) sortable {
	k := sortable{text: v, id: id}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		k.at, k.isTime = t, true
	} else if c, err := money.Parse(v); err == nil {
		k.cents, k.isNum = c, true
	}
	return k
}

// compare orders timestamps as times, integers and amounts as numbers
// (never through a float), anything else as text; ties go by id.
func (a sortable) compare(b sortable) int {
	r := 0
	switch {
	case a.isTime && b.isTime:
		r = a.at.Compare(b.at)
	case a.isNum && b.isNum:
		r = cmpInt(int64(a.cents), int64(b.cents))
	default:
		r = strings.Compare(a.text, b.text)
	}
	if r != 0 {
		return r
	}
	return cmpInt(a.id, b.id)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func itemID(item map[string]any) int64 {
	n, _ := strconv.ParseInt(gidNumber(str(item["id"])), 10, 64)
	return n
}

// connection filters (query), sorts (sortKey, reverse) and pages
// (first/after, last/before) a list (a []any or a *rootList), then renders the selected parts of
// edges, nodes and pageInfo.
func (e *executor) connection(def *ast.Definition, src any, fields []*ast.Field, path []any) any {
	f := fields[0]
	args := f.ArgumentMap(e.vars)
	first, hasFirst := intArg(args, "first")
	last, hasLast := intArg(args, "last")
	if !e.bulk {
		switch {
		case !hasFirst && !hasLast:
			e.addError(f, path, "you must provide one of first or last", "BAD_REQUEST", nil)
			return nil
		case (hasFirst && (first < 0 || first > maxPageSize)) || (hasLast && (last < 0 || last > maxPageSize)):
			e.addError(f, path, fmt.Sprintf("The maximum page size is %d; first and last must be between 0 and %d", maxPageSize, maxPageSize), "BAD_REQUEST", nil)
			return nil
		}
	}
	var filter *searchNode
	query := strArg(args, "query")
	if query != "" {
		var err error
		if filter, err = parseSearch(query); err != nil {
			e.addError(f, path, err.Error(), "BAD_REQUEST", nil)
			return nil
		}
	}
	key, _ := args["sortKey"].(string)
	reverse, _ := args["reverse"].(bool)
	l := e.listingFor(src, query, filter, key, reverse)
	items := l.items
	lo, hi := 0, len(items)
	if after := strArg(args, "after"); after != "" {
		c, err := decodeCursor(after)
		if err != nil {
			e.addError(f, path, "Invalid cursor for current pagination sort.", "BAD_REQUEST", nil)
			return nil
		}
		lo = l.after(makeSortable(c.LastValue, c.LastID))
	}
	if before := strArg(args, "before"); before != "" {
		c, err := decodeCursor(before)
		if err != nil {
			e.addError(f, path, "Invalid cursor for current pagination sort.", "BAD_REQUEST", nil)
			return nil
		}
		hi = l.before(lo, makeSortable(c.LastValue, c.LastID))
	}
	if hasFirst && !e.bulk && hi-lo > first {
		hi = lo + first
	}
	if hasLast && !e.bulk && hi-lo > last {
		lo = hi - last
	}
	page := items[lo:hi]
	pageKeys := l.keys[lo:hi]
	cursor := func(i int) string {
		return encodeCursor(cursorKey{LastID: pageKeys[i].id, LastValue: pageKeys[i].text})
	}

	edgeType := def.Fields.ForName("edges").Type
	edgeDef := e.schema.Types[edgeType.Name()]
	nodesType := def.Fields.ForName("nodes")
	e.actual += 2
	out := newOmap()
	out.conn = true
	groups := e.collect(def.Name, subSets(fields))
	// stream: write nodes to the bulk JSONL now, the way writeBulkJSONL
	// would have found them: from edges when edges are selected, else from
	// nodes.
	stream := e.bulkOut != nil && e.nodeDepth == 0 && !slices.ContainsFunc(path, func(p any) bool {
		_, inList := p.(int) // writeBulkJSONL never looked inside lists
		return inList
	})
	hasEdges := slices.ContainsFunc(groups, func(g *fieldGroup) bool { return g.fields[0].Name == "edges" })
	e.nodeDepth++
	defer func() { e.nodeDepth-- }()
	for _, g := range groups {
		switch g.fields[0].Name {
		case "__typename":
			out.set(g.key, def.Name)
		case "edges":
			edges := make([]any, 0, len(page))
			for i, m := range page {
				eo := newOmap()
				for _, eg := range e.collect(edgeDef.Name, subSets(g.fields)) {
					switch eg.fields[0].Name {
					case "__typename":
						eo.set(eg.key, edgeDef.Name)
					case "cursor":
						eo.set(eg.key, cursor(i))
					case "node":
						nt := edgeDef.Fields.ForName("node").Type
						eo.set(eg.key, e.complete(nt, m, eg.fields, appendPath(appendPath(appendPath(path, g.key), i), eg.key)))
					default:
						eo.set(eg.key, nil)
					}
				}
				if stream {
					for _, k := range eo.keys {
						if n, ok := eo.vals[k].(*omap); ok {
							e.bulkOut.root(n)
						}
					}
					continue
				}
				edges = append(edges, eo)
			}
			out.set(g.key, edges)
		case "nodes":
			nodes := make([]any, 0, len(page))
			if nodesType != nil {
				for i, m := range page {
					n := e.complete(nodesType.Type.Elem, m, g.fields, appendPath(appendPath(path, g.key), i))
					if stream {
						if no, ok := n.(*omap); ok && !hasEdges {
							e.bulkOut.root(no)
						}
						continue
					}
					nodes = append(nodes, n)
				}
			}
			out.set(g.key, nodes)
		case "pageInfo":
			pi := newOmap()
			for _, pg := range e.collect("PageInfo", subSets(g.fields)) {
				switch pg.fields[0].Name {
				case "__typename":
					pi.set(pg.key, "PageInfo")
				case "hasNextPage":
					pi.set(pg.key, hi < len(items))
				case "hasPreviousPage":
					pi.set(pg.key, lo > 0)
				case "startCursor":
					if len(page) > 0 {
						pi.set(pg.key, cursor(0))
					} else {
						pi.set(pg.key, nil)
					}
				case "endCursor":
					if len(page) > 0 {
						pi.set(pg.key, cursor(len(page)-1))
					} else {
						pi.set(pg.key, nil)
					}
				default:
					pi.set(pg.key, nil)
				}
			}
			out.set(g.key, pi)
		default:
			out.set(g.key, nil)
		}
	}
	return out
}

// coerceScalar renders a tree value the way the schema types it: Int and
// Float as JSON numbers (the model keeps tax rates as decimal text, Shopify
// sends them as numbers; json.Number keeps the exact digits), every
// string-like scalar (ID, Decimal, DateTime, UnsignedInt64, …) as a string.
func coerceScalar(name string, v any) any {
	switch name {
	case "Int", "Float":
		if s, ok := v.(string); ok {
			if _, err := strconv.ParseFloat(s, 64); err == nil {
				return json.Number(s)
			}
			return nil
		}
		return v
	case "Boolean", "JSON":
		return v
	}
	if n, ok := v.(json.Number); ok {
		return n.String()
	}
	return v
}

// withoutDeprecated applies introspection's includeDeprecated argument
// (false by default) to fields, enum values, arguments and input fields.
func withoutDeprecated(list []any, args map[string]any) []any {
	incl, given := args["includeDeprecated"].(bool)
	if !given || incl {
		return list
	}
	out := make([]any, 0, len(list))
	for _, x := range list {
		if m, ok := x.(map[string]any); ok && m["isDeprecated"] == true {
			continue
		}
		out = append(out, x)
	}
	return out
}
