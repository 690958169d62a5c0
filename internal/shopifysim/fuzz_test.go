package shopifysim

import (
	"net/http"
	"sync"
	"testing"
)

// FuzzGraphQLQuery: whatever the query text, the simulator answers with a
// JSON body and HTTP 200 (GraphQL errors) or 400 (no query), never a panic.
func FuzzGraphQLQuery(f *testing.F) {
	for _, q := range []string{
		`{ shop { name } }`,
		`{ orders(first: 2, query: "status:open AND updated_at:>2026") { edges { cursor node { id } } } }`,
		`{ orders(first: 1, after: "bm90IGEgY3Vyc29y") { nodes { id } } }`,
		`query Q($a: Int) { orders(first: $a) { nodes { id } } }`,
		`{ node(id: "gid://shopify/Order/x") { id ... on Order { name } } }`,
		`mutation { bulkOperationRunQuery(query: "{ orders { edges { node { id } } } }", groupObjects: false) { userErrors { message } } }`,
		`{ orders(first: 1) { nodes { agreements(first: 1) { nodes { sales(first: 1) { nodes { __typename } } } } } } }`,
		`fragment F on Order { id } { orders(first: 1) { nodes { ...F } } }`,
		`{`, ``, `{ __typename }`,
	} {
		f.Add(q)
	}
	ts := newTestSim(f, nil)
	f.Fuzz(func(t *testing.T, q string) {
		status, body := ts.post(t, "2026-10", testToken, q, nil)
		if status != http.StatusOK && status != http.StatusBadRequest {
			t.Fatalf("HTTP %d for %q: %s", status, q, body)
		}
		if len(body) == 0 || body[0] != '{' {
			t.Fatalf("non-JSON answer for %q: %s", q, body)
		}
	})
}

func TestConcurrentReadsAndWrites(t *testing.T) {
	ts := newTestSim(t, nil)
	base := ts.Data().Orders[0]
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				if i%2 == 0 {
					o := base
					o.ID = ""
					o.Name = "#concurrent"
					if err := ts.AddOrder(o); err != nil {
						t.Error(err)
					}
					continue
				}
				status, _ := ts.post(t, "2026-10", testToken, `{ orders(first: 5, reverse: true) { nodes { id name } } }`, nil)
				if status != http.StatusOK {
					t.Errorf("HTTP %d", status)
				}
			}
		}(i)
	}
	wg.Wait()
	if n := len(ts.Data().Orders); n != 80+15 {
		t.Fatalf("%d orders after concurrent adds", n)
	}
}
