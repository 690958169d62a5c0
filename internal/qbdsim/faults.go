package qbdsim

import (
	"math/rand/v2"
	"time"
)

// Faults makes the simulated QuickBooks and Web Connector misbehave the way
// real ones do. Rates are probabilities in [0,1]; the same Seed and the same
// sequence of calls give the same faults, so a failing test can be replayed.
type Faults struct {
	Seed int64
	// LoseResponseRate: QuickBooks commits a request but the Web Connector
	// never delivers the response (it dies or the HTTP call fails).
	LoseResponseRate float64
	// ConnectionErrorRate: the Web Connector cannot open QuickBooks.
	ConnectionErrorRate float64
	// BusyRate: ProcessRequest fails with an HRESULT (a modal dialog is open).
	BusyRate float64
	// LockErrorRate: a write answers a record-lock status (3170/3175/3176/3180).
	LockErrorRate float64
	// PerRequestLatency and PerRoundTripLatency model QuickBooks' speed.
	PerRequestLatency   time.Duration
	PerRoundTripLatency time.Duration
	// Sleep makes the latencies real; otherwise they only add to ModelledTime.
	Sleep bool
}

type faultState struct {
	cfg     Faults
	rng     *rand.Rand
	modeled time.Duration
}

// SetFaults installs a fault profile and restarts its random sequence.
func (c *Company) SetFaults(f Faults) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fault = faultState{cfg: f, rng: rand.New(rand.NewPCG(uint64(f.Seed), uint64(f.Seed)^0x9e3779b97f4a7c15))}
}

// ModelledTime is the total time QuickBooks spent per the latency model.
func (c *Company) ModelledTime() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fault.modeled
}

// draw reports whether a fault with probability p happens now.
func (f *faultState) draw(p float64) bool {
	if p <= 0 || f.rng == nil {
		return false
	}
	return f.rng.Float64() < p
}

func (f *faultState) account(d time.Duration) {
	if d <= 0 {
		return
	}
	f.modeled += d
	if f.cfg.Sleep {
		time.Sleep(d)
	}
}

// lockError picks one of the record-lock statuses QuickBooks answers when a
// record or list is in use (qbd.md §5.1).
func (f *faultState) lockError(request string) *statusError {
	switch f.rng.IntN(4) {
	case 0:
		return stErr(stModifyError, "There was an error when modifying a %s.  QuickBooks error message: This list has been modified by another user.", request)
	case 1:
		return stErr(stSaveError, "There was an error when saving a %s.  QuickBooks error message: Cannot be saved because the internals could not be locked.", request)
	case 2:
		return stErr(stInUse, "There was an error when saving a %s.  QuickBooks error message: The list element is in use by another user.", request)
	}
	return stErr(stGeneralSave, "There was an error when saving a %s.  QuickBooks error message: Failed to acquire the lock.", request)
}

// drawFault is the Web Connector's access to the company's fault sequence.
func (c *Company) drawFault(kind string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch kind {
	case "lose":
		return c.fault.draw(c.fault.cfg.LoseResponseRate)
	case "connection":
		return c.fault.draw(c.fault.cfg.ConnectionErrorRate)
	}
	return false
}
