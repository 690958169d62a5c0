package stocky

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopqb/shopqb/internal/money"
)

// Stocky's JSON is inconsistent: the same field can be a number in one
// record and a string in the next, dates come in ISO 8601 or in the store's
// locale format, and nulls and empty strings both mean "not set". The types
// here accept every form seen and keep the original text, so nothing is
// lost or rounded on the way in.

// ID is an identifier sent as a JSON number or string ("supplier_id" is a
// string, most ids are numbers). Its value is the decimal text.
type ID string

// UnmarshalJSON accepts a number, a string or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	if err != nil {
		return fmt.Errorf("stocky id: %w", err)
	}
	*id = ID(s)
	return nil
}

// Text is a free-text field that may arrive as a number (invoice and PO
// numbers, account codes).
type Text string

// UnmarshalJSON accepts a string, a number, a boolean or null.
func (t *Text) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	if err != nil {
		return fmt.Errorf("stocky text: %w", err)
	}
	*t = Text(s)
	return nil
}

// Decimal is an amount as Stocky wrote it, number or string, kept as text.
// Empty means not set (null or "").
type Decimal string

// UnmarshalJSON accepts a number, a numeric string, "" or null. A number is
// read as its literal text, never through a float.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	if err != nil {
		return fmt.Errorf("stocky amount: %w", err)
	}
	s = strings.TrimSpace(s)
	if s != "" {
		if !isDecimal(s) {
			return fmt.Errorf("stocky amount %q is not a decimal number", s)
		}
	}
	*d = Decimal(s)
	return nil
}

// isDecimal accepts [+-]digits[.digits] (or .digits).
func isDecimal(s string) bool {
	s = strings.TrimLeft(s, "+-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Set reports whether the amount was given.
func (d Decimal) Set() bool { return d != "" }

// Cents converts to exact cents. Amounts with non-zero digits beyond the
// cent are refused rather than rounded (money.Parse), so a supplier cost of
// 1.2345 is reported, not silently changed. Exponent forms are refused too.
func (d Decimal) Cents() (money.Cents, error) {
	if d == "" {
		return 0, nil
	}
	return money.Parse(string(d))
}

// Int is a count sent as a number or a numeric string.
type Int int

// UnmarshalJSON accepts a whole number, a string holding one, or null.
func (n *Int) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	if err != nil {
		return fmt.Errorf("stocky integer: %w", err)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		*n = 0
		return nil
	}
	// "12.0" is a whole number written as a decimal.
	if whole, frac, ok := strings.Cut(s, "."); ok && strings.Trim(frac, "0") == "" {
		s = whole
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("stocky integer %q: %w", s, err)
	}
	*n = Int(v)
	return nil
}

// Bool is a flag sent as true/false, "true"/"false", 1/0 or null.
type Bool bool

// UnmarshalJSON accepts the forms above.
func (v *Bool) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	if err != nil {
		return fmt.Errorf("stocky flag: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes":
		*v = true
	case "false", "0", "no", "":
		*v = false
	default:
		return fmt.Errorf("stocky flag %q is not a boolean", s)
	}
	return nil
}

// Time is a date or date-time as Stocky wrote it. Parsing needs the
// store's conventions (day or month first, time zone), so it happens in
// Parse, not while decoding; decoding only keeps the text.
type Time string

// UnmarshalJSON accepts a string or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	if err != nil {
		return fmt.Errorf("stocky date: %w", err)
	}
	*t = Time(strings.TrimSpace(s))
	return nil
}

// DateConvention says how to read dates without a zone or with an
// ambiguous day/month order.
type DateConvention struct {
	// DayFirst reads 09/02/2021 as 9 February; false reads it as 2
	// September. Only used when both numbers are 12 or less.
	DayFirst bool
	// Location is the store's zone for dates written without one (default UTC).
	Location *time.Location
}

var zonedLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.000Z0700",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05Z07:00",
}

var localLayouts = []string{
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
}

// Parse reads the time; ok is false for an unset time.
func (t Time) Parse(c DateConvention) (tm time.Time, ok bool, err error) {
	s := string(t)
	if s == "" {
		return time.Time{}, false, nil
	}
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	for _, l := range zonedLayouts {
		if v, err := time.Parse(l, s); err == nil {
			return v, true, nil
		}
	}
	for _, l := range localLayouts {
		if v, err := time.ParseInLocation(l, s, loc); err == nil {
			return v, true, nil
		}
	}
	if v, err := parseSlashed(s, c.DayFirst, loc); err == nil {
		return v, true, nil
	}
	return time.Time{}, false, fmt.Errorf("stocky date %q is in no known format", s)
}

// parseSlashed reads a/b/yyyy with an optional hh:mm[:ss], deciding the
// day/month order from the numbers when one exceeds 12.
func parseSlashed(s string, dayFirst bool, loc *time.Location) (time.Time, error) {
	datePart, timePart, _ := strings.Cut(s, " ")
	parts := strings.Split(datePart, "/")
	if len(parts) != 3 || len(parts[2]) != 4 {
		return time.Time{}, fmt.Errorf("not a slashed date")
	}
	a, err1 := strconv.Atoi(parts[0])
	b, err2 := strconv.Atoi(parts[1])
	y, err3 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return time.Time{}, fmt.Errorf("not a slashed date")
	}
	day, month := b, a
	switch {
	case a > 12 && b <= 12:
		day, month = a, b
	case b > 12 && a <= 12:
		day, month = b, a
	case dayFirst:
		day, month = a, b
	}
	var hh, mm, ss int
	if timePart = strings.TrimSpace(timePart); timePart != "" {
		f := strings.Split(timePart, ":")
		if len(f) < 2 || len(f) > 3 {
			return time.Time{}, fmt.Errorf("bad time of day")
		}
		var err error
		if hh, err = strconv.Atoi(f[0]); err != nil {
			return time.Time{}, err
		}
		if mm, err = strconv.Atoi(f[1]); err != nil {
			return time.Time{}, err
		}
		if len(f) == 3 {
			if ss, err = strconv.Atoi(f[2]); err != nil {
				return time.Time{}, err
			}
		}
	}
	v := time.Date(y, time.Month(month), day, hh, mm, ss, 0, loc)
	if v.Day() != day || int(v.Month()) != month || hh > 23 || mm > 59 || ss > 59 {
		return time.Time{}, fmt.Errorf("date out of range")
	}
	return v, nil
}

// scalarText returns a JSON scalar's text: a string's content, a number's
// literal, a boolean's word, "" for null. Objects and arrays are errors.
func scalarText(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return "", nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", err
		}
		return s, nil
	case b[0] == '{' || b[0] == '[':
		return "", fmt.Errorf("expected a scalar, got %s", truncate(b))
	}
	return string(b), nil
}

func truncate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}
