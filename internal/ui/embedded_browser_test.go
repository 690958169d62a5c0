package ui

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/shopqb/shopqb/internal/setup"
	"github.com/shopqb/shopqb/internal/ui/uitest"
	"github.com/shopqb/shopqb/internal/webauth"
)

// appBridgeStub stands in for Shopify's App Bridge: like the real one it
// adds the session token to the app's own fetches. Polaris is not loaded
// (its script is empty), so only embedded.js's navigation is under test.
const appBridgeStub = `window.shopify = { idToken: () => Promise.resolve("test-session-token") };
(function () {
  const orig = window.fetch;
  window.fetch = function (input, init) {
    init = Object.assign({}, init || {});
    const h = new Headers(init.headers || {});
    h.set("Authorization", "Bearer test-session-token");
    init.headers = h;
    return orig.call(window, input, init);
  };
})();`

// TestEmbeddedScriptNavigatesWithTheSessionToken checks embedded.js in
// Chromium, with Shopify's CDN answered by a local stub: a link and a form
// submit become fetches carrying App Bridge's Authorization header, the
// answer's <main> replaces the page's, and a 303 after a post is followed.
func TestEmbeddedScriptNavigatesWithTheSessionToken(t *testing.T) {
	cdn := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		if r.URL.Path == "/shopifycloud/app-bridge.js" {
			_, _ = w.Write([]byte(appBridgeStub))
		}
	}))
	defer cdn.Close()
	cdnURL, _ := url.Parse(cdn.URL)
	b := uitest.NewBrowser(t,
		chromedp.Flag("host-resolver-rules", "MAP cdn.shopify.com "+cdnURL.Host),
		chromedp.Flag("ignore-certificate-errors", true))

	a := newTestApp(t)
	a.wiz.set(func(f *fakeWizard) { passUpTo(f, setup.StepMapping) })
	var mu sync.Mutex
	var seen []string // method path auth, of requests the pages answered
	auth := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen = append(seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
			mu.Unlock()
			p := &webauth.Principal{Mode: webauth.Embedded, Actor: "shopify-user:42@acme.myshopify.com", ShopID: 1}
			next.ServeHTTP(w, r.WithContext(webauth.WithPrincipal(r.Context(), p)))
		})
	}
	h, err := newHandler(Config{Wizard: a.wiz, Embedded: auth, APIKey: "test-client-id", Locales: testLocales(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.routes())
	defer srv.Close()
	ctx := b.Tab(t)

	uitest.Navigating(t, ctx, "first load", chromedp.Navigate(srv.URL+"/app/setup/tax"))
	if !uitest.Eval[bool](t, ctx, `typeof window.shopify === "object"`) {
		t.Fatal("the App Bridge stub did not load from cdn.shopify.com")
	}
	// A link: fetched with the token, <main> swapped, the address updated.
	uitest.Eval[bool](t, ctx, `document.querySelector('s-link[href="/app/setup/connect"]').click(), true`)
	uitest.WaitText(t, ctx, "main", "Web Connector")
	if got := uitest.Eval[string](t, ctx, `location.pathname + " " + document.querySelector("s-page").getAttribute("heading")`); got != "/app/setup/connect Connect QuickBooks" {
		t.Errorf("after the link: %q", got)
	}
	// A form: posted with the token, the 303 followed to the tax page.
	uitest.Eval[bool](t, ctx, `document.querySelector('s-link[href="/app/setup/tax"]').click(), true`)
	uitest.WaitText(t, ctx, "main", "Check again")
	uitest.Eval[bool](t, ctx, `document.querySelector('#checks form').requestSubmit(), true`)
	// (A banner's heading is an attribute Polaris draws; its text is the paragraph.)
	uitest.WaitText(t, ctx, "#tax-live", "QuickBooks is read the next time the Web Connector runs")

	mu.Lock()
	defer mu.Unlock()
	want := []string{
		"GET /app/setup/connect Bearer test-session-token",
		"GET /app/setup/tax Bearer test-session-token",
		"POST /app/setup/tax Bearer test-session-token",
	}
	got := strings.Join(seen, "\n")
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("no request %q; the pages saw:\n%s", w, got)
		}
	}
	if strings.Contains(got, "POST /app/setup/tax \n") || strings.HasSuffix(got, "POST /app/setup/tax ") {
		t.Errorf("a form was posted without the session token:\n%s", got)
	}
}
