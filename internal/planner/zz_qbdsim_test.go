package planner

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbdsim"
	"github.com/shopqb/shopqb/internal/qbxml"
)

func TestTmpQBDSim(t *testing.T) {
	for _, mode := range [][2]shopqb.Mode{{shopqb.Detail, shopqb.Detail}, {shopqb.Summary, shopqb.Summary}, {shopqb.Detail, shopqb.Summary}} {
		in, _ := simInput(2, mode[0], mode[1])
		in.Company.ZeroRateTaxItem = "Out of State"
		in.Company.Accounts = nil
		c0 := qbdsim.NewCompany(qbdsim.CompanyOptions{Edition: qbdsim.Enterprise, SalesTaxOn: true, DefaultTaxItemZeroRate: true, ClassTracking: true, Inventory: true})
		for _, l := range c0.TrialBalance() {
			in.Company.Accounts = append(in.Company.Accounts, l.Account)
		}
		in.Company.ClassTracking = true
		in.Shop.Settings.ClassPerLocation = true
		plan, err := Build(in)
		if err != nil {
			t.Fatal(err)
		}
		c := qbdsim.NewCompany(qbdsim.CompanyOptions{Edition: qbdsim.Enterprise, SalesTaxOn: true, DefaultTaxItemZeroRate: true, ClassTracking: true, Inventory: true})
		// topological order
		done := map[string]bool{}
		var order []*shopqb.Posting
		for len(order) < len(plan.Postings) {
			progress := false
			for _, p := range plan.Postings {
				if done[p.Key] {
					continue
				}
				ok := true
				for _, d := range p.DependsOn {
					if !done[d] {
						ok = false
					}
				}
				if ok {
					done[p.Key] = true
					order = append(order, p)
					progress = true
				}
			}
			if !progress {
				t.Fatal("cycle")
			}
		}
		var raws []qbxml.Raw
		for i, p := range order {
			raws = append(raws, qbxml.Raw{RequestID: fmt.Sprint(i), XML: p.Request})
		}
		doc, err := qbxml.MsgSet{}.Build(raws)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.ProcessRequest(doc)
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(`requestID="(\d+)" statusCode="(\d+)" statusSeverity="(\w+)" statusMessage="([^"]*)"`)
		bad := 0
		for _, m := range re.FindAllStringSubmatch(resp, -1) {
			if m[2] != "0" && m[2] != "3100" {
				var i int
				fmt.Sscan(m[1], &i)
				if bad < 8 {
					t.Errorf("%v %s: %s %s", mode, order[i].Key, m[2], m[4])
				}
				bad++
			}
		}
		fmt.Println(mode, "bad", bad, "of", len(order))
		tb := map[string]int64{}
		for _, l := range c.TrialBalance() {
			tb[l.Account] = int64(l.Debit - l.Credit)
		}
		m := in.Shop.Settings.Mapping
		for cat, a := range plan.Ledger.ByCategory {
			acct := m.Account(cat)
			if cat == arCategory {
				acct = "Accounts Receivable"
			}
			if tb[acct] != int64(a) {
				fmt.Printf("  %s %s: plan %s qbd %d\n", cat, acct, a, tb[acct])
			}
		}
	}
}
