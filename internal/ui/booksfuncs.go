package ui

import (
	"html/template"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/dashboard"
	"github.com/shopqb/shopqb/internal/money"
)

// booksFuncs are the template helpers of the pages after the start.
func booksFuncs(l *localizer) template.FuncMap {
	return template.FuncMap{
		// healthTone: a light's tone; the page always names the light in words too.
		"healthTone": func(h dashboard.Health) string {
			switch h {
			case dashboard.Green:
				return "success"
			case dashboard.Amber:
				return "warning"
			}
			return "critical"
		},
		"postingTone": func(s shopqb.PostingState) string {
			switch s {
			case shopqb.Done:
				return "success"
			case shopqb.Failed:
				return "critical"
			case shopqb.InDoubt:
				return "warning"
			}
			return "info"
		},
		"runTone": func(s shopqb.RunState) string {
			switch s {
			case shopqb.RunOK, shopqb.RunChecked:
				return "success"
			case shopqb.RunFailed:
				return "critical"
			case shopqb.RunOKWithFailures:
				return "warning"
			}
			return "info"
		},
		"causeQuery": causeQuery,
		// lastSync is a run in one line: when, why and how it ended.
		"lastSync": func(r *dashboard.RunView) string {
			if r == nil {
				return l.T("ui.books.sync.never")
			}
			trig := string(r.Trigger)
			if id := "ui.books.trigger." + trig; l.cat.has(l.lang, id) {
				trig = l.T(id)
			}
			return l.T("ui.books.sync.run", "When", l.DateTime(r.StartedAt), "Trigger", trig, "Result", l.T("ui.books.run."+string(r.Status)))
		},
		"gidNumber": gidNumber,
		// bar is the progress bar's value and maximum: postings done of
		// planned, or the percentage when nothing was planned.
		"bar": func(g dashboard.ProgressView) map[string]any {
			if g.Planned > 0 {
				return map[string]any{"value": g.Done, "max": g.Planned}
			}
			return map[string]any{"value": g.Percent, "max": 100}
		},
		// announce is what the progress card's live region says: it changes
		// once every 10 %, so a screen reader is not told every 2 seconds.
		"announce": func(g dashboard.ProgressView) string {
			switch {
			case g.Phase == dashboard.PhaseIdle:
				return l.T("ui.books.progress.announce_idle")
			case g.Indeterminate:
				return l.T("ui.books.progress.announce_reading")
			}
			return l.T("ui.books.progress.announce", "Tens", g.Percent/10*10)
		},
		"states": func() []shopqb.PostingState {
			return []shopqb.PostingState{shopqb.Planned, shopqb.Sent, shopqb.Done, shopqb.Failed, shopqb.InDoubt}
		},
		"stateCount": func(m map[shopqb.PostingState]int, s shopqb.PostingState) int { return m[s] },
		"category": func(c shopqb.Category) string {
			if c == "" {
				return "—"
			}
			// A category the pages have no name for (the planner's own) shows as it is called.
			if !strings.HasPrefix(string(c), "clearing:") && !l.cat.has(l.lang, "ui.category."+string(c)) {
				return string(c)
			}
			return categoryLabel(l, c)
		},
		"nonzero": func(c money.Cents) bool { return c != 0 },
		// moneyOrDash leaves a zero debit or credit blank, as a ledger does.
		"moneyOrDash": func(c money.Cents) string {
			if c == 0 {
				return ""
			}
			return l.Money(c)
		},
		"orDash": func(s string) string {
			if strings.TrimSpace(s) == "" {
				return "—"
			}
			return s
		},
		"balanceType": func(t string) string {
			id := "ui.books.balance." + strings.ToLower(t)
			if l.cat.has(l.lang, id) {
				return l.T(id)
			}
			return t
		},
		"lockedLabel": func(field string) string { return l.T("ui.books.locked." + field) },
		"lockedValue": func(f dashboard.LockedField) string {
			switch f.Field {
			case "startDate":
				return l.DateString(f.Value)
			case "classPerLocation":
				return l.T("ui.books.bool." + f.Value)
			}
			if strings.HasSuffix(f.Field, "Mode") {
				return l.T("ui.mode." + f.Value)
			}
			return f.Value
		},
		"auditAction": func(a string) string {
			id := "ui.books.audit." + a
			if l.cat.has(l.lang, id) {
				return l.T(id)
			}
			return a
		},
		"triggerText": func(t shopqb.Trigger) string {
			id := "ui.books.trigger." + string(t)
			if l.cat.has(l.lang, id) {
				return l.T(id)
			}
			return string(t)
		},
		"runText": func(s shopqb.RunState) string { return l.T("ui.books.run." + string(s)) },
		"stateText": func(s shopqb.PostingState) string {
			if s == "" {
				return l.T("ui.books.state.none")
			}
			return l.T("ui.books.state." + string(s))
		},
	}
}
