package e2e_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/qbdsim"
	"github.com/shopqb/shopqb/internal/setup"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopifysim"
	"github.com/shopqb/shopqb/internal/testenv"
	"github.com/shopqb/shopqb/internal/webauth"
)

// stack is one deployment as an operator runs it, with the outside systems
// simulated: the Shopify simulator over HTTP (Stocky's retired API
// included), shopqb on SQLite over real HTTP, a new shop registered by the
// operator, a console user granted it, and a simulated QuickBooks company
// that a simulated Web Connector brings to shopqb over SOAP.
type stack struct {
	t       *testing.T
	ctx     context.Context
	app     *app.App
	shop    *shopqb.Shop
	company *qbdsim.Company
	email   string
	pass    string
}

// stackOptions are what differs between the runs.
type stackOptions struct {
	domain, name string
	edition      qbdsim.Edition
	// nearLimit fills the company's name list close to Premier's 14,500.
	nearLimit bool
}

func newStack(t *testing.T, o stackOptions) *stack {
	t.Helper()
	ctx := context.Background()
	sim, err := shopifysim.New(shopifysim.Options{
		SchemaDir: filepath.Join(testenv.SharedDir(t), "shopify"),
		Shop:      shopifysim.Shop{Domain: o.domain, Name: o.name, Currency: "USD", Timezone: "Asia/Seoul"},
		Seed:      7, Orders: 24, Days: 10, Start: time.Now().AddDate(0, 0, -10),
		AccessToken:  "shpat_e2e",
		StockyAPIKey: "stocky-e2e", StockyRetired: true,
		Bucket: shopifysim.BucketOptions{MaximumAvailable: 20000, RestoreRate: 100000},
	})
	if err != nil {
		t.Fatal(err)
	}
	shopify := httptest.NewServer(sim.Handler())
	t.Cleanup(shopify.Close)

	dir := t.TempDir()
	a, err := app.Open(ctx, app.Config{DatabaseURL: filepath.Join(dir, "shopqb.db"), Listen: "127.0.0.1:0", KeyFile: filepath.Join(dir, "key")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })

	// The operator registers the shop (its app token goes to the operator;
	// the merchant makes their own on step 2) and adds a console user for it.
	reg, err := a.Admin.Register(ctx, shopadmin.Registration{Domain: o.domain, Name: o.name, TimeZone: "Asia/Seoul", Currency: "USD",
		ShopifyAuth: shopqb.AuthStatic, ShopifyURL: shopify.URL, ShopifyToken: "shpat_e2e"}, "operator")
	if err != nil {
		t.Fatal(err)
	}
	// Stocky lives beside the simulated Admin API.
	if err := a.Store.PutKV(ctx, reg.Shop.ID, shopadmin.KVStockyURL, []byte(shopify.URL)); err != nil {
		t.Fatal(err)
	}
	s := &stack{t: t, ctx: ctx, app: a, shop: reg.Shop, email: "kim@acme.test", pass: "correct horse battery staple"}
	if _, err := webauth.AddUser(ctx, a.Store, s.email, s.pass, false, reg.Shop.ID); err != nil {
		t.Fatal(err)
	}
	// Sales tax is off in the company, as in a file that never charged it;
	// its most common item is already the 0 % one.
	s.company = qbdsim.NewCompany(qbdsim.CompanyOptions{Edition: o.edition, Name: o.name + " Books",
		FilePath:   `C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\` + o.name + `.qbw`,
		SalesTaxOn: false, DefaultTaxItemZeroRate: true, Inventory: true})
	if o.nearLimit {
		addNames(t, s.company, "Customer", 10400)
		addNames(t, s.company, "Vendor", 4090)
	}
	return s
}

// visit runs one Web Connector update, configured from the .qwc the page
// served, with password typed into its Password column.
func (s *stack) visit(qwc qbdsim.QWC, password string) qbdsim.SessionResult {
	s.t.Helper()
	wc := &qbdsim.WebConnector{AppURL: qwc.AppURL, UserName: qwc.UserName, Password: password, Company: s.company,
		OwnerID: qwc.OwnerID, FileID: qwc.FileID, NoOpDelay: time.Millisecond}
	res, err := wc.RunSession(s.ctx)
	if err != nil {
		s.t.Fatalf("web connector session: %v", err)
	}
	return res
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

// mustSetup is the wizard's service over the running App, for reading what
// the page should show (the list sizes of step 6).
func mustSetup(t *testing.T, s *stack) *setup.Service {
	t.Helper()
	svc, err := s.app.Setup("")
	if err != nil {
		t.Fatal(err)
	}
	return svc
}
