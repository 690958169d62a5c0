package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopify"
)

// installStateTTL is how long a merchant has between starting an install
// and approving it on Shopify's page.
const installStateTTL = 15 * time.Minute

// shopifyOAuthHandler serves the app install flow: GET /shopify/install
// sends the merchant to Shopify's authorize page, GET /shopify/callback
// takes them back, verified, with the shop's token. The state nonce lives in
// the database, so any shopqb process behind the load balancer can serve
// the callback.
func (a *App) shopifyOAuthHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /shopify/install", a.serveShopifyInstall)
	mux.HandleFunc("GET /shopify/callback", a.serveShopifyCallback)
	return mux
}

// oauthStateKey is what the database keeps of a state: its digest, so reading
// the table gives nobody a state to replay.
func oauthStateKey(state string) string {
	sum := sha256.Sum256([]byte(state))
	return hex.EncodeToString(sum[:])
}

func (a *App) serveShopifyInstall(w http.ResponseWriter, r *http.Request) {
	oa := a.oauthApp()
	if oa == nil {
		a.installPage(w, http.StatusNotFound, installView{Title: "Shopify app not configured",
			Message: "This shopqb server has no Shopify app. Its operator starts it with --shopify-client-id and --shopify-client-secret."})
		return
	}
	shop := r.URL.Query().Get("shop")
	if err := shopify.ValidateShopDomain(shop); err != nil {
		a.installPage(w, http.StatusBadRequest, installView{Title: "Not a Shopify store",
			Message: "Open this page as /shopify/install?shop=your-store.myshopify.com: " + err.Error() + "."})
		return
	}
	state, err := shopify.NewState()
	if err == nil {
		err = a.Store.PutOAuthState(r.Context(), oauthStateKey(state), shop, a.oauthNow().Add(installStateTTL))
	}
	var target string
	if err == nil {
		target, err = oa.InstallURL(shop, state)
	}
	if err != nil {
		a.log.Error("shopify install", "shop", shop, "err", err)
		a.installPage(w, http.StatusInternalServerError, installView{Title: "Install failed", Message: "The install could not start; try again in a moment."})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
}

// serveShopifyCallback checks the callback (shop domain, HMAC under the app
// secret, timestamp window, then the state, which it consumes), exchanges
// the code for an expiring offline token, and creates or updates the shop.
// Nothing is created or stored unless every check passed.
func (a *App) serveShopifyCallback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	oa := a.oauthApp()
	if oa == nil {
		a.installPage(w, http.StatusNotFound, installView{Title: "Shopify app not configured",
			Message: "This shopqb server has no Shopify app. Its operator starts it with --shopify-client-id and --shopify-client-secret."})
		return
	}
	q := r.URL.Query()
	domain := q.Get("shop")
	if err := shopify.ValidateShopDomain(domain); err != nil || q.Get("code") == "" || q.Get("state") == "" || q.Get("hmac") == "" {
		a.installPage(w, http.StatusBadRequest, installView{Title: "Not a Shopify callback",
			Message: "This page is where Shopify sends you back after you approve the app; start at /shopify/install?shop=your-store.myshopify.com."})
		return
	}
	// The state is checked against the database just below, where it is
	// also consumed; here VerifyCallback checks the HMAC, timestamp and shop.
	cb, err := oa.VerifyCallback(q, q.Get("state"))
	if err != nil {
		a.log.Warn("shopify callback rejected", "shop", domain, "err", err)
		a.installPage(w, http.StatusForbidden, installView{Title: "Callback rejected",
			Message: "The callback did not verify (" + strings.TrimPrefix(err.Error(), shopify.ErrCallbackInvalid.Error()+": ") + "). Start the install again."})
		return
	}
	issuedFor, err := a.Store.TakeOAuthState(ctx, oauthStateKey(q.Get("state")), a.oauthNow())
	if err != nil || issuedFor != cb.Shop {
		if err != nil && !errors.Is(err, shopqb.ErrNotFound) {
			a.log.Error("shopify callback: read state", "shop", cb.Shop, "err", err)
		}
		a.log.Warn("shopify callback rejected", "shop", cb.Shop, "err", "state unknown, used, expired or issued for another shop")
		a.installPage(w, http.StatusForbidden, installView{Title: "Install link expired",
			Message: "This install was already completed, has expired, or was started for another store. Start again at /shopify/install?shop=" + cb.Shop + "."})
		return
	}
	tok, err := oa.Exchange(ctx, cb)
	if err != nil {
		a.log.Error("shopify token exchange", "shop", cb.Shop, "err", err)
		a.installPage(w, http.StatusBadGateway, installView{Title: "Shopify refused the install",
			Message: "Shopify did not give shopqb a token (" + err.Error() + "). Start the install again."})
		return
	}
	view, status := a.completeInstall(ctx, cb.Shop, tok)
	a.installPage(w, status, view)
}

// completeInstall stores the token of a verified install: on the existing
// shop (which now uses this app), or on a new shop whose Web Connector
// password is shown this once.
func (a *App) completeInstall(ctx context.Context, domain string, tok shopify.Token) (installView, int) {
	fail := func(err error) (installView, int) {
		a.log.Error("shopify install", "shop", domain, "err", err)
		return installView{Title: "Install failed", Message: "Shopify approved the app but shopqb could not save it; start the install again."}, http.StatusInternalServerError
	}
	view := installView{Title: "Connected", Shop: domain, QWCCommand: "shopqb qwc --shop " + domain + " --url " + a.URL + "/qbwc --out " + strings.TrimSuffix(domain, ".myshopify.com") + ".qwc"}
	shop, appToken, err := a.storeInstall(ctx, domain, tok)
	if err != nil {
		return fail(err)
	}
	view.AppToken = appToken
	view.QBWCUser = shop.QBWCUser
	view.Started = shop.StartedAt != nil
	return view, http.StatusOK
}

// storeInstall keeps the Shopify token of a verified install (an OAuth
// callback, or a token exchange under managed installation): on the
// existing shop, which now uses this app, or on a new shop, whose app token
// (the Web Connector password) it returns for showing once.
func (a *App) storeInstall(ctx context.Context, domain string, tok shopify.Token) (*shopqb.Shop, string, error) {
	var appToken string
	shop, err := a.Store.ShopByDomain(ctx, domain)
	if errors.Is(err, shopqb.ErrNotFound) {
		var reg shopadmin.Registered
		reg, err = a.Admin.Register(ctx, a.newOAuthShop(ctx, domain, tok), installActor)
		shop, appToken = reg.Shop, reg.AppToken
		if errors.Is(err, shopqb.ErrConflict) {
			// Another install of the same store finished first: update it.
			appToken = ""
			shop, err = a.Store.ShopByDomain(ctx, domain)
		}
	}
	if err != nil {
		return nil, "", err
	}
	if appToken == "" && shop.ShopifyAuth != shopqb.AuthOAuth {
		prev := shop.ShopifyAuth
		shop.ShopifyAuth = shopqb.AuthOAuth
		if a.cfg.ShopifyShopURL != nil {
			shop.ShopifyURL = a.cfg.ShopifyShopURL(domain)
		}
		if err := a.Store.UpdateShop(ctx, shop); err != nil {
			return nil, "", err
		}
		_ = a.Store.AddAudit(ctx, shop.ID, installActor, "shopify_auth_changed", prev+" -> "+shopqb.AuthOAuth)
	}
	if err := (sealedTokenStore{a: a, shop: shop, name: shopadmin.SecretShopifyOAuthToken}).Save(ctx, domain, tok); err != nil {
		return nil, "", err
	}
	// The app's client secret signs its webhooks to this shop.
	if err := a.Admin.SetWebhookSecret(ctx, shop.ID, installActor, a.cfg.ShopifyClientSecret); err != nil {
		return nil, "", err
	}
	_ = a.Store.AddAudit(ctx, shop.ID, installActor, "shopify_app_installed", "scope "+tok.Scope)
	return shop, appToken, nil
}

// installActor is who the audit log says changed a shop during an install.
const installActor = "shopify"

// newOAuthShop describes a store installing the app for the first time,
// with its name, currency and time zone read with the new token. If that
// read fails the shop still gets registered (the code is spent; losing the
// token would make the merchant start over) with shopqb's usual defaults.
func (a *App) newOAuthShop(ctx context.Context, domain string, tok shopify.Token) shopadmin.Registration {
	reg := shopadmin.Registration{Domain: domain, Name: domain, TimeZone: "America/New_York", Currency: "USD", ShopifyAuth: shopqb.AuthOAuth}
	if a.cfg.ShopifyShopURL != nil {
		reg.ShopifyURL = a.cfg.ShopifyShopURL(domain)
	}
	c, err := shopify.NewClient(shopify.ClientConfig{ShopDomain: domain, BaseURL: reg.ShopifyURL,
		Token: shopify.StaticToken(tok.AccessToken), Log: a.log, Trace: a.cfg.ShopifyTrace, HTTP: a.cfg.ShopifyHTTP})
	var info *shopify.Shop
	if err == nil {
		info, err = c.Shop(ctx)
	}
	if err != nil {
		a.log.Warn("new shop: read its name, currency and time zone", "shop", domain, "err", err)
		return reg
	}
	if info.Name != "" {
		reg.Name = info.Name
	}
	if info.CurrencyCode != "" {
		reg.Currency = info.CurrencyCode
	}
	if _, err := time.LoadLocation(info.IanaTimezone); err == nil && info.IanaTimezone != "" {
		reg.TimeZone = info.IanaTimezone
	}
	return reg
}

// installView is what the install pages say.
type installView struct {
	Title, Message string
	Shop           string
	QBWCUser       string
	// AppToken is the new shop's Web Connector password, shown only on the
	// page that created the shop.
	AppToken   string
	QWCCommand string
	Started    bool
}

var installTemplate = template.Must(template.New("install").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>shopqb: {{.Title}}</title></head>
<body><h1>{{.Title}}</h1>
{{if .Message}}<p>{{.Message}}</p>{{end}}
{{if .Shop}}<p>shopqb can now read <strong>{{.Shop}}</strong> from Shopify.</p>
{{if .AppToken}}<p>Your QuickBooks Web Connector user is <code>{{.QBWCUser}}</code> and its password (the app token) is:</p>
<p><code id="app-token">{{.AppToken}}</code></p>
<p><strong>Copy it now: it is shown only this once.</strong></p>
<h2>Next</h2>
<ol><li>Get the Web Connector file: <code>{{.QWCCommand}}</code> (your shopqb operator can run it for you).</li>
<li>In QuickBooks Desktop, open the Web Connector (File › App Management › Update Web Services), add the <code>.qwc</code> file and paste the password above.</li>
<li>Map your accounts and start the integration: your shopqb operator runs <code>shopqb admin settings --shop {{.Shop}} --map …</code> and <code>shopqb admin start --shop {{.Shop}}</code> (or the same steps through the admin API).</li></ol>
{{else}}<p>The store was already registered; its Shopify access is renewed. The Web Connector keeps its user <code>{{.QBWCUser}}</code> and password{{if not .Started}}; if you have not added it yet, get the file with <code>{{.QWCCommand}}</code>{{end}}.</p>
{{end}}{{end}}
</body></html>`))

// installPage renders an install page. Pages may carry a one-time password,
// so nothing caches them and no link leaks them in a Referer.
func (a *App) installPage(w http.ResponseWriter, status int, v installView) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	if err := installTemplate.Execute(w, v); err != nil {
		a.log.Error("render install page", "err", err)
	}
}
