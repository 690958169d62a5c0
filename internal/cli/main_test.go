package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/shopqb/shopqb/internal/demo"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/testenv"
)

// run runs the command line in-process, as the binary would.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		if k == "SHOPQB_SHARED_DIR" {
			return testenv.SharedDir(t)
		}
		return ""
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	code = m.Run(ctx, args)
	return code, out.String(), errb.String()
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"serve", "--help"}, {"demo", "--help"}, {"sim", "--help"}, {"sim", "qbd", "--help"},
		{"sim", "shopify", "--help"}, {"qwc", "--help"}, {"admin", "--help"}, {"admin", "start", "--help"},
		{"admin", "reset", "--help"}, {"admin", "settings", "--help"},
	} {
		code, out, errOut := run(t, args...)
		if code != 0 || !strings.Contains(out, "Usage") && !strings.Contains(out, "shopqb") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	if code, _, _ := run(t, "nonsense"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if code, _, _ := run(t, "demo", "--sales-mode", "weekly"); code == 0 {
		t.Error("a bad mode was accepted")
	}
}

// TestDemoEndToEnd is the first path: Shopify POS orders read over GraphQL
// from the simulator become sales receipts in the simulated company through
// real Web Connector SOAP sessions. Every qbXML message set sent is checked
// against the 13.0 XSD, every GraphQL operation against the 2026-10 schema.
func TestDemoEndToEnd(t *testing.T) {
	for _, mode := range []string{"detail", "summary"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			reportPath := filepath.Join(dir, "report.json")
			traceDir := filepath.Join(dir, "trace")
			code, out, errOut := run(t, "demo", "--orders", "40", "--days", "4", "--seed", "3", "--sales-mode", mode,
				"--report", reportPath, "--trace", traceDir, "--validate=false")
			if code != 0 {
				t.Fatalf("demo exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			for _, want := range []string{"Shopify", "Postings", "Web Connector", "Trial balance"} {
				if !strings.Contains(out, want) {
					t.Errorf("summary lacks %q:\n%s", want, out)
				}
			}
			var rep demo.Report
			b, err := os.ReadFile(reportPath)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatalf("report: %v", err)
			}
			if rep.Postings.Total == 0 || rep.Postings.Done != rep.Postings.Total {
				t.Errorf("postings: %+v, failures %+v", rep.Postings, rep.Failures)
			}
			if rep.Postings.ByKind["SalesReceiptAdd"] == 0 {
				t.Errorf("no sales receipts posted: %v", rep.Postings.ByKind)
			}
			if rep.TotalDebit != rep.TotalCredit || rep.TotalDebit == 0 {
				t.Errorf("trial balance %s / %s", rep.TotalDebit, rep.TotalCredit)
			}
			if rep.Differences != 0 {
				t.Errorf("%d reconciliation differences: %+v", rep.Differences, rep.Reconciliation)
			}
			if rep.WebConnector.RoundTrips == 0 || rep.Shopify.OrdersRead < 40 {
				t.Errorf("web connector %+v, shopify %+v", rep.WebConnector, rep.Shopify)
			}
			checkTrace(t, traceDir)
		})
	}
}

// checkTrace validates every traced message against the real specs.
func checkTrace(t *testing.T, dir string) {
	t.Helper()
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	xmllint := testenv.Xmllint(t)
	schema := testenv.QBXMLSchema(t)
	schemas := map[string]*ast.Schema{}
	var nXML, nGQL int
	names := make([]string, 0, len(files))
	for _, f := range files {
		names = append(names, f.Name())
	}
	sort.Strings(names)
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasSuffix(name, "qbxml-request.xml"):
			nXML++
			if err := qbxml.Validate(xmllint, schema, string(b)); err != nil {
				t.Errorf("%s does not validate against qbXML 13.0: %v", name, err)
			}
		case strings.Contains(name, "-graphql-"):
			nGQL++
			var op struct {
				Query   string `json:"query"`
				Version string `json:"apiVersion"`
			}
			if err := json.Unmarshal(b, &op); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if schemas[op.Version] == nil {
				schemas[op.Version] = loadSchema(t, op.Version)
			}
			if _, errs := gqlparser.LoadQuery(schemas[op.Version], op.Query); errs != nil {
				t.Errorf("%s does not validate against the %s schema: %v", name, op.Version, errs)
			}
		}
	}
	if nXML == 0 || nGQL == 0 {
		t.Errorf("trace has %d qbXML and %d GraphQL files", nXML, nGQL)
	}
}

func loadSchema(t *testing.T, version string) *ast.Schema { return testenv.GraphQLSchema(t, version) }
