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
	for _, code := range shopqb.StartProblemCodes() {
		seen[problemMessage(shopqb.StartProblem{Code: code}).ID] = true
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

// TestStartProblemsWordedAndPlaced: every start problem is worded from its
// code in both languages (checked above) with its arguments, and goes to the
// step of its area, not one guessed from its English text.
func TestStartProblemsWordedAndPlaced(t *testing.T) {
	steps := map[shopqb.StartArea]Step{
		shopqb.AreaQuickBooks: StepConnect, shopqb.AreaSalesTax: StepTax, shopqb.AreaMapping: StepMapping,
		shopqb.AreaSchedule: StepSchedule, shopqb.AreaModes: StepModes, shopqb.AreaStartDate: StepReview, shopqb.AreaShopify: StepReview,
	}
	for a, want := range steps {
		if got := stepOfArea(a); got != want {
			t.Errorf("area %s goes to step %s, want %s", a, got, want)
		}
	}
	// A text that names sales tax but is about the mapping goes by its area.
	p := shopqb.NewStartProblem(shopqb.ProblemWrongAccountType, shopqb.AreaMapping, "sales tax payable is mapped to …",
		"Category", string(shopqb.TipsPayable), "Account", "Sales", "Type", "Income", "Allowed", "OtherCurrentLiability", "Total", "14600")
	if stepOfArea(p.Area) != StepMapping {
		t.Error("a mapping problem is not sent to the mapping step")
	}
	m := problemMessage(p)
	if m.ID != "setup.start_problem.wrong_account_type" || m.Args["Type"] != AccountType("Income") || m.Args["Account"] != "Sales" ||
		m.Args["Total"] != 14600 || m.Args["Category"].(Message).ID != categoryLabel(shopqb.TipsPayable).ID {
		t.Errorf("message %+v", m)
	}
	if a, ok := m.Args["Allowed"].(AccountTypes); !ok || len(a) != 1 || a[0] != "OtherCurrentLiability" {
		t.Errorf("allowed types %#v", m.Args["Allowed"])
	}
	if m := problemMessage(shopqb.StartProblem{Code: "from_the_future", Text: "x"}); m.ID != "setup.start_problem.other" || m.Args["Text"] != "x" {
		t.Errorf("an unknown code: %+v", m)
	}
}
