package qbxml

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/money"
)

func TestAmountText(t *testing.T) {
	for _, c := range []struct {
		in   money.Cents
		want string
	}{{0, "0.00"}, {5, "0.05"}, {-1050, "-10.50"}, {99999999999999, "999999999999.99"}, {999999999999999, "9999999999999.99"}} {
		b, err := Amount(c.in).MarshalText()
		if err != nil || string(b) != c.want {
			t.Errorf("Amount(%d) = %q, %v; want %q", c.in, b, err, c.want)
		}
		var back Amount
		if err := back.UnmarshalText(b); err != nil || back.Cents() != c.in {
			t.Errorf("round trip of %q gave %d, %v", b, back, err)
		}
	}
	if _, err := Amount(-1_000_000_000_000_000).MarshalText(); err == nil {
		t.Error("14-digit amount accepted")
	}
	var a Amount
	if err := a.UnmarshalText([]byte("1.005")); err == nil {
		t.Error("three-decimal amount accepted")
	}
}

func TestDecimalDateGUID(t *testing.T) {
	for s, ok := range map[Decimal]bool{"1": true, "-2.5": true, "+0.12345": true, "1234567890.1": true,
		"12345678901": false, "0.123456": false, ".5": false, "1e3": false, "": false, "1,5": false} {
		if _, err := s.MarshalText(); (err == nil) != ok {
			t.Errorf("Decimal %q: err %v, want ok=%v", s, err, ok)
		}
	}
	if Qty(-3) != "-3" || Price(money.MustParse("8.1")) != "8.10" {
		t.Errorf("Qty/Price: %q %q", Qty(-3), Price(money.MustParse("8.1")))
	}
	for s, ok := range map[Date]bool{"2026-11-20": true, "2024-02-29": true, "2026-02-29": false, "2026-1-2": false, "20261120": false} {
		if _, err := s.MarshalText(); (err == nil) != ok {
			t.Errorf("Date %q: err %v, want ok=%v", s, err, ok)
		}
	}
	seoul := time.FixedZone("KST", 9*3600)
	ts := time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC)
	if got := DateOf(ts.In(seoul)); got != "2026-11-21" {
		t.Errorf("DateOf in the shop's zone = %s", got)
	}
	if got := DateTimeOf(ts.In(seoul)); got != "2026-11-21T08:30:00+09:00" {
		t.Errorf("DateTimeOf = %s", got)
	}
	for s, ok := range map[DateTime]bool{"2026-11-21T08:30:00+09:00": true, "2026-11-21T08:30:00": true, "2026-11-21": true,
		"2026-11-21T08:30:00Z": false, "2026-11-21 08:30": false} {
		if _, err := s.MarshalText(); (err == nil) != ok {
			t.Errorf("DateTime %q: err %v, want ok=%v", s, err, ok)
		}
	}
	g := GUIDOf([16]byte{0x6f, 0x96, 0x19, 0xff, 0x8b, 0x86, 0xd0, 0x11, 0xb4, 0x2d, 0x00, 0xc0, 0x4f, 0xc9, 0x64, 0xff})
	if g != "{6F9619FF-8B86-D011-B42D-00C04FC964FF}" || !g.Valid() {
		t.Errorf("GUIDOf = %s", g)
	}
	for s, ok := range map[GUID]bool{"0": true, g: true, "6F9619FF-8B86-D011-B42D-00C04FC964FF": false, "{}": false} {
		if _, err := s.MarshalText(); (err == nil) != ok {
			t.Errorf("GUID %q: err %v, want ok=%v", s, err, ok)
		}
	}
}

// TestHandWrittenPatternsAgree compares validDecimal and GUID.Valid with
// the schema patterns they spell out, over texts near and across their edges.
func TestHandWrittenPatternsAgree(t *testing.T) {
	decimal := regexp.MustCompile(`^[+-]?[0-9]{1,10}(\.[0-9]{1,5})?$`)
	guid := regexp.MustCompile(`^(0|\{[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\})$`)
	parts := []string{"", "0", "1", "9", "12345", "1234567890", "12345678901", ".", "..", "+", "-", "++", "e", " ",
		"a", "F", "g", "{", "}", "-", "0000", "00000000", "ABCDEF12", "abcdef123456", "\n", "٣"}
	var texts []string
	for _, a := range parts {
		for _, b := range parts {
			for _, c := range parts {
				texts = append(texts, a+b+c)
			}
		}
	}
	texts = append(texts, string(testGUID), string(testGUID2), strings.ToLower(string(testGUID)),
		"{6F9619FF-8B86-D011-B42D-00C04FC964FF}\n", "{6F9619FF-8B86-D011-B42D-00C04FC964F}", "{6F9619FF+8B86-D011-B42D-00C04FC964FF}",
		"{6F9619FF-8B86-D011-B42D-00C04FC964FG}", "(6F9619FF-8B86-D011-B42D-00C04FC964FF)", "0\n", "00")
	for _, s := range texts {
		if got, want := validDecimal(s), decimal.MatchString(s); got != want {
			t.Errorf("validDecimal(%q) = %v, the pattern says %v", s, got, want)
		}
		if got, want := GUID(s).Valid(), guid.MatchString(s); got != want {
			t.Errorf("GUID(%q).Valid() = %v, the pattern says %v", s, got, want)
		}
	}
	// Every GUID with one character changed, at each position.
	for i := 0; i < len(testGUID); i++ {
		for _, c := range "0aAgG-{}. " {
			s := string(testGUID[:i]) + string(c) + string(testGUID[i+1:])
			if got, want := GUID(s).Valid(), guid.MatchString(s); got != want {
				t.Errorf("GUID(%q).Valid() = %v, the pattern says %v", s, got, want)
			}
		}
	}
}
