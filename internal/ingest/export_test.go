package ingest

// SetPlanChunk makes s cut its planner calls at about n orders (planChunk).
func SetPlanChunk(s *Service, n int) { s.planChunk = n }
