package webauth

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/shopqb/shopqb/internal/store"
)

// chromiumPath is Debian's Chromium, which the README's test command installs.
const chromiumPath = "/usr/bin/chromium"

// The session cookie is __Host-shopqb: Secure, and the browser must keep it
// on a plain-HTTP self-hosted address such as http://127.0.0.1:8080.
// Chromium treats loopback addresses as secure contexts and does; this
// drives a real Chromium through a one-time login link to prove it.
func TestHostCookieWorksOnLoopbackInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s is needed (apt-get install chromium): %v", chromiumPath, err)
	}
	f := newConsole(t, store.SQLite)
	f.now = time.Now() // the browser's cookie clock is the real one
	srv := httptest.NewServer(f.srv)
	t.Cleanup(srv.Close)
	link, err := f.auth.NewLoginLink(context.Background(), f.kim.ID, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link, "http://127.0.0.1:") {
		t.Fatalf("test server is not on loopback: %s", link)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath), chromedp.NoSandbox)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	// The link sets __Host-shopqb, then redirects to /console/.
	if err := chromedp.Do(ctx, chromedp.Navigate(link)); err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(ctx, chromedp.Text("body"))
	if err != nil {
		t.Fatal(err)
	}
	// A fresh request: the cookie must come back.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/console/")); err != nil {
		t.Fatal(err)
	}
	again, err := chromedp.Run(ctx, chromedp.Text("body"))
	if err != nil {
		t.Fatal(err)
	}
	cookies, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.cookie`)) // HttpOnly: invisible to scripts
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(body, "user:kim@example.com") || !strings.HasPrefix(again, "user:kim@example.com") {
		t.Fatalf("Chromium did not keep the __Host- session cookie on http://127.0.0.1: %q then %q", body, again)
	}
	if strings.Contains(cookies, DefaultCookieName) {
		t.Fatalf("the session cookie is visible to scripts: %q", cookies)
	}
}
