package stocky_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/stocky"
	"github.com/shopqb/shopqb/internal/testenv"
)

func startSim(t *testing.T, retired bool) (*shopifysim.Sim, string) {
	t.Helper()
	sim, err := shopifysim.New(shopifysim.Options{SchemaDir: filepath.Join(testenv.SharedDir(t), "shopify"), Seed: 11, Orders: 3,
		Shop: shopifysim.Shop{Domain: "demo-store.myshopify.com"}, StockyAPIKey: "stocky-key", StockyRetired: retired})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

func TestStockyAgainstSimulator(t *testing.T) {
	sim, url := startSim(t, false)
	c, err := stocky.New(stocky.Config{StoreName: "demo-store.myshopify.com", APIKey: "stocky-key", BaseURL: url, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	a := &stocky.Archive{}
	if err := c.PurchaseOrders(context.Background(), func(p *stocky.PurchaseOrder) error { a.PurchaseOrders = append(a.PurchaseOrders, *p); return nil }); err != nil {
		t.Fatal(err)
	}
	data := sim.Data()
	want := 0
	for _, po := range data.PurchaseOrders {
		if po.Source == "stocky" {
			want++
		}
	}
	if want == 0 {
		t.Fatal("simulator has no Stocky purchase orders to read")
	}
	if len(a.PurchaseOrders) != want {
		t.Fatalf("read %d/%d purchase orders", len(a.PurchaseOrders), want)
	}
	pos, err := a.PurchaseOrdersForShopify(stocky.SourceAPI, stocky.DateConvention{})
	if err != nil {
		t.Fatal(err)
	}
	for _, po := range pos {
		var orig *struct{ lines, receipts int }
		for _, d := range data.PurchaseOrders {
			if d.Source == "stocky" && d.Name == po.Name {
				orig = &struct{ lines, receipts int }{len(d.LineItems), len(d.Receipts)}
			}
		}
		if orig == nil || orig.lines != len(po.LineItems) {
			t.Errorf("purchase order %s: %d lines, simulator %+v", po.Name, len(po.LineItems), orig)
		}
		for _, l := range po.LineItems {
			if l.UnitCost <= 0 || l.Quantity <= 0 {
				t.Errorf("purchase order %s line %s: cost %v qty %d", po.Name, l.ID, l.UnitCost, l.Quantity)
			}
		}
	}

	bad, _ := stocky.New(stocky.Config{StoreName: "demo-store.myshopify.com", APIKey: "wrong", BaseURL: url})
	if err := bad.PurchaseOrders(context.Background(), func(*stocky.PurchaseOrder) error { return nil }); !errors.Is(err, stocky.ErrUseArchive) {
		t.Fatalf("wrong key: %v", err)
	}
}

func TestStockyRetiredSimulatorPointsToArchive(t *testing.T) {
	_, url := startSim(t, true)
	c, _ := stocky.New(stocky.Config{StoreName: "demo-store.myshopify.com", APIKey: "stocky-key", BaseURL: url})
	err := c.PurchaseOrders(context.Background(), func(*stocky.PurchaseOrder) error { return nil })
	var ue *stocky.UnavailableError
	if !errors.As(err, &ue) || ue.StatusCode != 410 {
		t.Fatalf("err = %v", err)
	}
	t.Log(err)
}
