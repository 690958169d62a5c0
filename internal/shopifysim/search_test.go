package shopifysim

import (
	"testing"
	"time"
)

func TestSearchSyntax(t *testing.T) {
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	order := map[string]any{"id": "gid://shopify/Order/1005", "updatedAt": "2026-11-10T12:00:00Z",
		"createdAt": "2026-11-09T12:00:00Z", "cancelledAt": nil, "displayFinancialStatus": "PAID",
		"sourceName": "pos", "name": "#1005", "paymentGatewayNames": []any{"cash", "shopify_payments"}}
	for q, want := range map[string]bool{
		"":                                    true,
		"updated_at:>'2026-11-10T11:59:59Z'":  true,
		"updated_at:>'2026-11-10T12:00:00Z'":  false,
		"updated_at:>='2026-11-10T12:00:00Z'": true,
		"updated_at:<=2026-11-10":             false,
		"updated_at:<2026-11-11":              true,
		"updated_at:<=2026-11-10T12:00:00Z":   true,
		"updated_at:2026-11-10":               true,
		"updated_at:<=2025":                   false,
		"updated_at:<now":                     true,
		"created_at:>2026-11-09 AND id:>1000": true,
		"id:>1005":                            false,
		"id:>=gid://shopify/Order/1005":       true,
		"status:open":                         true,
		"status:cancelled":                    false,
		"NOT status:cancelled":                true,
		"-status:open":                        false,
		"status:cancelled OR source_name:pos": true,
		"(status:cancelled OR financial_status:paid) AND gateway:cash": true,
		"gateway:gift_card":      false,
		"unknown_field:whatever": true,
		"1005":                   true,
		"processed_at:>2026":     false, // the order has no processedAt
	} {
		n, err := parseSearch(q)
		if err != nil {
			t.Errorf("%q: %v", q, err)
			continue
		}
		if got := n.match(order, now); got != want {
			t.Errorf("%q matched %v, want %v (parsed %s)", q, got, want, n)
		}
	}
	for _, bad := range []string{"updated_at:'2026", "(status:open", "NOT", "a OR"} {
		if _, err := parseSearch(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// FuzzParseSearch: parsing never panics, and printing a parsed query and
// parsing it again gives the same query.
func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{"updated_at:>'2026-01-01T00:00:00Z'", "status:open AND -test:true",
		"(a OR b) c", "NOT (x:1 OR y:<=2)", "name:'#10 01'", `sku:"AB 12"`, "((((", "-", "a:b:c", "OR OR", "''"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		n, err := parseSearch(q)
		if err != nil {
			return
		}
		again, err := parseSearch(n.String())
		if err != nil {
			t.Fatalf("reprint %q of %q does not parse: %v", n.String(), q, err)
		}
		if again.String() != n.String() {
			t.Fatalf("reprint not stable: %q → %q", n.String(), again.String())
		}
	})
}
