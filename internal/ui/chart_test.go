package ui

import (
	"strconv"
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/dashboard"
	"github.com/shopqb/shopqb/internal/money"
)

// TestChartDrawsSalesRefundsAndDeposits: the chart draws, per active day,
// sales, refunds and deposits, Shopify beside QuickBooks; quiet days before
// the first and after the last active day are left out and counted; bar
// heights are to scale; every bar is labelled for assistive technology; a
// range without any figure draws nothing.
func TestChartDrawsSalesRefundsAndDeposits(t *testing.T) {
	a := newTestApp(t)
	l := a.h.cat.localizer("en", "USD")
	c := func(s string) money.Cents { return money.MustParse(s) }
	series := []dashboard.SeriesPoint{
		{Day: "2026-11-28"}, // before the first sale: left out
		{Day: "2026-11-29", GrossSalesShopify: c("400"), GrossSalesQuickBooks: c("400"), RefundsShopify: c("100"), RefundsQuickBooks: c("50")},
		{Day: "2026-11-30"}, // quiet inside the span: drawn as no bars, not in the table
		{Day: "2026-12-01", GrossSalesShopify: c("200"), GrossSalesQuickBooks: c("200"), DepositsShopify: c("350"), DepositsQuickBooks: c("350"),
			TaxShopify: c("99"), TaxQuickBooks: c("99")}, // tax is not drawn
		{Day: "2026-12-02"}, // after the last figure: left out
	}
	ch := buildChart(l, series)
	if ch == nil {
		t.Fatal("no chart")
	}
	if len(ch.Rows) != 2 || ch.Rows[0].Day != "2026-11-29" || ch.Rows[1].Day != "2026-12-01" || ch.Quiet != 3 {
		t.Errorf("table rows %+v, quiet %d; want the two active days and 3 quiet", ch.Rows, ch.Quiet)
	}
	if !strings.Contains(ch.Desc, "Nov 29, 2026") || !strings.Contains(ch.Desc, "Dec 1, 2026") || !strings.Contains(ch.Title, "refunds") {
		t.Errorf("title %q, desc %q", ch.Title, ch.Desc)
	}
	// Three days drawn (the quiet one inside the span keeps its place), six bars a day.
	if len(ch.Bars) != 3*6 {
		t.Fatalf("%d bars, want 18", len(ch.Bars))
	}
	bar := func(label string) chartBar {
		t.Helper()
		for _, b := range ch.Bars {
			if b.Label == label {
				return b
			}
		}
		t.Fatalf("no bar %q among %+v", label, ch.Bars)
		return chartBar{}
	}
	height := func(b chartBar) float64 { h, _ := strconv.ParseFloat(b.H, 64); return h }
	sales := bar("Nov 29, 2026 · Sales · Shopify: $400.00")
	refundS := bar("Nov 29, 2026 · Refunds · Shopify: $100.00")
	refundQ := bar("Nov 29, 2026 · Refunds · QuickBooks: $50.00")
	deposit := bar("Dec 1, 2026 · Deposits · QuickBooks: $350.00")
	if r := height(sales) / height(refundS); r < 3.9 || r > 4.1 {
		t.Errorf("sales $400 is %.1f times refunds $100; want 4", r)
	}
	if r := height(refundS) / height(refundQ); r < 1.9 || r > 2.1 {
		t.Errorf("Shopify's refunds $100 are %.1f times QuickBooks' $50; want 2", r)
	}
	if sales.Fill != sales.Stroke || refundQ.Fill != "#ffffff" || refundS.Stroke != refundQ.Stroke || refundS.Stroke == sales.Stroke || deposit.Stroke == refundS.Stroke {
		t.Errorf("Shopify solid, QuickBooks outlined, one colour per figure: %+v %+v %+v %+v", sales, refundS, refundQ, deposit)
	}
	for _, b := range ch.Bars {
		if strings.Contains(b.Label, "tax") || strings.Contains(b.Label, "$99.00") {
			t.Errorf("sales tax drawn: %q", b.Label)
		}
	}
	var legend []string
	for _, g := range ch.Legend {
		legend = append(legend, g.Label)
	}
	if got := strings.Join(legend, "|"); got != "Sales|Refunds|Deposits|Solid: Shopify|Outlined: QuickBooks" {
		t.Errorf("legend %q", got)
	}
	if buildChart(l, []dashboard.SeriesPoint{{Day: "2026-11-28"}, {Day: "2026-11-29"}}) != nil {
		t.Error("a range without figures drew a chart")
	}
	// Korean labels fit the same legend slots.
	ko := buildChart(a.h.cat.localizer("ko", "USD"), series)
	if ko == nil || ko.Legend[1].Label != "환불" {
		t.Errorf("Korean legend %+v", ko)
	}
}
