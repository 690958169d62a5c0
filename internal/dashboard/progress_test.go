package dashboard

import (
	"testing"
	"time"

	"github.com/shopqb/shopqb"
)

// TestProgressAndLateness: a finished batch is 100 %, also when the newest
// run planned nothing (a re-sync that found QuickBooks complete); a batch
// with failures stops short of it; the Web Connector is late after twice its
// interval, but never after less than two minutes.
func TestProgressAndLateness(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	run := []*shopqb.SyncRun{{ID: 3, StartedAt: now, Status: shopqb.RunOK}}
	for _, c := range []struct {
		name    string
		counts  map[shopqb.PostingState]int
		done    int
		percent int
		phase   Phase
	}{
		{"nothing planned since the run", map[shopqb.PostingState]int{}, 0, 100, PhaseIdle},
		{"all done", map[shopqb.PostingState]int{}, 80, 100, PhaseIdle},
		{"posting", map[shopqb.PostingState]int{shopqb.Planned: 30}, 70, 70, PhasePosting},
		{"stopped on failures", map[shopqb.PostingState]int{shopqb.Failed: 4}, 96, 96, PhaseIdle},
	} {
		v := progressOf(run, c.counts, c.done)
		if v.Percent != c.percent || v.Phase != c.phase {
			t.Errorf("%s: %d %% in phase %s; want %d %% %s", c.name, v.Percent, v.Phase, c.percent, c.phase)
		}
	}
	for _, c := range []struct{ interval, want time.Duration }{
		{0, time.Hour}, {time.Second, 2 * time.Minute}, {15 * time.Minute, 30 * time.Minute},
	} {
		if got := lateAfter(c.interval); got != c.want {
			t.Errorf("late after %s for an interval of %s; want %s", got, c.interval, c.want)
		}
	}
}
