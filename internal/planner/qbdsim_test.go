package planner

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/qbdsim"
	"github.com/shopqb/shopqb/internal/qbxml"
)

var (
	statusPattern = regexp.MustCompile(`statusCode="(\d+)"[^>]*statusMessage="([^"]*)"`)
	txnIDPattern  = regexp.MustCompile(`<TxnID>([^<]+)</TxnID>`)
)

// TestPlansPostToSimulatedQuickBooks sends whole plans of simulator-generated
// shops, posting by posting in dependency order as the sync engine does, to
// the QuickBooks simulator (written separately from the planner), resolving
// refunds' credit-memo references with the TxnIDs it returns. Every request
// must be accepted, the company's trial balance must sum to zero, and every
// account must hold what the plan's ledger says (COGS and inventory asset
// aside in detail inventory mode, where QuickBooks computes them itself).
func TestPlansPostToSimulatedQuickBooks(t *testing.T) {
	for _, modes := range [][2]shopqb.Mode{{shopqb.Detail, shopqb.Detail}, {shopqb.Summary, shopqb.Summary}, {shopqb.Summary, shopqb.Detail}} {
		sales, inv := modes[0], modes[1]
		t.Run(fmt.Sprintf("%s-sales-%s-inventory", sales, inv), func(t *testing.T) {
			opts := qbdsim.CompanyOptions{Edition: qbdsim.Enterprise, SalesTaxOn: true, DefaultTaxItemZeroRate: true, ClassTracking: true, Inventory: true}
			company := qbdsim.NewCompany(opts)
			in, _ := simInput(2, sales, inv)
			in.Company = Company{Edition: "enterprise", ZeroRateTaxItem: "Out of State", ClassTracking: true}
			in.Shop.Settings.ClassPerLocation = true
			for _, l := range company.TrialBalance() {
				in.Company.Accounts = append(in.Company.Accounts, l.Account)
			}
			plan, err := Build(in)
			if err != nil {
				t.Fatal(err)
			}
			postAll(t, company, plan)
			var sum money.Cents
			got := map[string]money.Cents{}
			for _, l := range company.TrialBalance() {
				sum += l.Debit - l.Credit
				got[l.Account] += l.Debit - l.Credit
			}
			if sum != 0 {
				t.Errorf("trial balance sums to %s", sum)
			}
			want := map[string]money.Cents{}
			for c, a := range plan.Ledger.ByCategory {
				acct := in.Shop.Settings.Mapping.Account(c)
				if c == arCategory {
					acct = "Accounts Receivable"
				}
				want[acct] += a
			}
			for acct, w := range want {
				if inv == shopqb.Detail && (acct == "Cost of Goods Sold" || acct == "Inventory Asset") {
					continue
				}
				if got[acct] != w {
					t.Errorf("%s: QuickBooks holds %s, the plan says %s", acct, got[acct], w)
				}
			}
		})
	}
}

// postAll sends each posting once its dependencies are done, as its own
// message set, and fails on any status but success (or 3100, "name in use",
// which the sync engine links instead of creating).
func postAll(t *testing.T, company *qbdsim.Company, plan *Plan) {
	t.Helper()
	done := map[string]string{} // key → TxnID (or "" for list records)
	for len(done) < len(plan.Postings) {
		progress := false
		for _, p := range plan.Postings {
			if _, ok := done[p.Key]; ok {
				continue
			}
			ready := true
			for _, d := range p.DependsOn {
				if _, ok := done[d]; !ok {
					ready = false
				}
			}
			if !ready {
				continue
			}
			req, err := ResolveTxnRefs(p.Request, func(k string) (string, bool) { id, ok := done[k]; return id, ok && id != "" })
			if err != nil {
				t.Fatalf("%s: %v", p.Key, err)
			}
			doc, err := qbxml.MsgSet{}.Build([]qbxml.Raw{{RequestID: "1", XML: req}})
			if err != nil {
				t.Fatal(err)
			}
			resp, err := company.ProcessRequest(doc)
			if err != nil {
				t.Fatalf("%s: %v", p.Key, err)
			}
			st := statusPattern.FindStringSubmatch(resp)
			if st == nil || (st[1] != "0" && !(st[1] == "3100" && p.Name != "")) {
				t.Fatalf("%s refused: %v\n%s", p.Key, st, req)
			}
			id := ""
			if m := txnIDPattern.FindStringSubmatch(resp); m != nil {
				id = m[1]
			}
			done[p.Key] = id
			progress = true
		}
		if !progress {
			t.Fatal("postings wait on each other or on a posting the plan does not hold")
		}
	}
}
