package planner

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden expected.xml and expected-ledger.txt files")

// caseExtra is a golden case's optional extra.json: settings that differ from
// the defaults, the QuickBooks company, and Shopify documents other than orders.
type caseExtra struct {
	Settings       *shopqb.Settings                  `json:"settings"`
	TimeZone       string                            `json:"timeZone"`
	Company        *Company                          `json:"company"`
	Payouts        []shopify.Payout                  `json:"payouts"`
	PurchaseOrders []shopify.PurchaseOrder           `json:"purchaseOrders"`
	Variants       map[string]shopify.ProductVariant `json:"variants"`
	Names          map[string]string                 `json:"names"`
	// Error, when set, is a fragment the plan's error must contain: the case
	// pins a refusal rather than postings.
	Error string `json:"error"`
	// Late, when set, makes the case a late arrival: the shop is planned and
	// posted without these orders and refunds first, and the case pins the
	// plan once they arrive (the adjustments).
	Late *lateArrivals `json:"late"`
}

// lateArrivals are the Shopify documents of a case that arrive after the
// rest was posted to QuickBooks.
type lateArrivals struct {
	Orders  []string `json:"orders"`
	Refunds []string `json:"refunds"`
}

// postedFirst is in as QuickBooks held it before the late documents arrived:
// the plan of the shop without them, every posting done.
func postedFirst(t *testing.T, in Input, late *lateArrivals) (*Plan, []*shopqb.Posting) {
	t.Helper()
	lateOrder, lateRefund := map[string]bool{}, map[string]bool{}
	for _, id := range late.Orders {
		lateOrder[id] = true
	}
	for _, id := range late.Refunds {
		lateRefund[id] = true
	}
	var orders []shopify.Order
	for _, o := range in.Orders {
		if !lateOrder[o.ID] {
			orders = append(orders, withoutRefundsOf(o, lateRefund))
		}
	}
	if len(orders)+len(late.Orders) != len(in.Orders) {
		t.Fatalf("late orders %v are not all in the case", late.Orders)
	}
	in.Orders = orders
	first, err := Build(in)
	if err != nil {
		t.Fatalf("plan before the late documents: %v", err)
	}
	return first, posted(first)
}

// goldenInput reads a case folder: order.json (one order, or an array of
// orders, in the Admin GraphQL shape) and the optional extra.json.
func goldenInput(t *testing.T, dir string) (Input, caseExtra) {
	t.Helper()
	in := baseInput()
	var extra caseExtra
	if b, err := os.ReadFile(filepath.Join(dir, "extra.json")); err == nil {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&extra); err != nil {
			t.Fatalf("%s/extra.json: %v", dir, err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "order.json")); err == nil {
		b = bytes.TrimSpace(b)
		if len(b) > 0 && b[0] == '[' {
			err = json.Unmarshal(b, &in.Orders)
		} else {
			var o shopify.Order
			err = json.Unmarshal(b, &o)
			in.Orders = []shopify.Order{o}
		}
		if err != nil {
			t.Fatalf("%s/order.json: %v", dir, err)
		}
	}
	if extra.Settings != nil {
		m := in.Shop.Settings.Mapping
		in.Shop.Settings = *extra.Settings
		if in.Shop.Settings.Mapping == nil {
			in.Shop.Settings.Mapping = m
		}
	}
	if extra.TimeZone != "" {
		in.Shop.TimeZone = extra.TimeZone
	}
	if extra.Company != nil {
		in.Company = *extra.Company
	}
	in.Payouts, in.PurchaseOrders, in.Variants, in.Names = extra.Payouts, extra.PurchaseOrders, extra.Variants, extra.Names
	return in, extra
}

// baseInput is the shop every golden case starts from: detail sales and
// customers, detail inventory, a New York shop on QuickBooks Premier whose
// chart of accounts has the default mapping's accounts except a few.
func baseInput() Input {
	set := shopqb.DefaultSettings()
	set.SalesMode, set.CustomersMode, set.InventoryMode, set.VendorsMode = shopqb.Detail, shopqb.Detail, shopqb.Detail, shopqb.Detail
	return Input{
		Shop: shopqb.Shop{ID: 1, Domain: "golden.myshopify.com", TimeZone: "America/New_York", Currency: "USD",
			FileID: "{5A1C0A61-3F2B-4C55-9E61-0B7A3D6C2E10}", Settings: set},
		Company: Company{Edition: "premier", ExistingNames: 12, ExistingItems: 40, ZeroRateTaxItem: "Out of State",
			Accounts: []string{"Sales", "Checking", "Undeposited Funds", "Cost of Goods Sold", "Inventory Asset",
				"Accounts Payable", "Shopify Payments Clearing", "Cash Drawer", "Sales Discounts", "Shipping Income"}},
	}
}

// messageSet wraps the plan's requests in one qbXML message set, as the sync
// engine sends them, with each posting's key as a comment above it.
func messageSet(plan *Plan) string {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<?qbxml version=\"13.0\"?>\n<QBXML>\n<QBXMLMsgsRq onError=\"continueOnError\">\n")
	for _, ps := range plan.Postings {
		fmt.Fprintf(&b, "<!-- %s %s", ps.Key, ps.Kind)
		if len(ps.DependsOn) > 0 {
			fmt.Fprintf(&b, " after %s", strings.Join(ps.DependsOn, " "))
		}
		if ps.BaseKey != "" {
			fmt.Fprintf(&b, " adjusts %s", ps.BaseKey)
		}
		b.WriteString(" -->\n")
		if ps.State == shopqb.Failed {
			fmt.Fprintf(&b, "<!-- failed, not sent: %s -->\n", ps.ErrorMessage)
		}
		b.WriteString(indentXML(ps.Request))
	}
	b.WriteString("</QBXMLMsgsRq>\n</QBXML>\n")
	return b.String()
}

// indentXML re-prints one compact request with two-space indentation so the
// golden files are readable and their diffs show the element that changed.
func indentXML(s string) string {
	dec := xml.NewDecoder(strings.NewReader(s))
	var b bytes.Buffer
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "<!-- unparsable request: " + err.Error() + " -->\n" + s
		}
		if err := enc.EncodeToken(xml.CopyToken(tok)); err != nil {
			return "<!-- unprintable request: " + err.Error() + " -->\n" + s
		}
	}
	if err := enc.Flush(); err != nil {
		return s
	}
	return b.String() + "\n"
}

func TestGolden(t *testing.T) {
	dirs := goldenDirs(t)
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			in, extra := goldenInput(t, dir)
			p, plan, err := build(in)
			if extra.Error != "" {
				if err == nil || !strings.Contains(err.Error(), extra.Error) {
					t.Fatalf("want error containing %q, got %v", extra.Error, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			assertReconciles(t, plan)
			if extra.Late != nil {
				// The plan once the late documents arrive, against what
				// QuickBooks holds: the books end as the plan of all at once.
				first, held := postedFirst(t, in, extra.Late)
				in.Posted = held
				if p, plan, err = build(in); err != nil {
					t.Fatal(err)
				}
				checkBooksEqual(t, whole(t, in), first, plan)
				if plan.Adjusted == 0 {
					t.Error("the late documents adjusted nothing")
				}
			}
			// Determinism: a second build gives byte-identical postings.
			again, err := Build(in)
			if err != nil {
				t.Fatal(err)
			}
			if messageSet(again) != messageSet(plan) {
				t.Fatal("two builds of the same input differ")
			}
			// The ledger is booked from the rendered requests, and must be
			// the planner's own to the cent.
			books, err := bookRendered(p, in, plan)
			if err != nil {
				t.Fatalf("book the rendered requests: %v", err)
			}
			for _, d := range renderedDifferences(p, plan, books) {
				t.Error(d)
			}
			compareGolden(t, filepath.Join(dir, "expected.xml"), messageSet(plan))
			compareGolden(t, filepath.Join(dir, "expected-ledger.txt"), ledgerText(books, plan))
		})
	}
}

// whole is the plan of in with nothing posted before.
func whole(t *testing.T, in Input) *Plan {
	t.Helper()
	in.Posted = nil
	plan, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// goldenDirs lists the case folders (the README beside them is not a case).
func goldenDirs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("testdata/golden")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, filepath.Join("testdata/golden", e.Name()))
		}
	}
	if len(dirs) == 0 {
		t.Fatal("no golden cases")
	}
	return dirs
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the plan (run with -update after checking):\n%s", path, firstDiff(string(want), got))
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  golden: %s\n  plan:   %s", i+1, x, y)
		}
	}
	return ""
}

// assertReconciles checks that the plan's ledger balances and equals, per
// category and per tax item, what Shopify's own totals say.
func assertReconciles(t *testing.T, plan *Plan) {
	t.Helper()
	var sum money.Cents
	cats := map[shopqb.Category]bool{}
	for c, a := range plan.Ledger.ByCategory {
		sum += a
		cats[c] = true
	}
	if sum != 0 {
		t.Errorf("ledger does not balance: debits − credits = %s", sum)
	}
	// Every dependency is a posting of the same plan, or the posting would wait forever.
	keys := map[string]bool{}
	for _, p := range plan.Postings {
		if keys[p.Key] {
			t.Errorf("posting key %s appears twice", p.Key)
		}
		keys[p.Key] = true
	}
	for _, p := range plan.Postings {
		for _, d := range p.DependsOn {
			if !keys[d] {
				t.Errorf("%s depends on %s, which the plan does not hold", p.Key, d)
			}
		}
	}
	for c := range plan.Expected.ByCategory {
		cats[c] = true
	}
	for c := range cats {
		if c == arCategory {
			continue
		}
		if g, w := plan.Ledger.ByCategory[c], plan.Expected.ByCategory[c]; g != w {
			t.Errorf("category %s: ledger %s, Shopify's totals %s (difference %s)", c, g, w, g-w)
		}
	}
	if g := plan.Ledger.ByCategory[arCategory]; g != 0 {
		t.Errorf("accounts receivable left at %s after refunds", g)
	}
	items := map[string]bool{}
	for k := range plan.Ledger.ByTaxItem {
		items[k] = true
	}
	for k := range plan.Expected.ByTaxItem {
		items[k] = true
	}
	for k := range items {
		if g, w := plan.Ledger.ByTaxItem[k], plan.Expected.ByTaxItem[k]; g != w {
			t.Errorf("tax item %s: ledger %s, Shopify's tax lines %s", k, g, w)
		}
	}
}

// TestGoldenXMLValidatesAgainstXSD runs every golden expected.xml through
// xmllint with the real qbXML 13.0 schema, and every golden plan again as the
// sync engine sends it: one qbxml.MsgSet with a requestID per posting. All
// documents go to one xmllint run, because loading the schema is the slow part.
func TestGoldenXMLValidatesAgainstXSD(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*/expected.xml")
	if len(files) == 0 {
		t.Fatal("no golden expected.xml files")
	}
	tmp := t.TempDir()
	for n, dir := range goldenDirs(t) {
		in, extra := goldenInput(t, dir)
		if extra.Error != "" {
			continue
		}
		if extra.Late != nil {
			_, in.Posted = postedFirst(t, in, extra.Late) // validate the adjustments
		}
		plan, err := Build(in)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		var raws []qbxml.Raw
		for i, ps := range plan.Postings {
			if ps.State == shopqb.Failed {
				continue // never sent
			}
			raws = append(raws, qbxml.Raw{RequestID: fmt.Sprint(i + 1), XML: ps.Request})
		}
		doc, err := qbxml.MsgSet{NewMessageSetID: fmt.Sprintf("golden-%d", n)}.Build(raws)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		f := filepath.Join(tmp, filepath.Base(dir)+".xml")
		if err := os.WriteFile(f, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	args := append([]string{"--noout", "--schema", testenv.QBXMLSchema(t)}, files...)
	out, err := exec.Command(testenv.Xmllint(t), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("xmllint: %v\n%s", err, out)
	}
}
