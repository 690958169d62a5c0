package shopify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func sign(secret string, body []byte) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write(body)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

func webhookRequest(topic, shop, id, event, hmacHeader string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhooks/shopify", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Shopify-Topic", topic)
	r.Header.Set("X-Shopify-Shop-Domain", shop)
	r.Header.Set("X-Shopify-Webhook-Id", id)
	r.Header.Set("X-Shopify-Event-Id", event)
	r.Header.Set("X-Shopify-Triggered-At", "2026-11-26T10:00:00.123Z")
	r.Header.Set("X-Shopify-API-Version", "2026-10")
	r.Header.Set("X-Shopify-Hmac-Sha256", hmacHeader)
	return r
}

type webhookSink struct {
	mu       sync.Mutex
	seen     map[string]bool
	enqueued []*Webhook
	fail     error
}

func (s *webhookSink) config() WebhookConfig {
	return WebhookConfig{
		Secrets: func(shop string) ([][]byte, error) {
			if shop != "demo.myshopify.com" {
				return nil, nil
			}
			return [][]byte{[]byte("new-secret"), []byte("old-secret")}, nil
		},
		Seen: func(_ context.Context, shop, id, event string) (bool, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.seen[shop+"|"+id] || s.seen[shop+"|event|"+event], nil
		},
		Enqueue: func(_ context.Context, w *Webhook) error {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.fail != nil {
				return s.fail
			}
			if s.seen == nil {
				s.seen = map[string]bool{}
			}
			s.seen[w.ShopDomain+"|"+w.WebhookID] = true
			s.seen[w.ShopDomain+"|event|"+w.EventID] = true
			s.enqueued = append(s.enqueued, w)
			return nil
		},
	}
}

func TestWebhookHandler(t *testing.T) {
	sink := &webhookSink{}
	h := NewWebhookHandler(sink.config())
	body := []byte(`{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508","name":"#1001"}`)
	serve := func(r *http.Request) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code
	}
	if c := serve(webhookRequest("orders/updated", "demo.myshopify.com", "w1", "e1", sign("new-secret", body), body)); c != 200 {
		t.Fatalf("good delivery: %d", c)
	}
	w := sink.enqueued[0]
	if w.ResourceID != "820982911946154508" || w.ResourceGID != "gid://shopify/Order/820982911946154508" || w.Topic != "orders/updated" ||
		w.APIVersion != "2026-10" || !w.TriggeredAt.Equal(time.Date(2026, 11, 26, 10, 0, 0, 123e6, time.UTC)) {
		t.Fatalf("webhook = %+v", w)
	}
	// Same delivery again, and the same event through another subscription: 200, not enqueued.
	if c := serve(webhookRequest("orders/updated", "demo.myshopify.com", "w1", "e1", sign("new-secret", body), body)); c != 200 {
		t.Fatalf("duplicate: %d", c)
	}
	if c := serve(webhookRequest("orders/updated", "demo.myshopify.com", "w2", "e1", sign("new-secret", body), body)); c != 200 {
		t.Fatalf("duplicate event: %d", c)
	}
	if len(sink.enqueued) != 1 {
		t.Fatalf("duplicates enqueued: %d", len(sink.enqueued))
	}
	// The previous secret still works during a rotation.
	if c := serve(webhookRequest("refunds/create", "demo.myshopify.com", "w3", "e3", sign("old-secret", body), body)); c != 200 || len(sink.enqueued) != 2 {
		t.Fatalf("rotated secret: %d", c)
	}
	// Bad signatures, including on compliance topics, get 401.
	tampered := append([]byte{}, body...)
	tampered[10] = '7'
	for name, r := range map[string]*http.Request{
		"wrong secret":      webhookRequest("orders/create", "demo.myshopify.com", "w4", "e4", sign("guess", body), body),
		"tampered body":     webhookRequest("orders/create", "demo.myshopify.com", "w5", "e5", sign("new-secret", body), tampered),
		"no signature":      webhookRequest("customers/redact", "demo.myshopify.com", "w6", "e6", "", body),
		"unknown shop":      webhookRequest("shop/redact", "other.myshopify.com", "w7", "e7", sign("new-secret", body), body),
		"compliance forged": webhookRequest("customers/data_request", "demo.myshopify.com", "w8", "e8", sign("x", body), body),
		"bad shop domain":   webhookRequest("orders/create", "demo.myshopify.com.evil.io", "w9", "e9", sign("new-secret", body), body),
		"garbage signature": webhookRequest("orders/create", "demo.myshopify.com", "w10", "e10", "!!!", body),
	} {
		if c := serve(r); c != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, c)
		}
	}
	if len(sink.enqueued) != 2 {
		t.Fatalf("forged deliveries enqueued: %d", len(sink.enqueued))
	}
	// Compliance topic, correctly signed: enqueued.
	redact := []byte(`{"shop_id":954889,"shop_domain":"demo.myshopify.com","customer":{"id":191167,"email":"john@example.com","phone":"555-625-1199"},"orders_to_redact":[299938,280263]}`)
	if c := serve(webhookRequest("customers/redact", "demo.myshopify.com", "w11", "e11", sign("new-secret", redact), redact)); c != 200 || len(sink.enqueued) != 3 || !sink.enqueued[2].Compliance() {
		t.Fatalf("compliance delivery: %d", c)
	}
	cr, err := ParseCompliance(sink.enqueued[2].Body)
	if err != nil || cr.Customer.ID != "191167" || len(cr.OrdersToRedact) != 2 || cr.OrdersToRedact[1] != "280263" {
		t.Fatalf("%+v %v", cr, err)
	}
	// A topic shopqb does not handle is acknowledged and dropped.
	if c := serve(webhookRequest("carts/update", "demo.myshopify.com", "w12", "e12", sign("new-secret", body), body)); c != 200 || len(sink.enqueued) != 3 {
		t.Fatalf("unhandled topic: %d", c)
	}
	// An enqueue failure is a 500 so that Shopify retries.
	sink.fail = errors.New("db down")
	if c := serve(webhookRequest("orders/create", "demo.myshopify.com", "w13", "e13", sign("new-secret", body), body)); c != 500 {
		t.Fatalf("enqueue failure: %d", c)
	}
	// Oversized and non-POST.
	big := bytes.Repeat([]byte("a"), 2<<20)
	if c := serve(webhookRequest("orders/create", "demo.myshopify.com", "w14", "e14", sign("new-secret", big), big)); c != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized: %d", c)
	}
	if c := serve(httptest.NewRequest(http.MethodGet, "/webhooks/shopify", nil)); c != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d", c)
	}
}

func TestVerifyWebhook(t *testing.T) {
	body := []byte(`{"id":1}`)
	good := sign("k", body)
	if !VerifyWebhook([][]byte{[]byte("k")}, body, good) {
		t.Fatal("good signature rejected")
	}
	if VerifyWebhook(nil, body, good) || VerifyWebhook([][]byte{{}}, body, good) || VerifyWebhook([][]byte{[]byte("k")}, body, good[:10]) {
		t.Fatal("accepted without a usable secret or with a truncated signature")
	}
}

func TestKnownWebhookTopics(t *testing.T) {
	for _, ok := range []string{"orders/create", "orders/updated", "orders/cancelled", "refunds/create", "customers/update", "customers/data_request",
		"customers/redact", "shop/redact", "products/update", "inventory_levels/update", "app/uninstalled", "bulk_operations/finish"} {
		if !KnownWebhookTopic(ok) {
			t.Errorf("%s not handled", ok)
		}
	}
	for _, no := range []string{"orders/", "orders", "carts/update", "refunds/update", "shop/update", ""} {
		if KnownWebhookTopic(no) {
			t.Errorf("%s handled", no)
		}
	}
}

func FuzzParseWebhook(f *testing.F) {
	f.Add("orders/create", "demo.myshopify.com", "2026-11-26T10:00:00Z", []byte(`{"id":1,"admin_graphql_api_id":"gid://shopify/Order/1"}`))
	f.Add("customers/redact", "demo.myshopify.com", "", []byte(`{"shop_id":1,"shop_domain":"demo.myshopify.com","customer":{"id":2},"orders_to_redact":[3]}`))
	f.Add("app/uninstalled", "x.myshopify.com", "bad-time", []byte(`not json`))
	f.Add("", "", "", []byte(``))
	f.Add("orders/updated", "demo.myshopify.com", "2026-11-26T10:00:00.999999999+02:00", []byte(`{"id":"123","admin_graphql_api_id":17}`))
	f.Add("shop/redact", "demo.myshopify.com", "", []byte(`[1,2,3]`))
	f.Fuzz(func(t *testing.T, topic, shop, triggered string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("X-Shopify-Topic", topic)
		r.Header.Set("X-Shopify-Shop-Domain", shop)
		r.Header.Set("X-Shopify-Triggered-At", triggered)
		sig := sign("secret", body)
		r.Header.Set("X-Shopify-Hmac-Sha256", sig)
		w, err := ParseWebhook(r, 1<<16)
		if err != nil {
			return
		}
		if w.Topic != strings.TrimSpace(topic) || w.ShopDomain != strings.TrimSpace(shop) || !bytes.Equal(w.Body, body) {
			t.Fatalf("parsed %+v from topic %q shop %q", w, topic, shop)
		}
		if !VerifyWebhook([][]byte{[]byte("secret")}, w.Body, w.HMAC) {
			t.Fatal("signature over the parsed body does not verify")
		}
		if len(body) > 0 && VerifyWebhook([][]byte{[]byte("secret")}, append(append([]byte{}, w.Body...), ' '), w.HMAC) {
			t.Fatal("signature verifies a different body")
		}
		_, _ = ParseCompliance(body)
	})
}
