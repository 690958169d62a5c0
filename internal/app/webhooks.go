package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/privacy"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopify"
)

// webhookHandler verifies Shopify's deliveries and turns them into jobs. A
// delivery is only a hint: the job re-reads Shopify over GraphQL, and the
// scheduled reconciliation pull catches anything a lost webhook missed.
func (a *App) webhookHandler() http.Handler {
	return shopify.NewWebhookHandler(shopify.WebhookConfig{
		Log: a.log,
		Secrets: func(domain string) ([][]byte, error) {
			ctx := context.Background()
			shop, err := a.Store.ShopByDomain(ctx, domain)
			if errors.Is(err, shopqb.ErrNotFound) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			var out [][]byte
			for _, name := range []string{shopadmin.SecretWebhook, shopadmin.SecretWebhookPrevious} {
				pt, err := a.Admin.OpenSecret(ctx, shop, name)
				if errors.Is(err, shopqb.ErrNotFound) {
					continue
				}
				if err != nil {
					return nil, err
				}
				out = append(out, pt)
			}
			return out, nil
		},
		// The store records a delivery only when it is enqueued (below), so
		// this check never drops a retry of a delivery whose enqueue failed.
		Seen: func(ctx context.Context, domain, webhookID, eventID string) (bool, error) { return false, nil },
		Enqueue: func(ctx context.Context, w *shopify.Webhook) error {
			shop, err := a.Store.ShopByDomain(ctx, w.ShopDomain)
			if err != nil {
				return err
			}
			// A privacy request's job needs its payload (which customer,
			// which orders); checked before the delivery is recorded, so a
			// bad one is answered 500 and not mistaken for done.
			var payload []byte
			if w.Compliance() {
				if payload, err = privacy.MinimalPayload(w); err != nil {
					return err
				}
			}
			dup, err := a.Store.SeenWebhook(ctx, shop.ID, w.WebhookID, w.EventID, w.TriggeredAt)
			if err != nil || dup {
				return err
			}
			gid := webhookObject(w)
			if a.Jobs == nil {
				return a.handleWebhook(ctx, shop.ID, w.Topic, gid, payload)
			}
			_, err = a.Jobs.EnqueueWebhook(ctx, shop.ID, w.Topic, gid, payload)
			return err
		},
	})
}

// handleWebhook is the webhook job: an order or refund change re-reads the
// one order it names and plans it (a refund names its order; see
// webhookObject); app/uninstalled and the privacy topics do what
// internal/shopify/COMPLIANCE.md says (internal/privacy). payload is nil
// except for the privacy topics.
func (a *App) handleWebhook(ctx context.Context, shopID int64, topic, gid string, payload []byte) error {
	switch {
	case topic == "orders/delete":
		// There is nothing left to re-read; whatever was booked for the
		// order stays in QuickBooks and in the outbox.
		return nil
	case strings.HasPrefix(topic, "orders/"), strings.HasPrefix(topic, "refunds/"):
		var err error
		if strings.HasPrefix(gid, "gid://shopify/Order/") {
			_, err = a.Ingest.SyncOrder(ctx, shopID, gid)
		} else {
			// A delivery that names no order: read the window instead.
			_, err = a.Ingest.Sync(ctx, shopID, shopqb.TriggerWebhook)
		}
		return ignoreNotStarted(err)
	case topic == "app/uninstalled":
		return a.Privacy.Uninstalled(ctx, shopID)
	case topic == "customers/data_request":
		return a.Privacy.CustomerDataRequest(ctx, shopID, payload)
	case topic == "customers/redact":
		return a.Privacy.CustomerRedact(ctx, shopID, payload)
	case topic == "shop/redact":
		return a.Privacy.ShopRedact(ctx, shopID, payload)
	}
	return nil
}

// webhookObject is the GID the webhook job re-reads: the resource's own,
// except for a refund, whose job re-reads its order (the planner books a
// refund from its order, and an order read brings its refunds along).
func webhookObject(w *shopify.Webhook) string {
	if !strings.HasPrefix(w.Topic, "refunds/") {
		return w.ResourceGID
	}
	dec := json.NewDecoder(bytes.NewReader(w.Body))
	dec.UseNumber()
	var p struct {
		OrderID json.Number `json:"order_id"`
	}
	if err := dec.Decode(&p); err != nil {
		return ""
	}
	return ingest.OrderOfRefund(p.OrderID.String())
}
