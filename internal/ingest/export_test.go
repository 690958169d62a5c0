package ingest

// SetPlanChunk makes s cut its planner calls at about orders orders
// (planChunk) and transactions balance transactions (payoutChunk).
func SetPlanChunk(s *Service, orders, transactions int) {
	s.planChunk, s.payoutChunk = orders, transactions
}
