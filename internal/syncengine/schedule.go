package syncengine

import (
	"github.com/shopqb/shopqb"

	"context"
	"errors"
	"time"
)

// Tick runs the syncs that are due: each started shop on a daily schedule
// whose last sync began before today's (or yesterday's) scheduled time. The
// River periodic job calls it every minute; the Web Connector's 15-minute
// poll then drains the outbox, so a due sync reaches QuickBooks within 15 minutes.
func (e *Engine) Tick(ctx context.Context) error {
	shops, err := e.store.ListShops(ctx)
	if err != nil {
		return err
	}
	now := e.now()
	var errs []error
	for _, s := range shops {
		if s.StartedAt == nil || s.Settings.Schedule == "" || s.Settings.Schedule == "manual" {
			continue
		}
		due, err := e.scheduledAt(s.Settings.Schedule, s.TimeZone, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		last, err := e.lastRealRun(ctx, s.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if last != nil && !last.StartedAt.Before(due) {
			continue
		}
		if _, err := e.Sync(ctx, s.ID, shopqb.TriggerSchedule); err != nil {
			e.log.Error("scheduled sync", "shop", s.Domain, "err", err)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// scheduledAt is the latest "daily HH:MM" moment at or before now in the zone.
func (e *Engine) scheduledAt(schedule, zone string, now time.Time) (time.Time, error) {
	h, m, err := parseDaily(schedule)
	if err != nil {
		return time.Time{}, err
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	local := now.In(loc)
	at := time.Date(local.Year(), local.Month(), local.Day(), h, m, 0, 0, loc)
	if at.After(now) {
		at = at.AddDate(0, 0, -1)
	}
	return at, nil
}

// lastRealRun is the newest sync run that read and posted, ignoring the
// start's dry check.
func (e *Engine) lastRealRun(ctx context.Context, shopID int64) (*shopqb.SyncRun, error) {
	runs, err := e.store.SyncRuns(ctx, shopID, 10)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		if r.Status != shopqb.RunChecked {
			return r, nil
		}
	}
	return nil, nil
}
