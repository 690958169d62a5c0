package cli

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/shopqb/shopqb/internal/qbwc"
	"github.com/shopqb/shopqb/internal/store"
)

func runQWC(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("qwc --shop DOMAIN --url URL [flags]", "Writes the .qwc file the merchant adds to the QuickBooks Web Connector (File › App Management ›\nUpdate Web Services › Add an application). The app token is its password; it is not in the file.")
	db := fs.databaseFlag()
	shopFlag := fs.String("shop", "", "shop domain (example.myshopify.com)")
	endpoint := fs.String("url", "", "the Web Connector endpoint, e.g. https://shopqb.example.com/qbwc (http only for localhost)")
	out := fs.String("out", "", "write to this file instead of standard output")
	every := fs.Int("every-minutes", 15, "how often the Web Connector polls")
	if err := fs.parse(args, false); err != nil {
		return err
	}
	if *shopFlag == "" || *endpoint == "" {
		fs.Usage()
		return errUsage
	}
	st, err := store.Open(ctx, *db, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	shop, err := st.ShopByDomain(ctx, *shopFlag)
	if err != nil {
		return fmt.Errorf("shop %s: %w", *shopFlag, err)
	}
	u, err := url.Parse(*endpoint)
	if err != nil || u.Host == "" {
		return fmt.Errorf("--url %q is not a URL", *endpoint)
	}
	support := *u
	support.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/qbwc") + "/support"
	q := qbwc.QWC{
		AppName:          "shopqb " + strings.TrimSuffix(shop.Domain, ".myshopify.com"),
		AppURL:           *endpoint,
		AppDescription:   "Syncs " + shop.Domain + " (Shopify and Shopify POS) into QuickBooks",
		AppSupport:       support.String(),
		UserName:         shop.QBWCUser,
		OwnerID:          shop.OwnerID,
		FileID:           shop.FileID,
		AppUniqueName:    "shopqb-" + shop.Domain,
		RunEveryNMinutes: *every,
	}
	b, err := q.Marshal()
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = m.Stdout.Write(b)
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote %s: add it in the Web Connector and paste the shop's app token as its password\n", *out)
	return nil
}
