package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/shopqb/shopqb/internal/app"
)

func runServe(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("serve [flags]", "Runs the shopqb server: the Web Connector endpoint (/qbwc), the support page, /healthz,\n/metrics, the JSON admin API (/api/, with --admin-token) and the River job workers.")
	db := fs.databaseFlag()
	listen := fs.String("listen", "127.0.0.1:8080", "HTTP listen address")
	public := fs.String("public-url", "", "URL the Web Connector uses to reach this server (https:// except on localhost)")
	keyFile := fs.String("key-file", "", "file holding the key that encrypts Shopify tokens at rest (SHOPQB_SECRET_KEY wins)")
	adminToken := fs.String("admin-token", "", "bearer token for the JSON admin API (empty: API disabled)")
	noJobs := fs.Bool("no-jobs", false, "do not run job workers in this process")
	clientID := fs.String("shopify-client-id", "", "this deployment's Shopify app client id: merchants install it at /shopify/install (empty: OAuth off)")
	clientSecret := fs.String("shopify-client-secret", "", "the Shopify app's client secret (verifies install callbacks; better set in the environment)")
	scopes := fs.String("shopify-scopes", "", "comma-separated access scopes asked for at install (empty: what the sync reads)")
	managed := fs.Bool("shopify-managed-install", false, "register a shop the first time the app opens in its Shopify admin (token exchange; needs the client id and secret)")
	lf := fs.logFlags()
	if err := fs.parse(args, false); err != nil {
		return err
	}
	log, err := lf.logger(m.Stderr)
	if err != nil {
		return err
	}
	if (*clientID == "") != (*clientSecret == "") {
		return fmt.Errorf("--shopify-client-id and --shopify-client-secret go together")
	}
	var scopeList []string
	for sc := range strings.SplitSeq(*scopes, ",") {
		if sc = strings.TrimSpace(sc); sc != "" {
			scopeList = append(scopeList, sc)
		}
	}
	a, err := app.Open(ctx, app.Config{DatabaseURL: *db, Listen: *listen, PublicURL: *public, KeyFile: *keyFile, AdminToken: *adminToken, Jobs: !*noJobs, Log: log,
		ShopifyClientID: *clientID, ShopifyClientSecret: *clientSecret, ShopifyScopes: scopeList, ManagedInstall: *managed})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "shopqb serving on %s (Web Connector endpoint %s/qbwc)\n", a.URL, a.URL)
	if *clientID != "" {
		fmt.Fprintf(m.Stdout, "Shopify app install: %s/shopify/install?shop=<store>.myshopify.com (redirect URL %s/shopify/callback)\n", a.URL, a.URL)
	}
	werr := a.Wait(ctx)
	log.Info("shutting down")
	cerr := a.Close(context.Background())
	if werr != nil {
		return werr
	}
	return cerr
}
