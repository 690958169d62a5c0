package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/shopqb/shopqb/internal/stocky"
)

func adminStockyImport(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin stocky-import --shop DOMAIN --dir FOLDER", "Imports purchase orders from a Stocky export (a folder of Stocky v2 JSON): Stocky's API was retired\non 2026-08-31, so history lives in such exports. The next sync books them.")
	sf := fs.shopFlags()
	dir := fs.String("dir", "", "folder of Stocky v2 JSON files (searched recursively)")
	dayFirst := fs.Bool("day-first", false, "read ambiguous dates such as 09/02/2026 as day/month")
	a, shop, err := sf.parseAndOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	if *dir == "" {
		fs.Usage()
		return errUsage
	}
	arc, err := stocky.ImportArchive(*dir)
	if err != nil {
		return err
	}
	loc, _ := time.LoadLocation(shop.TimeZone)
	pos, err := arc.PurchaseOrdersForShopify("stocky-archive", stocky.DateConvention{DayFirst: *dayFirst, Location: loc})
	if err != nil {
		return err
	}
	n, err := a.Ingest.ImportPurchaseOrders(ctx, shop.ID, pos)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%d purchase orders read (%d new); %d files skipped; run `shopqb admin sync --shop %s` to book them\n", len(pos), n, len(arc.Skipped), shop.Domain)
	return nil
}
