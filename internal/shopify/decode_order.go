package shopify

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/shopqb/shopqb/internal/money"
)

// Every order is decoded twice in a back-fill: from the bulk file, and
// from its snapshot by each plan of it. The reflective json/v2 engine
// spent most of that walking type tables, so an Order is read here by
// hand, straight from the bytes. The reader takes only what it can read
// with certainty of giving what DecodeStored's engine gives (the
// reference); anything else it declines, and DecodeStored hands the
// document to the reference. What it declines:
//
//   - a target that is not a zero Order (the reference merges into one);
//   - a member name with an escape or beyond ASCII, a name that is not a
//     field's but matches one in another case (the reference matches names
//     in any case), or a field named twice in one object (the reference
//     merges);
//   - a string with invalid UTF-8 or an escaped lone surrogate (the
//     reference replaces them);
//   - an integer field whose number is not a plain integer of at most 18
//     digits, a value of another JSON kind than its field's, and anything
//     that is not JSON at all;
//   - anything nested deeper than maxSkipDepth under a member it skips.
//
// Values whose types have their own UnmarshalJSON (MoneyBag, Money,
// money.Cents, DecimalText) are handed their raw JSON as the reference
// hands it, and a time its unquoted text for time.Time.UnmarshalText, as
// the reference does. null leaves a field as it is, which on a zero
// target is what the reference leaves: a nil pointer or slice, a zero
// value (the methods decode null to zero).
//
// TestDecodeOrderHandlesEveryField fails when a field of any of these
// types is not read here; FuzzDecodeOrder holds the reader to the
// reference on arbitrary input.

// maxSkipDepth bounds the nesting of a value skipped under an unknown
// member (the reference allows 10,000 levels; an order has none).
const maxSkipDepth = 64

// decodeOrder decodes body into the zero Order o and reports whether it
// could; when it could not, o holds a partial decoding.
func decodeOrder(body []byte, o *Order) bool {
	d := orderDecoder{b: body, strings: stringCaches.Get().(*stringCache)}
	defer stringCaches.Put(d.strings)
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return false
	}
	d.order(o)
	d.ws()
	return !d.bad && d.i == len(d.b)
}

// isZeroOrder reports whether o is a zero Order, the only target
// decodeOrder takes.
func isZeroOrder(o *Order) bool { return reflect.ValueOf(o).Elem().IsZero() }

// orderDecoder is a cursor on the JSON of an order. After a failure bad is
// set and the cursor is at the end, so that every later read fails at once.
type orderDecoder struct {
	b       []byte
	i       int
	bad     bool
	buf     []byte // the value of the last string read that had escapes
	strings *stringCache
}

func (d *orderDecoder) fail() {
	d.bad = true
	d.i = len(d.b)
}

func (d *orderDecoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// literal consumes lit (true, false or null) when it is next. Whatever
// follows it is checked by the reader of the enclosing value, which wants
// a delimiter there.
func (d *orderDecoder) literal(lit string) bool {
	if len(d.b)-d.i >= len(lit) && string(d.b[d.i:d.i+len(lit)]) == lit {
		d.i += len(lit)
		return true
	}
	return false
}

// objectStart consumes the '{' of an object and reports true, or consumes
// a null and reports false; anything else fails.
func (d *orderDecoder) objectStart() bool {
	if d.i < len(d.b) && d.b[d.i] == '{' {
		d.i++
		return true
	}
	if !d.literal("null") {
		d.fail()
	}
	return false
}

// member reads the name of the next member of an object whose '{' has
// been read, and the colon after it, leaving the cursor at the value; it
// reports false at the object's end or on failure. first says whether no
// member has been read yet. The name must be printable ASCII without
// escapes: only such a name is matched against fields here.
func (d *orderDecoder) member(first bool) ([]byte, bool) {
	d.ws()
	if d.i >= len(d.b) {
		d.fail()
		return nil, false
	}
	switch c := d.b[d.i]; {
	case c == '}':
		d.i++
		return nil, false
	case !first && c == ',':
		d.i++
		d.ws()
	case !first:
		d.fail()
		return nil, false
	}
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		d.fail()
		return nil, false
	}
	start := d.i + 1
	j := plainRun(d.b, start)
	if j >= len(d.b) || d.b[j] != '"' {
		d.fail()
		return nil, false
	}
	key := d.b[start:j]
	d.i = j + 1
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != ':' {
		d.fail()
		return nil, false
	}
	d.i++
	d.ws()
	return key, true
}

// once marks field n of an object as read, failing if it was already:
// the reference would merge the second value into the first.
func (d *orderDecoder) once(seen *uint64, n uint) {
	if *seen&(1<<n) != 0 {
		d.fail()
	}
	*seen |= 1 << n
}

// unknown skips the value of a member that names none of the fields
// (folded names, as foldedNames gives them) of its object, failing when
// the name might match one in the reference's case-insensitive way.
func (d *orderDecoder) unknown(key []byte, fields map[string]bool) {
	if mayName(fields, key) {
		d.fail()
		return
	}
	d.skip(0)
}

// quoted reads a JSON string and returns its value, which aliases the
// input when the string has no escapes and d.buf when it has.
func (d *orderDecoder) quoted() ([]byte, bool) {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		d.fail()
		return nil, false
	}
	start := d.i + 1
	j := plainRun(d.b, start)
	if j < len(d.b) && d.b[j] == '"' {
		d.i = j + 1
		return d.b[start:j], true
	}
	return d.quotedSlow(start, j)
}

// plainRun returns the index of the first byte of b from i on that ends
// or escapes a string or needs checking in one (a quote, a backslash, a
// control character or a byte beyond ASCII), or len(b). Strings are most
// of an order's bytes, so it looks at eight at a time.
func plainRun(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		if m := specialBytes(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	if r := len(b) - i; r > 0 && len(b) >= 8 {
		// The last bytes, in the word that ends b: what it holds before
		// i is shifted out, and the zeros shifted in are masked off.
		m := specialBytes(binary.LittleEndian.Uint64(b[len(b)-8:])>>(8*(8-r))) & (1<<(8*r) - 1)
		if m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		return len(b)
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
			return i
		}
	}
	return i
}

// specialBytes has the high bit of a byte of the little-endian word w set
// when that byte is beyond ASCII, below 0x20, a quote or a backslash; the
// lowest byte so marked is the first such byte. (x-ones)&^x marks the zero
// bytes of x; a borrow can mark a byte above one that is truly marked,
// never the lowest.
func specialBytes(w uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q, bs := w^(ones*'"'), w^(ones*'\\')
	return (w | (w - ones*0x20) | (q-ones)&^q | (bs-ones)&^bs) & highs
}

// quotedSlow is quoted for a string with an escape, a control character
// (which fails) or a byte beyond ASCII at j.
func (d *orderDecoder) quotedSlow(start, j int) ([]byte, bool) {
	out := append(d.buf[:0], d.b[start:j]...)
	for j < len(d.b) {
		c := d.b[j]
		switch {
		case c == '"':
			d.i, d.buf = j+1, out
			return out, true
		case c < 0x20:
			d.fail()
			return nil, false
		case c >= 0x80:
			r, size := utf8.DecodeRune(d.b[j:])
			if r == utf8.RuneError && size == 1 {
				d.fail()
				return nil, false
			}
			out = append(out, d.b[j:j+size]...)
			j += size
			continue
		case c != '\\':
			out = append(out, c)
			j++
			continue
		}
		if j+1 >= len(d.b) {
			break
		}
		j += 2
		switch d.b[j-1] {
		case '"', '\\', '/':
			out = append(out, d.b[j-1])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(d.b[j:])
			if !ok {
				d.fail()
				return nil, false
			}
			j += 4
			if r >= 0xd800 && r < 0xe000 {
				// Only a high surrogate escaped with its low one is
				// a character; the reference replaces any other.
				lo, ok := rune(0), false
				if r < 0xdc00 && len(d.b)-j >= 6 && d.b[j] == '\\' && d.b[j+1] == 'u' {
					lo, ok = hex4(d.b[j+2:])
				}
				if !ok || lo < 0xdc00 || lo >= 0xe000 {
					d.fail()
					return nil, false
				}
				j += 6
				r = 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00)
			}
			out = utf8.AppendRune(out, r)
		default:
			d.fail()
			return nil, false
		}
	}
	d.fail()
	return nil, false
}

// hex4 reads the four hex digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// number reads a JSON number and returns its text.
func (d *orderDecoder) number() []byte {
	b, start, j := d.b, d.i, d.i
	digits := func() bool {
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j > k
	}
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case !digits():
		d.fail()
		return nil
	}
	if j < len(b) && b[j] == '.' {
		j++
		if !digits() {
			d.fail()
			return nil
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if !digits() {
			d.fail()
			return nil
		}
	}
	d.i = j
	return b[start:j]
}

// skip reads any JSON value, depth levels down from a member it skips.
func (d *orderDecoder) skip(depth int) {
	if d.i >= len(d.b) || depth > maxSkipDepth {
		d.fail()
		return
	}
	switch d.b[d.i] {
	case '{':
		d.i++
		for first := true; !d.bad; first = false {
			d.ws()
			if d.i < len(d.b) && d.b[d.i] == '}' && first {
				d.i++
				return
			}
			if !first {
				if d.i >= len(d.b) || d.b[d.i] != ',' && d.b[d.i] != '}' {
					d.fail()
					return
				}
				d.i++
				if d.b[d.i-1] == '}' {
					return
				}
				d.ws()
			}
			d.quoted()
			d.ws()
			if d.i >= len(d.b) || d.b[d.i] != ':' {
				d.fail()
				return
			}
			d.i++
			d.ws()
			d.skip(depth + 1)
		}
	case '[':
		d.i++
		d.ws()
		if d.i < len(d.b) && d.b[d.i] == ']' {
			d.i++
			return
		}
		for !d.bad {
			d.ws()
			d.skip(depth + 1)
			d.ws()
			if d.i >= len(d.b) || d.b[d.i] != ',' && d.b[d.i] != ']' {
				d.fail()
				return
			}
			d.i++
			if d.b[d.i-1] == ']' {
				return
			}
		}
	case '"':
		d.quoted()
	case 't':
		if !d.literal("true") {
			d.fail()
		}
	case 'f':
		if !d.literal("false") {
			d.fail()
		}
	case 'n':
		if !d.literal("null") {
			d.fail()
		}
	default:
		d.number()
	}
}

// raw reads any JSON value and returns its text.
func (d *orderDecoder) raw() []byte {
	start := d.i
	d.skip(0)
	if d.bad {
		return nil
	}
	return d.b[start:d.i]
}

func (d *orderDecoder) str() string {
	if d.literal("null") {
		return ""
	}
	s, ok := d.quoted()
	if !ok {
		return ""
	}
	return d.strings.get(s)
}

// stringCache hands out one string for equal values: most of an order's
// strings are its shop's few currencies, kinds, statuses, gateways,
// locations and products, repeated across its lines and across orders,
// and a string each was most of what decoding an order allocated. The
// caches are pooled, so a string is shared across the orders decoded
// with the same cache; it is direct-mapped, so a miss costs a string.
type stringCache [512]string

var stringCaches = sync.Pool{New: func() any { return new(stringCache) }}

// maxCachedString is the longest string cached: longer ones are notes
// and titles, rarely repeated and costly to compare.
const maxCachedString = 64

func (c *stringCache) get(b []byte) string {
	if len(b) == 0 || len(b) > maxCachedString {
		return string(b)
	}
	// The hash mixes the length and the last eight bytes, where the
	// shared prefix of GIDs ("gid://shopify/...") ends and their numbers
	// differ, with the first eight bytes for short strings.
	var head, tail uint64
	if len(b) >= 8 {
		head, tail = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[len(b)-8:])
	} else {
		for i, c := range b {
			head |= uint64(c) << (8 * i)
		}
		tail = head
	}
	h := (head*0x9e3779b97f4a7c15 ^ tail*0xc2b2ae3d27d4eb4f ^ uint64(len(b))) >> 55 // 9 bits: 512 slots
	if s := c[h]; s == string(b) {
		return s
	}
	s := string(b)
	c[h] = s
	return s
}

func (d *orderDecoder) boolean() bool {
	switch {
	case d.literal("true"):
		return true
	case d.literal("false"), d.literal("null"):
		return false
	}
	d.fail()
	return false
}

// integer reads an int written as a plain integer of at most 18 digits
// (so it cannot overflow); any other number fails.
func (d *orderDecoder) integer() int {
	if d.literal("null") {
		return 0
	}
	num := d.number()
	if d.bad {
		return 0
	}
	digits := num
	if digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 18 || digits[0] == '0' && len(num) > 1 {
		d.fail()
		return 0
	}
	n := 0
	for _, c := range digits {
		if c < '0' || c > '9' {
			d.fail()
			return 0
		}
		n = n*10 + int(c-'0')
	}
	if num[0] == '-' {
		n = -n
	}
	return n
}

func (d *orderDecoder) intPtr() *int {
	if d.literal("null") {
		return nil
	}
	n := d.integer()
	return &n
}

// timestamp decodes a time as the reference does: time.Time's
// UnmarshalText on the string's value.
func (d *orderDecoder) timestamp(t *time.Time) {
	if d.literal("null") {
		return
	}
	s, ok := d.quoted()
	if !ok {
		return
	}
	var v time.Time
	if err := v.UnmarshalText(s); err != nil {
		d.fail()
		return
	}
	*t = v
}

func (d *orderDecoder) timePtr() *time.Time {
	if d.literal("null") {
		return nil
	}
	t := new(time.Time)
	d.timestamp(t)
	return t
}

// moneyBag decodes a MoneyBag as its UnmarshalJSON does. Its usual form,
// which the method reads in place, is read here in place too (the method
// would need the value's extent found first): that form is a whole JSON
// object of plain strings, so what it spans is the value the method would
// be handed.
func (d *orderDecoder) moneyBag(m *MoneyBag) {
	if r, ok := bytes.CutPrefix(d.b[d.i:], []byte(`{"shopMoney":`)); ok {
		if shop, r, ok := plainMoney(r); ok {
			if len(r) > 0 && r[0] == '}' {
				m.ShopMoney = shop
				d.i = len(d.b) - len(r) + 1
				return
			}
			if r, ok := bytes.CutPrefix(r, []byte(`,"presentmentMoney":`)); ok {
				if presentment, r, ok := plainMoney(r); ok && len(r) > 0 && r[0] == '}' {
					m.ShopMoney, m.PresentmentMoney = shop, presentment
					d.i = len(d.b) - len(r) + 1
					return
				}
			}
		}
	}
	if raw := d.raw(); !d.bad && m.UnmarshalJSON(raw) != nil {
		d.fail()
	}
}

// money decodes a Money as its UnmarshalJSON does, its usual form in
// place as moneyBag does.
func (d *orderDecoder) money(m *Money) {
	if v, r, ok := plainMoney(d.b[d.i:]); ok {
		*m = v
		d.i = len(d.b) - len(r)
		return
	}
	if raw := d.raw(); !d.bad && m.UnmarshalJSON(raw) != nil {
		d.fail()
	}
}

func (d *orderDecoder) cents(c *money.Cents) {
	if raw := d.raw(); !d.bad && c.UnmarshalJSON(raw) != nil {
		d.fail()
	}
}

func (d *orderDecoder) decimal(x *DecimalText) {
	if raw := d.raw(); !d.bad && x.UnmarshalJSON(raw) != nil {
		d.fail()
	}
}

// pointerTo decodes a pointer to a T: nil for null, else a new T.
func pointerTo[T any](d *orderDecoder, decode func(*orderDecoder, *T)) *T {
	if d.literal("null") {
		return nil
	}
	v := new(T)
	decode(d, v)
	return v
}

// sliceOf decodes a slice: nil for null, and, as the reference gives, an
// empty slice that is not nil for [].
func sliceOf[T any](d *orderDecoder, decode func(*orderDecoder, *T)) []T {
	if d.literal("null") {
		return nil
	}
	if d.i >= len(d.b) || d.b[d.i] != '[' {
		d.fail()
		return nil
	}
	d.i++
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		return []T{}
	}
	var out []T
	for !d.bad {
		var zero T
		out = append(out, zero)
		d.ws()
		decode(d, &out[len(out)-1])
		d.ws()
		if d.i >= len(d.b) {
			d.fail()
			break
		}
		d.i++
		switch d.b[d.i-1] {
		case ']':
			return out
		case ',':
		default:
			d.fail()
		}
	}
	return nil
}

func (d *orderDecoder) order(v *Order) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "id":
			d.once(&seen, 0)
			v.ID = d.str()
		case "legacyResourceId":
			d.once(&seen, 1)
			v.LegacyResourceID = d.str()
		case "name":
			d.once(&seen, 2)
			v.Name = d.str()
		case "createdAt":
			d.once(&seen, 3)
			d.timestamp(&v.CreatedAt)
		case "processedAt":
			d.once(&seen, 4)
			d.timestamp(&v.ProcessedAt)
		case "updatedAt":
			d.once(&seen, 5)
			d.timestamp(&v.UpdatedAt)
		case "cancelledAt":
			d.once(&seen, 6)
			v.CancelledAt = d.timePtr()
		case "cancelReason":
			d.once(&seen, 7)
			v.CancelReason = d.str()
		case "test":
			d.once(&seen, 8)
			v.Test = d.boolean()
		case "sourceName":
			d.once(&seen, 9)
			v.SourceName = d.str()
		case "sourceIdentifier":
			d.once(&seen, 10)
			v.SourceIdentifier = d.str()
		case "currencyCode":
			d.once(&seen, 11)
			v.CurrencyCode = d.str()
		case "taxesIncluded":
			d.once(&seen, 12)
			v.TaxesIncluded = d.boolean()
		case "displayFinancialStatus":
			d.once(&seen, 13)
			v.DisplayFinancialStatus = d.str()
		case "retailLocation":
			d.once(&seen, 14)
			v.RetailLocation = pointerTo(d, (*orderDecoder).location)
		case "customer":
			d.once(&seen, 15)
			v.Customer = pointerTo(d, (*orderDecoder).customer)
		case "paymentGatewayNames":
			d.once(&seen, 16)
			v.PaymentGatewayNames = sliceOf(d, (*orderDecoder).stringElem)
		case "subtotalPriceSet":
			d.once(&seen, 17)
			d.moneyBag(&v.SubtotalPriceSet)
		case "totalPriceSet":
			d.once(&seen, 18)
			d.moneyBag(&v.TotalPriceSet)
		case "totalTaxSet":
			d.once(&seen, 19)
			d.moneyBag(&v.TotalTaxSet)
		case "totalDiscountsSet":
			d.once(&seen, 20)
			d.moneyBag(&v.TotalDiscountsSet)
		case "totalShippingPriceSet":
			d.once(&seen, 21)
			d.moneyBag(&v.TotalShippingPriceSet)
		case "totalTipReceivedSet":
			d.once(&seen, 22)
			d.moneyBag(&v.TotalTipReceivedSet)
		case "subtotalLineItemsQuantity":
			d.once(&seen, 23)
			v.SubtotalLineItemsQuantity = d.intPtr()
		case "totalReceivedSet":
			d.once(&seen, 24)
			d.moneyBag(&v.TotalReceivedSet)
		case "totalRefundedSet":
			d.once(&seen, 25)
			d.moneyBag(&v.TotalRefundedSet)
		case "currentTotalPriceSet":
			d.once(&seen, 26)
			d.moneyBag(&v.CurrentTotalPriceSet)
		case "totalCashRoundingAdjustment":
			d.once(&seen, 27)
			v.TotalCashRoundingAdjustment = pointerTo(d, (*orderDecoder).cashRounding)
		case "taxLines":
			d.once(&seen, 28)
			v.TaxLines = sliceOf(d, (*orderDecoder).taxLine)
		case "lineItems":
			d.once(&seen, 29)
			v.LineItems = sliceOf(d, (*orderDecoder).lineItem)
		case "shippingLines":
			d.once(&seen, 30)
			v.ShippingLines = sliceOf(d, (*orderDecoder).shippingLine)
		case "discountApplications":
			d.once(&seen, 31)
			v.DiscountApplications = sliceOf(d, (*orderDecoder).discountApplication)
		case "transactions":
			d.once(&seen, 32)
			v.Transactions = sliceOf(d, (*orderDecoder).transaction)
		case "refunds":
			d.once(&seen, 33)
			v.Refunds = sliceOf(d, (*orderDecoder).refund)
		case "agreements":
			d.once(&seen, 34)
			v.Agreements = sliceOf(d, (*orderDecoder).agreement)
		default:
			d.unknown(key, orderNames)
		}
	}
}

func (d *orderDecoder) stringElem(s *string) { *s = d.str() }

func (d *orderDecoder) location(v *Location) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "id":
			d.once(&seen, 0)
			v.ID = d.str()
		case "name":
			d.once(&seen, 1)
			v.Name = d.str()
		case "isActive":
			d.once(&seen, 2)
			v.IsActive = d.boolean()
		default:
			d.unknown(key, locationNames)
		}
	}
}

func (d *orderDecoder) customer(v *Customer) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "id":
			d.once(&seen, 0)
			v.ID = d.str()
		case "legacyResourceId":
			d.once(&seen, 1)
			v.LegacyResourceID = d.str()
		case "displayName":
			d.once(&seen, 2)
			v.DisplayName = d.str()
		case "firstName":
			d.once(&seen, 3)
			v.FirstName = d.str()
		case "lastName":
			d.once(&seen, 4)
			v.LastName = d.str()
		case "defaultEmailAddress":
			d.once(&seen, 5)
			v.DefaultEmailAddress = pointerTo(d, (*orderDecoder).email)
		case "defaultPhoneNumber":
			d.once(&seen, 6)
			v.DefaultPhoneNumber = pointerTo(d, (*orderDecoder).phone)
		case "defaultAddress":
			d.once(&seen, 7)
			v.DefaultAddress = pointerTo(d, (*orderDecoder).address)
		case "taxExempt":
			d.once(&seen, 8)
			v.TaxExempt = d.boolean()
		case "createdAt":
			d.once(&seen, 9)
			d.timestamp(&v.CreatedAt)
		case "updatedAt":
			d.once(&seen, 10)
			d.timestamp(&v.UpdatedAt)
		default:
			d.unknown(key, customerNames)
		}
	}
}

func (d *orderDecoder) email(v *Email) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "emailAddress":
			d.once(&seen, 0)
			v.EmailAddress = d.str()
		default:
			d.unknown(key, emailNames)
		}
	}
}

func (d *orderDecoder) phone(v *Phone) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "phoneNumber":
			d.once(&seen, 0)
			v.PhoneNumber = d.str()
		default:
			d.unknown(key, phoneNames)
		}
	}
}

func (d *orderDecoder) address(v *Address) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "address1":
			d.once(&seen, 0)
			v.Address1 = d.str()
		case "address2":
			d.once(&seen, 1)
			v.Address2 = d.str()
		case "city":
			d.once(&seen, 2)
			v.City = d.str()
		case "provinceCode":
			d.once(&seen, 3)
			v.ProvinceCode = d.str()
		case "zip":
			d.once(&seen, 4)
			v.Zip = d.str()
		case "countryCodeV2":
			d.once(&seen, 5)
			v.CountryCodeV2 = d.str()
		default:
			d.unknown(key, addressNames)
		}
	}
}

func (d *orderDecoder) cashRounding(v *CashRounding) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "paymentSet":
			d.once(&seen, 0)
			d.moneyBag(&v.PaymentSet)
		case "refundSet":
			d.once(&seen, 1)
			d.moneyBag(&v.RefundSet)
		default:
			d.unknown(key, cashRoundingNames)
		}
	}
}

func (d *orderDecoder) taxLine(v *TaxLine) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "title":
			d.once(&seen, 0)
			v.Title = d.str()
		case "rate":
			d.once(&seen, 1)
			d.decimal(&v.Rate)
		case "ratePercentage":
			d.once(&seen, 2)
			d.decimal(&v.RatePercentage)
		case "priceSet":
			d.once(&seen, 3)
			d.moneyBag(&v.PriceSet)
		case "channelLiable":
			d.once(&seen, 4)
			v.ChannelLiable = d.boolean()
		default:
			d.unknown(key, taxLineNames)
		}
	}
}

func (d *orderDecoder) lineItem(v *LineItem) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "id":
			d.once(&seen, 0)
			v.ID = d.str()
		case "name":
			d.once(&seen, 1)
			v.Name = d.str()
		case "title":
			d.once(&seen, 2)
			v.Title = d.str()
		case "variantTitle":
			d.once(&seen, 3)
			v.VariantTitle = d.str()
		case "sku":
			d.once(&seen, 4)
			v.SKU = d.str()
		case "vendor":
			d.once(&seen, 5)
			v.Vendor = d.str()
		case "quantity":
			d.once(&seen, 6)
			v.Quantity = d.integer()
		case "currentQuantity":
			d.once(&seen, 7)
			v.CurrentQuantity = d.integer()
		case "isGiftCard":
			d.once(&seen, 8)
			v.IsGiftCard = d.boolean()
		case "taxable":
			d.once(&seen, 9)
			v.Taxable = d.boolean()
		case "requiresShipping":
			d.once(&seen, 10)
			v.RequiresShipping = d.boolean()
		case "nonFulfillableQuantity":
			d.once(&seen, 11)
			v.NonFulfillableQuantity = d.intPtr()
		case "originalUnitPriceSet":
			d.once(&seen, 12)
			d.moneyBag(&v.OriginalUnitPriceSet)
		case "originalTotalSet":
			d.once(&seen, 13)
			d.moneyBag(&v.OriginalTotalSet)
		case "discountedTotalSet":
			d.once(&seen, 14)
			d.moneyBag(&v.DiscountedTotalSet)
		case "totalDiscountSet":
			d.once(&seen, 15)
			d.moneyBag(&v.TotalDiscountSet)
		case "discountAllocations":
			d.once(&seen, 16)
			v.DiscountAllocations = sliceOf(d, (*orderDecoder).discountAllocation)
		case "taxLines":
			d.once(&seen, 17)
			v.TaxLines = sliceOf(d, (*orderDecoder).taxLine)
		case "variant":
			d.once(&seen, 18)
			v.Variant = pointerTo(d, (*orderDecoder).productVariant)
		case "product":
			d.once(&seen, 19)
			v.Product = pointerTo(d, (*orderDecoder).productRef)
		default:
			d.unknown(key, lineItemNames)
		}
	}
}

func (d *orderDecoder) discountAllocation(v *DiscountAllocation) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "allocatedAmountSet":
			d.once(&seen, 0)
			d.moneyBag(&v.AllocatedAmountSet)
		case "discountApplication":
			d.once(&seen, 1)
			d.discountApplicationRef(&v.DiscountApplication)
		default:
			d.unknown(key, discountAllocationNames)
		}
	}
}

func (d *orderDecoder) discountApplicationRef(v *DiscountApplicationRef) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "__typename":
			d.once(&seen, 0)
			v.Typename = d.str()
		case "code":
			d.once(&seen, 1)
			v.Code = d.str()
		case "title":
			d.once(&seen, 2)
			v.Title = d.str()
		case "index":
			d.once(&seen, 3)
			v.Index = d.integer()
		case "targetSelection":
			d.once(&seen, 4)
			v.TargetSelection = d.str()
		case "targetType":
			d.once(&seen, 5)
			v.TargetType = d.str()
		case "allocationMethod":
			d.once(&seen, 6)
			v.AllocationMethod = d.str()
		default:
			d.unknown(key, discountApplicationRefNames)
		}
	}
}

func (d *orderDecoder) productVariant(v *ProductVariant) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "id":
			d.once(&seen, 0)
			v.ID = d.str()
		case "sku":
			d.once(&seen, 1)
			v.SKU = d.str()
		case "title":
			d.once(&seen, 2)
			v.Title = d.str()
		case "displayName":
			d.once(&seen, 3)
			v.DisplayName = d.str()
		case "price":
			d.once(&seen, 4)
			d.cents(&v.Price)
		case "taxable":
			d.once(&seen, 5)
			v.Taxable = d.boolean()
		case "inventoryItem":
			d.once(&seen, 6)
			v.InventoryItem = pointerTo(d, (*orderDecoder).inventoryItem)
		case "product":
			d.once(&seen, 7)
			v.Product = pointerTo(d, (*orderDecoder).productRef)
		case "updatedAt":
			d.once(&seen, 8)
			d.timestamp(&v.UpdatedAt)
		default:
			d.unknown(key, productVariantNames)
		}
	}
}

func (d *orderDecoder) productRef(v *ProductRef) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "id":
			d.once(&seen, 0)
			v.ID = d.str()
		case "title":
			d.once(&seen, 1)
			v.Title = d.str()
		case "productType":
			d.once(&seen, 2)
			v.ProductType = d.str()
		case "vendor":
			d.once(&seen, 3)
			v.Vendor = d.str()
		default:
			d.unknown(key, productRefNames)
		}
	}
}

func (d *orderDecoder) inventoryItem(v *InventoryItem) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "id":
			d.once(&seen, 0)
			v.ID = d.str()
		case "sku":
			d.once(&seen, 1)
			v.SKU = d.str()
		case "tracked":
			d.once(&seen, 2)
			v.Tracked = d.boolean()
		case "unitCost":
			d.once(&seen, 3)
			v.UnitCost = pointerTo(d, (*orderDecoder).money)
		default:
			d.unknown(key, inventoryItemNames)
		}
	}
}

func (d *orderDecoder) discountApplication(v *DiscountApplication) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "__typename":
			d.once(&seen, 0)
			v.Typename = d.str()
		case "index":
			d.once(&seen, 1)
			v.Index = d.integer()
		case "allocationMethod":
			d.once(&seen, 2)
			v.AllocationMethod = d.str()
		case "targetSelection":
			d.once(&seen, 3)
			v.TargetSelection = d.str()
		case "targetType":
			d.once(&seen, 4)
			v.TargetType = d.str()
		case "code":
			d.once(&seen, 5)
			v.Code = d.str()
		case "title":
			d.once(&seen, 6)
			v.Title = d.str()
		default:
			d.unknown(key, discountApplicationNames)
		}
	}
}

func (d *orderDecoder) shippingLine(v *ShippingLine) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "id":
			d.once(&seen, 0)
			v.ID = d.str()
		case "title":
			d.once(&seen, 1)
			v.Title = d.str()
		case "code":
			d.once(&seen, 2)
			v.Code = d.str()
		case "originalPriceSet":
			d.once(&seen, 3)
			d.moneyBag(&v.OriginalPriceSet)
		case "discountedPriceSet":
			d.once(&seen, 4)
			d.moneyBag(&v.DiscountedPriceSet)
		case "taxLines":
			d.once(&seen, 5)
			v.TaxLines = sliceOf(d, (*orderDecoder).taxLine)
		case "discountAllocations":
			d.once(&seen, 6)
			v.DiscountAllocations = sliceOf(d, (*orderDecoder).discountAllocation)
		case "isRemoved":
			d.once(&seen, 7)
			v.IsRemoved = d.boolean()
		default:
			d.unknown(key, shippingLineNames)
		}
	}
}

func (d *orderDecoder) transaction(v *OrderTransaction) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "id":
			d.once(&seen, 0)
			v.ID = d.str()
		case "kind":
			d.once(&seen, 1)
			v.Kind = d.str()
		case "status":
			d.once(&seen, 2)
			v.Status = d.str()
		case "gateway":
			d.once(&seen, 3)
			v.Gateway = d.str()
		case "formattedGateway":
			d.once(&seen, 4)
			v.FormattedGateway = d.str()
		case "amountSet":
			d.once(&seen, 5)
			d.moneyBag(&v.AmountSet)
		case "amountRoundingSet":
			d.once(&seen, 6)
			v.AmountRoundingSet = pointerTo(d, (*orderDecoder).moneyBag)
		case "processedAt":
			d.once(&seen, 7)
			d.timestamp(&v.ProcessedAt)
		case "parentTransaction":
			d.once(&seen, 8)
			v.ParentTransaction = pointerTo(d, (*orderDecoder).transactionRef)
		case "fees":
			d.once(&seen, 9)
			v.Fees = sliceOf(d, (*orderDecoder).transactionFee)
		case "location":
			d.once(&seen, 10)
			v.Location = pointerTo(d, (*orderDecoder).location)
		case "test":
			d.once(&seen, 11)
			v.Test = d.boolean()
		default:
			d.unknown(key, transactionNames)
		}
	}
}

func (d *orderDecoder) transactionRef(v *TransactionRef) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "id":
			d.once(&seen, 0)
			v.ID = d.str()
		default:
			d.unknown(key, transactionRefNames)
		}
	}
}

func (d *orderDecoder) transactionFee(v *TransactionFee) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "amount":
			d.once(&seen, 0)
			d.money(&v.Amount)
		case "taxAmount":
			d.once(&seen, 1)
			d.money(&v.TaxAmount)
		case "type":
			d.once(&seen, 2)
			v.Type = d.str()
		default:
			d.unknown(key, transactionFeeNames)
		}
	}
}

func (d *orderDecoder) refund(v *Refund) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "id":
			d.once(&seen, 0)
			v.ID = d.str()
		case "legacyResourceId":
			d.once(&seen, 1)
			v.LegacyResourceID = d.str()
		case "createdAt":
			d.once(&seen, 2)
			d.timestamp(&v.CreatedAt)
		case "processedAt":
			d.once(&seen, 3)
			v.ProcessedAt = d.timePtr()
		case "updatedAt":
			d.once(&seen, 4)
			d.timestamp(&v.UpdatedAt)
		case "note":
			d.once(&seen, 5)
			v.Note = d.str()
		case "totalRefundedSet":
			d.once(&seen, 6)
			d.moneyBag(&v.TotalRefundedSet)
		case "refundLineItems":
			d.once(&seen, 7)
			v.RefundLineItems = sliceOf(d, (*orderDecoder).refundLineItem)
		case "refundShippingLines":
			d.once(&seen, 8)
			v.RefundShippingLines = sliceOf(d, (*orderDecoder).refundShippingLine)
		case "orderAdjustments":
			d.once(&seen, 9)
			v.OrderAdjustments = sliceOf(d, (*orderDecoder).orderAdjustment)
		case "transactions":
			d.once(&seen, 10)
			v.Transactions = sliceOf(d, (*orderDecoder).transaction)
		default:
			d.unknown(key, refundNames)
		}
	}
}

func (d *orderDecoder) refundLineItem(v *RefundLineItem) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "lineItem":
			d.once(&seen, 0)
			d.lineItemRef(&v.LineItem)
		case "quantity":
			d.once(&seen, 1)
			v.Quantity = d.integer()
		case "priceSet":
			d.once(&seen, 2)
			d.moneyBag(&v.PriceSet)
		case "subtotalSet":
			d.once(&seen, 3)
			d.moneyBag(&v.SubtotalSet)
		case "totalTaxSet":
			d.once(&seen, 4)
			d.moneyBag(&v.TotalTaxSet)
		case "restockType":
			d.once(&seen, 5)
			v.RestockType = d.str()
		case "restocked":
			d.once(&seen, 6)
			v.Restocked = d.boolean()
		case "location":
			d.once(&seen, 7)
			v.Location = pointerTo(d, (*orderDecoder).location)
		default:
			d.unknown(key, refundLineItemNames)
		}
	}
}

func (d *orderDecoder) lineItemRef(v *LineItemRef) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "id":
			d.once(&seen, 0)
			v.ID = d.str()
		case "sku":
			d.once(&seen, 1)
			v.SKU = d.str()
		default:
			d.unknown(key, lineItemRefNames)
		}
	}
}

func (d *orderDecoder) refundShippingLine(v *RefundShippingLine) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "subtotalAmountSet":
			d.once(&seen, 0)
			d.moneyBag(&v.SubtotalAmountSet)
		case "taxAmountSet":
			d.once(&seen, 1)
			d.moneyBag(&v.TaxAmountSet)
		default:
			d.unknown(key, refundShippingLineNames)
		}
	}
}

func (d *orderDecoder) orderAdjustment(v *OrderAdjustment) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "id":
			d.once(&seen, 0)
			v.ID = d.str()
		case "amountSet":
			d.once(&seen, 1)
			d.moneyBag(&v.AmountSet)
		case "taxAmountSet":
			d.once(&seen, 2)
			d.moneyBag(&v.TaxAmountSet)
		case "reason":
			d.once(&seen, 3)
			v.Reason = d.str()
		default:
			d.unknown(key, orderAdjustmentNames)
		}
	}
}

func (d *orderDecoder) agreement(v *SalesAgreement) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "__typename":
			d.once(&seen, 0)
			v.Typename = d.str()
		case "id":
			d.once(&seen, 1)
			v.ID = d.str()
		case "happenedAt":
			d.once(&seen, 2)
			d.timestamp(&v.HappenedAt)
		case "reason":
			d.once(&seen, 3)
			v.Reason = d.str()
		case "sales":
			d.once(&seen, 4)
			v.Sales = sliceOf(d, (*orderDecoder).sale)
		default:
			d.unknown(key, agreementNames)
		}
	}
}

func (d *orderDecoder) sale(v *Sale) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "__typename":
			d.once(&seen, 0)
			v.Typename = d.str()
		case "id":
			d.once(&seen, 1)
			v.ID = d.str()
		case "actionType":
			d.once(&seen, 2)
			v.ActionType = d.str()
		case "lineType":
			d.once(&seen, 3)
			v.LineType = d.str()
		case "quantity":
			d.once(&seen, 4)
			v.Quantity = d.intPtr()
		case "totalAmount":
			d.once(&seen, 5)
			d.moneyBag(&v.TotalAmount)
		case "totalTaxAmount":
			d.once(&seen, 6)
			d.moneyBag(&v.TotalTaxAmount)
		case "totalDiscountAmountAfterTaxes":
			d.once(&seen, 7)
			d.moneyBag(&v.TotalDiscountAmountAfterTaxes)
		case "taxes":
			d.once(&seen, 8)
			v.Taxes = sliceOf(d, (*orderDecoder).saleTax)
		case "lineItem":
			d.once(&seen, 9)
			v.LineItem = pointerTo(d, (*orderDecoder).lineItemRef)
		default:
			d.unknown(key, saleNames)
		}
	}
}

func (d *orderDecoder) saleTax(v *SaleTax) {
	if !d.objectStart() {
		return
	}
	var seen uint64
	for first := true; ; first = false {
		key, ok := d.member(first)
		if !ok {
			return
		}
		switch string(key) {
		case "amount":
			d.once(&seen, 0)
			d.moneyBag(&v.Amount)
		case "taxLine":
			d.once(&seen, 1)
			d.taxLine(&v.TaxLine)
		default:
			d.unknown(key, saleTaxNames)
		}
	}
}

// foldedNames is the JSON names of T's fields, folded as foldName folds,
// read from their tags so that a field added later is in it without being
// listed here.
func foldedNames[T any]() map[string]bool {
	names := map[string]bool{}
	t := reflect.TypeFor[T]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" {
			name = t.Field(i).Name
		}
		names[string(foldName(nil, []byte(name)))] = true
	}
	return names
}

// The folded names of the fields of each type the hand reader reads.
var (
	orderNames                  = foldedNames[Order]()
	locationNames               = foldedNames[Location]()
	customerNames               = foldedNames[Customer]()
	emailNames                  = foldedNames[Email]()
	phoneNames                  = foldedNames[Phone]()
	addressNames                = foldedNames[Address]()
	cashRoundingNames           = foldedNames[CashRounding]()
	taxLineNames                = foldedNames[TaxLine]()
	lineItemNames               = foldedNames[LineItem]()
	discountAllocationNames     = foldedNames[DiscountAllocation]()
	discountApplicationRefNames = foldedNames[DiscountApplicationRef]()
	productVariantNames         = foldedNames[ProductVariant]()
	productRefNames             = foldedNames[ProductRef]()
	inventoryItemNames          = foldedNames[InventoryItem]()
	discountApplicationNames    = foldedNames[DiscountApplication]()
	shippingLineNames           = foldedNames[ShippingLine]()
	transactionNames            = foldedNames[OrderTransaction]()
	transactionRefNames         = foldedNames[TransactionRef]()
	transactionFeeNames         = foldedNames[TransactionFee]()
	refundNames                 = foldedNames[Refund]()
	refundLineItemNames         = foldedNames[RefundLineItem]()
	lineItemRefNames            = foldedNames[LineItemRef]()
	refundShippingLineNames     = foldedNames[RefundShippingLine]()
	orderAdjustmentNames        = foldedNames[OrderAdjustment]()
	agreementNames              = foldedNames[SalesAgreement]()
	saleNames                   = foldedNames[Sale]()
	saleTaxNames                = foldedNames[SaleTax]()
)

// mayName reports whether an unknown member name might match one of
// fields (folded names) in the reference's case-insensitive way. It errs
// towards yes: it also ignores dashes and underscores.
func mayName(fields map[string]bool, key []byte) bool {
	var buf [64]byte
	if len(key) > len(buf) {
		return true
	}
	return fields[string(foldName(buf[:0], key))]
}

// foldName appends name to dst in lower case, without dashes and
// underscores.
func foldName(dst, name []byte) []byte {
	for _, c := range name {
		switch {
		case c == '-' || c == '_':
		case c >= 'A' && c <= 'Z':
			dst = append(dst, c+'a'-'A')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
