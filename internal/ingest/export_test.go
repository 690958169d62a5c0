package ingest

// SetPlanChunk makes s cut its planner calls at about orders orders
// (planChunk) and transactions balance transactions (payoutChunk); with
// scanDays, a first plan with day postings finds its days by walking every
// snapshot, as later runs do, instead of by the snapshot index.
func SetPlanChunk(s *Service, orders, transactions int, scanDays bool) {
	s.planChunk, s.payoutChunk, s.scanDays = orders, transactions, scanDays
}

// SawCalls makes s tell fn each planner call of orders it makes: the
// orders' GIDs, the days whose summaries it plans, and whether the next
// call plans more of its one day.
func SawCalls(s *Service, fn func(gids []string, days []string, more bool)) {
	s.sawCall = fn
}
