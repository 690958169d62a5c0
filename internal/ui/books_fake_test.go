package ui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/dashboard"
	"github.com/shopqb/shopqb/internal/money"
)

// fakeBooks is an in-memory dashboard.Books whose views the tests set to
// each case the pages must show: failures, a running sync, differences, an
// empty shop. Its messages are the real service's IDs (books.*, in
// locales/dashboard.*.toml), so the pages are checked against the catalog
// the service uses.
type fakeBooks struct {
	mu sync.Mutex
	// scenario: "failures", "running", "differences", "empty", "bigpayout" ("" is a healthy shop).
	scenario    string
	unavailable bool
	// calls records the actions, in order ("retry-posting 11", "sync", …).
	calls    []string
	schedule string
	mapping  shopqb.Mapping
}

func newFakeBooks() *fakeBooks {
	return &fakeBooks{schedule: "daily 07:00", mapping: shopqb.Mapping{shopqb.SalesIncome: "Sales", shopqb.Bank: "Checking"}}
}

func (b *fakeBooks) set(fn func(b *fakeBooks)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	fn(b)
}

func (b *fakeBooks) record(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls = append(b.calls, s)
}

func (b *fakeBooks) callList() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.calls...)
}

func (b *fakeBooks) sc() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.scenario
}

var fakeNow = time.Date(2026, 12, 2, 5, 20, 0, 0, time.UTC)

func dmsg(id string, kv ...any) dashboard.Message { return msg(id, kv...) }

func dmsgp(id string, kv ...any) *dashboard.Message { m := msg(id, kv...); return &m }

func fakeSale(id int64, state shopqb.PostingState) dashboard.PostingView {
	p := dashboard.PostingView{ID: id, Key: fmt.Sprintf("order:%d:sale", id), Kind: "SalesReceiptAdd",
		Label: dmsg("books.kind.SalesReceiptAdd"), State: state, TxnDate: "2026-12-01", Attempts: 1,
		Ledger: []dashboard.LedgerRow{
			{Category: "clearing:shopify_payments", Account: "Shopify Clearing", Debit: money.MustParse("110000")},
			{Category: shopqb.SalesIncome, Account: "Sales", Credit: money.MustParse("100000")},
			{Category: shopqb.SalesTaxPayable, Account: "Sales Tax Payable", Credit: money.MustParse("10000")},
		}}
	if state == shopqb.Done {
		p.RefNumber, p.TxnID = fmt.Sprint(1000+id), fmt.Sprintf("%X-1733100000", 0x1A0+id)
		p.FindIt = dmsgp("books.findit", "Ref", p.RefNumber)
	}
	if state == shopqb.Failed {
		p.Error = "3140: There is an invalid reference to QuickBooks Account \"Shipping Income\" in the SalesReceipt."
	}
	return p
}

func (b *fakeBooks) progressView() dashboard.ProgressView {
	switch b.sc() {
	case "running":
		return dashboard.ProgressView{Phase: dashboard.PhasePosting, RunID: 9, Since: fakeNow, Done: 1234, Planned: 2000, Percent: 61,
			Status: dmsg("books.progress.posting", "Done", 1234, "Planned", 2000)}
	case "failures":
		return dashboard.ProgressView{Phase: dashboard.PhaseIdle, Done: 40, Planned: 52, Failed: 12, InDoubt: 2, Percent: 76,
			Status: dmsg("books.progress.stopped", "Done", 40, "Planned", 52, "Failed", 12)}
	case "empty":
		return dashboard.ProgressView{Phase: dashboard.PhaseIdle, Percent: 100, Status: dmsg("books.progress.idle")}
	}
	return dashboard.ProgressView{Phase: dashboard.PhaseIdle, Done: 80, Planned: 80, Percent: 100, Status: dmsg("books.progress.idle")}
}

func (b *fakeBooks) Dashboard(ctx context.Context, shopID int64) (*dashboard.DashboardView, error) {
	if shopID != 1 {
		return nil, shopqb.ErrNotFound
	}
	last := fakeNow.Add(-3 * time.Minute)
	v := &dashboard.DashboardView{Started: true, TimeZone: "Asia/Seoul",
		Shop: &shopqb.Shop{ID: 1, Domain: "acme.myshopify.com", Name: "Acme Retail", Currency: "KRW", TimeZone: "Asia/Seoul"},
		Connection: dashboard.ConnectionView{State: "connected", Health: dashboard.Green, LastContact: &last, Interval: 15 * time.Minute,
			Status: dmsg("books.conn.ok", "Since", last), Product: "QuickBooks Desktop Premier 2024", CompanyName: "Acme Retail Books",
			CompanyFile: `C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Acme.qbw`},
		Schedule: dmsg("books.schedule.daily", "Time", "07:00", "Zone", "Asia/Seoul"),
		Progress: b.progressView(),
		Counts:   map[shopqb.PostingState]int{shopqb.Done: 80},
	}
	next := fakeNow.Add(20 * time.Hour)
	v.NextSync = &next
	fin := fakeNow.Add(-time.Hour + 2*time.Minute)
	run := dashboard.RunView{ID: 8, Trigger: shopqb.TriggerSchedule, StartedAt: fakeNow.Add(-time.Hour), FinishedAt: &fin, Status: shopqb.RunOK, OrdersRead: 40, Planned: 52}
	for i := 0; i < 3; i++ {
		r := run
		r.ID -= int64(i)
		r.StartedAt = r.StartedAt.Add(-24 * time.Hour * time.Duration(i))
		v.History = append(v.History, r)
	}
	v.LastSync = &v.History[0]
	for d := 0; d < 14; d++ {
		v.BooksCheck = append(v.BooksCheck, dashboard.DayCheck{Day: fakeNow.AddDate(0, 0, -13+d).Format(time.DateOnly), Balanced: true})
	}
	switch b.sc() {
	case "failures":
		v.Counts = map[shopqb.PostingState]int{shopqb.Done: 40, shopqb.Failed: 12, shopqb.InDoubt: 2}
		v.Connection.Health, v.Connection.Status = dashboard.Amber, dmsg("books.conn.late", "Since", last)
		g := dashboard.FailureGroup{Cause: dashboard.Cause{Code: "3140", Class: "not_found", Kind: "SalesReceiptAdd"}, Count: 11,
			Kind: dmsg("books.kind.SalesReceiptAdd"), What: dmsg("books.failure.what", "Count", 11),
			Why: dmsg("books.failure.why.not_found", "Code", "3140"), Fix: dmsg("books.failure.fix.not_found"), Code: "3140",
			Evidence: "There is an invalid reference to QuickBooks Account \"Shipping Income\" in the SalesReceipt."}
		for i := int64(11); i < 14; i++ {
			g.Sample = append(g.Sample, fakeSale(i, shopqb.Failed))
		}
		v.Failures = append(v.Failures, g, dashboard.FailureGroup{Cause: dashboard.Cause{Code: "3175", Class: "retry_later", Kind: "DepositAdd"}, Count: 1,
			Kind: dmsg("books.kind.DepositAdd"), What: dmsg("books.failure.what", "Count", 1), Why: dmsg("books.failure.why.retry_later", "Code", "3175"),
			Fix: dmsg("books.failure.fix.retry_later"), Code: "3175", Sample: []dashboard.PostingView{{ID: 30, Kind: "DepositAdd", Label: dmsg("books.kind.DepositAdd"), State: shopqb.Failed, Attempts: 3}}})
		v.InDoubt = []dashboard.PostingView{fakeSale(40, shopqb.InDoubt), fakeSale(41, shopqb.InDoubt)}
		v.InDoubtNote = dmsgp("books.indoubt.note", "Count", 2)
		v.BooksCheck[12].Balanced, v.BooksCheck[12].Difference = false, money.MustParse("12000")
		v.History[0].Status = shopqb.RunOKWithFailures
	case "running":
		v.Counts = map[shopqb.PostingState]int{shopqb.Done: 1234, shopqb.Planned: 760, shopqb.Sent: 6}
		v.History = append([]dashboard.RunView{{ID: 9, Trigger: shopqb.TriggerManual, StartedAt: fakeNow, Status: shopqb.RunPosting, OrdersRead: 2000, Planned: 2000}}, v.History...)
	case "empty":
		v.Connection = dashboard.ConnectionView{State: "waiting", Health: dashboard.Red, Status: dmsg("books.conn.never")}
		v.Counts, v.History, v.LastSync, v.BooksCheck, v.NextSync = map[shopqb.PostingState]int{}, nil, nil, nil, nil
		v.Schedule = dmsg("books.schedule.manual")
	}
	return v, nil
}

func (b *fakeBooks) Progress(ctx context.Context, shopID int64) (*dashboard.ProgressView, error) {
	p := b.progressView()
	return &p, nil
}

func (b *fakeBooks) History(ctx context.Context, shopID int64, cursor string, limit int) (*dashboard.HistoryPage, error) {
	d, _ := b.Dashboard(ctx, shopID)
	return &dashboard.HistoryPage{Runs: d.History, Page: dashboard.Page{Next: "6"}}, nil
}

func (b *fakeBooks) FailedPostings(ctx context.Context, shopID int64, cause dashboard.Cause, cursor string, limit int) (*dashboard.FailedPage, error) {
	var ps []dashboard.PostingView
	for i := int64(11); i < 22; i++ {
		ps = append(ps, fakeSale(i, shopqb.Failed))
	}
	return &dashboard.FailedPage{Postings: ps}, nil
}

func (b *fakeBooks) RetryPosting(ctx context.Context, shopID, postingID int64, actor string) error {
	b.record(fmt.Sprintf("retry-posting %d by %s", postingID, actor))
	return nil
}

func (b *fakeBooks) RetryCause(ctx context.Context, shopID int64, cause dashboard.Cause, actor string) (int, error) {
	b.record(fmt.Sprintf("retry-cause %s/%s/%s", cause.Code, cause.Class, cause.Kind))
	return 11, nil
}

func (b *fakeBooks) RetryAll(ctx context.Context, shopID int64, actor string) (int, error) {
	b.record("retry-all")
	return 12, nil
}

func (b *fakeBooks) SyncNow(ctx context.Context, shopID int64, actor string) error {
	b.record("sync")
	return nil
}

func (b *fakeBooks) FindOrders(ctx context.Context, shopID int64, query, cursor string, limit int) (*dashboard.OrderResults, error) {
	res := &dashboard.OrderResults{Query: query}
	switch {
	case query == "":
		res.Hint = dmsgp("books.lookup.hint")
	case query == "nothing":
		res.Hint = dmsgp("books.lookup.none", "Query", query)
	default:
		res.Hits = []dashboard.OrderHit{
			{GID: "gid://shopify/Order/1001", Name: "#1001", At: fakeNow, Location: "Online Store", Total: money.MustParse("110000"), Customer: "Kim Minji", State: shopqb.Done},
			{GID: "gid://shopify/Order/1002", Name: "#1002", At: fakeNow, Location: "Seoul POS", Total: money.MustParse("55000"), State: shopqb.Failed},
		}
		res.Next = "1002"
	}
	return res, nil
}

func (b *fakeBooks) Order(ctx context.Context, shopID int64, gid string, support bool) (*dashboard.OrderView, error) {
	if gid != "gid://shopify/Order/1001" {
		return nil, shopqb.ErrNotFound
	}
	sale := fakeSale(1, shopqb.Done)
	refund := dashboard.PostingView{ID: 2, Key: "order:1001:refund:1", Kind: "CreditMemoAdd", Label: dmsg("books.kind.CreditMemoAdd"), State: shopqb.Done,
		RefNumber: "R1001", TxnID: "1A2-1733200000", TxnDate: "2026-12-02", Attempts: 1, FindIt: dmsgp("books.findit", "Ref", "R1001"),
		Ledger: []dashboard.LedgerRow{{Category: shopqb.SalesIncome, Account: "Sales", Debit: money.MustParse("20000")}, {Category: "clearing:shopify_payments", Account: "Shopify Clearing", Credit: money.MustParse("20000")}}}
	if support {
		sale.Request = `<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError"><SalesReceiptAddRq>…</SalesReceiptAddRq></QBXMLMsgsRq></QBXML>`
	}
	dep := dashboard.PostingView{ID: 3, Kind: "DepositAdd", Label: dmsg("books.kind.DepositAdd"), State: shopqb.Done, RefNumber: "P77"}
	return &dashboard.OrderView{GID: gid, Name: "#1001", At: fakeNow, Customer: "Kim Minji", Location: "Online Store", Total: money.MustParse("110000"),
		Events: []dashboard.EventView{
			{At: fakeNow, What: dmsg("books.event.created"), Postings: []dashboard.PostingView{sale}},
			{At: fakeNow.Add(24 * time.Hour), What: dmsg("books.event.refunded", "Amount", money.MustParse("20000")), Postings: []dashboard.PostingView{refund}},
		},
		Payouts: []dashboard.PayoutSummary{{GID: "gid://shopify/ShopifyPaymentsPayout/77", ID: "77", IssuedAt: fakeNow.Add(48 * time.Hour), Net: money.MustParse("86700"), Deposit: &dep}},
	}, nil
}

func (b *fakeBooks) Payout(ctx context.Context, shopID int64, gid string, support bool) (*dashboard.PayoutView, error) {
	if gid != "gid://shopify/ShopifyPaymentsPayout/77" {
		return nil, shopqb.ErrNotFound
	}
	dep := fakeSale(3, shopqb.Done)
	dep.Kind, dep.Label = "DepositAdd", dmsg("books.kind.DepositAdd")
	v := &dashboard.PayoutView{PayoutSummary: dashboard.PayoutSummary{GID: gid, ID: "77", IssuedAt: fakeNow, Net: money.MustParse("86700"), Deposit: &dep},
		Status: "PAID", Fees: money.MustParse("3300"), Deposited: money.MustParse("86700"),
		Lines: []dashboard.BalanceLine{
			{Type: "CHARGE", Order: "#1001", OrderGID: "gid://shopify/Order/1001", Amount: money.MustParse("110000"), Fee: money.MustParse("3300"), Net: money.MustParse("106700")},
			{Type: "REFUND", Order: "#1001", OrderGID: "gid://shopify/Order/1001", Amount: money.MustParse("-20000"), Net: money.MustParse("-20000")},
		}}
	if b.sc() == "differences" {
		v.Deposited, v.Difference = money.MustParse("86000"), money.MustParse("700")
	}
	if b.sc() == "bigpayout" {
		for i := len(v.Lines); i < 120; i++ {
			v.Lines = append(v.Lines, dashboard.BalanceLine{Type: "CHARGE", Order: fmt.Sprintf("#%d", 2000+i), OrderGID: fmt.Sprintf("gid://shopify/Order/%d", 2000+i),
				Amount: money.MustParse("10"), Net: money.MustParse("10")})
		}
	}
	return v, nil
}

func (b *fakeBooks) recon(from, to string) *dashboard.ReconView {
	v := &dashboard.ReconView{From: from, To: to}
	start, _ := time.Parse(time.DateOnly, from)
	for d := 0; d < 7; d++ {
		day := start.AddDate(0, 0, d).Format(time.DateOnly)
		sales := money.Cents(int64(100000+d*15000) * 100)
		v.Series = append(v.Series, dashboard.SeriesPoint{Day: day, SalesShopify: sales, SalesQuickBooks: sales, TaxShopify: sales / 10, TaxQuickBooks: sales / 10,
			DepositsShopify: sales * 9 / 10, DepositsQuickBooks: sales * 9 / 10})
		v.ByDay = append(v.ByDay, dashboard.ReconRow{Day: day, Category: shopqb.SalesIncome, Account: "Sales", Shopify: sales, QuickBooks: sales})
	}
	v.ByCategory = []dashboard.ReconRow{{Category: shopqb.SalesIncome, Account: "Sales", Shopify: 1, QuickBooks: 1}, {Category: "clearing:shopify_payments", Account: "Shopify Clearing"}}
	v.Payouts = []dashboard.PayoutMatch{{PayoutGID: "gid://shopify/ShopifyPaymentsPayout/77", PayoutID: "77", IssuedAt: from, Net: money.MustParse("86700"), Deposit: money.MustParse("86700"), DepositState: shopqb.Done}}
	if b.sc() == "differences" {
		v.ByDay[2].QuickBooks -= money.MustParse("12000")
		v.ByDay[2].Difference = money.MustParse("12000")
		v.Series[2].SalesQuickBooks -= money.MustParse("12000")
		v.Payouts[0].Deposit, v.Payouts[0].Difference, v.Payouts[0].DepositState = 0, money.MustParse("86700"), shopqb.Failed
		v.Differences, v.Pending = 2, 1
		v.Note = dmsgp("books.recon.differences", "Count", 2)
	}
	if b.sc() == "empty" {
		v.Series, v.ByDay, v.ByCategory, v.Payouts = nil, nil, nil, nil
	}
	return v
}

func (b *fakeBooks) Reconciliation(ctx context.Context, shopID int64, from, to string) (*dashboard.ReconView, error) {
	return b.recon(from, to), nil
}

func (b *fakeBooks) ReconciliationCSV(ctx context.Context, shopID int64, from, to, table string, w io.Writer) error {
	v := b.recon(from, to)
	var sb strings.Builder
	sb.WriteString("day,category,shopify,quickbooks,difference\n")
	for _, r := range v.ByDay {
		fmt.Fprintf(&sb, "%s,%s,%s,%s,%s\n", r.Day, r.Category, r.Shopify, r.QuickBooks, r.Difference)
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func (b *fakeBooks) Resync(ctx context.Context, shopID int64, actor, from, to string) (*dashboard.ResyncView, error) {
	b.record("resync " + from + " " + to)
	b.mu.Lock()
	un := b.unavailable
	b.mu.Unlock()
	if un {
		return nil, shopqb.Errorf(shopqb.EUnavailable, "this server cannot re-read a date range")
	}
	return &dashboard.ResyncView{From: from, To: to, OrdersRead: 42, Status: dmsg("books.resync.nothing", "Orders", 42)}, nil
}

func (b *fakeBooks) settingsView() *dashboard.SettingsView {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := shopqb.DefaultSettings()
	st.StartDate, st.Schedule = "2026-12-02", b.schedule
	for k, v := range b.mapping {
		st.Mapping[k] = v
	}
	since := fakeNow
	v := &dashboard.SettingsView{Settings: st, Editable: []string{"mapping", "schedule"},
		ResetHow: dmsg("books.settings.reset", "Command", "shopqb admin reset --shop acme.myshopify.com"),
		Audit: []dashboard.AuditRow{{At: fakeNow, Actor: "user:kim@example.com", Action: "started", Detail: "start date 2026-12-02"},
			{At: fakeNow.Add(time.Hour), Actor: "user:kim@example.com", Action: "mapping_changed", Detail: "sales_income: Sales -> Product Sales"}}}
	for _, f := range []struct{ field, value string }{{"startDate", st.StartDate}, {"salesMode", string(st.SalesMode)}, {"classPerLocation", "false"}} {
		v.Locked = append(v.Locked, dashboard.LockedField{Field: f.field, Value: f.value, Why: dmsg("books.settings.locked", "Since", since)})
	}
	return v
}

func (b *fakeBooks) Settings(ctx context.Context, shopID int64) (*dashboard.SettingsView, error) {
	return b.settingsView(), nil
}

func (b *fakeBooks) SaveMapping(ctx context.Context, shopID int64, actor string, m shopqb.Mapping) (*dashboard.SettingsView, error) {
	for c, a := range m {
		if a == "Old Gift Cards" {
			return b.settingsView(), shopqb.Errorf(shopqb.EInvalid, "account %q for %s is inactive in QuickBooks", a, c)
		}
	}
	b.set(func(b *fakeBooks) {
		for c, a := range m {
			b.mapping[c] = a
		}
	})
	b.record("save-mapping")
	return b.settingsView(), nil
}

func (b *fakeBooks) SaveSchedule(ctx context.Context, shopID int64, actor, schedule string) (*dashboard.SettingsView, error) {
	b.set(func(b *fakeBooks) { b.schedule = schedule })
	b.record("save-schedule " + schedule)
	return b.settingsView(), nil
}

func (b *fakeBooks) Shops(ctx context.Context, search, cursor string, limit int) (*dashboard.ShopsPage, error) {
	last := fakeNow
	all := []dashboard.ShopHealth{
		{ID: 1, Domain: "acme.myshopify.com", Name: "Acme Retail", Started: true, Health: dashboard.Green, LastContact: &last},
		{ID: 2, Domain: "beta.myshopify.com", Name: "Beta", Started: true, Health: dashboard.Red, Failed: 3, InDoubt: 1},
		{ID: 3, Domain: "gamma.myshopify.com", Name: "Gamma"},
	}
	page := &dashboard.ShopsPage{}
	for _, s := range all {
		if search == "" || strings.Contains(s.Domain, search) || strings.Contains(s.Name, search) {
			page.Shops = append(page.Shops, s)
		}
	}
	return page, nil
}

// booksIDs lists every message ID the fake returns, for the catalog test.
func booksIDs() []string {
	return []string{"books.conn.ok", "books.conn.late", "books.conn.never", "books.schedule.daily", "books.schedule.manual",
		"books.progress.posting", "books.progress.stopped", "books.progress.idle", "books.kind.SalesReceiptAdd", "books.kind.DepositAdd",
		"books.kind.CreditMemoAdd", "books.findit", "books.failure.what", "books.failure.why.not_found", "books.failure.fix.not_found",
		"books.failure.why.retry_later", "books.failure.fix.retry_later", "books.indoubt.note", "books.lookup.hint", "books.lookup.none",
		"books.event.created", "books.event.refunded", "books.recon.differences", "books.resync.nothing", "books.settings.reset", "books.settings.locked"}
}
