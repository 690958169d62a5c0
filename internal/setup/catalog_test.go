package setup

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
)

// readCatalog reads the go-i18n v2 TOML the catalogs are written in: a
// quoted table per ID with its "other" text.
func readCatalog(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	id := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, `["`) && strings.HasSuffix(line, `"]`):
			id = line[2 : len(line)-2]
			if _, dup := out[id]; dup {
				t.Errorf("%s: %s twice", path, id)
			}
			out[id] = ""
		case strings.HasPrefix(line, "other = "):
			s, err := strconv.Unquote(strings.TrimPrefix(line, "other = "))
			if err != nil || id == "" {
				t.Fatalf("%s: bad line %q: %v", path, line, err)
			}
			out[id] = s
		}
	}
	return out
}

// messageIDs is every ID the service can return: the literals in its
// source, and the ones it builds from a category, an HRESULT or a mode.
func messageIDs(t *testing.T) []string {
	t.Helper()
	lit := regexp.MustCompile(`"(setup\.[a-z0-9_.]*)"`)
	seen := map[string]bool{}
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") {
				seen[m[1]] = true
			}
		}
	}
	for _, c := range shopqb.Categories() {
		seen[categoryLabel(c).ID] = true
	}
	for code := range hresultTexts {
		seen[hresultMessage(code).ID] = true
	}
	for _, n := range modeNames {
		seen["setup.modes.explain."+n] = true
		if n != "sales" {
			seen["setup.modes.over_limit."+n] = true
		}
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func TestEveryMessageInBothCatalogs(t *testing.T) {
	dir := filepath.Join("..", "ui", "locales")
	en, ko := readCatalog(t, filepath.Join(dir, "setup.en.toml")), readCatalog(t, filepath.Join(dir, "setup.ko.toml"))
	ids := messageIDs(t)
	if len(ids) < 50 {
		t.Fatalf("only %d message IDs found: the scan is broken", len(ids))
	}
	for _, id := range ids {
		for lang, cat := range map[string]map[string]string{"en": en, "ko": ko} {
			if cat[id] == "" {
				t.Errorf("%s missing from setup.%s.toml", id, lang)
			}
		}
		args := func(s string) string {
			var out []string
			for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
				out = append(out, m[1])
			}
			sort.Strings(out)
			return strings.Join(slicesCompact(out), ",")
		}
		if en[id] != "" && ko[id] != "" && args(en[id]) != args(ko[id]) {
			t.Errorf("%s: English uses {%s}, Korean {%s}", id, args(en[id]), args(ko[id]))
		}
	}
	// Korean names QuickBooks menus in Korean with the English label in brackets.
	if !strings.Contains(ko["setup.tax.fix.on"], "편집(Edit) › 기본 설정(Preferences) › 판매세(Sales Tax)") {
		t.Errorf("Korean sales-tax fix: %q", ko["setup.tax.fix.on"])
	}
}

func slicesCompact(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
