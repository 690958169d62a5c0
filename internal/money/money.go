// Package money holds the one type shopqb uses for amounts: an exact count of
// cents. Floats never touch money here: Shopify sends decimals as strings and
// QuickBooks wants exactly two decimals, so both ends are parsed and printed
// from integer cents.
package money

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Cents is an amount of money in hundredths of the shop currency.
type Cents int64

// Parse reads a decimal string such as "12.3", "-0.05", "1,234.50" is refused.
// More than two decimals are accepted only when the extra digits are zeros,
// because silently rounding a Shopify amount would break reconciliation.
func Parse(s string) (Cents, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("money: empty amount")
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && (!hasDot || frac == "") {
		return 0, fmt.Errorf("money: %q is not an amount", s)
	}
	if whole == "" {
		whole = "0"
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("money: %q is not an amount", s)
		}
	}
	if len(frac) > 2 {
		if strings.Trim(frac[2:], "0") != "" {
			return 0, fmt.Errorf("money: %q has more than two decimals", s)
		}
		frac = frac[:2]
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > (1<<62)/100 {
		return 0, fmt.Errorf("money: %q is out of range", s)
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	c := Cents(w*100 + f)
	if neg {
		c = -c
	}
	return c, nil
}

// MustParse is Parse for constants in tests and fixtures; it panics on a bad amount.
func MustParse(s string) Cents {
	c, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return c
}

// String prints the amount with exactly two decimals, as qbXML's AMTTYPE wants.
func (c Cents) String() string {
	sign := ""
	v := int64(c)
	if v < 0 {
		sign = "-"
		v = -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Neg returns -c.
func (c Cents) Neg() Cents { return -c }

// Abs returns |c|.
func (c Cents) Abs() Cents {
	if c < 0 {
		return -c
	}
	return c
}

// MarshalJSON writes the amount as a decimal string, the way Shopify does,
// so reports never pass money through a JSON float.
func (c Cents) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// UnmarshalJSON accepts a decimal string or a JSON number written with at most
// two decimals (Stocky sends both); the number is read as text, never as a float.
func (c *Cents) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*c = 0
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		s = str
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Split divides total into len(weights) parts proportional to weights, giving
// the leftover cents to the largest parts first, so the parts always add up to
// total exactly. It is how a rounding difference becomes visible rather than lost.
func Split(total Cents, weights []Cents) []Cents {
	out := make([]Cents, len(weights))
	var sum Cents
	for _, w := range weights {
		sum += w.Abs()
	}
	if len(weights) == 0 {
		return out
	}
	if sum == 0 {
		out[0] = total
		return out
	}
	var given Cents
	for i, w := range weights {
		out[i] = Cents(int64(total) * int64(w.Abs()) / int64(sum))
		given += out[i]
	}
	rest := total - given
	step := Cents(1)
	if rest < 0 {
		step = -1
	}
	for i := 0; rest != 0; i = (i + 1) % len(out) {
		if weights[i] != 0 {
			out[i] += step
			rest -= step
		}
	}
	return out
}
