package cli

import (
	"context"
	"fmt"
)

// adminStockyKey stores the Stocky API key the sync uses to read Stocky's
// purchase orders. The JSON admin API's PUT /api/shops/{id}/stocky-key
// calls the same shopadmin.Service.SetStockyKey.
func adminStockyKey(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin stocky-key --shop DOMAIN --key KEY [--store-name NAME]", "Stores the shop's Stocky API key (Stocky › Preferences › API access), encrypted with the server's key,\nand the Store-Name Stocky expects with it. Stocky's API was retired on 2026-08-31: where the key\nno longer works, import a Stocky export with `shopqb admin stocky-import` instead.")
	sf := fs.shopFlags()
	key := fs.String("key", "", "the Stocky API key")
	storeName := fs.String("store-name", "", "the Store-Name Stocky expects (default: the shop's myshopify domain)")
	a, shop, err := sf.parseAndOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	if *key == "" {
		fs.Usage()
		return errUsage
	}
	if err := a.Admin.SetStockyKey(ctx, shop.ID, cliActor, *storeName, *key); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "Stocky key stored (encrypted)")
	return nil
}
