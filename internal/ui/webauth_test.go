package ui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
	"github.com/shopqb/shopqb/internal/webauth"
)

// TestPagesBehindTheRealLogin mounts the pages behind internal/webauth's
// standalone login over a real store: no session → the login page; a wrong
// password → the inline error; a form without the CSRF token → 403 and no
// change; a shop not granted → 404; Principal.CanSee decides, not a test hook.
func TestPagesBehindTheRealLogin(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	mine := storetest.MustShopID(t, db, "acme.myshopify.com")
	other := storetest.MustShopID(t, db, "other.myshopify.com")
	hash, err := webauth.HashPassword("right password", webauth.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err != nil {
		t.Fatal(err)
	}
	u := &shopqb.User{Email: "kim@example.com", PasswordHash: hash, Locale: "ko"}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := db.GrantShop(ctx, u.ID, mine); err != nil {
		t.Fatal(err)
	}
	std, err := webauth.NewStandalone(webauth.StandaloneConfig{Store: db, Argon2: &webauth.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}})
	if err != nil {
		t.Fatal(err)
	}
	wiz := newFakeWizard()
	wiz.shopID = mine
	h, err := New(Config{Wizard: wiz, Standalone: std, Locales: testLocales(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(h)
	defer srv.Close()
	c := srv.Client()
	c.Jar, _ = cookiejar.New(nil)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := c.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	post := func(path string, form url.Values) (*http.Response, string) {
		t.Helper()
		resp, err := c.PostForm(srv.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	csrfRE := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	csrfOf := func(page string) string {
		t.Helper()
		m := csrfRE.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no CSRF field in:\n%s", page)
		}
		return m[1]
	}

	shopPage := fmt.Sprintf("/console/shops/%d/setup/before", mine)
	resp, _ := get(shopPage)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/console/login") {
		t.Fatalf("no session: %d %s, want a redirect to the login page", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, page := get(resp.Header.Get("Location"))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("login page: %d, CSP %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	loginCSRF := csrfOf(page)

	resp, page = post("/console/login", url.Values{"csrf_token": {loginCSRF}, "email": {"kim@example.com"}, "password": {"wrong"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, `id="f-password-error"`) {
		t.Fatalf("wrong password: %d\n%s", resp.StatusCode, page)
	}
	resp, _ = post("/console/login", url.Values{"email": {"kim@example.com"}, "password": {"right password"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("login without its CSRF token: %d, want 403", resp.StatusCode)
	}
	resp, _ = post("/console/login", url.Values{"csrf_token": {loginCSRF}, "email": {"kim@example.com"}, "password": {"right password"}, "next": {shopPage}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != shopPage {
		t.Fatalf("login: %d → %q, want 303 → %s", resp.StatusCode, resp.Header.Get("Location"), shopPage)
	}

	// The user's saved language (Korean) is the page's.
	resp, page = get(shopPage)
	if resp.StatusCode != 200 || !strings.Contains(page, `<html lang="ko">`) {
		t.Fatalf("shop page: %d\n%.300s", resp.StatusCode, page)
	}
	csrf := csrfOf(page)
	resp, page = get("/console/")
	if resp.StatusCode != 200 || !strings.Contains(page, "acme.myshopify.com") || strings.Contains(page, "other.myshopify.com") {
		t.Fatalf("shop list: %d, want only the granted shop\n%s", resp.StatusCode, page)
	}

	// A form without (or with a wrong) CSRF token changes nothing.
	for _, tok := range []string{"", "wrong"} {
		resp, _ = post(shopPage, url.Values{"csrf_token": {tok}, "action": {"next"}, "acknowledge": {"1"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("post with CSRF %q: %d, want 403", tok, resp.StatusCode)
		}
	}
	acked := func() (bool, string) {
		var by string
		var at bool
		wiz.set(func(f *fakeWizard) { at, by = f.acked != nil, f.ackedBy })
		return at, by
	}
	if at, _ := acked(); at {
		t.Fatal("a form without the CSRF token was acted on")
	}
	resp, _ = post(shopPage, url.Values{"csrf_token": {csrf}, "action": {"next"}, "acknowledge": {"1"}})
	if at, by := acked(); resp.StatusCode != http.StatusSeeOther || !at || by != "user:kim@example.com" {
		t.Fatalf("acknowledge: %d, acked by %q", resp.StatusCode, by)
	}

	// Another shop: 404, as for a shop that does not exist.
	for _, path := range []string{fmt.Sprintf("/console/shops/%d/setup/before", other), fmt.Sprintf("/console/shops/%d/setup/connect/qwc", other), "/console/shops/999/setup/tax", "/console/shops/abc/setup/tax"} {
		if resp, _ := get(path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
	if resp, _ := post(fmt.Sprintf("/console/shops/%d/setup/before", other), url.Values{"csrf_token": {csrf}, "acknowledge": {"1"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST to another shop: %d, want 404", resp.StatusCode)
	}

	// Logout needs the token too, and ends the session.
	if resp, _ := post("/console/logout", url.Values{"csrf_token": {csrf}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if resp, _ := get(shopPage); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after logout: %d, want the login redirect", resp.StatusCode)
	}
}
