package shopifysim

import (
	"maps"
	"net/http"
	"strconv"
	"time"
)

// ModelledWaitHeader carries, on a request, how long the client has waited
// so far on a modelled clock (nanoseconds, decimal): a benchmark's client
// does not sleep for the cost bucket but adds the wait to its clock, and the
// simulator's bucket refills over the same modelled time. Without the
// header the bucket runs on the wall clock alone.
const ModelledWaitHeader = "X-Shopqb-Modelled-Wait"

// Stats is what the simulator counted of the Admin API traffic: what a
// real store would have charged the app.
type Stats struct {
	// Requests is every GraphQL request answered, refused ones included.
	Requests int `json:"requests"`
	// RequestedPoints and ActualPoints sum extensions.cost over the
	// requests that ran; the bucket is charged the actual cost.
	RequestedPoints int `json:"requestedPoints"`
	ActualPoints    int `json:"actualPoints"`
	// Throttled counts requests refused because the bucket was short;
	// OverMaxCost those refused for asking more than 1000 points.
	Throttled   int `json:"throttled"`
	OverMaxCost int `json:"overMaxCost"`
	// BulkOperations counts bulk query operations started.
	BulkOperations int `json:"bulkOperations"`
	// ModelledWaitSeconds is the longest modelled wait a client reported.
	ModelledWaitSeconds float64 `json:"modelledWaitSeconds"`
	// ByOperation splits the counts by GraphQL operation name (an
	// anonymous operation counts under ""), so a benchmark can show which
	// reads grow with the shop.
	ByOperation map[string]OperationStats `json:"byOperation,omitempty"`
}

// OperationStats is the traffic of one named operation.
type OperationStats struct {
	Requests        int `json:"requests"`
	RequestedPoints int `json:"requestedPoints"`
	ActualPoints    int `json:"actualPoints"`
	// Refused counts requests refused for cost, throttled or over the cap.
	Refused int `json:"refused"`
}

// countOperation adds one request of the named operation. The caller
// holds s.mu.
func (s *Sim) countOperation(name string, requested, actual int, refused bool) {
	if s.stats.ByOperation == nil {
		s.stats.ByOperation = map[string]OperationStats{}
	}
	o := s.stats.ByOperation[name]
	o.Requests++
	o.RequestedPoints += requested
	o.ActualPoints += actual
	if refused {
		o.Refused++
	}
	s.stats.ByOperation[name] = o
}

// Stats returns the traffic counted so far.
func (s *Sim) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.ByOperation = maps.Clone(s.stats.ByOperation)
	st.ModelledWaitSeconds = s.modelledWait.Seconds()
	return st
}

// serveStats answers GET /sim/stats: the simulator's own counters, for the
// benchmark that drives it (real Shopify has no such endpoint).
func (s *Sim) serveStats(w http.ResponseWriter, r *http.Request) {
	if !s.authenticated(r) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"errors": "unauthenticated"})
		return
	}
	writeJSON(w, http.StatusOK, s.Stats())
}

// noteModelledWait advances the bucket's clock by the client's modelled
// waits (never backwards).
func (s *Sim) noteModelledWait(r *http.Request) {
	v := r.Header.Get(ModelledWaitHeader)
	if v == "" {
		return
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return
	}
	s.mu.Lock()
	if d := time.Duration(n); d > s.modelledWait {
		s.modelledWait = d
	}
	s.mu.Unlock()
}

// bucketNow is the cost bucket's clock: the wall clock plus the client's
// modelled waits. The caller holds s.mu.
func (s *Sim) bucketNow() time.Time { return s.now().Add(s.modelledWait) }
