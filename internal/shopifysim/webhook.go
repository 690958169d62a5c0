package shopifysim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shopqb/shopqb/internal/shopify"
)

// webhookAPIVersion is the version webhook payloads are rendered in.
const webhookAPIVersion = "2026-10"

// Delivery records one webhook the simulator sent.
type Delivery struct {
	Topic     string
	WebhookID string
	EventID   string
	Body      []byte
	Status    int    // HTTP status from the receiver; 0 when it could not be reached
	Err       string // transport error, if any
}

// Deliveries returns the webhooks sent so far, oldest first.
func (s *Sim) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.webhooks...)
}

// WebhookHMAC is the X-Shopify-Hmac-Sha256 value for body: base64 of the
// HMAC-SHA256 of the raw bytes keyed with the secret.
func WebhookHMAC(body []byte, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

var webhookClient = &http.Client{Timeout: 5 * time.Second}

// sendWebhook POSTs a signed delivery when a URL is configured. The data
// change stands whatever happens: like Shopify, a failed delivery does not
// undo the event, it is reported (and recorded in Deliveries).
func (s *Sim) sendWebhook(topic string, payload any) error {
	if s.opts.WebhookURL == "" {
		return nil
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("webhook %s: encode payload: %w", topic, err)
	}
	s.mu.Lock()
	s.nextID++
	d := Delivery{Topic: topic, WebhookID: randomUUID(), EventID: strconv.FormatInt(s.nextID, 10), Body: body}
	now := s.now()
	s.mu.Unlock()
	req, err := http.NewRequest(http.MethodPost, s.opts.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook %s: %w", topic, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Shopify-Topic", topic)
	req.Header.Set("X-Shopify-Hmac-Sha256", WebhookHMAC(body, s.opts.WebhookSecret))
	req.Header.Set("X-Shopify-Shop-Domain", s.opts.Shop.Domain)
	req.Header.Set("X-Shopify-API-Version", webhookAPIVersion)
	req.Header.Set("X-Shopify-Webhook-Id", d.WebhookID)
	req.Header.Set("X-Shopify-Event-Id", d.EventID)
	req.Header.Set("X-Shopify-Triggered-At", now.UTC().Format(time.RFC3339Nano))
	resp, err := webhookClient.Do(req)
	if err != nil {
		d.Err = err.Error()
	} else {
		d.Status = resp.StatusCode
		resp.Body.Close()
	}
	s.mu.Lock()
	s.webhooks = append(s.webhooks, d)
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("webhook %s: deliver: %w", topic, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook %s: receiver answered HTTP %d", topic, resp.StatusCode)
	}
	return nil
}

func randomUUID() string {
	h := randomToken("")
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// orderWebhookPayload renders the REST-shaped body Shopify sends for order
// topics: snake_case keys, numeric ids, admin_graphql_api_id for re-fetching.
func orderWebhookPayload(o shopify.Order, currency string) map[string]any {
	num, _ := strconv.ParseInt(gidNumber(o.ID), 10, 64)
	p := map[string]any{
		"id":                   num,
		"admin_graphql_api_id": o.ID,
		"name":                 o.Name,
		"created_at":           o.CreatedAt.Format(time.RFC3339),
		"processed_at":         o.ProcessedAt.Format(time.RFC3339),
		"updated_at":           o.UpdatedAt.Format(time.RFC3339),
		"cancelled_at":         nil,
		"currency":             currency,
		"source_name":          o.SourceName,
		"taxes_included":       o.TaxesIncluded,
		"financial_status":     restFinancialStatus(o.DisplayFinancialStatus),
		"subtotal_price":       o.SubtotalPriceSet.ShopMoney.Amount.String(),
		"total_tax":            o.TotalTaxSet.ShopMoney.Amount.String(),
		"total_discounts":      o.TotalDiscountsSet.ShopMoney.Amount.String(),
		"total_price":          o.TotalPriceSet.ShopMoney.Amount.String(),
		"total_tip_received":   o.TotalTipReceivedSet.ShopMoney.Amount.String(),
		"test":                 o.Test,
	}
	if o.CancelledAt != nil {
		p["cancelled_at"] = o.CancelledAt.Format(time.RFC3339)
	}
	if o.RetailLocation != nil {
		n, _ := strconv.ParseInt(gidNumber(o.RetailLocation.ID), 10, 64)
		p["location_id"] = n
	}
	return p
}

// restFinancialStatus renders displayFinancialStatus the REST way
// (PARTIALLY_REFUNDED → partially_refunded).
func restFinancialStatus(s string) string { return strings.ToLower(s) }

// pendingWebhook is an event raised while the simulator's lock was held.
type pendingWebhook struct {
	topic   string
	payload any
}

// flushWebhooks sends the queued events; delivery failures are recorded in
// Deliveries, as for every webhook.
func (s *Sim) flushWebhooks() {
	s.mu.Lock()
	queue := s.pending
	s.pending = nil
	s.mu.Unlock()
	for _, p := range queue {
		_ = s.sendWebhook(p.topic, p.payload)
	}
}
