package web

import (
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
)

// apiActor is who the audit log says made a change through the API.
const apiActor = "api"

// routeAPI registers the admin API: every setup step and sync control of
// `shopqb admin`, calling the same shop administration service
// (internal/shopadmin) under the same rules. Reset is deliberately absent: it archives the outbox and unlocks the
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
	handle("PUT /api/shops/{id}/client-credentials", s.apiClientCredentials)
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

// createShopRequest is the body of POST /api/shops: the fields of
// `shopqb admin shop-add`, registered by the same shopadmin.Service.Register.
type createShopRequest struct {
	Domain     string `json:"domain"`   // example.myshopify.com
	Name       string `json:"name"`     // shown to the merchant
	TimeZone   string `json:"timeZone"` // IANA zone; transactions are dated in it
	Currency   string `json:"currency"` // ISO 4217; "" = USD
	ShopifyURL string `json:"shopifyUrl"`
	// ShopifyAuth is "static" (default) or "client_credentials".
	ShopifyAuth string `json:"shopifyAuth"`
	// ShopifyToken is the Admin API token of the shop's custom app; optional
	// here, PUT …/shopify-token sets it later.
	ShopifyToken string `json:"shopifyToken"`
	// ClientID and ClientSecret are the store's own app (shopifyAuth client_credentials).
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
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
	if req.ShopifyAuth == shopqb.AuthOAuth {
		writeError(w, http.StatusBadRequest, "a shop using the Shopify app registers itself: open /shopify/install?shop=<domain> on this server")
		return
	}
	reg, err := s.cfg.Admin.Register(r.Context(), shopqb.Registration{
		Domain: req.Domain, Name: req.Name, TimeZone: req.TimeZone, Currency: req.Currency,
		ShopifyAuth: req.ShopifyAuth, ShopifyURL: req.ShopifyURL, ShopifyToken: req.ShopifyToken,
		ClientID: req.ClientID, ClientSecret: req.ClientSecret,
	}, apiActor)
	if reg.AppToken == "" {
		s.serviceError(w, r, "register the shop", err)
		return
	}
	resp := createShopResponse{shopView: viewOf(reg.Shop), AppToken: reg.AppToken}
	if err != nil {
		// The shop exists and its app token is in this answer alone, so a
		// failure to store a credential must not turn it into an error.
		s.cfg.Log.Error("admin API: store the Shopify credentials of a new shop", "shop", reg.Shop.Domain, "err", err)
		resp.Warning = fmt.Sprintf("the shop is registered but its Shopify credentials were not stored; send the token again with PUT /api/shops/%d/shopify-token, or client credentials with PUT /api/shops/%d/client-credentials", reg.Shop.ID, reg.Shop.ID)
	} else {
		resp.ShopifyTokenStored = strings.TrimSpace(req.ShopifyToken) != "" || strings.TrimSpace(req.ClientID) != ""
	}
	w.Header().Set("Location", fmt.Sprintf("/api/shops/%d", reg.Shop.ID))
	writeJSON(w, http.StatusCreated, resp)
}

func (s *server) apiRotateToken(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	tok, err := s.cfg.Admin.RotateAppToken(r.Context(), shop.ID, apiActor)
	if err != nil {
		s.serviceError(w, r, "rotate the app token", err)
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
// the mapping stays. shopadmin's UpdateSettings validates and, after the start,
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
	if err := s.cfg.Admin.UpdateSettings(r.Context(), shop.ID, apiActor, next); err != nil {
		s.serviceError(w, r, "save the settings", err)
		return
	}
	writeJSON(w, http.StatusOK, next)
}

// secretStored is the answer to a stored secret: it never echoes the value.
var secretStored = map[string]string{"status": "stored (encrypted)"}

func (s *server) apiShopifyToken(w http.ResponseWriter, r *http.Request) {
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
	if err := s.cfg.Admin.SetShopifyToken(r.Context(), shop.ID, apiActor, req.Token); err != nil {
		s.serviceError(w, r, "store the Shopify token", err)
		return
	}
	writeJSON(w, http.StatusOK, secretStored)
}

// apiClientCredentials stores the client id and secret of the store's own
// app (shops whose Shopify auth is client_credentials); the secret also
// becomes the webhook secret.
func (s *server) apiClientCredentials(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	var req struct {
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
	}
	if !decodeJSON(w, r, &req) {
		return
	}
	if err := s.cfg.Admin.SetShopifyClientCredentials(r.Context(), shop.ID, apiActor, req.ClientID, req.ClientSecret); err != nil {
		s.serviceError(w, r, "store the Shopify client credentials", err)
		return
	}
	writeJSON(w, http.StatusOK, secretStored)
}

// apiWebhookSecret stores the client secret that signs the shop's webhooks;
// the one it replaces keeps verifying deliveries signed during the rotation.
func (s *server) apiWebhookSecret(w http.ResponseWriter, r *http.Request) {
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
	if err := s.cfg.Admin.SetWebhookSecret(r.Context(), shop.ID, apiActor, req.Secret); err != nil {
		s.serviceError(w, r, "store the webhook secret", err)
		return
	}
	writeJSON(w, http.StatusOK, secretStored)
}

// apiStockyKey stores the shop's Stocky API key and Store-Name (empty: the
// shop's domain).
func (s *server) apiStockyKey(w http.ResponseWriter, r *http.Request) {
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
	if err := s.cfg.Admin.SetStockyKey(r.Context(), shop.ID, apiActor, req.StoreName, req.Key); err != nil {
		s.serviceError(w, r, "store the Stocky key", err)
		return
	}
	writeJSON(w, http.StatusOK, secretStored)
}
