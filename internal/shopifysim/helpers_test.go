package shopifysim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/testenv"
)

const testToken = "shpat_test_static_token"

// fakeClock is a settable clock for bucket and token expiry tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func schemaDir(t testing.TB) string {
	return filepath.Dir(testenv.ShopifySchema(t, "2026-10"))
}

func schemaDirB(b *testing.B) string {
	return filepath.Dir(testenv.ShopifySchema(b, "2026-10"))
}

type testSim struct {
	*Sim
	srv   *httptest.Server
	clock *fakeClock
}

func newTestSim(t testing.TB, mod func(*Options)) *testSim {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	opts := Options{
		SchemaDir: schemaDir(t), Seed: 42, Orders: 80, Days: 14,
		Start:       time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		AccessToken: testToken, ClientID: "client-id", ClientSecret: "client-secret",
		Bucket: BucketOptions{MaximumAvailable: 20000, RestoreRate: 1000},
		Now:    clock.Now,
	}
	if mod != nil {
		mod(&opts)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &testSim{Sim: s, srv: srv, clock: clock}
}

type gqlResponse struct {
	Data       map[string]json.RawMessage `json:"data"`
	Errors     []gqlError                 `json:"errors"`
	Extensions struct {
		Cost struct {
			RequestedQueryCost int  `json:"requestedQueryCost"`
			ActualQueryCost    *int `json:"actualQueryCost"`
			ThrottleStatus     struct {
				MaximumAvailable   float64 `json:"maximumAvailable"`
				CurrentlyAvailable float64 `json:"currentlyAvailable"`
				RestoreRate        float64 `json:"restoreRate"`
			} `json:"throttleStatus"`
		} `json:"cost"`
	} `json:"extensions"`
}

func (ts *testSim) post(t *testing.T, version, token, query string, vars map[string]any) (int, []byte) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, ts.srv.URL+"/admin/api/"+version+"/graphql.json", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("X-Shopify-Access-Token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// gql runs a query that must succeed at HTTP level and decodes it.
func (ts *testSim) gql(t *testing.T, query string, vars map[string]any) gqlResponse {
	t.Helper()
	return ts.gqlVersion(t, "2026-10", query, vars)
}

func (ts *testSim) gqlVersion(t *testing.T, version, query string, vars map[string]any) gqlResponse {
	t.Helper()
	status, b := ts.post(t, version, testToken, query, vars)
	if status != http.StatusOK {
		t.Fatalf("HTTP %d: %s", status, b)
	}
	var r gqlResponse
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return r
}

func mustNoErrors(t *testing.T, r gqlResponse) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v", r.Errors)
	}
}

func decode(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}
