package store

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopifysim"
)

// The index entry of an order or payout is the same whether the writer
// gives its facts (Order.IndexFacts, as a sync does) or the store reads
// them from the body (FactsOfBody, as for a snapshot stored without).
func TestIndexFactsMatchTheBody(t *testing.T) {
	data := shopifysim.Generate(shopifysim.GeneratorOptions{Seed: 7, Orders: 600, Days: 20,
		Start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Shop: shopifysim.Shop{Name: "Facts", Domain: "facts.myshopify.com", Timezone: "America/New_York"}})
	var withRefunds, withAgreements, withEmail, withLinks int
	check := func(kind, gid string, v any, facts *shopqb.SnapshotFacts) {
		t.Helper()
		body, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		fromBody, ok := indexEntryOf(&shopqb.Snapshot{Kind: kind, GID: gid, Body: body})
		if !ok {
			t.Fatalf("%s: body not readable", gid)
		}
		given, ok := indexEntryOf(&shopqb.Snapshot{Kind: kind, GID: gid, Body: body, Facts: facts})
		if !ok {
			t.Fatalf("%s: facts not taken", gid)
		}
		if given.name != fromBody.name || given.number != fromBody.number || given.customer != fromBody.customer ||
			given.email != fromBody.email || !given.at.Equal(fromBody.at) || !slices.Equal(given.links, fromBody.links) ||
			!slices.EqualFunc(given.events, fromBody.events, time.Time.Equal) {
			t.Errorf("%s: facts give %+v, the body %+v", gid, given, fromBody)
		}
		if fromBody.email != "" {
			withEmail++
		}
		withLinks += len(fromBody.links)
	}
	for i := range data.Orders {
		o := &data.Orders[i]
		withRefunds += len(o.Refunds)
		withAgreements += len(o.Agreements)
		check("order", o.ID, o, o.IndexFacts())
	}
	for i := range data.Payouts {
		p := &data.Payouts[i]
		check("payout", p.ID, p, p.IndexFacts())
	}
	if withRefunds == 0 || withAgreements == 0 || withEmail == 0 || withLinks == 0 || len(data.Payouts) == 0 {
		t.Fatalf("the generated shop does not exercise every fact: %d refunds, %d agreements, %d e-mails, %d payouts, %d links",
			withRefunds, withAgreements, withEmail, len(data.Payouts), withLinks)
	}
}

// A snapshot's facts are taken as given, not read again from its body.
func TestIndexTakesGivenFacts(t *testing.T) {
	at := time.Date(2026, 3, 2, 15, 4, 5, 0, time.FixedZone("EST", -5*3600))
	e, ok := indexEntryOf(&shopqb.Snapshot{Kind: "order", GID: "gid://shopify/Order/1", Body: []byte(`not json`),
		Facts: &shopqb.SnapshotFacts{Name: "#1001", At: at, Customer: " Ana Díaz ", Email: "Ana@Example.COM",
			Events: []time.Time{at, at.UTC(), {}}, LinkedOrderIDs: []string{"a", "", "a", "b"}}})
	if !ok {
		t.Fatal("facts not taken")
	}
	if e.name != "#1001" || e.number != "1001" || e.customer != "ana díaz" || e.email != "ana@example.com" ||
		len(e.events) != 1 || !e.events[0].Equal(at) || !slices.Equal(e.links, []string{"a", "b"}) {
		t.Errorf("entry %+v", e)
	}
}
