package shopadmin

import (
	"context"
	"fmt"
	"sort"

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
