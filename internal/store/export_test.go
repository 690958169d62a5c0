package store

// SetNotDoneAtMost lets a test take DoneLedgerByDay's joined path.
func SetNotDoneAtMost(n int) (restore func()) {
	old := notDoneAtMost
	notDoneAtMost = n
	return func() { notDoneAtMost = old }
}

// SnapshotPageBytes is how much JSON one page of EachLatestSnapshot holds.
const SnapshotPageBytes = snapshotPageBytes

// LeaseLockSpace is the text behind the first key of a shop's PostgreSQL
// sync lock (with the schema's name).
const LeaseLockSpace = leaseLockSpace
