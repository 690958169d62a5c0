package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
)

// DueSchedules lists the started shops whose daily sync is due: on a
// "daily HH:MM" schedule, whose last real run began before today's (or,
// before that time of day, yesterday's) scheduled moment in the shop's zone.
// The once-a-minute tick enqueues a sync job for each; the Web Connector's
// 15-minute poll then drains the outbox, so a due sync reaches QuickBooks
// within 15 minutes.
func (s *Service) DueSchedules(ctx context.Context) ([]int64, error) {
	shops, err := s.store.ListShops(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var due []int64
	var errs []error
	for _, shop := range shops {
		if shop.StartedAt == nil || shop.Settings.Schedule == "" || shop.Settings.Schedule == "manual" {
			continue
		}
		at, err := scheduledAt(shop.Settings.Schedule, shop.TimeZone, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("shop %s: %w", shop.Domain, err))
			continue
		}
		last, err := s.lastRealRun(ctx, shop.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if last == nil || last.StartedAt.Before(at) {
			due = append(due, shop.ID)
		}
	}
	return due, errors.Join(errs...)
}

// scheduledAt is the latest "daily HH:MM" moment at or before now in the zone.
func scheduledAt(schedule, zone string, now time.Time) (time.Time, error) {
	h, m, err := shopqb.ParseDailySchedule(schedule)
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
// start's check.
func (s *Service) lastRealRun(ctx context.Context, shopID int64) (*shopqb.SyncRun, error) {
	runs, err := s.store.SyncRuns(ctx, shopID, 10)
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
