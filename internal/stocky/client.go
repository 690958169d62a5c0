// Package stocky reads purchase orders, suppliers, stock adjustments and
// transfers from Stocky, Shopify's retired inventory app: from its v2 API
// while a key still answers, otherwise from an archive of v2 JSON files.
// Stocky and its API stopped on 2026-08-31, so every failure of the API
// points the merchant at the archive import rather than ending in a crash.
package stocky

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultBaseURL is Stocky's API host.
const DefaultBaseURL = "https://stocky.shopifyapps.com"

// Config configures a Client.
type Config struct {
	// StoreName is the shop's myshopify domain, sent as Store-Name.
	StoreName string
	// APIKey is the key from Stocky's Preferences › API access.
	APIKey string
	// BaseURL overrides DefaultBaseURL (the simulator, a test).
	BaseURL string
	HTTP    *http.Client
	// PageSize is the limit per request (Stocky allows 1–250; default 250).
	PageSize int
	// Dates says how to read Stocky's locale-formatted dates.
	Dates DateConvention
	Log   *slog.Logger
}

// Client reads the Stocky v2 API.
type Client struct {
	cfg   Config
	base  string
	http  *http.Client
	sleep func(ctx context.Context, d time.Duration) error
}

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) {
	if cfg.StoreName == "" {
		return nil, errors.New("stocky: store name (the myshopify domain) is required")
	}
	if cfg.APIKey == "" {
		return nil, errors.New("stocky: API key is required")
	}
	if cfg.PageSize <= 0 || cfg.PageSize > 250 {
		cfg.PageSize = 250
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	hc := cfg.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Client{cfg: cfg, base: base, http: hc, sleep: sleepContext}, nil
}

// ErrUseArchive is matched (errors.Is) by every error meaning "the Stocky
// API cannot be used; import an archive instead".
var ErrUseArchive = errors.New("use a Stocky archive import")

// UnavailableError explains why the Stocky API cannot be read.
type UnavailableError struct {
	Reason     string
	StatusCode int // 0 for network failures
	Err        error
}

func (e *UnavailableError) Error() string {
	return "stocky: " + e.Reason + ". Stocky and its API were retired on 2026-08-31: export the Stocky data as v2 JSON " +
		"(one folder of .json files) and use the Stocky archive import instead"
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrUseArchive) true.
func (e *UnavailableError) Is(target error) bool { return target == ErrUseArchive }

const maxAttempts = 3

// get fetches path with query and returns the body of a 200 answer.
func (c *Client) get(ctx context.Context, path string, q url.Values) ([]byte, error) {
	u := c.base + "/api/v2/" + path + ".json"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var last error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if attempt > 0 {
			d := time.Duration(500+rand.IntN(500)) * time.Millisecond << (attempt - 1)
			if err := c.sleep(ctx, d); err != nil {
				return nil, err
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Store-Name", c.cfg.StoreName)
		req.Header.Set("Authorization", "API KEY="+c.cfg.APIKey)
		req.Header.Set("Accept", "application/json")
		res, err := c.http.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			var dns *net.DNSError
			if errors.As(err, &dns) {
				return nil, &UnavailableError{Reason: "the Stocky API host " + dns.Name + " does not resolve any more", Err: err}
			}
			last = err
			continue
		}
		body, rerr := io.ReadAll(io.LimitReader(res.Body, 64<<20))
		res.Body.Close()
		switch {
		case res.StatusCode == http.StatusOK && rerr == nil:
			return body, nil
		case res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden:
			return nil, &UnavailableError{StatusCode: res.StatusCode,
				Reason: fmt.Sprintf("Stocky refused the API key for %s (HTTP %d); check Store-Name and the key, or the key stopped working with the retirement", c.cfg.StoreName, res.StatusCode)}
		case res.StatusCode == http.StatusGone || res.StatusCode == http.StatusNotFound:
			return nil, &UnavailableError{StatusCode: res.StatusCode, Reason: fmt.Sprintf("the Stocky API answered HTTP %d for %s: it is gone", res.StatusCode, path)}
		case res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests || rerr != nil:
			last = fmt.Errorf("HTTP %d", res.StatusCode)
			if rerr != nil {
				last = rerr
			}
			continue
		default:
			return nil, fmt.Errorf("stocky %s: HTTP %d: %s", path, res.StatusCode, truncate(body))
		}
	}
	return nil, &UnavailableError{Reason: fmt.Sprintf("the Stocky API did not answer %s after %d attempts (%v)", path, maxAttempts, last), Err: last}
}

// list pages through a resource with limit and since_id, calling each for
// every record's raw JSON in id order. Stocky's paging is documented only
// loosely, so the walk guards itself: the next since_id is the largest id
// seen, a record is delivered once, and a page without a new id ends it.
func (c *Client) list(ctx context.Context, res resource, each func(json.RawMessage) error) error {
	var since int64
	seen := map[int64]bool{}
	for {
		q := url.Values{"limit": {strconv.Itoa(c.cfg.PageSize)}}
		if since > 0 {
			q.Set("since_id", strconv.FormatInt(since, 10))
		}
		body, err := c.get(ctx, res.path, q)
		if err != nil {
			return err
		}
		items, err := listItems(body, res.plural)
		if err != nil {
			return fmt.Errorf("stocky %s: %w", res.path, err)
		}
		fresh := 0
		next := since
		for _, raw := range items {
			id, err := recordID(raw)
			if err != nil {
				return fmt.Errorf("stocky %s: %w", res.path, err)
			}
			next = max(next, id)
			if seen[id] {
				continue
			}
			seen[id] = true
			fresh++
			if err := each(raw); err != nil {
				return err
			}
		}
		if len(items) < c.cfg.PageSize || fresh == 0 || next == since {
			return nil
		}
		since = next
	}
}

// listItems returns the records of a list answer: {"<plural>": [...]} or a
// bare array.
func listItems(body []byte, plural string) ([]json.RawMessage, error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(body, &items); err != nil {
			return nil, fmt.Errorf("decode list: %w", err)
		}
		return items, nil
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("decode list: %w", err)
	}
	raw, ok := env[plural]
	if !ok {
		return nil, fmt.Errorf("answer has no %q list", plural)
	}
	var items []json.RawMessage
	if string(raw) == "null" {
		return nil, nil
	}
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("decode %s: %w", plural, err)
	}
	return items, nil
}

// recordID reads a record's numeric id, number or string.
func recordID(raw json.RawMessage) (int64, error) {
	var r struct {
		ID ID `json:"id"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return 0, fmt.Errorf("record id: %w", err)
	}
	id, err := strconv.ParseInt(string(r.ID), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("record id %q is not numeric", r.ID)
	}
	return id, nil
}

// decodeRecord decodes raw into v and keeps raw on the record.
func decodeRecord[T any](raw json.RawMessage, setRaw func(*T, json.RawMessage)) (*T, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	setRaw(&v, append(json.RawMessage(nil), raw...))
	return &v, nil
}

// PurchaseOrders calls fn for every purchase order.
func (c *Client) PurchaseOrders(ctx context.Context, fn func(*PurchaseOrder) error) error {
	return c.list(ctx, resPurchaseOrders, func(raw json.RawMessage) error {
		po, err := decodeRecord(raw, func(p *PurchaseOrder, r json.RawMessage) { p.Raw = r })
		if err != nil {
			return fmt.Errorf("stocky purchase order: %w", err)
		}
		return fn(po)
	})
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
