package syncengine_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/qbdsim"
	"github.com/shopqb/shopqb/internal/qbwc"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
	"github.com/shopqb/shopqb/internal/syncengine"
	"github.com/shopqb/shopqb/internal/testenv"
)

// rig is shopqb's Web Connector endpoint on a real database, driven by the
// QuickBooks simulator's Web Connector over HTTP.
type rig struct {
	db  *store.DB
	eng *syncengine.Engine
	url string
}

func newRig(t *testing.T, backend string) *rig {
	t.Helper()
	db := storetest.Open(t, backend)
	eng := syncengine.New(syncengine.Options{Store: db})
	srv := httptest.NewServer(qbwc.NewHandler(eng, qbwc.HandlerOptions{Log: slog.New(slog.DiscardHandler)}))
	t.Cleanup(srv.Close)
	return &rig{db: db, eng: eng, url: srv.URL}
}

type shopRig struct {
	shop    *shopqb.Shop
	token   string
	company *qbdsim.Company
	wc      *qbdsim.WebConnector
}

func (r *rig) addShop(t *testing.T, domain string, opts qbdsim.CompanyOptions) *shopRig {
	t.Helper()
	shop := &shopqb.Shop{Domain: domain, TimeZone: "America/New_York", Settings: shopqb.DefaultSettings()}
	tok := register(t, r.db, r.eng, shop)
	// The rigs' postings are put in the outbox directly, as a started
	// shop's: before the start nothing is sent (TestNothingSentBeforeTheStart).
	started := time.Now()
	shop.StartedAt = &started
	if err := r.db.UpdateShop(context.Background(), shop); err != nil {
		t.Fatal(err)
	}
	if opts.Name == "" {
		opts = qbdsim.CompanyOptions{Edition: qbdsim.Enterprise, Name: domain, FilePath: `C:\QB\` + domain + `.qbw`, SalesTaxOn: true, DefaultTaxItemZeroRate: true, Inventory: true}
	}
	c := qbdsim.NewCompany(opts)
	wc := &qbdsim.WebConnector{AppURL: r.url, UserName: shop.QBWCUser, Password: tok, Company: c, NoOpDelay: time.Millisecond}
	return &shopRig{shop: shop, token: tok, company: c, wc: wc}
}

func session(t *testing.T, s *shopRig) qbdsim.SessionResult {
	t.Helper()
	res, err := s.wc.RunSession(context.Background())
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	return res
}

// drain runs sessions until shopqb answers "none".
func drain(t *testing.T, s *shopRig, max int) int {
	t.Helper()
	for i := 0; i < max; i++ {
		res, err := s.wc.RunSession(context.Background())
		if err != nil {
			continue // a lost response ends the session; the next one recovers
		}
		if res.AuthStatus == "none" {
			return i
		}
	}
	t.Fatalf("outbox not drained after %d sessions", max)
	return max
}

func mustXML(t *testing.T, r qbxml.Request) string {
	t.Helper()
	x, err := qbxml.MarshalRequest(r)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// plan puts hand-made postings in the outbox: n customers, each with a
// sales receipt that depends on it and on one service item.
func (r *rig) plan(t *testing.T, s *shopRig, n int, prefix string) {
	t.Helper()
	ps := []*shopqb.Posting{{
		Key: "item:svc", Kind: "ItemServiceAdd", Name: "Demo Service",
		Request: mustXML(t, qbxml.ItemServiceAdd{Name: "Demo Service", SalesOrPurchase: &qbxml.SalesOrPurchase{AccountRef: qbxml.ByName("Sales")}}),
	}}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s Customer %d", prefix, i)
		ref := fmt.Sprintf("%s%d", prefix, i)
		guid := qbxml.GUID(qbwc.StableGUID("test", s.shop.Domain+ref))
		ps = append(ps,
			&shopqb.Posting{Key: "customer:" + ref, Kind: "CustomerAdd", Name: name, Request: mustXML(t, qbxml.CustomerAdd{Name: name})},
			&shopqb.Posting{Key: "order:" + ref + ":sale", Kind: "SalesReceiptAdd", RefNumber: ref, TxnDate: "2026-11-20", ExternalGUID: string(guid),
				DependsOn: []string{"customer:" + ref, "item:svc"},
				Request: mustXML(t, qbxml.SalesReceiptAdd{CustomerRef: qbxml.ByName(name), TxnDate: "2026-11-20", RefNumber: ref,
					ItemSalesTaxRef: qbxml.ByName("Out of State"), DepositToAccountRef: qbxml.ByName("Undeposited Funds"), ExternalGUID: guid,
					Lines: []qbxml.SalesLine{{ItemRef: qbxml.ByName("Demo Service"), Amount: qbxml.Amt(money.Cents(1000 + i))}}})},
		)
	}
	if _, _, err := r.db.UpsertPostings(context.Background(), s.shop.ID, ps); err != nil {
		t.Fatal(err)
	}
}

func counts(t *testing.T, r *rig, shopID int64) map[shopqb.PostingState]int {
	t.Helper()
	c, err := r.db.CountPostings(context.Background(), shopID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func receipts(s *shopRig) int { return s.company.Report().Transactions["SalesReceipt"] }

func forEachBackend(t *testing.T, f func(t *testing.T, backend string)) {
	for _, b := range storetest.Backends() {
		t.Run(b, func(t *testing.T) { f(t, b) })
	}
}

// TestAuthenticateAnswers walks authenticate through each of its answers.
func TestAuthenticateAnswers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		r := newRig(t, backend)
		s := r.addShop(t, "answers.myshopify.com", qbdsim.CompanyOptions{})
		ctx := context.Background()

		// Unknown user and wrong token: nvu, and the token is not accepted.
		bad := *s.wc
		bad.Password = "wrong-token"
		if res, _ := bad.RunSession(ctx); res.AuthStatus != "nvu" {
			t.Errorf("wrong token: %q, want nvu", res.AuthStatus)
		}
		bad = *s.wc
		bad.UserName = "nobody"
		if res, _ := bad.RunSession(ctx); res.AuthStatus != "nvu" {
			t.Errorf("unknown user: %q, want nvu", res.AuthStatus)
		}
		// First contact: a ticket and "" (the open company file), then the preflight.
		if res := session(t, s); res.AuthStatus != "" || res.RoundTrips == 0 {
			t.Errorf("first contact: %+v", res)
		}
		pre, err := r.eng.LoadPreflight(ctx, s.shop.ID)
		if err != nil || len(pre.Problems) != 0 || pre.Edition != "Enterprise" || pre.DefaultTax != "Out of State" {
			t.Fatalf("preflight %+v %v", pre, err)
		}
		// Nothing due: none.
		if res := session(t, s); res.AuthStatus != "none" {
			t.Errorf("nothing due: %q, want none", res.AuthStatus)
		}
		// A sync filling the outbox right now: busy, with a postpone.
		run := &shopqb.SyncRun{ShopID: s.shop.ID, Trigger: "test", StartedAt: time.Now(), Status: "running"}
		if err := r.db.CreateSyncRun(ctx, run); err != nil {
			t.Fatal(err)
		}
		if busy, _ := r.eng.Authenticate(ctx, s.shop.QBWCUser, s.token); busy.Status != "busy" || busy.PostponeSeconds == 0 {
			t.Errorf("during a sync: %+v, want busy with a postpone", busy)
		}
		run.Status = "posting"
		if err := r.db.UpdateSyncRun(ctx, run); err != nil {
			t.Fatal(err)
		}
		// Work waiting: a ticket and "".
		r.plan(t, s, 1, "B")
		if res, err := r.eng.Authenticate(ctx, s.shop.QBWCUser, s.token); err != nil || res.Status != "" || len(res.Ticket) < 32 {
			t.Fatalf("authenticate with work: %+v %v", res, err)
		}
	})
}

// TestPreflightRefusesTaxedDefault: a most-common tax item that is not 0 %
// would make QuickBooks add tax on top of Shopify's; the start is refused
// with the fix.
func TestPreflightRefusesTaxedDefault(t *testing.T) {
	r := newRig(t, store.SQLite)
	s := r.addShop(t, "taxed.myshopify.com", qbdsim.CompanyOptions{Edition: qbdsim.Pro, Name: "Taxed", FilePath: `C:\QB\taxed.qbw`, SalesTaxOn: true, DefaultTaxItemZeroRate: false})
	session(t, s)
	pre, err := r.eng.LoadPreflight(context.Background(), s.shop.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(pre.Problems) == 0 || !strings.Contains(strings.Join(shopqb.StartProblemTexts(pre.Problems), " "), "0%") {
		t.Errorf("problems %q", pre.Problems)
	}
	if pre.ListLimit != 14500 {
		t.Errorf("Pro list limit %d", pre.ListLimit)
	}
	shop, _ := r.db.ShopByID(context.Background(), s.shop.ID)
	shop.Settings.StartDate, shop.StartedAt = "2026-11-01", nil
	_ = r.db.UpdateShop(context.Background(), shop)
	if err := admin(r.db, r.eng).Start(context.Background(), s.shop.ID, "test"); err == nil || !strings.Contains(err.Error(), "0%") {
		t.Errorf("start: %v", err)
	}
}

// TestNothingSentBeforeTheStart: the start's check plans into the outbox
// before the shop is started, and a refused check takes its plan back, so
// until the start a Web Connector session reads the company (the preflight)
// and sends nothing, in doubt or not, and says why; once started, the same
// postings go.
func TestNothingSentBeforeTheStart(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, store.SQLite)
	s := r.addShop(t, "unstarted.myshopify.com", qbdsim.CompanyOptions{})
	s.shop.StartedAt = nil
	if err := r.db.UpdateShop(ctx, s.shop); err != nil {
		t.Fatal(err)
	}
	first := session(t, s)
	if _, err := r.eng.LoadPreflight(ctx, s.shop.ID); err != nil {
		t.Fatalf("the first visit of a shop not started read no preflight: %v (%+v)", err, first)
	}
	r.plan(t, s, 5, "U")
	doubt, err := r.db.PostingByKey(ctx, s.shop.ID, "customer:U0")
	if err != nil {
		t.Fatal(err)
	}
	doubt.State = shopqb.InDoubt
	if err := r.db.UpdatePostings(ctx, []*shopqb.Posting{doubt}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		res := session(t, s)
		if c := counts(t, r, s.shop.ID); c[shopqb.Planned] != 10 || c[shopqb.InDoubt] != 1 || res.RequestsProcessed != 0 {
			t.Fatalf("session %d before the start: counts %v, %d requests processed (%+v)", i, c, res.RequestsProcessed, res)
		}
		if res.AuthStatus != "none" && !strings.Contains(res.LastError, "not started") {
			t.Errorf("session %d before the start: last error %q, want why nothing was sent", i, res.LastError)
		}
	}
	if n := receipts(s); n != 0 {
		t.Fatalf("%d receipts in QuickBooks before the start", n)
	}
	started := time.Now()
	s.shop.StartedAt = &started
	if err := r.db.UpdateShop(ctx, s.shop); err != nil {
		t.Fatal(err)
	}
	drain(t, s, 20)
	if c := counts(t, r, s.shop.ID); c[shopqb.Done] != 11 {
		t.Fatalf("after the start: counts %v, want all 11 done", c)
	}
	if n := receipts(s); n != 5 {
		t.Errorf("%d receipts after the start, want 5", n)
	}
}

// TestPostingsAndDependencies: list records go before the transactions that
// refer to them, and everything lands once.
func TestPostingsAndDependencies(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		r := newRig(t, backend)
		s := r.addShop(t, "deps.myshopify.com", qbdsim.CompanyOptions{})
		session(t, s)
		r.plan(t, s, 25, "D")
		drain(t, s, 20)
		c := counts(t, r, s.shop.ID)
		if c[shopqb.Done] != 51 || c[shopqb.Failed] != 0 {
			t.Fatalf("counts %v", c)
		}
		if n := receipts(s); n != 25 {
			t.Errorf("%d receipts in QuickBooks, want 25", n)
		}
	})
}

// TestErrorClasses: a name QuickBooks already has is linked, not added; a
// missing reference fails with a fix; lock errors and a busy QuickBooks are
// retried until they pass.
func TestErrorClasses(t *testing.T) {
	r := newRig(t, store.SQLite)
	s := r.addShop(t, "errors.myshopify.com", qbdsim.CompanyOptions{})
	session(t, s)
	ctx := context.Background()
	// A customer that exists already (3100 → link).
	if _, err := s.company.ProcessRequest(`<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError"><CustomerAddRq><CustomerAdd><Name>E Customer 0</Name></CustomerAdd></CustomerAddRq></QBXMLMsgsRq></QBXML>`); err != nil {
		t.Fatal(err)
	}
	r.plan(t, s, 3, "E")
	// A receipt referring to an item nobody plans (3140 → merchant fix).
	bad := &shopqb.Posting{Key: "order:bad:sale", Kind: "SalesReceiptAdd", RefNumber: "BAD1", TxnDate: "2026-11-20",
		Request: mustXML(t, qbxml.SalesReceiptAdd{TxnDate: "2026-11-20", RefNumber: "BAD1", Lines: []qbxml.SalesLine{{ItemRef: qbxml.ByName("No Such Item"), Amount: qbxml.Amt(500)}}})}
	if _, _, err := r.db.UpsertPostings(ctx, s.shop.ID, []*shopqb.Posting{bad}); err != nil {
		t.Fatal(err)
	}
	s.company.SetFaults(qbdsim.Faults{Seed: 3, LockErrorRate: 0.3, BusyRate: 0.2})
	// Retries back off; let the clock move on between sessions.
	for i := 0; i < 60; i++ {
		res, err := s.wc.RunSession(ctx)
		if err == nil && res.AuthStatus == "none" {
			break
		}
		forceRetryNow(t, r, s.shop.ID)
	}
	p, err := r.db.PostingByKey(ctx, s.shop.ID, "customer:E0")
	if err != nil || p.State != shopqb.Done || p.QBID == "" {
		t.Errorf("existing customer not linked: %+v %v", p, err)
	}
	p, _ = r.db.PostingByKey(ctx, s.shop.ID, "order:bad:sale")
	if p.State != shopqb.Failed || p.ErrorClass != string(qbxml.MerchantFix) || p.ErrorMessage == "" {
		t.Errorf("missing reference: %+v", p)
	}
	c := counts(t, r, s.shop.ID)
	if c[shopqb.Done] != 7 || c[shopqb.Failed] != 1 {
		t.Errorf("counts %v", c)
	}
	if got := s.company.Report().Lists["Customer"]; got != 3 {
		t.Errorf("%d customers in QuickBooks, want 3 (one linked, not duplicated)", got)
	}
	if n := receipts(s); n != 3 {
		t.Errorf("%d receipts, want 3", n)
	}
}

// forceRetryNow moves backed-off postings' next attempt to now, standing in
// for the clock moving on between Web Connector polls.
func forceRetryNow(t *testing.T, r *rig, shopID int64) {
	t.Helper()
	ps, err := r.db.ListPostings(context.Background(), shopqb.PostingFilter{ShopID: shopID, States: []shopqb.PostingState{shopqb.Planned}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		p.NextAttempt = time.Time{}
	}
	if err := r.db.UpdatePostings(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
}

// TestLostResponses: QuickBooks commits a set but its answer never reaches
// shopqb. The next session asks QuickBooks before sending anything again:
// nothing is posted twice and nothing is missing.
func TestLostResponses(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		r := newRig(t, backend)
		s := r.addShop(t, "lost.myshopify.com", qbdsim.CompanyOptions{})
		session(t, s)
		r.plan(t, s, 40, "L")
		s.company.SetFaults(qbdsim.Faults{Seed: 11, LoseResponseRate: 0.3})
		var recoverySets, lookups int
		var mu sync.Mutex
		r.eng.Trace = func(_ int64, x string) {
			mu.Lock()
			defer mu.Unlock()
			if strings.Contains(x, "oldMessageSetID=") {
				recoverySets++
			}
			if strings.Contains(x, "QueryRq") {
				lookups++
			}
		}
		for i := 0; i < 200; i++ {
			res, err := s.wc.RunSession(context.Background())
			if err == nil && res.AuthStatus == "none" {
				break
			}
		}
		c := counts(t, r, s.shop.ID)
		if c[shopqb.Done] != 81 {
			t.Fatalf("counts %v", c)
		}
		if n := receipts(s); n != 40 {
			t.Errorf("%d receipts in QuickBooks, want exactly 40", n)
		}
		if got := s.company.Report().Lists["Customer"]; got != 40 {
			t.Errorf("%d customers, want exactly 40", got)
		}
		if recoverySets == 0 {
			t.Error("no lost message set was asked back from QuickBooks (error recovery)")
		}
		t.Logf("%d message sets recovered by oldMessageSetID; %d sets with lookups", recoverySets, lookups)
	})
}

// TestTwoShopsAtOnce: two shops' Web Connectors run at the same moment on
// one endpoint; each company receives its own shop's postings only.
func TestTwoShopsAtOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		r := newRig(t, backend)
		a := r.addShop(t, "alpha.myshopify.com", qbdsim.CompanyOptions{})
		b := r.addShop(t, "beta.myshopify.com", qbdsim.CompanyOptions{})
		session(t, a)
		session(t, b)
		r.plan(t, a, 15, "A")
		r.plan(t, b, 10, "B")
		var wg sync.WaitGroup
		for _, s := range []*shopRig{a, b} {
			wg.Add(1)
			go func(s *shopRig) {
				defer wg.Done()
				for i := 0; i < 30; i++ {
					res, err := s.wc.RunSession(context.Background())
					if err == nil && res.AuthStatus == "none" {
						return
					}
				}
			}(s)
		}
		wg.Wait()
		if n := receipts(a); n != 15 {
			t.Errorf("alpha has %d receipts, want 15", n)
		}
		if n := receipts(b); n != 10 {
			t.Errorf("beta has %d receipts, want 10", n)
		}
		for _, c := range []*qbdsim.Company{a.company, b.company} {
			for _, l := range c.Report().TrialBalance {
				_ = l
			}
		}
		// No cross-talk: alpha's company never saw a B customer.
		if strings.Contains(fmt.Sprint(a.company.Report().Lists), "B Customer") {
			t.Error("alpha received beta's work")
		}
		if got := a.company.Report().Lists["Customer"]; got != 15 {
			t.Errorf("alpha customers %d", got)
		}
		if got := b.company.Report().Lists["Customer"]; got != 10 {
			t.Errorf("beta customers %d", got)
		}
	})
}

// TestUnreadableRequestIsIsolated: QuickBooks rejects a whole message set
// when one request in it does not parse (HRESULT 0x80040400). The set's
// postings are retried one per set, so only the bad one fails and every
// other posting lands.
func TestUnreadableRequestIsIsolated(t *testing.T) {
	r := newRig(t, store.SQLite)
	s := r.addShop(t, "parse.myshopify.com", qbdsim.CompanyOptions{})
	s.company.SetXSDValidator(qbdsim.XMLLintValidator(testenv.Xmllint(t), testenv.QBXMLSchema(t)))
	session(t, s)
	ctx := context.Background()
	// Phone before Name: out of schema order, as a hand-edited request might be.
	bad := &shopqb.Posting{Key: "customer:bad", Kind: "CustomerAdd", Name: "Bad Order",
		Request: `<CustomerAddRq><CustomerAdd><Phone>555</Phone><Name>Bad Order</Name></CustomerAdd></CustomerAddRq>`}
	if _, _, err := r.db.UpsertPostings(ctx, s.shop.ID, []*shopqb.Posting{bad}); err != nil {
		t.Fatal(err)
	}
	r.plan(t, s, 6, "P")
	drain(t, s, 20)
	p, err := r.db.PostingByKey(ctx, s.shop.ID, "customer:bad")
	if err != nil || p.State != shopqb.Failed || p.ErrorClass != string(qbxml.Permanent) {
		t.Fatalf("bad posting: %+v %v", p, err)
	}
	c := counts(t, r, s.shop.ID)
	if c[shopqb.Done] != 13 || c[shopqb.Failed] != 1 {
		t.Errorf("counts %v: the good postings should all land", c)
	}
	if n := receipts(s); n != 6 {
		t.Errorf("%d receipts, want 6", n)
	}
}
