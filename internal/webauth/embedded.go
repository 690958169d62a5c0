package webauth

import (
	"context"
	"errors"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopify"
)

// RetryHeader tells App Bridge that the session token was refused: it
// fetches a fresh one and repeats the request once.
const RetryHeader = "X-Shopify-Retry-Invalid-Session-Request"

// AppBridgeScript is Shopify's App Bridge, which must be loaded from
// Shopify's CDN (it is not versioned or self-hostable).
const AppBridgeScript = "https://cdn.shopify.com/shopifycloud/app-bridge.js"

// Installer gets a shop its offline Admin API token from a session token
// (Shopify-managed installation); internal/app implements it.
type Installer interface {
	// EnsureOfflineToken makes sure a registered shop holds a usable offline
	// token, exchanging the session token when it has none (or only one
	// that can no longer be refreshed). A shop that already has one is left
	// alone, and so are shops reaching Shopify another way (a static token,
	// client credentials). Shopify refusing the subject token comes back as
	// an error for which shopify.IsInvalidSubjectToken holds.
	EnsureOfflineToken(ctx context.Context, shop *shopqb.Shop, st *SessionToken) error
	// InstallShop registers a shop seen for the first time: it exchanges the
	// session token and creates the shop only when Shopify gave a token.
	InstallShop(ctx context.Context, st *SessionToken) (*shopqb.Shop, error)
}

// EmbeddedConfig configures the embedded (Shopify admin) tree.
type EmbeddedConfig struct {
	// ClientID is the app's client id (API key): the tokens' aud and the
	// shopify-api-key the bounce page gives App Bridge.
	ClientID string
	// ClientSecret signs session tokens; PreviousSecret is accepted too
	// while the secret is being rotated.
	ClientSecret, PreviousSecret shopify.Secret
	// Shops looks a token's dest up among registered shops.
	Shops ShopFinder
	// Installer does token exchange; nil means none (shops must already
	// have their Shopify access, e.g. through /shopify/install).
	Installer Installer
	// ManagedInstall lets a valid session token of an unregistered shop
	// register it (through Installer.InstallShop, after a successful token
	// exchange). Off: an unknown dest is refused with 401.
	ManagedInstall bool
	// Prefix is the embedded tree ("/app" when empty); the bounce page is
	// Prefix + "/auth/session-token".
	Prefix string
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
	Log *slog.Logger
}

// EmbeddedAuth authenticates the /app tree with Shopify session tokens.
type EmbeddedAuth struct {
	verifier TokenVerifier
	shops    ShopFinder
	install  Installer
	managed  bool
	prefix   string
	apiKey   string
	log      *slog.Logger
}

// NewEmbedded returns the embedded authenticator.
func NewEmbedded(cfg EmbeddedConfig) (*EmbeddedAuth, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("webauth: the embedded app needs the Shopify app's client id and client secret")
	}
	if cfg.Shops == nil {
		return nil, errors.New("webauth: EmbeddedConfig.Shops is required")
	}
	if cfg.ManagedInstall && cfg.Installer == nil {
		return nil, errors.New("webauth: managed installation needs an Installer")
	}
	e := &EmbeddedAuth{
		verifier: TokenVerifier{ClientID: cfg.ClientID, Secret: cfg.ClientSecret, PreviousSecret: cfg.PreviousSecret, Now: cfg.Now},
		shops:    cfg.Shops, install: cfg.Installer, managed: cfg.ManagedInstall,
		prefix: strings.TrimRight(cfg.Prefix, "/"), apiKey: cfg.ClientID, log: cfg.Log,
	}
	if e.prefix == "" {
		e.prefix = "/app"
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	return e, nil
}

// BouncePath is the bounce page's path.
func (e *EmbeddedAuth) BouncePath() string { return e.prefix + "/auth/session-token" }

// APIKey is the client id, for the shopify-api-key meta of embedded pages.
func (e *EmbeddedAuth) APIKey() string { return e.apiKey }

// Require authenticates every request of the wrapped handler with a
// session token: the Authorization: Bearer header (App Bridge's fetches) or,
// on GET and HEAD document loads, the id_token query parameter. A document
// load with neither goes to the bounce page, which gets a token from App
// Bridge and reloads. A token that fails any check — signature, exp/nbf,
// aud, iss, a dest that is not a registered shop, a shop parameter or path
// naming another shop — gets 401 with RetryHeader and a one-line text, and
// next never runs. On success the response carries the CSP naming the
// token's shop and next sees the Principal.
func (e *EmbeddedAuth) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == e.BouncePath() && r.Method == http.MethodGet {
			// The bounce page is how a page without a token gets one.
			e.ServeBounce(w, r)
			return
		}
		ctx := r.Context()
		raw, document := sessionTokenOf(r)
		if raw == "" {
			if r.Header.Get("Authorization") == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
				e.redirectToBounce(w, r)
				return
			}
			e.refuse(w, r, errors.New("no session token"))
			return
		}
		st, err := e.verifier.Verify(raw)
		if err != nil {
			e.refuse(w, r, err)
			return
		}
		if other := otherShopNamed(r, st.Shop); other != "" {
			e.refuse(w, r, errors.New("the request names shop "+other+" but the token is for "+st.Shop))
			return
		}
		shop, err := e.shops.ShopByDomain(ctx, st.Shop)
		switch {
		case errors.Is(err, shopqb.ErrNotFound) && e.managed:
			shop, err = e.install.InstallShop(ctx, st)
			if err != nil {
				e.installFailed(w, r, st, err)
				return
			}
		case errors.Is(err, shopqb.ErrNotFound):
			e.refuse(w, r, errors.New("shop "+st.Shop+" is not registered"))
			return
		case err != nil:
			e.log.Error("embedded: look up shop", "shop", st.Shop, "err", err)
			http.Error(w, "The shop could not be read; try again in a moment.", http.StatusInternalServerError)
			return
		case document && e.install != nil:
			if err := e.install.EnsureOfflineToken(ctx, shop, st); err != nil {
				e.installFailed(w, r, st, err)
				return
			}
		}
		SetEmbeddedHeaders(w.Header(), shop.Domain)
		w.Header().Set("Cache-Control", "private, no-store")
		p := &Principal{Mode: Embedded, ShopID: shop.ID, Actor: "shopify-user:" + st.User + "@" + shop.Domain}
		if document {
			p.Locale = r.URL.Query().Get("locale")
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(ctx, p)))
	})
}

// sessionTokenOf returns the request's session token and whether it came
// in a document load's query. A token in a URL leaks into history and
// logs, so it is accepted only for loads that change nothing; an unsafe
// request must come from App Bridge's fetch with the header.
func sessionTokenOf(r *http.Request) (raw string, document bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok), false
		}
		return "", false
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		if t := r.URL.Query().Get("id_token"); t != "" {
			return t, true
		}
	}
	return "", false
}

// otherShopNamed returns a shop the request names — the shop query
// parameter, or a path segment that is a myshopify domain — other than
// the token's, or "".
func otherShopNamed(r *http.Request, shop string) string {
	for _, q := range r.URL.Query()["shop"] {
		if q != shop {
			return q
		}
	}
	for _, seg := range strings.Split(r.URL.Path, "/") {
		if strings.HasSuffix(seg, ".myshopify.com") && seg != shop {
			return seg
		}
	}
	return ""
}

// refuse answers an invalid session: 401, RetryHeader, a short text and
// nothing else (no page, no shop in any header).
func (e *EmbeddedAuth) refuse(w http.ResponseWriter, r *http.Request, why error) {
	e.log.Info("embedded request refused", "path", r.URL.Path, "why", why)
	h := w.Header()
	h.Set(RetryHeader, "1")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusUnauthorized)
	io.WriteString(w, "Unauthorized: invalid session token.\n")
}

// installFailed answers a failed token exchange: Shopify refusing the
// session token is an invalid session; anything else is Shopify or the
// database failing, 502 with the reason logged.
func (e *EmbeddedAuth) installFailed(w http.ResponseWriter, r *http.Request, st *SessionToken, err error) {
	if shopify.IsInvalidSubjectToken(err) || errors.Is(err, ErrInvalidSession) {
		e.refuse(w, r, err)
		return
	}
	e.log.Error("embedded: token exchange", "shop", st.Shop, "err", err)
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, "shopqb could not get this store's access from Shopify; reload the app in a moment.", http.StatusBadGateway)
}

// redirectToBounce sends a document load without a token to the bounce
// page, with the URL to reload (this one, without id_token).
func (e *EmbeddedAuth) redirectToBounce(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	q.Del("id_token")
	reload := r.URL.Path
	if len(q) > 0 {
		reload += "?" + q.Encode()
	}
	bq := url.Values{"shopify-reload": {reload}}
	if s := q.Get("shop"); s != "" && shopify.ValidateShopDomain(s) == nil {
		bq.Set("shop", s)
	}
	if h := q.Get("host"); h != "" {
		bq.Set("host", h)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, e.BouncePath()+"?"+bq.Encode(), http.StatusFound)
}

var bounceTemplate = template.Must(template.New("bounce").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><meta name="shopify-api-key" content="{{.APIKey}}"><script src="{{.Script}}"></script><title>shopqb</title></head><body></body></html>
`))

// ServeBounce is GET BouncePath(): the shopify-api-key meta and App
// Bridge's script, which fetches a session token and reloads
// shopify-reload with it. shopify-reload must be a path of the embedded
// tree. The CSP names the shop query parameter only when it is a valid
// domain of a registered shop; an attacker's ?shop=evil.com never reaches
// a header.
func (e *EmbeddedAuth) ServeBounce(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	reload := q.Get("shopify-reload")
	if LocalPath(reload, "") == "" || !(reload == e.prefix || strings.HasPrefix(reload, e.prefix+"/") || strings.HasPrefix(reload, e.prefix+"?")) {
		http.Error(w, "Bad request: shopify-reload must be a page of this app.", http.StatusBadRequest)
		return
	}
	shop := ""
	if s := q.Get("shop"); shopify.ValidateShopDomain(s) == nil {
		if _, err := e.shops.ShopByDomain(r.Context(), s); err == nil {
			shop = s
		}
	}
	SetEmbeddedHeaders(w.Header(), shop)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := bounceTemplate.Execute(w, struct{ APIKey, Script string }{e.apiKey, AppBridgeScript}); err != nil {
		e.log.Error("render bounce page", "err", err)
	}
}
