package shopify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Secret is a credential string that refuses to be printed: fmt, %#v and
// slog all show "[redacted]". Reveal returns the value for the one place that
// needs it (an Authorization header, or the encrypted token store).
type Secret string

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// String redacts.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// GoString redacts under %#v.
func (s Secret) GoString() string { return s.String() }

// LogValue redacts under slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Token is an Admin API access token and what is known about its life.
// Expiring offline tokens (OAuth) carry a refresh token; client-credentials
// tokens simply expire and are fetched again.
type Token struct {
	AccessToken      Secret    `json:"accessToken"`
	Scope            string    `json:"scope,omitempty"`
	ExpiresAt        time.Time `json:"expiresAt,omitzero"` // zero: does not expire
	RefreshToken     Secret    `json:"refreshToken,omitempty"`
	RefreshExpiresAt time.Time `json:"refreshExpiresAt,omitzero"`
}

// String describes the token without revealing it.
func (t Token) String() string {
	exp := "never"
	if !t.ExpiresAt.IsZero() {
		exp = t.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("shopify token [redacted] scope=%q expires=%s refreshable=%t", t.Scope, exp, t.RefreshToken != "")
}

// LogValue keeps tokens out of structured logs.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// expiresWithin reports whether the token expires within d of now.
func (t Token) expiresWithin(now time.Time, d time.Duration) bool {
	return !t.ExpiresAt.IsZero() && !now.Add(d).Before(t.ExpiresAt)
}

// TokenSource supplies a valid access token, refreshing it when it must.
type TokenSource interface {
	Token(ctx context.Context) (Token, error)
}

// TokenStore keeps a shop's token between runs. The lead's implementation
// encrypts it at rest; Load returns ErrNoToken when there is none.
type TokenStore interface {
	Load(ctx context.Context, shopDomain string) (Token, error)
	Save(ctx context.Context, shopDomain string, t Token) error
}

// ErrNoToken is returned by TokenStore.Load when no token is stored.
var ErrNoToken = errors.New("shopify: no stored token")

// StaticToken is an admin API token that never expires: a legacy custom
// app's shpat_… token, pasted by the merchant.
type StaticToken Secret

// Token returns the static token.
func (s StaticToken) Token(context.Context) (Token, error) {
	if s == "" {
		return Token{}, errors.New("static token is empty")
	}
	return Token{AccessToken: Secret(s)}, nil
}

// String redacts.
func (s StaticToken) String() string { return Secret(s).String() }

// GoString redacts under %#v.
func (s StaticToken) GoString() string { return Secret(s).String() }

// LogValue redacts under slog.
func (s StaticToken) LogValue() slog.Value { return slog.StringValue(Secret(s).String()) }
