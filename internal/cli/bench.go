package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/shopadmin"
)

// runBench measures shopqb end to end. The simulators run as child processes
// (`shopqb sim shopify`, `shopqb sim qbd`) so the peak memory reported is
// shopqb's own, not the simulated store's or company's.
func runBench(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("bench [flags]", "Measures shopqb end to end on a generated shop: orders per second, postings per Web Connector\nround trip, shopqb's peak memory and, with a latency model, total time against QuickBooks' own modelled time.")
	orders := fs.Int("orders", 10000, "orders in the generated shop")
	days := fs.Int("days", 30, "days the orders span")
	seed := fs.Int("seed", 1, "generator seed")
	latency := fs.String("qbd-latency", "", "QuickBooks latency model, e.g. request=20ms,roundtrip=200ms (modelled, not slept)")
	sales := fs.String("sales-mode", "detail", "sales mode")
	db := fs.String("database", "", "database (default: a temporary SQLite file)")
	shared := fs.String("shared-dir", "", "folder with the Shopify schemas")
	jsonOut := fs.Bool("json", false, "print the figures as JSON")
	if err := fs.parse(args, false); err != nil {
		return err
	}
	dir, err := sharedDir(m, *shared)
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "shopqb-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	port, err := freePort()
	if err != nil {
		return err
	}
	token := "shpat_bench"
	simCtx, stopSim := context.WithCancel(ctx)
	defer stopSim()
	sim := exec.CommandContext(simCtx, exe, "sim", "shopify", "--listen", "127.0.0.1:"+port, "--orders", strconv.Itoa(*orders),
		"--days", strconv.Itoa(*days), "--seed", strconv.Itoa(*seed), "--token", token, "--unlimited", "--shared-dir", dir)
	sim.Stderr = m.Stderr
	simOut, _ := sim.StdoutPipe()
	if err := sim.Start(); err != nil {
		return fmt.Errorf("start the Shopify simulator: %w", err)
	}
	if err := waitForLine(simOut, "Shopify simulator", 10*time.Minute); err != nil {
		return fmt.Errorf("Shopify simulator: %w", err)
	}
	dbURL := *db
	if dbURL == "" {
		dbURL = filepath.Join(tmp, "bench.db")
	}
	// The simulator builds a bulk operation's file inside the mutation
	// (real Shopify answers at once and builds it in the background); at
	// 100,000 orders that takes longer than the client's usual 60 s.
	a, err := app.Open(ctx, app.Config{DatabaseURL: dbURL, Listen: "127.0.0.1:0", KeyFile: filepath.Join(tmp, "key"),
		ShopifyHTTP: &http.Client{Timeout: 15 * time.Minute}})
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	settings := shopqb.DefaultSettings()
	settings.SalesMode = shopqb.Mode(*sales)
	settings.StartDate = time.Now().AddDate(0, 0, -*days-1).Format("2006-01-02")
	reg, err := a.Admin.Register(ctx, shopadmin.Registration{Domain: "demo-store.myshopify.com", TimeZone: "America/New_York",
		ShopifyURL: "http://127.0.0.1:" + port, ShopifyToken: token, Settings: &settings}, "bench")
	if err != nil {
		return err
	}
	shop, appToken := reg.Shop, reg.AppToken
	companyFile := filepath.Join(tmp, "company.json")
	qbd := func() (simQBDSummary, error) {
		var sum simQBDSummary
		args := []string{"sim", "qbd", "--url", a.URL + "/qbwc", "--user", shop.QBWCUser, "--password", appToken,
			"--company", companyFile, "--until-idle", "--json", "--log-level", "error", "--shared-dir", filepath.Join(tmp, "none")}
		if *latency != "" {
			args = append(args, "--latency", *latency)
		}
		cmd := exec.CommandContext(ctx, exe, args...)
		cmd.Stderr = m.Stderr
		out, err := cmd.Output()
		if err != nil {
			return sum, fmt.Errorf("sim qbd: %w", err)
		}
		return sum, json.Unmarshal(bytes.TrimSpace(out), &sum)
	}
	if _, err := qbd(); err != nil { // first contact: the preflight
		return err
	}
	// The start reads and plans the whole shop once (its dry check of the list
	// limits) and the first sync plans from what it read: both are the ingest.
	t0 := time.Now()
	if err := a.Admin.Start(ctx, shop.ID, "bench"); err != nil {
		return err
	}
	if _, err := a.Ingest.Sync(ctx, shop.ID, shopqb.TriggerBench); err != nil {
		return err
	}
	ingest := time.Since(t0)
	ordersRead := 0
	if runs, err := a.Store.SyncRuns(ctx, shop.ID, 10); err == nil {
		for _, r := range runs {
			ordersRead += r.Counts["orders_read"]
		}
	}
	t1 := time.Now()
	post, err := qbd()
	if err != nil {
		return err
	}
	posting := time.Since(t1)
	counts, err := a.Store.CountPostings(ctx, shop.ID)
	if err != nil {
		return err
	}
	total := ingest + posting
	res := benchResult{
		Orders: *orders, OrdersRead: ordersRead, Postings: counts[shopqb.Done] + counts[shopqb.Failed] + counts[shopqb.Planned] + counts[shopqb.InDoubt],
		PostingsDone: counts[shopqb.Done], PostingsFailed: counts[shopqb.Failed],
		IngestAndPlanSeconds: ingest.Seconds(), PostingSeconds: posting.Seconds(), TotalSeconds: total.Seconds(),
		OrdersPerSecond: float64(*orders) / total.Seconds(), Sessions: post.Sessions, RoundTrips: post.RoundTrips,
		PeakRSSMiB: peakRSSMiB(), ModelledQuickBooksSeconds: float64(post.ModelledMillis) / 1000,
	}
	if post.RoundTrips > 0 {
		res.PostingsPerRoundTrip = float64(post.Requests) / float64(post.RoundTrips)
	}
	if post.ModelledMillis > 0 {
		res.OverheadRatio = posting.Seconds() / (float64(post.ModelledMillis) / 1000)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.HeapSysMiB = float64(ms.HeapSys) / (1 << 20)
	if *jsonOut {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(m.Stdout, "orders %d (read %d), postings %d (done %d, failed %d)\n", res.Orders, res.OrdersRead, res.Postings, res.PostingsDone, res.PostingsFailed)
	fmt.Fprintf(m.Stdout, "ingest+plan (start check and first sync) %.1fs, posting %.1fs, total %.1fs: %.1f orders/s end to end\n", res.IngestAndPlanSeconds, res.PostingSeconds, res.TotalSeconds, res.OrdersPerSecond)
	fmt.Fprintf(m.Stdout, "web connector: %d sessions, %d round trips, %.1f postings per round trip\n", res.Sessions, res.RoundTrips, res.PostingsPerRoundTrip)
	fmt.Fprintf(m.Stdout, "shopqb peak RSS %.0f MiB (Go heap reserved %.0f MiB)\n", res.PeakRSSMiB, res.HeapSysMiB)
	if res.ModelledQuickBooksSeconds > 0 {
		fmt.Fprintf(m.Stdout, "QuickBooks modelled time %.1fs; posting took %.1fs: overhead ratio %.2f\n", res.ModelledQuickBooksSeconds, res.PostingSeconds, res.OverheadRatio)
	}
	return nil
}

type benchResult struct {
	Orders                    int     `json:"orders"`
	OrdersRead                int     `json:"ordersRead"`
	Postings                  int     `json:"postings"`
	PostingsDone              int     `json:"postingsDone"`
	PostingsFailed            int     `json:"postingsFailed"`
	IngestAndPlanSeconds      float64 `json:"ingestAndPlanSeconds"`
	PostingSeconds            float64 `json:"postingSeconds"`
	TotalSeconds              float64 `json:"totalSeconds"`
	OrdersPerSecond           float64 `json:"ordersPerSecond"`
	Sessions                  int     `json:"sessions"`
	RoundTrips                int     `json:"roundTrips"`
	PostingsPerRoundTrip      float64 `json:"postingsPerRoundTrip"`
	PeakRSSMiB                float64 `json:"peakRssMiB"`
	HeapSysMiB                float64 `json:"heapSysMiB"`
	ModelledQuickBooksSeconds float64 `json:"modelledQuickBooksSeconds"`
	OverheadRatio             float64 `json:"overheadRatio"`
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	return port, err
}

func waitForLine(r interface{ Read([]byte) (int, error) }, prefix string, timeout time.Duration) error {
	done := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), prefix) {
				done <- nil
				// keep draining so the child never blocks on a full pipe
				for sc.Scan() {
				}
				return
			}
		}
		done <- fmt.Errorf("exited before it was ready")
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		return fmt.Errorf("not ready after %s", timeout)
	}
}

// peakRSSMiB reads the process's peak resident set (Linux VmHWM).
func peakRSSMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseFloat(f[1], 64)
				return kb / 1024
			}
		}
	}
	return 0
}
