package webauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopify"
)

var testNow = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

const (
	testClientID = "client-id-1"
	testSecret   = "client-secret-1"
)

type fakeShops map[string]*shopqb.Shop

func (f fakeShops) ShopByDomain(_ context.Context, d string) (*shopqb.Shop, error) {
	if s, ok := f[d]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("shop %s: %w", d, shopqb.ErrNotFound)
}

type fakeInstaller struct {
	ensured, installed []string
	err                error
	shops              fakeShops
}

func (f *fakeInstaller) EnsureOfflineToken(_ context.Context, shop *shopqb.Shop, st *SessionToken) error {
	f.ensured = append(f.ensured, shop.Domain+" "+st.Raw.Reveal()[:10])
	return f.err
}

func (f *fakeInstaller) InstallShop(_ context.Context, st *SessionToken) (*shopqb.Shop, error) {
	f.installed = append(f.installed, st.Shop)
	if f.err != nil {
		return nil, f.err
	}
	s := &shopqb.Shop{ID: int64(100 + len(f.shops)), Domain: st.Shop}
	f.shops[st.Shop] = s
	return s, nil
}

// claims are a session token's as Shopify issues them, for shop a at testNow.
func claims(shop string) jwt.MapClaims {
	dest := "https://" + shop
	return jwt.MapClaims{
		"iss": dest + "/admin", "dest": dest, "aud": testClientID, "sub": "42",
		"exp": testNow.Add(time.Minute).Unix(), "nbf": testNow.Add(-time.Second).Unix(), "iat": testNow.Unix(),
		"jti": "f8912129-1af6-4cad-9ca3-76b0f7621087", "sid": "aaea182f-1d4b-4b2b-aa07-d72d3aef3e4b",
	}
}

func sign(t testing.TB, c jwt.MapClaims, secret string) string {
	t.Helper()
	raw, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

type embeddedFixture struct {
	auth    *EmbeddedAuth
	shops   fakeShops
	install *fakeInstaller
	handler http.Handler
	ran     int
}

func newEmbedded(t *testing.T, managed bool) *embeddedFixture {
	t.Helper()
	f := &embeddedFixture{shops: fakeShops{
		"shop-a.myshopify.com": {ID: 1, Domain: "shop-a.myshopify.com"},
		"shop-b.myshopify.com": {ID: 2, Domain: "shop-b.myshopify.com"},
	}}
	f.install = &fakeInstaller{shops: f.shops}
	var err error
	f.auth, err = NewEmbedded(EmbeddedConfig{ClientID: testClientID, ClientSecret: testSecret, PreviousSecret: "client-secret-0",
		Shops: f.shops, Installer: f.install, ManagedInstall: managed, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	// The bounce page is served by Require itself.
	mux.Handle("/app/", f.auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.ran++
		p := FromContext(r.Context())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<p>shop %d actor %s locale %q</p>", p.ShopID, p.Actor, p.Locale)
	})))
	f.handler = mux
	return f
}

func (f *embeddedFixture) do(method, target, bearer string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return rec
}

// assertRefused checks a 401 that is only that: the retry header, a
// one-line text, no page and no shop in any header, and the page's
// handler never ran.
func (f *embeddedFixture) assertRefused(t *testing.T, name string, rec *httptest.ResponseRecorder, ranBefore int) {
	t.Helper()
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("%s: status %d, want 401 (body %q)", name, rec.Code, rec.Body.String())
	}
	if rec.Header().Get(RetryHeader) != "1" {
		t.Errorf("%s: no %s: 1", name, RetryHeader)
	}
	if got := rec.Body.String(); got != "Unauthorized: invalid session token.\n" {
		t.Errorf("%s: body %q, want the short text only", name, got)
	}
	if rec.Header().Get("Content-Security-Policy") != "" || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Errorf("%s: headers %v", name, rec.Header())
	}
	for k, vs := range rec.Header() {
		for _, v := range vs {
			if strings.Contains(v, "myshopify") {
				t.Errorf("%s: header %s names a shop: %s", name, k, v)
			}
		}
	}
	if f.ran != ranBefore {
		t.Errorf("%s: the page handler ran", name)
	}
}

func TestSessionTokenReachesItsShop(t *testing.T) {
	f := newEmbedded(t, false)
	tok := sign(t, claims("shop-a.myshopify.com"), testSecret)

	rec := f.do("GET", "/app/setup", tok)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `shop 1 actor shopify-user:42@shop-a.myshopify.com locale ""`) {
		t.Fatalf("fetch with a good token: %d %q", rec.Code, rec.Body.String())
	}
	if got := rec.Header().Get("Content-Security-Policy"); got != "frame-ancestors https://shop-a.myshopify.com https://admin.shopify.com;" {
		t.Fatalf("CSP %q does not name the request's shop", got)
	}
	if len(f.install.ensured) != 0 {
		t.Fatal("a fetch ran token exchange; only document loads do")
	}

	// A document load: the token in the query, the admin's locale kept, token exchange checked.
	rec = f.do("GET", "/app/?embedded=1&shop=shop-a.myshopify.com&host=YWRtaW4&locale=ko-KR&id_token="+url.QueryEscape(tok), "")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `locale "ko-KR"`) {
		t.Fatalf("document load: %d %q", rec.Code, rec.Body.String())
	}
	if len(f.install.ensured) != 1 || f.install.ensured[0] != "shop-a.myshopify.com "+tok[:10] {
		t.Fatalf("document load did not ensure the offline token: %v", f.install.ensured)
	}

	// Shop B's token reaches shop B, with B in the CSP.
	rec = f.do("GET", "/app/setup", sign(t, claims("shop-b.myshopify.com"), testSecret))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "shop 2 ") ||
		rec.Header().Get("Content-Security-Policy") != "frame-ancestors https://shop-b.myshopify.com https://admin.shopify.com;" {
		t.Fatalf("shop B: %d %q %q", rec.Code, rec.Body.String(), rec.Header().Get("Content-Security-Policy"))
	}

	// Signed with the previous secret during a rotation; within the 10 s leeway.
	if rec := f.do("GET", "/app/", sign(t, claims("shop-a.myshopify.com"), "client-secret-0")); rec.Code != 200 {
		t.Fatalf("previous secret: %d", rec.Code)
	}
	c := claims("shop-a.myshopify.com")
	c["exp"] = testNow.Add(-9 * time.Second).Unix()
	c["nbf"] = testNow.Add(9 * time.Second).Unix()
	if rec := f.do("GET", "/app/", sign(t, c, testSecret)); rec.Code != 200 {
		t.Fatalf("9 s of clock skew: %d, want accepted within the leeway", rec.Code)
	}
}

func TestInvalidSessionTokensGet401AndNothingElse(t *testing.T) {
	f := newEmbedded(t, false)
	a := "shop-a.myshopify.com"
	with := func(k string, v any) string {
		c := claims(a)
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return sign(t, c, testSecret)
	}
	good := sign(t, claims(a), testSecret)
	hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, claims(a)).SignedString([]byte(testSecret))
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims(a)).SignedString(jwt.UnsafeAllowNoneSignatureType)
	unregistered := claims("shop-z.myshopify.com")
	cases := []struct{ name, target, token string }{
		{"bad signature", "/app/", sign(t, claims(a), "not-the-secret")},
		{"tampered payload", "/app/", good[:len(good)-3] + "AAA"},
		{"expired beyond the leeway", "/app/", with("exp", testNow.Add(-11*time.Second).Unix())},
		{"no exp", "/app/", with("exp", nil)},
		{"nbf in the future", "/app/", with("nbf", testNow.Add(11*time.Second).Unix())},
		{"no nbf", "/app/", with("nbf", nil)},
		{"wrong aud", "/app/", with("aud", "another-app")},
		{"no aud", "/app/", with("aud", nil)},
		{"unknown dest", "/app/", sign(t, unregistered, testSecret)},
		{"iss is not dest/admin", "/app/", with("iss", "https://shop-b.myshopify.com/admin")},
		{"iss without /admin", "/app/", with("iss", "https://"+a)},
		{"dest not myshopify", "/app/", sign(t, jwt.MapClaims{"iss": "https://evil.com/admin", "dest": "https://evil.com", "aud": testClientID, "sub": "1",
			"exp": testNow.Add(time.Minute).Unix(), "nbf": testNow.Unix()}, testSecret)},
		{"dest with a path", "/app/", with("dest", "https://"+a+"/x")},
		{"no sub", "/app/", with("sub", nil)},
		{"HS512", "/app/", hs512},
		{"alg none", "/app/", none},
		{"garbage", "/app/", "not.a.jwt"},
		{"token for A asking for B by query", "/app/setup?shop=shop-b.myshopify.com", good},
		{"token for A asking for B by path", "/app/shops/shop-b.myshopify.com/setup", good},
	}
	for _, c := range cases {
		before := f.ran
		f.assertRefused(t, c.name, f.do("GET", c.target, c.token), before)
		// The same token on a document load is refused the same way.
		sep := "?"
		if strings.Contains(c.target, "?") {
			sep = "&"
		}
		f.assertRefused(t, c.name+" (document)", f.do("GET", c.target+sep+"id_token="+url.QueryEscape(c.token), ""), before)
	}
	if len(f.install.installed) != 0 {
		t.Fatal("managed install off, yet an unknown shop was installed")
	}
	// A form posted with the token in the URL, not the header: refused.
	before := f.ran
	f.assertRefused(t, "POST with id_token in the query", f.do("POST", "/app/setup?id_token="+url.QueryEscape(good), ""), before)
	f.assertRefused(t, "POST without a token", f.do("POST", "/app/setup", ""), before)
	f.assertRefused(t, "Basic auth", func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/app/", nil)
		req.Header.Set("Authorization", "Basic "+good)
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, req)
		return rec
	}(), before)

	// Shopify refusing the token at exchange is an invalid session too.
	f.install.err = fmt.Errorf("token exchange for %s: %w", a, &shopify.TokenError{StatusCode: 400, Code: "invalid_subject_token"})
	f.assertRefused(t, "exchange: invalid_subject_token", f.do("GET", "/app/?id_token="+url.QueryEscape(good), ""), before)
	// Shopify failing otherwise is not the token's fault: 502, no retry header.
	f.install.err = errors.New("connection refused")
	rec := f.do("GET", "/app/?id_token="+url.QueryEscape(good), "")
	if rec.Code != http.StatusBadGateway || rec.Header().Get(RetryHeader) != "" || f.ran != before {
		t.Fatalf("exchange failing: %d %v", rec.Code, rec.Header())
	}
}

func TestManagedInstallRegistersOnlyWhenEnabled(t *testing.T) {
	f := newEmbedded(t, true)
	tok := sign(t, claims("shop-new.myshopify.com"), testSecret)
	rec := f.do("GET", "/app/?id_token="+url.QueryEscape(tok), "")
	if rec.Code != 200 || len(f.install.installed) != 1 || !strings.Contains(rec.Body.String(), "shop 102 ") {
		t.Fatalf("managed install: %d %q %v", rec.Code, rec.Body.String(), f.install.installed)
	}
	if got := rec.Header().Get("Content-Security-Policy"); !strings.Contains(got, "https://shop-new.myshopify.com ") {
		t.Fatalf("CSP %q", got)
	}
	// Exchange refused: no shop, 401.
	f.install.err = &shopify.TokenError{StatusCode: 400, Code: "invalid_subject_token"}
	before := f.ran
	f.assertRefused(t, "managed install refused", f.do("GET", "/app/?id_token="+url.QueryEscape(sign(t, claims("shop-other.myshopify.com"), testSecret)), ""), before)
	if _, ok := f.shops["shop-other.myshopify.com"]; ok {
		t.Fatal("a shop was registered although the exchange failed")
	}
}

func TestBouncePage(t *testing.T) {
	f := newEmbedded(t, false)
	// A document load without a token goes to the bounce page, id_token dropped.
	rec := f.do("GET", "/app/setup/tax?embedded=1&shop=shop-a.myshopify.com&host=YWRtaW4&locale=en", "")
	if rec.Code != http.StatusFound {
		t.Fatalf("no token: %d, want a redirect to the bounce page", rec.Code)
	}
	loc, _ := url.Parse(rec.Header().Get("Location"))
	if loc.Path != "/app/auth/session-token" || loc.Query().Get("shopify-reload") != "/app/setup/tax?embedded=1&host=YWRtaW4&locale=en&shop=shop-a.myshopify.com" {
		t.Fatalf("bounce redirect %s", loc)
	}
	rec = f.do("GET", loc.String(), "")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `<meta name="shopify-api-key" content="client-id-1">`) ||
		!strings.Contains(body, `<script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>`) {
		t.Fatalf("bounce page: %d %s", rec.Code, body)
	}
	if got := rec.Header().Get("Content-Security-Policy"); got != "frame-ancestors https://shop-a.myshopify.com https://admin.shopify.com;" {
		t.Fatalf("bounce CSP for a registered shop: %q", got)
	}
	// An attacker's shop never reaches a header: not a domain, or not registered.
	for _, shop := range []string{"evil.com", "shop-z.myshopify.com", "evil.com%0d%0aSet-Cookie:x=1", "shop-a.myshopify.com.evil.com"} {
		rec := f.do("GET", "/app/auth/session-token?shopify-reload=%2Fapp%2F&shop="+shop, "")
		if rec.Code != 200 {
			t.Fatalf("bounce with shop %s: %d", shop, rec.Code)
		}
		for k, vs := range rec.Header() {
			for _, v := range vs {
				if strings.Contains(v, "evil") || strings.Contains(v, "shop-z") {
					t.Errorf("bounce with shop %s: header %s = %q", shop, k, v)
				}
			}
		}
		if got := rec.Header().Get("Content-Security-Policy"); got != "frame-ancestors https://admin.shopify.com;" {
			t.Errorf("bounce CSP with shop %s: %q", shop, got)
		}
	}
	// The reload target must be a page of the app.
	for _, reload := range []string{"https://evil.com/app/", "//evil.com/app/", "/console/", "/\\evil.com"} {
		if rec := f.do("GET", "/app/auth/session-token?shopify-reload="+url.QueryEscape(reload), ""); rec.Code != http.StatusBadRequest {
			t.Errorf("shopify-reload %s: %d, want 400", reload, rec.Code)
		}
	}
	if f.ran != 0 {
		t.Fatal("a page ran without a token")
	}
}

func TestVerifyReturnsTheClaims(t *testing.T) {
	v := TokenVerifier{ClientID: testClientID, Secret: testSecret, Now: func() time.Time { return testNow }}
	st, err := v.Verify(sign(t, claims("shop-a.myshopify.com"), testSecret))
	if err != nil || st.Shop != "shop-a.myshopify.com" || st.User != "42" || st.SessionID == "" || !st.ExpiresAt.Equal(testNow.Add(time.Minute)) {
		t.Fatalf("%+v %v", st, err)
	}
	if _, err := (&TokenVerifier{}).Verify("x"); err == nil || errors.Is(err, ErrInvalidSession) {
		t.Fatalf("unconfigured verifier: %v", err)
	}
}

// FuzzVerify: whatever the input, Verify does not panic, and anything it
// accepts is a session token of this app for a valid myshopify shop.
func FuzzVerify(f *testing.F) {
	good := sign(f, claims("shop-a.myshopify.com"), testSecret)
	f.Add(good)
	f.Add(sign(f, claims("shop-a.myshopify.com"), "other"))
	f.Add(good[:len(good)/2])
	f.Add("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJkZXN0IjoiaHR0cHM6Ly9hLm15c2hvcGlmeS5jb20ifQ.")
	f.Add("..")
	f.Add("")
	f.Add(strings.Repeat("A", 5000))
	v := TokenVerifier{ClientID: testClientID, Secret: testSecret, Now: func() time.Time { return testNow }}
	f.Fuzz(func(t *testing.T, raw string) {
		st, err := v.Verify(raw)
		if err != nil {
			if !errors.Is(err, ErrInvalidSession) {
				t.Fatalf("refusal %v does not wrap ErrInvalidSession", err)
			}
			return
		}
		if shopify.ValidateShopDomain(st.Shop) != nil || st.User == "" || st.Raw.Reveal() != raw {
			t.Fatalf("accepted %q as %+v", raw, st)
		}
		// Only a token signed with the secret can be accepted.
		parts := strings.Split(raw, ".")
		if len(parts) != 3 {
			t.Fatalf("accepted a token of %d parts", len(parts))
		}
		if err := jwt.SigningMethodHS256.Verify(parts[0]+"."+parts[1], mustDecodeSig(t, parts[2]), []byte(testSecret)); err != nil {
			t.Fatalf("accepted a token not signed with the secret: %v", err)
		}
	})
}

func mustDecodeSig(t *testing.T, s string) []byte {
	b, err := jwt.NewParser().DecodeSegment(s)
	if err != nil {
		t.Fatalf("accepted signature does not decode: %v", err)
	}
	return b
}
