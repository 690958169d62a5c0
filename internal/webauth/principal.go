// Package webauth decides who is calling shopqb's pages and for which shop:
// in the Shopify admin from Shopify's session token (ID token), self-hosted
// from a login session. Pages never read a shop from the URL on their own:
// they ask the Principal the middleware put in the request's context.
//
// Two authenticators, one per route tree:
//
//   - NewEmbedded (/app): EmbeddedAuth.Require checks Shopify's session
//     token (Authorization: Bearer on App Bridge's fetches, id_token on
//     document loads), serves the bounce page, answers an invalid token with
//     401 and X-Shopify-Retry-Invalid-Session-Request, sets the CSP naming
//     the token's shop, and on document loads has the Installer get the
//     shop's offline token by token exchange when it lacks one.
//   - NewStandalone (/console): StandaloneAuth.Require checks the session
//     cookie and, on unsafe methods, the CSRF token; Public guards the login
//     page; Login, Logout, LoginCSRF, NewLoginLink and Shops do the rest.
//
// Passwords are argon2id (HashPassword, VerifyPassword); sessions, failed
// logins and login links live in the database (Store).
package webauth

import "context"

// Mode is how a request came in.
type Mode int

// The two ways in.
const (
	// Standalone is a self-hosted login (cookie session, CSRF token on every form).
	Standalone Mode = iota + 1
	// Embedded is a page framed by the Shopify admin, authenticated by a session token.
	Embedded
)

// Principal is the authenticated caller of one request.
type Principal struct {
	Mode Mode
	// Actor names the person in the audit log: "user:kim@example.com" or "shopify-user:<sub>@<shop>".
	Actor string
	// UserID is the standalone user (0 when embedded).
	UserID int64
	// ShopID is the embedded request's shop, from the token's dest (0 when standalone).
	ShopID int64
	// Locale is the language the caller asked for ("" = decide from Accept-Language).
	Locale string
	// CSRF is the standalone session's synchronizer token; every form carries it as "csrf_token".
	CSRF string
	// Operator is a standalone user who sees every shop (the /console operator view).
	Operator bool
	// canSee answers whether the principal may act on a shop.
	canSee func(ctx context.Context, shopID int64) (bool, error)
}

// CSRFField is the form field name that carries the CSRF token.
const CSRFField = "csrf_token"

type ctxKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the request's principal, or nil outside the middleware.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}

// CanSee reports whether p may see and act on the shop: an embedded
// principal only its token's shop, a standalone user only the shops granted to them.
func (p *Principal) CanSee(ctx context.Context, shopID int64) (bool, error) {
	if p == nil {
		return false, nil
	}
	if p.Mode == Embedded {
		return shopID != 0 && shopID == p.ShopID, nil
	}
	if p.canSee == nil {
		return false, nil
	}
	return p.canSee(ctx, shopID)
}
