package webauth

import (
	"context"
	"fmt"
	"time"
)

// Login rate limit. Failed logins are rows in the database, so the limit
// holds however many shopqb processes serve the login page. Each attempt
// first waits a delay that doubles with every recent failure of the account
// or the address (so guessing slows to a crawl while a person who mistyped
// waits a quarter of a second), and past a ceiling the attempt is refused
// outright until the oldest counted failure ages out of the window.
const (
	loginWindow        = 15 * time.Minute
	maxAccountFailures = 10
	maxAddressFailures = 50
	firstLoginDelay    = 250 * time.Millisecond
	maxLoginDelay      = 8 * time.Second
)

// RateLimitError refuses a login without looking at the password.
type RateLimitError struct {
	RetryAfter time.Duration
}

// Seconds is RetryAfter rounded up to whole seconds, for the page.
func (e *RateLimitError) Seconds() int {
	s := int((e.RetryAfter + time.Second - 1) / time.Second)
	return max(s, 1)
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("too many attempts, try again in %d s", e.Seconds())
}

// loginDelay is the wait before an attempt after n recent failures.
func loginDelay(n int) time.Duration {
	if n <= 0 {
		return 0
	}
	d := firstLoginDelay
	for i := 1; i < n && d < maxLoginDelay; i++ {
		d *= 2
	}
	return min(d, maxLoginDelay)
}

// limiter applies the login rate limit.
type limiter struct {
	store Store
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

func accountKey(email string) string { return "email:" + email }
func addressKey(ip string) string    { return "ip:" + ip }

// before refuses the attempt, or waits the delay the failures call for.
func (l *limiter) before(ctx context.Context, email, ip string) error {
	now := l.now()
	since := now.Add(-loginWindow)
	nAcct, oldestAcct, err := l.store.LoginFailuresSince(ctx, accountKey(email), since)
	if err != nil {
		return err
	}
	nAddr, oldestAddr, err := l.store.LoginFailuresSince(ctx, addressKey(ip), since)
	if err != nil {
		return err
	}
	switch {
	case nAcct >= maxAccountFailures:
		return &RateLimitError{RetryAfter: oldestAcct.Add(loginWindow).Sub(now)}
	case nAddr >= maxAddressFailures:
		return &RateLimitError{RetryAfter: oldestAddr.Add(loginWindow).Sub(now)}
	}
	if d := loginDelay(max(nAcct, nAddr)); d > 0 {
		return l.sleep(ctx, d)
	}
	return nil
}

func (l *limiter) failed(ctx context.Context, email, ip string) error {
	return l.store.RecordLoginFailure(ctx, l.now(), accountKey(email), addressKey(ip))
}

func (l *limiter) succeeded(ctx context.Context, email string) error {
	return l.store.ClearLoginFailures(ctx, accountKey(email))
}

// sleepContext waits d or until ctx is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
