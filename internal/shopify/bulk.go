package shopify

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// Bulk queries are documents sent as a string argument of
// bulkOperationRunQuery. They are not Operations (no variables, no cost cap)
// but are validated against the schema the same way.
var (
	BulkQueryOrders = mustOperation("BulkOrders", "", 0)
)

// BulkQueries lists the bulk query documents, for schema validation.
func BulkQueries() []*Operation { return []*Operation{BulkQueryOrders} }

// bulkFilterMarker is the string literal in a bulk query replaced by the
// real search filter.
const bulkFilterMarker = `"SHOPQB_FILTER"`

// withFilter returns the bulk query text with its filter set. The filter is
// written as a JSON string, which is also a valid, fully escaped GraphQL
// string literal, so no filter text can alter the document.
func withFilter(op *Operation, filter string) (string, error) {
	if strings.Count(op.Query, bulkFilterMarker) != 1 {
		return "", fmt.Errorf("bulk query %s has no single filter marker", op.Name)
	}
	var lit bytes.Buffer
	enc := json.NewEncoder(&lit)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(filter); err != nil {
		return "", err
	}
	return strings.Replace(op.Query, bulkFilterMarker, strings.TrimSpace(lit.String()), 1), nil
}

// BulkOperation is Shopify's record of a bulk query.
type BulkOperation struct {
	ID              string     `json:"id"`
	Status          string     `json:"status"` // CREATED RUNNING COMPLETED FAILED CANCELING CANCELED EXPIRED
	ErrorCode       string     `json:"errorCode,omitempty"`
	ObjectCount     string     `json:"objectCount,omitempty"`
	RootObjectCount string     `json:"rootObjectCount,omitempty"`
	FileSize        string     `json:"fileSize,omitempty"`
	URL             string     `json:"url,omitempty"`
	PartialDataURL  string     `json:"partialDataUrl,omitempty"`
	CreatedAt       *time.Time `json:"createdAt,omitempty"`
	CompletedAt     *time.Time `json:"completedAt,omitempty"`
}

// UserError is a mutation's userErrors entry.
type UserError struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
	Code    string   `json:"code,omitempty"`
}

// UserErrorsError is a mutation refused with userErrors (for bulk runs,
// typically "a bulk query operation is already in progress").
type UserErrorsError struct {
	Op     string
	Errors []UserError
}

func (e *UserErrorsError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, u := range e.Errors {
		msgs[i] = u.Message
		if u.Code != "" {
			msgs[i] = u.Code + ": " + u.Message
		}
	}
	return fmt.Sprintf("shopify %s: %s", e.Op, strings.Join(msgs, "; "))
}

// BulkFailedError is a bulk operation that ended without a complete result.
type BulkFailedError struct {
	Operation BulkOperation
}

func (e *BulkFailedError) Error() string {
	return fmt.Sprintf("shopify bulk operation %s ended %s (error code %q)", e.Operation.ID, e.Operation.Status, e.Operation.ErrorCode)
}

// StartBulkQuery submits a bulk query document.
func (c *Client) StartBulkQuery(ctx context.Context, query string) (*BulkOperation, error) {
	var data struct {
		Run struct {
			BulkOperation *BulkOperation `json:"bulkOperation"`
			UserErrors    []UserError    `json:"userErrors"`
		} `json:"bulkOperationRunQuery"`
	}
	if err := c.Do(ctx, OpBulkRun, map[string]any{"query": query}, &data); err != nil {
		return nil, err
	}
	if len(data.Run.UserErrors) > 0 {
		return nil, &UserErrorsError{Op: OpBulkRun.Name, Errors: data.Run.UserErrors}
	}
	if data.Run.BulkOperation == nil {
		return nil, errors.New("shopify BulkRun: no bulk operation in response")
	}
	return data.Run.BulkOperation, nil
}

// BulkStatus reads a bulk operation by id.
func (c *Client) BulkStatus(ctx context.Context, id string) (*BulkOperation, error) {
	var data struct {
		BulkOperation *BulkOperation `json:"bulkOperation"`
	}
	if err := c.Do(ctx, OpBulkStatus, map[string]any{"id": id}, &data); err != nil {
		return nil, err
	}
	if data.BulkOperation == nil {
		return nil, fmt.Errorf("shopify BulkStatus: bulk operation %s not found", id)
	}
	return data.BulkOperation, nil
}

// WaitBulk polls until the operation finishes, every poll (the
// bulk_operations/finish webhook can cut the wait short by cancelling ctx
// and calling BulkStatus). It returns the completed operation or a
// *BulkFailedError.
func (c *Client) WaitBulk(ctx context.Context, id string, poll time.Duration) (*BulkOperation, error) {
	if poll <= 0 {
		poll = 5 * time.Second
	}
	for {
		op, err := c.BulkStatus(ctx, id)
		if err != nil {
			return nil, err
		}
		switch op.Status {
		case "COMPLETED":
			return op, nil
		case "FAILED", "CANCELED", "EXPIRED":
			return nil, &BulkFailedError{Operation: *op}
		}
		if err := c.sleep(ctx, poll); err != nil {
			return nil, fmt.Errorf("waiting for bulk operation %s: %w", id, err)
		}
	}
}

// DownloadBulk opens a completed operation's JSONL. The URL is a signed
// storage link: the access token is not sent with it.
func (c *Client) DownloadBulk(ctx context.Context, url string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("bulk download: %w", err)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("bulk download: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		res.Body.Close()
		return nil, fmt.Errorf("bulk download: %w", &HTTPError{StatusCode: res.StatusCode, Body: string(b)})
	}
	return res.Body, nil
}

// RebuildBulk reads ungrouped bulk JSONL, where a child line carries
// __parentId instead of sitting inside its parent, and calls fn with each
// root object rebuilt in the shape of a normal GraphQL response: a child
// goes into its parent's field named by childField(child's __typename), as
// a list. Children can come before or after their parent and at any depth
// (shopqb asks for ungrouped output, which Shopify produces fastest), so the
// file is first spooled to disk with a small index of who is whose parent,
// then each root is assembled and handed out in file order: memory holds one
// order and the index, never the whole back-fill.
func RebuildBulk(r io.Reader, childField func(typename string) (string, error), fn func(root json.RawMessage) error) error {
	spool, err := os.CreateTemp("", "shopqb-bulk-*.jsonl")
	if err != nil {
		return fmt.Errorf("bulk JSONL: spool: %w", err)
	}
	defer os.Remove(spool.Name())
	defer spool.Close()

	type lineRef struct {
		off  int64
		n    int
		line int
	}
	var roots []lineRef
	children := map[string][]lineRef{} // parent id → its child lines, in file order
	ids := map[string]bool{}
	w := bufio.NewWriter(spool)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	var off int64
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var head struct {
			ID     string `json:"id"`
			Parent string `json:"__parentId"`
		}
		if err := json.Unmarshal(b, &head); err != nil {
			return fmt.Errorf("bulk JSONL line %d: %w", line, err)
		}
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("bulk JSONL: spool: %w", err)
		}
		ref := lineRef{off: off, n: len(b), line: line}
		off += int64(len(b))
		if head.ID != "" {
			ids[head.ID] = true
		}
		if head.Parent != "" {
			children[head.Parent] = append(children[head.Parent], ref)
			continue
		}
		roots = append(roots, ref)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("bulk JSONL: %w", err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("bulk JSONL: spool: %w", err)
	}
	for parent, refs := range children {
		if !ids[parent] {
			return fmt.Errorf("bulk JSONL line %d: parent %s not in file", refs[0].line, parent)
		}
	}
	read := func(ref lineRef) (map[string]any, error) {
		buf := make([]byte, ref.n)
		if _, err := spool.ReadAt(buf, ref.off); err != nil {
			return nil, fmt.Errorf("bulk JSONL line %d: %w", ref.line, err)
		}
		dec := json.NewDecoder(bytes.NewReader(buf))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("bulk JSONL line %d: %w", ref.line, err)
		}
		delete(m, "__parentId")
		return m, nil
	}
	// Shopify nests connections at most two levels deep; a deeper chain is a
	// malformed file (or a loop of ids) and is refused, not recursed into.
	const maxDepth = 8
	var attach func(obj map[string]any, depth int) error
	attach = func(obj map[string]any, depth int) error {
		id, _ := obj["id"].(string)
		if id == "" {
			return nil
		}
		if depth > maxDepth {
			return fmt.Errorf("bulk JSONL: objects nested more than %d deep under %s", maxDepth, id)
		}
		for _, ref := range children[id] {
			ch, err := read(ref)
			if err != nil {
				return err
			}
			if err := attach(ch, depth+1); err != nil {
				return err
			}
			tn, _ := ch["__typename"].(string)
			field, err := childField(tn)
			if err != nil {
				return fmt.Errorf("bulk JSONL line %d: %w", ref.line, err)
			}
			list, _ := obj[field].([]any)
			obj[field] = append(list, ch)
		}
		return nil
	}
	for _, ref := range roots {
		root, err := read(ref)
		if err != nil {
			return err
		}
		if err := attach(root, 0); err != nil {
			return err
		}
		b, err := json.Marshal(root)
		if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	return nil
}

// orderChildField places BulkOrders child lines by their __typename.
func orderChildField(typename string) (string, error) {
	switch {
	case typename == "LineItem":
		return "lineItems", nil
	case typename == "ShippingLine":
		return "shippingLines", nil
	case strings.HasSuffix(typename, "Application") && strings.Contains(typename, "Discount"):
		return "discountApplications", nil
	}
	return "", fmt.Errorf("unexpected child type %q in orders bulk file", typename)
}

// BulkOrders back-fills every order updated in q with one bulk operation
// (poll is the status polling interval), then fetches per order what the
// bulk query cannot carry: refunds and the agreements ledger.
func (c *Client) BulkOrders(ctx context.Context, q OrdersQuery, poll time.Duration, fn func(*Order) error) error {
	doc, err := withFilter(BulkQueryOrders, UpdatedRange(q).searchQuery())
	if err != nil {
		return err
	}
	started, err := c.StartBulkQuery(ctx, doc)
	if err != nil {
		return err
	}
	done, err := c.WaitBulk(ctx, started.ID, poll)
	if err != nil {
		return err
	}
	if done.URL == "" {
		return nil // Shopify gives no file when nothing matched
	}
	body, err := c.DownloadBulk(ctx, done.URL)
	if err != nil {
		return err
	}
	defer body.Close()
	return RebuildBulk(body, orderChildField, func(root json.RawMessage) error {
		o, err := c.completeBulkOrder(ctx, root)
		if err != nil {
			return err
		}
		return fn(o)
	})
}

// completeBulkOrder decodes a rebuilt bulk order and adds refunds and
// agreements by follow-up queries.
func (c *Client) completeBulkOrder(ctx context.Context, raw json.RawMessage) (*Order, error) {
	var refs struct {
		ID      string `json:"id"`
		Refunds []struct {
			ID string `json:"id"`
		} `json:"refunds"`
	}
	if err := json.Unmarshal(raw, &refs); err != nil {
		return nil, fmt.Errorf("decode bulk order: %w", err)
	}
	var o Order
	if err := decodeDocument(raw, &o); err != nil {
		return nil, fmt.Errorf("decode bulk order %s: %w", refs.ID, err)
	}
	o.Refunds = nil
	for _, r := range refs.Refunds {
		ref, err := c.Refund(ctx, r.ID)
		if err != nil {
			return nil, fmt.Errorf("order %s: %w", o.ID, err)
		}
		o.Refunds = append(o.Refunds, *ref)
	}
	if err := c.agreements(ctx, &o); err != nil {
		return nil, fmt.Errorf("order %s agreements: %w", o.ID, err)
	}
	return &o, nil
}
