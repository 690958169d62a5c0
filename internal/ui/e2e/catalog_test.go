package e2e_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"text/template"

	"github.com/BurntSushi/toml"
)

// texts are the pages' message catalogs (internal/ui/locales), read here so
// the tests check what a merchant reads in the page's language without
// copying every sentence. They are read as plain TOML, not through the ui
// package, so a message the pages fail to localise still fails the test.
type texts struct {
	lang string
	msgs map[string]string
}

var (
	catalogsOnce sync.Once
	catalogs     map[string]*texts
	catalogsErr  error
)

func loadTexts(t testing.TB, lang string) *texts {
	t.Helper()
	catalogsOnce.Do(func() {
		catalogs = map[string]*texts{}
		files, err := filepath.Glob(filepath.Join("..", "locales", "*.toml"))
		if err != nil || len(files) == 0 {
			catalogsErr = fmt.Errorf("no catalogs under ../locales: %v", err)
			return
		}
		for _, f := range files {
			base := filepath.Base(f)
			parts := strings.Split(base, ".")
			if len(parts) < 3 {
				continue
			}
			l := parts[len(parts)-2]
			var raw map[string]any
			if _, err := toml.DecodeFile(f, &raw); err != nil {
				catalogsErr = fmt.Errorf("%s: %w", f, err)
				return
			}
			c := catalogs[l]
			if c == nil {
				c = &texts{lang: l, msgs: map[string]string{}}
				catalogs[l] = c
			}
			for id, v := range raw {
				switch v := v.(type) {
				case string:
					c.msgs[id] = v
				case map[string]any:
					if s, ok := v["other"].(string); ok {
						c.msgs[id] = s
					}
				}
			}
		}
	})
	if catalogsErr != nil {
		t.Fatal(catalogsErr)
	}
	c := catalogs[lang]
	if c == nil {
		t.Fatalf("no %s catalog", lang)
	}
	return c
}

// T renders a message with its arguments (key, value pairs), as the pages do.
func (c *texts) T(t testing.TB, id string, kv ...any) string {
	t.Helper()
	src, ok := c.msgs[id]
	if !ok {
		t.Fatalf("%s catalog has no %s", c.lang, id)
	}
	args := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		args[fmt.Sprint(kv[i])] = kv[i+1]
	}
	tmpl, err := template.New(id).Option("missingkey=error").Parse(src)
	if err != nil {
		t.Fatalf("%s %s: %v", c.lang, id, err)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, args); err != nil {
		t.Fatalf("%s %s: %v", c.lang, id, err)
	}
	return b.String()
}

// grouped writes n with thousands separators, as both languages show counts.
func grouped(n int) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
