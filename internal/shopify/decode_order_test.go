package shopify_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/testenv"
)

// The hand reader of orders (DecodeOrder) is held to the json/v2 engine
// DecodeStored otherwise runs (the reference): when it takes a document,
// the reference takes it too and gives a deeply equal Order; and
// DecodeStored, which falls back to the reference for what the reader
// declines, fails exactly when the reference does, with the same Order
// when neither does.

// againstEngine checks body as above and reports whether the hand reader
// took it.
func againstEngine(t *testing.T, name string, body []byte) bool {
	t.Helper()
	var want, hand, stored shopify.Order
	errWant := jsonv1.Unmarshal(body, &want)
	took := shopify.DecodeOrder(body, &hand)
	if took && errWant != nil {
		t.Fatalf("%s: the hand reader takes what the engine rejects (%v):\n%s", name, errWant, body)
	}
	if took && !reflect.DeepEqual(want, hand) {
		t.Fatalf("%s: the hand reader gives\n%+v\nthe engine gives\n%+v\nfor\n%s", name, hand, want, body)
	}
	errStored := shopify.DecodeStored(body, &stored)
	if (errStored == nil) != (errWant == nil) {
		t.Fatalf("%s: DecodeStored: %v; the engine: %v\n%s", name, errStored, errWant, body)
	}
	if errWant == nil && !reflect.DeepEqual(want, stored) {
		t.Fatalf("%s: DecodeStored gives\n%+v\nthe engine gives\n%+v\nfor\n%s", name, stored, want, body)
	}
	if errWant == nil {
		sameEncoding(t, name, &want)
	}
	return took
}

// sameEncoding checks that EncodeStored encodes o as encoding/json does.
func sameEncoding(t *testing.T, name string, o *shopify.Order) {
	t.Helper()
	want, errWant := json.Marshal(o)
	got, errGot := shopify.EncodeStored(o)
	if (errWant == nil) != (errGot == nil) || !bytes.Equal(want, got) {
		t.Fatalf("%s: EncodeStored gives %v\n%s\nencoding/json gives %v\n%s", name, errGot, got, errWant, want)
	}
}

// generatedOrders is every order of a generated shop as a snapshot stores
// it, and as a bulk file sends it (tax rates as JSON numbers).
func generatedOrders(t testing.TB, seed int64, n int) (stored, bulk [][]byte) {
	data := shopifysim.Generate(shopifysim.GeneratorOptions{Seed: seed, Orders: n, Days: 20,
		Start: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), Shop: shopifysim.Shop{Name: "Hand & Co", Domain: "hand.myshopify.com", Timezone: "America/Chicago"}})
	rateAsNumber := regexp.MustCompile(`"(rate|ratePercentage)":"([0-9.]+)"`)
	for i := range data.Orders {
		body, err := json.Marshal(&data.Orders[i])
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, body)
		bulk = append(bulk, rateAsNumber.ReplaceAll(body, []byte(`"$1":$2`)))
	}
	return stored, bulk
}

// Every order of a generated shop, stored or as a bulk file has it, and
// every order the simulator's bulk file rebuilds (nulls for absent values,
// __parentId members), is read by hand, as the engine reads it.
func TestDecodeOrderReadsOrdersAsTheEngine(t *testing.T) {
	stored, bulk := generatedOrders(t, 21, 600)
	var refunds, escapes int
	for i := range stored {
		for _, body := range [][]byte{stored[i], bulk[i]} {
			if !againstEngine(t, fmt.Sprintf("order %d", i), body) {
				t.Fatalf("order %d: the hand reader declines it:\n%s", i, body)
			}
		}
		refunds += bytes.Count(stored[i], []byte(`"gid://shopify/Refund/`))
		escapes += bytes.Count(stored[i], []byte(`\u`))
	}
	if refunds == 0 || escapes == 0 {
		t.Fatalf("the generated orders have %d refunds and %d escapes", refunds, escapes)
	}

	opts := shopifysim.Options{Seed: 22, Orders: 300, Days: 10, Bucket: shopifysim.BucketOptions{MaximumAvailable: 1e9, RestoreRate: 1e9}}
	opts.SchemaDir = filepath.Join(testenv.SharedDir(t), "shopify")
	opts.Shop.Domain, opts.AccessToken = "demo-store.myshopify.com", "shpat_sim"
	sim, err := shopifysim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	c, err := shopify.NewClient(shopify.ClientConfig{ShopDomain: "demo-store.myshopify.com", BaseURL: srv.URL, Token: shopify.StaticToken("shpat_sim")})
	if err != nil {
		t.Fatal(err)
	}
	file := bulkFile(t, c, strings.Replace(shopify.BulkQueryOrders.Query, `"SHOPQB_FILTER"`, `""`, 1))
	roots := 0
	err = shopify.RebuildBulk(bytes.NewReader(file), shopify.OrderChildField, func(root json.RawMessage) error {
		roots++
		if !bytes.Contains(root, []byte(`null`)) {
			t.Fatalf("bulk root %d has no null", roots)
		}
		if !againstEngine(t, fmt.Sprintf("bulk root %d", roots), root) {
			t.Fatalf("bulk root %d: the hand reader declines it:\n%s", roots, root)
		}
		return nil
	})
	if err != nil || roots != 300 {
		t.Fatalf("%d bulk roots, %v", roots, err)
	}
}

// filler sets every field of an Order and of every type under it to a
// value of its own, so that a field the hand reader leaves out, or reads
// into another field, shows as a difference from the engine. A bool is
// true when on says so for its path.
type filler struct {
	t *testing.T
	n int
	// width is the length of every slice (2 unless set).
	width int
	on    func(path string) bool
	// bools is every bool's path.
	bools []string
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	centsType   = reflect.TypeFor[money.Cents]()
	decimalType = reflect.TypeFor[shopify.DecimalText]()
)

func (f *filler) fill(v reflect.Value, path string) {
	f.n++
	switch {
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(time.Date(2026, 5, 1, 10, 0, f.n, f.n*1000, time.UTC)))
		return
	case v.Type() == centsType:
		v.SetInt(int64(f.n*101 + 1))
		return
	case v.Type() == decimalType:
		v.SetString(fmt.Sprintf("0.%04d", f.n))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(path)
	case reflect.Bool:
		f.bools = append(f.bools, path)
		v.SetBool(f.on(path))
	case reflect.Int:
		v.SetInt(int64(f.n))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem(), path)
	case reflect.Slice:
		width := cmp.Or(f.width, 2)
		v.Set(reflect.MakeSlice(v.Type(), width, width))
		for i := range width {
			f.fill(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			sf := v.Type().Field(i)
			name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
			// The hand reader reads fields as plain members by their
			// tag names: an embedded field, one without a name, or one
			// with an option that changes decoding needs it changed.
			if sf.Anonymous || !sf.IsExported() || name == "" || name == "-" || (opts != "" && opts != "omitempty" && opts != "omitzero") {
				f.t.Fatalf("%s.%s (tag %q): the hand reader of orders reads plain named fields only", v.Type(), sf.Name, sf.Tag.Get("json"))
			}
			f.fill(v.Field(i), path+"."+name)
		}
	default:
		f.t.Fatalf("%s: a %s, which the hand reader of orders does not read", path, v.Type())
	}
}

func (f *filler) order(on func(string) bool) []byte {
	f.n, f.on, f.bools = 0, on, nil
	var o shopify.Order
	f.fill(reflect.ValueOf(&o).Elem(), "order")
	body, err := json.Marshal(&o)
	if err != nil {
		f.t.Fatal(err)
	}
	sameEncoding(f.t, "filled order", &o)
	return body
}

// Every field of Order and of the types under it is read, and written, by
// hand: in an order with every field set to a value of its own, and with
// each bool the only true one. A field added to any of them that the hand
// reader does not read or the hand writer does not write fails this test
// (and so does one whose type or tag they do not know).
func TestDecodeOrderHandlesEveryField(t *testing.T) {
	f := &filler{t: t}
	all := f.order(func(string) bool { return true })
	if !againstEngine(t, "every field set", all) {
		t.Fatalf("the hand reader declines an order with every field set:\n%s", all)
	}
	for _, b := range f.bools {
		body := f.order(func(p string) bool { return p == b })
		if !againstEngine(t, b+" the only true bool", body) {
			t.Fatalf("the hand reader declines an order with only %s true", b)
		}
	}
	if len(f.bools) < 20 {
		t.Fatalf("only %d bools filled", len(f.bools))
	}
}

// member is where a member of an object is in a document: its name from
// the opening quote, and its value.
type member struct{ name, value, end int }

// members lists every object member of the compact document body.
func members(t *testing.T, body []byte) []member {
	d := jsontext.NewDecoder(bytes.NewReader(body))
	var out []member
	for {
		before := int(d.InputOffset())
		tok, err := d.ReadToken()
		if err != nil {
			break
		}
		if kind, length := d.StackIndex(d.StackDepth()); kind == '{' && length%2 == 1 && tok.Kind() == '"' {
			for before < len(body) && body[before] != '"' {
				before++ // the comma before the name
			}
			value := int(d.InputOffset()) + 1 // after the colon
			raw, err := jsontext.NewDecoder(bytes.NewReader(body[value:])).ReadValue()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, member{before, value, value + len(raw)})
		}
	}
	if len(out) == 0 {
		t.Fatalf("no members in %s", body)
	}
	return out
}

// mutants are documents like body with one member changed: its value
// null or of another kind, the member left out, given twice, or named in
// another case or with an escape.
func mutants(t *testing.T, body []byte) [][]byte {
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	var out [][]byte
	for _, m := range members(t, body) {
		for _, v := range []string{`null`, `true`, `-1`, `"2026-05-01T10:00:00Z"`, `{}`, `[null]`} {
			out = append(out, cat(body[:m.value], []byte(v), body[m.end:]))
		}
		name := body[m.name : m.value-1]
		if body[m.end] == ',' {
			out = append(out, cat(body[:m.name], body[m.end+1:]))
		} else if body[m.name-1] == ',' {
			out = append(out, cat(body[:m.name-1], body[m.end:]))
		}
		out = append(out,
			cat(body[:m.end], []byte(","), body[m.name:m.end], body[m.end:]),
			cat(body[:m.name], []byte(`"`), bytes.ToUpper(name[1:2]), name[2:], body[m.value-1:]),
			cat(body[:m.name], []byte(`"\u00`), fmt.Appendf(nil, "%02x", name[1]), name[2:], body[m.value-1:]),
		)
	}
	return out
}

// A document one member away from an order the hand reader takes is
// taken or declined, never misread: for every member of an order with
// every field set.
func TestDecodeOrderMutants(t *testing.T) {
	f := &filler{t: t, width: 1}
	var taken, n int
	for i, m := range mutants(t, f.order(func(string) bool { return true })) {
		n++
		if againstEngine(t, fmt.Sprintf("mutant %d", i), m) {
			taken++
		}
	}
	// Many mutants are still orders (a value of the right kind, a
	// member left out, null): the reader must take those.
	if taken < n/4 || taken == n {
		t.Fatalf("the hand reader takes %d of %d mutants", taken, n)
	}
}

// FuzzDecodeOrder holds the hand reader to the engine on any input. Its
// seeds, run by every go test, are generated orders and documents at the
// edges of what the reader takes.
func FuzzDecodeOrder(f *testing.F) {
	stored, bulk := generatedOrders(f, 24, 6)
	for i := range stored {
		f.Add(stored[i])
		f.Add(bulk[i])
	}
	for _, s := range []string{
		``, `null`, `{}`, ` {} `, `{} x`, `{}{}`, `[]`, `"x"`, `{"id":"a"`, `{"id":"a",}`, `{,}`, `{"id" "a"}`,
		`{"id":"a","id":"b"}`, `{"ID":"a"}`, `{"Id":"a","id":"b"}`, `{"i\u0064":"a"}`, `{"taxlines":[]}`, `{"tax_lines":[]}`,
		`{"id":"\u00e9\ud83d\ude00\n\t\"\\\/"}`, `{"id":"\ud800"}`, `{"id":"\udc00x"}`, `{"id":"\ud800\u0041"}`, "{\"id\":\"\xff\"}", "{\"id\":\"\xed\xa0\x80\"}",
		"{\"id\":\"a\x01\"}", "{\"id\":\"\x7f\"}", `{"name":"Caf` + "\u00e9" + ` & <Co>"}`,
		`{"test":true,"taxesIncluded":false}`, `{"test":null}`, `{"test":"true"}`, `{"test":1}`, `{"test":tru}`, `{"test":truex}`,
		`{"subtotalLineItemsQuantity":0}`, `{"subtotalLineItemsQuantity":-0}`, `{"subtotalLineItemsQuantity":-7}`, `{"subtotalLineItemsQuantity":1.0}`,
		`{"subtotalLineItemsQuantity":1e2}`, `{"subtotalLineItemsQuantity":01}`, `{"subtotalLineItemsQuantity":9223372036854775807}`,
		`{"subtotalLineItemsQuantity":9223372036854775808}`, `{"subtotalLineItemsQuantity":"3"}`, `{"subtotalLineItemsQuantity":null}`,
		`{"createdAt":"2026-05-01T10:00:00Z"}`, `{"createdAt":"2026-05-01T10:00:00.123456789+02:00"}`, `{"createdAt":"2026-05-01T10:00:00-07:00"}`,
		`{"createdAt":"2026-02-30T10:00:00Z"}`, `{"createdAt":"2026-05-01 10:00:00Z"}`, `{"createdAt":"2026-05-01T1:00:00Z"}`, `{"createdAt":"2026-05-01T10:00:00,5Z"}`,
		`{"createdAt":"2026-05-01T10:00:00+24:00"}`, `{"createdAt":"\u0032026-05-01T10:00:00Z"}`, `{"createdAt":1}`, `{"createdAt":null,"cancelledAt":null}`,
		`{"cancelledAt":"2026-05-01T10:00:00Z"}`, `{"cancelledAt":"x"}`,
		`{"totalPriceSet":{"shopMoney":{"amount":"1.23","currencyCode":"USD"}}}`,
		`{"totalPriceSet":{"shopMoney":{"amount":"1.23","currencyCode":"USD"},"presentmentMoney":{"amount":"2.00","currencyCode":"EUR"}}}`,
		`{"totalPriceSet":{"presentmentMoney":{"amount":"2.00","currencyCode":"EUR"},"shopMoney":{"amount":"1.23","currencyCode":"USD"}}}`,
		`{"totalPriceSet":{"shopMoney":{"amount":1.23,"currencyCode":"USD"}}}`, `{"totalPriceSet":{"shopMoney":{"amount":"1.234","currencyCode":"USD"}}}`,
		`{"totalPriceSet":{"shopMoney":{"amount":"1.23","currencyCode":"U\u0053D"}}}`, `{"totalPriceSet":{ "shopMoney" : {"amount":"1.23","currencyCode":"USD"} }}`,
		`{"totalPriceSet":{"shopMoney":{"amount":"1.23","currencyCode":"USD"}}x}`, `{"totalPriceSet":{"shopMoney":{"amount":"1.23","currencyCode":"USD"}},}`,
		`{"totalPriceSet":null}`, `{"totalPriceSet":[]}`, `{"totalPriceSet":{"shopMoney":null}}`,
		`{"transactions":[{"amountRoundingSet":null,"fees":[{"amount":{"amount":"0.30","currencyCode":"USD"},"taxAmount":null,"type":"x"}]}]}`,
		`{"transactions":[{"fees":[{"amount":{"amount":"0.30","currencyCode":"USD"}x}]}]}`,
		`{"lineItems":[{"variant":{"price":"10.00","inventoryItem":{"unitCost":{"amount":"4.00","currencyCode":"USD"}}}}]}`,
		`{"lineItems":[{"variant":{"price":10,"inventoryItem":{"unitCost":null}}}]}`, `{"lineItems":[{"variant":{"price":"abc"}}]}`,
		`{"taxLines":[{"rate":0.0625,"ratePercentage":6.25},{"rate":"0.05"},{"rate":null},{"rate":1e-2}]}`, `{"taxLines":[{"rate":true}]}`,
		`{"taxLines":[null,{}]}`, `{"taxLines":[1]}`, `{"taxLines":[{},]}`, `{"taxLines":[{}}`, `{"paymentGatewayNames":["a",null,"b"]}`,
		`{"paymentGatewayNames":[1]}`, `{"refunds":[{"processedAt":null,"refundLineItems":[{"lineItem":null,"location":{"isActive":true}}]}]}`,
		`{"agreements":[{"sales":[{"taxes":[{"taxLine":{"rate":"0.1"}}],"lineItem":{"id":"x"},"quantity":null}]}]}`,
		`{"__parentId":"gid://x","extra":{"a":[1,2.5e-3,true,false,null,"s",{"b":{}}],"c":-0.0}}`, `{"extra":[1 2]}`, `{"extra":{"a" 1}}`,
		`{"extra":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`,
		`{"extra":01}`, `{"extra":1.}`, `{"extra":.5}`, `{"extra":-}`, `{"extra":1e}`, `{"extra":"\x"}`, `{"extra":"\u12"}`,
		"{\t\"id\"\r\n:\n\"a\" }\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		againstEngine(t, "fuzzed", body)
	})
}

// EncodeStored quotes strings as encoding/json does: every byte, alone and
// among others, runes beyond ASCII, the two it escapes for JavaScript, and
// invalid UTF-8; and it leaves a time encoding/json refuses to it.
func TestEncodeStoredQuotesAsEncodingJSON(t *testing.T) {
	strs := []string{"", "plain", "Kiln & Co <b>", "caf\u00e9 \U0001F600", "a\u2028b\u2029c", "\xff\xfe", "\xed\xa0\x80", "x\xe2\x82", "\"\\/\b\f\n\r\t\x00\x1f\x7f"}
	for c := range 256 {
		strs = append(strs, string([]byte{byte(c)}), "ab"+string([]byte{byte(c)})+"cd")
	}
	for _, s := range strs {
		o := shopify.Order{ID: s, PaymentGatewayNames: []string{s}, TaxLines: []shopify.TaxLine{{Rate: shopify.DecimalText(s)}}}
		sameEncoding(t, fmt.Sprintf("%q", s), &o)
	}
	for _, when := range []time.Time{time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 5, 1, 10, 0, 0, 0, time.FixedZone("", 5*3600+30*60+7)), time.Date(2026, 5, 1, 10, 0, 0, 1, time.FixedZone("", -7*3600))} {
		sameEncoding(t, when.String(), &shopify.Order{CreatedAt: when})
		sameEncoding(t, when.String(), &shopify.Order{Refunds: []shopify.Refund{{ProcessedAt: &when}}})
	}
}
