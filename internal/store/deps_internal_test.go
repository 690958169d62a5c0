package store

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestDecodeDeps: the direct split of a deps column gives what
// encoding/json gives, for every key encodeDeps can write, and malformed
// columns are still refused.
func TestDecodeDeps(t *testing.T) {
	for _, deps := range [][]string{
		nil,
		{"customer:1"},
		{"customer:1", "item:sku-2", "order:3:sale"},
		{`quote"d`, `back\slash`, "tab\there", "new\nline", "<html>&", "comma,inside", "", "ünïcødé", "bad\xffutf8"},
		{"", ""},
		{"item:Blue Shirt (Large)", "customer:Ann Lee"},
	} {
		col, err := encodeDeps(deps)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		if err := json.Unmarshal([]byte(col), &want); err != nil {
			t.Fatal(err)
		}
		got, err := decodeDeps(col)
		if err != nil || !slices.Equal(got, want) || got == nil {
			t.Errorf("decodeDeps(%s) = %q, %v; want %q", col, got, err, want)
		}
	}
	// Space between the elements is JSON too, if not encodeDeps' own.
	if got, err := decodeDeps(`[ "a" , "b c" ]`); err != nil || !slices.Equal(got, []string{"a", "b c"}) {
		t.Errorf("spaced column = %q, %v", got, err)
	}
	for _, bad := range []string{"", "[", `["a"`, `["a",]`, `["a" "b"]`, `[1]`, `{"a":1}`, `["a"]x`} {
		if got, err := decodeDeps(bad); err == nil {
			t.Errorf("decodeDeps(%q) = %q, want an error", bad, got)
		}
	}
}
