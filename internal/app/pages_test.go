package app

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/webauth"
)

// rawMessageID finds a catalog ID shown instead of its text.
var rawMessageID = regexp.MustCompile(`>[^<]*\b(?:ui|setup|auth)\.[a-z_]+\.[a-z_.]+`)

// TestMerchantPagesServed reaches the wizard's pages through the running
// server both ways in: embedded with the simulator's session token (the
// real setup service reads the shop live), standalone with a one-time
// login link for a user granted the shop.
func TestMerchantPagesServed(t *testing.T) {
	ctx := context.Background()
	clock := newAuthClock()
	ts := startAuthSim(t, clock, "")
	a := openAuthApp(t, t.TempDir(), oauthTestConfig(ts, clock, nil))
	cb := authorizeInstall(t, a, ts, authSimDomain)
	if res, _ := browse(t, cb.String()); res.StatusCode != http.StatusOK {
		t.Fatalf("install: %d", res.StatusCode)
	}
	shop, err := a.Store.ShopByDomain(ctx, authSimDomain)
	if err != nil {
		t.Fatal(err)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	fetch := func(req *http.Request) (*http.Response, string) {
		t.Helper()
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, string(b)
	}

	// Embedded: the document load carries the session token.
	idToken, err := ts.sim.SessionToken("7001")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", a.URL+"/app/setup/before?embedded=1&id_token="+url.QueryEscape(idToken), nil)
	res, page := fetch(req)
	if res.StatusCode != 200 || !strings.Contains(page, `<s-page heading="Before you start">`) || !strings.Contains(page, "Auth Test Shop") {
		t.Fatalf("embedded step 1: %d\n%s", res.StatusCode, page)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "https://"+authSimDomain) {
		t.Errorf("embedded CSP %q does not name the shop", csp)
	}
	if m := rawMessageID.FindString(page); m != "" {
		t.Errorf("embedded page shows a message ID: %q", m)
	}

	// Standalone: a user granted the shop logs in with a one-time link.
	u, err := webauth.AddUser(ctx, a.Store, "kim@example.com", "a long enough password", false, shop.ID)
	if err != nil {
		t.Fatal(err)
	}
	link, err := a.Standalone.NewLoginLink(ctx, u.ID, a.URL)
	if err != nil {
		t.Fatal(err)
	}
	req, _ = http.NewRequest("GET", link, nil)
	res, _ = fetch(req)
	var session *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == webauth.DefaultCookieName && c.Value != "" {
			session = c
		}
	}
	if res.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("login link: %d, cookies %v", res.StatusCode, res.Cookies())
	}
	req, _ = http.NewRequest("GET", a.URL+"/console/", nil)
	req.AddCookie(session)
	req.Header.Set("Accept-Language", "ko-KR,ko;q=0.9")
	res, page = fetch(req)
	if res.StatusCode != 200 || !strings.Contains(page, `<html lang="ko">`) || !strings.Contains(page, authSimDomain) {
		t.Fatalf("console: %d\n%s", res.StatusCode, page)
	}
	req, _ = http.NewRequest("GET", a.URL+"/console/shops/"+itoa(shop.ID)+"/setup/connect", nil)
	req.AddCookie(session)
	res, page = fetch(req)
	// Step 2 is reachable only once step 1 is acknowledged: the wizard sends the browser back.
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "/setup/before") {
		t.Fatalf("step 2 before step 1: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	req, _ = http.NewRequest("GET", a.URL+"/console/shops/"+itoa(shop.ID)+"/setup/before", nil)
	req.AddCookie(session)
	res, page = fetch(req)
	if res.StatusCode != 200 || !strings.Contains(page, `href="/console/static/shopqb.css"`) || strings.Contains(page, "cdn.shopify.com") {
		t.Fatalf("standalone step 1: %d\n%s", res.StatusCode, page)
	}
	if m := rawMessageID.FindString(page); m != "" {
		t.Errorf("standalone page shows a message ID: %q", m)
	}
	if d := os.Getenv("DUMP_PAGE"); d != "" {
		os.WriteFile(d, []byte(page), 0o644)
	}
	req, _ = http.NewRequest("GET", a.URL+"/console/static/shopqb.css", nil)
	if res, css := fetch(req); res.StatusCode != 200 || !strings.Contains(css, "prefers-reduced-motion") {
		t.Fatalf("stylesheet: %d", res.StatusCode)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
