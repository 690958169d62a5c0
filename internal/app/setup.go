package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/setup"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/stocky"
	"github.com/shopqb/shopqb/internal/web"
)

// Setup returns the setup wizard's service over this App: its shop
// administration, the engine's QuickBooks findings, a live Shopify reader
// and a Stocky tester. webConnectorURL is the .qwc's AppURL ("" = a.URL + "/qbwc").
func (a *App) Setup(webConnectorURL string) (*setup.Service, error) {
	if webConnectorURL == "" {
		webConnectorURL = a.URL + "/qbwc"
	}
	return setup.New(setup.Config{
		Admin:           shopAdmin{a},
		QuickBooks:      a.Engine,
		Shopify:         a.setupShopify,
		Stocky:          stockyTester{a},
		KV:              a.Store,
		WebConnectorURL: webConnectorURL,
		QWC: func(shop *shopqb.Shop, appURL string) ([]byte, error) {
			q, err := web.ShopQWC(shop, appURL, 15)
			if err != nil {
				return nil, err
			}
			return q.Marshal()
		},
		Now: a.cfg.Now,
	})
}

func (a *App) setupShopify(ctx context.Context, shop *shopqb.Shop) (setup.ShopifyReader, error) {
	ts, err := a.shopifyTokenSource(ctx, shop)
	if err != nil {
		return nil, err
	}
	return shopify.NewClient(shopify.ClientConfig{ShopDomain: shop.Domain, BaseURL: shop.ShopifyURL,
		Token: ts, Log: a.log, Trace: a.cfg.ShopifyTrace, HTTP: a.cfg.ShopifyHTTP})
}

// shopAdmin is the shop administration the wizard calls. It forwards to the
// engine's rules until internal/shopadmin lands, so no rule is copied here.
type shopAdmin struct{ a *App }

func (s shopAdmin) Shop(ctx context.Context, id int64) (*shopqb.Shop, error) {
	return s.a.Store.ShopByID(ctx, id)
}
func (s shopAdmin) RotateAppToken(ctx context.Context, id int64, actor string) (string, error) {
	return s.a.Engine.RotateToken(ctx, id, actor)
}

// AppTokenCreatedAt is the latest rotation in the audit log, else the shop's creation.
func (s shopAdmin) AppTokenCreatedAt(ctx context.Context, id int64) (*time.Time, error) {
	entries, err := s.a.Store.Audit(ctx, id, 200)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.Action == "token_rotated" {
			at := e.At
			return &at, nil
		}
	}
	shop, err := s.a.Store.ShopByID(ctx, id)
	if err != nil {
		return nil, err
	}
	at := shop.CreatedAt
	return &at, nil
}

func (s shopAdmin) UpdateSettings(ctx context.Context, id int64, actor string, set shopqb.Settings) error {
	return s.a.Engine.UpdateSettings(ctx, id, actor, set)
}

func (s shopAdmin) SetStockyKey(ctx context.Context, id int64, actor, storeName, key string) error {
	shop, err := s.a.Store.ShopByID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.a.SetStockyKey(ctx, shop, storeName, key); err != nil {
		return err
	}
	_ = s.a.Store.AddAudit(ctx, id, actor, "stocky_key_set", "")
	return nil
}

func (s shopAdmin) ImportPurchaseOrders(ctx context.Context, id int64, actor string, pos []shopify.PurchaseOrder) (int, error) {
	n, err := s.a.Engine.ImportPurchaseOrders(ctx, id, pos)
	if err == nil {
		_ = s.a.Store.AddAudit(ctx, id, actor, "stocky_import", fmt.Sprintf("%d purchase orders read, %d new", len(pos), n))
	}
	return n, err
}

func (s shopAdmin) Start(ctx context.Context, id int64, actor string) error {
	return s.a.Engine.Start(ctx, id, actor)
}

func (s shopAdmin) StartedBy(ctx context.Context, id int64) (string, error) {
	entries, err := s.a.Store.Audit(ctx, id, 500)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if e.Action == "started" {
			return e.Actor, nil
		}
	}
	return "", nil
}

// stockyTester tries a Stocky key by reading its purchase orders.
type stockyTester struct{ a *App }

func (t stockyTester) CountPurchaseOrders(ctx context.Context, shop *shopqb.Shop, storeName, key string) (int, error) {
	if storeName == "" {
		storeName = shop.Domain
	}
	base := ""
	if v, err := t.a.Store.KV(ctx, shop.ID, KVStockyURL); err == nil {
		base = string(v)
	} else if !errors.Is(err, shopqb.ErrNotFound) {
		return 0, err
	}
	c, err := stocky.New(stocky.Config{StoreName: storeName, APIKey: key, BaseURL: base, Log: t.a.log})
	if err != nil {
		return 0, err
	}
	n := 0
	err = c.PurchaseOrders(ctx, func(*stocky.PurchaseOrder) error { n++; return nil })
	return n, err
}
