package shopqb

import (
	"context"
	"fmt"
	"time"
)

// The services the front doors (the command line, the admin API, the pages,
// the demo) call. Each is small and defined here, with the domain, so a door
// depends on what it asks for and not on the package that answers it.

// Registration is a shop to register and the credentials that reach it.
type Registration struct {
	// Domain is the shop's name.myshopify.com host; it is trimmed and lower-cased.
	Domain string
	Name   string
	// TimeZone is the shop's IANA zone; transactions are dated in it.
	TimeZone string
	// Currency is the shop's ISO 4217 currency; "" means USD.
	Currency string
	// ShopifyAuth is AuthStatic (the default), AuthClientCredentials or
	// AuthOAuth (the app install, which stores its own token afterwards).
	ShopifyAuth string
	// ShopifyURL overrides https://<Domain> (a simulator or a proxy).
	ShopifyURL string
	// ShopifyToken is a static custom-app token; optional, it can be stored later.
	ShopifyToken string
	// ClientID and ClientSecret are the store's own app (AuthClientCredentials).
	ClientID, ClientSecret string
	// Settings are the shop's first settings; nil means DefaultSettings.
	Settings *Settings
}

// Registered is a registered shop and its app token, the Web Connector's
// password: shown this once, stored only as a hash.
type Registered struct {
	Shop     *Shop
	AppToken string
}

// ShopAdmin is shop administration: every act that changes a shop's set-up.
// shopID is a shop the caller may act on (the door decided that); actor
// names who acts, for the audit log. internal/shopadmin implements it.
type ShopAdmin interface {
	// Register validates and stores a new shop with a fresh app token, then
	// its credentials; the result carries the shop and its token whenever
	// the shop was created, even with an error from a later step.
	Register(ctx context.Context, r Registration, actor string) (Registered, error)
	RotateAppToken(ctx context.Context, shopID int64, actor string) (string, error)
	AppTokenCreatedAt(ctx context.Context, shopID int64) (*time.Time, error)
	SetShopifyToken(ctx context.Context, shopID int64, actor, token string) error
	SetShopifyClientCredentials(ctx context.Context, shopID int64, actor, clientID, clientSecret string) error
	SetWebhookSecret(ctx context.Context, shopID int64, actor, secret string) error
	SetStockyKey(ctx context.Context, shopID int64, actor, storeName, key string) error
	// UpdateSettings refuses start date and mode changes after the start (ErrSettingsLocked).
	UpdateSettings(ctx context.Context, shopID int64, actor string, next Settings) error
	// Start is the one-time start: a refusal is a *StartRefusedError, a
	// second start wraps ErrAlreadyStarted.
	Start(ctx context.Context, shopID int64, actor string) error
	Reset(ctx context.Context, shopID int64, actor string) (archived int, err error)
	// RetryFailed queues failed postings again and asks for a sync that
	// re-checks documents that failed in planning (ErrorClassDocument).
	RetryFailed(ctx context.Context, shopID int64, actor string) (Retried, error)
	RetryPosting(ctx context.Context, shopID, postingID int64, actor string) error
}

// Retried is what a retry of failed postings did. A posting QuickBooks
// refused is queued again; one whose Shopify document did not add up has no
// request to send, so the retry asks for a sync that plans its document
// again from Shopify's figures instead (it is never deleted).
type Retried struct {
	Queued    int `json:"queued"`
	Rechecked int `json:"rechecked"`
}

func (r Retried) String() string {
	return fmt.Sprintf("%d postings queued again; %d documents re-checked against Shopify", r.Queued, r.Rechecked)
}

// ShopReader is what the doors read of shops and their history.
// internal/store implements it.
type ShopReader interface {
	ShopByID(ctx context.Context, id int64) (*Shop, error)
	ShopByDomain(ctx context.Context, domain string) (*Shop, error)
	ListShops(ctx context.Context) ([]*Shop, error)
	CountPostings(ctx context.Context, shopID int64) (map[PostingState]int, error)
	ListPostings(ctx context.Context, f PostingFilter) ([]*Posting, error)
	SyncRuns(ctx context.Context, shopID int64, limit int) ([]*SyncRun, error)
	Audit(ctx context.Context, shopID int64, limit int) ([]AuditEntry, error)
}
