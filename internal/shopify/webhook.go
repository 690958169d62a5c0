package shopify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Webhook is one verified-or-not delivery. shopqb treats it as a hint: the
// object named by ResourceGID is re-read over GraphQL, because payloads are
// REST-shaped, may be stale (retries carry the original payload) and may
// arrive late or never.
type Webhook struct {
	Topic       string // e.g. orders/updated
	ShopDomain  string
	WebhookID   string // X-Shopify-Webhook-Id: one per delivery attempt series
	EventID     string // X-Shopify-Event-Id: one per event across subscriptions
	TriggeredAt time.Time
	APIVersion  string
	Name        string // X-Shopify-Name, the subscription's name, if any
	// HMAC is the X-Shopify-Hmac-Sha256 header as sent.
	HMAC string
	// ResourceID is the payload's numeric "id" as text; ResourceGID its
	// admin_graphql_api_id. Either may be empty (compliance payloads).
	ResourceID  string
	ResourceGID string
	// Body is the raw payload, exactly as signed.
	Body []byte
}

// Compliance reports whether w is one of the mandatory privacy topics.
func (w *Webhook) Compliance() bool {
	switch w.Topic {
	case "customers/data_request", "customers/redact", "shop/redact":
		return true
	}
	return false
}

// VerifyWebhook reports whether hmacHeader is the base64 HMAC-SHA256 of
// body under any of secrets (the current one and, during a rotation, the
// previous one). Every secret is tried, so timing does not reveal which
// matched; each comparison is constant-time.
func VerifyWebhook(secrets [][]byte, body []byte, hmacHeader string) bool {
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(hmacHeader))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	ok := false
	for _, s := range secrets {
		if len(s) == 0 {
			continue
		}
		h := hmac.New(sha256.New, s)
		h.Write(body)
		if hmac.Equal(h.Sum(nil), got) {
			ok = true
		}
	}
	return ok
}

// ErrWebhookTooLarge is returned by ParseWebhook for a body over the limit.
var ErrWebhookTooLarge = errors.New("webhook body too large")

// ParseWebhook reads a delivery's headers and raw body (at most maxBody
// bytes). It does not verify the signature: pass Body and HMAC to
// VerifyWebhook with the shop's secrets before trusting anything in it.
// The id hints are taken from the payload if it is a JSON object; a body
// that is not is kept as is, with no hints.
func ParseWebhook(r *http.Request, maxBody int64) (*Webhook, error) {
	if maxBody <= 0 {
		maxBody = 1 << 20
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read webhook body: %w", err)
	}
	if int64(len(body)) > maxBody {
		return nil, ErrWebhookTooLarge
	}
	h := r.Header
	w := &Webhook{
		Topic:      strings.TrimSpace(h.Get("X-Shopify-Topic")),
		ShopDomain: strings.TrimSpace(h.Get("X-Shopify-Shop-Domain")),
		WebhookID:  strings.TrimSpace(h.Get("X-Shopify-Webhook-Id")),
		EventID:    strings.TrimSpace(h.Get("X-Shopify-Event-Id")),
		APIVersion: strings.TrimSpace(h.Get("X-Shopify-API-Version")),
		Name:       strings.TrimSpace(h.Get("X-Shopify-Name")),
		HMAC:       strings.TrimSpace(h.Get("X-Shopify-Hmac-Sha256")),
		Body:       body,
	}
	if w.Topic == "" {
		return nil, errors.New("webhook: X-Shopify-Topic missing")
	}
	if w.ShopDomain == "" {
		return nil, errors.New("webhook: X-Shopify-Shop-Domain missing")
	}
	if ts := strings.TrimSpace(h.Get("X-Shopify-Triggered-At")); ts != "" {
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			return nil, fmt.Errorf("webhook: X-Shopify-Triggered-At %q: %w", ts, err)
		}
		w.TriggeredAt = t
	}
	w.ResourceID, w.ResourceGID = payloadIDs(body)
	return w, nil
}

// payloadIDs extracts "id" (kept as text: REST ids exceed float precision)
// and "admin_graphql_api_id" from a JSON object body.
func payloadIDs(body []byte) (id, gid string) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var p struct {
		ID  any    `json:"id"`
		GID string `json:"admin_graphql_api_id"`
	}
	if dec.Decode(&p) != nil {
		return "", ""
	}
	switch v := p.ID.(type) {
	case json.Number:
		id = v.String()
	case string:
		id = v
	}
	return id, p.GID
}

// webhookTopics are the topics shopqb subscribes to; "x/*" accepts any
// topic under x/.
var webhookTopics = []string{
	"orders/*", "refunds/create", "customers/*", "products/*", "inventory_levels/*",
	"app/uninstalled", "bulk_operations/finish", "shop/redact",
	// customers/data_request and customers/redact are under customers/*.
}

// KnownWebhookTopic reports whether shopqb handles topic.
func KnownWebhookTopic(topic string) bool {
	for _, t := range webhookTopics {
		if prefix, ok := strings.CutSuffix(t, "*"); ok {
			if strings.HasPrefix(topic, prefix) && len(topic) > len(prefix) {
				return true
			}
		} else if topic == t {
			return true
		}
	}
	return false
}

// WebhookConfig wires the webhook endpoint to the rest of shopqb.
type WebhookConfig struct {
	// Secrets returns the app secrets valid for shopDomain: the current
	// one, plus the previous one during a rotation (Shopify can take up to
	// an hour to switch). An unknown shop returns no secrets.
	Secrets func(shopDomain string) ([][]byte, error)
	// Seen reports whether this delivery (webhook id) or event (event id)
	// was already enqueued. It only checks: Enqueue must be idempotent by
	// WebhookID, so a retry after a failed Enqueue is not lost.
	Seen func(ctx context.Context, shopDomain, webhookID, eventID string) (bool, error)
	// Enqueue hands the delivery to the job queue. It must be quick:
	// Shopify waits 5 s at most and retries on anything but 2xx.
	Enqueue func(ctx context.Context, w *Webhook) error
	// MaxBody bounds a payload (default 1 MiB).
	MaxBody int64
	Log     *slog.Logger
}

// NewWebhookHandler returns the endpoint Shopify delivers webhooks to. It
// answers 401 on a bad signature (as compliance topics require), 200 at
// once on duplicates and after enqueueing, 200 without enqueueing for a
// topic shopqb does not handle (so Shopify does not retry it), and 500
// when enqueueing fails so Shopify retries.
func NewWebhookHandler(cfg WebhookConfig) http.Handler {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			rw.Header().Set("Allow", http.MethodPost)
			http.Error(rw, "POST only", http.StatusMethodNotAllowed)
			return
		}
		w, err := ParseWebhook(r, cfg.MaxBody)
		if errors.Is(err, ErrWebhookTooLarge) {
			http.Error(rw, "payload too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err != nil {
			// Without topic and shop there is no secret to verify with.
			http.Error(rw, "unauthorized", http.StatusUnauthorized)
			return
		}
		if ValidateShopDomain(w.ShopDomain) != nil {
			http.Error(rw, "unauthorized", http.StatusUnauthorized)
			return
		}
		secrets, err := cfg.Secrets(w.ShopDomain)
		if err != nil {
			cfg.Log.Error("webhook: secrets lookup failed", "shop", w.ShopDomain, "err", err)
			http.Error(rw, "temporarily unavailable", http.StatusServiceUnavailable)
			return
		}
		if !VerifyWebhook(secrets, w.Body, w.HMAC) {
			cfg.Log.Warn("webhook: bad signature", "shop", w.ShopDomain, "topic", w.Topic)
			http.Error(rw, "unauthorized", http.StatusUnauthorized)
			return
		}
		if !KnownWebhookTopic(w.Topic) {
			cfg.Log.Info("webhook: topic not handled", "shop", w.ShopDomain, "topic", w.Topic)
			rw.WriteHeader(http.StatusOK)
			return
		}
		if cfg.Seen != nil {
			dup, err := cfg.Seen(r.Context(), w.ShopDomain, w.WebhookID, w.EventID)
			if err != nil {
				cfg.Log.Error("webhook: duplicate check failed", "shop", w.ShopDomain, "err", err)
				http.Error(rw, "temporarily unavailable", http.StatusServiceUnavailable)
				return
			}
			if dup {
				rw.WriteHeader(http.StatusOK)
				return
			}
		}
		if err := cfg.Enqueue(r.Context(), w); err != nil {
			cfg.Log.Error("webhook: enqueue failed", "shop", w.ShopDomain, "topic", w.Topic, "webhook_id", w.WebhookID, "err", err)
			http.Error(rw, "temporarily unavailable", http.StatusInternalServerError)
			return
		}
		rw.WriteHeader(http.StatusOK)
	})
}

// ComplianceRequest is the payload of customers/data_request,
// customers/redact and shop/redact. Ids are REST ids kept as text.
type ComplianceRequest struct {
	ShopID          string
	ShopDomain      string
	Customer        *ComplianceCustomer // nil for shop/redact
	OrdersToRedact  []string
	OrdersRequested []string
	DataRequestID   string
}

// ComplianceCustomer names the customer a request is about.
type ComplianceCustomer struct {
	ID    string
	Email string
	Phone string
}

// ParseCompliance decodes a compliance payload.
func ParseCompliance(body []byte) (*ComplianceRequest, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var raw struct {
		ShopID     json.Number `json:"shop_id"`
		ShopDomain string      `json:"shop_domain"`
		Customer   *struct {
			ID    json.Number `json:"id"`
			Email string      `json:"email"`
			Phone string      `json:"phone"`
		} `json:"customer"`
		OrdersToRedact  []json.Number `json:"orders_to_redact"`
		OrdersRequested []json.Number `json:"orders_requested"`
		DataRequest     *struct {
			ID json.Number `json:"id"`
		} `json:"data_request"`
	}
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("compliance payload: %w", err)
	}
	if err := ValidateShopDomain(raw.ShopDomain); err != nil {
		return nil, fmt.Errorf("compliance payload: %w", err)
	}
	c := &ComplianceRequest{ShopID: raw.ShopID.String(), ShopDomain: raw.ShopDomain}
	if raw.Customer != nil {
		c.Customer = &ComplianceCustomer{ID: raw.Customer.ID.String(), Email: raw.Customer.Email, Phone: raw.Customer.Phone}
	}
	for _, n := range raw.OrdersToRedact {
		c.OrdersToRedact = append(c.OrdersToRedact, n.String())
	}
	for _, n := range raw.OrdersRequested {
		c.OrdersRequested = append(c.OrdersRequested, n.String())
	}
	if raw.DataRequest != nil {
		c.DataRequestID = raw.DataRequest.ID.String()
	}
	return c, nil
}
