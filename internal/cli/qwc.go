package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/web"
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
	q, err := web.ShopQWC(shop, *endpoint, *every)
	if err != nil {
		return fmt.Errorf("--url: %w", err)
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
