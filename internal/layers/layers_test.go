package layers

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/shopqb/shopqb"

// rank is each package's layer; a package may import packages of a lower
// rank, and of its own rank only where sameRank allows it.
var rank = map[string]int{
	".": 0, "internal/money": 0, "internal/plainxml": 0,

	"internal/qbxml": 1, "internal/qbwc": 1, "internal/shopify": 1, "internal/stocky": 1,
	"internal/secret": 1, "internal/planner": 1, "internal/store": 1,

	"internal/syncengine": 2, "internal/ingest": 2, "internal/shopadmin": 2, "internal/setup": 2,
	"internal/dashboard": 2, "internal/privacy": 2, "internal/jobs": 2, "internal/webauth": 2,

	"internal/ui": 3, "internal/web": 3,

	"internal/app": 4,

	"internal/cli": 5, "internal/demo": 5,
}

// sameRank lists the imports allowed inside one layer, each with why.
var sameRank = map[string][]string{
	// The domain's money is exact cents.
	".": {"internal/money"},
	// The planner reads Shopify's document model; qbxml and stocky share
	// Shopify's money and purchase-order types.
	"internal/planner": {"internal/qbxml", "internal/shopify"},
	"internal/stocky":  {"internal/shopify"},
	// The store seals nothing itself but keeps secret's types.
	"internal/store": {"internal/secret"},
	// Services built on other services: reading and planning hands postings
	// to the outbox; the wizard and the dashboard change shops only through
	// shop administration; privacy erases through it; the dashboard reuses
	// the wizard's message type and the engine's findings.
	"internal/ingest":    {"internal/syncengine"},
	"internal/setup":     {"internal/shopadmin", "internal/syncengine"},
	"internal/dashboard": {"internal/setup", "internal/shopadmin", "internal/syncengine", "internal/ingest"},
	"internal/privacy":   {"internal/shopadmin"},
	"internal/shopadmin": {},
	// The demo starts the CLI's building blocks, the CLI runs the demo.
	"internal/cli": {"internal/demo"},
}

// beside are the simulators and test helpers: no package of the house may
// import them, except those listed.
var beside = map[string][]string{
	"internal/qbdsim":     {"internal/cli", "internal/demo"},
	"internal/shopifysim": {"internal/cli", "internal/demo"},
	"internal/testenv":    {},
}

// pagesMayUse is everything internal/ui may import: services and the domain.
var pagesMayUse = []string{".", "internal/money", "internal/setup", "internal/dashboard", "internal/webauth", "internal/ui"}

func TestTheHouseIsOneWay(t *testing.T) {
	imports := listImports(t)
	var bad []string
	for pkg, deps := range imports {
		home := layerOf(pkg)
		for _, dep := range deps {
			to := layerOf(dep)
			if to == home {
				continue
			}
			if users, ok := beside[to]; ok {
				if !contains(users, home) {
					bad = append(bad, pkg+" imports "+dep+": simulators and test helpers stay out of the house")
				}
				continue
			}
			if _, ok := beside[home]; ok {
				continue // a simulator may use anything below the doors
			}
			rf, okf := rank[home]
			rt, okt := rank[to]
			if !okf || !okt {
				bad = append(bad, "no layer for "+home+" or "+to+": place it in internal/layers/layers_test.go")
				continue
			}
			switch {
			case rt > rf:
				bad = append(bad, pkg+" imports "+dep+": a lower layer must not import a higher one")
			case rt == rf && !contains(sameRank[home], to):
				bad = append(bad, pkg+" imports "+dep+": same layer, not allowed in sameRank")
			}
			if home == "internal/ui" && !contains(pagesMayUse, to) {
				bad = append(bad, pkg+" imports "+dep+": pages call services, never the store, the engine or Shopify")
			}
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Error(b)
	}
}

// TestNoBigFilesCommitted keeps build outputs and data dumps out of git.
func TestNoBigFilesCommitted(t *testing.T) {
	root := repoRoot(t)
	out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	for _, name := range bytes.Split(out, []byte{0}) {
		if len(name) == 0 {
			continue
		}
		fi, err := os.Stat(filepath.Join(root, string(name)))
		if err == nil && fi.Size() > 1<<20 {
			t.Errorf("%s is %d bytes: files over 1 MiB do not belong in the repository (.gitignore build outputs)", name, fi.Size())
		}
	}
}

func listImports(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...")
	cmd.Dir = repoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	m := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		var deps []string
		for _, d := range f[1:] {
			if d == module || strings.HasPrefix(d, module+"/") {
				deps = append(deps, d)
			}
		}
		m[f[0]] = deps
	}
	return m
}

// layerOf names the package a path belongs to for layering: sub-packages
// (internal/ui/uitest, internal/store/storetest) count as their parent.
func layerOf(importPath string) string {
	p := strings.TrimPrefix(strings.TrimPrefix(importPath, module), "/")
	if p == "" {
		return "."
	}
	parts := strings.Split(p, "/")
	if parts[0] == "cmd" {
		return "internal/cli"
	}
	if len(parts) >= 2 {
		return parts[0] + "/" + parts[1]
	}
	return p
}

func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
