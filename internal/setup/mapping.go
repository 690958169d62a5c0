package setup

import (
	"context"
	"sort"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// mappingCategories are the rows: every category, plus one clearing account
// per gateway the shop uses (seen in Shopify, or the defaults). Gift cards
// and store credit are no gateways of their own: they draw down their liability.
func mappingCategories(gateways []string, current shopqb.Mapping) []shopqb.Category {
	cats := shopqb.Categories()
	seen := map[shopqb.Category]bool{}
	var clearing []shopqb.Category
	add := func(c shopqb.Category) {
		if _, ok := c.IsClearing(); ok && !seen[c] {
			seen[c] = true
			clearing = append(clearing, c)
		}
	}
	for _, g := range gateways {
		add(shopqb.GatewayCategory(g))
	}
	for _, m := range []shopqb.Mapping{shopqb.DefaultMapping(), current} {
		for c := range m {
			if gw, ok := c.IsClearing(); ok {
				add(shopqb.GatewayCategory(gw))
			}
		}
	}
	sort.Slice(clearing, func(i, j int) bool { return clearing[i] < clearing[j] })
	return append(cats, clearing...)
}

// CategoryLabel names a mapping category in the reader's language (the
// dashboard's failure messages name the category a missing account books).
func CategoryLabel(c shopqb.Category) Message { return categoryLabel(c) }

func categoryLabel(c shopqb.Category) Message {
	if gw, ok := c.IsClearing(); ok {
		return msg("setup.category.clearing", "Gateway", GatewayName(gw))
	}
	return msg("setup.category." + string(c))
}

// GatewayName is a payment gateway as a merchant knows it: Shopify's
// gateway ids ("shopify_payments") are names for programs.
func GatewayName(gw string) string {
	switch gw {
	case "shopify_payments":
		return "Shopify Payments"
	case "paypal":
		return "PayPal"
	}
	words := strings.Fields(strings.ReplaceAll(gw, "_", " "))
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// accountIndex finds the company's accounts by full name, case-insensitively as QuickBooks does.
func accountIndex(pre *syncengine.Preflight) map[string]syncengine.AccountInfo {
	idx := map[string]syncengine.AccountInfo{}
	if pre != nil {
		for _, a := range pre.Accounts {
			idx[strings.ToLower(a.FullName)] = a
		}
	}
	return idx
}

// mappingRows builds the rows for choices, each verified against the company's live accounts.
func (s *Service) mappingRows(shop *shopqb.Shop, pre *syncengine.Preflight, gateways []string, choices shopqb.Mapping) []MappingRow {
	idx := accountIndex(pre)
	defaults := shopqb.DefaultMapping()
	var rows []MappingRow
	for _, c := range mappingCategories(gateways, choices) {
		allowed := shopqb.AllowedAccountTypes(c)
		row := MappingRow{Category: c, Label: categoryLabel(c), AllowedTypes: allowed}
		if pre != nil {
			for _, a := range pre.Accounts {
				if !a.Inactive && shopqb.AccountTypeAllowed(c, a.Type) {
					row.Options = append(row.Options, AccountOption{FullName: a.FullName, Type: a.Type})
				}
			}
		}
		row.Selected = choices[c]
		if row.Selected == "" {
			row.Selected = defaults.Account(c)
		}
		if d := defaults[c]; d != "" {
			if _, exists := idx[strings.ToLower(d)]; !exists {
				row.Options = append(row.Options, AccountOption{FullName: d, Type: shopqb.NewAccountType(c), Create: true})
			}
		}
		if sel := row.Selected; sel != "" && sel != defaults[c] {
			if _, exists := idx[strings.ToLower(sel)]; !exists {
				row.Options = append(row.Options, AccountOption{FullName: sel, Type: shopqb.NewAccountType(c), Create: true})
			}
		}
		if a, exists := idx[strings.ToLower(row.Selected)]; exists && (a.Inactive || !shopqb.AccountTypeAllowed(c, a.Type)) {
			row.Options = append(row.Options, AccountOption{FullName: a.FullName, Type: a.Type, Unsuitable: true})
			row.Selected = a.FullName
		}
		row.Error = checkChoice(c, row.Selected, idx, pre != nil)
		rows = append(rows, row)
	}
	// Two gateways in one clearing account: a payout could not be matched to its deposit.
	byAccount := map[string][]int{}
	for i, r := range rows {
		if _, ok := r.Category.IsClearing(); ok && r.Selected != "" {
			k := strings.ToLower(r.Selected)
			byAccount[k] = append(byAccount[k], i)
		}
	}
	for _, is := range byAccount {
		if len(is) < 2 {
			continue
		}
		for _, i := range is {
			if rows[i].Error == nil {
				other := rows[is[0]].Category
				if other == rows[i].Category {
					other = rows[is[1]].Category
				}
				gw, _ := other.IsClearing()
				rows[i].Error = msgp("setup.mapping.shared_clearing", "Account", rows[i].Selected, "Gateway", gw)
			}
		}
	}
	return rows
}

// checkChoice verifies one category's account against the company.
func checkChoice(c shopqb.Category, name string, idx map[string]syncengine.AccountInfo, known bool) *Message {
	if strings.TrimSpace(name) == "" {
		return msgp("setup.mapping.required")
	}
	if !known {
		return nil // nothing to check against until QuickBooks has answered
	}
	a, exists := idx[strings.ToLower(name)]
	if !exists {
		return nil // shopqb creates it with an allowed type
	}
	if !shopqb.AccountTypeAllowed(c, a.Type) {
		switch c {
		case shopqb.GiftCardLiability, shopqb.StoreCreditLiability, shopqb.TipsPayable, shopqb.SalesTaxPayable:
			return msgp("setup.mapping.wrong_type.liability", "Category", categoryLabel(c), "Account", a.FullName, "Type", AccountType(a.Type))
		}
		return msgp("setup.mapping.wrong_type", "Category", categoryLabel(c), "Account", a.FullName, "Type", AccountType(a.Type),
			"Allowed", AccountTypes(shopqb.AllowedAccountTypes(c)))
	}
	if a.Inactive {
		return msgp("setup.mapping.inactive", "Account", a.FullName)
	}
	return nil
}

func mappingPassed(rows []MappingRow) bool {
	for _, r := range rows {
		if r.Error != nil {
			return false
		}
	}
	return true
}

// Mapping implements Wizard.
func (s *Service) Mapping(ctx context.Context, shopID int64) (*MappingView, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	gateways, err := s.gateways(ctx, shop)
	if err != nil {
		return nil, err
	}
	pre, err := s.preflight(ctx, shopID)
	if err != nil {
		return nil, err
	}
	st, err := s.load(ctx, shopID)
	if err != nil {
		return nil, err
	}
	rows := s.mappingRows(shop, pre, gateways, shop.Settings.Mapping)
	return &MappingView{Rows: rows, Passed: st.MappingSaved && pre != nil && mappingPassed(rows)}, nil
}

// gateways reads the shop's gateways from Shopify, falling back to the
// last ones seen when Shopify cannot be read now.
func (s *Service) gateways(ctx context.Context, shop *shopqb.Shop) ([]string, error) {
	if f, _, err := s.readShopify(ctx, shop); err == nil {
		return f.Gateways, nil
	} else if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	st, err := s.load(ctx, shop.ID)
	if err != nil {
		return nil, err
	}
	return st.Gateways, nil
}

// SaveMapping implements Wizard: all rows or none.
func (s *Service) SaveMapping(ctx context.Context, shopID int64, actor string, choices map[shopqb.Category]string) (*MappingView, error) {
	shop, err := s.cfg.Admin.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	gateways, err := s.gateways(ctx, shop)
	if err != nil {
		return nil, err
	}
	pre, err := s.preflight(ctx, shopID)
	if err != nil {
		return nil, err
	}
	next := shopqb.Mapping{}
	for c, a := range shop.Settings.Mapping {
		next[c] = a
	}
	for c, a := range choices {
		next[c] = strings.TrimSpace(a)
	}
	rows := s.mappingRows(shop, pre, gateways, next)
	// Rows the merchant did not send keep their value; a blank one sent is an error.
	for i := range rows {
		if v, sent := choices[rows[i].Category]; sent && strings.TrimSpace(v) == "" {
			rows[i].Selected, rows[i].Error = "", msgp("setup.mapping.required")
		}
	}
	view := &MappingView{Rows: rows}
	if pre == nil {
		rows[0].Error = msgp("setup.mapping.no_quickbooks")
		return view, nil
	}
	if !mappingPassed(rows) {
		return view, nil
	}
	idx := accountIndex(pre)
	var creates []shopqb.Category
	for _, r := range rows {
		next[r.Category] = r.Selected
		if _, exists := idx[strings.ToLower(r.Selected)]; !exists {
			creates = append(creates, r.Category)
		}
	}
	settings := shop.Settings
	settings.Mapping = next
	if err := s.cfg.Admin.UpdateSettings(ctx, shopID, actor, settings); err != nil {
		return nil, err
	}
	if err := s.update(ctx, shopID, func(st *state) { st.MappingSaved, st.Creates = true, creates }); err != nil {
		return nil, err
	}
	view.Passed = true
	return view, nil
}
