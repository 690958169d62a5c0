package syncengine_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/qbdsim"
	"github.com/shopqb/shopqb/internal/qbwc"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/syncengine"
	"github.com/shopqb/shopqb/internal/testenv"
)

// qb sends qbXML straight to the simulated company, as the merchant's own
// work in QuickBooks would land there, and fails on any status but 0.
func qb(t *testing.T, c *qbdsim.Company, reqs ...string) {
	t.Helper()
	doc := `<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">` + strings.Join(reqs, "") + `</QBXMLMsgsRq></QBXML>`
	resp, err := c.ProcessRequest(doc)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := qbxml.ParseResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs.Responses {
		if r.StatusCode != 0 {
			t.Fatalf("%s: %d %s", r.Name, r.StatusCode, r.StatusMessage)
		}
	}
}

// TestExistingItemOfAnotherKindIsNotLinked: the company file already has a
// Service item "Shipping" on "Construction Income:Labor Income". shopqb's
// Other Charge item "Shipping" gets 3100 (name in use); the lookup finds the
// Service item, and shopqb stops that posting with a message naming the item
// and the fix instead of booking shipping income to labour. An existing item
// of the same type on the same account is linked.
func TestExistingItemOfAnotherKindIsNotLinked(t *testing.T) {
	r := newRig(t, store.SQLite)
	s := r.addShop(t, "items.myshopify.com", qbdsim.CompanyOptions{})
	qb(t, s.company,
		`<AccountAddRq><AccountAdd><Name>Construction Income</Name><AccountType>Income</AccountType></AccountAdd></AccountAddRq>`,
		`<AccountAddRq><AccountAdd><Name>Labor Income</Name><ParentRef><FullName>Construction Income</FullName></ParentRef><AccountType>Income</AccountType></AccountAdd></AccountAddRq>`,
		`<ItemServiceAddRq><ItemServiceAdd><Name>Shipping</Name><SalesOrPurchase><Desc>Delivery labour</Desc><AccountRef><FullName>Construction Income:Labor Income</FullName></AccountRef></SalesOrPurchase></ItemServiceAdd></ItemServiceAddRq>`,
		`<ItemOtherChargeAddRq><ItemOtherChargeAdd><Name>Gift Card</Name><SalesOrPurchase><AccountRef><FullName>Sales</FullName></AccountRef></SalesOrPurchase></ItemOtherChargeAdd></ItemOtherChargeAddRq>`)
	session(t, s)
	ctx := context.Background()
	// The first visit's item list keeps each item's type and account, for
	// the planner to link only what fits.
	pre, err := r.eng.LoadPreflight(ctx, s.shop.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range pre.KnownItems {
		found = found || (it == syncengine.KnownItem{Name: "Shipping", Type: "ItemService", Account: "Construction Income:Labor Income"})
	}
	if !found {
		t.Errorf("preflight items %+v lack the Service item Shipping on its account", pre.KnownItems)
	}
	item := func(key, name string) *shopqb.Posting {
		return &shopqb.Posting{Key: key, Kind: "ItemOtherChargeAdd", Name: name,
			Request: mustXML(t, qbxml.ItemOtherChargeAdd{Name: name, SalesOrPurchase: &qbxml.SalesOrPurchase{Desc: name, AccountRef: qbxml.ByName("Sales")}})}
	}
	sale := &shopqb.Posting{Key: "order:1:sale", Kind: "SalesReceiptAdd", RefNumber: "1001", TxnDate: "2026-11-20",
		DependsOn: []string{"item:shipping"},
		Request: mustXML(t, qbxml.SalesReceiptAdd{TxnDate: "2026-11-20", RefNumber: "1001", ItemSalesTaxRef: qbxml.ByName("Out of State"),
			DepositToAccountRef: qbxml.ByName("Undeposited Funds"), Lines: []qbxml.SalesLine{{ItemRef: qbxml.ByName("Shipping"), Amount: qbxml.Amt(500)}}})}
	if _, _, err := r.db.UpsertPostings(ctx, s.shop.ID, []*shopqb.Posting{item("item:shipping", "Shipping"), item("item:gift-card", "Gift Card"), sale}); err != nil {
		t.Fatal(err)
	}
	drain(t, s, 10)
	ship, _ := r.db.PostingByKey(ctx, s.shop.ID, "item:shipping")
	if ship.State != shopqb.Failed || ship.ErrorClass != string(qbxml.MerchantFix) ||
		!strings.Contains(ship.ErrorMessage, "Service item") || !strings.Contains(ship.ErrorMessage, "Construction Income:Labor Income") ||
		!strings.Contains(ship.ErrorMessage, "rename") {
		t.Fatalf("Shipping posting: %s %s %q", ship.State, ship.ErrorClass, ship.ErrorMessage)
	}
	if p, _ := r.db.PostingByKey(ctx, s.shop.ID, "order:1:sale"); p.State != shopqb.Planned {
		t.Errorf("the sale through the Service item left: %s", p.State)
	}
	if n := receipts(s); n != 0 {
		t.Errorf("%d receipts booked through the labour item", n)
	}
	gift, _ := r.db.PostingByKey(ctx, s.shop.ID, "item:gift-card")
	if gift.State != shopqb.Done || gift.QBID == "" {
		t.Errorf("the matching Gift Card item was not linked: %s %q", gift.State, gift.ErrorMessage)
	}
}

// TestPostingSessionEndsAt100: a session that posts but does not run the
// first-visit checks (they ran an hour ago) ends at 100 % with
// closeConnection's summary, never on the Web Connector's error path.
func TestPostingSessionEndsAt100(t *testing.T) {
	r := newRig(t, store.SQLite)
	s := r.addShop(t, "finish.myshopify.com", qbdsim.CompanyOptions{})
	session(t, s) // the first visit: preflight
	r.plan(t, s, 5, "F")
	var preflights int
	r.eng.Trace = func(_ int64, x string) {
		if strings.Contains(x, "AccountQueryRq") {
			preflights++
		}
	}
	res := session(t, s)
	if preflights != 0 {
		t.Fatalf("the posting session ran the preflight again")
	}
	if res.Percent != 100 || res.LastError != "" || !strings.HasPrefix(res.CloseMessage, "OK: 11 posted") {
		t.Errorf("session ended at %d%% with last error %q and summary %q", res.Percent, res.LastError, res.CloseMessage)
	}
}

// TestRejectedSetIsolatedThenFullBatches: one unreadable request spoils a
// message set (HRESULT 0x80040400). shopqb halves the set until the bad
// request is alone, fails only it, and returns to full batches: the
// session does not go on one posting per set, and no stale error remains
// as the session's last error.
func TestRejectedSetIsolatedThenFullBatches(t *testing.T) {
	r := newRig(t, store.SQLite)
	s := r.addShop(t, "bisect.myshopify.com", qbdsim.CompanyOptions{})
	s.company.SetXSDValidator(qbdsim.XMLLintValidator(testenv.Xmllint(t), testenv.QBXMLSchema(t)))
	session(t, s)
	ctx := context.Background()
	bad := &shopqb.Posting{Key: "customer:bad", Kind: "CustomerAdd", Name: "Bad Order",
		Request: `<CustomerAddRq><CustomerAdd><Phone>555</Phone><Name>Bad Order</Name></CustomerAdd></CustomerAddRq>`}
	if _, _, err := r.db.UpsertPostings(ctx, s.shop.ID, []*shopqb.Posting{bad}); err != nil {
		t.Fatal(err)
	}
	r.plan(t, s, 30, "B") // 61 good postings
	var sizes []int
	var mu sync.Mutex
	r.eng.Trace = func(_ int64, x string) {
		mu.Lock()
		defer mu.Unlock()
		if strings.Contains(x, "newMessageSetID") {
			sizes = append(sizes, strings.Count(x, "AddRq requestID="))
		}
	}
	res := session(t, s)
	if c := counts(t, r, s.shop.ID); c[shopqb.Done] != 61 || c[shopqb.Failed] != 1 {
		t.Fatalf("counts %v after one session (%+v)", c, res)
	}
	if p, _ := r.db.PostingByKey(ctx, s.shop.ID, "customer:bad"); p.State != shopqb.Failed {
		t.Fatalf("bad posting %s", p.State)
	}
	singles := 0
	for _, n := range sizes {
		if n == 1 {
			singles++
		}
	}
	// The bad request alone and a few halves on the way; then full sets
	// again (the batch keeps growing after the isolation).
	if singles > 4 || len(sizes) > 20 {
		t.Errorf("%d posting sets, %d of one posting: %v", len(sizes), singles, sizes)
	}
	if k := len(sizes); k < 3 || sizes[k-1] < 2 || sizes[k-2] < 10 {
		t.Errorf("sets did not return to full batches after the isolation: %v", sizes)
	}
	if res.Percent != 100 || res.LastError != "" {
		t.Errorf("session ended at %d%% with last error %q", res.Percent, res.LastError)
	}
	t.Logf("posting sets: %v", sizes)
}

// TestLostResponseLookupsWithoutExternalGUID: a posting set's answer is lost
// and QuickBooks has no saved answer for it (600), and the receipts it
// committed carry no ExternalGUID (QuickBooks did not keep one). The
// lookups match them by RefNumber, date, customer and amount: nothing is
// posted twice, nothing is missing.
func TestLostResponseLookupsWithoutExternalGUID(t *testing.T) {
	r := newRig(t, store.SQLite)
	s := r.addShop(t, "noguid.myshopify.com", qbdsim.CompanyOptions{})
	session(t, s)
	ctx := context.Background()
	const n = 12
	var lists, sales []*shopqb.Posting
	lists = append(lists, &shopqb.Posting{Key: "item:svc", Kind: "ItemServiceAdd", Name: "Demo Service",
		Request: mustXML(t, qbxml.ItemServiceAdd{Name: "Demo Service", SalesOrPurchase: &qbxml.SalesOrPurchase{AccountRef: qbxml.ByName("Sales")}})})
	for i := 0; i < n; i++ {
		name, ref := fmt.Sprintf("G Customer %d", i), fmt.Sprintf("G%d", i)
		lists = append(lists, &shopqb.Posting{Key: "customer:" + ref, Kind: "CustomerAdd", Name: name, Request: mustXML(t, qbxml.CustomerAdd{Name: name})})
		sales = append(sales, &shopqb.Posting{Key: "order:" + ref + ":sale", Kind: "SalesReceiptAdd", RefNumber: ref, TxnDate: "2026-11-20",
			ExternalGUID: string(qbwc.StableGUID("test", ref)), DependsOn: []string{"customer:" + ref, "item:svc"},
			Request: mustXML(t, qbxml.SalesReceiptAdd{CustomerRef: qbxml.ByName(name), TxnDate: "2026-11-20", RefNumber: ref,
				ItemSalesTaxRef: qbxml.ByName("Out of State"), DepositToAccountRef: qbxml.ByName("Undeposited Funds"),
				Lines: []qbxml.SalesLine{{ItemRef: qbxml.ByName("Demo Service"), Amount: qbxml.Amt(money.Cents(1000 + i))}}})})
	}
	if _, _, err := r.db.UpsertPostings(ctx, s.shop.ID, lists); err != nil {
		t.Fatal(err)
	}
	drain(t, s, 5)
	// A receipt the merchant entered by hand with one of shopqb's numbers,
	// on the same day, for another amount: not shopqb's.
	qb(t, s.company, `<SalesReceiptAddRq><SalesReceiptAdd><TxnDate>2026-11-20</TxnDate><RefNumber>G3</RefNumber><DepositToAccountRef><FullName>Undeposited Funds</FullName></DepositToAccountRef>`+
		`<SalesReceiptLineAdd><ItemRef><FullName>Demo Service</FullName></ItemRef><Desc>Counter sale</Desc><Amount>99.00</Amount></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq>`)
	if _, _, err := r.db.UpsertPostings(ctx, s.shop.ID, sales); err != nil {
		t.Fatal(err)
	}
	var lookups []string
	r.eng.Trace = func(_ int64, x string) {
		if strings.Contains(x, "SalesReceiptQueryRq") {
			lookups = append(lookups, x)
		}
	}
	s.company.SetFaults(qbdsim.Faults{Seed: 3, LoseResponseRate: 1})
	if res := session(t, s); res.LostResponses != 1 {
		t.Fatalf("no response lost: %+v", res)
	}
	lost := receipts(s) - 1
	if lost == 0 {
		t.Fatal("the lost set committed nothing")
	}
	s.company.SetFaults(qbdsim.Faults{})
	s.company.ClearErrorRecovery()
	drain(t, s, 10)
	if got := receipts(s); got != n+1 {
		t.Errorf("%d receipts in QuickBooks, want %d (%d of shopqb's once each, and the merchant's)", got, n+1, n)
	}
	c := counts(t, r, s.shop.ID)
	if c[shopqb.Done] != 2*n+1 {
		t.Errorf("counts %v", c)
	}
	if len(lookups) == 0 || !strings.Contains(lookups[0], "<OwnerID>0</OwnerID>") || !strings.Contains(lookups[0], "<IncludeRetElement>ExternalGUID</IncludeRetElement>") {
		t.Errorf("lookups do not ask for ExternalGUID: %v", lookups)
	}
	t.Logf("%d receipts committed by the lost set, found again without ExternalGUID", lost)
}

// TestRefusedQuickBooksBindsNothing: a QuickBooks too old for qbXML 13.0 is
// refused before the shop is bound to its company file, and an unreadable
// HCP is explained in plain words, never with the parser's error.
func TestRefusedQuickBooksBindsNothing(t *testing.T) {
	r := newRig(t, store.SQLite)
	s := r.addShop(t, "old.myshopify.com", qbdsim.CompanyOptions{})
	ctx := context.Background()
	file := s.company.Options().FilePath
	old := regexp.MustCompile(`<SupportedQBXMLVersion>1[23]\.0</SupportedQBXMLVersion>\s*`).ReplaceAllString(s.company.HCPResponse(), "")
	start := func() string {
		t.Helper()
		a, err := r.eng.Authenticate(ctx, s.shop.QBWCUser, s.token)
		if err != nil || a.Status != "" {
			t.Fatalf("authenticate: %+v %v", a, err)
		}
		return a.Ticket
	}
	bound := func() string {
		t.Helper()
		sh, err := r.db.ShopByID(ctx, s.shop.ID)
		if err != nil {
			t.Fatal(err)
		}
		return sh.CompanyFile
	}
	for _, tc := range []struct {
		name string
		in   qbwc.SendRequestInput
		want string
	}{
		{"old HCP", qbwc.SendRequestInput{HCPResponse: old, CompanyFileName: file, MajorVersion: 11}, syncengine.RefusedVersion},
		{"old version, no HCP", qbwc.SendRequestInput{CompanyFileName: file, MajorVersion: 12}, syncengine.RefusedVersion},
		{"malformed HCP", qbwc.SendRequestInput{HCPResponse: `<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><HostQueryRs statusCode="0"><HostRet><ProductName>QuickBooks`, CompanyFileName: file, MajorVersion: 13}, syncengine.RefusedHCP},
	} {
		ticket := start()
		req, err := r.eng.SendRequest(ctx, ticket, tc.in)
		if err != nil || req != "" {
			t.Fatalf("%s: sent %q, %v", tc.name, req, err)
		}
		if f := bound(); f != "" {
			t.Errorf("%s: the refused QuickBooks bound the shop to %q", tc.name, f)
		}
		conn, _ := r.eng.Connection(ctx, s.shop.ID)
		if conn.State != syncengine.ConnRefused || conn.Reason != tc.want {
			t.Errorf("%s: connection %+v", tc.name, conn)
		}
		msg, _ := r.eng.LastError(ctx, ticket)
		if !strings.Contains(msg, "Update QuickBooks Desktop") || strings.Contains(strings.ToLower(msg), "xml syntax") || strings.Contains(msg, "unexpected EOF") {
			t.Errorf("%s: last error %q", tc.name, msg)
		}
		_, _ = r.eng.CloseConnection(ctx, ticket)
	}
	// A supported QuickBooks binds it.
	if res := session(t, s); res.LastError != "" && !strings.HasPrefix(res.CloseMessage, "OK") {
		t.Fatalf("good session: %+v", res)
	}
	if f := bound(); !strings.EqualFold(f, file) {
		t.Errorf("bound to %q, want %q", f, file)
	}
}
