package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/shopqb/shopqb/internal/qbdsim"
	"github.com/shopqb/shopqb/internal/shopifysim"
)

var lookPath = exec.LookPath

func runSim(ctx context.Context, m *Main, args []string) error {
	return m.subcommands(ctx, "sim", map[string]func(context.Context, []string) error{
		"shopify": func(ctx context.Context, a []string) error { return runSimShopify(ctx, m, a) },
		"qbd":     func(ctx context.Context, a []string) error { return runSimQBD(ctx, m, a) },
	}, map[string]string{
		"shopify": "serve a simulated Shopify store (Admin GraphQL API, token endpoint, webhooks, Stocky v2)",
		"qbd":     "run a simulated QuickBooks Desktop + Web Connector against a shopqb server",
	}, args)
}

func runSimShopify(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("sim shopify [flags]", "Serves a simulated Shopify store on /admin/api/<version>/graphql.json, validating every operation\nagainst the real Admin schema, with cost limits, bulk operations, the token endpoint and Stocky v2.")
	listen := fs.String("listen", "127.0.0.1:8081", "HTTP listen address")
	domain := fs.String("domain", "demo-store.myshopify.com", "shop domain")
	orders := fs.Int("orders", 50, "orders to generate")
	days := fs.Int("days", 7, "days the orders span, ending today")
	seed := fs.Int("seed", 1, "generator seed")
	token := fs.String("token", "", "static admin API token accepted (X-Shopify-Access-Token); empty: a random one, printed")
	clientID := fs.String("client-id", "shopqb-sim", "app client id for the token endpoint")
	clientSecret := fs.String("client-secret", "", "app client secret (also signs webhooks)")
	fixtures := fs.String("fixtures", "", "folder of fixtures replacing or extending the generated shop")
	webhookURL := fs.String("webhook-url", "", "where to deliver signed webhooks")
	stockyKey := fs.String("stocky-key", "", "Stocky API key the v2 endpoints accept")
	stockyRetired := fs.Bool("stocky-retired", false, "answer the Stocky endpoints as the retired API does")
	plus := fs.Bool("plus", false, "Shopify Plus rate limits (1,000 points a second) instead of Standard (100)")
	unlimited := fs.Bool("unlimited", false, "no rate limit at all")
	bucketSize := fs.Float64("bucket-size", 0, "cost bucket size in points (default: Standard plan's 2,000, or Plus's 20,000 with --plus)")
	restoreRate := fs.Float64("restore-rate", 0, "cost bucket restore rate in points a second (default: Standard's 100, or Plus's 1,000)")
	shared := fs.String("shared-dir", "", "folder with the Shopify schemas (default ../shared or $SHOPQB_SHARED_DIR)")
	if err := fs.parse(args, false); err != nil {
		return err
	}
	dir, err := sharedDir(m, *shared)
	if err != nil {
		return err
	}
	if *token == "" {
		*token = "shpat_sim_" + randomHex(12)
	}
	if *clientSecret == "" {
		*clientSecret = randomHex(16)
	}
	zone := "America/New_York"
	loc, _ := time.LoadLocation(zone)
	if loc == nil {
		loc = time.UTC
	}
	now := time.Now().In(loc)
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, -*days)
	sim, err := shopifysim.New(shopifysim.Options{
		SchemaDir: filepath.Join(dir, "shopify"), Shop: shopifysim.Shop{Domain: *domain, Name: "Simulated Store", Currency: "USD", Timezone: zone},
		Seed: int64(*seed), Orders: *orders, Days: *days, Start: start, FixturesDir: *fixtures,
		AccessToken: *token, ClientID: *clientID, ClientSecret: *clientSecret, WebhookURL: *webhookURL,
		StockyAPIKey: *stockyKey, StockyRetired: *stockyRetired, Bucket: bucket(*plus, *unlimited, *bucketSize, *restoreRate),
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	fmt.Fprintf(m.Stdout, "Shopify simulator for %s on http://%s/admin/api/2026-10/graphql.json\n  admin token: %s\n  client id: %s  client secret: %s\n", *domain, ln.Addr(), *token, *clientID, *clientSecret)
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

func runSimQBD(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("sim qbd [flags]", "Runs a simulated QuickBooks Desktop company behind a simulated Web Connector 2.x that talks\nSOAP to a shopqb server, once or every N minutes. Point it at any deployment to test it.")
	qwcPath := fs.String("qwc", "", "the .qwc file to read the AppURL and UserName from")
	appURL := fs.String("url", "", "Web Connector endpoint (overrides the .qwc's AppURL)")
	user := fs.String("user", "", "user name (overrides the .qwc's UserName)")
	password := fs.String("password", "", "the app token shopqb showed for this shop")
	every := fs.String("every", "", "run a session every interval (e.g. 15m); empty: run once")
	untilIdle := fs.Bool("until-idle", false, "run sessions back to back until shopqb answers \"none\" (nothing to do)")
	jsonOut := fs.Bool("json", false, "print a JSON summary of the sessions at the end")
	companyFile := fs.String("company", "", "company JSON file: loaded if it exists, saved after each session")
	editionFlag := fs.String("edition", "enterprise", "edition of a new company: pro, premier or enterprise")
	faults := fs.String("faults", "", "faults, e.g. lose=0.05,conn=0.02,busy=0.02,lock=0.03,seed=7")
	latency := fs.String("latency", "", "latency model, e.g. request=20ms,roundtrip=200ms,sleep")
	shared := fs.String("shared-dir", "", "folder with the qbXML XSDs, to validate every request with xmllint")
	validate := fs.Bool("validate", true, "check every qbXML request against the 13.0 XSD with xmllint (a process per request), when the XSDs and xmllint are found")
	cpuProfile := fs.String("cpu-profile", "", "write a CPU profile of the simulator to this file")
	lf := fs.logFlags()
	if m.Getenv("SHOPQB_LOG_LEVEL") == "" {
		// Each session prints its own summary line; logs are for trouble.
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
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	if *qwcPath != "" {
		q, err := qbdsim.ReadQWC(*qwcPath)
		if err != nil {
			return err
		}
		if *appURL == "" {
			*appURL = q.AppURL
		}
		if *user == "" {
			*user = q.UserName
		}
	}
	if *appURL == "" || *user == "" || *password == "" {
		fs.Usage()
		return fmt.Errorf("need --qwc (or --url and --user) and --password")
	}
	var company *qbdsim.Company
	if *companyFile != "" {
		if _, err := os.Stat(*companyFile); err == nil {
			if company, err = qbdsim.LoadCompany(*companyFile); err != nil {
				return err
			}
		}
	}
	if company == nil {
		ed := qbdsim.Enterprise
		switch strings.ToLower(*editionFlag) {
		case "pro":
			ed = qbdsim.Pro
		case "premier":
			ed = qbdsim.Premier
		}
		company = qbdsim.NewCompany(qbdsim.CompanyOptions{Edition: ed, Name: "Simulated Company", FilePath: `C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Simulated.qbw`,
			SalesTaxOn: true, DefaultTaxItemZeroRate: true, Inventory: true})
	}
	f, err := parseFaults(*faults, *latency)
	if err != nil {
		return err
	}
	company.SetFaults(f)
	if dir, err := sharedDir(m, *shared); err == nil && *validate {
		if xl, err := lookPath("xmllint"); err == nil {
			company.SetXSDValidator(qbdsim.XMLLintValidator(xl, filepath.Join(dir, "qbxml", "13.0", "qbxmlops130.xsd")))
		}
	}
	wc := &qbdsim.WebConnector{AppURL: *appURL, UserName: *user, Password: *password, Company: company, Log: log}
	session := func() error {
		res, err := wc.RunSession(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "%s session: authenticate %q, %d round trips, %d requests, %d lost responses; %s\n",
			time.Now().Format(time.TimeOnly), res.AuthStatus, res.RoundTrips, res.RequestsProcessed, res.LostResponses, firstNonEmpty(res.CloseMessage, res.LastError))
		if *companyFile != "" {
			return company.Save(*companyFile)
		}
		return nil
	}
	if *untilIdle {
		var sum simQBDSummary
		start := time.Now()
		for i := 0; ; i++ {
			res, err := wc.RunSession(ctx)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil {
				sum.TransportErrors++
				if sum.TransportErrors > 10000 {
					return err
				}
				continue
			}
			sum.Sessions++
			sum.RoundTrips += res.RoundTrips
			sum.Requests += res.RequestsProcessed
			sum.LostResponses += res.LostResponses
			sum.ConnectionErrors += res.ConnectionErrors
			if res.AuthStatus == "none" || res.AuthStatus == "nvu" {
				sum.LastAuth = res.AuthStatus
				break
			}
		}
		sum.WallMillis = time.Since(start).Milliseconds()
		sum.ModelledMillis = company.ModelledTime().Milliseconds()
		if *companyFile != "" {
			if err := company.Save(*companyFile); err != nil {
				return err
			}
		}
		if *jsonOut {
			return json.NewEncoder(m.Stdout).Encode(sum)
		}
		fmt.Fprintf(m.Stdout, "%d sessions, %d round trips, %d requests in %d ms (QuickBooks time modelled: %d ms)\n", sum.Sessions, sum.RoundTrips, sum.Requests, sum.WallMillis, sum.ModelledMillis)
		return nil
	}
	if *every == "" {
		return session()
	}
	d, err := time.ParseDuration(*every)
	if err != nil || d < time.Second {
		return fmt.Errorf("--every %q: use a duration of at least 1s, e.g. 15m", *every)
	}
	for {
		if err := session(); err != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintf(m.Stderr, "session failed: %v\n", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(d):
		}
	}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// randomHex returns n random bytes as hex, for generated simulator secrets.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// simQBDSummary is `sim qbd --until-idle --json`'s output, read by `shopqb bench`.
type simQBDSummary struct {
	Sessions         int    `json:"sessions"`
	RoundTrips       int    `json:"roundTrips"`
	Requests         int    `json:"requests"`
	LostResponses    int    `json:"lostResponses"`
	ConnectionErrors int    `json:"connectionErrors"`
	TransportErrors  int    `json:"transportErrors"`
	LastAuth         string `json:"lastAuth"`
	WallMillis       int64  `json:"wallMillis"`
	ModelledMillis   int64  `json:"modelledMillis"`
	// cpu is the simulator process's CPU seconds (user + system), read by
	// the bench from the process it started.
	cpu float64
}

// bucket picks the simulated store's rate limit: a plan's published
// figures, with the size and rate given overriding them.
func bucket(plus, unlimited bool, size, rate float64) shopifysim.BucketOptions {
	var b shopifysim.BucketOptions
	switch {
	case unlimited:
		return shopifysim.BucketOptions{MaximumAvailable: 1e12, RestoreRate: 1e12}
	case plus:
		b = shopifysim.BucketOptions{MaximumAvailable: 20000, RestoreRate: 1000}
	}
	if size > 0 {
		b.MaximumAvailable = size
	}
	if rate > 0 {
		b.RestoreRate = rate
	}
	return b
}
