package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/webauth"
)

func runWithStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return m.Run(ctx, args), out.String(), errb.String()
}

// twoShops makes a database and key file in a temporary directory with the
// shops kim and lee added, and returns them with the flags that name them.
func twoShops(t *testing.T) (db, key string, common []string) {
	t.Helper()
	dir := t.TempDir()
	db, key = filepath.Join(dir, "shopqb.db"), filepath.Join(dir, "shopqb.key")
	common = []string{"--database", db, "--key-file", key}
	for _, shop := range []string{"kim.myshopify.com", "lee.myshopify.com"} {
		if code, out, errOut := runWithStdin(t, "", append([]string{"admin", "shop-add", "--shop", shop, "--shopify-token", "shpat_x"}, common...)...); code != 0 {
			t.Fatalf("shop-add %s: %d %s %s", shop, code, out, errOut)
		}
	}
	return db, key, common
}

func TestAdminUsersAndLoginLink(t *testing.T) {
	db, key, common := twoShops(t)
	code, out, errOut := runWithStdin(t, "a long enough password\n", append([]string{"admin", "user-add", "--email", "Kim@Example.com", "--password-stdin", "--shop", "kim.myshopify.com"}, common...)...)
	if code != 0 || !strings.Contains(out, "user kim@example.com added (sees kim.myshopify.com)") {
		t.Fatalf("user-add: %d %q %q", code, out, errOut)
	}
	// Refused: a short password, a duplicate, an unknown shop, no --password-stdin.
	for name, c := range map[string]struct {
		stdin string
		args  []string
		want  string
	}{
		"short password": {"short\n", []string{"--email", "x@example.com", "--password-stdin"}, "at least 10 characters"},
		"duplicate":      {"a long enough password\n", []string{"--email", "kim@example.com", "--password-stdin"}, "already exists"},
		"unknown shop":   {"a long enough password\n", []string{"--email", "y@example.com", "--password-stdin", "--shop", "nope.myshopify.com"}, "nope.myshopify.com"},
		"bad e-mail":     {"a long enough password\n", []string{"--email", "not an address", "--password-stdin"}, "not an e-mail address"},
	} {
		code, _, errOut := runWithStdin(t, c.stdin, append(append([]string{"admin", "user-add"}, c.args...), common...)...)
		if code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stderr %q, want %q", name, code, errOut, c.want)
		}
	}
	if code, _, _ := runWithStdin(t, "", append([]string{"admin", "user-add", "--email", "z@example.com"}, common...)...); code != 2 {
		t.Errorf("user-add without --password-stdin: exit %d, want 2 (usage)", code)
	}
	if code, out, errOut := runWithStdin(t, "", append([]string{"admin", "user-grant", "--email", "kim@example.com", "--shop", "lee.myshopify.com"}, common...)...); code != 0 || !strings.Contains(out, "now sees lee.myshopify.com") {
		t.Fatalf("user-grant: %d %q %q", code, out, errOut)
	}
	code, out, errOut = runWithStdin(t, "", append([]string{"admin", "login-link", "--email", "kim@example.com", "--url", "http://127.0.0.1:9999"}, common...)...)
	link := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(link, "http://127.0.0.1:9999/console/login/link?token=") {
		t.Fatalf("login-link: %d %q %q", code, out, errOut)
	}

	// The link logs kim in, once, and she sees both shops and no other.
	a, err := app.Open(context.Background(), app.Config{DatabaseURL: db, KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(context.Background())
	h := a.Standalone.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, n, _ := a.Standalone.Shops(r.Context(), webauth.FromContext(r.Context()), 0, 10)
		w.Write([]byte(webauth.FromContext(r.Context()).Actor + " " + string(rune('0'+n))))
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", strings.TrimPrefix(link, "http://127.0.0.1:9999"), nil))
	cookie := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookie) == 0 || cookie[0].Name != webauth.DefaultCookieName {
		t.Fatalf("login link: %d %v", rec.Code, rec.Result().Cookies())
	}
	req := httptest.NewRequest("GET", "/console/", nil)
	req.AddCookie(cookie[0])
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Body.String() != "user:kim@example.com 2" {
		t.Fatalf("after the link: %q", rec.Body.String())
	}
	u, _ := a.Store.UserByEmail(context.Background(), "kim@example.com")
	if ok, _ := webauth.VerifyPassword(u.PasswordHash, "a long enough password"); !ok || !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("stored hash %q", u.PasswordHash)
	}
}
