package shopifysim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// Bulk operation limits (reference §2.5): at least one and at most five
// connections, connections nested at most two deep, and up to five running
// query operations per shop from 2026-01 (one before).
const (
	bulkMaxConnections = 5
	bulkMaxDepth       = 2
	bulkURLLifetime    = 7 * 24 * time.Hour
)

type bulkOperation struct {
	id          string
	num         int64
	status      string // CREATED → RUNNING → COMPLETED (or FAILED)
	errorCode   string
	query       string
	createdAt   time.Time
	completedAt time.Time
	jsonl       []byte
	objects     int
	roots       int
	url         string
	reads       int
}

// observe advances the operation one step per status read, so a client
// has to poll as it would against Shopify, and stamps completion.
func (op *bulkOperation) observe(now time.Time) {
	op.reads++
	switch op.status {
	case "CREATED":
		op.status = "RUNNING"
	case "RUNNING":
		if op.errorCode != "" {
			op.status = "FAILED"
		} else {
			op.status = "COMPLETED"
		}
		op.completedAt = now
	}
}

func (s *Sim) bulkByID(id string) *bulkOperation {
	for _, op := range s.bulkOps {
		if op.id == id {
			return op
		}
	}
	return nil
}

func (s *Sim) currentBulk() *bulkOperation {
	if len(s.bulkOps) == 0 {
		return nil
	}
	return s.bulkOps[len(s.bulkOps)-1]
}

// bulkTree renders a BulkOperation after a status read. When the read
// finishes the operation, a bulk_operations/finish webhook is queued; it is
// sent once the request has released the simulator's lock.
func (s *Sim) bulkTree(op *bulkOperation, now time.Time) map[string]any {
	before := op.status
	op.observe(now)
	if before != op.status && (op.status == "COMPLETED" || op.status == "FAILED") {
		var code any
		if op.errorCode != "" {
			code = strings.ToLower(op.errorCode)
		}
		s.pending = append(s.pending, pendingWebhook{topic: "bulk_operations/finish", payload: map[string]any{
			"admin_graphql_api_id": op.id, "completed_at": op.completedAt.UTC().Format(time.RFC3339),
			"created_at": op.createdAt.UTC().Format(time.RFC3339), "error_code": code,
			"status": strings.ToLower(op.status), "type": "query"}})
	}
	return bulkOpTree(op)
}

func (s *Sim) bulkTrees(now time.Time) []any {
	out := make([]any, 0, len(s.bulkOps))
	for _, op := range s.bulkOps {
		out = append(out, s.bulkTree(op, now))
	}
	return out
}

func bulkOpTree(op *bulkOperation) map[string]any {
	m := map[string]any{
		"id": op.id, "status": op.status, "query": op.query, "type": "QUERY",
		"createdAt": op.createdAt.UTC().Format(time.RFC3339), "objectCount": "0", "rootObjectCount": "0",
	}
	if op.errorCode != "" && op.status == "FAILED" {
		m["errorCode"] = op.errorCode
	}
	if op.status == "COMPLETED" || op.status == "FAILED" {
		m["completedAt"] = op.completedAt.UTC().Format(time.RFC3339)
		m["objectCount"] = strconv.Itoa(op.objects)
		m["rootObjectCount"] = strconv.Itoa(op.roots)
	}
	if op.status == "COMPLETED" && op.errorCode == "" {
		m["fileSize"] = strconv.Itoa(len(op.jsonl))
		if op.objects > 0 {
			m["url"] = op.url
		}
	}
	return m
}

func bulkUserError(msg string) map[string]any {
	return map[string]any{"bulkOperation": nil, "userErrors": []any{
		map[string]any{"field": []any{"query"}, "message": msg, "code": "INVALID"}}}
}

// runBulk is bulkOperationRunQuery: it validates the inner query, checks the
// bulk rules, runs it unpaginated at once (the result is a snapshot as of
// the call) and keeps the JSONL for the download URL.
func (e *executor) runBulk(args map[string]any) any {
	s := e.sim
	q, _ := args["query"].(string)
	doc, errs := gqlparser.LoadQuery(e.schema, q)
	if len(errs) > 0 {
		return bulkUserError("Invalid bulk query: " + errs[0].Message)
	}
	if len(doc.Operations) != 1 || doc.Operations[0].Operation != ast.Query {
		return bulkUserError("Bulk queries must contain exactly one query operation.")
	}
	op := doc.Operations[0]
	inner := &executor{sim: s, schema: e.schema, vars: map[string]any{}, tr: e.tr, now: e.now, bulk: true,
		granted: e.granted, baseURL: e.baseURL, version: e.version}
	count, depth, inList := inner.connectionShape([]ast.SelectionSet{op.SelectionSet}, 0)
	switch {
	case inList:
		return bulkUserError("Queries that contain a connection field within a list field are not currently supported.")
	case count == 0:
		return bulkUserError("Bulk queries must contain at least one connection.")
	case count > bulkMaxConnections:
		return bulkUserError(fmt.Sprintf("Bulk queries cannot contain more than %d connections.", bulkMaxConnections))
	case depth > bulkMaxDepth:
		return bulkUserError(fmt.Sprintf("Bulk queries cannot contain connections with a nesting depth greater than %d.", bulkMaxDepth))
	}
	limit := 5
	if e.version < "2026-01" {
		limit = 1
	}
	running := 0
	for _, b := range s.bulkOps {
		if b.status == "CREATED" || b.status == "RUNNING" {
			running++
		}
	}
	if running >= limit {
		cur := s.currentBulk()
		return map[string]any{"bulkOperation": nil, "userErrors": []any{map[string]any{"field": nil,
			"message": "A bulk query operation for this app and shop is already in progress: " + cur.id + ".",
			"code":    "OPERATION_IN_PROGRESS"}}}
	}
	s.nextID++
	b := &bulkOperation{id: "gid://shopify/BulkOperation/" + strconv.FormatInt(s.nextID, 10), num: s.nextID,
		status: "CREATED", query: q, createdAt: e.now}
	b.url = e.baseURL + "/bulk/" + strconv.FormatInt(b.num, 10) + ".jsonl"
	// Root connection nodes are written out as they are completed, so the
	// result of a bulk read over 100,000 orders is never held as one tree.
	inner.bulkOut = &bulkWriter{}
	data := inner.run(op)
	for _, ge := range inner.errs {
		if ge.Extensions["code"] == "ACCESS_DENIED" {
			b.errorCode = "ACCESS_DENIED"
		}
	}
	if b.errorCode == "" {
		w := inner.bulkOut
		writeBulkJSONL(w, data)
		b.roots, b.objects = w.roots, w.objects
		b.jsonl = bytes.Clone(w.buf.Bytes())
	}
	s.bulkOps = append(s.bulkOps, b)
	s.stats.BulkOperations++
	return map[string]any{"bulkOperation": bulkOpTree(b), "userErrors": []any{}}
}

// connectionShape counts connections and their deepest nesting, and
// reports a connection selected inside a list field (refunds { refundLineItems }),
// which Shopify refuses in bulk queries: a list's elements have no place
// in the JSONL's parent chain.
func (e *executor) connectionShape(sets []ast.SelectionSet, level int) (count, depth int, inList bool) {
	return e.shapeOf(sets, level, false, false)
}

func (e *executor) shapeOf(sets []ast.SelectionSet, level int, underList, parentConn bool) (count, depth int, inList bool) {
	for _, g := range e.collect("", sets) {
		f := g.fields[0]
		if f.Definition == nil {
			continue
		}
		def := e.schema.Types[f.Definition.Type.Name()]
		if def == nil {
			continue
		}
		next, list, conn := level, underList, false
		switch {
		case isConnection(def):
			count++
			next, conn = level+1, true
			depth = max(depth, next)
			if underList {
				inList = true
			}
			list = false
		case f.Definition.Type.Elem != nil && !(parentConn && (f.Name == "edges" || f.Name == "nodes")):
			list = true
		}
		c, d, l := e.shapeOf(subSets(g.fields), next, list, conn)
		count += c
		depth = max(depth, d)
		inList = inList || l
	}
	return count, depth, inList
}

// bulkWriter writes a bulk operation's JSONL: one line per object, root
// connection nodes as they are, nested connection nodes as their own lines
// carrying __parentId.
type bulkWriter struct {
	buf            bytes.Buffer
	roots, objects int
}

// root writes a root connection node and the nested connection nodes in it.
func (w *bulkWriter) root(node *omap) {
	w.roots++
	w.emit(node, "")
}

func (w *bulkWriter) emit(node *omap, parent string) {
	line := newOmap()
	var children []*omap
	for _, k := range node.keys {
		v := node.vals[k]
		if c, ok := v.(*omap); ok && c.conn {
			children = append(children, c)
			continue
		}
		line.set(k, v)
	}
	if parent != "" {
		line.set("__parentId", parent)
	}
	b, _ := json.Marshal(line)
	w.buf.Write(b)
	w.buf.WriteByte('\n')
	w.objects++
	id, _ := node.vals["id"].(string)
	for _, c := range children {
		for _, child := range connectionNodes(c) {
			w.emit(child, id)
		}
	}
}

// writeBulkJSONL writes the JSONL for the connections in data whose nodes
// were not already streamed to w while executing (see executor.bulkOut).
func writeBulkJSONL(w *bulkWriter, data *omap) {
	var walk func(v any)
	walk = func(v any) {
		m, ok := v.(*omap)
		if !ok {
			return
		}
		if m.conn {
			for _, n := range connectionNodes(m) {
				w.root(n)
			}
			return
		}
		for _, k := range m.keys {
			walk(m.vals[k])
		}
	}
	walk(data)
}

func connectionNodes(c *omap) []*omap {
	var out []*omap
	if edges, ok := c.vals["edges"].([]any); ok {
		for _, e := range edges {
			if eo, ok := e.(*omap); ok {
				for _, k := range eo.keys {
					if n, ok := eo.vals[k].(*omap); ok {
						out = append(out, n)
					}
				}
			}
		}
		return out
	}
	if nodes, ok := c.vals["nodes"].([]any); ok {
		for _, n := range nodes {
			if no, ok := n.(*omap); ok {
				out = append(out, no)
			}
		}
	}
	return out
}

// serveBulkFile serves a completed operation's JSONL, like the signed
// storage URL Shopify hands out: no token needed, gone after seven days.
func (s *Sim) serveBulkFile(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".jsonl")
	num, err := strconv.ParseInt(name, 10, 64)
	if !ok || err != nil {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	var op *bulkOperation
	for _, b := range s.bulkOps {
		if b.num == num {
			op = b
		}
	}
	var body []byte
	expired := false
	if op != nil && op.status == "COMPLETED" {
		body = op.jsonl
		expired = s.now().After(op.completedAt.Add(bulkURLLifetime))
	}
	s.mu.Unlock()
	if op == nil || op.status != "COMPLETED" || expired {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/jsonl")
	_, _ = w.Write(body)
}
