package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopify"
)

// apiActor is who the audit log says made a change through the API.
const apiActor = "api"

// routeAPI registers the admin API: every setup step and sync control of
// `shopqb admin`, calling the same engine and App functions under the same
// rules. Reset is deliberately absent: it archives the outbox and unlocks the
// settings, an operator's decision taken at the server with `shopqb admin
// reset`, not a button in the web UI.
func (s *server) routeAPI(mux *http.ServeMux) {
	handle := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, s.admin(h)) }
	handle("GET /api/shops", s.apiShops)
	handle("POST /api/shops", s.apiCreateShop)
	handle("GET /api/shops/{id}", s.apiShop)
	handle("POST /api/shops/{id}/token", s.apiRotateToken)
	handle("GET /api/shops/{id}/qwc", s.apiQWC)
	handle("GET /api/shops/{id}/settings", s.apiSettings)
	handle("PUT /api/shops/{id}/settings", s.apiUpdateSettings)
	handle("PUT /api/shops/{id}/shopify-token", s.apiShopifyToken)
	handle("PUT /api/shops/{id}/webhook-secret", s.apiWebhookSecret)
	handle("PUT /api/shops/{id}/stocky-key", s.apiStockyKey)
	handle("GET /api/shops/{id}/preflight", s.apiPreflight)
	handle("POST /api/shops/{id}/start", s.apiStart)
	handle("POST /api/shops/{id}/sync", s.apiSync)
	handle("POST /api/shops/{id}/retry", s.apiRetry)
	handle("GET /api/shops/{id}/runs", s.apiRuns)
	handle("GET /api/shops/{id}/postings", s.apiPostings)
	handle("GET /api/shops/{id}/audit", s.apiAudit)
	// Anything else under /api/ gets a JSON 404 (after the token check, so
	// the API's shape is not shown to strangers).
	handle("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such admin API endpoint: "+r.Method+" "+r.URL.Path)
	})
}

type shopView struct {
	ID          int64                       `json:"id"`
	Domain      string                      `json:"domain"`
	Name        string                      `json:"name"`
	TimeZone    string                      `json:"timeZone"`
	ShopifyURL  string                      `json:"shopifyUrl,omitempty"`
	QBWCUser    string                      `json:"qbwcUser"`
	CompanyFile string                      `json:"companyFile"`
	Started     bool                        `json:"started"`
	StartedAt   *time.Time                  `json:"startedAt,omitempty"`
	Settings    shopqb.Settings             `json:"settings"`
	Postings    map[shopqb.PostingState]int `json:"postings,omitempty"`
}

func viewOf(s *shopqb.Shop) shopView {
	return shopView{
		ID: s.ID, Domain: s.Domain, Name: s.Name, TimeZone: s.TimeZone, ShopifyURL: s.ShopifyURL,
		QBWCUser: s.QBWCUser, CompanyFile: s.CompanyFile, Started: s.StartedAt != nil, StartedAt: s.StartedAt,
		Settings: s.Settings,
	}
}

func (s *server) apiShops(w http.ResponseWriter, r *http.Request) {
	shops, err := s.cfg.Store.ListShops(r.Context())
	if err != nil {
		s.internalError(w, r, "list the shops", err)
		return
	}
	out := make([]shopView, 0, len(shops))
	for _, sh := range shops {
		out = append(out, viewOf(sh))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *server) apiShop(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	v := viewOf(shop)
	counts, err := s.cfg.Store.CountPostings(r.Context(), shop.ID)
	if err != nil {
		s.internalError(w, r, "count the shop's postings", err)
		return
	}
	v.Postings = counts
	writeJSON(w, http.StatusOK, v)
}

// createShopRequest is the body of POST /api/shops.
type createShopRequest struct {
	Domain     string `json:"domain"`   // example.myshopify.com
	Name       string `json:"name"`     // shown to the merchant
	TimeZone   string `json:"timeZone"` // IANA zone; transactions are dated in it
	ShopifyURL string `json:"shopifyUrl"`
	// ShopifyToken is the Admin API token of the shop's custom app; optional
	// here, PUT …/shopify-token sets it later.
	ShopifyToken string `json:"shopifyToken"`
}

// createShopResponse carries the app token: this answer is the only time it
// is ever shown (only its hash is stored).
type createShopResponse struct {
	shopView
	AppToken           string `json:"appToken"`
	ShopifyTokenStored bool   `json:"shopifyTokenStored"`
	Warning            string `json:"warning,omitempty"`
}

func (s *server) apiCreateShop(w http.ResponseWriter, r *http.Request) {
	var req createShopRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	domain := strings.ToLower(strings.TrimSpace(req.Domain))
	if err := shopify.ValidateShopDomain(domain); err != nil {
		writeError(w, http.StatusBadRequest, "domain: "+err.Error()+" (the shop's host name, without https:// or a path)")
		return
	}
	if req.TimeZone == "" || req.TimeZone == "Local" {
		writeError(w, http.StatusBadRequest, "timeZone is required: the shop's IANA time zone, e.g. America/New_York")
		return
	}
	if _, err := time.LoadLocation(req.TimeZone); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("timeZone %q is not an IANA time zone such as America/New_York", req.TimeZone))
		return
	}
	if req.ShopifyURL != "" {
		u, err := url.Parse(req.ShopifyURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			writeError(w, http.StatusBadRequest, "shopifyUrl must be an http(s) base URL such as https://example.myshopify.com, or left out")
			return
		}
	}
	token, ok := cleanSecret(w, "shopifyToken", req.ShopifyToken, true)
	if !ok {
		return
	}
	if token != "" && s.cfg.SetShopifyToken == nil {
		writeError(w, http.StatusNotImplemented, "this server cannot store Shopify tokens; leave shopifyToken out")
		return
	}
	// As `shopqb admin shop-add` registers it: a custom app's static token, in USD.
	shop := &shopqb.Shop{Domain: domain, Name: strings.TrimSpace(req.Name), TimeZone: req.TimeZone, Currency: "USD", ShopifyAuth: "static", ShopifyURL: req.ShopifyURL}
	appToken, err := s.cfg.Engine.NewShop(r.Context(), shop)
	if errors.Is(err, shopqb.ErrConflict) {
		writeError(w, http.StatusConflict, fmt.Sprintf("a shop with domain %s or Web Connector user %s is already registered", shop.Domain, shop.QBWCUser))
		return
	}
	if err != nil {
		s.internalError(w, r, "register the shop", err)
		return
	}
	resp := createShopResponse{shopView: viewOf(shop), AppToken: appToken}
	if token != "" {
		// The shop exists and its app token is in this answer alone, so a
		// failure to store the Shopify token must not turn it into an error.
		if err := s.cfg.SetShopifyToken(r.Context(), shop, token); err != nil {
			s.cfg.Log.Error("admin API: store the Shopify token of a new shop", "shop", shop.Domain, "err", err)
			resp.Warning = "the shop is registered but its Shopify token was not stored; send it again with PUT /api/shops/" + fmt.Sprint(shop.ID) + "/shopify-token"
		} else {
			resp.ShopifyTokenStored = true
		}
	}
	w.Header().Set("Location", fmt.Sprintf("/api/shops/%d", shop.ID))
	writeJSON(w, http.StatusCreated, resp)
}

// cleanSecret trims a pasted secret and refuses one that is empty (when
// required) or has spaces or control characters inside, which no Shopify,
// Stocky or webhook secret has: such a value is a paste gone wrong. It
// answers the error itself; the value is never part of the answer.
func cleanSecret(w http.ResponseWriter, field, v string, optional bool) (string, bool) {
	v = strings.TrimSpace(v)
	if v == "" && !optional {
		writeError(w, http.StatusBadRequest, field+" is required")
		return "", false
	}
	if strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		writeError(w, http.StatusBadRequest, field+" contains spaces or control characters; paste it again")
		return "", false
	}
	return v, true
}

func (s *server) apiRotateToken(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	tok, err := s.cfg.Engine.RotateToken(r.Context(), shop.ID, apiActor)
	if err != nil {
		s.internalError(w, r, "rotate the app token", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{
		"appToken": tok,
		"note":     "shown once: paste it as the Web Connector password for user " + shop.QBWCUser + "; the old token no longer works",
	})
}

// apiQWC serves the shop's .qwc for a Web Connector endpoint given as ?url=.
func (s *server) apiQWC(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	endpoint := r.URL.Query().Get("url")
	if endpoint == "" {
		writeError(w, http.StatusBadRequest, "query parameter url is required: the Web Connector endpoint, e.g. https://shopqb.example.com/qbwc")
		return
	}
	every, ok := queryInt(w, r, "everyMinutes", 0, 1, 24*60)
	if !ok {
		return
	}
	q, err := ShopQWC(shop, endpoint, int(every))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	b, err := q.Marshal()
	if err != nil {
		// Marshal validates; with the shop's own fields valid, what it
		// refuses is the URL the client gave.
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": shop.QBWCUser + ".qwc"}))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func (s *server) apiSettings(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	writeJSON(w, http.StatusOK, shop.Settings)
}

// apiUpdateSettings changes the fields the body has and keeps the others,
// like `shopqb admin settings`: mapping entries given are set, the rest of
// the mapping stays. Engine.UpdateSettings validates and, after the start,
// refuses changes to the start date and the modes (409).
func (s *server) apiUpdateSettings(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	next := shop.Settings
	next.Mapping = make(shopqb.Mapping, len(shop.Settings.Mapping))
	for k, v := range shop.Settings.Mapping {
		next.Mapping[k] = v
	}
	if !decodeJSON(w, r, &next) {
		return
	}
	if err := s.cfg.Engine.UpdateSettings(r.Context(), shop.ID, apiActor, next); err != nil {
		if status, msg, ok := settingsRefusal(err); ok {
			writeError(w, status, msg)
			return
		}
		s.internalError(w, r, "save the settings", err)
		return
	}
	writeJSON(w, http.StatusOK, next)
}

// secretStored is the answer to a stored secret: it never echoes the value.
var secretStored = map[string]string{"status": "stored (encrypted)"}

func (s *server) apiShopifyToken(w http.ResponseWriter, r *http.Request) {
	if s.cfg.SetShopifyToken == nil {
		writeError(w, http.StatusNotImplemented, "this server cannot store Shopify tokens")
		return
	}
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	var req struct {
		Token string `json:"token"`
	}
	if !decodeJSON(w, r, &req) {
		return
	}
	tok, ok := cleanSecret(w, "token", req.Token, false)
	if !ok {
		return
	}
	if err := s.cfg.SetShopifyToken(r.Context(), shop, tok); err != nil {
		s.internalError(w, r, "store the Shopify token", err)
		return
	}
	writeJSON(w, http.StatusOK, secretStored)
}

// apiWebhookSecret stores the client secret that signs the shop's webhooks;
// the one it replaces keeps verifying deliveries signed during the rotation.
func (s *server) apiWebhookSecret(w http.ResponseWriter, r *http.Request) {
	if s.cfg.SetWebhookSecret == nil {
		writeError(w, http.StatusNotImplemented, "this server cannot store webhook secrets")
		return
	}
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	var req struct {
		Secret string `json:"secret"`
	}
	if !decodeJSON(w, r, &req) {
		return
	}
	sec, ok := cleanSecret(w, "secret", req.Secret, false)
	if !ok {
		return
	}
	if err := s.cfg.SetWebhookSecret(r.Context(), shop, sec); err != nil {
		s.internalError(w, r, "store the webhook secret", err)
		return
	}
	writeJSON(w, http.StatusOK, secretStored)
}

// apiStockyKey stores the shop's Stocky API key and Store-Name (empty: the
// shop's domain).
func (s *server) apiStockyKey(w http.ResponseWriter, r *http.Request) {
	if s.cfg.SetStockyKey == nil {
		writeError(w, http.StatusNotImplemented, "this server cannot store Stocky keys")
		return
	}
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	var req struct {
		StoreName string `json:"storeName"`
		Key       string `json:"key"`
	}
	if !decodeJSON(w, r, &req) {
		return
	}
	key, ok := cleanSecret(w, "key", req.Key, false)
	if !ok {
		return
	}
	if strings.IndexFunc(req.StoreName, unicode.IsControl) >= 0 {
		writeError(w, http.StatusBadRequest, "storeName contains control characters")
		return
	}
	if err := s.cfg.SetStockyKey(r.Context(), shop, req.StoreName, key); err != nil {
		s.internalError(w, r, "store the Stocky key", err)
		return
	}
	writeJSON(w, http.StatusOK, secretStored)
}
