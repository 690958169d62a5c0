package store

import "testing"

// Migration numbers must run 1, 2, 3, … with no gap: parallel work that picks
// its own number shows up here instead of as a surprise in a deployment.
func TestMigrationNumbersAreContiguous(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.version != i+1 {
			t.Fatalf("migration %s has version %d, want %d: number migrations contiguously", m.name, m.version, i+1)
		}
	}
}
