package shopify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// ClientCredentialsConfig configures the client-credentials grant: an app
// built by the store owner's own organisation asks for a token with its
// client id and secret, no merchant interaction.
type ClientCredentialsConfig struct {
	ShopDomain   string
	BaseURL      string // overrides https://<ShopDomain>
	ClientID     string
	ClientSecret Secret
	HTTP         *http.Client
	// Store, if set, keeps the token across restarts.
	Store TokenStore
	// RefreshBefore renews the token this long before it expires (default 10 min).
	RefreshBefore time.Duration
	// DefaultLifetime applies when the response carries no expires_in:
	// third parties report about 24 hours (default 23 h to stay on the safe side).
	DefaultLifetime time.Duration
}

// ClientCredentials is a TokenSource that fetches, caches and renews a
// client-credentials token. Safe for concurrent use: one fetch at a time.
type ClientCredentials struct {
	cfg  ClientCredentialsConfig
	base string
	now  func() time.Time

	mu     sync.Mutex
	tok    Token
	loaded bool
}

// NewClientCredentials checks cfg and returns the token source.
func NewClientCredentials(cfg ClientCredentialsConfig) (*ClientCredentials, error) {
	if cfg.BaseURL == "" {
		if err := ValidateShopDomain(cfg.ShopDomain); err != nil {
			return nil, fmt.Errorf("client credentials: %w", err)
		}
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("client credentials: client id and secret are required")
	}
	if cfg.RefreshBefore <= 0 {
		cfg.RefreshBefore = 10 * time.Minute
	}
	if cfg.DefaultLifetime <= 0 {
		cfg.DefaultLifetime = 23 * time.Hour
	}
	return &ClientCredentials{cfg: cfg, base: shopBaseURL(cfg.ShopDomain, cfg.BaseURL), now: time.Now}, nil
}

// Token returns the cached token, fetching a new one when none is cached or
// it expires within RefreshBefore.
func (s *ClientCredentials) Token(ctx context.Context) (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if !s.loaded && s.cfg.Store != nil {
		s.loaded = true
		t, err := s.cfg.Store.Load(ctx, s.cfg.ShopDomain)
		switch {
		case err == nil:
			s.tok = t
		case !errors.Is(err, ErrNoToken):
			return Token{}, fmt.Errorf("client credentials: load token: %w", err)
		}
	}
	if s.tok.AccessToken != "" && !s.tok.expiresWithin(now, s.cfg.RefreshBefore) {
		return s.tok, nil
	}
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {s.cfg.ClientID},
		"client_secret": {s.cfg.ClientSecret.Reveal()},
	}
	t, err := postTokenForm(ctx, s.cfg.HTTP, s.base, form, now)
	if err != nil {
		return Token{}, fmt.Errorf("client credentials for %s: %w", s.cfg.ShopDomain, err)
	}
	if t.ExpiresAt.IsZero() {
		t.ExpiresAt = now.Add(s.cfg.DefaultLifetime)
	}
	s.tok = t
	if s.cfg.Store != nil {
		if err := s.cfg.Store.Save(ctx, s.cfg.ShopDomain, t); err != nil {
			return Token{}, fmt.Errorf("client credentials: save token: %w", err)
		}
	}
	return t, nil
}

// Invalidate drops the cached token so the next Token call fetches a new
// one (after the API answered 401).
func (s *ClientCredentials) Invalidate() {
	s.mu.Lock()
	s.tok = Token{}
	s.mu.Unlock()
}
