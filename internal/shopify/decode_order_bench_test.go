package shopify_test

import (
	"encoding/json"
	"testing"
	"time"

	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
)

// storedOrders is the orders of a generated shop as snapshots store them.
func storedOrders(tb testing.TB, n int) [][]byte {
	data := shopifysim.Generate(shopifysim.GeneratorOptions{Seed: 3, Orders: n, Days: 10,
		Start: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), Shop: shopifysim.Shop{Name: "Bench", Domain: "bench.myshopify.com", Timezone: "America/Chicago"}})
	var out [][]byte
	for i := range data.Orders {
		b, err := json.Marshal(&data.Orders[i])
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// BenchmarkDecodeStoredOrder is decoding a stored order by the json/v2
// engine alone and by DecodeStored (the hand reader).
func BenchmarkDecodeStoredOrder(b *testing.B) {
	bodies := storedOrders(b, 200)
	for _, c := range []struct {
		name   string
		decode func([]byte, any) error
	}{{"engine", jsonv1.Unmarshal}, {"DecodeStored", shopify.DecodeStored}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				for _, body := range bodies {
					var o shopify.Order
					if err := c.decode(body, &o); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(bodies)), "ns/order")
		})
	}
}

// BenchmarkEncodeStoredOrder is encoding an order as a snapshot stores
// it, by encoding/json and by EncodeStored (the hand writer).
func BenchmarkEncodeStoredOrder(b *testing.B) {
	data := shopifysim.Generate(shopifysim.GeneratorOptions{Seed: 3, Orders: 200, Days: 10,
		Start: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), Shop: shopifysim.Shop{Name: "Bench", Domain: "bench.myshopify.com", Timezone: "America/Chicago"}})
	for _, c := range []struct {
		name   string
		encode func(any) ([]byte, error)
	}{{"encoding/json", json.Marshal}, {"EncodeStored", shopify.EncodeStored}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				for i := range data.Orders {
					if _, err := c.encode(&data.Orders[i]); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(data.Orders)), "ns/order")
		})
	}
}
