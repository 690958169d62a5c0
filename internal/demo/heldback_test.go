package demo_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/demo"
)

// TestReportListsHeldBackDays: synced and posted an hour after midnight,
// the shop's last day of sales is held back until its grace period ends.
// The report says so — the day and when it posts, its amounts apart on
// each account — and the closed days reconcile with no difference; after
// the grace period the next sync posts the day and nothing is held back.
func TestReportListsHeldBackDays(t *testing.T) {
	for _, mode := range []shopqb.Mode{shopqb.Summary, shopqb.Detail} {
		t.Run(string(mode), func(t *testing.T) {
			// Orders are sold 1–10 October (New York); the 10th closes at
			// midnight and its summaries are due three hours later.
			clock := &testClock{t: time.Date(2026, 10, 11, 1, 0, 0, 0, newYork)}
			w := newWorldWith(t, worldOptions{dbURL: filepath.Join(t.TempDir(), "held.db"), processes: 1, orders: 60, seed: 5,
				now: clock.Now, settings: func(s *shopqb.Settings) { s.SalesMode = mode }})
			w.setup()
			w.drain(200)
			rep := w.report()
			if len(rep.HeldBack) != 1 || rep.HeldBack[0].Date != "2026-10-10" || rep.HeldBack[0].Until != "2026-10-11T03:00:00-04:00" {
				t.Fatalf("held back %+v, want 2026-10-10 until 03:00 on the 11th", rep.HeldBack)
			}
			var cogs, sales bool
			for _, row := range rep.Reconciliation {
				if row.QuickBooks+row.HeldBack-row.Shopify != row.Difference {
					t.Errorf("row %+v: difference is not QuickBooks plus held back less Shopify", row)
				}
				cogs = cogs || (row.Category == string(shopqb.COGS) && row.HeldBack != 0)
				sales = sales || (row.Category == string(shopqb.SalesIncome) && row.HeldBack != 0)
			}
			// The day's cost of goods is a summary in both modes; its sales
			// only in summary mode (in detail mode they are already posted).
			if !cogs || sales != (mode == shopqb.Summary) {
				t.Errorf("held back on cost of goods %v, on sales %v (%s mode)\n%s", cogs, sales, mode, summaryOf(rep))
			}
			if rep.Differences != 0 {
				t.Errorf("%d differences on closed days\n%s", rep.Differences, summaryOf(rep))
			}
			if out := summaryOf(rep); !strings.Contains(out, "Held back       2026-10-10 until") || !strings.Contains(out, "held back") {
				t.Errorf("the printed report does not show the held-back day:\n%s", out)
			}
			if rep.Postings.Done != rep.Postings.Total {
				t.Errorf("postings %+v", rep.Postings)
			}

			clock.Set(time.Date(2026, 10, 11, 3, 30, 0, 0, newYork))
			w.sync()
			w.drain(200)
			rep = w.report()
			if len(rep.HeldBack) != 0 || rep.Differences != 0 {
				t.Fatalf("after the grace period: held back %+v, %d differences\n%s", rep.HeldBack, rep.Differences, summaryOf(rep))
			}
			for _, row := range rep.Reconciliation {
				if row.HeldBack != 0 {
					t.Errorf("after the grace period %s still held back %s", row.Category, row.HeldBack)
				}
			}
			if len(rep.Adjustments) != 0 {
				t.Errorf("the held day was posted as adjustments: %+v", rep.Adjustments)
			}
		})
	}
}

func (w *world) report() *demo.Report {
	w.t.Helper()
	rep, err := demo.BuildReport(context.Background(), w.apps[0], w.shop, w.sim, w.company)
	if err != nil {
		w.t.Fatal(err)
	}
	return rep
}

func summaryOf(rep *demo.Report) string {
	var b bytes.Buffer
	demo.PrintSummary(&b, rep)
	return b.String()
}
