package planner

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/testenv"
)

// TestPropertyGeneratedShops plans many generated shops in every combination
// of sales and inventory modes, prices with and without tax: every plan must
// build, every transaction balance (Build checks), every category and tax
// item reconcile to Shopify's totals to the cent, and planning twice give
// the same bytes. A few plans also go through the real XSD.
func TestPropertyGeneratedShops(t *testing.T) {
	modes := []shopqb.Mode{shopqb.Detail, shopqb.Summary}
	var samples []string
	for seed := uint64(1); seed <= 40; seed++ {
		for _, sales := range modes {
			for _, inv := range modes {
				incl := seed%3 == 0
				name := fmt.Sprintf("seed%d-%s-sales-%s-inventory-incl%v", seed, sales, inv, incl)
				in := genInput(seed, sales, modes[seed%2], inv, modes[(seed/2)%2], incl)
				plan, err := Build(in)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				t.Run(name, func(t *testing.T) { assertReconciles(t, plan) })
				again, _ := Build(in)
				if messageSet(again) != messageSet(plan) {
					t.Fatalf("%s: planning twice differs", name)
				}
				if seed <= 2 {
					samples = append(samples, messageSet(plan))
				}
			}
		}
	}
	validateAll(t, samples)
}

// validateAll runs qbXML documents through one xmllint call against the real
// 13.0 schema (loading the schema is what takes the time).
func validateAll(t *testing.T, docs []string) {
	t.Helper()
	dir := t.TempDir()
	args := []string{"--noout", "--schema", testenv.QBXMLSchema(t)}
	for i, s := range docs {
		f := filepath.Join(dir, fmt.Sprintf("plan%d.xml", i))
		if err := os.WriteFile(f, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, f)
	}
	if out, err := exec.Command(testenv.Xmllint(t), args...).CombinedOutput(); err != nil {
		t.Fatalf("plans fail the qbXML schema: %v\n%s", err, out)
	}
}
