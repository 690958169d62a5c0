package shopifysim

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Token lifetimes as Shopify documents them (reference §3.5): client
// credentials tokens last about 24 h, expiring offline tokens 1 h with a
// rotating refresh token; authorization codes are single-use.
const (
	clientCredentialsTTL = 24*time.Hour - time.Second
	expiringOfflineTTL   = time.Hour
	refreshTokenTTL      = 90 * 24 * time.Hour
	authorizationCodeTTL = 10 * time.Minute
)

type issuedToken struct {
	expires time.Time // zero: never
}

func (t issuedToken) valid(now time.Time) bool { return t.expires.IsZero() || now.Before(t.expires) }

func randomToken(prefix string) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("shopifysim: crypto/rand failed: " + err.Error())
	}
	return prefix + hex.EncodeToString(b)
}

func constantEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// authenticated reports whether the request carries the static admin token
// or an issued, unexpired one.
func (s *Sim) authenticated(r *http.Request) bool {
	tok := r.Header.Get("X-Shopify-Access-Token")
	if tok == "" {
		return false
	}
	if s.opts.AccessToken != "" && constantEqual(tok, s.opts.AccessToken) {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[tok]
	return ok && t.valid(s.now())
}

func (s *Sim) grantedScopes() []string {
	if s.opts.Scopes == nil {
		return allScopes()
	}
	return s.opts.Scopes
}

// serveAuthorize plays the merchant approving the install: it redirects to
// redirect_uri with a fresh code and the callback HMAC Shopify adds (hex
// HMAC-SHA256 of the other parameters, sorted, keyed with the client secret).
func (s *Sim) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if s.opts.ClientID == "" || !constantEqual(q.Get("client_id"), s.opts.ClientID) {
		http.Error(w, "Oauth error invalid_request: The client_id is not valid", http.StatusBadRequest)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Scheme == "" || redirect.Host == "" {
		http.Error(w, "Oauth error invalid_request: The redirect_uri is missing or not a URL", http.StatusBadRequest)
		return
	}
	code := randomToken("")
	s.mu.Lock()
	s.codes[code] = s.now().Add(authorizationCodeTTL)
	s.mu.Unlock()
	params := url.Values{}
	params.Set("code", code)
	params.Set("shop", s.opts.Shop.Domain)
	params.Set("state", q.Get("state"))
	params.Set("timestamp", strconv.FormatInt(s.now().Unix(), 10))
	params.Set("host", "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUv")
	params.Set("hmac", CallbackHMAC(params, s.opts.ClientSecret))
	redirect.RawQuery = params.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// CallbackHMAC computes the hmac parameter of an OAuth callback: parameters
// other than hmac and signature, sorted by name, joined as name=value with
// &, HMAC-SHA256 keyed with the client secret, hex-encoded.
func CallbackHMAC(params url.Values, secret string) string {
	var keys []string
	for k := range params {
		if k != "hmac" && k != "signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+strings.Join(params[k], ","))
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strings.Join(parts, "&")))
	return hex.EncodeToString(mac.Sum(nil))
}

func oauthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": description})
}

// tokenForm reads the token request from a form or a JSON body, both of
// which Shopify accepts.
func tokenForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		var body map[string]any
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil {
			return nil, err
		}
		v := url.Values{}
		for k, x := range body {
			switch x := x.(type) {
			case string:
				v.Set(k, x)
			case float64:
				v.Set(k, strconv.FormatFloat(x, 'f', -1, 64))
			case bool:
				v.Set(k, strconv.FormatBool(x))
			}
		}
		return v, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	return r.PostForm, nil
}

// serveAccessToken is POST /admin/oauth/access_token: client_credentials,
// authorization code and token exchange (each optionally expiring=1) and
// refresh_token grants.
func (s *Sim) serveAccessToken(w http.ResponseWriter, r *http.Request) {
	form, err := tokenForm(w, r)
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The request body could not be read: "+err.Error())
		return
	}
	if s.opts.ClientID == "" || !constantEqual(form.Get("client_id"), s.opts.ClientID) ||
		!constantEqual(form.Get("client_secret"), s.opts.ClientSecret) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed: unknown client_id or wrong client_secret.")
		return
	}
	now := s.now()
	scope := strings.Join(s.grantedScopes(), ",")
	resp := map[string]any{"scope": scope}
	s.mu.Lock()
	defer s.mu.Unlock()
	issue := func(ttl time.Duration) string {
		tok := randomToken("shpat_")
		t := issuedToken{}
		if ttl > 0 {
			t.expires = now.Add(ttl)
			resp["expires_in"] = int(ttl.Seconds())
		}
		s.tokens[tok] = t
		resp["access_token"] = tok
		return tok
	}
	withRefresh := func() {
		issue(expiringOfflineTTL)
		rt := randomToken("shprt_")
		s.refresh[rt] = issuedToken{expires: now.Add(refreshTokenTTL)}
		resp["refresh_token"] = rt
		resp["refresh_token_expires_in"] = int(refreshTokenTTL.Seconds())
	}
	switch grant := form.Get("grant_type"); grant {
	case "client_credentials":
		issue(clientCredentialsTTL)
	case "refresh_token":
		rt := form.Get("refresh_token")
		t, ok := s.refresh[rt]
		if !ok || !t.valid(now) {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The refresh token is invalid, expired or already used.")
			return
		}
		delete(s.refresh, rt) // refresh tokens rotate: each is good once
		withRefresh()
	case "urn:ietf:params:oauth:grant-type:token-exchange":
		// Managed installation: a session token of this app for this shop
		// buys the shop's offline token (online tokens are not simulated).
		if form.Get("subject_token_type") != "urn:ietf:params:oauth:token-type:id_token" {
			oauthError(w, http.StatusBadRequest, "invalid_request", "subject_token_type must be urn:ietf:params:oauth:token-type:id_token.")
			return
		}
		if rt := form.Get("requested_token_type"); rt != "urn:shopify:params:oauth:token-type:offline-access-token" {
			oauthError(w, http.StatusBadRequest, "invalid_request", "requested_token_type "+strconv.Quote(rt)+" is not supported.")
			return
		}
		if err := s.checkSubjectToken(form.Get("subject_token")); err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_subject_token", "The subject token is invalid or expired.")
			return
		}
		if form.Get("expiring") == "1" {
			withRefresh()
		} else {
			issue(0)
		}
	case "", "authorization_code":
		code := form.Get("code")
		exp, ok := s.codes[code]
		if code == "" || !ok || now.After(exp) {
			oauthError(w, http.StatusBadRequest, "invalid_request", "The authorization code was not found or was already used.")
			return
		}
		delete(s.codes, code)
		if form.Get("expiring") == "1" {
			withRefresh()
		} else {
			issue(0)
		}
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type "+strconv.Quote(grant)+" is not supported.")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}
