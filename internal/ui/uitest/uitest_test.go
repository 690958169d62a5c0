package uitest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAxeFindsViolations makes sure the accessibility check can fail: a
// page with an unlabelled field and an image without alt text must report
// serious or critical violations.
func TestAxeFindsViolations(t *testing.T) {
	b := NewBrowser(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><html lang="en"><head><title>bad</title></head><body><main><h1>Bad</h1>
<input type="text" name="x"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10"></main></body></html>`))
	}))
	defer srv.Close()
	ctx := b.Tab(t)
	Do(t, ctx, "open", chromedp.Navigate(srv.URL))
	vs := axeViolations(t, ctx)
	found := map[string]string{}
	for _, v := range vs {
		found[v.ID] = v.Impact
	}
	if found["label"] != "critical" || found["image-alt"] != "critical" {
		t.Fatalf("axe did not report the unlabelled field and the image without alt: %v", found)
	}
}

func axeViolations(t *testing.T, ctx context.Context) []Violation {
	// Run Axe under a recorder so its t.Errorf on the expected violations
	// does not fail this test.
	rec := &recorder{TB: t}
	return Axe(rec, ctx, "bad page")
}

type recorder struct {
	testing.TB
	errors int
}

func (r *recorder) Errorf(format string, args ...any) { r.errors++ }
