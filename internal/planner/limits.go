package planner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopqb/shopqb"
)

// listLimit is QuickBooks Pro/Premier's cap on names (customers, vendors,
// employees and other names together) and on items.
const listLimit = 14500

// checkListLimits refuses a plan that would push a Pro or Premier file past
// 14,500 names or items, before anything is sent, saying how many there are,
// how many the plan adds and what to change. Enterprise has no such cap.
func (p *planner) checkListLimits() error {
	newNames, newItems := 0, 0
	for _, r := range p.lists {
		if r.linked {
			continue
		}
		if _, earlier := p.earlier(r.key); earlier {
			continue
		}
		switch r.ns {
		case nsEntities:
			newNames++
		case nsItems:
			newItems++
		}
	}
	p.newNames, p.newItems = newNames, newItems
	if strings.EqualFold(p.in.Company.Edition, "enterprise") {
		return nil
	}
	if n := p.in.Company.ExistingNames + newNames; n > listLimit {
		code, hint := shopqb.ProblemTooManyNames, "switch customers and vendors to summary mode, or move the company file to QuickBooks Enterprise"
		if p.set.CustomersMode == shopqb.Summary && p.set.VendorsMode == shopqb.Summary {
			code, hint = shopqb.ProblemTooManyNamesInSummary, "remove unused names in QuickBooks, or move the company file to QuickBooks Enterprise"
		}
		return listLimitProblem(code, "names", p.in.Company.Edition, p.in.Company.ExistingNames, newNames, hint)
	}
	if n := p.in.Company.ExistingItems + newItems; n > listLimit {
		code, hint := shopqb.ProblemTooManyItems, "switch inventory to summary mode (one item per product type), or move the company file to QuickBooks Enterprise"
		if p.set.InventoryMode == shopqb.Summary {
			code, hint = shopqb.ProblemTooManyItemsInSummary, "remove unused items in QuickBooks, or move the company file to QuickBooks Enterprise"
		}
		return listLimitProblem(code, "items", p.in.Company.Edition, p.in.Company.ExistingItems, newItems, hint)
	}
	return nil
}

// listLimitProblem is the refusal as a start problem (its code tells the
// setup pages which fix to word), readable as it is for a sync's log.
func listLimitProblem(code, what, edition string, existing, adding int, hint string) error {
	total := existing + adding
	text := fmt.Sprintf("plan refused: QuickBooks %s holds at most %d %s; the file has %d and this plan would add %d (%d in all): %s",
		editionLabel(edition), listLimit, what, existing, adding, total, hint)
	return &shopqb.StartProblemError{Problem: shopqb.NewStartProblem(code, shopqb.AreaModes, text,
		"Edition", editionLabel(edition), "Limit", strconv.Itoa(listLimit), "Existing", strconv.Itoa(existing),
		"Adding", strconv.Itoa(adding), "Total", strconv.Itoa(total))}
}

func editionLabel(e string) string {
	switch strings.ToLower(e) {
	case "pro":
		return "Pro"
	case "premier":
		return "Premier"
	case "":
		return "Pro/Premier (edition not reported)"
	}
	return e
}
