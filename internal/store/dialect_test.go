package store

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRebind(t *testing.T) {
	cases := map[string]string{
		"SELECT 1":              "SELECT 1",
		"a = ? AND b IN (?, ?)": "a = $1 AND b IN ($2, $3)",
		"x = '?' AND y = ?":     "x = '?' AND y = $1",
		"x = 'it''s ?' AND y = ? AND z = '?' OR ?": "x = 'it''s ?' AND y = $1 AND z = '?' OR $2",
	}
	for in, want := range cases {
		if got := postgresDialect.q(in); got != want {
			t.Errorf("q(%q) = %q, want %q", in, got, want)
		}
		if got := sqliteDialect.q(in); got != in {
			t.Errorf("SQLite q(%q) = %q, want it unchanged", in, got)
		}
	}
}

var (
	dollarN        = regexp.MustCompile(`\$[0-9]+`)
	digitAfterMark = regexp.MustCompile(`\?[0-9]`)
)

// FuzzRebind checks that rebinding only ever turns unquoted `?` into
// consecutive $n: turning them back gives the input.
func FuzzRebind(f *testing.F) {
	for _, s := range []string{"", "?", "a = ? AND b = '?'", "''?'?'?", "$1 ?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if strings.Contains(in, "$") || digitAfterMark.MatchString(in) {
			return // the reverse mapping below would be ambiguous ("?0" → "$10")
		}
		out := postgresDialect.q(in)
		n := 0
		back := dollarN.ReplaceAllStringFunc(out, func(m string) string {
			n++
			if m != "$"+strconv.Itoa(n) {
				t.Fatalf("q(%q) = %q: placeholder %s out of order", in, out, m)
			}
			return "?"
		})
		if back != in {
			t.Fatalf("q(%q) = %q, which does not map back", in, out)
		}
	})
}

func TestParseURL(t *testing.T) {
	cases := []struct {
		in, driver, prefix string
	}{
		{"", "sqlite", "./shopqb.db?"},
		{"/var/lib/shopqb/x.db", "sqlite", "/var/lib/shopqb/x.db?"},
		{"sqlite:rel/x.db", "sqlite", "rel/x.db?"},
		{"sqlite:///abs/x.db", "sqlite", "/abs/x.db?"},
		{"file:x.db?cache=shared", "sqlite", "file:x.db?cache=shared&"},
		{"postgres://u@h/db", "pgx", "postgres://u@h/db"},
		{"postgresql://u@h/db?sslmode=disable", "pgx", "postgresql://u@h/db?sslmode=disable"},
	}
	for _, c := range cases {
		driver, dsn, _, err := parseURL(c.in)
		if err != nil || driver != c.driver || !strings.HasPrefix(dsn, c.prefix) {
			t.Errorf("parseURL(%q) = %q, %q, %v; want %q, %q…", c.in, driver, dsn, err, c.driver, c.prefix)
		}
		if driver == "sqlite" && !strings.Contains(dsn, "_txlock=immediate") {
			t.Errorf("parseURL(%q): SQLite DSN %q lacks _txlock=immediate", c.in, dsn)
		}
	}
	for _, bad := range []string{"mysql://h/db", "sqlite:"} {
		if _, _, _, err := parseURL(bad); err == nil {
			t.Errorf("parseURL(%q) accepted", bad)
		}
	}
}

func TestTimeRoundTrip(t *testing.T) {
	in := time.Date(2026, 3, 8, 2, 30, 0, 123456789, time.FixedZone("X", 3600))
	s := sqliteDialect.t(in).(string)
	if s != "2026-03-08T01:30:00.123456Z" {
		t.Fatalf("stored as %q", s)
	}
	var out time.Time
	if err := (timeScan{&out}).Scan(s); err != nil || !out.Equal(in.Truncate(time.Microsecond)) || out.Location() != time.UTC {
		t.Fatalf("scan %q = %v, %v", s, out, err)
	}
	if err := (timeScan{&out}).Scan(nil); err == nil {
		t.Fatal("NULL scanned into a required time")
	}
	if err := (timeScan{&out}).Scan("yesterday"); err == nil {
		t.Fatal("bad text scanned as a time")
	}
	// Text order is time order, including the zero time.
	a, b := sqliteDialect.t(time.Time{}).(string), sqliteDialect.t(in).(string)
	if !(a < b) {
		t.Fatalf("%q sorts after %q", a, b)
	}
}
