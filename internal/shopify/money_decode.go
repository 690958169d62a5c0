package shopify

import (
	"bytes"
	"sync/atomic"
)

// Amounts are most of an order's JSON: an order of the bench holds some
// forty MoneyBags, and decoding each through reflection (two objects, a
// method call per amount, a string per currency code) was a third of
// decoding the order. Shopify and shopqb write them in one form, which
// these methods read in place; anything else (other member order,
// whitespace, escapes, a number for an amount, null) is decoded as
// encoding/json decodes the type without them, so the result is the same
// either way.

// UnmarshalJSON decodes a MoneyBag.
func (m *MoneyBag) UnmarshalJSON(b []byte) error {
	if m.decodePlain(b) {
		return nil
	}
	type fields MoneyBag // the same members, without this method
	return DecodeStored(b, (*fields)(m))
}

// UnmarshalJSON decodes a Money.
func (m *Money) UnmarshalJSON(b []byte) error {
	if v, rest, ok := plainMoney(b); ok && len(rest) == 0 {
		*m = v
		return nil
	}
	type fields Money
	return DecodeStored(b, (*fields)(m))
}

// decodePlain reads {"shopMoney":MONEY} or
// {"shopMoney":MONEY,"presentmentMoney":MONEY} and reports whether b was
// one of them. Like encoding/json, it leaves a member that is absent as
// it was.
func (m *MoneyBag) decodePlain(b []byte) bool {
	rest, ok := bytes.CutPrefix(b, []byte(`{"shopMoney":`))
	if !ok {
		return false
	}
	shop, rest, ok := plainMoney(rest)
	if !ok {
		return false
	}
	if string(rest) == "}" {
		m.ShopMoney = shop
		return true
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"presentmentMoney":`)); !ok {
		return false
	}
	presentment, rest, ok := plainMoney(rest)
	if !ok || string(rest) != "}" {
		return false
	}
	m.ShopMoney, m.PresentmentMoney = shop, presentment
	return true
}

// plainMoney reads {"amount":"DECIMAL","currencyCode":"CODE"} at the start
// of b, and returns what follows it.
func plainMoney(b []byte) (Money, []byte, bool) {
	var m Money
	rest, ok := bytes.CutPrefix(b, []byte(`{"amount":`))
	if !ok {
		return m, nil, false
	}
	amount, rest, ok := plainStringAt(rest)
	if !ok || m.Amount.UnmarshalJSON(amount) != nil {
		return m, nil, false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"currencyCode":`)); !ok {
		return m, nil, false
	}
	code, rest, ok := plainStringAt(rest)
	if !ok || len(rest) == 0 || rest[0] != '}' {
		return m, nil, false
	}
	m.CurrencyCode = currencyCode(code[1 : len(code)-1])
	return m, rest[1:], true
}

// plainStringAt splits off the JSON string at the start of b when it is a
// plainString (its value is its text).
func plainStringAt(b []byte) (str, rest []byte, ok bool) {
	if len(b) == 0 || b[0] != '"' {
		return nil, nil, false
	}
	end := bytes.IndexByte(b[1:], '"')
	if end < 0 || !plainString(b[:end+2]) {
		return nil, nil, false
	}
	return b[:end+2], b[end+2:], true
}

// lastCurrency is the currency code last decoded: a shop's amounts are
// nearly all in its one currency, so most amounts share its string rather
// than allocating their own.
var lastCurrency atomic.Pointer[string]

func currencyCode(b []byte) string {
	if last := lastCurrency.Load(); last != nil && *last == string(b) {
		return *last
	}
	s := string(b)
	lastCurrency.Store(&s)
	return s
}
