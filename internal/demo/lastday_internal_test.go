package demo

import (
	"testing"
	"time"

	"github.com/shopqb/shopqb"
)

// TestLastClosedDay: the demo's last day of orders is yesterday once
// yesterday's summaries are due (midnight plus the grace period), the day
// before until then.
func TestLastClosedDay(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	set := shopqb.DefaultSettings()
	for _, c := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(2026, 12, 3, 1, 0, 0, 0, ny), "2026-12-01"},
		{time.Date(2026, 12, 3, 2, 59, 0, 0, ny), "2026-12-01"},
		{time.Date(2026, 12, 3, 3, 0, 0, 0, ny), "2026-12-02"},
		{time.Date(2026, 12, 3, 23, 0, 0, 0, ny), "2026-12-02"},
	} {
		got := lastClosedDay(c.now, ny, set)
		if got.Format(time.DateOnly) != c.want || got.Hour() != 0 || got.Location() != ny {
			t.Errorf("at %s: %s, want midnight of %s", c.now, got, c.want)
		}
	}
}
