package shopify

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestMoneyDecodesAsWithoutMethods: a MoneyBag or Money decodes to what
// encoding/json makes of the same members without the types' methods,
// into an empty value or over one already set, whether the form is the
// one read in place or any other.
func TestMoneyDecodesAsWithoutMethods(t *testing.T) {
	// plainBag is MoneyBag without the methods.
	type plainMoney Money
	type plainBag struct {
		ShopMoney        plainMoney `json:"shopMoney"`
		PresentmentMoney plainMoney `json:"presentmentMoney,omitzero"`
	}
	bags := []string{
		`{"shopMoney":{"amount":"26.15","currencyCode":"USD"}}`,
		`{"shopMoney":{"amount":"-0.05","currencyCode":"CAD"},"presentmentMoney":{"amount":"7","currencyCode":"EUR"}}`,
		`{"shopMoney":{"amount":"1.5","currencyCode":"USD"},"presentmentMoney":{"amount":"2.00","currencyCode":"GBP"}}`,
		`{"presentmentMoney":{"amount":"2.00","currencyCode":"GBP"},"shopMoney":{"amount":"1.50","currencyCode":"USD"}}`,
		`{ "shopMoney": { "amount": "3.10", "currencyCode": "USD" } }`,
		`{"shopMoney":{"currencyCode":"USD","amount":"3.10"}}`,
		`{"shopMoney":{"amount":3.1,"currencyCode":"USD"}}`,
		`{"shopMoney":{"amount":"12.300","currencyCode":"USD"}}`,
		`{"shopMoney":{"amount":".5","currencyCode":"U\u0053D"}}`,
		`{"shopMoney":{"amount":"1.00"}}`,
		`{"shopMoney":null}`,
		`{}`,
		`null`,
		`{"shopMoney":{"amount":"1.00","currencyCode":"USD"},"other":1}`,
		`{"shopMoney":{"amount":"1.00","currencyCode":"USD"}}x`,
		`{"shopMoney":{"amount":"1,00","currencyCode":"USD"}}`,
		`{"shopMoney":{"amount":"1.00","currencyCode":"USD"},"presentmentMoney":{"amount":"2.00","currencyCode":"USD"}`,
	}
	for _, in := range bags[:3] {
		if !new(MoneyBag).decodePlain([]byte(in)) {
			t.Errorf("%s is not read in place", in)
		}
	}
	set := MoneyBag{ShopMoney: Money{Amount: 99, CurrencyCode: "JPY"}, PresentmentMoney: Money{Amount: 98, CurrencyCode: "JPY"}}
	for _, in := range bags {
		for _, start := range []MoneyBag{{}, set} {
			got := start
			gotErr := json.Unmarshal([]byte(in), &got)
			pb := plainBag{plainMoney(start.ShopMoney), plainMoney(start.PresentmentMoney)}
			wantErr := json.Unmarshal([]byte(in), &pb)
			want := MoneyBag{Money(pb.ShopMoney), Money(pb.PresentmentMoney)}
			if (gotErr == nil) != (wantErr == nil) || gotErr == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("%s over %+v: got %+v, %v; want %+v, %v", in, start, got, gotErr, want, wantErr)
			}
			// The json/v2 engine the snapshots are decoded with agrees.
			var v2 MoneyBag = start
			if err := DecodeStored([]byte(in), &v2); (err == nil) != (gotErr == nil) || err == nil && v2 != got {
				t.Errorf("%s over %+v: DecodeStored gives %+v, %v; encoding/json %+v, %v", in, start, v2, err, got, gotErr)
			}
		}
	}
}
