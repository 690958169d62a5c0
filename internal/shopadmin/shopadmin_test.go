package shopadmin_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/secret"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/store"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

// pipeline records what administration asked of it.
type pipeline struct {
	problems []shopqb.StartProblem
	accounts []shopqb.Account
	noPre    bool
	trial    error
	trials   int
	rewinds  int
	restarts int
}

func (p *pipeline) PreflightProblems(context.Context, int64) ([]shopqb.StartProblem, error) {
	if p.noPre {
		return nil, shopqb.ErrNotFound
	}
	return p.problems, nil
}
func (p *pipeline) Accounts(context.Context, int64) ([]shopqb.Account, error) {
	if p.noPre {
		return nil, shopqb.ErrNotFound
	}
	return p.accounts, nil
}
func (p *pipeline) TrialRun(context.Context, int64) error { p.trials++; return p.trial }
func (p *pipeline) Rewind(context.Context, int64) error   { p.rewinds++; return nil }
func (p *pipeline) Restart(context.Context, int64) error  { p.restarts++; return nil }

type rig struct {
	db   *store.DB
	pipe *pipeline
	svc  *shopadmin.Service
	now  time.Time
}

func newRig(t *testing.T) *rig {
	t.Helper()
	box, err := secret.OpenBox(secret.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{db: storetest.Open(t, store.SQLite), pipe: &pipeline{}, now: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	r.svc = shopadmin.New(shopadmin.Options{Store: r.db, Box: box, Pipeline: r.pipe, Now: func() time.Time { return r.now }})
	return r
}

func (r *rig) register(t *testing.T, domain string) shopadmin.Registered {
	t.Helper()
	reg, err := r.svc.Register(context.Background(), shopadmin.Registration{Domain: domain, TimeZone: "America/New_York"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func actions(t *testing.T, db *store.DB, shopID int64) string {
	t.Helper()
	es, err := db.Audit(context.Background(), shopID, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(es) - 1; i >= 0; i-- {
		out = append(out, es[i].Actor+":"+es[i].Action)
	}
	return strings.Join(out, " ")
}

func TestRegister(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	reg, err := r.svc.Register(ctx, shopadmin.Registration{Domain: "  Corner-Store.MyShopify.com ", Name: " Corner ", TimeZone: "Europe/Berlin", ShopifyToken: " shpat_x "}, "cli")
	if err != nil {
		t.Fatal(err)
	}
	s := reg.Shop
	if s.Domain != "corner-store.myshopify.com" || s.Name != "Corner" || s.Currency != "USD" || s.ShopifyAuth != shopqb.AuthStatic ||
		s.QBWCUser != "corner-store" || s.OwnerID == "" || s.FileID == "" || s.Settings.SalesMode != shopqb.Detail {
		t.Errorf("registered %+v", s)
	}
	if !secret.CheckAppToken(s.AppTokenHash, reg.AppToken) {
		t.Error("the app token does not match its hash")
	}
	if at, err := r.svc.AppTokenCreatedAt(ctx, s.ID); err != nil || at == nil || !at.Equal(r.now) {
		t.Errorf("token created at %v, %v", at, err)
	}
	if tok, err := r.svc.OpenSecret(ctx, s, shopadmin.SecretShopifyToken); err != nil || string(tok) != "shpat_x" {
		t.Errorf("Shopify token %q, %v", tok, err)
	}
	if got := actions(t, r.db, s.ID); got != "cli:shop_created cli:shopify_token_stored" {
		t.Errorf("audit %s", got)
	}

	_, err = r.svc.Register(ctx, shopadmin.Registration{Domain: "corner-store.myshopify.com", TimeZone: "UTC"}, "api")
	if shopqb.ErrorCode(err) != shopqb.EConflict || !errors.Is(err, shopqb.ErrConflict) || !strings.Contains(err.Error(), "already registered") {
		t.Errorf("second registration: %v", err)
	}
	for _, bad := range []shopadmin.Registration{
		{Domain: "shop.example.com", TimeZone: "UTC"},
		{Domain: "a.myshopify.com"},
		{Domain: "a.myshopify.com", TimeZone: "Nowhere/Else"},
		{Domain: "a.myshopify.com", TimeZone: "UTC", Currency: "dollars"},
		{Domain: "a.myshopify.com", TimeZone: "UTC", ShopifyAuth: "magic"},
		{Domain: "a.myshopify.com", TimeZone: "UTC", ShopifyAuth: shopqb.AuthClientCredentials, ClientID: "id"},
		{Domain: "a.myshopify.com", TimeZone: "UTC", ShopifyAuth: shopqb.AuthOAuth, ShopifyToken: "t"},
		{Domain: "a.myshopify.com", TimeZone: "UTC", ShopifyToken: "shpat a"},
		{Domain: "a.myshopify.com", TimeZone: "UTC", Settings: &shopqb.Settings{SalesMode: "weekly"}},
	} {
		reg, err := r.svc.Register(ctx, bad, "test")
		if shopqb.ErrorCode(err) != shopqb.EInvalid || reg.Shop != nil || reg.AppToken != "" {
			t.Errorf("%+v: %v (%s)", bad, err, shopqb.ErrorCode(err))
		}
	}
	if shops, _ := r.db.ListShops(ctx); len(shops) != 1 {
		t.Errorf("refused registrations stored %d shops", len(shops)-1)
	}
}

// failingSecrets cannot write secrets.
type failingSecrets struct{ shopadmin.Store }

func (failingSecrets) PutSecret(context.Context, int64, string, []byte) error {
	return errors.New("disk full")
}

func TestRegisterKeepsTheAppTokenWhenACredentialFails(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	box, _ := secret.OpenBox(secret.NewKey())
	svc := shopadmin.New(shopadmin.Options{Store: failingSecrets{db}, Box: box, Pipeline: &pipeline{}})
	reg, err := svc.Register(context.Background(), shopadmin.Registration{Domain: "half.myshopify.com", TimeZone: "UTC", ShopifyToken: "shpat_half"}, "test")
	if err == nil || !strings.Contains(err.Error(), "disk full") || strings.Contains(err.Error(), "shpat_half") {
		t.Fatalf("err %v", err)
	}
	if reg.Shop == nil || reg.AppToken == "" || !secret.CheckAppToken(reg.Shop.AppTokenHash, reg.AppToken) {
		t.Fatalf("registered %+v", reg)
	}
	if _, err := db.ShopByDomain(context.Background(), "half.myshopify.com"); err != nil {
		t.Errorf("the shop was not kept: %v", err)
	}

	// Without a secret key nothing that needs one is stored, and no shop is created.
	nobox := shopadmin.New(shopadmin.Options{Store: db, Pipeline: &pipeline{}})
	reg, err = nobox.Register(context.Background(), shopadmin.Registration{Domain: "nokey.myshopify.com", TimeZone: "UTC", ShopifyToken: "t"}, "test")
	if shopqb.ErrorCode(err) != shopqb.EUnavailable || reg.Shop != nil {
		t.Errorf("register without a key: %v", err)
	}
}

func TestCredentials(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	s := r.register(t, "creds.myshopify.com").Shop
	for _, sec := range []string{"whsec_1", "whsec_2", "whsec_2"} {
		if err := r.svc.SetWebhookSecret(ctx, s.ID, "api", sec); err != nil {
			t.Fatal(err)
		}
	}
	cur, _ := r.svc.OpenSecret(ctx, s, shopadmin.SecretWebhook)
	prev, _ := r.svc.OpenSecret(ctx, s, shopadmin.SecretWebhookPrevious)
	if string(cur) != "whsec_2" || string(prev) != "whsec_1" {
		t.Errorf("webhook secrets %q, previous %q (setting the current one again must keep the previous)", cur, prev)
	}
	if err := r.svc.SetShopifyClientCredentials(ctx, s.ID, "api", "cid", "csecret"); err != nil {
		t.Fatal(err)
	}
	if cur, _ := r.svc.OpenSecret(ctx, s, shopadmin.SecretWebhook); string(cur) != "csecret" {
		t.Errorf("the client secret did not become the webhook secret: %q", cur)
	}
	if err := r.svc.SetStockyKey(ctx, s.ID, "api", "", "stk"); err != nil {
		t.Fatal(err)
	}
	if v, _ := r.db.KV(ctx, s.ID, shopadmin.KVStockyStore); string(v) != s.Domain {
		t.Errorf("Stocky store name %q", v)
	}
	for _, err := range []error{
		r.svc.SetShopifyToken(ctx, s.ID, "api", " "),
		r.svc.SetWebhookSecret(ctx, s.ID, "api", "a\x00b"),
		r.svc.SetStockyKey(ctx, s.ID, "api", "a\x07", "k"),
		r.svc.SetShopifyClientCredentials(ctx, s.ID, "api", "", "x"),
	} {
		if shopqb.ErrorCode(err) != shopqb.EInvalid {
			t.Errorf("bad credential: %v", err)
		}
	}
	if err := r.svc.SetShopifyToken(ctx, 999, "api", "t"); shopqb.ErrorCode(err) != shopqb.ENotFound {
		t.Errorf("unknown shop: %v", err)
	}
	old := s.AppTokenHash
	r.now = r.now.Add(time.Hour)
	tok, err := r.svc.RotateAppToken(ctx, s.ID, "api")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := r.db.ShopByID(ctx, s.ID)
	if !secret.CheckAppToken(got.AppTokenHash, tok) || secret.CheckAppToken(old, tok) || !got.AppTokenCreatedAt.Equal(r.now) {
		t.Errorf("rotated token not stored: %+v", got)
	}
	want := "test:shop_created api:webhook_secret_stored api:webhook_secret_stored api:client_credentials_stored api:webhook_secret_stored api:stocky_key_stored api:token_rotated"
	if a := actions(t, r.db, s.ID); a != want {
		t.Errorf("audit\n%s\nwant\n%s", a, want)
	}
}

func startable(t *testing.T, r *rig, domain string) *shopqb.Shop {
	t.Helper()
	s := r.register(t, domain).Shop
	next := s.Settings
	next.StartDate = "2026-11-01"
	if err := r.svc.UpdateSettings(context.Background(), s.ID, "test", next); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStartAndSettings(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	s := r.register(t, "start.myshopify.com").Shop
	if r.pipe.rewinds != 0 {
		t.Fatal("registration rewound")
	}

	// Everything that stops the start, in one answer.
	r.pipe.noPre = true
	next := s.Settings
	next.Mapping = shopqb.DefaultMapping()
	delete(next.Mapping, shopqb.Bank)
	if err := r.svc.UpdateSettings(ctx, s.ID, "test", next); err != nil {
		t.Fatal(err)
	}
	err := r.svc.Start(ctx, s.ID, "test")
	var refused *shopadmin.StartRefusedError
	if !errors.As(err, &refused) || shopqb.ErrorCode(err) != shopqb.ERefused || len(refused.Problems) != 3 ||
		refused.Problems[0].Text != shopadmin.NoPreflight || !strings.Contains(err.Error(), "start date") || !strings.Contains(err.Error(), "bank") {
		t.Fatalf("start: %v", err)
	}
	// Each problem carries its code, arguments and area, for the doors that translate.
	want := []shopqb.StartProblem{
		{Code: shopqb.ProblemNoPreflight, Area: shopqb.AreaQuickBooks},
		{Code: shopqb.ProblemNoStartDate, Area: shopqb.AreaStartDate},
		{Code: shopqb.ProblemUnmapped, Area: shopqb.AreaMapping, Args: map[string]string{"Category": string(shopqb.Bank)}},
	}
	for i, w := range want {
		g := refused.Problems[i]
		if g.Code != w.Code || g.Area != w.Area || len(g.Args) != len(w.Args) || g.Args["Category"] != w.Args["Category"] || g.Text == "" {
			t.Errorf("problem %d: %+v, want %+v", i, g, w)
		}
	}
	if r.pipe.trials != 0 {
		t.Error("the trial ran although the settings were incomplete")
	}
	next.Mapping[shopqb.Bank] = "Checking"
	next.StartDate = "2026-11-01"
	if err := r.svc.UpdateSettings(ctx, s.ID, "test", next); err != nil {
		t.Fatal(err)
	}
	if r.pipe.rewinds != 1 {
		t.Errorf("a new start date rewound %d times, want 1", r.pipe.rewinds)
	}
	taxOff := shopqb.NewStartProblem(shopqb.ProblemSalesTaxOff, shopqb.AreaSalesTax, "turn on sales tax")
	r.pipe.noPre, r.pipe.problems = false, []shopqb.StartProblem{taxOff}
	if err := r.svc.Start(ctx, s.ID, "test"); !errors.As(err, &refused) || refused.Problems[0].Code != shopqb.ProblemSalesTaxOff ||
		refused.Problems[0].Area != shopqb.AreaSalesTax || !strings.Contains(err.Error(), "turn on sales tax") {
		t.Fatalf("start with a preflight problem: %v", err)
	}
	// The planner's refusal past the list limit keeps its code through the trial run.
	r.pipe.problems = nil
	over := shopqb.NewStartProblem(shopqb.ProblemTooManyNames, shopqb.AreaModes, "plan refused: 14,600 names", "Total", "14600")
	r.pipe.trial = fmt.Errorf("plan: %w", &shopqb.StartProblemError{Problem: over})
	if err := r.svc.Start(ctx, s.ID, "test"); !errors.As(err, &refused) || len(refused.Problems) != 1 ||
		refused.Problems[0].Code != shopqb.ProblemTooManyNames || refused.Problems[0].Area != shopqb.AreaModes || refused.Problems[0].Args["Total"] != "14600" {
		t.Fatalf("start refused past the list limit: %v", err)
	}
	r.pipe.problems, r.pipe.trial = nil, errors.New("14500 names: choose summary customers")
	if err := r.svc.Start(ctx, s.ID, "test"); !errors.As(err, &refused) || !strings.Contains(err.Error(), "14500") || !errors.Is(err, r.pipe.trial) ||
		refused.Problems[0].Code != shopqb.ProblemTrialRun {
		t.Fatalf("start refused by the trial: %v", err)
	}
	if got, _ := r.db.ShopByID(ctx, s.ID); got.StartedAt != nil {
		t.Fatal("a refused start locked the settings")
	}
	r.pipe.trial = nil
	if err := r.svc.Start(ctx, s.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Start(ctx, s.ID, "test"); !errors.Is(err, shopqb.ErrAlreadyStarted) || shopqb.ErrorCode(err) != shopqb.EAlreadyStarted {
		t.Fatalf("second start: %v", err)
	}

	// After the start: the start date and modes are locked, the mapping is audited.
	locked := next
	locked.SalesMode = shopqb.Summary
	if err := r.svc.UpdateSettings(ctx, s.ID, "test", locked); !errors.Is(err, shopqb.ErrSettingsLocked) || shopqb.ErrorCode(err) != shopqb.ELocked {
		t.Errorf("mode change after the start: %v", err)
	}
	moved := next
	moved.Mapping = shopqb.DefaultMapping()
	moved.Mapping[shopqb.Bank] = "Savings"
	moved.Schedule = "daily 02:00"
	if err := r.svc.UpdateSettings(ctx, s.ID, "api", moved); err != nil {
		t.Fatal(err)
	}
	bad := moved
	bad.Schedule = "daily 25:00"
	if err := r.svc.UpdateSettings(ctx, s.ID, "api", bad); shopqb.ErrorCode(err) != shopqb.EInvalid {
		t.Errorf("bad schedule: %v", err)
	}
	es, _ := r.db.Audit(ctx, s.ID, 1)
	if len(es) != 1 || es[0].Action != "mapping_changed" || !strings.Contains(es[0].Detail, `bank: "Checking" → "Savings"`) {
		t.Errorf("last audit %+v", es)
	}

	n, err := r.svc.Reset(ctx, s.ID, "cli")
	if err != nil || r.pipe.restarts != 1 {
		t.Fatalf("reset: %d, %v, %d restarts", n, err, r.pipe.restarts)
	}
	if got, _ := r.db.ShopByID(ctx, s.ID); got.StartedAt != nil {
		t.Error("reset left the settings locked")
	}
}

func TestRetry(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	one := startable(t, r, "one.myshopify.com")
	two := startable(t, r, "two.myshopify.com")
	for _, s := range []*shopqb.Shop{one, two} {
		var ps []*shopqb.Posting
		for _, k := range []string{"a", "b", "c"} {
			ps = append(ps, &shopqb.Posting{Key: "order:" + k + ":sale", Kind: "SalesReceiptAdd", Request: "<SalesReceiptAdd/>", PlanHash: "h", State: shopqb.Planned})
		}
		if _, _, err := r.db.UpsertPostings(ctx, s.ID, ps); err != nil {
			t.Fatal(err)
		}
		stored, _ := r.db.ListPostings(ctx, shopqb.PostingFilter{ShopID: s.ID})
		for _, p := range stored[:2] {
			p.State, p.Attempts, p.ErrorMessage = shopqb.Failed, 8, "invalid reference"
		}
		if err := r.db.UpdatePostings(ctx, stored[:2]); err != nil {
			t.Fatal(err)
		}
	}
	ones, _ := r.db.ListPostings(ctx, shopqb.PostingFilter{ShopID: one.ID})
	twos, _ := r.db.ListPostings(ctx, shopqb.PostingFilter{ShopID: two.ID})
	if err := r.svc.RetryPosting(ctx, one.ID, twos[0].ID, "web"); shopqb.ErrorCode(err) != shopqb.ENotFound {
		t.Errorf("retrying another shop's posting: %v", err)
	}
	if err := r.svc.RetryPosting(ctx, one.ID, ones[2].ID, "web"); shopqb.ErrorCode(err) != shopqb.EConflict {
		t.Errorf("retrying a planned posting: %v", err)
	}
	if err := r.svc.RetryPosting(ctx, one.ID, ones[0].ID, "web"); err != nil {
		t.Fatal(err)
	}
	got, _ := r.db.PostingsByID(ctx, one.ID, []int64{ones[0].ID})
	if got[0].State != shopqb.Planned || got[0].Attempts != 0 {
		t.Errorf("retried posting %+v", got[0])
	}
	if n, err := r.svc.RetryFailed(ctx, one.ID, "cli"); err != nil || n != (shopqb.Retried{Queued: 1}) {
		t.Errorf("retry failed: %d, %v", n, err)
	}
	if c, _ := r.db.CountPostings(ctx, two.ID); c[shopqb.Failed] != 2 {
		t.Errorf("retrying shop one touched shop two: %v", c)
	}
	if a := actions(t, r.db, one.ID); !strings.HasSuffix(a, "web:retry_posting cli:retry_failed") {
		t.Errorf("audit %s", a)
	}
}

// TestRetryRechecksDocumentFailures: a posting whose Shopify document did
// not add up has no request; a retry leaves it failed with its reason,
// asks for one sync of the shop to plan its document again, and counts it
// apart from the postings queued again.
func TestRetryRechecksDocumentFailures(t *testing.T) {
	r := newRig(t)
	var synced []int64
	r.svc = shopadmin.New(shopadmin.Options{Store: r.db, Pipeline: r.pipe, Now: func() time.Time { return r.now },
		EnqueueSync: func(_ context.Context, shopID int64) error { synced = append(synced, shopID); return nil }})
	ctx := context.Background()
	s := startable(t, r, "docs.myshopify.com")
	ps := []*shopqb.Posting{
		{Key: "order:1:sale", Kind: "SalesReceiptAdd", Request: "<SalesReceiptAdd/>", PlanHash: "h"},
		{Key: "order:2:sale", Kind: "SalesReceiptAdd", State: shopqb.Failed, ErrorClass: shopqb.ErrorClassDocument,
			ErrorCode: "unbookable", ErrorMessage: "does not add up", PlanHash: "f2"},
		{Key: "refund:3", Kind: "CreditMemoAdd", State: shopqb.Failed, ErrorClass: shopqb.ErrorClassDocument,
			ErrorCode: "unbookable", ErrorMessage: "does not add up", PlanHash: "f3"},
	}
	if _, _, err := r.db.UpsertPostings(ctx, s.ID, ps); err != nil {
		t.Fatal(err)
	}
	stored, _ := r.db.ListPostings(ctx, shopqb.PostingFilter{ShopID: s.ID, KeyLike: "order:1:%"})
	stored[0].State, stored[0].Attempts, stored[0].ErrorMessage = shopqb.Failed, 8, "invalid reference"
	if err := r.db.UpdatePostings(ctx, stored); err != nil {
		t.Fatal(err)
	}
	got, err := r.svc.RetryFailed(ctx, s.ID, "cli")
	if err != nil || got != (shopqb.Retried{Queued: 1, Rechecked: 2}) {
		t.Fatalf("retry: %+v, %v", got, err)
	}
	if got.String() != "1 postings queued again; 2 documents re-checked against Shopify" {
		t.Errorf("message %q", got.String())
	}
	if len(synced) != 1 || synced[0] != s.ID {
		t.Errorf("syncs asked for %v, want one of shop %d", synced, s.ID)
	}
	for _, key := range []string{"order:2:sale", "refund:3"} {
		p, err := r.db.PostingByKey(ctx, s.ID, key)
		if err != nil || p.State != shopqb.Failed || p.ErrorMessage != "does not add up" {
			t.Errorf("%s after the retry: %+v, %v", key, p, err)
		}
	}
	if p, _ := r.db.PostingByKey(ctx, s.ID, "order:1:sale"); p.State != shopqb.Planned {
		t.Errorf("the refused posting was not queued again: %s", p.State)
	}
	// One posting: the same, and no sync without a way to ask for one.
	doc, _ := r.db.PostingByKey(ctx, s.ID, "refund:3")
	if err := r.svc.RetryPosting(ctx, s.ID, doc.ID, "web"); err != nil || len(synced) != 2 {
		t.Fatalf("retry one document: %v, syncs %v", err, synced)
	}
	if p, _ := r.db.PostingByKey(ctx, s.ID, "refund:3"); p.State != shopqb.Failed {
		t.Errorf("retrying one document queued it: %s", p.State)
	}
	nosync := shopadmin.New(shopadmin.Options{Store: r.db, Pipeline: r.pipe})
	if _, err := nosync.RetryFailed(ctx, s.ID, "cli"); shopqb.ErrorCode(err) != shopqb.EUnavailable {
		t.Errorf("retry without a way to sync: %v", err)
	}
}

// TestMappingCheckedAgainstTheCompany: once the preflight knows the
// company's accounts, a changed mapping of a wrong type is refused for every
// door (the API and the CLI call UpdateSettings as the wizard does), and the
// start refuses one that was saved before QuickBooks answered.
func TestMappingCheckedAgainstTheCompany(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	s := r.register(t, "typed.myshopify.com").Shop
	next := s.Settings
	next.StartDate = "2026-11-01"
	next.Mapping = shopqb.DefaultMapping()
	next.Mapping[shopqb.GiftCardLiability] = "Sales"

	// Before the first visit there is nothing to check against: saved.
	r.pipe.noPre = true
	if err := r.svc.UpdateSettings(ctx, s.ID, "api", next); err != nil {
		t.Fatalf("before the preflight: %v", err)
	}
	r.pipe.noPre = false
	r.pipe.accounts = []shopqb.Account{{FullName: "Sales", Type: "Income"}, {FullName: "Old Checking", Type: "Bank", Inactive: true}}
	err := r.svc.Start(ctx, s.ID, "api")
	var refused *shopadmin.StartRefusedError
	if !errors.As(err, &refused) || len(refused.Problems) != 1 || refused.Problems[0].Code != shopqb.ProblemWrongAccountType ||
		refused.Problems[0].Area != shopqb.AreaMapping || refused.Problems[0].Args["Type"] != "Income" ||
		refused.Problems[0].Args["Category"] != string(shopqb.GiftCardLiability) || !strings.Contains(err.Error(), `"Sales" (type Income)`) {
		t.Fatalf("start with a wrong-type mapping: %v", err)
	}
	if r.pipe.trials != 0 {
		t.Error("the trial ran with a wrong-type mapping")
	}

	// A change to another wrong type, or to an inactive account, is refused and not saved.
	for cat, acct := range map[shopqb.Category]string{shopqb.TipsPayable: "sales", shopqb.Bank: "Old Checking"} {
		bad := next
		bad.Mapping = shopqb.Mapping{}
		for c, a := range next.Mapping {
			bad.Mapping[c] = a
		}
		bad.Mapping[cat] = acct
		err := r.svc.UpdateSettings(ctx, s.ID, "api", bad)
		if shopqb.ErrorCode(err) != shopqb.EInvalid || !strings.Contains(err.Error(), string(cat)) {
			t.Errorf("%s → %s: %v", cat, acct, err)
		}
		if got, _ := r.db.ShopByID(ctx, s.ID); got.Settings.Mapping[cat] == acct {
			t.Errorf("%s → %s was saved", cat, acct)
		}
	}
	// An unchanged wrong mapping does not block another change (the start catches it).
	other := next
	other.Schedule = "daily 02:30"
	if err := r.svc.UpdateSettings(ctx, s.ID, "api", other); err != nil {
		t.Errorf("schedule with an old wrong mapping: %v", err)
	}
	// A right type, or an account shopqb will create, is saved.
	good := other
	good.Mapping = shopqb.DefaultMapping()
	if err := r.svc.UpdateSettings(ctx, s.ID, "api", good); err != nil {
		t.Fatalf("default mapping: %v", err)
	}
	if err := r.svc.Start(ctx, s.ID, "api"); err != nil {
		t.Fatalf("start: %v", err)
	}
}
