// Package money holds the one type shopqb uses for amounts: an exact count of
// cents. Floats never touch money here: Shopify sends decimals as strings and
// QuickBooks wants exactly two decimals, so both ends are parsed and printed
// from integer cents.
package money

import (
	"encoding/json"
	"fmt"
	"math/bits"
	"sort"
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

// plainDigits is the most whole digits parsePlain reads: fewer than in
// the largest amount Parse takes, so it never needs Parse's range check.
const plainDigits = 15

// parsePlain reads the form Shopify and shopqb write an amount in, an
// optional minus, whole digits, and a dot with one or two decimals or
// none, exactly as Parse would; ok is false for anything else (which
// Parse then reads, or refuses).
func parsePlain(b []byte) (c Cents, ok bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	i, v := 0, int64(0)
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		v = v*10 + int64(b[i]-'0')
	}
	if i == 0 || i > plainDigits {
		return 0, false
	}
	v *= 100
	switch rest := b[i:]; {
	case len(rest) == 0:
	case len(rest) == 2 && rest[0] == '.' && isDigit(rest[1]):
		v += int64(rest[1]-'0') * 10
	case len(rest) == 3 && rest[0] == '.' && isDigit(rest[1]) && isDigit(rest[2]):
		v += int64(rest[1]-'0')*10 + int64(rest[2]-'0')
	default:
		return 0, false
	}
	if neg {
		v = -v
	}
	return Cents(v), true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

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
	var b [24]byte
	return string(c.appendDecimal(b[:0]))
}

// appendDecimal appends the amount with exactly two decimals. It is
// written by hand rather than with fmt: every amount of every snapshot and
// posting is formatted, and fmt showed in profiles.
func (c Cents) appendDecimal(out []byte) []byte {
	v := uint64(c)
	if c < 0 {
		out = append(out, '-')
		v = -v // two's complement: the magnitude even of the smallest Cents
	}
	out = strconv.AppendUint(out, v/100, 10)
	return append(out, '.', byte('0'+v%100/10), byte('0'+v%10))
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

// MarshalText writes the amount as decimal text, which encoding/json
// writes as a string, the way Shopify does, so reports never pass money
// through a JSON float. It is MarshalText rather than MarshalJSON because
// encoding/json scans again whatever a MarshalJSON returns, and every
// snapshot holds dozens of amounts.
func (c Cents) MarshalText() ([]byte, error) { return c.appendDecimal(make([]byte, 0, 24)), nil }

// UnmarshalJSON accepts a decimal string or a JSON number written with at most
// two decimals (Stocky sends both); the number is read as text, never as a float.
func (c *Cents) UnmarshalJSON(b []byte) error {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		if v, ok := parsePlain(b[1 : len(b)-1]); ok {
			// Every snapshot holds dozens of amounts: read in place, the
			// common form costs no string of its own.
			*c = v
			return nil
		}
	}
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*c = 0
		return nil
	}
	switch {
	case len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' && !strings.ContainsRune(s, '\\'):
		// A string without escapes is its text between the quotes: the
		// decoder calling us has checked it is valid JSON, and money is
		// decoded often enough for a second decoding to show.
		s = s[1 : len(s)-1]
	case strings.HasPrefix(s, `"`):
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

// Split divides total into len(weights) parts proportional to the weights'
// sizes, so the parts always add up to total exactly. Each part gets its
// proportional share rounded toward zero; the cents left over go one each to
// the parts whose share lost the most in that rounding (largest remainder),
// and among equal remainders to the largest weight, then the first. So a
// leftover cent lands where it distorts the least — on the biggest tax line
// or discount, never on a small one by accident of order — and the result
// depends only on the weights, not on how Shopify happened to order them
// (apart from exact ties). A zero weight gets nothing unless every weight is
// zero, when the first part takes all.
func Split(total Cents, weights []Cents) []Cents {
	out := make([]Cents, len(weights))
	if len(weights) == 0 {
		return out
	}
	var sum int64
	for _, w := range weights {
		sum += int64(w.Abs())
	}
	if sum == 0 {
		out[0] = total
		return out
	}
	// |total|·|w| / sum in 128 bits, so no amount a shop can hold overflows;
	// the quotient is at most |total| because |w| <= sum.
	abs, sign := uint64(total), Cents(1)
	if total < 0 {
		abs, sign = uint64(-total), -1
	}
	rem := make([]uint64, len(weights)) // what rounding dropped, in units of 1/sum cent
	var given Cents
	for i, w := range weights {
		hi, lo := bits.Mul64(abs, uint64(w.Abs()))
		q, r := bits.Div64(hi, lo, uint64(sum))
		out[i], rem[i] = sign*Cents(q), r
		given += out[i]
	}
	order := make([]int, 0, len(weights))
	for i, w := range weights {
		if w != 0 {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool {
		i, j := order[a], order[b]
		if rem[i] != rem[j] {
			return rem[i] > rem[j]
		}
		return weights[i].Abs() > weights[j].Abs()
	})
	rest := total - given
	step := Cents(1)
	if rest < 0 {
		step = -1
	}
	// |rest| < len(order): each part gets at most one cent.
	for k := 0; rest != 0; k++ {
		out[order[k%len(order)]] += step
		rest -= step
	}
	return out
}
