package shopifysim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopqb/shopqb/internal/money"
)

// The `query` argument's search syntax (shopify.dev/docs/api/usage/search-syntax):
// terms separated by whitespace are ANDed; AND, OR, NOT and a leading '-'
// combine them; parentheses group; a term is `field:value` with an optional
// comparator (`:<`, `:<=`, `:>`, `:>=`) or bare text; values may be quoted
// with ' or ". Like Shopify, a filter on a field the resource does not have
// is ignored rather than matching nothing.

// searchNode is a parsed query.
type searchNode struct {
	op       string // "and", "or", "not", "term"
	children []*searchNode
	field    string // empty for free text
	cmp      string // ":", "<", "<=", ">", ">="
	value    string
}

const maxSearchDepth = 64

type searchParser struct {
	toks []string
	pos  int
}

// parseSearch parses a query string; the empty query matches everything.
func parseSearch(q string) (*searchNode, error) {
	toks, err := lexSearch(q)
	if err != nil {
		return nil, err
	}
	p := &searchParser{toks: toks}
	if len(toks) == 0 {
		return &searchNode{op: "and"}, nil
	}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("search query: unexpected %q", p.toks[p.pos])
	}
	return n, nil
}

// lexSearch splits into parentheses and terms, keeping quoted runs whole.
func lexSearch(q string) ([]string, error) {
	var toks []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			toks = append(toks, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(q[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("search query: unterminated quote at %d", i)
			}
			cur.WriteString(q[i : i+j+2])
			i += j + 1
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			flush()
		case (c == '(' || c == ')') && cur.Len() == 0:
			toks = append(toks, string(c))
		case c == ')':
			flush()
			toks = append(toks, ")")
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return toks, nil
}

func (p *searchParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *searchParser) or(depth int) (*searchNode, error) {
	if depth > maxSearchDepth {
		return nil, fmt.Errorf("search query: nested too deeply")
	}
	left, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	n := &searchNode{op: "or", children: []*searchNode{left}}
	for p.peek() == "OR" {
		p.pos++
		right, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		n.children = append(n.children, right)
	}
	if len(n.children) == 1 {
		return left, nil
	}
	return n, nil
}

func (p *searchParser) and(depth int) (*searchNode, error) {
	n := &searchNode{op: "and"}
	for {
		t := p.peek()
		if t == "" || t == ")" || t == "OR" {
			break
		}
		if t == "AND" {
			p.pos++
			continue
		}
		c, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		n.children = append(n.children, c)
	}
	if len(n.children) == 0 {
		return nil, fmt.Errorf("search query: expected a term")
	}
	if len(n.children) == 1 {
		return n.children[0], nil
	}
	return n, nil
}

func (p *searchParser) unary(depth int) (*searchNode, error) {
	if depth > maxSearchDepth {
		return nil, fmt.Errorf("search query: nested too deeply")
	}
	t := p.peek()
	switch {
	case t == "NOT":
		p.pos++
		if p.peek() == "" {
			return nil, fmt.Errorf("search query: NOT needs a term")
		}
		c, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &searchNode{op: "not", children: []*searchNode{c}}, nil
	case t == "(":
		p.pos++
		c, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("search query: missing )")
		}
		p.pos++
		return c, nil
	case strings.HasPrefix(t, "-") && len(t) > 1:
		p.pos++
		return &searchNode{op: "not", children: []*searchNode{parseTerm(t[1:])}}, nil
	}
	p.pos++
	return parseTerm(t), nil
}

func parseTerm(t string) *searchNode {
	n := &searchNode{op: "term", cmp: ":"}
	field, rest, ok := strings.Cut(t, ":")
	if !ok || strings.ContainsAny(field, `'"`) {
		n.value = unquote(t)
		return n
	}
	n.field = strings.ToLower(field)
	for _, c := range []string{"<=", ">=", "<", ">"} {
		if strings.HasPrefix(rest, c) {
			n.cmp = c
			rest = rest[len(c):]
			break
		}
	}
	n.value = unquote(rest)
	return n
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// String prints the query back in canonical form (used by the fuzz test).
func (n *searchNode) String() string {
	switch n.op {
	case "term":
		v := "'" + strings.ReplaceAll(n.value, "'", "") + "'"
		if n.field == "" {
			return v
		}
		c := n.cmp
		if c != ":" {
			c = ":" + c
		}
		return n.field + c + v
	case "not":
		return "NOT (" + n.children[0].String() + ")"
	}
	if len(n.children) == 0 {
		return ""
	}
	var parts []string
	for _, c := range n.children {
		parts = append(parts, "("+c.String()+")")
	}
	sep := " AND "
	if n.op == "or" {
		sep = " OR "
	}
	return strings.Join(parts, sep)
}

// match evaluates the query against one object tree.
func (n *searchNode) match(obj map[string]any, now time.Time) bool {
	switch n.op {
	case "and":
		for _, c := range n.children {
			if !c.match(obj, now) {
				return false
			}
		}
		return true
	case "or":
		for _, c := range n.children {
			if c.match(obj, now) {
				return true
			}
		}
		return false
	case "not":
		return !n.children[0].match(obj, now)
	}
	return matchTerm(n, obj, now)
}

// dateFields maps search names to tree fields holding a timestamp.
var dateFields = map[string]string{
	"updated_at": "updatedAt", "created_at": "createdAt", "processed_at": "processedAt",
	"issued_at": "issuedAt", "transaction_date": "transactionDate", "date_created": "dateCreated",
}

func matchTerm(n *searchNode, obj map[string]any, now time.Time) bool {
	if n.field == "" {
		return matchText(n.value, obj)
	}
	if f, ok := dateFields[n.field]; ok {
		s, ok := obj[f].(string)
		if !ok {
			return false
		}
		at, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return false
		}
		from, to, err := parseSearchTime(n.value, now)
		if err != nil {
			return false
		}
		// Equality covers the period named (a day, a year); comparisons
		// measure from its first instant, as a timestamp would.
		switch n.cmp {
		case ":":
			return !at.Before(from) && at.Before(to)
		case ">":
			return at.After(from)
		case ">=":
			return !at.Before(from)
		case "<":
			return at.Before(from)
		case "<=":
			return !at.After(from)
		}
		return false
	}
	switch n.field {
	case "id":
		have, err1 := strconv.ParseInt(gidNumber(str(obj["id"])), 10, 64)
		want, err2 := strconv.ParseInt(gidNumber(n.value), 10, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		return compareInts(have, want, n.cmp)
	case "status":
		if _, isOrder := obj["displayFinancialStatus"]; isOrder {
			cancelled := obj["cancelledAt"] != nil
			switch strings.ToLower(n.value) {
			case "any", "not_closed":
				return true
			case "open":
				return !cancelled
			case "cancelled":
				return cancelled
			case "closed":
				return false
			}
			return false
		}
		return strings.EqualFold(str(obj["status"]), n.value)
	case "financial_status":
		return strings.EqualFold(str(obj["displayFinancialStatus"]), n.value)
	case "gateway":
		for _, g := range asList(obj["paymentGatewayNames"]) {
			if strings.EqualFold(str(g), n.value) {
				return true
			}
		}
		return false
	case "location_id":
		loc, _ := obj["retailLocation"].(map[string]any)
		return loc != nil && gidNumber(str(loc["id"])) == gidNumber(n.value)
	case "customer_id":
		c, _ := obj["customer"].(map[string]any)
		return c != nil && gidNumber(str(c["id"])) == gidNumber(n.value)
	case "payout_id", "payments_transfer_id":
		p, _ := obj["associatedPayout"].(map[string]any)
		return p != nil && gidNumber(str(p["id"])) == gidNumber(n.value)
	case "sku":
		if lis := asList(obj["lineItems"]); lis != nil {
			for _, li := range lis {
				if m, ok := li.(map[string]any); ok && str(m["sku"]) == n.value {
					return true
				}
			}
			return false
		}
	case "source_name", "channel":
		if n.field == "channel" || obj["sourceName"] != nil {
			for _, v := range strings.Split(n.value, ",") {
				if strings.EqualFold(str(obj["sourceName"]), v) {
					return true
				}
			}
			return false
		}
	}
	key := camelCase(n.field)
	v, ok := obj[key]
	if !ok {
		return true // unknown filter: Shopify ignores it (and warns)
	}
	return compareStrings(fmt.Sprint(v), n.value, n.cmp)
}

func matchText(text string, obj map[string]any) bool {
	text = strings.ToLower(text)
	for _, k := range []string{"name", "title", "displayName", "sku"} {
		if strings.Contains(strings.ToLower(str(obj[k])), text) {
			return true
		}
	}
	return false
}

// parseSearchTime reads a date value as the interval it names: a year, a
// day, or an instant (a zero-length interval), or "now".
func parseSearchTime(v string, now time.Time) (from, to time.Time, err error) {
	if strings.EqualFold(v, "now") {
		return now, now, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, t.Add(time.Nanosecond), nil
		}
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, t.AddDate(0, 0, 1), nil
	}
	if t, err := time.Parse("2006", v); err == nil {
		return t, t.AddDate(1, 0, 0), nil
	}
	return time.Time{}, time.Time{}, fmt.Errorf("search query: %q is not a date", v)
}

func compareInts(a, b int64, cmp string) bool {
	switch cmp {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	}
	return a == b
}

func compareStrings(a, b, cmp string) bool {
	if x, err := money.Parse(a); err == nil {
		if y, err := money.Parse(b); err == nil {
			switch cmp {
			case "<":
				return x < y
			case "<=":
				return x <= y
			case ">":
				return x > y
			case ">=":
				return x >= y
			}
			return x == y
		}
	}
	switch cmp {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	}
	return strings.EqualFold(a, b)
}

func camelCase(snake string) string {
	parts := strings.Split(snake, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
