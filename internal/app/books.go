package app

import (
	"context"

	"github.com/shopqb/shopqb/internal/dashboard"
	"github.com/shopqb/shopqb/internal/ingest"
	"github.com/shopqb/shopqb/internal/planner"
)

// Books returns the service behind the pages after the start (issue 11)
// over this App's store, shop administration and engine; the reading
// pipeline re-syncs a date range (dashboard.RangeSyncer).
func (a *App) Books() (*dashboard.Service, error) {
	return dashboard.New(dashboard.Config{
		Store:      a.Store,
		Admin:      a.Admin,
		QuickBooks: a.Engine,
		Company: func(ctx context.Context, shopID int64) (planner.Company, error) {
			pre, err := a.Engine.LoadPreflight(ctx, shopID)
			if err != nil {
				return planner.Company{}, err
			}
			return ingest.CompanyOf(pre), nil
		},
		EnqueueSync: a.EnqueueSync,
		Ranges:      a.Ingest,
		Now:         a.cfg.Now,
	})
}
