package ui

import (
	"fmt"
	"strconv"

	"github.com/shopqb/shopqb/internal/dashboard"
	"github.com/shopqb/shopqb/internal/money"
)

// The reconciliation's chart: an inline SVG drawn on the server (no script,
// no library), grouped bars per day — sales (before refunds), refunds and
// deposits, Shopify solid beside QuickBooks outlined. Every bar has its own
// <title>; the page puts the same figures in a table below it (Rows). Days
// before the first and after the last with any of these figures are left
// out of both, so a range that starts before the shop's first sale still
// draws legible bars; the table says how many quiet days it leaves out. Colours are
// presentation attributes (not style=), so the pages' CSP holds, and the
// embedded pages, which load no shopqb.css, draw it the same.

// chart is what the "chart" partial draws.
type chart struct {
	W, H        int
	Title, Desc string
	// Rows are the days drawn, for the table equivalent; Quiet counts the
	// days of the range without any figure, drawn nowhere.
	Rows          []dashboard.SeriesPoint
	Quiet         int
	Bars          []chartBar
	Ticks         []chartTick
	Days          []chartLabel
	Legend        []chartLegend
	ZeroY         string
	PlotX, PlotX2 string
}

type chartBar struct {
	X, Y, W, H          string
	Fill, Stroke, Label string
}

type chartTick struct{ Y, Label string }

type chartLabel struct{ X, Y, Label string }

type chartLegend struct {
	X, Y, TX, TY string
	Fill, Stroke string
	Label        string
}

// The metrics' colours: each at least 3:1 against white (non-text contrast).
var chartMetrics = []struct {
	id, colour string
	shopify    func(dashboard.SeriesPoint) money.Cents
	qb         func(dashboard.SeriesPoint) money.Cents
}{
	{"sales", "#3d2a7a", func(p dashboard.SeriesPoint) money.Cents { return p.GrossSalesShopify }, func(p dashboard.SeriesPoint) money.Cents { return p.GrossSalesQuickBooks }},
	{"refunds", "#006c80", func(p dashboard.SeriesPoint) money.Cents { return p.RefundsShopify }, func(p dashboard.SeriesPoint) money.Cents { return p.RefundsQuickBooks }},
	{"deposits", "#a15c00", func(p dashboard.SeriesPoint) money.Cents { return p.DepositsShopify }, func(p dashboard.SeriesPoint) money.Cents { return p.DepositsQuickBooks }},
}

func px(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// niceCeil rounds a positive amount of cents up to 1, 2 or 5 times a power of ten.
func niceCeil(c int64) int64 {
	if c <= 0 {
		return 100
	}
	step := int64(1)
	for step*10 <= c {
		step *= 10
	}
	for _, m := range []int64{1, 2, 5, 10} {
		if m*step >= c {
			return m * step
		}
	}
	return 10 * step
}

// active reports whether a day has any figure the chart draws.
func active(p dashboard.SeriesPoint) bool {
	for _, m := range chartMetrics {
		if m.shopify(p) != 0 || m.qb(p) != 0 {
			return true
		}
	}
	return false
}

// buildChart draws the series' active span; nil when no day has a figure
// (the page says so instead).
func buildChart(l *localizer, all []dashboard.SeriesPoint) *chart {
	first, last := -1, -1
	var rows []dashboard.SeriesPoint
	for i, p := range all {
		if !active(p) {
			continue
		}
		if first < 0 {
			first = i
		}
		last = i
		rows = append(rows, p)
	}
	if first < 0 {
		return nil
	}
	series := all[first : last+1]
	const w, h, left, right, top, bottom = 760, 300, 96, 16, 48, 44
	c := &chart{W: w, H: h, Title: l.T("ui.books.chart.title"),
		Desc:  l.T("ui.books.chart.desc", "From", l.DateString(series[0].Day), "To", l.DateString(series[len(series)-1].Day)),
		PlotX: px(left), PlotX2: px(w - right), Rows: rows, Quiet: len(all) - len(rows)}
	var hi, lo int64
	for _, p := range series {
		for _, m := range chartMetrics {
			for _, v := range []int64{int64(m.shopify(p)), int64(m.qb(p))} {
				hi, lo = max(hi, v), min(lo, v)
			}
		}
	}
	hi = niceCeil(hi)
	if lo < 0 {
		lo = -niceCeil(-lo)
	}
	plotH := float64(h - top - bottom)
	y := func(v int64) float64 { return top + plotH*float64(hi-v)/float64(hi-lo) }
	c.ZeroY = px(y(0))
	for i := 0; i <= 4; i++ {
		v := lo + (hi-lo)*int64(i)/4
		c.Ticks = append(c.Ticks, chartTick{Y: px(y(v)), Label: l.Money(money.Cents(v))})
	}
	groupW := float64(w-left-right) / float64(len(series))
	barW := groupW * 0.8 / float64(2*len(chartMetrics))
	// Day labels: every day when they fit, else every few days.
	every := 1
	for float64(every)*groupW < 56 {
		every++
	}
	for i, p := range series {
		gx := left + groupW*float64(i) + groupW*0.1
		day := l.DateString(p.Day)
		for j, m := range chartMetrics {
			name := l.T("ui.books.chart." + m.id)
			for k, src := range []struct {
				v      money.Cents
				label  string
				filled bool
			}{{m.shopify(p), l.T("ui.books.col.shopify"), true}, {m.qb(p), l.T("ui.books.col.quickbooks"), false}} {
				x := gx + barW*float64(2*j+k)
				y0, y1 := y(int64(src.v)), y(0)
				if y0 > y1 {
					y0, y1 = y1, y0
				}
				b := chartBar{X: px(x), Y: px(y0), W: px(barW - 1), H: px(max(y1-y0, 0.5)), Stroke: m.colour,
					Label: fmt.Sprintf("%s · %s · %s: %s", day, name, src.label, l.Money(src.v))}
				if src.filled {
					b.Fill = m.colour
				} else {
					b.Fill = "#ffffff"
				}
				c.Bars = append(c.Bars, b)
			}
		}
		if i%every == 0 {
			c.Days = append(c.Days, chartLabel{X: px(left + groupW*float64(i) + groupW/2), Y: px(h - bottom + 18), Label: shortDay(l, p.Day)})
		}
	}
	// The legend: a swatch per metric, then what solid and outlined mean.
	lx := float64(left)
	add := func(fill, stroke, label string, width float64) {
		c.Legend = append(c.Legend, chartLegend{X: px(lx), Y: "14", TX: px(lx + 18), TY: "25", Fill: fill, Stroke: stroke, Label: label})
		lx += width
	}
	for _, m := range chartMetrics {
		add(m.colour, m.colour, l.T("ui.books.chart."+m.id), 130)
	}
	add("#4d4a63", "#4d4a63", l.T("ui.books.chart.solid"), 110)
	add("#ffffff", "#4d4a63", l.T("ui.books.chart.outlined"), 110)
	return c
}

// shortDay is "Dec 2" or "12/2" for the chart's axis.
func shortDay(l *localizer, day string) string {
	var y, m, d int
	if _, err := fmt.Sscanf(day, "%d-%d-%d", &y, &m, &d); err != nil || m < 1 || m > 12 {
		return day
	}
	if l.lang == "ko" {
		return fmt.Sprintf("%d/%d", m, d)
	}
	return fmt.Sprintf("%s %d", monthsEN[m-1], d)
}
