package setup_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"net/http/httptest"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/qbdsim"
	"github.com/shopqb/shopqb/internal/setup"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/store/storetest"
	"github.com/shopqb/shopqb/internal/testenv"
)

// stack is the real thing end to end: shopqb (store, engine, HTTP server
// with the Web Connector endpoint), the Shopify simulator over HTTP and a
// simulated QuickBooks company driven by the simulated Web Connector over SOAP.
type stack struct {
	t       *testing.T
	app     *app.App
	sim     *shopifysim.Sim
	shop    *shopqb.Shop
	token   string
	company *qbdsim.Company
	svc     *setup.Service
	ctx     context.Context
}

const domain = "setup-test.myshopify.com"

func newStack(t *testing.T, backend string, edition qbdsim.Edition, simOpts shopifysim.Options) *stack {
	t.Helper()
	ctx := context.Background()
	simOpts.SchemaDir = filepath.Join(testenv.SharedDir(t), "shopify")
	simOpts.Shop = shopifysim.Shop{Domain: domain, Name: "Setup Test", Currency: "USD", Timezone: "Asia/Seoul"}
	simOpts.AccessToken = "shpat_setup"
	if simOpts.Orders == 0 {
		simOpts.Orders, simOpts.Days, simOpts.Seed = 20, 10, 5
		simOpts.Start = time.Now().AddDate(0, 0, -10)
	}
	simOpts.Bucket = shopifysim.BucketOptions{MaximumAvailable: 20000, RestoreRate: 100000}
	sim, err := shopifysim.New(simOpts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	a, err := app.Open(ctx, app.Config{DatabaseURL: storetest.URL(t, backend), Listen: "127.0.0.1:0", KeyFile: filepath.Join(t.TempDir(), "k")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	reg, err := a.Admin.Register(ctx, shopadmin.Registration{Domain: domain, Name: "Setup Test", TimeZone: "Asia/Seoul", Currency: "USD",
		ShopifyAuth: shopqb.AuthStatic, ShopifyURL: srv.URL, ShopifyToken: "shpat_setup"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	shop, token := reg.Shop, reg.AppToken
	if err := a.Store.PutKV(ctx, shop.ID, shopadmin.KVStockyURL, []byte(srv.URL)); err != nil {
		t.Fatal(err)
	}
	svc, err := a.Setup("")
	if err != nil {
		t.Fatal(err)
	}
	company := qbdsim.NewCompany(qbdsim.CompanyOptions{Edition: edition, Name: "Acme Retail", SalesTaxOn: false, Inventory: true})
	return &stack{t: t, app: a, sim: sim, shop: shop, token: token, company: company, svc: svc, ctx: ctx}
}

// visit runs one Web Connector update with the given company and password.
func (s *stack) visit(company *qbdsim.Company, password string) qbdsim.SessionResult {
	s.t.Helper()
	wc := &qbdsim.WebConnector{AppURL: s.app.URL + "/qbwc", UserName: s.shop.QBWCUser, Password: password, Company: company,
		NoOpDelay: time.Millisecond, OwnerID: s.shop.OwnerID, FileID: s.shop.FileID}
	res, err := wc.RunSession(s.ctx)
	if err != nil {
		s.t.Fatal(err)
	}
	return res
}

func (s *stack) connect() *setup.ConnectView {
	s.t.Helper()
	v, err := s.svc.Connect(s.ctx, s.shop.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	return v
}

func (s *stack) check(checks []setup.Check, id string) setup.Check {
	s.t.Helper()
	for _, c := range checks {
		if c.ID == id {
			return c
		}
	}
	s.t.Fatalf("no check %s in %+v", id, checks)
	return setup.Check{}
}

func (s *stack) tax() *setup.TaxView {
	s.t.Helper()
	v, err := s.svc.Tax(s.ctx, s.shop.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	return v
}

func TestWizardAgainstSimulatedQuickBooks(t *testing.T) {
	for _, backend := range storetest.Backends() {
		t.Run(backend, func(t *testing.T) { runWizard(t, backend) })
	}
}

func runWizard(t *testing.T, backend string) {
	s := newStack(t, backend, qbdsim.Enterprise, shopifysim.Options{})
	ctx, id := s.ctx, s.shop.ID

	// Step 1: live Shopify facts; acknowledgement resumes.
	before, err := s.svc.Before(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if before.Facts == nil || before.Facts.Domain != domain || before.Facts.TimeZone != "Asia/Seoul" || before.Facts.OrdersLast90Days != 20 || len(before.Facts.Locations) == 0 {
		t.Fatalf("facts %+v (error %+v)", before.Facts, before.FactsError)
	}
	if err := s.svc.AcknowledgeBefore(ctx, id, "kim@acme.test"); err != nil {
		t.Fatal(err)
	}
	p, err := s.svc.Progress(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Steps[0].Passed || p.Current != setup.StepConnect || p.Steps[2].Reachable {
		t.Fatalf("progress after step 1: %+v", p)
	}
	// Shopify grants the purchase-order scope, so step 7's own check holds
	// already; behind the open step 2 it is still to do.
	if pv, err := s.svc.Purchasing(ctx, id); err != nil || !pv.Passed {
		t.Fatalf("purchasing: %v %+v", err, pv)
	}
	if p, _ = s.svc.Progress(ctx, id); p.Steps[6].Passed || p.Steps[6].Reachable {
		t.Fatalf("step 7 shown as done behind step 2: %+v", p.Steps[6])
	}

	// Step 2: each state as the Web Connector produces it.
	if v := s.connect(); v.State != setup.ConnWaiting || !v.URLUsable || v.QWCFileName != "shopqb-setup-test.qwc" {
		t.Fatalf("before any visit: %+v", v)
	}
	if body, _, err := s.svc.QWC(ctx, id); err != nil || !strings.Contains(string(body), "<UserName>"+s.shop.QBWCUser) {
		t.Fatalf("qwc: %v %s", err, body)
	}
	s.visit(s.company, "not-the-token")
	if v := s.connect(); v.State != setup.ConnBadPassword || v.Status.ID != "setup.connect.bad_password" {
		t.Fatalf("wrong password: %+v", v)
	}
	s.company.SetAppAccess(qbdsim.AccessDenied)
	s.visit(s.company, s.token)
	if v := s.connect(); v.State != setup.ConnQBError || v.Status.ID != "setup.connect.qb_error.0x80040420" {
		t.Fatalf("access denied: %+v", v)
	}
	s.company.SetAppAccess(qbdsim.AccessAllowed)
	s.visit(s.company, s.token)
	v := s.connect()
	if v.State != setup.ConnConnected || v.CompanyName != "Acme Retail" || v.QBXMLVersion != "13.0" || !strings.Contains(v.Product, "Enterprise") {
		t.Fatalf("connected: %+v", v)
	}
	other := qbdsim.NewCompany(qbdsim.CompanyOptions{Edition: qbdsim.Enterprise, Name: "Sample Rock Castle"})
	s.visit(other, s.token)
	if v := s.connect(); v.State != setup.ConnOtherFile || v.Status.Args["BoundCompany"] != "Acme Retail" ||
		v.Status.Args["OpenedCompany"] != "Sample Rock Castle" || !strings.Contains(fmt.Sprint(v.Status.Args["OpenedFile"]), "Sample Rock Castle.qbw") {
		t.Fatalf("other file: %+v", v)
	}
	s.visit(s.company, s.token)
	if v := s.connect(); v.State != setup.ConnConnected {
		t.Fatalf("back on the right file: %+v", v)
	}

	// Step 3: sales tax off, then a 7.25 % item, then fixed: each read at the visit after "check again".
	tax := s.tax()
	if tax.Passed || s.check(tax.Checks, "sales_tax_on").Passed || s.check(tax.Checks, "sales_tax_on").Fix == nil {
		t.Fatalf("sales tax off: %+v", tax)
	}
	s.company.SetSalesTaxOn(true)
	s.visit(s.company, s.token) // no recheck asked and no problem cleared yet: problems make the engine look again anyway
	if err := s.svc.RecheckQuickBooks(ctx, id, "kim"); err != nil {
		t.Fatal(err)
	}
	if tax = s.tax(); tax.RecheckRequestedAt == nil {
		t.Fatalf("recheck not shown as requested: %+v", tax)
	}
	s.visit(s.company, s.token)
	tax = s.tax()
	if tax.Passed || !s.check(tax.Checks, "sales_tax_on").Passed || s.check(tax.Checks, "default_item_zero").Passed || tax.RecheckFulfilledAt == nil {
		t.Fatalf("7.25 %% item: %+v", tax)
	}
	if err := s.company.SetDefaultSalesTaxItem("Out of State"); err != nil {
		t.Fatal(err)
	}
	s.svc.RecheckQuickBooks(ctx, id, "kim")
	s.visit(s.company, s.token)
	if tax = s.tax(); !tax.Passed {
		t.Fatalf("after the fix: %+v", tax)
	}

	// Step 4: mapping errors, nothing saved; then the defaults.
	bad, err := s.svc.SaveMapping(ctx, id, "kim", map[shopqb.Category]string{
		shopqb.GiftCardLiability:                    "Sales",
		shopqb.ClearingCategory("shopify_payments"): "Undeposited Funds",
		shopqb.ClearingCategory("manual"):           "Undeposited Funds",
	})
	if err != nil {
		t.Fatal(err)
	}
	errs := map[shopqb.Category]string{}
	for _, r := range bad.Rows {
		if r.Error != nil {
			errs[r.Category] = r.Error.ID
		}
	}
	if errs[shopqb.GiftCardLiability] != "setup.mapping.wrong_type.liability" || errs[shopqb.ClearingCategory("manual")] != "setup.mapping.shared_clearing" || bad.Passed {
		t.Fatalf("mapping errors: %v", errs)
	}
	// The refused choice stays selected, as an option marked unsuitable.
	for _, r := range bad.Rows {
		if r.Category != shopqb.GiftCardLiability {
			continue
		}
		kept := false
		for _, o := range r.Options {
			kept = kept || (o.FullName == "Sales" && o.Unsuitable && o.Type == "Income")
		}
		if r.Selected != "Sales" || !kept {
			t.Errorf("the refused choice is not kept: %+v", r)
		}
	}
	if shop, _ := s.app.Store.ShopByID(ctx, id); shop.Settings.Mapping[shopqb.GiftCardLiability] != "Gift Card Liability" {
		t.Fatalf("a bad mapping was saved: %v", shop.Settings.Mapping)
	}
	m, err := s.svc.Mapping(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range m.Rows {
		for _, o := range r.Options {
			if !shopqb.AccountTypeAllowed(r.Category, o.Type) && !o.Unsuitable {
				t.Errorf("%s offers %s (%s)", r.Category, o.FullName, o.Type)
			}
		}
	}
	if good, err := s.svc.SaveMapping(ctx, id, "kim", nil); err != nil || !good.Passed {
		t.Fatalf("default mapping: %v %+v", err, good)
	}

	// Step 5: schedule, validated by shop administration.
	sv, fe, err := s.svc.SaveSchedule(ctx, id, "kim", false, "25:00")
	if err != nil || len(fe) != 1 || fe[0].Field != "time" {
		t.Fatalf("bad time: %v %+v", err, fe)
	}
	if sv, fe, err = s.svc.SaveSchedule(ctx, id, "kim", false, "02:30"); err != nil || len(fe) > 0 || sv.UTCOffset != "UTC+9" || sv.Time != "02:30" {
		t.Fatalf("daily 02:30: %v %+v %+v", err, fe, sv)
	}

	// Step 6, 7: modes on Enterprise allow detail; purchasing skipped.
	if mv, fe, err := s.svc.SaveModes(ctx, id, "kim", map[string]shopqb.Mode{"customers": shopqb.Detail}); err != nil || len(fe) > 0 || mv.ListLimit != 0 {
		t.Fatalf("modes: %v %+v %+v", err, fe, mv)
	}
	if err := s.svc.SkipPurchasing(ctx, id, "kim"); err != nil {
		t.Fatal(err)
	}

	// Step 8: a closing date after the start date refuses the start (the engine's dry check decides).
	if err := s.company.SetClosingDate(time.Now().Format("2006-01-02")); err != nil {
		t.Fatal(err)
	}
	p, err = s.svc.Progress(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range p.Steps[:7] {
		if !st.Passed {
			t.Fatalf("step %s not passed: %+v", st.Step, p)
		}
	}
	probs, err := s.svc.Start(ctx, id, "kim@acme.test", "not-a-date")
	if err != nil || len(probs) != 1 || probs[0].Step != setup.StepReview {
		t.Fatalf("bad start date: %v %+v", err, probs)
	}
	s.company.SetSalesTaxOn(false) // the merchant turned it off again after step 3
	s.svc.RecheckQuickBooks(ctx, id, "kim")
	s.visit(s.company, s.token)
	probs, err = s.svc.Start(ctx, id, "kim@acme.test", "")
	if err != nil || len(probs) == 0 || probs[0].Step != setup.StepTax || probs[0].Msg.ID != "setup.start_problem.sales_tax_off" {
		t.Fatalf("refused start: %v %+v", err, probs)
	}
	s.company.SetSalesTaxOn(true)
	s.svc.RecheckQuickBooks(ctx, id, "kim")
	s.visit(s.company, s.token)
	if probs, err = s.svc.Start(ctx, id, "kim@acme.test", ""); err != nil || len(probs) > 0 {
		t.Fatalf("start: %v %+v", err, probs)
	}
	rv, err := s.svc.Review(ctx, id)
	if err != nil || rv.Started == nil || rv.StartedBy != "kim@acme.test" {
		t.Fatalf("review after start: %v %+v", err, rv)
	}
	if _, err := s.svc.Start(ctx, id, "kim@acme.test", ""); err == nil || !strings.Contains(err.Error(), "already started") {
		t.Fatalf("second start: %v", err)
	}
}

// On Premier, names are capped at 14,500: a company already near it cannot
// take Shopify's customers in detail mode, and summary is forced with the reason.
func TestModesListLimitOnPremier(t *testing.T) {
	s := newStack(t, "sqlite", qbdsim.Premier, shopifysim.Options{})
	ctx, id := s.ctx, s.shop.ID
	addNames(t, s.company, "Customer", 10400)
	addNames(t, s.company, "Vendor", 4090)
	s.visit(s.company, s.token)
	mv, err := s.svc.Modes(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var cust setup.ModeChoice
	for _, c := range mv.Modes {
		if c.Name == "customers" {
			cust = c
		}
	}
	if mv.ListLimit != 14500 || cust.Today < 10400 || cust.DetailAdds == 0 || cust.DetailAllowed || cust.Selected != shopqb.Summary ||
		cust.Reason == nil || cust.Reason.ID != "setup.modes.over_limit.customers" || cust.Reason.Args["Total"].(int) <= 14500 {
		t.Fatalf("premier customers: %+v (view %+v)", cust, mv)
	}
	_, fe, err := s.svc.SaveModes(ctx, id, "kim", map[string]shopqb.Mode{"customers": shopqb.Detail})
	if err != nil || len(fe) != 1 || fe[0].Field != "customers" {
		t.Fatalf("detail over the limit accepted: %v %+v", err, fe)
	}
}

func addNames(t *testing.T, c *qbdsim.Company, kind string, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="continueOnError">`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "<%sAddRq><%sAdd><Name>%s %05d</Name></%sAdd></%sAddRq>", kind, kind, kind, i, kind, kind)
	}
	b.WriteString(`</QBXMLMsgsRq></QBXML>`)
	if _, err := c.ProcessRequest(b.String()); err != nil {
		t.Fatal(err)
	}
}

// Stocky: a key that works, a refused key, the retired API; an export upload.
func TestPurchasingStocky(t *testing.T) {
	for _, tc := range []struct {
		name    string
		retired bool
		key     string
		want    string
	}{
		{"works", false, "stocky-key", "setup.purchasing.stocky_ok"},
		{"refused", false, "wrong-key", "setup.purchasing.stocky_refused"},
		{"retired", true, "stocky-key", "setup.purchasing.stocky_retired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStack(t, "sqlite", qbdsim.Enterprise, shopifysim.Options{Seed: 5, Orders: 10, Days: 5, Start: time.Now().AddDate(0, 0, -5),
				StockyAPIKey: "stocky-key", StockyRetired: tc.retired})
			v, fe, err := s.svc.SetStockyKey(s.ctx, s.shop.ID, "kim", "", tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if v.StockyStatus == nil || v.StockyStatus.ID != tc.want {
				t.Fatalf("status %+v, want %s", v.StockyStatus, tc.want)
			}
			if ok := tc.want == "setup.purchasing.stocky_ok"; ok != (len(fe) == 0) || ok != v.StockyKeySet || ok != v.Passed && !v.NativeReadable {
				t.Fatalf("field errors %+v, key set %v", fe, v.StockyKeySet)
			}
			if _, err := s.app.Store.Secret(s.ctx, s.shop.ID, shopadmin.SecretStockyKey); (err == nil) != (tc.want == "setup.purchasing.stocky_ok") {
				t.Fatalf("key stored: %v", err)
			}
		})
	}
}
