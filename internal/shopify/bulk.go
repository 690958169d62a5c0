package shopify

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// Bulk queries are documents sent as a string argument of
// bulkOperationRunQuery. They are not Operations (no variables, no cost cap)
// but are validated against the schema the same way.
var (
	BulkQueryOrders              = mustOperation("BulkOrders", "", 0)
	BulkQueryBalanceTransactions = mustOperation("BulkBalanceTransactions", "", 0)
)

// BulkQueries lists the bulk query documents, for schema validation.
func BulkQueries() []*Operation {
	return []*Operation{BulkQueryOrders, BulkQueryBalanceTransactions}
}

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
		if err := c.wait(ctx, poll, WaitBulkPoll); err != nil {
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

// bulkPartitions is how many spool files a bulk file is spread over by
// parent id: a 100,000-order back-fill leaves each a few megabytes, and only
// one is in memory at a time.
const bulkPartitions = 256

// RebuildBulk reads ungrouped bulk JSONL, where a child line carries
// __parentId instead of sitting inside its parent, and calls fn with each
// root object rebuilt in the shape of a normal GraphQL response: a child
// goes into its parent's field named by childField(child's __typename), as
// a list. Shopify nests connections at most two levels deep, so every
// child's parent is a root; lines can come in any order. The join is on
// disk: each line is spooled to one of bulkPartitions files chosen by its
// root's id, then each file in turn is read and its roots assembled, so
// memory holds one partition, never the whole back-fill or an index of it.
// Roots come out grouped by partition, in file order within one.
func RebuildBulk(r io.Reader, childField func(typename string) (string, error), fn func(root json.RawMessage) error) error {
	return rebuildBulk(r, childField, fn, spoolPartBytes)
}

// spoolPartBytes is the most of a bulk file the join reads into memory at
// once. A partition spooled larger (bulkPartitions files spread a
// 100,000-order back-fill a few megabytes each, and a partition grows with
// the shop) is first spread over as many smaller files as keep each under
// it (spoolPart.joinWithin), so the join's memory does not grow with the
// shop.
const spoolPartBytes = 1 << 20

// rebuildBulk is RebuildBulk joining partitions of at most partBytes.
func rebuildBulk(r io.Reader, childField func(typename string) (string, error), fn func(root json.RawMessage) error, partBytes int64) error {
	sp, err := newSpool("", bulkPartitions)
	if err != nil {
		return err
	}
	defer sp.close()
	var prev topLevel
	err = eachLine(r, func(line int, b []byte) error {
		head, err := scanTopLevel(b, prev)
		if err != nil {
			return fmt.Errorf("bulk JSONL line %d: %w", line, err)
		}
		prev = head
		key, root := head.parent, false
		if key == "" {
			key, root = head.id, true
			if key == "" {
				return fmt.Errorf("bulk JSONL line %d: a root object without an id", line)
			}
		} else if head.typename == "" {
			return fmt.Errorf("bulk JSONL line %d: a child object without __typename", line)
		}
		return sp.add(spoolRecord{key: key, typename: head.typename, root: root, line: line, body: b})
	})
	if err != nil {
		return err
	}
	for _, p := range sp.parts {
		if p == nil {
			continue
		}
		if err := p.joinWithin(sp.dir, partBytes, 1, childField, fn); err != nil {
			return err
		}
	}
	return nil
}

// eachLine calls fn with every non-empty line of a JSONL stream.
func eachLine(r io.Reader, fn func(line int, b []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if err := fn(line, b); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("bulk JSONL: %w", err)
	}
	return nil
}

// spoolBuffer is each spool file's write buffer: writes of 4 KiB were a
// system call per few lines of a back-fill, and 16 KiB for each of
// bulkPartitions files is a few megabytes, whatever the shop's size.
const spoolBuffer = 16 << 10

// spool is a bulk file spread over files on disk by a key.
type spool struct {
	dir   string
	parts []*spoolPart
	// level tells the hash of a spool of one of another's partitions
	// (partitionOf) from its parent's, which put all its keys in one file.
	level byte
}

// newSpool makes a spool of n partitions in a new folder inside parent
// ("": the system's temporary folder).
func newSpool(parent string, n int) (*spool, error) {
	dir, err := os.MkdirTemp(parent, "shopqb-bulk-")
	if err != nil {
		return nil, fmt.Errorf("bulk JSONL: spool: %w", err)
	}
	return &spool{dir: dir, parts: make([]*spoolPart, n)}, nil
}

func (sp *spool) close() {
	for _, p := range sp.parts {
		if p != nil {
			p.f.Close()
		}
	}
	os.RemoveAll(sp.dir)
}

// add writes one record under its key.
func (sp *spool) add(r spoolRecord) error {
	i := sp.partitionOf(r.key)
	if sp.parts[i] == nil {
		f, err := os.Create(fmt.Sprintf("%s/%03d", sp.dir, i))
		if err != nil {
			return fmt.Errorf("bulk JSONL: spool: %w", err)
		}
		sp.parts[i] = &spoolPart{f: f, w: bufio.NewWriterSize(f, spoolBuffer)}
	}
	return sp.parts[i].write(r)
}

// each calls fn with every line spooled under key, in file order.
func (sp *spool) each(key string, fn func([]byte) error) error {
	p := sp.parts[sp.partitionOf(key)]
	if p == nil {
		return nil
	}
	recs, err := p.records()
	if err != nil {
		return err
	}
	for _, r := range recs {
		if r.key == key {
			if err := fn(r.body); err != nil {
				return err
			}
		}
	}
	return nil
}

func (sp *spool) partitionOf(key string) int {
	h := uint32(2166136261) // FNV-1a, over the level (below the top) and the key
	if sp.level > 0 {
		// Ahead of the key, so the whole hash differs from the parent's;
		// after it, every key of one parent file would still share its
		// remainder by any power of two.
		h ^= uint32(sp.level)
		h *= 16777619
	}
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return int(h % uint32(len(sp.parts)))
}

// spoolPart is one partition file: records of
// [key len][key][typename len][typename][root flag][line number][line len][line].
type spoolPart struct {
	f *os.File
	w *bufio.Writer
	// size is how many bytes were written.
	size int64
}

func (p *spoolPart) write(r spoolRecord) error {
	var hdr [4]byte
	size := func(n int) {
		binary.LittleEndian.PutUint32(hdr[:], uint32(n))
		p.w.Write(hdr[:])
	}
	// Strings are written as they are: a []byte of each was an
	// allocation per line.
	size(len(r.key))
	p.w.WriteString(r.key)
	size(len(r.typename))
	p.w.WriteString(r.typename)
	flag := byte(0)
	if r.root {
		flag = 1
	}
	p.w.WriteByte(flag)
	size(r.line)
	size(len(r.body))
	p.w.Write(r.body)
	p.size += int64(4+len(r.key)+4+len(r.typename)+1+4+4) + int64(len(r.body))
	return nil
}

// joinWithin joins the partition, first spreading it over as many files
// as keep each within partBytes when it is larger: by key, so a root and
// its children stay together. A part still larger (a key of more than
// partBytes) is joined as it is after a second spread.
func (p *spoolPart) joinWithin(dir string, partBytes int64, level byte, childField func(string) (string, error), fn func(json.RawMessage) error) error {
	if p.size <= partBytes || level > 2 {
		return p.join(childField, fn)
	}
	sub, err := newSpool(dir, int(p.size/partBytes)+1)
	if err != nil {
		return err
	}
	defer sub.close()
	sub.level = level
	if err := p.eachRecord(sub.add); err != nil {
		return err
	}
	for _, sp := range sub.parts {
		if sp == nil {
			continue
		}
		if err := sp.joinWithin(sub.dir, partBytes, level+1, childField, fn); err != nil {
			return err
		}
	}
	return nil
}

// eachRecord streams the partition's records back, one in memory at a time.
func (p *spoolPart) eachRecord(fn func(spoolRecord) error) error {
	if err := p.w.Flush(); err != nil {
		return fmt.Errorf("bulk JSONL: spool: %w", err)
	}
	f, err := os.Open(p.f.Name())
	if err != nil {
		return fmt.Errorf("bulk JSONL: spool: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	var hdr [4]byte
	var buf []byte
	next := func() ([]byte, error) {
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return nil, err
		}
		n := int(binary.LittleEndian.Uint32(hdr[:]))
		if cap(buf) < n {
			buf = make([]byte, n)
		}
		buf = buf[:n]
		_, err := io.ReadFull(br, buf)
		return buf, err
	}
	for {
		var r spoolRecord
		key, err := next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("bulk JSONL: spool: %w", err)
		}
		r.key = string(key)
		typename, err := next()
		if err != nil {
			return fmt.Errorf("bulk JSONL: spool: %w", err)
		}
		r.typename = string(typename)
		flag, err := br.ReadByte()
		if err != nil {
			return fmt.Errorf("bulk JSONL: spool: %w", err)
		}
		r.root = flag == 1
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return fmt.Errorf("bulk JSONL: spool: %w", err)
		}
		r.line = int(binary.LittleEndian.Uint32(hdr[:]))
		if r.body, err = next(); err != nil {
			return fmt.Errorf("bulk JSONL: spool: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
}

// records reads the partition back.
func (p *spoolPart) records() ([]spoolRecord, error) {
	if err := p.w.Flush(); err != nil {
		return nil, fmt.Errorf("bulk JSONL: spool: %w", err)
	}
	buf, err := os.ReadFile(p.f.Name())
	if err != nil {
		return nil, fmt.Errorf("bulk JSONL: spool: %w", err)
	}
	var recs []spoolRecord
	// A root's children follow it, so most records repeat the key before
	// them, and type names are few: both share one string rather than
	// allocate one per record.
	typenames := map[string]string{}
	for off := 0; off < len(buf); {
		next := func() []byte {
			n := int(binary.LittleEndian.Uint32(buf[off:]))
			s := buf[off+4 : off+4+n]
			off += 4 + n
			return s
		}
		var r spoolRecord
		if key := next(); len(recs) > 0 && recs[len(recs)-1].key == string(key) {
			r.key = recs[len(recs)-1].key
		} else {
			r.key = string(key)
		}
		typename := next()
		if t, ok := typenames[string(typename)]; ok {
			r.typename = t
		} else {
			r.typename = string(typename)
			typenames[r.typename] = r.typename
		}
		r.root = buf[off] == 1
		r.line = int(binary.LittleEndian.Uint32(buf[off+1:]))
		off += 5
		r.body = next()
		recs = append(recs, r)
	}
	return recs, nil
}

type spoolRecord struct {
	key, typename string
	root          bool
	line          int
	body          []byte
}

// join reads the partition back and hands out its roots with their
// children spliced in.
func (p *spoolPart) join(childField func(string) (string, error), fn func(json.RawMessage) error) error {
	recs, err := p.records()
	if err != nil {
		return err
	}
	children := map[string][]int{}
	for i, r := range recs {
		if !r.root {
			children[r.key] = append(children[r.key], i)
		}
	}
	roots := map[string]bool{}
	var out []byte
	// A root's children by field, in the order the fields first come;
	// kept from root to root, emptied, rather than made for each.
	var fields []string
	byField := map[string][]int{}
	for _, r := range recs {
		if !r.root {
			continue
		}
		roots[r.key] = true
		out = append(out[:0], r.body[:len(r.body)-1]...) // drop the closing brace
		for _, f := range fields {
			byField[f] = byField[f][:0]
		}
		fields = fields[:0]
		for _, ci := range children[r.key] {
			field, err := childField(recs[ci].typename)
			if err != nil {
				return fmt.Errorf("bulk JSONL line %d: %w", recs[ci].line, err)
			}
			if len(byField[field]) == 0 {
				fields = append(fields, field)
			}
			byField[field] = append(byField[field], ci)
		}
		for _, field := range fields {
			if len(out) > 1 {
				out = append(out, ',')
			}
			out = strconv.AppendQuote(out, field)
			out = append(out, ':', '[')
			for k, ci := range byField[field] {
				if k > 0 {
					out = append(out, ',')
				}
				out = append(out, recs[ci].body...)
			}
			out = append(out, ']')
		}
		out = append(out, '}')
		if err := fn(out); err != nil {
			return err
		}
	}
	for key, cs := range children {
		if !roots[key] {
			return fmt.Errorf("bulk JSONL line %d: parent %s is not a root object in the file (Shopify nests bulk connections two levels deep at most)", recs[cs[0]].line, key)
		}
	}
	return nil
}

// topLevel is what the join needs of a JSONL line.
type topLevel struct{ id, parent, typename string }

// shared is whichever of t's strings has text as its value, so that a line
// naming what the line before it named (a child after its parent or a
// sibling: its parent's id, its type) shares its string.
func (t topLevel) shared(text []byte) (string, bool) {
	for _, s := range [...]string{t.id, t.parent, t.typename} {
		if s != "" && s == string(text) {
			return s, true
		}
	}
	return "", false
}

// scanTopLevel reads the id, __parentId and __typename string members of a
// JSON object without decoding the rest: the join touches every line of a
// back-fill, and a full decode of each would dominate its cost. prev is
// the line before (see topLevel.shared).
func scanTopLevel(b []byte, prev topLevel) (topLevel, error) {
	var t topLevel
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return t, errors.New("not a JSON object")
	}
	i++
	for {
		i = skipSpace(b, i)
		if i < len(b) && b[i] == '}' {
			return t, nil
		}
		if i >= len(b) || b[i] != '"' {
			return t, errors.New("malformed object")
		}
		kEnd, err := stringEnd(b, i)
		if err != nil {
			return t, err
		}
		key := b[i+1 : kEnd-1]
		i = skipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return t, errors.New("malformed object")
		}
		i = skipSpace(b, i+1)
		vEnd, err := valueEnd(b, i)
		if err != nil {
			return t, err
		}
		if b[i] == '"' {
			var dst *string
			switch string(key) {
			case "id":
				dst = &t.id
			case "__parentId":
				dst = &t.parent
			case "__typename":
				dst = &t.typename
			}
			switch {
			case dst == nil:
			case plainString(b[i:vEnd]):
				// Ids and type names are plain ASCII: their value is their
				// text, and a decoder call per member showed in profiles.
				if same, ok := prev.shared(b[i+1 : vEnd-1]); ok {
					*dst = same
				} else {
					*dst = string(b[i+1 : vEnd-1])
				}
			default:
				if err := json.Unmarshal(b[i:vEnd], dst); err != nil {
					return t, err
				}
			}
		}
		i = skipSpace(b, vEnd)
		if i < len(b) && b[i] == ',' {
			i++
			continue
		}
		if i < len(b) && b[i] == '}' {
			return t, nil
		}
		return t, errors.New("malformed object")
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index just past the string starting at b[i] == '"'.
func stringEnd(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, errors.New("unterminated string")
}

// valueEnd returns the index just past the JSON value starting at b[i].
func valueEnd(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errors.New("missing value")
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, err := stringEnd(b, j)
				if err != nil {
					return 0, err
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errors.New("unterminated value")
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' {
		j++
	}
	if j == i {
		return 0, errors.New("missing value")
	}
	return j, nil
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
	case strings.HasSuffix(typename, "Agreement"):
		return "agreements", nil
	}
	return "", fmt.Errorf("unexpected child type %q in orders bulk file", typename)
}

// BulkOrders back-fills every order updated in q with one bulk operation
// (poll is the status polling interval), then reads by id, in batches as
// large as the cost cap allows, what a bulk query cannot carry (see
// BulkOrders.graphql and followUps): refunds' details with RefundsByID and
// edits' sales with OrderEditSales. Orders without either are handed on as
// they are joined; the others wait for a batch of at most a few orders.
func (c *Client) BulkOrders(ctx context.Context, q OrdersQuery, poll time.Duration, fn func(*Order) error) error {
	doc, err := withFilter(BulkQueryOrders, UpdatedRange(q).searchQuery())
	if err != nil {
		return err
	}
	body, err := c.runBulk(ctx, doc, poll)
	if err != nil || body == nil {
		return err
	}
	defer body.Close()
	b := newFollowUps(c, fn)
	err = RebuildBulk(body, orderChildField, func(root json.RawMessage) error {
		// A rebuilt root holds no connection objects (every connection's
		// nodes came as their own lines), so it decodes directly; the
		// tax rates' numbers are kept as text by TaxLine.UnmarshalJSON.
		var o Order
		if err := DecodeStored(root, &o); err != nil {
			return fmt.Errorf("decode bulk order: %w", err)
		}
		return b.add(ctx, &o)
	})
	if err != nil {
		return err
	}
	return b.flush(ctx)
}

// runBulk starts a bulk query, waits for it and opens its file; nil when
// nothing matched (Shopify gives no file then).
func (c *Client) runBulk(ctx context.Context, doc string, poll time.Duration) (io.ReadCloser, error) {
	started, err := c.StartBulkQuery(ctx, doc)
	if err != nil {
		return nil, err
	}
	done, err := c.WaitBulk(ctx, started.ID, poll)
	if err != nil {
		return nil, err
	}
	if done.URL == "" {
		return nil, nil
	}
	return c.DownloadBulk(ctx, done.URL)
}

// hasEdit reports whether the order has an ORDER_EDIT agreement.
func hasEdit(o *Order) bool {
	for _, a := range o.Agreements {
		if a.Reason == reasonOrderEdit {
			return true
		}
	}
	return false
}

// reasonOrderEdit is the agreement reason whose sales shopqb books.
const reasonOrderEdit = "ORDER_EDIT"

// settle gives an order read by any path the same form: empty lists are
// nil (a bulk file omits an empty connection; a page returns []), and only
// edits keep their sales (keepEditSalesOnly).
func settle(o *Order) {
	if len(o.LineItems) == 0 {
		o.LineItems = nil
	}
	if len(o.ShippingLines) == 0 {
		o.ShippingLines = nil
	}
	if len(o.DiscountApplications) == 0 {
		o.DiscountApplications = nil
	}
	if len(o.Transactions) == 0 {
		o.Transactions = nil
	}
	if len(o.Refunds) == 0 {
		o.Refunds = nil
	}
	if len(o.Agreements) == 0 {
		o.Agreements = nil
	}
	keepEditSalesOnly(o)
}

// keepEditSalesOnly empties the sales of every agreement but the order's
// edits. shopqb books an order, its refunds and returns from the order and
// its refunds; only an edit is booked from its agreement's sales. Reading
// the other sales would cost a request per order on a back-fill (bulk
// queries cannot nest agreements > sales), so no path keeps them, and the
// bulk and paged reads of one order give the same snapshot.
func keepEditSalesOnly(o *Order) {
	for i := range o.Agreements {
		if o.Agreements[i].Reason != reasonOrderEdit {
			o.Agreements[i].Sales = nil
		}
	}
}
