package setup

import (
	"context"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/syncengine"
)

type waitAdmin struct {
	ShopAdmin
	tokenAt *time.Time
}

func (a *waitAdmin) Shop(context.Context, int64) (*shopqb.Shop, error) {
	return &shopqb.Shop{ID: 1, Domain: "wait.myshopify.com", QBWCUser: "wait", TimeZone: "UTC"}, nil
}
func (a *waitAdmin) AppTokenCreatedAt(context.Context, int64) (*time.Time, error) {
	return a.tokenAt, nil
}

type waitQB struct{ QuickBooks }

func (waitQB) Connection(context.Context, int64) (*syncengine.Connection, error) {
	return &syncengine.Connection{State: syncengine.ConnWaiting}, nil
}
func (waitQB) LoadPreflight(context.Context, int64) (*syncengine.Preflight, error) {
	return nil, shopqb.ErrNotFound
}

type memKV map[string][]byte

func (m memKV) PutKV(_ context.Context, _ int64, k string, v []byte) error { m[k] = v; return nil }
func (m memKV) KV(_ context.Context, _ int64, k string) ([]byte, error) {
	if v, ok := m[k]; ok {
		return v, nil
	}
	return nil, shopqb.ErrNotFound
}

// TestConnectHelpIsTimed: the "Nothing yet?" help is due HelpAfter after
// the page first showed the wait (kept in the database, so a reload does
// not restart it), and a new token starts a new wait.
func TestConnectHelpIsTimed(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	made := now.Add(-24 * time.Hour) // the token of the registration, long ago
	admin := &waitAdmin{tokenAt: &made}
	svc, err := New(Config{Admin: admin, QuickBooks: waitQB{}, Stocky: noStocky{}, KV: memKV{},
		Shopify: func(context.Context, *shopqb.Shop) (ShopifyReader, error) { return nil, shopqb.ErrNotFound },
		QWC:     func(*shopqb.Shop, string) ([]byte, error) { return nil, nil }, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	connect := func() *ConnectView {
		t.Helper()
		v, err := svc.Connect(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	start := now
	if v := connect(); v.HelpDue || v.WaitingSince == nil || !v.WaitingSince.Equal(start) {
		t.Fatalf("first showing: %+v", v)
	}
	now = now.Add(HelpAfter - time.Second)
	if v := connect(); v.HelpDue || !v.WaitingSince.Equal(start) {
		t.Fatalf("a reload restarted the wait or showed the help early: %+v", v)
	}
	now = now.Add(time.Second)
	if v := connect(); !v.HelpDue {
		t.Fatalf("help not due after %s: %+v", HelpAfter, v)
	}
	fresh := now
	admin.tokenAt = &fresh
	if v := connect(); v.HelpDue || !v.WaitingSince.Equal(fresh) {
		t.Fatalf("a new token did not start a new wait: %+v", v)
	}
}

type noStocky struct{}

func (noStocky) CountPurchaseOrders(context.Context, *shopqb.Shop, string, string) (int, error) {
	return 0, shopqb.ErrNotFound
}
