package cli

import (
	"context"
	"fmt"

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
	lf := fs.logFlags()
	if err := fs.parse(args, false); err != nil {
		return err
	}
	log, err := lf.logger(m.Stderr)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, app.Config{DatabaseURL: *db, Listen: *listen, PublicURL: *public, KeyFile: *keyFile, AdminToken: *adminToken, Jobs: !*noJobs, Log: log})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "shopqb serving on %s (Web Connector endpoint %s/qbwc)\n", a.URL, a.URL)
	werr := a.Wait(ctx)
	log.Info("shutting down")
	cerr := a.Close(context.Background())
	if werr != nil {
		return werr
	}
	return cerr
}
