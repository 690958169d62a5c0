package plainxml

import (
	"fmt"
	"strings"
	"testing"
)

// tokens renders what a scanner reads, or where it stopped.
func tokens(s string, prefixed bool) string {
	z := NewScanner(s)
	z.Prefixed = prefixed
	var out []string
	for {
		if !z.Next() {
			return strings.Join(append(out, "stop"), " ")
		}
		switch z.Kind {
		case EOF:
			return strings.Join(out, " ")
		case Start:
			t := "<" + z.Name
			for _, a := range z.Attrs {
				t += fmt.Sprintf(" %s=%q", a.Name, a.Value)
			}
			out = append(out, t+">")
		case End:
			out = append(out, "</"+z.Name+">")
		case Text:
			out = append(out, fmt.Sprintf("%q", z.Text))
		case Decl:
			out = append(out, "<?"+z.Name+">")
		}
	}
}

func TestScanner(t *testing.T) {
	for _, tc := range []struct {
		in       string
		prefixed bool
		want     string
	}{
		{`<?xml version="1.0"?><a x='1' y = "&lt;&#233;&#x20AC;"><b/>t&amp;u</a>`, false,
			`<?xml> <a x="1" y="<é€"> <b> </b> "t&u" </a>`},
		{"<a>1\r\n2\r3</a>", false, `<a> "1\n2\n3" </a>`},
		{`<s:a xmlns:s="u"><s:b/></s:a>`, false, "stop"},
		{`<s:a xmlns:s="u"><s:b/></s:a>`, true, `<s:a xmlns:s="u"> <s:b> </s:b> </s:a>`},
		{`<s:a:b/>`, true, "stop"},
		{`<:a/>`, true, "stop"},
		{`<a></b>`, false, "<a> stop"},
		{`<a>`, false, "<a> stop"},
		{`<a><!-- c --></a>`, false, "<a> stop"},
		{`<a>&nbsp;</a>`, false, "<a> stop"},
		{`<a>&#0;</a>`, false, "<a> stop"},
		{"<a>\x00</a>", false, "<a> stop"},
		{`<?xml version="1.1"?><a/>`, false, "stop"},
		{`<?php x?><a/>`, false, "stop"},
		{`<1a/>`, false, "stop"},
		{`<a b="1/>`, false, "stop"},
	} {
		if got := tokens(tc.in, tc.prefixed); got != tc.want {
			t.Errorf("tokens(%q, %v) = %s; want %s", tc.in, tc.prefixed, got, tc.want)
		}
	}
}
