package setup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// ShopAdmin is every change the wizard makes to a shop. It is the shop
// administration service (internal/shopadmin) that the admin API and the
// CLI call too, so every rule — what a valid setting is, when the start is
// refused, what is locked after it — exists once, there.
type ShopAdmin interface {
	Shop(ctx context.Context, shopID int64) (*shopqb.Shop, error)
	RotateAppToken(ctx context.Context, shopID int64, actor string) (string, error)
	AppTokenCreatedAt(ctx context.Context, shopID int64) (*time.Time, error)
	// UpdateSettings validates and stores settings (an error of code shopqb.EInvalid when they are not valid).
	UpdateSettings(ctx context.Context, shopID int64, actor string, s shopqb.Settings) error
	SetStockyKey(ctx context.Context, shopID int64, actor, storeName, key string) error
	ImportPurchaseOrders(ctx context.Context, shopID int64, actor string, pos []shopify.PurchaseOrder) (int, error)
	// Start runs the start's check and locks the settings: *shopadmin.StartRefusedError
	// with the problems, or an error wrapping shopqb.ErrAlreadyStarted.
	Start(ctx context.Context, shopID int64, actor string) error
	// StartedBy is the actor of the one-time start ("" when unknown).
	StartedBy(ctx context.Context, shopID int64) (string, error)
}

// QuickBooks is what the Web Connector's visits recorded (internal/syncengine).
type QuickBooks interface {
	LoadPreflight(ctx context.Context, shopID int64) (*syncengine.Preflight, error)
	Connection(ctx context.Context, shopID int64) (*syncengine.Connection, error)
	RequestPreflight(ctx context.Context, shopID int64) (*syncengine.PreflightRecheck, error)
	PreflightRecheckOf(ctx context.Context, shopID int64) (*syncengine.PreflightRecheck, error)
}

// ShopifyReader reads a store live for the wizard (internal/shopify's client).
type ShopifyReader interface {
	SetupFacts(ctx context.Context, since time.Time) (*shopify.SetupFacts, error)
	Locations(ctx context.Context) ([]shopify.Location, error)
	ProductVendors(ctx context.Context) ([]string, error)
}

// StockyTester asks Stocky whether a key works and how many purchase orders
// it holds; its errors are internal/stocky's (*stocky.UnavailableError).
type StockyTester interface {
	CountPurchaseOrders(ctx context.Context, shop *shopqb.Shop, storeName, key string) (int, error)
}

// KV keeps the wizard's own state per shop (the store's KV space).
type KV interface {
	PutKV(ctx context.Context, shopID int64, key string, value []byte) error
	KV(ctx context.Context, shopID int64, key string) ([]byte, error)
}

// Config is what a Service is built from; internal/app fills it.
type Config struct {
	Admin      ShopAdmin
	QuickBooks QuickBooks
	// Shopify opens the live reader of a shop.
	Shopify func(ctx context.Context, shop *shopqb.Shop) (ShopifyReader, error)
	Stocky  StockyTester
	KV      KV
	// WebConnectorURL is the AppURL written into the .qwc (this server's /qbwc).
	WebConnectorURL string
	// QWC builds a shop's .qwc for an AppURL; it refuses what the Web
	// Connector would refuse (QBWC1010/1051: not https, not localhost).
	QWC func(shop *shopqb.Shop, appURL string) ([]byte, error)
	Now func() time.Time
}

// Service implements Wizard.
type Service struct {
	cfg Config
}

var _ Wizard = (*Service)(nil)

// New returns the wizard's service.
func New(cfg Config) (*Service, error) {
	switch {
	case cfg.Admin == nil, cfg.QuickBooks == nil, cfg.Shopify == nil, cfg.Stocky == nil, cfg.KV == nil, cfg.QWC == nil:
		return nil, errors.New("setup: Admin, QuickBooks, Shopify, Stocky, KV and QWC are all required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg}, nil
}

// state is what the wizard remembers between pages, per shop.
type state struct {
	AckAt *time.Time `json:"ackAt,omitempty"`
	AckBy string     `json:"ackBy,omitempty"`
	// MappingSaved, ScheduleSaved and ModesSaved: the merchant confirmed the step
	// (its values are still re-verified every time).
	MappingSaved  bool `json:"mappingSaved,omitempty"`
	ScheduleSaved bool `json:"scheduleSaved,omitempty"`
	ModesSaved    bool `json:"modesSaved,omitempty"`
	// ConnectShownAt is when step 2 was first shown waiting for the Web
	// Connector (the wait's help is timed from it).
	ConnectShownAt *time.Time `json:"connectShownAt,omitempty"`
	// Gateways last seen in Shopify, for the mapping rows when Shopify is not read.
	Gateways []string `json:"gateways,omitempty"`
	// NativeReadable: the last Shopify read showed the purchase-order scope granted.
	NativeReadable bool `json:"nativeReadable,omitempty"`
	// Creates are categories whose account shopqb will create.
	Creates []shopqb.Category `json:"creates,omitempty"`
	// Purchasing.
	PurchasingSkipped bool       `json:"purchasingSkipped,omitempty"`
	StockyStatus      *Message   `json:"stockyStatus,omitempty"`
	StockyOK          bool       `json:"stockyOK,omitempty"`
	StockyTestedAt    *time.Time `json:"stockyTestedAt,omitempty"`
	Imported          int        `json:"imported,omitempty"`
}

const kvState = "setup:wizard"

func (s *Service) load(ctx context.Context, shopID int64) (*state, error) {
	raw, err := s.cfg.KV.KV(ctx, shopID, kvState)
	if errors.Is(err, shopqb.ErrNotFound) || (err == nil && len(raw) == 0) {
		return &state{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("setup state of shop %d: %w", shopID, err)
	}
	var st state
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("setup state of shop %d: %w", shopID, err)
	}
	return &st, nil
}

func (s *Service) save(ctx context.Context, shopID int64, st *state) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := s.cfg.KV.PutKV(ctx, shopID, kvState, raw); err != nil {
		return fmt.Errorf("save setup state of shop %d: %w", shopID, err)
	}
	return nil
}

// update loads, changes and saves the state.
func (s *Service) update(ctx context.Context, shopID int64, fn func(*state)) error {
	st, err := s.load(ctx, shopID)
	if err != nil {
		return err
	}
	fn(st)
	return s.save(ctx, shopID, st)
}

// preflight returns the shop's preflight, nil when QuickBooks never answered.
func (s *Service) preflight(ctx context.Context, shopID int64) (*syncengine.Preflight, error) {
	p, err := s.cfg.QuickBooks.LoadPreflight(ctx, shopID)
	if errors.Is(err, shopqb.ErrNotFound) {
		return nil, nil
	}
	return p, err
}

func msg(id string, kv ...any) Message {
	m := Message{ID: id}
	if len(kv) > 0 {
		m.Args = map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m.Args[kv[i].(string)] = kv[i+1]
		}
	}
	return m
}

func msgp(id string, kv ...any) *Message { m := msg(id, kv...); return &m }

// Progress implements Wizard: every step's Passed is verified now.
func (s *Service) Progress(ctx context.Context, shopID int64) (*Progress, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	st, err := s.load(ctx, shopID)
	if err != nil {
		return nil, err
	}
	pre, err := s.preflight(ctx, shopID)
	if err != nil {
		return nil, err
	}
	conn, err := s.cfg.QuickBooks.Connection(ctx, shopID)
	if err != nil {
		return nil, err
	}
	passed := map[Step]bool{
		StepBefore:     st.AckAt != nil,
		StepConnect:    conn.State == syncengine.ConnConnected && pre != nil,
		StepTax:        taxPassed(taxChecks(pre, shop.Settings.StartDate)),
		StepMapping:    st.MappingSaved && mappingPassed(s.mappingRows(shop, pre, st.Gateways, shop.Settings.Mapping)),
		StepSchedule:   st.ScheduleSaved,
		StepModes:      st.ModesSaved && pre != nil,
		StepPurchasing: st.PurchasingSkipped || st.StockyOK || st.Imported > 0 || st.NativeReadable,
		StepReview:     shop.StartedAt != nil,
	}
	// A step after the first unpassed one is to do, whatever its own check
	// says: the list reads top to bottom, so a ✓ below an open step reads
	// as done when the merchant has not been there (and what it checks may
	// still change with the steps before it, such as the accounts a new
	// connection brings). Its check runs again when the merchant reaches it.
	p := &Progress{Current: StepReview, Started: shop.StartedAt}
	blocked := false
	for _, step := range Steps {
		p.Steps = append(p.Steps, StepStatus{Step: step, Passed: passed[step] && !blocked, Reachable: !blocked})
		if !passed[step] && !blocked {
			p.Current = step
			blocked = true
		}
	}
	if shop.StartedAt != nil {
		p.Current = StepReview
		if p.StartedBy, err = s.cfg.Admin.StartedBy(ctx, shopID); err != nil {
			return nil, err
		}
	}
	return p, nil
}
