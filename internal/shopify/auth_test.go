package shopify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

type memStore struct {
	mu     sync.Mutex
	tokens map[string]Token
	saves  int
}

func (m *memStore) Load(_ context.Context, shop string) (Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[shop]
	if !ok {
		return Token{}, ErrNoToken
	}
	return t, nil
}

func (m *memStore) Save(_ context.Context, shop string, t Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tokens == nil {
		m.tokens = map[string]Token{}
	}
	m.tokens[shop] = t
	m.saves++
	return nil
}

func TestClientCredentialsCachesAndRefreshesBeforeExpiry(t *testing.T) {
	var grants []url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/admin/oauth/access_token" || r.Method != http.MethodPost {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		r.ParseForm()
		grants = append(grants, r.PostForm)
		if r.PostForm.Get("client_secret") != "s3cret" {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":"invalid_client","error_description":"Client authentication failed"}`)
			return
		}
		fmt.Fprintf(w, `{"access_token":"shpat_%d","scope":"read_orders","expires_in":86399}`, len(grants))
	}))
	defer srv.Close()
	store := &memStore{}
	cc, err := NewClientCredentials(ClientCredentialsConfig{ShopDomain: "demo.myshopify.com", BaseURL: srv.URL, ClientID: "id", ClientSecret: "s3cret", Store: store})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	cc.now = func() time.Time { return now }
	t1, err := cc.Token(context.Background())
	if err != nil || t1.AccessToken.Reveal() != "shpat_1" {
		t.Fatalf("%v %v", t1, err)
	}
	if g := grants[0]; g.Get("grant_type") != "client_credentials" || g.Get("client_id") != "id" {
		t.Fatalf("grant = %v", g)
	}
	now = now.Add(23 * time.Hour)
	if t2, _ := cc.Token(context.Background()); t2.AccessToken.Reveal() != "shpat_1" || len(grants) != 1 {
		t.Fatal("token not cached")
	}
	now = now.Add(55 * time.Minute) // within 10 min of expiry
	if t3, _ := cc.Token(context.Background()); t3.AccessToken.Reveal() != "shpat_2" || store.saves != 2 {
		t.Fatalf("token not refreshed before expiry (saves %d)", store.saves)
	}
	bad, _ := NewClientCredentials(ClientCredentialsConfig{ShopDomain: "demo.myshopify.com", BaseURL: srv.URL, ClientID: "id", ClientSecret: "wrong"})
	_, err = bad.Token(context.Background())
	var te *TokenError
	if !errors.As(err, &te) || te.Code != "invalid_client" || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("err = %v", err)
	}
}

func TestClientRenewsRejectedClientCredentialsTokenOnce(t *testing.T) {
	issued := 0
	mux := http.NewServeMux()
	mux.HandleFunc("/admin/oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
		issued++
		fmt.Fprintf(w, `{"access_token":"tok%d","expires_in":86399}`, issued)
	})
	mux.HandleFunc("/admin/api/2026-10/graphql.json", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Shopify-Access-Token") != "tok2" {
			w.WriteHeader(401)
			return
		}
		fmt.Fprint(w, okShop)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cc, _ := NewClientCredentials(ClientCredentialsConfig{ShopDomain: "demo.myshopify.com", BaseURL: srv.URL, ClientID: "id", ClientSecret: "x"})
	c, _ := NewClient(ClientConfig{ShopDomain: "demo.myshopify.com", BaseURL: srv.URL, Token: cc})
	if _, err := c.Shop(context.Background()); err != nil || issued != 2 {
		t.Fatalf("err %v issued %d", err, issued)
	}
}

func signCallback(secret string, q url.Values) url.Values {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(q.Encode()))
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	out.Set("hmac", hex.EncodeToString(h.Sum(nil)))
	return out
}

func TestOAuthCallbackVerification(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	app := &OAuthApp{ClientID: "cid", ClientSecret: "new-secret", PreviousSecret: "old-secret", Now: func() time.Time { return now }}
	base := url.Values{"shop": {"demo.myshopify.com"}, "code": {"abc"}, "state": {"nonce1"}, "timestamp": {strconv.FormatInt(now.Unix()-10, 10)}, "host": {"YWRtaW4=="}}
	good := signCallback("new-secret", base)
	cb, err := app.VerifyCallback(good, "nonce1")
	if err != nil || cb.Shop != "demo.myshopify.com" || cb.Code != "abc" {
		t.Fatalf("%v %v", cb, err)
	}
	if _, err := app.VerifyCallback(signCallback("old-secret", base), "nonce1"); err != nil {
		t.Fatalf("previous secret during rotation: %v", err)
	}
	cases := map[string]url.Values{}
	cases["wrong secret"] = signCallback("other", base)
	tampered := signCallback("new-secret", base)
	tampered.Set("shop", "evil.myshopify.com")
	cases["tampered shop"] = tampered
	cases["no hmac"] = base
	old := url.Values{}
	for k, v := range base {
		old[k] = v
	}
	old.Set("timestamp", strconv.FormatInt(now.Unix()-600, 10))
	cases["stale timestamp"] = signCallback("new-secret", old)
	evil := url.Values{}
	for k, v := range base {
		evil[k] = v
	}
	evil.Set("shop", "demo.myshopify.com.evil.com")
	cases["bad shop domain"] = signCallback("new-secret", evil)
	for name, q := range cases {
		if _, err := app.VerifyCallback(q, "nonce1"); !errors.Is(err, ErrCallbackInvalid) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := app.VerifyCallback(good, "nonce2"); !errors.Is(err, ErrCallbackInvalid) {
		t.Error("wrong state accepted")
	}
	if _, err := app.VerifyCallback(good, ""); !errors.Is(err, ErrCallbackInvalid) {
		t.Error("empty expected state accepted")
	}
}

func TestShopDomainValidation(t *testing.T) {
	for _, ok := range []string{"demo.myshopify.com", "a1-b2.myshopify.com", "0shop.myshopify.com"} {
		if err := ValidateShopDomain(ok); err != nil {
			t.Errorf("%s rejected: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Demo.myshopify.com", "-x.myshopify.com", "x.myshopify.com.evil.com", "evil.com/x.myshopify.com", "x_y.myshopify.com", "x.myshopify.com/", "https://x.myshopify.com", "admin.shopify.com", ".myshopify.com"} {
		if err := ValidateShopDomain(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestOAuthInstallExchangeAndRefresh(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	var forms []url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		forms = append(forms, r.PostForm)
		n := len(forms)
		fmt.Fprintf(w, `{"access_token":"shpua_%d","scope":"read_orders","expires_in":3600,"refresh_token":"shprt_%d","refresh_token_expires_in":7776000}`, n, n)
	}))
	defer srv.Close()
	app := &OAuthApp{ClientID: "cid", ClientSecret: "sec", Scopes: []string{"read_orders", "read_products"}, RedirectURL: "https://app.example/cb",
		Expiring: true, ShopURL: func(string) string { return srv.URL }, Now: func() time.Time { return now }}
	u, err := app.InstallURL("demo.myshopify.com", "st")
	if err != nil || !strings.Contains(u, "/admin/oauth/authorize?") || !strings.Contains(u, "scope=read_orders%2Cread_products") || !strings.Contains(u, "state=st") {
		t.Fatalf("%s %v", u, err)
	}
	if _, err := app.InstallURL("evil.com", "st"); err == nil {
		t.Fatal("install URL for a foreign host")
	}
	tok, err := app.Exchange(context.Background(), &Callback{Shop: "demo.myshopify.com", Code: "c0de"})
	if err != nil || tok.RefreshToken.Reveal() != "shprt_1" || !tok.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("%v %v", tok, err)
	}
	if f := forms[0]; f.Get("code") != "c0de" || f.Get("expiring") != "1" || f.Get("client_secret") != "sec" {
		t.Fatalf("exchange form %v", f)
	}
	store := &memStore{}
	store.Save(context.Background(), "demo.myshopify.com", tok)
	ts := app.TokenSource("demo.myshopify.com", store)
	if got, _ := ts.Token(context.Background()); got.AccessToken.Reveal() != "shpua_1" {
		t.Fatal("stored token not used")
	}
	now = now.Add(58 * time.Minute)
	got, err := ts.Token(context.Background())
	if err != nil || got.AccessToken.Reveal() != "shpua_2" {
		t.Fatalf("%v %v", got, err)
	}
	if f := forms[1]; f.Get("grant_type") != "refresh_token" || f.Get("refresh_token") != "shprt_1" {
		t.Fatalf("refresh form %v", f)
	}
	if stored, _ := store.Load(context.Background(), "demo.myshopify.com"); stored.RefreshToken.Reveal() != "shprt_2" {
		t.Fatal("rotated refresh token not saved")
	}
}

func TestTokensNeverPrinted(t *testing.T) {
	tok := Token{AccessToken: "shpat_verysecret", RefreshToken: "shprt_verysecret", Scope: "read_orders"}
	var logged strings.Builder
	log := slog.New(slog.NewJSONHandler(&logged, nil))
	log.Info("token", "tok", tok, "access", tok.AccessToken)
	log.Info("static", "s", StaticToken("shpat_verysecret"))
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok.AccessToken), logged.String(), fmt.Sprint(StaticToken("shpat_verysecret"))} {
		if strings.Contains(s, "verysecret") {
			t.Fatalf("secret printed: %s", s)
		}
	}
}
