package shopifysim

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// sessionTokenTTL is a session token's life: "The lifetime of a session
// token is one minute" (Shopify, reference ui.md §1.3).
const sessionTokenTTL = time.Minute

// sessionClaims are the claims of a Shopify session token (ID token).
type sessionClaims struct {
	Dest string `json:"dest"`
	SID  string `json:"sid,omitempty"`
	jwt.RegisteredClaims
}

// SessionToken is what App Bridge would hand the app's page for staff user
// userID of the simulated shop: an HS256 JWT signed with the app's client
// secret, aud the client id, iss https://<shop>/admin, dest https://<shop>,
// valid for one minute from the simulator's clock.
func (s *Sim) SessionToken(userID string) (string, error) {
	if s.opts.ClientID == "" || s.opts.ClientSecret == "" {
		return "", errors.New("shopifysim: session tokens need Options.ClientID and ClientSecret")
	}
	now := s.now()
	dest := "https://" + s.opts.Shop.Domain
	c := sessionClaims{
		Dest: dest,
		SID:  randomToken("sid-"),
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    dest + "/admin",
			Subject:   userID,
			Audience:  jwt.ClaimStrings{s.opts.ClientID},
			ExpiresAt: jwt.NewNumericDate(now.Add(sessionTokenTTL)),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        randomToken(""),
		},
	}
	raw, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(s.opts.ClientSecret))
	if err != nil {
		return "", fmt.Errorf("shopifysim: sign session token: %w", err)
	}
	return raw, nil
}

// checkSubjectToken is how the token endpoint judges the subject of a
// token exchange: a session token of this app (signature under the client
// secret, aud the client id) for this shop, not expired. Shopify allows no
// leeway it documents; the simulator allows none either.
func (s *Sim) checkSubjectToken(raw string) error {
	var c sessionClaims
	_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return []byte(s.opts.ClientSecret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithAudience(s.opts.ClientID),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(s.now))
	if err != nil {
		return err
	}
	if c.Dest != "https://"+s.opts.Shop.Domain {
		return fmt.Errorf("token is for %s, not this shop", c.Dest)
	}
	return nil
}
