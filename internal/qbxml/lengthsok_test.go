package qbxml

import (
	"reflect"
	"strings"
	"testing"
)

// TestLengthsOKAgreesWithCheckLengths: the quick check must pass exactly
// what checkLengths passes, or a request it waves through would reach
// QuickBooks unchecked.
func TestLengthsOKAgreesWithCheckLengths(t *testing.T) {
	line := SalesLine{ItemRef: ByName("A"), Desc: "Blue mug", Amount: Amt(100)}
	texts := []string{"", "plain", "tab\tand\nnewline\r", "Café Zoë", strings.Repeat("é", 41), strings.Repeat("é", 42),
		strings.Repeat("x", 11), strings.Repeat("x", 12), "A\x00", "Acme\u0085", "한국", "\xff", "del\x7f"}
	var reqs []Request
	for _, s := range texts {
		reqs = append(reqs,
			CustomerAdd{Name: s},
			&VendorAdd{Name: s},
			SalesReceiptAdd{RefNumber: s, Memo: s, Lines: []SalesLine{line, {ItemRef: ByName(s), Desc: s}}},
			AccountQuery{IncludeRetElement: []string{"ListID", s}},
		)
	}
	reqs = append(reqs,
		SalesReceiptAdd{CustomerRef: &Ref{ListID: "1", FullName: "A"}, Lines: []SalesLine{line}},
		SalesReceiptAdd{Lines: []SalesLine{line, {ItemRef: &Ref{ListID: "8-1", FullName: "A"}}}},
		SalesReceiptAdd{CustomerRef: &Ref{ListID: strings.Repeat("1", 37)}, Lines: []SalesLine{line}},
		(*SalesReceiptAdd)(nil),
	)
	passed, failed := 0, 0
	for i, r := range reqs {
		slow := checkLengths(reflect.ValueOf(r), "R")
		if quick := lengthsOK(reflect.ValueOf(r)); quick != (slow == nil) {
			t.Errorf("request %d (%T %+v): lengthsOK = %v, checkLengths = %v", i, r, r, quick, slow)
		}
		if slow == nil {
			passed++
		} else {
			failed++
		}
	}
	if passed == 0 || failed == 0 {
		t.Fatalf("the cases must both pass and fail: %d passed, %d failed", passed, failed)
	}
}

func TestLengthsOKRefusesABadMaxTag(t *testing.T) {
	type badTag struct {
		Name string `max:"many"`
	}
	type negative struct {
		Name string `max:"-1"`
	}
	for _, v := range []any{badTag{Name: "a"}, negative{Name: "a"}} {
		if lengthsOK(reflect.ValueOf(v)) {
			t.Errorf("%T passed the quick check; checkLengths says %v", v, checkLengths(reflect.ValueOf(v), "R"))
		}
	}
}
