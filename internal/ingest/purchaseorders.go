package ingest

import (
	"context"
	"fmt"

	"github.com/shopqb/shopqb/internal/shopify"
)

// ImportPurchaseOrders stores purchase orders from an archive (a Stocky
// export) as snapshots; the next sync books them with the others.
func (s *Service) ImportPurchaseOrders(ctx context.Context, shopID int64, pos []shopify.PurchaseOrder) (int, error) {
	n := 0
	for i := range pos {
		ins, err := s.putSnapshot(ctx, shopID, "purchase_order", pos[i].ID, pos[i].UpdatedAt, &pos[i])
		if err != nil {
			return n, err
		}
		if ins {
			n++
		}
	}
	_ = s.store.AddAudit(ctx, shopID, "admin", "purchase_orders_imported", fmt.Sprintf("%d new of %d", n, len(pos)))
	return n, nil
}
