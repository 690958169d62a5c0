package shopifysim

import (
	"encoding/json"
	"maps"
	"testing"
)

// TestSplitObjectMatchesUnmarshal checks the fast top-level splitter against
// encoding/json on generated orders and on awkward strings.
func TestSplitObjectMatchesUnmarshal(t *testing.T) {
	inputs := [][]byte{
		[]byte(`{"a":"x\"}{,","b":[1,{"c":"]"}],"d":null,"e":-1.5e3,"f":{"g":true},"h":"\\"}`),
		[]byte(`{}`),
	}
	for _, o := range Generate(genOpts(5, 40)).Orders {
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, b)
	}
	for _, b := range inputs {
		got, err := splitObject(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		var want map[string]json.RawMessage
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if !maps.EqualFunc(got, want, func(a, b json.RawMessage) bool { return string(a) == string(b) }) {
			t.Fatalf("split %s:\n got %v\nwant %v", b, got, want)
		}
	}
	for _, bad := range []string{``, `[]`, `{"a"}`, `{"a":}`, `{"a":"x}`, `{"a":[1}`} {
		if _, err := splitObject([]byte(bad)); err == nil {
			t.Errorf("splitObject(%q) accepted bad input", bad)
		}
	}
}
