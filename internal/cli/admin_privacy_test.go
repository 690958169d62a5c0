package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/app"
)

func TestAdminCustomerExport(t *testing.T) {
	db, key, common := twoShops(t)
	// Before Shopify asked, there is nothing to print, and the error says why.
	code, _, errOut := runWithStdin(t, "", append([]string{"admin", "customer-export", "--shop", "kim.myshopify.com", "--customer", "7"}, common...)...)
	if code == 0 || !strings.Contains(errOut, "has not sent a customers/data_request") {
		t.Fatalf("export before the request: exit %d, stderr %q", code, errOut)
	}

	// Shopify's customers/data_request, as the webhook handler passes it on.
	ctx := context.Background()
	a, err := app.Open(ctx, app.Config{DatabaseURL: db, KeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	shop, err := a.Store.ShopByDomain(ctx, "kim.myshopify.com")
	if err != nil {
		t.Fatal(err)
	}
	payload := `{"shop_id":1,"shop_domain":"kim.myshopify.com","orders_requested":[],"customer":{"id":7,"email":"ann@example.com"},"data_request":{"id":4242}}`
	if err := a.Privacy.CustomerDataRequest(ctx, shop.ID, []byte(payload)); err != nil {
		t.Fatal(err)
	}
	a.Close(ctx)

	code, out, errOut := runWithStdin(t, "", append([]string{"admin", "customer-export", "--shop", "kim.myshopify.com", "--customer", "gid://shopify/Customer/7"}, common...)...)
	if code != 0 {
		t.Fatalf("customer-export: exit %d, stderr %q", code, errOut)
	}
	var exp struct {
		Shop          string `json:"shop"`
		DataRequestID string `json:"dataRequestId"`
	}
	if err := json.Unmarshal([]byte(out), &exp); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, out)
	}
	if exp.Shop != "kim.myshopify.com" || exp.DataRequestID != "4242" {
		t.Fatalf("export header %+v\n%s", exp, out)
	}
	// The other shop holds no export for the same customer id.
	code, _, errOut = runWithStdin(t, "", append([]string{"admin", "customer-export", "--shop", "lee.myshopify.com", "--customer", "7"}, common...)...)
	if code == 0 || !strings.Contains(errOut, "no export for customer 7 at lee.myshopify.com") {
		t.Fatalf("other shop: exit %d, stderr %q", code, errOut)
	}
}
