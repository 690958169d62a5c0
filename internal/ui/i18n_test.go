package ui

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/setup"
)

func TestFormatsForTheLocale(t *testing.T) {
	a := newTestApp(t)
	seoul, _ := time.LoadLocation("Asia/Seoul")
	at := time.Date(2026, 12, 2, 14, 20, 0, 0, seoul)
	for _, c := range []struct {
		lang, cur string
		got       func(l *localizer) string
		want      string
	}{
		{"en", "USD", func(l *localizer) string { return l.Money(money.MustParse("1284.5")) }, "$1,284.50"},
		{"en", "USD", func(l *localizer) string { return l.Money(money.MustParse("-0.05")) }, "-$0.05"},
		{"ko", "KRW", func(l *localizer) string { return l.Money(money.MustParse("1284000")) }, "₩1,284,000"},
		{"en", "KRW", func(l *localizer) string { return l.Money(money.MustParse("1284000")) }, "₩1,284,000"},
		{"en", "", func(l *localizer) string { return l.Date(at) }, "Dec 2, 2026"},
		{"ko", "", func(l *localizer) string { return l.Date(at) }, "2026년 12월 2일"},
		{"ko", "", func(l *localizer) string { return l.DateTime(at) }, "2026년 12월 2일 14:20 KST"},
		{"en", "", func(l *localizer) string { return l.DateString("2026-11-12") }, "Nov 12, 2026"},
		{"en", "", func(l *localizer) string { return l.Number(14500) }, "14,500"},
		{"en", "", func(l *localizer) string { return l.T("ui.errors.heading", "Count", 1) }, "Fix this to go on:"},
		{"en", "", func(l *localizer) string { return l.T("ui.errors.heading", "Count", 3) }, "Fix these 3 things to go on:"},
		{"ko", "", func(l *localizer) string { return l.T("ui.errors.heading", "Count", 3) }, "계속하려면 다음 3개를 고치세요:"},
		// A message's date argument (midnight) is a day; its time argument keeps the clock.
		{"en", "", func(l *localizer) string {
			return l.Msg(setup.Message{ID: "fake.po.retired", Args: map[string]any{"Date": time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC)}})
		}, "Stocky was retired on Aug 31, 2026: upload your export instead."},
		{"en", "KRW", func(l *localizer) string {
			return l.Msg(setup.Message{ID: "fake.start.amount", Args: map[string]any{"Amount": money.MustParse("1284000")}})
		}, "Orders worth ₩1,284,000 are dated before the closing date."},
	} {
		if got := c.got(a.h.cat.localizer(c.lang, c.cur)); got != c.want {
			t.Errorf("%s/%s: %q, want %q", c.lang, c.cur, got, c.want)
		}
	}
	// A time shown on a page with the shop's zone is in that zone.
	l := a.h.cat.localizer("en", "")
	l.zone = seoul
	if got := l.DateTime(time.Date(2026, 12, 3, 7, 57, 0, 0, time.UTC)); got != "Dec 3, 2026 16:57 KST" {
		t.Errorf("in the shop's zone: %q", got)
	}
}

func TestLanguageChoice(t *testing.T) {
	for _, c := range []struct{ principal, accept, want string }{
		{"", "", "en"},
		{"", "ko-KR,ko;q=0.9,en;q=0.8", "ko"},
		{"ko", "en-US", "ko"},
		{"en", "ko", "en"},
		{"fr", "de", "en"},
		{"ko-KR", "", "ko"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if c.accept != "" {
			r.Header.Set("Accept-Language", c.accept)
		}
		if got := chooseLang(c.principal, r); got != c.want {
			t.Errorf("locale %q, Accept-Language %q: %s, want %s", c.principal, c.accept, got, c.want)
		}
	}
}
