package ui

import (
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/setup"
)

// The languages the pages speak; the first is the fallback.
var languages = []language.Tag{language.English, language.Korean}

var langMatcher = language.NewMatcher(languages)

// catalog holds every message of every *.en.toml and *.ko.toml under
// locales/: the pages' own (ui.*), the wizard's (setup.*) and the login's
// (auth.*), whoever wrote them.
type catalog struct {
	bundle *i18n.Bundle
	// ids lists the message IDs each language has, for the completeness test.
	ids map[string]map[string]bool
	// missed records IDs asked for that a language lacks ("lang id"), for the tests.
	missed sync.Map
}

func loadCatalog(fsys fs.FS) (*catalog, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &catalog{bundle: b, ids: map[string]map[string]bool{}}
	files, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	for _, f := range files {
		lang := ""
		switch {
		case strings.HasSuffix(f, ".en.toml"):
			lang = "en"
		case strings.HasSuffix(f, ".ko.toml"):
			lang = "ko"
		default:
			continue
		}
		buf, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		mf, err := b.ParseMessageFileBytes(buf, path.Base(f))
		if err != nil {
			return nil, fmt.Errorf("message catalog %s: %w", f, err)
		}
		if c.ids[lang] == nil {
			c.ids[lang] = map[string]bool{}
		}
		for _, m := range mf.Messages {
			c.ids[lang][m.ID] = true
		}
	}
	return c, nil
}

// has reports whether lang's catalog holds id.
func (c *catalog) has(lang, id string) bool { return c.ids[lang][id] }

// chooseLang picks the page language: the caller's own choice (Shopify's
// locale for embedded requests, a user's setting), then the browser's
// Accept-Language, then English.
func chooseLang(principalLocale string, r *http.Request) string {
	var prefs []language.Tag
	if principalLocale != "" {
		if t, err := language.Parse(principalLocale); err == nil {
			prefs = append(prefs, t)
		}
	}
	if tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language")); err == nil {
		prefs = append(prefs, tags...)
	}
	if len(prefs) == 0 {
		return "en"
	}
	_, i, conf := langMatcher.Match(prefs...)
	if conf == language.No {
		return "en"
	}
	return languages[i].String()
}

// localizer translates and formats for one language.
type localizer struct {
	lang    string
	cat     *catalog
	loc     *i18n.Localizer
	printer *message.Printer
	// currency formats money.Cents arguments (the shop's currency).
	currency string
	// zone shows times in the shop's time zone when the page knows it (nil: as given).
	zone *time.Location
}

func (c *catalog) localizer(lang, cur string) *localizer {
	tag := language.MustParse(lang)
	return &localizer{lang: lang, cat: c, loc: i18n.NewLocalizer(c.bundle, lang), printer: message.NewPrinter(tag), currency: cur}
}

// T translates a message ID with arguments given as key, value pairs. A
// missing ID shows the ID itself (and the catalog test fails), never a
// blank.
func (l *localizer) T(id string, kv ...any) string {
	args := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		args[k] = kv[i+1]
	}
	return l.translate(id, args)
}

// Msg translates a setup.Message.
func (l *localizer) Msg(m any) string {
	switch m := m.(type) {
	case setup.Message:
		return l.translate(m.ID, m.Args)
	case *setup.Message:
		if m == nil {
			return ""
		}
		return l.translate(m.ID, m.Args)
	}
	return ""
}

func (l *localizer) translate(id string, args map[string]any) string {
	data := make(map[string]string, len(args))
	var count any
	for k, v := range args {
		data[k] = l.format(v)
		if k == "Count" {
			count = v
		}
	}
	if !l.cat.has(l.lang, id) {
		l.cat.missed.Store(l.lang+" "+id, true)
	}
	s, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil && count != nil {
		// A message with a Count but a single form (no "one"): its one form is its other.
		s, err = l.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	}
	if err != nil || s == "" {
		return id
	}
	return s
}

// format renders one message argument for the language.
func (l *localizer) format(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return l.printer.Sprint(number.Decimal(v))
	case int64:
		return l.printer.Sprint(number.Decimal(v))
	case money.Cents:
		return l.Money(v)
	case time.Time:
		return l.dateOrTime(v)
	case *time.Time:
		if v == nil {
			return ""
		}
		return l.dateOrTime(*v)
	case setup.AccountType:
		return l.accountType(string(v))
	case setup.AccountTypes:
		names := make([]string, len(v))
		for i, t := range v {
			names[i] = l.accountType(t)
		}
		return strings.Join(names, ", ")
	case setup.Message, *setup.Message:
		return l.Msg(v)
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

// accountType names a qbXML account type in the language; one the catalog
// does not know keeps its qbXML name.
func (l *localizer) accountType(t string) string {
	if l.cat.has(l.lang, "ui.acct."+t) {
		return l.T("ui.acct." + t)
	}
	return t
}

// Money formats an amount in the shop's currency with the language's
// grouping, from integer cents (never a float).
func (l *localizer) Money(c money.Cents) string {
	cur, err := currency.ParseISO(l.currency)
	if err != nil {
		cur = currency.USD
	}
	scale, _ := currency.Standard.Rounding(cur)
	neg := c < 0
	if neg {
		c = -c
	}
	whole, frac := int64(c)/100, int64(c)%100
	s := l.printer.Sprint(number.Decimal(whole))
	if scale > 0 || frac != 0 {
		s += "." + fmt.Sprintf("%02d", frac)
	}
	sym := l.printer.Sprint(currency.Symbol(cur))
	if neg {
		return "-" + sym + s
	}
	return sym + s
}

var monthsEN = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// Date is "Dec 2, 2026" or "2026년 12월 2일".
func (l *localizer) Date(t time.Time) string {
	if l.lang == "ko" {
		return fmt.Sprintf("%d년 %d월 %d일", t.Year(), int(t.Month()), t.Day())
	}
	return fmt.Sprintf("%s %d, %d", monthsEN[t.Month()-1], t.Day(), t.Year())
}

// dateOrTime shows a day (a time at midnight, as dates are passed) as a date, anything else with its time.
func (l *localizer) dateOrTime(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return l.Date(t)
	}
	return l.DateTime(t)
}

// inZone is t in the shop's zone, when known.
func (l *localizer) inZone(t time.Time) time.Time {
	if l.zone != nil {
		return t.In(l.zone)
	}
	return t
}

// DateTime adds the 24-hour time and the zone's abbreviation.
func (l *localizer) DateTime(t time.Time) string {
	t = l.inZone(t)
	return l.Date(t) + " " + t.Format("15:04") + " " + t.Format("MST")
}

// DateString formats a YYYY-MM-DD date, or returns it as is when it is not one.
func (l *localizer) DateString(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return l.Date(t)
}

// Number groups an integer for the language.
func (l *localizer) Number(n int) string { return l.printer.Sprint(number.Decimal(n)) }
