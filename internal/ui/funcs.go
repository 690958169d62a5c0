package ui

import (
	"html/template"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/setup"
)

// option is one <option> of a select.
type option struct {
	Value, Label       string
	Selected, Disabled bool
}

// choice is one radio of a choice list.
type choice struct {
	Value, Label, Details string
	Selected, Disabled    bool
}

// fact is one label and value of a facts list.
type fact struct{ Label, Value string }

func templateFuncs(l *localizer) template.FuncMap {
	fm := template.FuncMap{
		"T":   l.T,
		"Msg": l.Msg,
		"Money": func(c money.Cents) string {
			return l.Money(c)
		},
		"Date": func(t any) string {
			switch t := t.(type) {
			case time.Time:
				return l.Date(t)
			case *time.Time:
				if t != nil {
					return l.Date(*t)
				}
			case string:
				return l.DateString(t)
			}
			return ""
		},
		"DateTime": func(t any) string {
			switch t := t.(type) {
			case time.Time:
				return l.DateTime(t)
			case *time.Time:
				if t != nil {
					return l.DateTime(*t)
				}
			}
			return ""
		},
		"Num":     l.Number,
		"fieldID": fieldID,
		// args builds a component's arguments from key, value pairs.
		"args": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				k, _ := kv[i].(string)
				m[k] = kv[i+1]
			}
			return m
		},
		"list": func(v ...any) []any { return v },
		"opt": func(value, label string, selected bool) option {
			return option{Value: value, Label: label, Selected: selected}
		},
		"choice": func(value, label string, selected bool) choice {
			return choice{Value: value, Label: label, Selected: selected}
		},
		"fact": func(label, value string) fact { return fact{Label: label, Value: value} },
		"str":  func(v any) string { return toString(v) },
		// actor shows an audit actor as a person reads it: the user's e-mail, or Shopify's staff id.
		"actor": func(a string) string { return strings.TrimPrefix(a, "user:") },
		"join":  func(v []string) string { return strings.Join(v, ", ") },
		"add":   func(a, b int) int { return a + b },
		// tokenAction names the token button: the first token, or a new one that replaces it.
		"tokenAction": func(createdAt *time.Time, shown any) string {
			if createdAt != nil || toString(shown) != "" {
				return "remake"
			}
			return "make"
		},
		"codeOptions": func(selected any) []option {
			sel := toString(selected)
			opts := []option{{Value: "", Label: l.T("ui.connect.codes_choose"), Selected: sel == ""}}
			for _, c := range unseenCodes {
				opts = append(opts, option{Value: c, Label: c + " — " + l.T("ui.code."+c+".label"), Selected: sel == c})
			}
			return opts
		},
		"stateTone": func(state string) string {
			switch setup.ConnectionState(state) {
			case setup.ConnConnected:
				return "success"
			case setup.ConnWaiting, setup.ConnReached:
				return "info"
			}
			return "critical"
		},
		"accountOptions": func(row setup.MappingRow) []option {
			opts := []option{{Value: "", Label: l.T("ui.mapping.choose"), Selected: row.Selected == ""}}
			for _, o := range row.Options {
				label := l.T("ui.mapping.option", "Name", o.FullName, "Type", l.T("ui.acct."+o.Type))
				switch {
				case o.Create:
					label = l.T("ui.mapping.create_option", "Name", o.FullName, "Type", l.T("ui.acct."+o.Type))
				case o.Unsuitable:
					label = l.T("ui.mapping.unsuitable_option", "Name", o.FullName, "Type", l.T("ui.acct."+o.Type))
				}
				opts = append(opts, option{Value: o.FullName, Label: label, Selected: o.FullName == row.Selected})
			}
			return opts
		},
		"helpMinutes": func() int { return int(setup.HelpAfter / time.Minute) },
		"accountTypes": func(types []string) string {
			names := make([]string, len(types))
			for i, t := range types {
				names[i] = l.T("ui.acct." + t)
			}
			return strings.Join(names, ", ")
		},
		"rowError": func(row setup.MappingRow, pg *pageData) string {
			if row.Error != nil {
				return l.Msg(row.Error)
			}
			return pg.FieldErrors["mapping."+string(row.Category)]
		},
		"modeChoices": func(m setup.ModeChoice) []choice {
			detail := choice{Value: string(shopqb.Detail), Label: l.T("ui.mode.detail"), Selected: m.Selected == shopqb.Detail}
			if !m.DetailAllowed {
				detail.Disabled, detail.Selected = true, false
				if m.Reason != nil {
					detail.Details = l.Msg(m.Reason)
				}
			}
			summary := choice{Value: string(shopqb.Summary), Label: l.T("ui.mode.summary"), Selected: m.Selected == shopqb.Summary || !m.DetailAllowed}
			return []choice{summary, detail}
		},
		"stockyTone": func(v *setup.PurchasingView) string {
			if v.Passed && v.StockyKeySet {
				return "success"
			}
			return "critical"
		},
		"scheduleText": func(s string) string {
			if hhmm, ok := strings.CutPrefix(s, "daily "); ok {
				return l.T("ui.schedule.daily_at", "Time", hhmm)
			}
			return l.T("ui.schedule.manual")
		},
		"mappingRows": func(m shopqb.Mapping) []fact {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, string(k))
			}
			sort.Strings(keys)
			rows := make([]fact, 0, len(keys))
			for _, k := range keys {
				rows = append(rows, fact{Label: categoryLabel(l, shopqb.Category(k)), Value: m[shopqb.Category(k)]})
			}
			return rows
		},
	}
	for k, v := range booksFuncs(l) {
		fm[k] = v
	}
	return fm
}

// categoryLabel names a mapping category in the reader's language.
func categoryLabel(l *localizer, c shopqb.Category) string {
	if gw, ok := strings.CutPrefix(string(c), "clearing:"); ok {
		// Known gateways by name; any other by its id made readable.
		if l.cat.has(l.lang, "ui.gateway."+gw) {
			gw = l.T("ui.gateway." + gw)
		} else {
			gw = setup.GatewayName(gw)
		}
		return l.T("ui.category.clearing", "Gateway", gw)
	}
	return l.T("ui.category." + string(c))
}

// toString prints strings and string-based types (setup.ConnectionState, …); nil is "".
func toString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case interface{ String() string }:
		return v.String()
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String()
	}
	return ""
}
