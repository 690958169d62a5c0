package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/store"
)

func runAdmin(ctx context.Context, m *Main, args []string) error {
	subs := map[string]func(context.Context, []string) error{
		"shop-add":        func(ctx context.Context, a []string) error { return adminShopAdd(ctx, m, a) },
		"shops":           func(ctx context.Context, a []string) error { return adminShops(ctx, m, a) },
		"shopify-token":   func(ctx context.Context, a []string) error { return adminShopifyToken(ctx, m, a) },
		"token":           func(ctx context.Context, a []string) error { return adminToken(ctx, m, a) },
		"settings":        func(ctx context.Context, a []string) error { return adminSettings(ctx, m, a) },
		"start":           func(ctx context.Context, a []string) error { return adminStart(ctx, m, a) },
		"sync":            func(ctx context.Context, a []string) error { return adminSync(ctx, m, a) },
		"status":          func(ctx context.Context, a []string) error { return adminStatus(ctx, m, a) },
		"retry":           func(ctx context.Context, a []string) error { return adminRetry(ctx, m, a) },
		"reset":           func(ctx context.Context, a []string) error { return adminReset(ctx, m, a) },
		"stocky-import":   func(ctx context.Context, a []string) error { return adminStockyImport(ctx, m, a) },
		"stocky-key":      func(ctx context.Context, a []string) error { return adminStockyKey(ctx, m, a) },
		"user-add":        func(ctx context.Context, a []string) error { return adminUserAdd(ctx, m, a) },
		"user-grant":      func(ctx context.Context, a []string) error { return adminUserGrant(ctx, m, a) },
		"login-link":      func(ctx context.Context, a []string) error { return adminLoginLink(ctx, m, a) },
		"customer-export": func(ctx context.Context, a []string) error { return adminCustomerExport(ctx, m, a) },
	}
	return m.subcommands(ctx, "admin", subs, map[string]string{
		"shop-add":        "register a shop; prints its Web Connector user and app token (shown once)",
		"shops":           "list shops",
		"shopify-token":   "store a shop's Shopify Admin API token (encrypted at rest)",
		"token":           "rotate a shop's app token (the old one stops working)",
		"settings":        "show or change start date, modes, schedule and account mapping",
		"start":           "validate the settings against QuickBooks' preflight and start (once)",
		"sync":            "sync now: read Shopify, plan and fill the outbox",
		"status":          "preflight, outbox counts, recent syncs and failures",
		"retry":           "put failed postings back in the queue after fixing their cause",
		"reset":           "archive the run and unlock the settings (never posts twice)",
		"stocky-import":   "import purchase orders from a Stocky export folder (the Stocky API is retired)",
		"stocky-key":      "store a shop's Stocky API key (encrypted at rest) and its Store-Name",
		"user-add":        "add a user of the self-hosted pages (password on standard input)",
		"user-grant":      "let a user of the self-hosted pages see more shops",
		"login-link":      "print a one-time login link for a user (15 minutes)",
		"customer-export": "print what shopqb holds about a customer, built for Shopify's customers/data_request",
	}, args)
}

// cliActor is who the audit log says made a change from the command line.
const cliActor = "cli"

// openAdmin opens the app without a server or job workers.
func openAdmin(ctx context.Context, db, keyFile string) (*app.App, error) {
	return app.Open(ctx, app.Config{DatabaseURL: db, KeyFile: keyFile})
}

type shopFlags struct {
	db, key, shop *string
}

func (f *flagSet) shopFlags() shopFlags {
	return shopFlags{
		db:   f.databaseFlag(),
		key:  f.String("key-file", "", "file holding the key that encrypts secrets (SHOPQB_SECRET_KEY wins)"),
		shop: f.String("shop", "", "shop domain (example.myshopify.com)"),
	}
}

// parseAndOpen parses a shop command's flags and opens the app and the shop;
// the caller closes the app.
func (s shopFlags) parseAndOpen(ctx context.Context, fs *flagSet, args []string) (*app.App, *shopqb.Shop, error) {
	if err := fs.parse(args, false); err != nil {
		return nil, nil, err
	}
	return s.open(ctx)
}

func (s shopFlags) open(ctx context.Context) (*app.App, *shopqb.Shop, error) {
	if *s.shop == "" {
		return nil, nil, fmt.Errorf("--shop is required")
	}
	a, err := openAdmin(ctx, *s.db, *s.key)
	if err != nil {
		return nil, nil, err
	}
	shop, err := a.Store.ShopByDomain(ctx, *s.shop)
	if err != nil {
		a.Close(context.Background())
		return nil, nil, fmt.Errorf("shop %s: %w", *s.shop, err)
	}
	return a, shop, nil
}

func adminShopAdd(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin shop-add --shop DOMAIN [flags]", "Registers a shop and prints its Web Connector user name and app token. The token is shown once.")
	sf := fs.shopFlags()
	name := fs.String("name", "", "shop name")
	zone := fs.String("time-zone", "America/New_York", "the shop's IANA time zone (transactions are dated in it)")
	shopifyURL := fs.String("shopify-url", "", "Admin API base URL override (e.g. a simulator); default https://DOMAIN")
	token := fs.String("shopify-token", "", "Shopify Admin API access token (static custom-app token)")
	currency := fs.String("currency", "USD", "the shop's currency (ISO 4217)")
	auth := fs.String("auth", shopqb.AuthStatic, "how shopqb reaches Shopify: static (--shopify-token) or client_credentials (--client-id, --client-secret); OAuth shops register themselves at /shopify/install")
	clientID := fs.String("client-id", "", "client id of the store's own app (--auth client_credentials)")
	clientSecret := fs.String("client-secret", "", "client secret of the store's own app (--auth client_credentials)")
	if err := fs.parse(args, false); err != nil {
		return err
	}
	if *sf.shop == "" {
		fs.Usage()
		return errUsage
	}
	if *auth == shopqb.AuthOAuth {
		return fmt.Errorf("a shop using the Shopify app registers itself: open https://<your server>/shopify/install?shop=%s", *sf.shop)
	}
	a, err := openAdmin(ctx, *sf.db, *sf.key)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	reg, err := a.Admin.Register(ctx, shopadmin.Registration{
		Domain: *sf.shop, Name: *name, TimeZone: *zone, Currency: *currency, ShopifyAuth: *auth, ShopifyURL: *shopifyURL,
		ShopifyToken: *token, ClientID: *clientID, ClientSecret: *clientSecret,
	}, cliActor)
	if reg.AppToken != "" {
		// Printed before any error: the token is shown this once.
		shop := reg.Shop
		fmt.Fprintf(m.Stdout, "shop %s registered (id %d)\n  Web Connector user: %s\n  app token (shown once, paste it as the Web Connector password): %s\nNext: shopqb qwc --shop %s --url https://<your server>/qbwc --out %s.qwc\n",
			shop.Domain, shop.ID, shop.QBWCUser, reg.AppToken, shop.Domain, shop.QBWCUser)
	}
	if err != nil && reg.AppToken != "" {
		return fmt.Errorf("%w\nStore it again with `shopqb admin shopify-token --shop %s --token …` (or register client credentials through the admin API)", err, reg.Shop.Domain)
	}
	return err
}

func adminShops(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin shops", "Lists shops.")
	db := fs.databaseFlag()
	if err := fs.parse(args, false); err != nil {
		return err
	}
	st, err := store.Open(ctx, *db, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	shops, err := st.ListShops(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDOMAIN\tWEB CONNECTOR USER\tSTARTED\tCOMPANY FILE")
	for _, s := range shops {
		started := "no"
		if s.StartedAt != nil {
			started = s.StartedAt.Format("2006-01-02")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", s.ID, s.Domain, s.QBWCUser, started, s.CompanyFile)
	}
	return tw.Flush()
}

func adminShopifyToken(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin shopify-token --shop DOMAIN --token TOKEN", "Stores the shop's Shopify Admin API token, encrypted with the server's key.")
	sf := fs.shopFlags()
	token := fs.String("token", "", "the Admin API access token")
	a, shop, err := sf.parseAndOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	if *token == "" {
		return fmt.Errorf("--token is required")
	}
	if err := a.Admin.SetShopifyToken(ctx, shop.ID, cliActor, *token); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "Shopify token stored (encrypted)")
	return nil
}

func adminToken(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin token --shop DOMAIN", "Rotates the shop's app token: the old one stops working at once. Paste the new one into the Web Connector.")
	sf := fs.shopFlags()
	a, shop, err := sf.parseAndOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	tok, err := a.Admin.RotateAppToken(ctx, shop.ID, cliActor)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "new app token for %s (shown once): %s\n", shop.Domain, tok)
	return nil
}

// mapFlag collects repeated --map category=Account.
type mapFlag map[string]string

func (m mapFlag) String() string { return "" }
func (m mapFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("use category=Account, e.g. sales_income=Sales")
	}
	m[k] = v
	return nil
}

func adminSettings(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin settings --shop DOMAIN [flags]", "Shows the settings, or changes those given. After the start, the start date and modes are locked.")
	sf := fs.shopFlags()
	startDate := fs.String("start-date", "", "first day booked (YYYY-MM-DD, shop time)")
	sales := fs.String("sales-mode", "", "detail or summary")
	customers := fs.String("customers-mode", "", "detail or summary")
	inventory := fs.String("inventory-mode", "", "detail or summary")
	vendors := fs.String("vendors-mode", "", "detail or summary")
	schedule := fs.String("schedule", "", `"manual" or "daily HH:MM" (shop time)`)
	maps := mapFlag{}
	fs.Var(maps, "map", "category=QuickBooks account (repeatable), e.g. --map bank=Checking")
	a, shop, err := sf.parseAndOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	s := shop.Settings
	if s.Mapping == nil {
		s.Mapping = shopqb.Mapping{}
	}
	changed := false
	set := func(dst *string, v string) {
		if v != "" {
			*dst, changed = v, true
		}
	}
	setMode := func(dst *shopqb.Mode, v string) {
		if v != "" {
			*dst, changed = shopqb.Mode(v), true
		}
	}
	set(&s.StartDate, *startDate)
	set(&s.Schedule, *schedule)
	setMode(&s.SalesMode, *sales)
	setMode(&s.CustomersMode, *customers)
	setMode(&s.InventoryMode, *inventory)
	setMode(&s.VendorsMode, *vendors)
	if len(maps) > 0 {
		next := shopqb.Mapping{}
		for k, v := range s.Mapping {
			next[k] = v
		}
		for k, v := range maps {
			next[shopqb.Category(k)] = v
		}
		s.Mapping, changed = next, true
	}
	if changed {
		if err := a.Admin.UpdateSettings(ctx, shop.ID, cliActor, s); err != nil {
			return err
		}
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	fmt.Fprintf(m.Stdout, "%s\n", b)
	return nil
}

func adminStart(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin start --shop DOMAIN", "Validates the settings against QuickBooks' preflight (tax preference, mapping, list limits) and starts.\nThe start date and modes are locked from then on.")
	sf := fs.shopFlags()
	a, shop, err := sf.parseAndOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	if err := a.Admin.Start(ctx, shop.ID, cliActor); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s started: syncs now post to QuickBooks\n", shop.Domain)
	return nil
}

func adminSync(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin sync --shop DOMAIN", "Reads Shopify up to now, plans and fills the outbox; the Web Connector's next poll posts it.")
	sf := fs.shopFlags()
	a, shop, err := sf.parseAndOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	run, err := a.Ingest.Sync(ctx, shop.ID, shopqb.TriggerManual)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "sync %d: %d orders read from Shopify, %d orders planned into %d postings (%d new); the Web Connector's next poll posts them\n",
		run.ID, run.Counts["orders_read"], run.Counts["orders_planned"], run.Counts["postings_planned"], run.Counts["postings_new"])
	return nil
}

func adminStatus(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin status --shop DOMAIN", "Shows the preflight, the outbox, recent syncs and failed postings with their fixes.")
	sf := fs.shopFlags()
	a, shop, err := sf.parseAndOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	fmt.Fprintf(m.Stdout, "%s (user %s, company file %q)\n", shop.Domain, shop.QBWCUser, shop.CompanyFile)
	if pre, err := a.Engine.LoadPreflight(ctx, shop.ID); err == nil {
		fmt.Fprintf(m.Stdout, "QuickBooks: %s (%s), qbXML %s, sales tax on: %v, default tax item %q at %s%%\n", pre.Product, pre.Edition, pre.QBXMLVersion, pre.SalesTaxOn, pre.DefaultTax, pre.DefaultRate)
		for _, p := range pre.Problems {
			fmt.Fprintf(m.Stdout, "  problem: %s\n", p)
		}
	} else {
		fmt.Fprintln(m.Stdout, "QuickBooks: not connected yet (add the .qwc to the Web Connector and run it once)")
	}
	counts, err := a.Store.CountPostings(ctx, shop.ID)
	if err != nil {
		return err
	}
	states := make([]string, 0, len(counts))
	for s, n := range counts {
		states = append(states, fmt.Sprintf("%s %d", s, n))
	}
	sort.Strings(states)
	if len(states) == 0 {
		states = append(states, "empty")
	}
	fmt.Fprintf(m.Stdout, "Outbox: %s\n", strings.Join(states, ", "))
	runs, _ := a.Store.SyncRuns(ctx, shop.ID, 5)
	for _, r := range runs {
		fmt.Fprintf(m.Stdout, "  sync %d %s (%s): %s, %v %s\n", r.ID, r.StartedAt.Format("2006-01-02 15:04"), r.Trigger, r.Status, r.Counts, r.Error)
	}
	failed, err := a.Store.ListPostings(ctx, shopqb.PostingFilter{ShopID: shop.ID, States: []shopqb.PostingState{shopqb.Failed}, Limit: 50})
	if err != nil {
		return err
	}
	for _, p := range failed {
		fmt.Fprintf(m.Stdout, "  failed %s [%s %s]: %s\n", p.Key, p.ErrorClass, p.ErrorCode, p.ErrorMessage)
	}
	return nil
}

func adminRetry(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin retry --shop DOMAIN", "Puts failed postings back in the queue (after the cause was fixed in QuickBooks).")
	sf := fs.shopFlags()
	a, shop, err := sf.parseAndOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	n, err := a.Admin.RetryFailed(ctx, shop.ID, cliActor)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, n)
	return nil
}

func adminReset(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin reset --shop DOMAIN", "Archives the outbox and unlocks the settings so setup can start again. What QuickBooks already\nhas is never posted twice: postings planned again are first looked up by ExternalGUID, RefNumber or name.")
	sf := fs.shopFlags()
	a, shop, err := sf.parseAndOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	n, err := a.Admin.Reset(ctx, shop.ID, cliActor)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s reset: %d postings archived; review the settings and run `shopqb admin start` again\n", shop.Domain, n)
	return nil
}
