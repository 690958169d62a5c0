package secret

import (
	"regexp"
	"strings"
	"testing"
)

var appTokenShape = regexp.MustCompile(`^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$`)

func TestNewAppToken(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		tok, hash := NewAppToken()
		if !appTokenShape.MatchString(tok) {
			t.Fatalf("token %q is not 8 dash-separated groups of base32", tok)
		}
		if seen[tok] {
			t.Fatalf("token repeated: %s", tok)
		}
		seen[tok] = true
		if len(hash) != 32 {
			t.Fatalf("hash is %d bytes", len(hash))
		}
		if strings.Contains(string(hash), tok) {
			t.Fatal("hash contains the token")
		}
		if !CheckAppToken(hash, tok) {
			t.Fatalf("fresh token %s does not check", tok)
		}
	}
}

func TestCheckAppToken(t *testing.T) {
	tok, hash := NewAppToken()
	other, _ := NewAppToken()
	flipped := []byte(tok)
	if flipped[0] == 'A' {
		flipped[0] = 'B'
	} else {
		flipped[0] = 'A'
	}
	tests := []struct {
		name  string
		hash  []byte
		token string
		want  bool
	}{
		{"exact", hash, tok, true},
		{"lower case", hash, strings.ToLower(tok), true},
		{"without dashes", hash, strings.ReplaceAll(tok, "-", ""), true},
		{"pasted with spaces and newline", hash, "  " + tok + "\r\n", true},
		{"another token", hash, other, false},
		{"one character changed", hash, string(flipped), false},
		{"prefix only", hash, tok[:len(tok)-1], false},
		{"empty", hash, "", false},
		{"only dashes", HashAppToken(""), "---", false},
		{"truncated hash", hash[:31], tok, false},
		{"nil hash", nil, tok, false},
	}
	for _, tc := range tests {
		if got := CheckAppToken(tc.hash, tc.token); got != tc.want {
			t.Errorf("%s: CheckAppToken = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestNewTicket(t *testing.T) {
	shape := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	// Every hex position must vary: no bits are fixed (all 128 are random).
	varies := make([]map[byte]bool, 36)
	for i := range varies {
		varies[i] = map[byte]bool{}
	}
	for i := 0; i < 2000; i++ {
		tk := NewTicket()
		if !shape.MatchString(tk) {
			t.Fatalf("ticket %q is not GUID-shaped", tk)
		}
		if seen[tk] {
			t.Fatalf("ticket repeated: %s", tk)
		}
		seen[tk] = true
		for j := 0; j < len(tk); j++ {
			varies[j][tk[j]] = true
		}
	}
	for j, set := range varies {
		if j == 8 || j == 13 || j == 18 || j == 23 {
			continue
		}
		if len(set) < 16 {
			t.Fatalf("position %d took only %d values in 2000 tickets; bits are fixed", j, len(set))
		}
	}
}
