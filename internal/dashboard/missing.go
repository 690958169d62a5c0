package dashboard

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/setup"
)

// missingAccountRE reads the account's name out of QuickBooks' 3140 answer
// ("There is an invalid reference to QuickBooks Account "Fees" in the Deposit.").
var missingAccountRE = regexp.MustCompile(`invalid reference to QuickBooks Account "([^"]+)"`)

// missingAccount names the account a 3140 failure refers to, if it is one.
func missingAccount(code, evidence string) (string, bool) {
	if code != "3140" {
		return "", false
	}
	m := missingAccountRE.FindStringSubmatch(evidence)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// explainMissingAccount replaces the generic "do what QuickBooks says" of a
// 3140 on an account with what to do about that account. Re-creating it in
// QuickBooks is the fix recommended first because retry re-sends the
// request as it was planned: a mapping change only affects postings planned
// later, so it cannot rescue the failed ones.
func (s *Service) explainMissingAccount(ctx context.Context, shop *shopqb.Shop, g *FailureGroup, account string) error {
	g.Why = msg("books.failure.why.missing_account", "Account", account, "Code", g.Code)
	var cats []shopqb.Category
	for c, a := range shop.Settings.Mapping {
		if strings.EqualFold(a, account) {
			cats = append(cats, c)
		}
	}
	if len(cats) == 0 {
		g.Fix = msg("books.failure.fix.missing_account_unmapped", "Account", account)
		return nil
	}
	sort.Slice(cats, func(i, j int) bool { return cats[i] < cats[j] })
	typ := shopqb.NewAccountType(cats[0])
	pre, err := s.cfg.QuickBooks.LoadPreflight(ctx, shop.ID)
	if err != nil && !errors.Is(err, shopqb.ErrNotFound) {
		return err
	}
	if pre != nil {
		for _, a := range pre.Accounts {
			if strings.EqualFold(a.FullName, account) {
				typ = a.Type // the type it had when shopqb last read the chart of accounts
				break
			}
		}
	}
	g.Fix = msg("books.failure.fix.missing_account", "Account", account, "Type", setup.AccountType(typ), "Category", setup.CategoryLabel(cats[0]))
	return nil
}
