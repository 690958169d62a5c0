package shopify_test

import (
	"encoding/json"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
)

// DecodeStored decodes what encoding/json does, value for value: every
// order and payout of a generated shop as a snapshot stores it, and as a
// bulk file sends it (tax rates as JSON numbers).
func TestDecodeStoredDecodesAsEncodingJSON(t *testing.T) {
	data := shopifysim.Generate(shopifysim.GeneratorOptions{Seed: 11, Orders: 800, Days: 20,
		Start: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), Shop: shopifysim.Shop{Name: "Decode", Domain: "decode.myshopify.com", Timezone: "America/Chicago"}})
	rateAsNumber := regexp.MustCompile(`"(rate|ratePercentage)":"([0-9.]+)"`)
	var numericRates int
	same := func(name string, body []byte, decodeInto func() (any, any)) {
		t.Helper()
		want, got := decodeInto()
		errWant, errGot := json.Unmarshal(body, want), shopify.DecodeStored(body, got)
		if errWant != nil || errGot != nil {
			t.Fatalf("%s: encoding/json: %v; DecodeStored: %v", name, errWant, errGot)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("%s: DecodeStored gives\n%+v\nencoding/json gives\n%+v", name, got, want)
		}
	}
	for i := range data.Orders {
		body, err := json.Marshal(&data.Orders[i])
		if err != nil {
			t.Fatal(err)
		}
		orders := func() (any, any) { return new(shopify.Order), new(shopify.Order) }
		same(data.Orders[i].ID, body, orders)
		bulk := rateAsNumber.ReplaceAll(body, []byte(`"$1":$2`))
		numericRates += len(rateAsNumber.FindAll(body, -1))
		same(data.Orders[i].ID+" (rates as numbers)", bulk, orders)
	}
	for i := range data.Payouts {
		body, err := json.Marshal(&data.Payouts[i])
		if err != nil {
			t.Fatal(err)
		}
		same(data.Payouts[i].ID, body, func() (any, any) { return new(shopify.Payout), new(shopify.Payout) })
	}
	if numericRates == 0 || len(data.Payouts) == 0 {
		t.Fatalf("the generated shop has %d tax rates and %d payouts", numericRates, len(data.Payouts))
	}
	for _, bad := range []string{`{"id":"a"`, `{"id":1}`, `{"totalPriceSet":{"shopMoney":{"amount":"1.234"}}}`, `{"taxLines":[{"rate":true}]}`} {
		var o shopify.Order
		if err := shopify.DecodeStored([]byte(bad), &o); err == nil {
			t.Errorf("DecodeStored(%s) accepted", bad)
		}
	}
}

// DecodeStoredMembers gives what decoding the whole document gives into a
// type with only those members: for every order of a generated shop, and
// for keys in another case, repeated, escaped or nested under other keys.
func TestDecodeStoredMembersDecodesAsTheWholeDocument(t *testing.T) {
	type days struct {
		ProcessedAt time.Time `json:"processedAt"`
		Refunds     []struct {
			ID          string     `json:"id"`
			ProcessedAt *time.Time `json:"processedAt"`
		} `json:"refunds"`
		Agreements []struct {
			Reason string `json:"reason"`
		} `json:"agreements"`
	}
	same := func(name string, body []byte) {
		t.Helper()
		var want, got days
		errWant := json.Unmarshal(body, &want)
		errGot := shopify.DecodeStoredMembers(body, &got, "processedAt", "refunds", "agreements")
		if (errWant == nil) != (errGot == nil) || !reflect.DeepEqual(want, got) {
			t.Fatalf("%s: DecodeStoredMembers gives %+v, %v; encoding/json %+v, %v", name, got, errGot, want, errWant)
		}
	}
	data := shopifysim.Generate(shopifysim.GeneratorOptions{Seed: 12, Orders: 300, Days: 10,
		Start: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), Shop: shopifysim.Shop{Name: "Members", Domain: "members.myshopify.com", Timezone: "America/Chicago"}})
	refunded := 0
	for i := range data.Orders {
		body, err := json.Marshal(&data.Orders[i])
		if err != nil {
			t.Fatal(err)
		}
		refunded += min(len(data.Orders[i].Refunds), 1)
		same(data.Orders[i].ID, body)
	}
	if refunded == 0 {
		t.Fatal("the generated shop has no refunds")
	}
	for _, body := range []string{
		`{}`, ` { } `,
		`{"ProcessedAt":"2026-05-01T10:00:00Z"}`,
		`{"processedAt":"2026-05-01T10:00:00Z","processedAt":"2026-05-02T10:00:00Z"}`,
		`{"processed\u0041t":"2026-05-03T10:00:00Z"}`,
		`{"customer":{"processedAt":"2026-05-04T10:00:00Z"},"lines":[{"refunds":[1]}],"agreements":[{"reason":"ORDER_EDIT"}]}`,
		`{ "name" : "#1" , "n": -1.5e3, "t": true, "refunds" : [ {"id":"r\"1","processedAt":null} ] }`,
	} {
		same(body, []byte(body))
	}
}
