package shopadmin

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/shopqb/shopqb"
)

// UpdateSettings replaces a shop's settings after validating them. After the
// start, the start date and the modes are locked (shopqb.ErrSettingsLocked):
// changing them would double-count. Mapping changes apply to new postings
// only and are audited one category at a time.
func (s *Service) UpdateSettings(ctx context.Context, shopID int64, actor string, next shopqb.Settings) error {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return err
	}
	cur := shop.Settings
	if shop.StartedAt != nil && (next.StartDate != cur.StartDate || next.SalesMode != cur.SalesMode ||
		next.CustomersMode != cur.CustomersMode || next.InventoryMode != cur.InventoryMode || next.VendorsMode != cur.VendorsMode) {
		return shopqb.ErrSettingsLocked
	}
	if err := next.Validate(); err != nil {
		return err
	}
	// A changed mapping is checked against the company's accounts here, so
	// the API and the command line refuse what the wizard refuses. Mappings
	// left as they were are checked again at the start, not here: an
	// account retyped in QuickBooks since must not block saving a schedule.
	accounts, err := s.accounts(ctx, shopID)
	if err != nil {
		return err
	}
	if ps := mappingProblems(next.Mapping, accounts, mappingDiff(cur.Mapping, next.Mapping)); len(ps) > 0 {
		return &shopqb.Error{Code: shopqb.EInvalid, Message: "mapping: " + strings.Join(shopqb.StartProblemTexts(ps), "; ")}
	}
	if next.StartDate != cur.StartDate {
		if s.pipeline == nil {
			return errNoPipeline
		}
		// What was read for the old start date may not reach back far
		// enough: read from the new one.
		if err := s.pipeline.Rewind(ctx, shopID); err != nil {
			return fmt.Errorf("read %s again from its new start date: %w", shop.Domain, err)
		}
	}
	shop.Settings = next
	if err := s.store.UpdateShop(ctx, shop); err != nil {
		return fmt.Errorf("save the settings of %s: %w", shop.Domain, err)
	}
	if shop.StartedAt != nil {
		for _, c := range mappingDiff(cur.Mapping, next.Mapping) {
			s.audit(ctx, shopID, actor, "mapping_changed", fmt.Sprintf("%s: %q → %q (new postings only)", c, cur.Mapping[c], next.Mapping[c]))
		}
	}
	return nil
}

// mappingDiff lists the categories whose account differs, in order.
func mappingDiff(a, b shopqb.Mapping) []shopqb.Category {
	var out []shopqb.Category
	for k := range a {
		if a[k] != b[k] {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok && b[k] != "" {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// accounts are the company's accounts as the Web Connector's last visit
// read them; nil before the first visit, when there is nothing to check a
// mapping against.
func (s *Service) accounts(ctx context.Context, shopID int64) (map[string]shopqb.Account, error) {
	if s.pipeline == nil {
		return nil, nil
	}
	as, err := s.pipeline.Accounts(ctx, shopID)
	if errors.Is(err, shopqb.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the company's accounts: %w", err)
	}
	return shopqb.AccountIndex(as), nil
}

// mappingProblems checks the mapping of cats against the company's accounts.
func mappingProblems(m shopqb.Mapping, accounts map[string]shopqb.Account, cats []shopqb.Category) []shopqb.StartProblem {
	if accounts == nil {
		return nil
	}
	var out []shopqb.StartProblem
	for _, c := range cats {
		if p := shopqb.MappingProblem(c, m[c], accounts); p != nil {
			out = append(out, *p)
		}
	}
	return out
}

// mappedCategories are the categories m maps, in the order the merchant is
// asked about them, then the clearing accounts.
func mappedCategories(m shopqb.Mapping) []shopqb.Category {
	var cats []shopqb.Category
	seen := map[shopqb.Category]bool{}
	for _, c := range shopqb.Categories() {
		seen[c] = true
		if m[c] != "" {
			cats = append(cats, c)
		}
	}
	var rest []shopqb.Category
	for c := range m {
		if !seen[c] {
			rest = append(rest, c)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i] < rest[j] })
	return append(cats, rest...)
}
