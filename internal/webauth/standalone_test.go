package webauth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

var _ Store = (*store.DB)(nil)
var _ ShopFinder = (*store.DB)(nil)

// fastArgon keeps the tests quick; the format and the code path are the real ones.
var fastArgon = Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// sleeps records the waits the limiter asks for instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return nil
}

func (s *sleeps) take() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.d
	s.d = nil
	return d
}

type consoleFixture struct {
	t      *testing.T
	db     *store.DB
	auth   *StandaloneAuth
	now    time.Time
	sleeps *sleeps
	srv    http.Handler
	shopA  int64
	shopB  int64
	kim    *shopqb.User
	ran    int
}

func newConsole(t *testing.T, backend string) *consoleFixture {
	t.Helper()
	f := &consoleFixture{t: t, db: storetest.Open(t, backend), now: testNow, sleeps: &sleeps{}}
	f.auth = f.newAuth(f.db)
	ctx := context.Background()
	f.shopA = storetest.MustShopID(t, f.db, "shop-a.myshopify.com")
	f.shopB = storetest.MustShopID(t, f.db, "shop-b.myshopify.com")
	f.kim = f.addUser("kim@example.com", "correct horse battery", false, f.shopA)

	mux := http.NewServeMux()
	mux.Handle("GET /console/login", f.auth.Public(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := f.auth.LoginCSRF(w, r)
		if err != nil {
			t.Error(err)
		}
		fmt.Fprintf(w, `<form method=post><input name=csrf_token value=%q></form>`, tok)
	})))
	mux.Handle("POST /console/login", f.auth.Public(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := f.auth.Login(w, r, r.PostFormValue("email"), r.PostFormValue("password"), r.PostFormValue(CSRFField))
		var rl *RateLimitError
		switch {
		case err == nil:
			http.Redirect(w, r, LocalPath(r.PostFormValue("next"), f.auth.HomePath()), http.StatusSeeOther)
		case errors.As(err, &rl):
			http.Error(w, err.Error(), http.StatusTooManyRequests)
		case errors.Is(err, ErrBadCredentials):
			http.Error(w, err.Error(), http.StatusUnauthorized)
		case errors.Is(err, ErrBadCSRF):
			http.Error(w, err.Error(), http.StatusForbidden)
		default:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})))
	in := http.NewServeMux()
	in.HandleFunc("GET /console/{$}", func(w http.ResponseWriter, r *http.Request) {
		f.ran++
		p := FromContext(r.Context())
		fmt.Fprintf(w, "%s user %d csrf %s locale %q", p.Actor, p.UserID, p.CSRF, p.Locale)
	})
	// A page that changes something: the user's language.
	in.HandleFunc("POST /console/settings/language", func(w http.ResponseWriter, r *http.Request) {
		f.ran++
		p := FromContext(r.Context())
		u, _ := f.db.UserByID(r.Context(), p.UserID)
		u.Locale = r.FormValue("locale")
		if err := f.db.UpdateUser(r.Context(), u); err != nil {
			t.Error(err)
		}
		http.Redirect(w, r, "/console/", http.StatusSeeOther)
	})
	// A shop page answers 404 for a shop the principal may not see, as for one that does not exist.
	in.HandleFunc("GET /console/shops/{id}/", func(w http.ResponseWriter, r *http.Request) {
		f.ran++
		var id int64
		fmt.Sscan(r.PathValue("id"), &id)
		ok, err := FromContext(r.Context()).CanSee(r.Context(), id)
		if err != nil || !ok {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "shop %d", id)
	})
	in.HandleFunc("POST /console/logout", func(w http.ResponseWriter, r *http.Request) {
		if err := f.auth.Logout(w, r); err != nil {
			t.Error(err)
		}
		http.Redirect(w, r, "/console/login", http.StatusSeeOther)
	})
	mux.Handle("/console/", f.auth.Require(in))
	f.srv = mux
	_ = ctx
	return f
}

// newAuth is one shopqb process's login on db (several share one database).
func (f *consoleFixture) newAuth(db *store.DB) *StandaloneAuth {
	a, err := NewStandalone(StandaloneConfig{Store: db, Argon2: &fastArgon, Now: func() time.Time { return f.now }, Sleep: f.sleeps.sleep})
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

func (f *consoleFixture) addUser(email, password string, operator bool, shops ...int64) *shopqb.User {
	f.t.Helper()
	h, err := HashPassword(password, fastArgon)
	if err != nil {
		f.t.Fatal(err)
	}
	u := &shopqb.User{Email: email, PasswordHash: h, Operator: operator}
	if err := f.db.CreateUser(context.Background(), u); err != nil {
		f.t.Fatal(err)
	}
	for _, s := range shops {
		if err := f.db.GrantShop(context.Background(), u.ID, s); err != nil {
			f.t.Fatal(err)
		}
	}
	return u
}

// browser is a cookie jar in front of the handler.
type browser struct {
	f       *consoleFixture
	cookies map[string]*http.Cookie
	ip      string
}

func (f *consoleFixture) browser() *browser {
	return &browser{f: f, cookies: map[string]*http.Cookie{}, ip: "192.0.2.10"}
}

func (b *browser) do(method, target string, form url.Values, header http.Header) *httptest.ResponseRecorder {
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	req.RemoteAddr = b.ip + ":50000"
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	for _, c := range b.cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	rec := httptest.NewRecorder()
	b.f.srv.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return rec
}

// loginToken loads the login page and returns its form token.
func (b *browser) loginToken() string {
	rec := b.do("GET", "/console/login", nil, nil)
	body := rec.Body.String()
	i := strings.Index(body, `value="`)
	if rec.Code != 200 || i < 0 {
		b.f.t.Fatalf("login page: %d %s", rec.Code, body)
	}
	return body[i+7 : i+7+strings.Index(body[i+7:], `"`)]
}

func (b *browser) login(email, password string) *httptest.ResponseRecorder {
	return b.do("POST", "/console/login", url.Values{"email": {email}, "password": {password}, CSRFField: {b.loginToken()}, "next": {"/console/shops/1/"}}, nil)
}

func (b *browser) csrf() string {
	rec := b.do("GET", "/console/", nil, nil)
	_, after, ok := strings.Cut(rec.Body.String(), "csrf ")
	if rec.Code != 200 || !ok {
		b.f.t.Fatalf("home: %d %s", rec.Code, rec.Body.String())
	}
	return strings.Fields(after)[0]
}

func (f *consoleFixture) sessionRows() int {
	var n int
	if err := f.db.SQL().QueryRow("SELECT COUNT(*) FROM web_sessions").Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestNoSessionGoesToTheLoginPage(t *testing.T) {
	f := newConsole(t, store.SQLite)
	b := f.browser()
	for _, c := range []struct{ method, target, next string }{
		{"GET", "/console/shops/1/setup?step=tax", "/console/shops/1/setup?step=tax"},
		{"GET", "/console/", "/console/"},
		{"POST", "/console/settings/language", "/console/settings/language"},
	} {
		rec := b.do(c.method, c.target, url.Values{"locale": {"ko"}}, nil)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/login?next="+url.QueryEscape(c.next) {
			t.Errorf("%s %s without a session: %d %q", c.method, c.target, rec.Code, rec.Header().Get("Location"))
		}
	}
	// A forged or unknown cookie is no session either.
	b.cookies[DefaultCookieName] = &http.Cookie{Name: DefaultCookieName, Value: base64.RawURLEncoding.EncodeToString(make([]byte, 32))}
	if rec := b.do("GET", "/console/", nil, nil); rec.Code != http.StatusSeeOther {
		t.Errorf("unknown session id: %d", rec.Code)
	}
	if f.ran != 0 {
		t.Fatal("a page ran without a session")
	}
	for _, next := range []string{"//evil.com/", "https://evil.com/", "/\\evil.com", "javascript:alert(1)", "", "console"} {
		if got := LocalPath(next, "/console/"); got != "/console/" {
			t.Errorf("LocalPath(%q) = %q", next, got)
		}
	}
	if got := LocalPath("/console/shops/1/?a=b", "/console/"); got != "/console/shops/1/?a=b" {
		t.Errorf("local path refused: %q", got)
	}
}

func TestLoginSessionAndCookieFlags(t *testing.T) {
	for _, backend := range storetest.Backends() {
		t.Run(backend, func(t *testing.T) {
			f := newConsole(t, backend)
			b := f.browser()
			tok := b.loginToken()
			pre := b.cookies[DefaultCookieName+"-login"]
			if pre == nil || !pre.Secure || !pre.HttpOnly || pre.SameSite != http.SameSiteLaxMode || pre.Path != "/" || pre.Domain != "" || tok == "" {
				t.Fatalf("pre-session cookie %+v", pre)
			}
			rec := b.do("POST", "/console/login", url.Values{"email": {"KIM@example.com"}, "password": {"correct horse battery"}, CSRFField: {tok}, "next": {"/console/shops/1/"}}, nil)
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/shops/1/" {
				t.Fatalf("login: %d %q %s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
			}
			c := b.cookies[DefaultCookieName]
			if c == nil || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
				t.Fatalf("session cookie %+v: want Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain", c)
			}
			if c.MaxAge != int(SessionAbsoluteTimeout/time.Second) {
				t.Fatalf("session cookie Max-Age %d", c.MaxAge)
			}
			if _, ok := b.cookies[DefaultCookieName+"-login"]; ok {
				t.Fatal("the pre-session cookie outlived the login")
			}
			raw, _ := base64.RawURLEncoding.DecodeString(c.Value)
			if len(raw) != 32 {
				t.Fatalf("session id has %d bytes, want 32 (256 bits)", len(raw))
			}
			// The database holds the id's hash, never the id.
			var stored []byte
			f.db.SQL().QueryRow("SELECT id_hash FROM web_sessions").Scan(&stored)
			sum := sha256.Sum256(raw)
			if string(stored) != string(sum[:]) || strings.Contains(string(stored), string(raw)) {
				t.Fatal("the session row is not the SHA-256 of the cookie's id")
			}
			home := b.do("GET", "/console/", nil, nil)
			if home.Code != 200 || !strings.HasPrefix(home.Body.String(), fmt.Sprintf("user:kim@example.com user %d csrf ", f.kim.ID)) {
				t.Fatalf("home: %d %s", home.Code, home.Body.String())
			}
			if got := home.Header().Get("Content-Security-Policy"); !strings.Contains(got, "frame-ancestors 'none'") || !strings.Contains(got, "default-src 'self'") {
				t.Fatalf("standalone CSP %q", got)
			}

			// Logout deletes the row: the old cookie no longer opens anything.
			old := *c
			if rec := b.do("POST", "/console/logout", url.Values{CSRFField: {b.csrf()}}, nil); rec.Code != http.StatusSeeOther {
				t.Fatalf("logout: %d", rec.Code)
			}
			if n := f.sessionRows(); n != 0 {
				t.Fatalf("%d session rows after logout", n)
			}
			b.cookies[DefaultCookieName] = &old
			if rec := b.do("GET", "/console/", nil, nil); rec.Code != http.StatusSeeOther {
				t.Fatalf("cookie of a logged-out session: %d", rec.Code)
			}
		})
	}
}

func TestSessionTimeouts(t *testing.T) {
	f := newConsole(t, store.SQLite)
	b := f.browser()
	b.login("kim@example.com", "correct horse battery")
	// Active every 11 hours: alive until the absolute end of 7 days.
	for f.now.Sub(testNow) < SessionAbsoluteTimeout-11*time.Hour {
		f.now = f.now.Add(11 * time.Hour)
		if rec := b.do("GET", "/console/", nil, nil); rec.Code != 200 {
			t.Fatalf("active session ended after %s: %d", f.now.Sub(testNow), rec.Code)
		}
	}
	f.now = testNow.Add(SessionAbsoluteTimeout)
	if rec := b.do("GET", "/console/", nil, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("session alive past the absolute timeout: %d", rec.Code)
	}
	if n := f.sessionRows(); n != 0 {
		t.Fatalf("ended session kept: %d rows", n)
	}
	// Idle for 12 hours: over.
	f.now = testNow
	b.login("kim@example.com", "correct horse battery")
	f.now = f.now.Add(SessionIdleTimeout)
	if rec := b.do("GET", "/console/", nil, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("session alive after 12 idle hours: %d", rec.Code)
	}
}

// A form posted without, or with a wrong, CSRF token is refused with 403
// before the handler runs, and nothing changes.
func TestCSRFRefusesAndChangesNothing(t *testing.T) {
	f := newConsole(t, store.SQLite)
	b := f.browser()
	if rec := b.login("kim@example.com", "correct horse battery"); rec.Code != http.StatusSeeOther {
		t.Fatalf("login: %d %s", rec.Code, rec.Body.String())
	}
	good := b.csrf()
	ran := f.ran
	other := f.browser()
	other.ip = "192.0.2.11"
	other.login("kim@example.com", "correct horse battery")
	otherToken := other.csrf()
	for name, c := range map[string]struct {
		form   url.Values
		header http.Header
	}{
		"no token":                  {url.Values{"locale": {"ko"}}, nil},
		"empty token":               {url.Values{"locale": {"ko"}, CSRFField: {""}}, nil},
		"wrong token":               {url.Values{"locale": {"ko"}, CSRFField: {good[:len(good)-2] + "xx"}}, nil},
		"another session's token":   {url.Values{"locale": {"ko"}, CSRFField: {otherToken}}, nil},
		"wrong header":              {url.Values{"locale": {"ko"}}, http.Header{CSRFHeader: {"nope"}}},
		"right field, wrong header": {url.Values{"locale": {"ko"}, CSRFField: {good}}, http.Header{CSRFHeader: {"nope"}}},
		"the login form's token":    {url.Values{"locale": {"ko"}, CSRFField: {b.loginToken()}}, nil},
	} {
		rec := b.do("POST", "/console/settings/language", c.form, c.header)
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, rec.Code)
		}
	}
	if f.ran != ran+1 { // +1: other.csrf() loaded the home page
		t.Fatalf("a handler ran behind a refused CSRF token (%d runs)", f.ran-ran)
	}
	if u, _ := f.db.UserByID(context.Background(), f.kim.ID); u.Locale != "" {
		t.Fatalf("the refused forms changed the user's language to %q", u.Locale)
	}
	// With the token (field or header) the same form goes through.
	if rec := b.do("POST", "/console/settings/language", url.Values{"locale": {"ko"}, CSRFField: {good}}, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("good token: %d %s", rec.Code, rec.Body.String())
	}
	if rec := b.do("POST", "/console/settings/language", url.Values{"locale": {"en"}}, http.Header{CSRFHeader: {good}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("good header: %d", rec.Code)
	}
	if u, _ := f.db.UserByID(context.Background(), f.kim.ID); u.Locale != "en" {
		t.Fatalf("locale %q after the good posts", u.Locale)
	}
	if home := b.do("GET", "/console/", nil, nil); !strings.HasSuffix(home.Body.String(), `locale "en"`) {
		t.Fatalf("principal's locale is not the user's choice: %s", home.Body.String())
	}

	// The login form is protected too: without its token, 403 and no session, no failure counted.
	stranger := f.browser()
	stranger.ip = "198.51.100.7"
	sessions := f.sessionRows()
	for _, tok := range []string{"", "forged"} {
		rec := stranger.do("POST", "/console/login", url.Values{"email": {"kim@example.com"}, "password": {"correct horse battery"}, CSRFField: {tok}}, nil)
		if rec.Code != http.StatusForbidden {
			t.Fatalf("login with token %q: %d, want 403", tok, rec.Code)
		}
	}
	if f.sessionRows() != sessions {
		t.Fatal("a login without its CSRF token made a session")
	}
	if n, _, _ := f.db.LoginFailuresSince(context.Background(), "ip:198.51.100.7", testNow.Add(-time.Hour)); n != 0 {
		t.Fatal("a refused form counted as a login attempt")
	}
	// Login itself checks the token even when Public is not in front of it.
	req := httptest.NewRequest("POST", "/console/login", nil)
	if err := f.auth.Login(httptest.NewRecorder(), req, "kim@example.com", "correct horse battery", ""); !errors.Is(err, ErrBadCSRF) {
		t.Fatalf("Login without a token: %v", err)
	}
}

func TestWrongPasswordsAreSlowedDown(t *testing.T) {
	for _, backend := range storetest.Backends() {
		t.Run(backend, func(t *testing.T) {
			f := newConsole(t, backend)
			b := f.browser()
			want := []time.Duration{0, 250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second,
				4 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second}
			for i, w := range want {
				f.now = f.now.Add(time.Second)
				if rec := b.login("kim@example.com", "wrong password "+fmt.Sprint(i)); rec.Code != http.StatusUnauthorized {
					t.Fatalf("wrong password %d: %d %s", i+1, rec.Code, rec.Body.String())
				}
				got := b.f.sleeps.take()
				if w == 0 && len(got) != 0 || w != 0 && (len(got) != 1 || got[0] != w) {
					t.Fatalf("attempt %d waited %v, want %v", i+1, got, w)
				}
			}
			// The eleventh attempt, even with the right password, is refused without a check.
			f.now = f.now.Add(time.Second)
			rec := b.login("kim@example.com", "correct horse battery")
			first := testNow.Add(time.Second)
			wantSecs := int(first.Add(15*time.Minute).Sub(f.now) / time.Second)
			if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), fmt.Sprintf("too many attempts, try again in %d s", wantSecs)) {
				t.Fatalf("after 10 failures: %d %q, want 429 try again in %d s", rec.Code, rec.Body.String(), wantSecs)
			}
			if len(f.sleeps.take()) != 0 || f.sessionRows() != 0 {
				t.Fatal("a refused attempt waited or logged in")
			}

			// The limit is in the database: another process sees it.
			other := &consoleFixture{t: t, now: f.now, sleeps: &sleeps{}}
			otherAuth := other.newAuth(f.db)
			tok := b.loginToken()
			req := httptest.NewRequest("POST", "/console/login", nil)
			req.RemoteAddr = "203.0.113.5:1"
			for _, c := range b.cookies {
				req.AddCookie(c)
			}
			var rl *RateLimitError
			if err := otherAuth.Login(httptest.NewRecorder(), req, "kim@example.com", "correct horse battery", tok); !errors.As(err, &rl) {
				t.Fatalf("another process, another address: %v, want the account's rate limit", err)
			}

			// Once the window has passed, the right password works after the longest wait and clears the count.
			f.now = first.Add(15*time.Minute + time.Second) // the first failure has aged out, nine remain
			if rec := b.login("kim@example.com", "correct horse battery"); rec.Code != http.StatusSeeOther {
				t.Fatalf("right password after the window: %d %s", rec.Code, rec.Body.String())
			}
			if got := f.sleeps.take(); len(got) != 1 || got[0] != 8*time.Second {
				t.Fatalf("right password after 9 recent failures waited %v, want 8s", got)
			}
			if n, _, _ := f.db.LoginFailuresSince(context.Background(), "email:kim@example.com", testNow.Add(-time.Hour)); n != 0 {
				t.Fatalf("%d account failures kept after a good login", n)
			}

			// Per address: wrong passwords for many accounts from one address slow that address down.
			c := f.browser()
			c.ip = "198.51.100.99"
			for i := range 3 {
				c.login(fmt.Sprintf("user%d@example.com", i), "whatever password")
			}
			if got := f.sleeps.take(); len(got) != 2 || got[0] != 250*time.Millisecond || got[1] != 500*time.Millisecond {
				t.Fatalf("one address, three accounts: waits %v", got)
			}
		})
	}
}

func TestUserSeesOnlyTheirShops(t *testing.T) {
	f := newConsole(t, store.SQLite)
	kim := f.browser()
	kim.login("kim@example.com", "correct horse battery")
	if rec := kim.do("GET", fmt.Sprintf("/console/shops/%d/", f.shopA), nil, nil); rec.Code != 200 {
		t.Fatalf("kim, her shop: %d", rec.Code)
	}
	for _, id := range []int64{f.shopB, 9999} {
		if rec := kim.do("GET", fmt.Sprintf("/console/shops/%d/", id), nil, nil); rec.Code != http.StatusNotFound {
			t.Fatalf("kim, shop %d: %d, want 404", id, rec.Code)
		}
	}
	refs, n, err := f.auth.Shops(context.Background(), &Principal{Mode: Standalone, UserID: f.kim.ID}, 0, 10)
	if err != nil || n != 1 || refs[0].ID != f.shopA {
		t.Fatalf("Shops(kim) = %v %d %v", refs, n, err)
	}
	f.addUser("op@example.com", "operator password", true)
	op := f.browser()
	op.ip = "192.0.2.50"
	op.login("op@example.com", "operator password")
	for _, id := range []int64{f.shopA, f.shopB} {
		if rec := op.do("GET", fmt.Sprintf("/console/shops/%d/", id), nil, nil); rec.Code != 200 {
			t.Fatalf("operator, shop %d: %d", id, rec.Code)
		}
	}
	// An embedded principal of shop A does not see B either.
	if ok, _ := (&Principal{Mode: Embedded, ShopID: f.shopA}).CanSee(context.Background(), f.shopB); ok {
		t.Fatal("embedded principal of A sees B")
	}
}

func TestLoginLinks(t *testing.T) {
	f := newConsole(t, store.SQLite)
	ctx := context.Background()
	link, err := f.auth.NewLoginLink(ctx, f.kim.ID, "http://127.0.0.1:8080/")
	if err != nil || !strings.HasPrefix(link, "http://127.0.0.1:8080/console/login/link?token=") {
		t.Fatalf("%s %v", link, err)
	}
	var stored []byte
	f.db.SQL().QueryRow("SELECT token_hash FROM login_links").Scan(&stored)
	if tok := link[strings.Index(link, "token=")+6:]; strings.Contains(string(stored), tok) || len(stored) != sha256.Size {
		t.Fatal("the link's token is stored in clear")
	}
	path := strings.TrimPrefix(link, "http://127.0.0.1:8080")
	b := f.browser()
	rec := b.do("GET", path, nil, nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/" || b.cookies[DefaultCookieName] == nil {
		t.Fatalf("login link: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if home := b.do("GET", "/console/", nil, nil); home.Code != 200 || !strings.HasPrefix(home.Body.String(), "user:kim@example.com") {
		t.Fatalf("after the link: %d %s", home.Code, home.Body.String())
	}
	// Single use.
	again := f.browser()
	if rec := again.do("GET", path, nil, nil); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/login?error=link" || again.cookies[DefaultCookieName] != nil {
		t.Fatalf("second use: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	// 15 minutes.
	link, _ = f.auth.NewLoginLink(ctx, f.kim.ID, "")
	f.now = f.now.Add(LoginLinkTTL)
	late := f.browser()
	if rec := late.do("GET", link, nil, nil); rec.Header().Get("Location") != "/console/login?error=link" || late.cookies[DefaultCookieName] != nil {
		t.Fatalf("expired link: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := late.do("GET", "/console/login/link?token=garbage", nil, nil); rec.Header().Get("Location") != "/console/login?error=link" {
		t.Fatalf("garbage link: %q", rec.Header().Get("Location"))
	}
}

func TestPasswordHashes(t *testing.T) {
	h, err := HashPassword("correct horse battery", DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q does not state its parameters", h)
	}
	if ok, err := VerifyPassword(h, "correct horse battery"); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, _ := VerifyPassword(h, "correct horse batterY"); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := HashPassword("correct horse battery", DefaultArgon2)
	if h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if NeedsRehash(h, DefaultArgon2) {
		t.Fatal("a current hash needs a rehash")
	}
	weak, _ := HashPassword("correct horse battery", fastArgon)
	if !NeedsRehash(weak, DefaultArgon2) {
		t.Fatal("a weaker hash does not need a rehash")
	}
	if ok, err := VerifyPassword(weak, "correct horse battery"); !ok || err != nil {
		t.Fatal("a hash with other parameters does not verify with its own")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=65536,t=3,p=2$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", "plain", "$argon2id$v=19$m=0,t=3,p=2$c2FsdHNhbHQ$a2V5"} {
		if _, err := VerifyPassword(bad, "x"); err == nil {
			t.Errorf("hash %q accepted", bad)
		}
	}
	if _, err := HashPassword("short", DefaultArgon2); err == nil {
		t.Fatal("a 5-character password accepted")
	}
}
