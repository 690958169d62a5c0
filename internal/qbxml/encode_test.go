package qbxml

import (
	"encoding/xml"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// plannerKinds are the requests the planner makes for every back-fill: the
// fast encoder must take all of them, or the back-fill is slow again.
var plannerKinds = []string{"SalesReceiptAdd", "CreditMemoAdd", "ARRefundCreditCardAdd", "DepositAdd",
	"JournalEntryAdd", "PurchaseOrderAdd", "ItemReceiptAdd", "CustomerAdd", "VendorAdd", "AccountAdd",
	"ClassAdd", "PaymentMethodAdd", "ItemInventoryAdd", "ItemNonInventoryAdd", "ItemOtherChargeAdd",
	"ItemDiscountAdd", "ItemSalesTaxAdd", "ItemPaymentAdd"}

func TestFastEncoderTakesThePlannersRequests(t *testing.T) {
	examples := requestExamples()
	for _, kind := range plannerKinds {
		r, ok := examples[kind]
		if !ok {
			t.Fatalf("no example of %s", kind)
		}
		if codecFor(reflect.TypeOf(r)) == nil {
			t.Errorf("%s goes through encoding/xml", kind)
			continue
		}
		if _, err := fastRequest(r, r.RequestName()); err != nil {
			t.Errorf("%s: the fast encoder refused the example: %v", kind, err)
		}
	}
	// A type with MarshalXML is encoding/xml's.
	if codecFor(reflect.TypeOf(TxnTypeQuery{})) != nil {
		t.Error("TxnTypeQuery has MarshalXML, yet the fast encoder compiled it")
	}
}

// TestFastEncoderWritesWhatEncodingXMLWrites marshals every example request
// and thousands of randomly filled ones of every kind both ways: the output,
// or the error, must be the same to the byte.
func TestFastEncoderWritesWhatEncodingXMLWrites(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	fast := map[string]int{}
	for name, ex := range requestExamples() {
		compareMarshal(t, ex)
		typ := reflect.TypeOf(ex)
		for i := 0; i < 400; i++ {
			v := reflect.New(typ).Elem()
			fill(r, v, 0)
			req := v.Interface().(Request)
			if compareMarshal(t, req) {
				fast[name]++
			}
		}
	}
	// The random values must often be good enough for the fast path, or
	// the comparison would only ever test the fallback.
	for _, kind := range plannerKinds {
		if fast[kind] < 20 {
			t.Errorf("%s: only %d of 400 random requests were written by the fast encoder", kind, fast[kind])
		}
	}
}

// compareMarshal checks MarshalRequest against marshalStd and says whether
// the fast encoder wrote the request.
func compareMarshal(t *testing.T, req Request) bool {
	t.Helper()
	name := req.RequestName()
	got, gotErr := MarshalRequest(req)
	want, wantErr := marshalStd(req, name)
	if got != want || errText(gotErr) != errText(wantErr) {
		t.Fatalf("%s: fast encoder differs from encoding/xml\nfast: %q %v\nxml:  %q %v\nvalue: %#v", name, got, gotErr, want, wantErr, req)
	}
	_, err := fastRequest(req, name)
	return err == nil
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Texts for random requests: plain, needing escapes, Latin-1 and beyond,
// controls, bad UTF-8, characters XML cannot hold, over-long.
var randomTexts = []string{"", "", "", "Ann Lee", "Zoë Ärger", "a&b <c> \"d\" 'e'", "tab\there", "line\nend\r",
	"김민준", "\x01ctl", "bad \xff utf8", "\uFFFD", "\uFFFE", "\U0001F389", "TxnID:sale-1", "x:y",
	strings.Repeat("long ", 1000), "]]>", "\u0085\u00a0nbsp"}

var randomValues = map[reflect.Type][]string{
	reflect.TypeFor[Decimal]():   {"", "1", "12.5", "-3.00001", "+7", "1e3", "1.123456", "12345678901", "0.00"},
	reflect.TypeFor[Date]():      {"", "2026-11-02", "2026-02-30", "2026-1-2", "today"},
	reflect.TypeFor[DateTime]():  {"", "2026-11-02T10:00:00", "2026-11-02T10:00:00-05:00", "2026-11-02 10:00"},
	reflect.TypeFor[GUID]():      {"", "0", string(testGUID), "6F9619FF-8B86-D011-B42D-00C04FC964FF", "{x}"},
	reflect.TypeFor[PendingID](): {"", "TxnID:po-1", "TxnLineID:po-1#2", "ABC-123", strings.Repeat("9", 40)},
}

// fill sets v to a random value, mostly ones QuickBooks would take.
func fill(r *rand.Rand, v reflect.Value, depth int) {
	t := v.Type()
	if vals, ok := randomValues[t]; ok {
		v.SetString(vals[r.IntN(len(vals))])
		return
	}
	switch t.Kind() {
	case reflect.String:
		if r.IntN(3) == 0 {
			v.SetString(randomTexts[r.IntN(len(randomTexts))])
		}
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		switch r.IntN(8) {
		case 0:
			v.SetInt(0)
		case 1:
			v.SetInt(-r.Int64N(1 << 40))
		case 2:
			v.SetInt(maxAmountCents + r.Int64N(10))
		default:
			v.SetInt(r.Int64N(1 << 40))
		}
	case reflect.Pointer:
		if depth < 4 && r.IntN(3) > 0 {
			p := reflect.New(t.Elem())
			fill(r, p.Elem(), depth+1)
			v.Set(p)
		}
	case reflect.Slice:
		if depth < 4 {
			n := r.IntN(4)
			s := reflect.MakeSlice(t, n, n)
			for i := 0; i < n; i++ {
				fill(r, s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			if f.Type == reflect.TypeFor[xml.Name]() {
				// encoding/xml writes the tag's name whatever the value;
				// lengthsOK reads its texts.
				if r.IntN(20) == 0 {
					v.Field(i).Set(reflect.ValueOf(xml.Name{Local: randomTexts[r.IntN(len(randomTexts))]}))
				}
				continue
			}
			// Most fields are left empty, as in real requests, so that
			// the rest often pass.
			if r.IntN(3) == 0 {
				fill(r, v.Field(i), depth)
			}
		}
	}
}

func TestPlainXMLTextAgreesWithEscapeText(t *testing.T) {
	var cases []string
	for _, s := range randomTexts {
		cases = append(cases, s)
	}
	for c := 0; c < 0x100; c++ {
		cases = append(cases, string([]byte{byte(c)}), string(rune(c)))
	}
	cases = append(cases, "\uD7FF", "\uE000", "\U00010000", "\U0010FFFF", "\xed\xa0\x80", "\xf4\x90\x80\x80")
	for _, s := range cases {
		var b strings.Builder
		if err := xml.EscapeText(&b, []byte(s)); err != nil {
			t.Fatal(err)
		}
		if plain := b.String() == s; plainXMLText(s) != plain {
			t.Errorf("plainXMLText(%q) = %v, EscapeText leaves it plain: %v", s, !plain, plain)
		}
		if plainASCIIText([]byte(s)) && b.String() != s {
			t.Errorf("plainASCIIText(%q) says plain, EscapeText gives %q", s, b.String())
		}
	}
}

// encoderFeatures uses every struct feature the fast encoder compiles,
// including those no request uses today, so each is compared with
// encoding/xml too.
type encoderFeatures struct {
	XMLName  xml.Name    `xml:"EncoderFeatures"`
	Attr     string      `xml:"attr,attr"`
	AttrOmit string      `xml:"attrOmit,attr,omitempty"`
	AttrBool bool        `xml:"flag,attr,omitempty"`
	AttrInt  int         `xml:"count,attr"`
	AttrText Decimal     `xml:"rate,attr,omitempty"`
	Untagged string      // named after the field
	Omit     string      `xml:",omitempty"`
	Bool     bool        `xml:"Bool"`
	BoolOmit bool        `xml:"BoolOmit,omitempty"`
	Int      int64       `xml:"Int,omitempty"`
	IntPlain int32       `xml:"IntPlain"`
	Amount   Amount      `xml:"Amount,omitempty"`
	Str      *string     `xml:"Str"`
	Strs     []string    `xml:"Strs,omitempty" max:"5"`
	StrsAll  []string    `xml:"StrsAll"`
	Texts    []Decimal   `xml:"Texts,omitempty"`
	Ptrs     []*Ref      `xml:"Ptrs"`
	Value    Ref         `xml:"Value"`
	Macro    *MacroTxnID `xml:"Macro,omitempty"`
	Lines    []SalesLine `xml:"Line"`
	Short    string      `xml:"Short,omitempty" max:"3"`
	hidden   string
}

func (encoderFeatures) RequestName() string { return "EncoderFeaturesRq" }

func TestFastEncoderFeatures(t *testing.T) {
	if codecFor(reflect.TypeFor[encoderFeatures]()) == nil {
		t.Fatal("encoderFeatures goes through encoding/xml")
	}
	r := rand.New(rand.NewPCG(3, 4))
	fast := 0
	for i := 0; i < 3000; i++ {
		var v encoderFeatures
		fill(r, reflect.ValueOf(&v).Elem(), 0)
		v.hidden = "not written"
		if compareMarshal(t, v) {
			fast++
		}
		if compareMarshal(t, &v) {
			fast++
		}
	}
	if fast < 300 {
		t.Errorf("only %d of 6000 random values were written by the fast encoder", fast)
	}
}

type (
	withEmbedded struct{ ListFilter }
	withPath     struct {
		A string `xml:"a>b"`
	}
	withNamespace struct {
		A string `xml:"ns a"`
	}
	withBytes    struct{ A []byte }
	withAny      struct{ A any }
	withFloat    struct{ A float64 }
	withInnerXML struct {
		A string `xml:",innerxml"`
	}
	innerNamed struct {
		XMLName xml.Name `xml:"Inner"`
		A       string
	}
	withNamedInner struct{ N innerNamed }
	withSkipped    struct {
		A string `xml:"-"`
	}
	withBadMax struct {
		A string `max:"x"`
	}
	withPtrText struct{ A ptrText }
	ptrText     string
	plainStruct struct{ A string }
)

func (*ptrText) MarshalText() ([]byte, error) { return []byte("p"), nil }

// TestFastEncoderLeavesTheRestToEncodingXML: types using features it does
// not compile go through encoding/xml whole.
func TestFastEncoderLeavesTheRestToEncodingXML(t *testing.T) {
	if codecFor(reflect.TypeFor[plainStruct]()) == nil {
		t.Fatal("a plain struct goes through encoding/xml")
	}
	for _, v := range []any{withEmbedded{}, withPath{}, withNamespace{}, withBytes{}, withAny{}, withFloat{},
		withInnerXML{}, withNamedInner{}, withSkipped{}, withBadMax{}, withPtrText{}, struct{ A string }{}} {
		if codecFor(reflect.TypeOf(v)) != nil {
			t.Errorf("%T compiled for the fast encoder", v)
		}
	}
}
