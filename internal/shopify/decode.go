package shopify

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// pageInfo is a connection's PageInfo.
type pageInfo struct {
	HasNextPage bool   `json:"hasNextPage"`
	EndCursor   string `json:"endCursor"`
}

// rawConnection is any connection, nodes left raw. Operations select either
// nodes or edges{cursor node}; edges are used where a node's cursor is needed.
type rawConnection struct {
	Nodes []json.RawMessage `json:"nodes"`
	Edges []struct {
		Cursor string          `json:"cursor"`
		Node   json.RawMessage `json:"node"`
	} `json:"edges"`
	PageInfo pageInfo `json:"pageInfo"`
}

// items returns the connection's nodes whichever form was selected.
func (c *rawConnection) items() []json.RawMessage {
	if len(c.Edges) == 0 {
		return c.Nodes
	}
	out := make([]json.RawMessage, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}

// at walks object keys and returns the raw value found there. A null on
// the way (the object does not exist) returns nil, not an error.
func at(raw json.RawMessage, path ...string) (json.RawMessage, error) {
	cur := raw
	for _, k := range path {
		if len(cur) == 0 || string(cur) == "null" {
			return nil, nil
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(cur, &m); err != nil {
			return nil, fmt.Errorf("at %q: %w", k, err)
		}
		cur = m[k]
	}
	if string(cur) == "null" {
		return nil, nil
	}
	return cur, nil
}

// connectionAt decodes the connection at path; a missing parent gives nil.
func connectionAt(raw json.RawMessage, path ...string) (*rawConnection, error) {
	v, err := at(raw, path...)
	if err != nil || v == nil {
		return nil, err
	}
	var c rawConnection
	if err := json.Unmarshal(v, &c); err != nil {
		return nil, fmt.Errorf("connection %v: %w", path, err)
	}
	return &c, nil
}

// decodeDocument turns a GraphQL object into a model type: every nested
// connection ({nodes:[…]} or {edges:[{node}]}) becomes a plain array, and
// Shopify Float fields that the model keeps as exact decimal text (tax
// rates) become strings. Numbers are carried as text throughout, so no
// amount ever passes through a float.
func decodeDocument(raw json.RawMessage, out any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	flat, err := json.Marshal(flatten(v))
	if err != nil {
		return err
	}
	return DecodeStored(flat, out)
}

// floatAsText lists Float fields the model holds as decimal strings.
var floatAsText = map[string]bool{"rate": true, "ratePercentage": true}

func flatten(v any) any {
	switch t := v.(type) {
	case []any:
		for i := range t {
			t[i] = flatten(t[i])
		}
		return t
	case map[string]any:
		if list, ok := connectionItems(t); ok {
			return flatten(list)
		}
		for k, e := range t {
			if n, ok := e.(json.Number); ok && floatAsText[k] {
				t[k] = n.String()
				continue
			}
			t[k] = flatten(e)
		}
		return t
	}
	return v
}

// connectionItems recognises a connection object: only nodes/edges/pageInfo keys.
func connectionItems(m map[string]any) ([]any, bool) {
	for k := range m {
		if k != "nodes" && k != "edges" && k != "pageInfo" {
			return nil, false
		}
	}
	if nodes, ok := m["nodes"].([]any); ok {
		return nodes, true
	}
	if edges, ok := m["edges"].([]any); ok {
		out := make([]any, 0, len(edges))
		for _, e := range edges {
			if em, ok := e.(map[string]any); ok {
				out = append(out, em["node"])
			}
		}
		return out, true
	}
	return nil, false
}
