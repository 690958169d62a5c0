package ingest

import (
	"testing"
)

// TestHeldKVKeepsDaysNotPlanned: a run keeps what it held back now and the
// days held back earlier that it did not plan (a webhook's run plans only
// its order's days); a run of the whole shop replaces the list.
func TestHeldKVKeepsDaysNotPlanned(t *testing.T) {
	cases := []struct {
		name                 string
		before, planned, now map[string]bool
		want                 string
	}{
		{"nothing held", nil, nil, nil, `[]`},
		{"full run", map[string]bool{"2026-10-09": true}, nil, map[string]bool{"2026-10-10": true}, `["2026-10-10"]`},
		{"webhook run of another day", map[string]bool{"2026-10-09": true}, map[string]bool{"2026-10-05": true}, nil, `["2026-10-09"]`},
		{"the held day planned and due", map[string]bool{"2026-10-09": true}, map[string]bool{"2026-10-09": true}, nil, `[]`},
		{"the held day planned, still held", map[string]bool{"2026-10-09": true}, map[string]bool{"2026-10-09": true},
			map[string]bool{"2026-10-09": true}, `["2026-10-09"]`},
	}
	for _, c := range cases {
		p := &pass{heldBefore: c.before, planDays: c.planned, heldNow: c.now}
		if got := string(p.heldKV()); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
