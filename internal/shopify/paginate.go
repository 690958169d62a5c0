package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
)

// paginate runs op page by page, following the connection at path, and
// calls each for every node. vars are copied; $first and $after are set
// here. It stops at the first error from each.
func (c *Client) paginate(ctx context.Context, op *Operation, vars map[string]any, path []string, each func(json.RawMessage) error) error {
	return c.paginateFrom(ctx, op, vars, path, "", each)
}

// paginateFrom is paginate starting after cursor (empty: from the start).
func (c *Client) paginateFrom(ctx context.Context, op *Operation, vars map[string]any, path []string, cursor string, each func(json.RawMessage) error) error {
	v := maps.Clone(vars)
	if v == nil {
		v = map[string]any{}
	}
	v["first"] = op.PageSize
	for {
		if cursor != "" {
			v["after"] = cursor
		} else {
			delete(v, "after")
		}
		var data json.RawMessage
		if err := c.Do(ctx, op, v, &data); err != nil {
			return err
		}
		conn, err := connectionAt(data, path...)
		if err != nil {
			return fmt.Errorf("shopify %s: %w", op.Name, err)
		}
		if conn == nil {
			return nil
		}
		for _, n := range conn.items() {
			if err := each(n); err != nil {
				return err
			}
		}
		if !conn.PageInfo.HasNextPage {
			return nil
		}
		if conn.PageInfo.EndCursor == "" || conn.PageInfo.EndCursor == cursor {
			return fmt.Errorf("shopify %s: hasNextPage without a new endCursor", op.Name)
		}
		cursor = conn.PageInfo.EndCursor
	}
}
