package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/shopqb/shopqb"
)

// adminCustomerExport prints the export shopqb built when Shopify sent
// customers/data_request. Shopify does not collect it: the merchant must
// send it to the customer, so the operator needs a way to get it out.
func adminCustomerExport(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin customer-export --shop DOMAIN --customer ID",
		"Prints, as JSON, what shopqb holds about a customer, as built for Shopify's customers/data_request webhook; send it to the customer.")
	sf := fs.shopFlags()
	customer := fs.String("customer", "", "the customer's Shopify id (the number, or gid://shopify/Customer/N)")
	a, shop, err := sf.parseAndOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	id := strings.TrimPrefix(strings.TrimSpace(*customer), "gid://shopify/Customer/")
	if id == "" {
		return fmt.Errorf("--customer is required")
	}
	body, err := a.Privacy.CustomerExport(ctx, shop.ID, id)
	if errors.Is(err, shopqb.ErrNotFound) {
		return fmt.Errorf("no export for customer %s at %s: Shopify has not sent a customers/data_request for them, or customers/redact erased it since", id, shop.Domain)
	}
	if err != nil {
		return fmt.Errorf("customer export %s at %s: %w", id, shop.Domain, err)
	}
	_, err = m.Stdout.Write(append(body, '\n'))
	return err
}
