package shopify

import (
	"context"
	"errors"
	"fmt"
	"net/url"
)

// The token-exchange grant (RFC 8693) as Shopify's managed installation
// uses it: the app trades a session token (ID token) that App Bridge gave
// it for the shop's offline access token, with no redirect and no consent
// page, because the merchant approved the scopes when installing.
const (
	GrantTokenExchange         = "urn:ietf:params:oauth:grant-type:token-exchange"
	TokenTypeIDToken           = "urn:ietf:params:oauth:token-type:id_token"
	TokenTypeOfflineAccess     = "urn:shopify:params:oauth:token-type:offline-access-token"
	TokenTypeOnlineAccess      = "urn:shopify:params:oauth:token-type:online-access-token"
	errCodeInvalidSubjectToken = "invalid_subject_token"
)

// ExchangeIDToken trades a session token for the shop's offline access
// token. With Expiring set the token lasts an hour and comes with a refresh
// token that TokenSource renews. A subject token Shopify refuses (expired,
// not for this app) is a *TokenError for which IsInvalidSubjectToken holds:
// the caller answers it as an invalid session, so App Bridge retries with a
// fresh one.
func (a *OAuthApp) ExchangeIDToken(ctx context.Context, shop string, idToken Secret) (Token, error) {
	if err := ValidateShopDomain(shop); err != nil {
		return Token{}, fmt.Errorf("token exchange: %w", err)
	}
	if idToken == "" {
		return Token{}, errors.New("token exchange: no session token")
	}
	form := url.Values{
		"client_id":            {a.ClientID},
		"client_secret":        {a.ClientSecret.Reveal()},
		"grant_type":           {GrantTokenExchange},
		"subject_token":        {idToken.Reveal()},
		"subject_token_type":   {TokenTypeIDToken},
		"requested_token_type": {TokenTypeOfflineAccess},
	}
	if a.Expiring {
		form.Set("expiring", "1")
	}
	t, err := postTokenForm(ctx, a.HTTP, a.shopURL(shop), form, a.now())
	if err != nil {
		return Token{}, fmt.Errorf("token exchange for %s: %w", shop, err)
	}
	return t, nil
}

// IsInvalidSubjectToken reports whether err is Shopify refusing the session
// token given to a token exchange (HTTP 400 invalid_subject_token).
func IsInvalidSubjectToken(err error) bool {
	var te *TokenError
	return errors.As(err, &te) && te.StatusCode == 400 && te.Code == errCodeInvalidSubjectToken
}
