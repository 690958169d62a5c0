// Package uitest drives a real browser for shopqb's page tests: Debian's
// Chromium, headless, through chromedp, with full-page screenshots written
// where a person can look at them and axe-core's accessibility checks run
// inside the page. The ui package's own tests and the end-to-end tests
// share it.
package uitest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Environment the harness reads.
const (
	// EnvChromium overrides the browser binary (default /usr/bin/chromium).
	EnvChromium = "SHOPQB_CHROMIUM"
	// EnvAxe is the path of axe-core's axe.min.js (scripts/test.sh fetches it from npm).
	EnvAxe = "SHOPQB_AXE_JS"
)

// Browser is one headless Chromium with a fresh profile.
type Browser struct {
	allocCtx context.Context
	ctx      context.Context
	cancel   func()
}

// chromiumPath finds the browser, or "".
func chromiumPath() string {
	if p := os.Getenv(EnvChromium); p != "" {
		if _, err := os.Stat(p); err != nil {
			return ""
		}
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/chromium-headless-shell"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// inCI reports whether a missing tool must fail the test instead of skipping it.
func inCI() bool { return os.Getenv("CI") == "true" }

// missing skips the test on a developer machine and fails it in CI.
func missing(t testing.TB, what string) {
	t.Helper()
	if inCI() {
		t.Fatalf("%s (CI=true: browser tests may not be skipped; run scripts/test.sh, which installs it)", what)
	}
	t.Skipf("%s; scripts/test.sh installs it", what)
}

// NewBrowser starts Chromium for the test and stops it when the test ends;
// extra options add flags (a test that maps a host to a local server).
func NewBrowser(t testing.TB, extra ...chromedp.ExecAllocatorOption) *Browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		missing(t, "Chromium is not installed")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(1280, 900),
	}
	opts = append(opts, extra...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	b := &Browser{allocCtx: allocCtx, ctx: ctx, cancel: func() { cancelCtx(); cancelAlloc() }}
	t.Cleanup(b.cancel)
	return b
}

// Tab opens a new tab (its own cookies are shared with the browser's
// profile) with a per-action timeout; it closes when the test ends.
func (b *Browser) Tab(t testing.TB) context.Context {
	t.Helper()
	// Each tab is its own browser context: its own cookies, so one test's
	// login never leaks into another's.
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// Pages under test set a strict CSP; axe is injected from outside it.
	if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return ctx
}

// Timeout bounds each Do and Eval, so a page that never shows what a test
// waits for fails the test instead of hanging it.
const Timeout = 20 * time.Second

// Do runs browser actions with a timeout, failing the test on error.
func Do(t testing.TB, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Navigating runs actions that make the page navigate (a click on a submit
// button, a link) and waits until the new page has loaded.
func Navigating(t testing.TB, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	NavigatingWithin(t, ctx, Timeout, what, actions...)
}

// NavigatingWithin is Navigating for a request that does real work before it
// answers (a re-sync re-reads the shop for its dates), whose time grows with
// the shop and with the machine's load rather than being a page's render time.
func NavigatingWithin(t testing.TB, ctx context.Context, within time.Duration, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	if _, err := chromedp.RunResponse(tctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Eval runs JavaScript in the page (awaiting a promise) and decodes its value into T.
func Eval[T any](t testing.TB, ctx context.Context, js string) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	v, err := chromedp.Run(tctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %.80q: %v", js, err)
	}
	return v
}

// SetLanguage makes the tab ask for lang first in Accept-Language, as a browser set to it would.
func SetLanguage(t testing.TB, ctx context.Context, lang string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("enable network: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}}); err != nil {
		t.Fatalf("set Accept-Language: %v", err)
	}
}

// WaitText waits until the element's text contains want.
func WaitText(t testing.TB, ctx context.Context, selector, want string) {
	t.Helper()
	js := fmt.Sprintf(`new Promise((ok, fail) => {
	  const until = Date.now() + %d;
	  const look = () => {
	    const el = document.querySelector(%q);
	    if (el && el.textContent.includes(%q)) return ok(true);
	    if (Date.now() > until) return ok(false);
	    setTimeout(look, 100);
	  };
	  look();
	})`, (Timeout - time.Second).Milliseconds(), selector, want)
	if !Eval[bool](t, ctx, js) {
		got := Eval[string](t, ctx, fmt.Sprintf(`(document.querySelector(%q) || {textContent: "(no element)"}).textContent`, selector))
		t.Fatalf("%s never showed %q; it shows:\n%s", selector, want, strings.TrimSpace(got))
	}
}

// RepoRoot is the directory holding go.mod, found upwards from the test's directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no go.mod above %s", dir)
		}
	}
}

// Screenshot writes a full-page PNG to artifacts/screenshots/<lang>/<name>.png
// under the repository root and returns its path.
func Screenshot(t testing.TB, ctx context.Context, lang, name string) string {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join(RepoRoot(t), "artifacts", "screenshots", lang)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var (
	axeOnce sync.Once
	axeJS   string
	axeErr  error
)

func axeSource() (string, error) {
	axeOnce.Do(func() {
		p := os.Getenv(EnvAxe)
		if p == "" {
			if home, err := os.UserCacheDir(); err == nil {
				p = filepath.Join(home, "shopqb", "axe-core-4.14.1", "package", "axe.min.js")
			}
		}
		b, err := os.ReadFile(p)
		if err != nil {
			axeErr = fmt.Errorf("axe-core not found at %q (set %s): %w", p, EnvAxe, err)
			return
		}
		axeJS = string(b)
	})
	return axeJS, axeErr
}

// Violation is one of axe's findings.
type Violation struct {
	ID, Impact, Help string
	Nodes            []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// Axe runs axe-core (WCAG 2.0–2.2 A and AA rules) on the tab's page and
// fails the test on every serious or critical violation.
func Axe(t testing.TB, ctx context.Context, page string) []Violation {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		missing(t, err.Error())
	}
	run := `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a","wcag2aa","wcag21a","wcag21aa","wcag22aa","best-practice"]}, resultTypes: ["violations"]})
	  .then(r => JSON.stringify(r.violations))`
	if !Eval[bool](t, ctx, `!!window.axe`) {
		Eval[bool](t, ctx, src+";\ntrue")
	}
	raw := Eval[string](t, ctx, run)
	var vs []Violation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, n.HTML)
			}
			t.Errorf("axe on %s: %s (%s): %s\n  %s", page, v.ID, v.Impact, v.Help, strings.Join(where, "\n  "))
		}
	}
	return vs
}
