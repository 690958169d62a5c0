package shopify

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// OAuthApp is a multi-shop app using Shopify's authorization-code grant.
type OAuthApp struct {
	ClientID     string
	ClientSecret Secret
	// PreviousSecret is accepted for callback HMACs during a secret rotation.
	PreviousSecret Secret
	Scopes         []string
	RedirectURL    string
	// Expiring asks for expiring offline tokens (1 h, with a refresh
	// token), which public apps must use.
	Expiring bool
	HTTP     *http.Client
	// ShopURL maps a shop domain to its origin; nil means https://<shop>.
	// Tests and the simulator point it elsewhere.
	ShopURL func(shop string) string
	// MaxClockSkew bounds the callback's timestamp (default 90 s).
	MaxClockSkew time.Duration
	// Now defaults to time.Now.
	Now func() time.Time
}

func (a *OAuthApp) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *OAuthApp) shopURL(shop string) string {
	if a.ShopURL != nil {
		return strings.TrimRight(a.ShopURL(shop), "/")
	}
	return "https://" + shop
}

// NewState returns a random nonce for the authorize redirect; keep it (e.g.
// in a signed cookie) and hand it to VerifyCallback.
func NewState() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("oauth state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// InstallURL is where to send the merchant to install or re-authorize the
// app on shop. Without grant_options[]=per-user the token is offline.
func (a *OAuthApp) InstallURL(shop, state string) (string, error) {
	if err := ValidateShopDomain(shop); err != nil {
		return "", err
	}
	if state == "" {
		return "", errors.New("oauth: state is required")
	}
	q := url.Values{
		"client_id":    {a.ClientID},
		"scope":        {strings.Join(a.Scopes, ",")},
		"redirect_uri": {a.RedirectURL},
		"state":        {state},
	}
	return a.shopURL(shop) + "/admin/oauth/authorize?" + q.Encode(), nil
}

// Callback is a verified authorization callback.
type Callback struct {
	Shop string
	Code string
}

// ErrCallbackInvalid is wrapped by every callback verification failure.
var ErrCallbackInvalid = errors.New("oauth callback rejected")

// VerifyCallback checks an authorization callback's query: the hex HMAC of
// the other parameters (sorted, hmac and signature removed) under the app
// secret, the state against the nonce issued, the timestamp within the
// allowed skew, and the shop domain. Only then may the code be exchanged.
func (a *OAuthApp) VerifyCallback(q url.Values, wantState string) (*Callback, error) {
	fail := func(why string) (*Callback, error) { return nil, fmt.Errorf("%w: %s", ErrCallbackInvalid, why) }
	for k, v := range q {
		if len(v) != 1 {
			return fail("parameter " + k + " repeated")
		}
	}
	mac, err := hex.DecodeString(q.Get("hmac"))
	if err != nil || len(mac) != sha256.Size {
		return fail("hmac missing or malformed")
	}
	rest := url.Values{}
	for k, v := range q {
		if k != "hmac" && k != "signature" {
			rest[k] = v
		}
	}
	if !macMatches(canonicalEncoded(rest), mac, a.ClientSecret, a.PreviousSecret) &&
		!macMatches(canonicalRaw(rest), mac, a.ClientSecret, a.PreviousSecret) {
		return fail("hmac does not match")
	}
	if wantState == "" || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(wantState)) != 1 {
		return fail("state does not match the one issued")
	}
	ts, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
	if err != nil {
		return fail("timestamp missing")
	}
	skew := a.MaxClockSkew
	if skew <= 0 {
		skew = 90 * time.Second
	}
	if d := a.now().Sub(time.Unix(ts, 0)); d > skew || d < -skew {
		return fail("timestamp outside the allowed window")
	}
	shop := q.Get("shop")
	if err := ValidateShopDomain(shop); err != nil {
		return fail(err.Error())
	}
	if q.Get("code") == "" {
		return fail("code missing")
	}
	return &Callback{Shop: shop, Code: q.Get("code")}, nil
}

// canonicalEncoded is the sorted, URL-encoded query string, as Shopify's
// own libraries build the callback message.
func canonicalEncoded(q url.Values) []byte { return []byte(q.Encode()) }

// canonicalRaw is the sorted name=value&… message without escaping, as
// Shopify's documentation example shows it. For the parameters Shopify sends
// (hex, digits, domains, base64) the two forms are usually identical; both
// are keyed with the secret, so accepting either admits no forgery.
func canonicalRaw(q url.Values) []byte {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + q.Get(k)
	}
	return []byte(strings.Join(parts, "&"))
}

// macMatches compares HMAC-SHA256(message) under each non-empty secret in
// constant time.
func macMatches(message, mac []byte, secrets ...Secret) bool {
	ok := false
	for _, s := range secrets {
		if s == "" {
			continue
		}
		h := hmac.New(sha256.New, []byte(s.Reveal()))
		h.Write(message)
		if hmac.Equal(h.Sum(nil), mac) {
			ok = true
		}
	}
	return ok
}

// Exchange trades a verified callback's code for the shop's token.
func (a *OAuthApp) Exchange(ctx context.Context, cb *Callback) (Token, error) {
	form := url.Values{
		"client_id":     {a.ClientID},
		"client_secret": {a.ClientSecret.Reveal()},
		"code":          {cb.Code},
	}
	if a.Expiring {
		form.Set("expiring", "1")
	}
	t, err := postTokenForm(ctx, a.HTTP, a.shopURL(cb.Shop), form, a.now())
	if err != nil {
		return Token{}, fmt.Errorf("oauth exchange for %s: %w", cb.Shop, err)
	}
	return t, nil
}

// Refresh renews an expiring offline token. Shopify rotates the refresh
// token too, so the returned Token must replace the stored one.
func (a *OAuthApp) Refresh(ctx context.Context, shop string, refresh Secret) (Token, error) {
	if refresh == "" {
		return Token{}, errors.New("oauth refresh: no refresh token")
	}
	form := url.Values{
		"client_id":     {a.ClientID},
		"client_secret": {a.ClientSecret.Reveal()},
		"grant_type":    {"refresh_token"},
		"refresh_token": {refresh.Reveal()},
	}
	t, err := postTokenForm(ctx, a.HTTP, a.shopURL(shop), form, a.now())
	if err != nil {
		return Token{}, fmt.Errorf("oauth refresh for %s: %w", shop, err)
	}
	return t, nil
}

// TokenSource returns the shop's stored token, refreshing and re-saving it
// when it expires within five minutes.
func (a *OAuthApp) TokenSource(shop string, store TokenStore) TokenSource {
	return &oauthTokenSource{app: a, shop: shop, store: store}
}

type oauthTokenSource struct {
	app   *OAuthApp
	shop  string
	store TokenStore
	mu    sync.Mutex
	tok   Token
}

func (s *oauthTokenSource) Token(ctx context.Context) (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.app.now()
	if s.tok.AccessToken == "" {
		t, err := s.store.Load(ctx, s.shop)
		if err != nil {
			return Token{}, fmt.Errorf("oauth token for %s: %w", s.shop, err)
		}
		s.tok = t
	}
	if !s.tok.expiresWithin(now, 5*time.Minute) {
		return s.tok, nil
	}
	if s.tok.RefreshToken == "" {
		return Token{}, fmt.Errorf("oauth token for %s expired and has no refresh token: reinstall the app", s.shop)
	}
	if !s.tok.RefreshExpiresAt.IsZero() && !now.Before(s.tok.RefreshExpiresAt) {
		return Token{}, fmt.Errorf("oauth refresh token for %s expired: reinstall the app", s.shop)
	}
	t, err := s.app.Refresh(ctx, s.shop, s.tok.RefreshToken)
	if err != nil {
		return Token{}, err
	}
	if err := s.store.Save(ctx, s.shop, t); err != nil {
		return Token{}, fmt.Errorf("oauth token for %s: save refreshed token: %w", s.shop, err)
	}
	s.tok = t
	return t, nil
}
