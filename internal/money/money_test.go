package money

import (
	"encoding/json"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Cents
	}{
		{"0", 0}, {"12.3", 1230}, {"12.30", 1230}, {"-0.05", -5}, {"+7", 700}, {".5", 50}, {"1.", 100},
		{" 19.99 ", 1999}, {"12.300", 1230}, {"1000000.01", 100000001},
	} {
		got, err := Parse(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "-", ".", "1,234.50", "12.345", "1e3", "12.3.4", "abc", "--1", "99999999999999999999", "NaN"} {
		if got, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) = %d, want an error", bad, got)
		}
	}
}

func TestStringAndJSON(t *testing.T) {
	for c, want := range map[Cents]string{0: "0.00", 5: "0.05", -5: "-0.05", 10: "0.10", -99: "-0.99", 100: "1.00", -101: "-1.01",
		1230: "12.30", -100000001: "-1000000.01", 1<<62 - 1: "46116860184273879.03", -(1<<62 - 1): "-46116860184273879.03"} {
		if got := c.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int64(c), got, want)
		}
		back, err := Parse(want)
		if err != nil || back != c {
			t.Errorf("Parse(%q) = %d, %v; want %d back", want, back, err, c)
		}
	}
	neg := Cents(-5)
	b, err := json.Marshal(struct {
		A    Cents
		B, C *Cents
		D    Cents `json:",omitempty"`
	}{A: 1230, B: &neg})
	if err != nil || string(b) != `{"A":"12.30","B":"-0.05","C":null}` {
		t.Errorf("marshal: %s, %v", b, err)
	}
	for in, want := range map[string]Cents{`"12.30"`: 1230, `12.3`: 1230, `null`: 0, `-4`: -400} {
		var c Cents = 99
		if err := json.Unmarshal([]byte(in), &c); err != nil || c != want {
			t.Errorf("unmarshal %s = %d, %v; want %d", in, c, err, want)
		}
	}
	for _, bad := range []string{`12.345`, `"x"`, `1e2`, `true`} {
		var c Cents
		if err := json.Unmarshal([]byte(bad), &c); err == nil {
			t.Errorf("unmarshal %s accepted as %d", bad, c)
		}
	}
	if Cents(-3).Abs() != 3 || Cents(3).Abs() != 3 || Cents(3).Neg() != -3 {
		t.Error("Abs or Neg")
	}
}

func TestSplitExamples(t *testing.T) {
	for _, tc := range []struct {
		total   Cents
		weights []Cents
		want    []Cents
	}{
		{100, []Cents{1, 1, 1}, []Cents{34, 33, 33}},
		// 3.33 and 6.67: the cent goes to the part that rounding cut most, the larger one.
		{10, []Cents{1, 2}, []Cents{3, 7}},
		{10, []Cents{2, 1}, []Cents{7, 3}},
		{-10, []Cents{1, 2}, []Cents{-3, -7}},
		// Equal remainders: the larger weight first.
		{1, []Cents{1, 2, 1}, []Cents{0, 1, 0}},
		{1, []Cents{2, 1, 1}, []Cents{1, 0, 0}},
		{7, []Cents{0, 3, 0}, []Cents{0, 7, 0}},
		{5, []Cents{0, 0}, []Cents{5, 0}},
		{5, []Cents{-2, 2}, []Cents{3, 2}},
		{0, []Cents{4, 5}, []Cents{0, 0}},
		{9, nil, []Cents{}},
		// Amounts whose product overflows int64.
		{1 << 50, []Cents{1 << 50, 1 << 50}, []Cents{1 << 49, 1 << 49}},
	} {
		if got := Split(tc.total, tc.weights); !slices.Equal(got, tc.want) {
			t.Errorf("Split(%d, %v) = %v, want %v", tc.total, tc.weights, got, tc.want)
		}
	}
}

// TestSplitProperties checks, on random totals and weights, what the books
// rely on: the parts add up to the total exactly, each is its exact share
// rounded one way or the other, zero weights get nothing, the leftover cents
// go to the largest remainders (then the largest weights), and the result
// does not depend on the order of the weights.
func TestSplitProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for n := 0; n < 20000; n++ {
		total := Cents(rng.Int64N(2_000_001) - 1_000_000)
		weights := make([]Cents, 1+rng.IntN(8))
		for i := range weights {
			switch rng.IntN(5) {
			case 0:
				weights[i] = 0
			case 1:
				weights[i] = -Cents(1 + rng.Int64N(5000))
			default:
				weights[i] = Cents(1 + rng.Int64N(5000))
			}
		}
		got := Split(total, weights)
		var sum Cents
		var wsum int64
		for i := range got {
			sum += got[i]
			wsum += int64(weights[i].Abs())
		}
		if sum != total || len(got) != len(weights) {
			t.Fatalf("Split(%d, %v) = %v adds up to %d", total, weights, got, sum)
		}
		if wsum == 0 {
			continue
		}
		// extra[i] is 1 when part i got a leftover cent; rem[i] what rounding cut.
		extra := make([]int64, len(got))
		rem := make([]*big.Int, len(got))
		for i, w := range weights {
			exact := new(big.Int).Mul(big.NewInt(int64(total.Abs())), big.NewInt(int64(w.Abs())))
			floor, r := new(big.Int).QuoRem(exact, big.NewInt(wsum), new(big.Int))
			rem[i] = r
			extra[i] = int64(got[i].Abs()) - floor.Int64()
			if extra[i] != 0 && extra[i] != 1 || (got[i] != 0 && (got[i] < 0) != (total < 0)) {
				t.Fatalf("Split(%d, %v) = %v: part %d is not its share %s/%d rounded", total, weights, got, i, exact, wsum)
			}
			if w == 0 && got[i] != 0 {
				t.Fatalf("Split(%d, %v) = %v: a zero weight got money", total, weights, got)
			}
		}
		for i := range got {
			for j := range got {
				if extra[i] == 1 && extra[j] == 0 && weights[j] != 0 {
					c := rem[i].Cmp(rem[j])
					if c < 0 || c == 0 && weights[i].Abs() < weights[j].Abs() {
						t.Fatalf("Split(%d, %v) = %v: part %d got a leftover cent before part %d", total, weights, got, i, j)
					}
				}
			}
		}
		// Order independence, where no two weights tie.
		distinct := map[Cents]bool{}
		for _, w := range weights {
			distinct[w.Abs()] = true
		}
		if len(distinct) == len(weights) {
			perm := rng.Perm(len(weights))
			pw := make([]Cents, len(weights))
			for k, i := range perm {
				pw[k] = weights[i]
			}
			pg := Split(total, pw)
			for k, i := range perm {
				if pg[k] != got[i] {
					t.Fatalf("Split(%d, %v) = %v but reordered %v gives %v", total, weights, got, pw, pg)
				}
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"12.30", "-0.05", "1e3", "", "9999999999999999.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if p, ok := parsePlain([]byte(s)); ok && (err != nil || p != c) {
			t.Fatalf("parsePlain(%q) = %d; Parse gives %d, %v", s, p, c, err)
		}
		if err != nil {
			return
		}
		if back, err := Parse(c.String()); err != nil || back != c {
			t.Fatalf("Parse(%q) = %d, which prints as %q and reads back as %d, %v", s, c, c.String(), back, err)
		}
	})
}

// TestParsePlainAgreesWithParse: the fast path JSON decoding takes for the
// usual amounts reads each exactly as Parse does, and leaves every other
// form to Parse, so a decoded amount is the same either way.
func TestParsePlainAgreesWithParse(t *testing.T) {
	plain := []string{"0", "0.00", "12.3", "12.30", "-0.05", "-0", "7", "1000000.01", "999999999999999.99", "01.10"}
	other := []string{"1234567890123456.00", "+7", ".5", "1.", "12.300", " 1.00", "1,234.50", "1e3", "-", "", "1.2.3", "-.5", "1.x", "--1"}
	for _, s := range append(plain, other...) {
		got, ok := parsePlain([]byte(s))
		want, err := Parse(s)
		if ok && (err != nil || got != want) {
			t.Errorf("parsePlain(%q) = %d; Parse gives %d, %v", s, got, want, err)
		}
		if ok != slices.Contains(plain, s) {
			t.Errorf("parsePlain(%q) ok = %v", s, ok)
		}
		var c Cents
		jerr := json.Unmarshal([]byte(`"`+s+`"`), &c)
		if (jerr == nil) != (err == nil) || c != want {
			t.Errorf("decoding %q gives %d, %v; Parse gives %d, %v", s, c, jerr, want, err)
		}
	}
}
