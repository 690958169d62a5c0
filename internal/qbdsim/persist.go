package qbdsim

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Save writes the company to a JSON file (atomically, via a temporary file)
// so a deployment can be tested across runs.
func (c *Company) Save(path string) error {
	c.mu.Lock()
	b, err := json.MarshalIndent(c.st, "", " ")
	c.mu.Unlock()
	if err != nil {
		return fmt.Errorf("save company %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".qbdsim-*")
	if err != nil {
		return fmt.Errorf("save company %s: %w", path, err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("save company %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save company %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save company %s: %w", path, err)
	}
	return nil
}

// LoadCompany reads a company written by Save. The clock is time.Now; set
// another with SetClock.
func LoadCompany(path string) (*Company, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load company %s: %w", path, err)
	}
	st := &state{}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("load company %s: %w", path, err)
	}
	if st.MsgSets == nil {
		st.MsgSets = map[string]string{}
	}
	if st.Special == nil || st.Special["AR"] == "" {
		return nil, fmt.Errorf("load company %s: not a simulator company file (no chart of accounts)", path)
	}
	st.reindex()
	return &Company{st: st, now: time.Now, iters: map[string]*iterator{}}, nil
}

// SetClock replaces the company clock (tests and demos use a fixed one).
func (c *Company) SetClock(now func() time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now == nil {
		now = time.Now
	}
	c.now = now
}
