package webauth

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/shopqb/shopqb/internal/shopify"
)

// ErrInvalidSession is wrapped by every refusal of a session token: the
// embedded tree answers it with 401 and X-Shopify-Retry-Invalid-Session-Request,
// so App Bridge fetches a fresh token and tries once more.
var ErrInvalidSession = errors.New("invalid session token")

// sessionTokenLeeway absorbs clock skew between Shopify and this server on
// exp and nbf. Shopify's own libraries use 10 s after a 1 s skew broke nbf
// checks (reference ui.md §1.3).
const sessionTokenLeeway = 10 * time.Second

// SessionToken is a verified Shopify session token (ID token).
type SessionToken struct {
	// Shop is the myshopify domain of dest: the only source of the request's shop.
	Shop string
	// User is sub, the staff member (for the audit log, not for authorization).
	User string
	// SessionID is sid; shopqb does not authorize with it.
	SessionID string
	ExpiresAt time.Time
	// Raw is the token itself, the subject of a token exchange.
	Raw shopify.Secret
}

// sessionClaims are the claims Shopify puts in a session token.
type sessionClaims struct {
	Dest string `json:"dest"`
	SID  string `json:"sid"`
	jwt.RegisteredClaims
}

// TokenVerifier checks Shopify session tokens for one app.
type TokenVerifier struct {
	// ClientID is the app's client id: the token's aud.
	ClientID string
	// Secret signs the tokens; PreviousSecret is also accepted during a
	// rotation of the client secret.
	Secret, PreviousSecret shopify.Secret
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// Verify checks raw: HS256 under the client secret (or the previous one),
// exp and nbf present and current within the leeway, aud the client id, dest
// https://<name>.myshopify.com and iss dest + "/admin". It does not know
// which shops are registered; the middleware looks dest up afterwards.
func (v *TokenVerifier) Verify(raw string) (*SessionToken, error) {
	if v.ClientID == "" || v.Secret == "" {
		return nil, errors.New("session tokens cannot be verified: the Shopify app's client id and secret are not configured")
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithLeeway(sessionTokenLeeway),
		jwt.WithExpirationRequired(),
		jwt.WithNotBeforeRequired(),
		jwt.WithAudience(v.ClientID),
		jwt.WithTimeFunc(now),
	)
	var c sessionClaims
	_, err := parser.ParseWithClaims(raw, &c, keyFunc(v.Secret))
	if errors.Is(err, jwt.ErrTokenSignatureInvalid) && v.PreviousSecret != "" {
		c = sessionClaims{}
		_, err = parser.ParseWithClaims(raw, &c, keyFunc(v.PreviousSecret))
	}
	if err != nil {
		// jwt's messages name the failed check, never the token or the key.
		return nil, fmt.Errorf("%w: %v", ErrInvalidSession, err)
	}
	shop, err := destShop(c.Dest)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidSession, err)
	}
	if c.Issuer != c.Dest+"/admin" {
		return nil, fmt.Errorf("%w: iss %q is not dest + /admin", ErrInvalidSession, c.Issuer)
	}
	if c.Subject == "" {
		return nil, fmt.Errorf("%w: no sub", ErrInvalidSession)
	}
	return &SessionToken{Shop: shop, User: c.Subject, SessionID: c.SID, ExpiresAt: c.ExpiresAt.Time, Raw: shopify.Secret(raw)}, nil
}

func keyFunc(secret shopify.Secret) jwt.Keyfunc {
	return func(*jwt.Token) (any, error) { return []byte(secret.Reveal()), nil }
}

// destShop returns the shop domain of a dest claim, which must be exactly
// https://<name>.myshopify.com: no path, port, user or query.
func destShop(dest string) (string, error) {
	host, ok := strings.CutPrefix(dest, "https://")
	if !ok {
		return "", fmt.Errorf("dest %q is not an https origin", dest)
	}
	if err := shopify.ValidateShopDomain(host); err != nil {
		return "", fmt.Errorf("dest: %w", err)
	}
	if u, err := url.Parse(dest); err != nil || u.Host != host {
		return "", fmt.Errorf("dest %q is not a bare origin", dest)
	}
	return host, nil
}
