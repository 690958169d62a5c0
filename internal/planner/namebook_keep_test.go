package planner

import (
	"maps"
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
)

// keyCountingNames counts the reads of each key.
type keyCountingNames struct {
	names MapNames
	reads map[string]int
}

func (c *keyCountingNames) Each(fn func(key, name string) error) error { return c.names.Each(fn) }

func (c *keyCountingNames) Name(key string) (string, bool, error) {
	c.reads[key]++
	n, ok := c.names[key]
	return n, ok, nil
}

func (c *keyCountingNames) Holders(folded string) ([]string, error) { return c.names.Holders(folded) }

// TestNameBookKeepsListNamesAcrossCalls: planning a shop again in many
// calls with one book reads each list record's name from the source once,
// not once a call, and gives the names the book held before; a name a plan
// changes is the changed one from then on.
func TestNameBookKeepsListNamesAcrossCalls(t *testing.T) {
	in := genInput(11, shopqb.Detail, shopqb.Detail, shopqb.Detail, shopqb.Summary, false)
	src := &keyCountingNames{names: MapNames{}, reads: map[string]int{}}
	planAll := func(book *NameBook) {
		t.Helper()
		for _, part := range inParts(in, 2) {
			part.Book = book
			plan, err := Build(part)
			if err != nil {
				t.Fatal(err)
			}
			book.Add(plan.Names)
			maps.Copy(src.names, book.TakeAdded())
		}
	}
	first, err := NewNameBook(src)
	if err != nil {
		t.Fatal(err)
	}
	planAll(first)
	stored := maps.Clone(src.names)
	again, err := NewNameBook(src)
	if err != nil {
		t.Fatal(err)
	}
	src.reads = map[string]int{}
	planAll(again)
	if !maps.Equal(stored, src.names) {
		t.Fatalf("planning again changed the names: %d before, %d after", len(stored), len(src.names))
	}
	lists := 0
	for k, n := range src.reads {
		if strings.HasPrefix(k, "refnumber:") {
			continue
		}
		lists++
		if n > 1 {
			t.Errorf("%s read %d times", k, n)
		}
	}
	if lists < 5 {
		t.Fatalf("only %d list records read: nothing compared", lists)
	}

	// A kept name the plans then change is the new one.
	var key string
	for k := range src.reads {
		if strings.HasPrefix(k, "customer:") || strings.HasPrefix(k, "item:") {
			key = k
			break
		}
	}
	if _, ok := again.earlier(key); !ok {
		t.Fatalf("%s is not kept", key)
	}
	again.Add(map[string]string{key: "Renamed Record"})
	maps.Copy(src.names, again.TakeAdded())
	src.reads = map[string]int{}
	if n, _ := again.earlier(key); n != "Renamed Record" {
		t.Errorf("%s is %q after it was renamed", key, n)
	}
}
