package dashboard

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/shopqb/shopqb"
)

// Resync implements Books: the pipeline reads the days again and plans what
// it finds; a posting's key is stable, so what the outbox holds is not
// planned twice and only what QuickBooks lacks is added.
func (s *Service) Resync(ctx context.Context, shopID int64, actor, from, to string) (*ResyncView, error) {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	if shop.StartedAt == nil {
		return nil, shopqb.Errorf(shopqb.EConflict, "shop %s is not started: finish the setup first", shop.Domain)
	}
	if s.cfg.Ranges == nil {
		return nil, shopqb.Errorf(shopqb.EUnavailable, "this server cannot re-read a date range")
	}
	f, t, err := s.rangeOf(shop, from, to)
	if err != nil {
		return nil, err
	}
	run, err := s.cfg.Ranges.SyncRange(ctx, shopID, f, t, shopqb.TriggerResync)
	if err != nil {
		return nil, err
	}
	v := &ResyncView{From: from, To: to, OrdersRead: run.Counts["orders_read"], New: run.Counts["postings_new"], Updated: run.Counts["postings_updated"]}
	v.Unchanged = max(run.Counts["postings_planned"]-v.New-v.Updated, 0)
	if v.New == 0 {
		v.Status = msg("books.resync.nothing", "Orders", v.OrdersRead)
	} else {
		v.Status = msg("books.resync.added", "Orders", v.OrdersRead, "New", v.New)
	}
	return v, nil
}

// Settings implements Books.
func (s *Service) Settings(ctx context.Context, shopID int64) (*SettingsView, error) {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	v := &SettingsView{Settings: shop.Settings, Editable: []string{"mapping", "schedule"},
		ResetHow: msg("books.settings.reset", "Command", "shopqb admin reset --shop "+shop.Domain)}
	if shop.StartedAt != nil {
		since := *shop.StartedAt
		set := shop.Settings
		for _, f := range []struct{ field, value string }{
			{"startDate", set.StartDate}, {"salesMode", string(set.SalesMode)}, {"customersMode", string(set.CustomersMode)},
			{"inventoryMode", string(set.InventoryMode)}, {"vendorsMode", string(set.VendorsMode)},
			{"classPerLocation", strconv.FormatBool(set.ClassPerLocation)},
		} {
			v.Locked = append(v.Locked, LockedField{Field: f.field, Value: f.value, Why: msg("books.settings.locked", "Since", since)})
		}
	}
	audit, err := s.cfg.Store.Audit(ctx, shopID, 50)
	if err != nil {
		return nil, err
	}
	for _, a := range audit {
		v.Audit = append(v.Audit, AuditRow{At: a.At, Actor: a.Actor, Action: a.Action, Detail: a.Detail})
	}
	return v, nil
}

// SaveMapping implements Books through shop administration, which
// validates the mapping and audits the change.
func (s *Service) SaveMapping(ctx context.Context, shopID int64, actor string, m shopqb.Mapping) (*SettingsView, error) {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	next := shop.Settings
	next.Mapping = shopqb.Mapping{}
	for c, a := range shop.Settings.Mapping {
		next.Mapping[c] = a
	}
	for c, a := range m {
		next.Mapping[c] = strings.TrimSpace(a)
	}
	if err := s.cfg.Admin.UpdateSettings(ctx, shopID, actor, next); err != nil {
		return nil, err
	}
	return s.Settings(ctx, shopID)
}

// SaveSchedule implements Books.
func (s *Service) SaveSchedule(ctx context.Context, shopID int64, actor, schedule string) (*SettingsView, error) {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	next := shop.Settings
	next.Schedule = strings.TrimSpace(schedule)
	if err := s.cfg.Admin.UpdateSettings(ctx, shopID, actor, next); err != nil {
		return nil, err
	}
	return s.Settings(ctx, shopID)
}

// Shops implements Books: a page of shops by id, each with its health from
// indexed counts.
func (s *Service) Shops(ctx context.Context, search, cursor string, limit int) (*ShopsPage, error) {
	after, err := cursorID(cursor)
	if err != nil {
		return nil, err
	}
	limit = pageSize(limit, 50)
	shops, err := s.cfg.Store.ShopsPage(ctx, search, after, limit+1)
	if err != nil {
		return nil, err
	}
	page := &ShopsPage{}
	if len(shops) > limit {
		shops = shops[:limit]
		page.Next = strconv.FormatInt(shops[limit-1].ID, 10)
	}
	for _, shop := range shops {
		h := ShopHealth{ID: shop.ID, Domain: shop.Domain, Name: shop.Name, Started: shop.StartedAt != nil}
		conn, err := s.connection(ctx, shop.ID)
		if err != nil {
			return nil, err
		}
		h.Health, h.LastContact = conn.Health, conn.LastContact
		counts, err := s.cfg.Store.CountPostingsIn(ctx, shop.ID, shopqb.Failed, shopqb.InDoubt)
		if err != nil {
			return nil, err
		}
		h.Failed, h.InDoubt = counts[shopqb.Failed], counts[shopqb.InDoubt]
		if (h.Failed > 0 || h.InDoubt > 0) && h.Health == Green {
			h.Health = Amber
		}
		runs, err := s.cfg.Store.SyncRunsBefore(ctx, shop.ID, 0, 1)
		if err != nil && !errors.Is(err, shopqb.ErrNotFound) {
			return nil, err
		}
		if len(runs) > 0 {
			r := runView(runs[0])
			h.LastSync = &r
		}
		page.Shops = append(page.Shops, h)
	}
	return page, nil
}
