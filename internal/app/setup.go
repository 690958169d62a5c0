package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/setup"
	"github.com/shopqb/shopqb/internal/shopadmin"
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
		Admin:           shopAdmin{Service: a.Admin, a: a},
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

// shopAdmin is the shop administration the wizard calls: internal/shopadmin,
// plus the reads it does not offer (the shop, who started it) and the
// engine's purchase-order import.
type shopAdmin struct {
	*shopadmin.Service
	a *App
}

func (s shopAdmin) Shop(ctx context.Context, id int64) (*shopqb.Shop, error) {
	return s.a.Store.ShopByID(ctx, id)
}

func (s shopAdmin) ImportPurchaseOrders(ctx context.Context, id int64, actor string, pos []shopify.PurchaseOrder) (int, error) {
	n, err := s.a.Ingest.ImportPurchaseOrders(ctx, id, pos)
	if err == nil {
		_ = s.a.Store.AddAudit(ctx, id, actor, "stocky_import", fmt.Sprintf("%d purchase orders read, %d new", len(pos), n))
	}
	return n, err
}

// StartedBy is the actor of the audit log's start entry.
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
	if v, err := t.a.Store.KV(ctx, shop.ID, shopadmin.KVStockyURL); err == nil {
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
