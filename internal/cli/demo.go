package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/demo"
	"github.com/shopqb/shopqb/internal/qbdsim"
)

func runDemo(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("demo [flags]", "Starts, in one process, a simulated Shopify store, a simulated QuickBooks company and shopqb on a\ntemporary SQLite file; the simulated Web Connector runs real SOAP sessions against shopqb; prints a summary.")
	orders := fs.Int("orders", 50, "orders to generate")
	days := fs.Int("days", 7, "days the orders span, ending today")
	seed := fs.Int("seed", 1, "generator seed (same seed, same shop)")
	sales := fs.String("sales-mode", "detail", "sales: detail (a receipt per order) or summary (per day × location)")
	customers := fs.String("customers-mode", "summary", "customers: detail or summary")
	inventory := fs.String("inventory-mode", "summary", "inventory: detail or summary")
	vendors := fs.String("vendors-mode", "summary", "vendors: detail or summary")
	edition := fs.String("edition", "enterprise", "QuickBooks edition: pro, premier or enterprise")
	fixtures := fs.String("shopify-fixtures", "", "folder of Shopify fixtures that replace or extend the generated shop")
	database := fs.String("database", "", "database URL (default: a temporary SQLite file)")
	report := fs.String("report", "", "write the JSON report to this file (format: docs/report.md)")
	trace := fs.String("trace", "", "write every qbXML request and GraphQL operation to this folder, one file each")
	serveFlag := fs.Bool("serve", false, "keep the servers up after the sync and print their URLs")
	faults := fs.String("qbd-faults", "", "QuickBooks faults, e.g. lose=0.05,conn=0.02,busy=0.02,lock=0.03,seed=7")
	latency := fs.String("qbd-latency", "", "QuickBooks latency model, e.g. request=20ms,roundtrip=200ms[,sleep]")
	shared := fs.String("shared-dir", "", "folder with the Shopify schemas and qbXML XSDs (default: ../shared or $SHOPQB_SHARED_DIR)")
	validate := fs.Bool("validate", true, "check every qbXML request against the 13.0 XSD with xmllint, when xmllint is installed")
	lf := fs.logFlags()
	if fs.m.Getenv("SHOPQB_LOG_LEVEL") == "" {
		// The demo's output is its summary; logs are for when something is wrong.
		_ = fs.Lookup("log-level").Value.Set("warn")
		fs.Lookup("log-level").DefValue = "warn"
	}
	if err := fs.parse(args, false); err != nil {
		return err
	}
	log, err := lf.logger(m.Stderr)
	if err != nil {
		return err
	}
	o := demo.Options{
		Orders: *orders, Days: *days, Seed: int64(*seed), Edition: strings.ToLower(*edition),
		SalesMode: shopqb.Mode(*sales), CustomersMode: shopqb.Mode(*customers), InventoryMode: shopqb.Mode(*inventory), VendorsMode: shopqb.Mode(*vendors),
		FixturesDir: *fixtures, DatabaseURL: *database, ReportFile: *report, TraceDir: *trace, Serve: *serveFlag,
		Out: m.Stdout, Log: log,
	}
	for name, mode := range map[string]shopqb.Mode{"sales": o.SalesMode, "customers": o.CustomersMode, "inventory": o.InventoryMode, "vendors": o.VendorsMode} {
		if !mode.Valid() {
			return fmt.Errorf("--%s-mode %q: use detail or summary", name, mode)
		}
	}
	switch o.Edition {
	case "pro", "premier", "enterprise":
	default:
		return fmt.Errorf("--edition %q: use pro, premier or enterprise", *edition)
	}
	if o.Orders < 0 || o.Days < 1 {
		return fmt.Errorf("--orders must be ≥ 0 and --days ≥ 1")
	}
	if o.Faults, err = parseFaults(*faults, *latency); err != nil {
		return err
	}
	if o.SharedDir, err = sharedDir(m, *shared); err != nil {
		return err
	}
	if *validate {
		if _, err := lookPath("xmllint"); err == nil {
			o.Validate = true
		}
	}
	rep, err := demo.Run(ctx, o)
	if err != nil {
		return err
	}
	if rep.Postings.Done != rep.Postings.Total || rep.TotalDebit != rep.TotalCredit {
		return fmt.Errorf("%d of %d postings are not in QuickBooks (see above)", rep.Postings.Total-rep.Postings.Done, rep.Postings.Total)
	}
	return nil
}

// sharedDir finds the folder with the Shopify schemas and qbXML XSDs.
func sharedDir(m *Main, flagValue string) (string, error) {
	candidates := []string{flagValue, m.Getenv("SHOPQB_SHARED_DIR"), filepath.Join("..", "shared")}
	if exe, err := os.Executable(); err == nil {
		candidates = append(candidates, filepath.Join(filepath.Dir(exe), "..", "shared"))
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(c, "shopify")); err == nil {
			return c, nil
		}
	}
	return "", fmt.Errorf("the Shopify schemas were not found: pass --shared-dir (the folder with shopify/ and qbxml/) or set SHOPQB_SHARED_DIR")
}

// parseFaults reads --qbd-faults and --qbd-latency.
func parseFaults(faults, latency string) (qbdsim.Faults, error) {
	var f qbdsim.Faults
	f.Seed = 1
	for _, kv := range splitList(faults) {
		k, v, _ := strings.Cut(kv, "=")
		if k == "seed" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return f, fmt.Errorf("--qbd-faults seed=%q: not a number", v)
			}
			f.Seed = n
			continue
		}
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < 0 || r > 1 {
			return f, fmt.Errorf("--qbd-faults %s=%q: use a probability between 0 and 1", k, v)
		}
		switch k {
		case "lose":
			f.LoseResponseRate = r
		case "conn":
			f.ConnectionErrorRate = r
		case "busy":
			f.BusyRate = r
		case "lock":
			f.LockErrorRate = r
		default:
			return f, fmt.Errorf("--qbd-faults: unknown fault %q (lose, conn, busy, lock, seed)", k)
		}
	}
	for _, kv := range splitList(latency) {
		k, v, _ := strings.Cut(kv, "=")
		if k == "sleep" {
			f.Sleep = true
			continue
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return f, fmt.Errorf("--qbd-latency %s=%q: use a duration such as 20ms", k, v)
		}
		switch k {
		case "request":
			f.PerRequestLatency = d
		case "roundtrip":
			f.PerRoundTripLatency = d
		default:
			return f, fmt.Errorf("--qbd-latency: unknown setting %q (request, roundtrip, sleep)", k)
		}
	}
	return f, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
