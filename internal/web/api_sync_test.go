package web_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/syncengine"
)

func TestPreflightAndStart(t *testing.T) {
	f := newFixture(t)
	c := f.createShop("start.myshopify.com", "")
	rec := f.call("GET", pathOf(c.ID, "preflight"), nil)
	if rec.Code != http.StatusNotFound || !strings.Contains(errorOf(t, rec), "Web Connector") {
		t.Errorf("preflight before contact: %d %s", rec.Code, rec.Body)
	}
	var refusal struct {
		Error    string   `json:"error"`
		Problems []string `json:"problems"`
	}
	want(t, f.call("POST", pathOf(c.ID, "start"), nil), http.StatusUnprocessableEntity, &refusal)
	if len(refusal.Problems) == 0 || !strings.Contains(refusal.Problems[0], "preflight") {
		t.Errorf("start without preflight: %+v", refusal)
	}

	f.putPreflight(c.ID, "turn on sales tax in QuickBooks (Edit › Preferences › Sales Tax)")
	var pre syncengine.Preflight
	want(t, f.call("GET", pathOf(c.ID, "preflight"), nil), http.StatusOK, &pre)
	if pre.Edition != "Pro" || len(pre.Problems) != 1 {
		t.Errorf("preflight %+v", pre)
	}
	// Clear the bank mapping too: every problem comes back at once.
	want(t, f.call("PUT", pathOf(c.ID, "settings"), `{"mapping":{"bank":""}}`), http.StatusOK, nil)
	refusal.Problems = nil
	want(t, f.call("POST", pathOf(c.ID, "start"), nil), http.StatusUnprocessableEntity, &refusal)
	joined := strings.Join(refusal.Problems, "|")
	if refusal.Error != "cannot start yet" || len(refusal.Problems) != 3 || !strings.Contains(joined, "sales tax") ||
		!strings.Contains(joined, "start date") || !strings.Contains(joined, "map bank") {
		t.Errorf("refusal %+v", refusal)
	}
	if f.shopRecord(c.ID).StartedAt != nil {
		t.Fatal("a refused start started")
	}

	want(t, f.call("PUT", pathOf(c.ID, "settings"), `{"startDate":"2026-11-01","mapping":{"bank":"Checking"}}`), http.StatusOK, nil)
	f.putPreflight(c.ID)
	want(t, f.call("POST", pathOf(c.ID, "start"), nil), http.StatusOK, nil)
	if f.shopRecord(c.ID).StartedAt == nil {
		t.Fatal("not started")
	}
	rec = f.call("POST", pathOf(c.ID, "start"), nil)
	if rec.Code != http.StatusConflict || !strings.Contains(errorOf(t, rec), "already started") {
		t.Errorf("second start: %d %s", rec.Code, rec.Body)
	}
	var one map[string]any
	want(t, f.call("GET", pathOf(c.ID, ""), nil), http.StatusOK, &one)
	if one["started"] != true || one["startedAt"] == nil {
		t.Errorf("shop after start %v", one)
	}
}

func TestSyncRunsAndRetry(t *testing.T) {
	f := newFixture(t)
	c := f.createShop("sync.myshopify.com", "shpat_sync")
	rec := f.call("POST", pathOf(c.ID, "sync"), nil)
	if rec.Code != http.StatusConflict || !strings.Contains(errorOf(t, rec), "not been started") {
		t.Errorf("sync before the start: %d %s", rec.Code, rec.Body)
	}
	f.startShop(c.ID)
	want(t, f.call("POST", pathOf(c.ID, "sync"), nil), http.StatusAccepted, nil)
	var runs []struct {
		ID      int64          `json:"id"`
		Trigger string         `json:"trigger"`
		Status  string         `json:"status"`
		Counts  map[string]int `json:"counts"`
	}
	want(t, f.call("GET", pathOf(c.ID, "runs"), nil), http.StatusOK, &runs)
	// The newest run is the one just asked for (the start may record its own check before it).
	if len(runs) == 0 || runs[0].Trigger != "manual" || runs[0].Status == "failed" || runs[0].Status == "" {
		t.Errorf("runs %+v", runs)
	}
	want(t, f.call("GET", pathOf(c.ID, "runs")+"?limit=0", nil), http.StatusBadRequest, nil)

	// A sync that fails says where to look and leaks nothing.
	failing := newFixture(t, func(s *setup) {
		s.web.EnqueueSync = func(context.Context, int64) error { return errors.New("pq: connection refused to 10.0.0.7") }
	})
	fc := failing.createShop("fails.myshopify.com", "")
	failing.startShop(fc.ID)
	rec = failing.call("POST", pathOf(fc.ID, "sync"), nil)
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "10.0.0.7") || !strings.Contains(errorOf(t, rec), "runs") {
		t.Errorf("failed sync: %d %s", rec.Code, rec.Body)
	}

	f.addPostings(c.ID, "order", 5, 2)
	var q struct {
		Queued int `json:"queued"`
	}
	want(t, f.call("POST", pathOf(c.ID, "retry"), nil), http.StatusOK, &q)
	if q.Queued != 2 {
		t.Errorf("queued %d, want 2", q.Queued)
	}
	counts, _ := f.db.CountPostings(context.Background(), c.ID)
	if counts[shopqb.Failed] != 0 || counts[shopqb.Planned] != 5 {
		t.Errorf("after retry %v", counts)
	}
	if !hasAudit(f.audit(c.ID), "api", "retry_failed") {
		t.Error("retry not audited")
	}
	f.noSecrets("shpat_sync", c.AppToken)
}

func TestPostingsPaging(t *testing.T) {
	f := newFixture(t)
	c := f.createShop("outbox.myshopify.com", "")
	f.addPostings(c.ID, "order", 7, 3)
	var all, page1, page2, failed []postingLine
	want(t, f.call("GET", pathOf(c.ID, "postings"), nil), http.StatusOK, &all)
	if len(all) != 7 {
		t.Fatalf("%d postings, want 7", len(all))
	}
	want(t, f.call("GET", pathOf(c.ID, "postings")+"?limit=4", nil), http.StatusOK, &page1)
	want(t, f.call("GET", pathOf(c.ID, "postings")+"?limit=4&after="+decimal(page1[len(page1)-1].ID), nil), http.StatusOK, &page2)
	if len(page1) != 4 || len(page2) != 3 || page2[0].ID <= page1[3].ID {
		t.Errorf("pages of %d and %d", len(page1), len(page2))
	}
	want(t, f.call("GET", pathOf(c.ID, "postings")+"?state=failed", nil), http.StatusOK, &failed)
	if len(failed) != 3 || failed[0].State != "failed" || failed[0].ErrorCode != "3140" || failed[0].Error == "" {
		t.Errorf("failed %+v", failed)
	}
	for _, q := range []string{"?state=lost", "?after=x", "?after=-1", "?limit=100000"} {
		want(t, f.call("GET", pathOf(c.ID, "postings")+q, nil), http.StatusBadRequest, nil)
	}
	var one map[string]any
	want(t, f.call("GET", pathOf(c.ID, ""), nil), http.StatusOK, &one)
	if p, _ := one["postings"].(map[string]any); p["failed"] != float64(3) || p["planned"] != float64(4) {
		t.Errorf("counts %v", one["postings"])
	}
}

// The start reads and plans the shop once; when that cannot happen (no
// Shopify token yet), the reason comes back as a problem, and nothing starts.
func TestStartRefusedWhenShopifyCannotBeRead(t *testing.T) {
	noToken := errors.New("no Shopify token for unread.myshopify.com: run `shopqb admin shopify-token`")
	f := newFixtureReading(t, func(context.Context, *shopqb.Shop) (ingest.Source, error) { return nil, noToken })
	c := f.createShop("unread.myshopify.com", "")
	want(t, f.call("PUT", pathOf(c.ID, "settings"), map[string]string{"startDate": "2026-11-01"}), http.StatusOK, nil)
	f.putPreflight(c.ID)
	var refusal struct {
		Error    string   `json:"error"`
		Problems []string `json:"problems"`
	}
	want(t, f.call("POST", pathOf(c.ID, "start"), nil), http.StatusUnprocessableEntity, &refusal)
	if len(refusal.Problems) != 1 || !strings.Contains(refusal.Problems[0], "no Shopify token") {
		t.Errorf("refusal %+v", refusal)
	}
	if f.shopRecord(c.ID).StartedAt != nil {
		t.Error("started although Shopify could not be read")
	}
}
