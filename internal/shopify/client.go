// Package shopify is shopqb's client for the Shopify Admin GraphQL API: the
// operations it sends (embedded .graphql files validated against the real
// schema in tests), cost-based throttling, retries, pagination, bulk
// operations, authentication and webhooks. The documents it returns are the
// types in model.go.
package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultAPIVersion is the Admin API version shopqb pins. Pinning matters:
// Shopify silently "falls forward" on retired versions, and payload shapes
// change between versions.
const DefaultAPIVersion = "2026-10"

// ClientConfig configures a Client for one shop.
type ClientConfig struct {
	// ShopDomain is example.myshopify.com.
	ShopDomain string
	// BaseURL overrides https://<ShopDomain>, e.g. the simulator's URL.
	BaseURL string
	// APIVersion defaults to DefaultAPIVersion. Operations that need another
	// version (purchase orders on "unstable") carry their own.
	APIVersion string
	// Token supplies the access token for every request.
	Token TokenSource
	// HTTP defaults to a client with a 60 s timeout.
	HTTP *http.Client
	// Log defaults to slog.Default(). Tokens never reach it.
	Log *slog.Logger
	// Trace, when set, is called once per operation with its text and
	// variables (the demo's --trace writes them to a file).
	Trace func(op string, query string, vars map[string]any)
	// MaxAttempts bounds retries of one operation (throttling, 5xx, network
	// errors). Defaults to 8.
	MaxAttempts int
	// Clock, when set, replaces the wall clock the client paces itself by
	// (the benchmark's modelled clock, which adds waits instead of sleeping).
	Clock Clock
}

// Clock is the time the client waits by.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx ends. why says what for: WaitBucket (the
	// cost bucket is short), WaitRetry (throttled, a 5xx, a network error)
	// or WaitBulkPoll (a bulk operation is running).
	Sleep(ctx context.Context, d time.Duration, why string) error
}

// The reasons a client waits, as given to Clock.Sleep.
const (
	WaitBucket   = "bucket"
	WaitRetry    = "retry"
	WaitBulkPoll = "bulk poll"
)

// Client talks to one shop's Admin GraphQL API. It is safe for concurrent
// use; all goroutines share the shop's cost bucket.
type Client struct {
	cfg      ClientConfig
	base     string
	http     *http.Client
	log      *slog.Logger
	attempts int

	mu        sync.Mutex
	bucket    ThrottleStatus
	bucketAt  time.Time
	requested map[string]int // highest requestedQueryCost per operation name

	// sleep and now are replaced in tests.
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time
}

// wait sleeps d for why, on the configured clock.
func (c *Client) wait(ctx context.Context, d time.Duration, why string) error {
	if c.cfg.Clock != nil {
		return c.cfg.Clock.Sleep(ctx, d, why)
	}
	return c.sleep(ctx, d)
}

// ThrottleStatus is Shopify's report of the shop's cost bucket, taken from
// extensions.cost.throttleStatus of the latest response. Its numbers are the
// only source of truth: bucket sizes differ per plan and change over time.
type ThrottleStatus struct {
	MaximumAvailable   float64 `json:"maximumAvailable"`
	CurrentlyAvailable float64 `json:"currentlyAvailable"`
	RestoreRate        float64 `json:"restoreRate"`
}

// NewClient checks cfg and returns a Client.
func NewClient(cfg ClientConfig) (*Client, error) {
	if cfg.ShopDomain == "" && cfg.BaseURL == "" {
		return nil, errors.New("shopify client: ShopDomain or BaseURL is required")
	}
	if cfg.BaseURL == "" {
		if err := ValidateShopDomain(cfg.ShopDomain); err != nil {
			return nil, fmt.Errorf("shopify client: %w", err)
		}
	}
	if cfg.Token == nil {
		return nil, errors.New("shopify client: Token is required")
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = DefaultAPIVersion
	}
	c := &Client{
		cfg:       cfg,
		base:      shopBaseURL(cfg.ShopDomain, cfg.BaseURL),
		http:      cfg.HTTP,
		log:       cfg.Log,
		attempts:  cfg.MaxAttempts,
		requested: map[string]int{},
		sleep:     sleepContext,
		now:       time.Now,
	}
	if cfg.Clock != nil {
		c.now = cfg.Clock.Now
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: 60 * time.Second}
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	if c.attempts <= 0 {
		c.attempts = 8
	}
	return c, nil
}

// shopBaseURL is the origin requests go to: the override, or the shop itself.
func shopBaseURL(domain, override string) string {
	if override != "" {
		return strings.TrimRight(override, "/")
	}
	return "https://" + domain
}

// Throttle returns the last reported state of the shop's cost bucket.
func (c *Client) Throttle() ThrottleStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bucket
}

// RequestedCost returns the requestedQueryCost Shopify last reported for the
// named operation, or 0 if it has not run yet.
func (c *Client) RequestedCost(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requested[op]
}

// APIVersion returns the version used for operations that do not pin their own.
func (c *Client) APIVersion() string { return c.cfg.APIVersion }

// gqlRequest is the body of a GraphQL POST.
type gqlRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
}

// gqlResponse is the envelope of every GraphQL answer.
type gqlResponse struct {
	Data       json.RawMessage `json:"data"`
	Errors     []GQLError      `json:"errors"`
	Extensions struct {
		Cost *struct {
			RequestedQueryCost float64         `json:"requestedQueryCost"`
			ActualQueryCost    *float64        `json:"actualQueryCost"`
			ThrottleStatus     *ThrottleStatus `json:"throttleStatus"`
		} `json:"cost"`
	} `json:"extensions"`
}

// Do runs op with vars and decodes the response's data object into out (any
// JSON target; *json.RawMessage keeps it raw). Throttling, 5xx and network
// errors are retried within MaxAttempts; GraphQL errors come back typed
// (*AccessDeniedError, *GraphQLError, *ThrottledError, *HTTPError).
func (c *Client) Do(ctx context.Context, op *Operation, vars map[string]any, out any) error {
	if op == nil {
		return errors.New("shopify: nil operation")
	}
	if c.cfg.Trace != nil {
		c.cfg.Trace(op.Name, op.Query, vars)
	}
	body, err := json.Marshal(gqlRequest{Query: op.Query, OperationName: op.Name, Variables: vars})
	if err != nil {
		return fmt.Errorf("shopify %s: encode variables: %w", op.Name, err)
	}
	version := c.cfg.APIVersion
	if op.APIVersion != "" {
		version = op.APIVersion
	}
	url := c.base + "/admin/api/" + version + "/graphql.json"

	var lastErr error
	invalidated := false
	for attempt := 0; attempt < c.attempts; attempt++ {
		if err := c.waitForBucket(ctx, op); err != nil {
			return fmt.Errorf("shopify %s: %w", op.Name, err)
		}
		resp, wait, err := c.send(ctx, op.Name, url, body)
		if err == nil {
			err = c.handle(op, resp, out)
			if err == nil {
				return nil
			}
			if !retryable(err) {
				return err
			}
			var te *ThrottledError
			if errors.As(err, &te) {
				wait = te.RetryAfter
			}
		} else if !retryable(err) {
			// A rejected token that its source can renew (client
			// credentials) gets one fresh try.
			if inv, ok := c.cfg.Token.(interface{ Invalidate() }); ok && errors.Is(err, ErrUnauthorized) && !invalidated {
				invalidated = true
				inv.Invalidate()
				lastErr = err
				continue
			}
			return fmt.Errorf("shopify %s: %w", op.Name, err)
		}
		lastErr = err
		if attempt == c.attempts-1 {
			break
		}
		if wait <= 0 {
			wait = backoff(attempt)
		}
		c.log.Debug("shopify: retrying", "op", op.Name, "attempt", attempt+1, "wait", wait, "err", err)
		if err := c.wait(ctx, wait, WaitRetry); err != nil {
			return fmt.Errorf("shopify %s: %w (after %v)", op.Name, err, lastErr)
		}
	}
	return fmt.Errorf("shopify %s: giving up after %d attempts: %w", op.Name, c.attempts, lastErr)
}

// send makes one HTTP attempt. A non-nil error is a transport or HTTP-level
// failure; wait is the server's hint (Retry-After) for when to try again.
func (c *Client) send(ctx context.Context, op, url string, body []byte) (*gqlResponse, time.Duration, error) {
	tok, err := c.cfg.Token.Token(ctx)
	if err != nil {
		return nil, 0, &permanentError{fmt.Errorf("access token: %w", err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, 0, &permanentError{err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Shopify-Access-Token", tok.AccessToken.Reveal())
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, &permanentError{ctx.Err()}
		}
		return nil, 0, &transientError{err}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return nil, 0, &transientError{fmt.Errorf("read response: %w", err)}
	}
	wait := retryAfter(res.Header.Get("Retry-After"))
	switch {
	case res.StatusCode == http.StatusTooManyRequests:
		// A 429 may still carry the GraphQL body with throttleStatus, which
		// gives a better wait than Retry-After.
		var g gqlResponse
		if json.Unmarshal(raw, &g) == nil && (len(g.Errors) > 0 || g.Extensions.Cost != nil) {
			c.noteCost(op, &g)
			if w, ok := throttleWait(&g); ok {
				wait = w
			}
		}
		return nil, wait, &transientError{&HTTPError{StatusCode: res.StatusCode, Body: snippet(raw)}}
	case res.StatusCode >= 500:
		return nil, wait, &transientError{&HTTPError{StatusCode: res.StatusCode, Body: snippet(raw)}}
	case res.StatusCode != http.StatusOK:
		return nil, 0, &HTTPError{StatusCode: res.StatusCode, Body: snippet(raw)}
	}
	var g gqlResponse
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, 0, &transientError{fmt.Errorf("decode response: %w", err)}
	}
	return &g, 0, nil
}

// handle interprets one decoded response: cost bookkeeping, errors, data.
func (c *Client) handle(op *Operation, g *gqlResponse, out any) error {
	c.noteCost(op.Name, g)
	if len(g.Errors) > 0 {
		return classifyErrors(op.Name, g)
	}
	if out == nil {
		return nil
	}
	if len(g.Data) == 0 || string(g.Data) == "null" {
		return fmt.Errorf("shopify %s: response has no data", op.Name)
	}
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = append((*raw)[:0], g.Data...)
		return nil
	}
	if err := json.Unmarshal(g.Data, out); err != nil {
		return fmt.Errorf("shopify %s: decode data: %w", op.Name, err)
	}
	return nil
}

// noteCost records the bucket state and the operation's requested cost.
func (c *Client) noteCost(op string, g *gqlResponse) {
	cost := g.Extensions.Cost
	if cost == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cost.ThrottleStatus != nil {
		c.bucket = *cost.ThrottleStatus
		c.bucketAt = c.now()
	}
	// The most an operation has asked for: its variables (a batch of ids,
	// a page size) can make the next request dearer than the last.
	if op != "" && int(cost.RequestedQueryCost) > c.requested[op] {
		c.requested[op] = int(cost.RequestedQueryCost)
	}
}

// waitForBucket delays a request whose cost the bucket cannot cover yet,
// projecting the last reported level forward at the reported restore rate.
// The cost is the most the operation has requested so far, or its own Cost
// when that is more (a batch dearer than the last); for an operation not
// yet sent and of unknown cost it is Shopify's cap on any single query
// (1,000 points), so even a first request is never refused for cost. It
// only ever uses numbers Shopify reported; before the first response it
// does not wait.
func (c *Client) waitForBucket(ctx context.Context, o *Operation) error {
	op := o.Name
	c.mu.Lock()
	need := float64(max(c.requested[op], o.Cost))
	b := c.bucket
	at := c.bucketAt
	c.mu.Unlock()
	if need == 0 {
		need = maxQueryCost
	}
	if b.RestoreRate <= 0 || at.IsZero() {
		return nil
	}
	need = min(need, b.MaximumAvailable)
	elapsed := c.now().Sub(at).Seconds()
	avail := min(b.MaximumAvailable, b.CurrentlyAvailable+elapsed*b.RestoreRate)
	if avail >= need {
		return nil
	}
	wait := time.Duration((need - avail) / b.RestoreRate * float64(time.Second))
	c.log.Debug("shopify: waiting for cost bucket", "op", op, "need", need, "available", avail, "wait", wait)
	return c.wait(ctx, wait, WaitBucket)
}

// maxQueryCost is the most points Shopify lets any single query request.
const maxQueryCost = 1000

// throttleWait is how long until the bucket holds the requested cost:
// (requested - currentlyAvailable) / restoreRate.
func throttleWait(g *gqlResponse) (time.Duration, bool) {
	cost := g.Extensions.Cost
	if cost == nil || cost.ThrottleStatus == nil || cost.ThrottleStatus.RestoreRate <= 0 {
		return 0, false
	}
	ts := cost.ThrottleStatus
	deficit := cost.RequestedQueryCost - ts.CurrentlyAvailable
	if deficit <= 0 {
		// The bucket refilled between Shopify's check and its report; one
		// restore tick is enough.
		deficit = 1
	}
	return time.Duration(deficit / ts.RestoreRate * float64(time.Second)), true
}

// backoff is exponential with full jitter: 0.5 s, 1 s, 2 s … capped at 30 s.
func backoff(attempt int) time.Duration {
	ceiling := 500 * time.Millisecond << min(attempt, 6)
	ceiling = min(ceiling, 30*time.Second)
	return ceiling/2 + rand.N(ceiling/2+1)
}

// retryAfter parses a Retry-After header in (possibly fractional) seconds.
func retryAfter(h string) time.Duration {
	if h == "" {
		return 0
	}
	s, err := strconv.ParseFloat(strings.TrimSpace(h), 64)
	if err != nil || s < 0 || s > 3600 {
		return 0
	}
	return time.Duration(s * float64(time.Second))
}

// sleepContext waits d or until ctx ends.
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

// snippet keeps error bodies short enough for logs and messages.
func snippet(b []byte) string {
	const max = 512
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
