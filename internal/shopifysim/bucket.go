package shopifysim

import (
	"math"
	"time"
)

// bucket is Shopify's cost leaky bucket for one app on one shop: it holds up
// to max points, refills at rate points per second, and a query may run only
// when its requested cost is available. After execution the difference
// between requested and actual cost is given back.
type bucket struct {
	max, rate float64
	available float64
	at        time.Time
}

func newBucket(max, rate float64, now time.Time) *bucket {
	return &bucket{max: max, rate: rate, available: max, at: now}
}

func (b *bucket) refill(now time.Time) {
	if now.After(b.at) {
		b.available = math.Min(b.max, b.available+now.Sub(b.at).Seconds()*b.rate)
		b.at = now
	}
}

// take reserves cost points, reporting false (and taking nothing) when the
// bucket holds fewer.
func (b *bucket) take(cost int, now time.Time) bool {
	b.refill(now)
	if float64(cost) > b.available {
		return false
	}
	b.available -= float64(cost)
	return true
}

// refund gives back points reserved but not spent.
func (b *bucket) refund(points int) {
	b.available = math.Min(b.max, b.available+float64(points))
}

// status is extensions.cost.throttleStatus; Shopify reports whole points.
func (b *bucket) status(now time.Time) map[string]any {
	b.refill(now)
	return map[string]any{
		"maximumAvailable":   b.max,
		"currentlyAvailable": math.Floor(b.available),
		"restoreRate":        b.rate,
	}
}
