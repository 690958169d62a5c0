package e2e_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/cli"
	"github.com/shopqb/shopqb/internal/demo"
	"github.com/shopqb/shopqb/internal/testenv"
	"github.com/shopqb/shopqb/internal/ui/uitest"
)

// TestDemoServeClickThrough is what a person does with `shopqb demo
// --serve`: open the printed one-time login link, pick the fresh shop the
// demo added, and click Next through the wizard to the start, while the
// demo's simulated Web Connector visits on its own.
func TestDemoServeClickThrough(t *testing.T) {
	b := uitest.NewBrowser(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan error, 1)
	if path := os.Getenv("SHOPQB_DEMO_OUTPUT"); path != "" {
		// A demo already running (`go run ./cmd/shopqb demo --serve > path`):
		// click through it instead of starting one.
		cancel()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out.Write(b)
	} else {
		go func() {
			_, err := demo.Run(ctx, demo.Options{Orders: 20, Days: 3, Seed: 2, Edition: "enterprise",
				SalesMode: shopqb.Detail, CustomersMode: shopqb.Summary, InventoryMode: shopqb.Summary, VendorsMode: shopqb.Summary,
				SharedDir: testenv.SharedDir(t), Serve: true, Out: out})
			done <- err
		}()
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil && ctx.Err() == nil {
				t.Errorf("demo: %v", err)
			}
		})
	}
	var link, wizardURL string
	loginRE := regexp.MustCompile(`One-time login\s+(\S+)`)
	wizardRE := regexp.MustCompile(`New Store\s+(http\S+/setup/)`)
	for deadline := time.Now().Add(2 * time.Minute); link == "" || wizardURL == ""; time.Sleep(100 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("the demo ended: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo printed no login link:\n%s", out.String())
		}
		if m := loginRE.FindStringSubmatch(out.String()); m != nil {
			link = m[1]
		}
		if m := wizardRE.FindStringSubmatch(out.String()); m != nil {
			wizardURL = m[1]
		}
	}
	if !strings.Contains(out.String(), "shopqb sim qbd --qwc ") {
		t.Errorf("the demo does not say how to reconnect the Web Connector:\n%s", out.String())
	}

	w := &walker{t: t, ctx: b.Tab(t), lang: "en", say: loadTexts(t, "en"), js: true, shots: "e2e/demo"}
	uitest.SetLanguage(t, w.ctx, "en")
	w.open(link)
	w.see("#shops", "Demo Store", "New Store")
	w.page("shops")
	w.open(wizardURL)
	w.title("ui.step.before.title")
	w.see("#shop", "New Store", "new-store.myshopify.com")
	w.page("before")
	w.do("acknowledge", chromedp.Click(chromedp.ID("f-acknowledge")))
	w.submit("#next")
	w.title("ui.step.connect.title")
	// The Web Connector on Auto-Run has come (or comes within seconds).
	w.see("#connect-live", w.T("ui.connect.state.connected"), "New Store Books")
	w.page("connect")
	if os.Getenv("SHOPQB_DEMO_OUTPUT") == "" {
		// A new token: Auto-Run's next visit has the old one, and the page
		// says so; the command the demo printed, with the new token, mends it.
		w.submit(`#token button[type=submit]`)
		token := uitest.Eval[string](t, w.ctx, `document.getElementById("f-app-token").value`)
		w.see("#connect-live", w.T("ui.connect.state.bad_password"))
		w.page("connect-new-token")
		m := regexp.MustCompile(`shopqb sim qbd (--qwc \S+ --company \S+) --password`).FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("no sim qbd command in:\n%s", out.String())
		}
		var simOut strings.Builder
		cmd := append([]string{"sim", "qbd"}, strings.Fields(m[1])...)
		cmd = append(cmd, "--password", token)
		if code := (&cli.Main{Stdout: &simOut, Stderr: &simOut, Getenv: func(string) string { return "" }}).Run(context.Background(), cmd); code != 0 {
			t.Fatalf("shopqb %s: exit %d\n%s", strings.Join(cmd, " "), code, simOut.String())
		}
		w.see("#connect-live", w.T("ui.connect.state.connected"), "New Store Books")
	}
	for _, step := range []string{"tax", "mapping", "schedule", "modes", "purchasing"} {
		w.submit("#next")
		w.title("ui.step." + step + ".title")
		w.page(step)
	}
	w.submit("#next")
	w.title("ui.step.review.title")
	w.page("review")
	w.submit("#start-button")
	w.see("main", w.T("ui.review.locked"))
	w.page("started")
}

// lockedBuffer is the demo's output, written by its goroutine and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
