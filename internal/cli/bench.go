package cli

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/shopifysim"
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
	bucketSize := fs.Float64("shopify-bucket", 2000, "Shopify cost bucket size in points (default: the Standard plan's)")
	restoreRate := fs.Float64("shopify-restore", 100, "Shopify cost bucket restore rate in points a second (default: the Standard plan's)")
	cpuProfile := fs.String("cpu-profile", "", "write a CPU profile of shopqb's ingest and posting to this file")
	// The bench measures shopqb; the tests check every qbXML message
	// against the XSDs. Validating in the simulator starts an xmllint per
	// message set, time that is neither shopqb's nor QuickBooks' (whose
	// own is the latency model).
	validate := fs.Bool("qbd-validate", false, "have the QuickBooks simulator check every request against the qbXML XSDs with xmllint (a process per message set, counted in the posting time)")
	simProfile := fs.String("qbd-sim-cpu-profile", "", "write a CPU profile of the QuickBooks simulator's posting sessions to this file")
	heapProfile := fs.String("heap-profile", "", "write a heap profile taken when shopqb's heap was largest to this file")
	shopifyLatency := fs.Duration("shopify-request-latency", 0, "modelled Shopify time per GraphQL request, added to the modelled Shopify time (0: only waits are modelled)")
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
		"--days", strconv.Itoa(*days), "--seed", strconv.Itoa(*seed), "--token", token, "--shared-dir", dir,
		"--bucket-size", strconv.FormatFloat(*bucketSize, 'f', -1, 64), "--restore-rate", strconv.FormatFloat(*restoreRate, 'f', -1, 64))
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
	// shopqb paces itself by Shopify's cost bucket on a modelled clock: a
	// wait is added to the clock, not slept, and the simulator's bucket
	// refills over the same modelled time (the clock rides on each request),
	// so a back-fill that would spend an hour waiting on a real Standard
	// store reports that hour without taking it.
	clock := &modelledClock{}
	a, err := app.Open(ctx, app.Config{DatabaseURL: dbURL, Listen: "127.0.0.1:0", KeyFile: filepath.Join(tmp, "key"),
		ShopifyHTTP: &http.Client{Timeout: 15 * time.Minute, Transport: clock.transport(http.DefaultTransport)}, ShopifyClock: clock})
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
			"--company", companyFile, "--until-idle", "--json", "--log-level", "error", "--validate=" + strconv.FormatBool(*validate)}
		if *latency != "" {
			args = append(args, "--latency", *latency)
		}
		if *simProfile != "" {
			args = append(args, "--cpu-profile", *simProfile)
		}
		cmd := exec.CommandContext(ctx, exe, args...)
		cmd.Stderr = m.Stderr
		out, err := cmd.Output()
		if err != nil {
			return sum, fmt.Errorf("sim qbd: %w", err)
		}
		if err := json.Unmarshal(bytes.TrimSpace(out), &sum); err != nil {
			return sum, err
		}
		// The simulator stands in for QuickBooks, whose own time is the
		// latency model: its CPU is reported apart from shopqb's.
		sum.cpu = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
		return sum, nil
	}
	if _, err := qbd(); err != nil { // first contact: the preflight
		return err
	}
	// The start reads and plans the whole shop once (its check of the list
	// limits commits the plan) and the first sync plans what changed since:
	// both are the ingest.
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	liveHeap := watchHeap(*heapProfile)
	cpu0 := cpuSeconds()
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
	cpu1 := cpuSeconds()
	post, err := qbd()
	if err != nil {
		return err
	}
	posting := time.Since(t1)
	cpu := cpuSeconds() - cpu0
	postingCPU := cpuSeconds() - cpu1
	simStats, err := shopifyStats("http://127.0.0.1:"+port, token)
	if err != nil {
		return err
	}
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
		CPUSeconds: cpu, ShopifyRequests: simStats.Requests, ShopifyBulkOperations: simStats.BulkOperations,
		ShopifyPoints: simStats.ActualPoints, ShopifyRequestedPoints: simStats.RequestedPoints,
		ShopifyRefused: simStats.Throttled + simStats.OverMaxCost, ShopifyBucket: *bucketSize, ShopifyRestoreRate: *restoreRate,
		ShopifyByOperation: simStats.ByOperation,
	}
	for name, op := range simStats.ByOperation {
		switch shopify.FollowUpOf(name) {
		case shopify.FollowUpRefunds:
			res.ShopifyRefundFollowUps += op.Requests
		case shopify.FollowUpEdits:
			res.ShopifyEditFollowUps += op.Requests
		}
	}
	if cpu > 0 {
		res.OrdersPerCPUSecond = float64(*orders) / cpu
	}
	w := clock.waits()
	res.ShopifyThrottledSeconds = (w[shopify.WaitBucket] + w[shopify.WaitRetry]).Seconds()
	res.ShopifyBulkWaitSeconds = w[shopify.WaitBulkPoll].Seconds()
	res.ShopifyHTTPSeconds = clock.httpTime().Seconds()
	res.ModelledShopifySeconds = res.ShopifyThrottledSeconds + res.ShopifyBulkWaitSeconds + float64(simStats.Requests)*shopifyLatency.Seconds()
	if post.RoundTrips > 0 {
		res.PostingsPerRoundTrip = float64(post.Requests) / float64(post.RoundTrips)
	}
	res.PostingCPUSeconds, res.QuickBooksSimulatorCPUSeconds = postingCPU, post.cpu
	if post.ModelledMillis > 0 {
		res.OverheadRatio = posting.Seconds() / (float64(post.ModelledMillis) / 1000)
		res.PostingCPURatio = postingCPU / (float64(post.ModelledMillis) / 1000)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.HeapSysMiB = float64(ms.HeapSys) / (1 << 20)
	res.PeakLiveHeapMiB = float64(liveHeap()) / (1 << 20)
	if *jsonOut {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(m.Stdout, "orders %d (read %d), postings %d (done %d, failed %d)\n", res.Orders, res.OrdersRead, res.Postings, res.PostingsDone, res.PostingsFailed)
	fmt.Fprintf(m.Stdout, "ingest+plan (start check and first sync) %.1fs, posting %.1fs, total %.1fs: %.1f orders/s end to end\n", res.IngestAndPlanSeconds, res.PostingSeconds, res.TotalSeconds, res.OrdersPerSecond)
	fmt.Fprintf(m.Stdout, "web connector: %d sessions, %d round trips, %.1f postings per round trip\n", res.Sessions, res.RoundTrips, res.PostingsPerRoundTrip)
	fmt.Fprintf(m.Stdout, "shopqb peak RSS %.0f MiB (Go heap reserved %.0f MiB, live at most %.1f MiB); CPU %.1fs (user+system): %.0f orders per CPU-second\n", res.PeakRSSMiB, res.HeapSysMiB, res.PeakLiveHeapMiB, res.CPUSeconds, res.OrdersPerCPUSecond)
	fmt.Fprintf(m.Stdout, "shopify (bucket %.0f, restore %.0f/s): %d GraphQL requests (%d bulk operations), %d points spent (%d requested), %d refused for cost\n",
		res.ShopifyBucket, res.ShopifyRestoreRate, res.ShopifyRequests, res.ShopifyBulkOperations, res.ShopifyPoints, res.ShopifyRequestedPoints, res.ShopifyRefused)
	for _, name := range slices.SortedFunc(maps.Keys(res.ShopifyByOperation), func(a, b string) int {
		return cmp.Or(cmp.Compare(res.ShopifyByOperation[b].Requests, res.ShopifyByOperation[a].Requests), cmp.Compare(a, b))
	}) {
		op := res.ShopifyByOperation[name]
		fmt.Fprintf(m.Stdout, "  %-26s %6d requests, %8d points spent (%8d requested), %d refused\n", name, op.Requests, op.ActualPoints, op.RequestedPoints, op.Refused)
	}
	fmt.Fprintf(m.Stdout, "shopify follow-up requests (per-object reads a bulk query cannot carry): %d for refunds, %d for edits\n",
		res.ShopifyRefundFollowUps, res.ShopifyEditFollowUps)
	fmt.Fprintf(m.Stdout, "shopify modelled time %.1fs: throttled %.1fs, bulk polling %.1fs (HTTP to the simulator took %.1fs)\n",
		res.ModelledShopifySeconds, res.ShopifyThrottledSeconds, res.ShopifyBulkWaitSeconds, res.ShopifyHTTPSeconds)
	if res.ModelledQuickBooksSeconds > 0 {
		fmt.Fprintf(m.Stdout, "QuickBooks modelled time %.1fs; posting took %.1fs: overhead ratio %.2f\n", res.ModelledQuickBooksSeconds, res.PostingSeconds, res.OverheadRatio)
	}
	fmt.Fprintf(m.Stdout, "posting CPU: shopqb %.1fs, the QuickBooks simulator %.1fs", res.PostingCPUSeconds, res.QuickBooksSimulatorCPUSeconds)
	if res.ModelledQuickBooksSeconds > 0 {
		fmt.Fprintf(m.Stdout, " (shopqb's against the modelled time: %.3f)", res.PostingCPURatio)
	}
	fmt.Fprintln(m.Stdout)
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
	PeakLiveHeapMiB           float64 `json:"peakLiveHeapMiB"`
	ModelledQuickBooksSeconds float64 `json:"modelledQuickBooksSeconds"`
	OverheadRatio             float64 `json:"overheadRatio"`
	// PostingCPUSeconds is shopqb's CPU while posting;
	// QuickBooksSimulatorCPUSeconds the simulated Web Connector and
	// company's, which the wall time of posting includes but which stands
	// in for QuickBooks (modelled apart). PostingCPURatio is shopqb's
	// against the modelled QuickBooks time.
	PostingCPUSeconds             float64 `json:"postingCpuSeconds"`
	QuickBooksSimulatorCPUSeconds float64 `json:"quickBooksSimulatorCpuSeconds"`
	PostingCPURatio               float64 `json:"postingCpuRatio,omitempty"`
	CPUSeconds                    float64 `json:"cpuSeconds"`
	OrdersPerCPUSecond            float64 `json:"ordersPerCpuSecond"`
	ShopifyBucket                 float64 `json:"shopifyBucket"`
	ShopifyRestoreRate            float64 `json:"shopifyRestoreRate"`
	ShopifyRequests               int     `json:"shopifyRequests"`
	ShopifyBulkOperations         int     `json:"shopifyBulkOperations"`
	ShopifyPoints                 int     `json:"shopifyPoints"`
	ShopifyRequestedPoints        int     `json:"shopifyRequestedPoints"`
	ShopifyRefused                int     `json:"shopifyRefused"`
	ShopifyThrottledSeconds       float64 `json:"shopifyThrottledSeconds"`
	ShopifyBulkWaitSeconds        float64 `json:"shopifyBulkWaitSeconds"`
	ShopifyHTTPSeconds            float64 `json:"shopifyHttpSeconds"`
	ModelledShopifySeconds        float64 `json:"modelledShopifySeconds"`
	// ShopifyByOperation is the simulator's traffic per operation name;
	// the follow-ups are the refund and edit reads by id (see
	// shopify.FollowUpOf) that a bulk query cannot carry.
	ShopifyByOperation     map[string]shopifysim.OperationStats `json:"shopifyByOperation"`
	ShopifyRefundFollowUps int                                  `json:"shopifyRefundFollowUps"`
	ShopifyEditFollowUps   int                                  `json:"shopifyEditFollowUps"`
}

// modelledClock is the Shopify client's clock in a benchmark: Sleep adds to
// an offset instead of sleeping, and every request carries the offset to
// the simulator (shopifysim.ModelledWaitHeader), whose bucket refills over
// it, so pacing is exercised for real and refusals would still show.
type modelledClock struct {
	mu     sync.Mutex
	offset time.Duration
	by     map[string]time.Duration
	http   time.Duration
}

func (c *modelledClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *modelledClock) Sleep(ctx context.Context, d time.Duration, why string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.by == nil {
		c.by = map[string]time.Duration{}
	}
	c.offset += d
	c.by[why] += d
	return ctx.Err()
}

func (c *modelledClock) waits() map[string]time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.by)
}

func (c *modelledClock) httpTime() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.http
}

func (c *modelledClock) transport(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		c.mu.Lock()
		off := c.offset
		c.mu.Unlock()
		r = r.Clone(r.Context())
		r.Header.Set(shopifysim.ModelledWaitHeader, strconv.FormatInt(int64(off), 10))
		start := time.Now()
		res, err := next.RoundTrip(r)
		c.mu.Lock()
		c.http += time.Since(start)
		c.mu.Unlock()
		return res, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// shopifyStats reads the simulator's traffic counters.
func shopifyStats(base, token string) (shopifysim.Stats, error) {
	var st shopifysim.Stats
	req, err := http.NewRequest(http.MethodGet, base+"/sim/stats", nil)
	if err != nil {
		return st, err
	}
	req.Header.Set("X-Shopify-Access-Token", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return st, fmt.Errorf("Shopify simulator stats: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return st, fmt.Errorf("Shopify simulator stats: HTTP %d", res.StatusCode)
	}
	return st, json.NewDecoder(res.Body).Decode(&st)
}

// watchHeap follows the live heap (what each garbage collection kept, so
// garbage not yet collected and GC headroom do not count) and, when path
// is set, writes a heap profile each time it grows by a tenth past its
// largest so far, so the file ends as the profile at the live heap's peak.
// It reads the heap after every collection (a finalizer runs once per
// cycle): sampled on a timer it missed the peaks of phases that collect
// many times a second. peak stops the watch and returns the largest live
// heap seen.
func watchHeap(path string) (peak func() uint64) {
	var largest atomic.Uint64
	var stopped atomic.Bool
	grew := make(chan struct{}, 1)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var afterGC func(*gcSentinel)
	afterGC = func(*gcSentinel) {
		if stopped.Load() {
			return
		}
		metrics.Read(sample)
		if live := sample[0].Value.Uint64(); live > largest.Load() {
			largest.Store(live)
			select {
			case grew <- struct{}{}:
			default:
			}
		}
		runtime.SetFinalizer(&gcSentinel{}, afterGC)
	}
	runtime.SetFinalizer(&gcSentinel{}, afterGC)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var written uint64
		for {
			select {
			case <-done:
				return
			case <-grew:
			}
			if live := largest.Load(); path != "" && live > written+written/10 {
				written = live
				if f, err := os.Create(path); err == nil {
					_ = pprof.Lookup("heap").WriteTo(f, 0)
					f.Close()
				}
			}
		}
	}()
	return func() uint64 {
		stopped.Store(true)
		close(done)
		<-finished
		return largest.Load()
	}
}

// gcSentinel is garbage from its birth, so its finalizer runs after the
// next collection. It holds a pointer so that it is not tiny-allocated
// (finalizers of tiny objects may never run).
type gcSentinel struct {
	_ *int
	_ [16]byte
}

// cpuSeconds is this process's CPU time so far, user plus system. The
// simulators are child processes and not counted.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
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

// startCPUProfile profiles the process's CPU into path until stop is
// called; with no path it does nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
