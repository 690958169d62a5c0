package planner

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/shopify"
)

func TestRatePercent(t *testing.T) {
	for in, want := range map[string]string{"0.0625": "6.25", "0.04": "4", "0.045": "4.5", "0.1": "10", "0": "0",
		"0.00375": "0.375", "1": "100", ".08875": "8.875", "": "0"} {
		got, err := ratePercent(in)
		if err != nil || got != want {
			t.Errorf("ratePercent(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"abc", "-0.1", "0.000000001", "6.25%"} {
		if _, err := ratePercent(bad); err == nil {
			t.Errorf("ratePercent(%q) accepted", bad)
		}
	}
}

var guidType = regexp.MustCompile(`^\{[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}$`)

func TestExternalGUID(t *testing.T) {
	a := externalGUID("{FILE-1}", "order:1:sale")
	if !guidType.MatchString(a) {
		t.Fatalf("%s is not qbXML's GUIDTYPE", a)
	}
	if a != externalGUID("{file-1}", "order:1:sale") {
		t.Error("the GUID depends on the FileID's letter case")
	}
	if a == externalGUID("{FILE-1}", "order:2:sale") || a == externalGUID("{FILE-2}", "order:1:sale") {
		t.Error("different keys or files share a GUID")
	}
}

func TestRefNumberKeepsTheDistinguishingEnd(t *testing.T) {
	if got := refNumberFor("#1001", 11); got != "#1001" {
		t.Errorf("got %q", got)
	}
	if got := refNumberFor("POS 0042-0007-1234567", 11); got != "007-1234567" {
		t.Errorf("got %q, want the last 11 characters without spaces", got)
	}
}

func TestNameSpaceKeepsTruncatedNamesUnique(t *testing.T) {
	ns := newNameSpace(nsItems, nil)
	a := ns.assign("item:1", "WINTER-PARKA-DOWN-FILLED-GRAPHITE-XL-001", 31)
	b := ns.assign("item:2", "WINTER-PARKA-DOWN-FILLED-GRAPHITE-XL-002", 31)
	c := ns.assign("item:3", "winter-parka-down-filled-graphite-xl-003", 31)
	if a == b || strings.EqualFold(a, c) || strings.EqualFold(b, c) || len(b) > 31 || len(c) > 31 {
		t.Fatalf("names not unique within 31: %q %q %q", a, b, c)
	}
	if again := ns.assign("item:1", "WINTER-PARKA-DOWN-FILLED-GRAPHITE-XL-001", 31); again != a {
		t.Errorf("re-assigning the same key gave %q, had %q", again, a)
	}
}

func goldenCase(t *testing.T, name string) Input {
	t.Helper()
	in, _ := goldenInput(t, "testdata/golden/"+name)
	return in
}

// failedAlone builds in and returns the one failed posting, checking the
// plan went on and the posting never leaves for QuickBooks.
func failedAlone(t *testing.T, in Input) (*Plan, *shopqb.Posting) {
	t.Helper()
	plan, err := Build(in)
	if err != nil {
		t.Fatalf("one bad document stopped the plan: %v", err)
	}
	var failed []*shopqb.Posting
	for _, ps := range plan.Postings {
		if ps.State == shopqb.Failed {
			failed = append(failed, ps)
		}
	}
	if len(failed) != 1 || plan.Failed != 1 {
		t.Fatalf("failed postings %d (plan says %d), want 1", len(failed), plan.Failed)
	}
	f := failed[0]
	if f.Request != "" || f.ErrorClass != shopqb.ErrorClassDocument || !strings.Contains(f.ErrorMessage, "next sync books it") {
		t.Fatalf("failed posting %s: request %q class %q message %q", f.Key, f.Request, f.ErrorClass, f.ErrorMessage)
	}
	return plan, f
}

// An order whose lines do not add up to Shopify's totals fails alone, on its
// own posting naming the order and the figures, instead of posting a wrong
// receipt or stopping the shop.
func TestOrderThatDoesNotReconcileFailsAlone(t *testing.T) {
	in := goldenCase(t, "split-tender-with-change")
	in.Orders[0].TotalTaxSet.ShopMoney.Amount += 1
	_, f := failedAlone(t, in)
	if m := f.ErrorMessage; f.Key != "order:"+numericID(in.Orders[0].ID)+":sale" || !strings.Contains(m, "#1001") || !strings.Contains(m, "5.53") || !strings.Contains(m, "5.54") {
		t.Fatalf("want a failure of the order naming #1001 with 5.53 and 5.54, got %s: %s", f.Key, m)
	}
	in = goldenCase(t, "split-tender-with-change")
	in.Orders[0].Transactions[1].AmountSet.ShopMoney.Amount -= 1 // card took a cent less
	in.Orders[0].TotalPriceSet.ShopMoney.Amount -= 1             // and Shopify's total agrees...
	failedAlone(t, in)

	// In a day summary, the other orders of the day are booked.
	in = goldenCase(t, "split-tender-with-change")
	good := in.Orders[0]
	bad := in.Orders[0]
	bad.ID, bad.Name = bad.ID+"9", "#1999"
	bad.TotalTaxSet.ShopMoney.Amount += 1
	in.Orders = []shopify.Order{good, bad}
	in.Shop.Settings.SalesMode = shopqb.Summary
	plan, f := failedAlone(t, in)
	if !strings.Contains(f.ErrorMessage, "#1999") {
		t.Errorf("failure names %s", f.ErrorMessage)
	}
	var summary *shopqb.Posting
	for _, ps := range plan.Postings {
		if strings.HasPrefix(ps.Key, "summary:sales:") {
			summary = ps
		}
	}
	if summary == nil || !strings.Contains(summary.Request, "#1001") || strings.Contains(summary.Request, "#1999") {
		t.Fatalf("the day's summary should hold #1001 only: %v", summary)
	}
}

func TestPayoutThatDoesNotAddUpFails(t *testing.T) {
	in := goldenCase(t, "payout")
	in.Payouts[0].Net.Amount += 1
	if _, err := Build(in); err == nil || !strings.Contains(err.Error(), "payout 77001") {
		t.Fatalf("want an error naming payout 77001, got %v", err)
	}
}

func TestRefundThatDoesNotAddUpFails(t *testing.T) {
	in := goldenCase(t, "refund-larger-than-one-tender")
	in.Orders[0].Refunds[0].Transactions[1].AmountSet.ShopMoney.Amount -= 5
	plan, f := failedAlone(t, in)
	if !strings.HasPrefix(f.Key, "refund:") || !strings.Contains(f.ErrorMessage, "#1005") {
		t.Fatalf("want a failure of the refund naming #1005, got %s: %s", f.Key, f.ErrorMessage)
	}
	if k := postingKinds(plan); k["order:"+numericID(in.Orders[0].ID)+":sale"] != "SalesReceiptAdd" {
		t.Errorf("the order's sale was not booked beside its failed refund: %v", k)
	}
}

// Names assigned by an earlier plan never change, and a new record whose
// name collides gets another one instead of taking it.
func TestNamesAreStableAcrossPlans(t *testing.T) {
	in := goldenCase(t, "split-tender-with-change")
	first, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	in2 := goldenCase(t, "split-tender-with-change")
	in2.Names = first.Names
	other := in2.Orders[0]
	other.ID, other.Name = "gid://shopify/Order/5001999", "#1999"
	cust := *other.Customer
	cust.ID = "gid://shopify/Customer/9999" // another Jane Doe, planned before the first
	other.Customer = &cust
	other.ProcessedAt = other.ProcessedAt.Add(-3600e9)
	in2.Orders = append(in2.Orders, other)
	second, err := Build(in2)
	if err != nil {
		t.Fatal(err)
	}
	if second.Names["customer:9001"] != "Jane Doe" || second.Names["customer:9999"] != "Jane Doe 2" {
		t.Fatalf("names moved: %q %q", second.Names["customer:9001"], second.Names["customer:9999"])
	}
	unrelated := goldenCase(t, "zero-total-order")
	unrelated.Names = second.Names
	third, err := Build(unrelated)
	if err != nil {
		t.Fatal(err)
	}
	if third.Names["customer:9999"] != "Jane Doe 2" || third.Names["customer:9001"] != "Jane Doe" {
		t.Fatal("a plan that does not use a name dropped it from Plan.Names")
	}
	if second.Names["refnumber:order:5001001:sale"] != "#1001" {
		t.Fatalf("ref number moved: %q", second.Names["refnumber:order:5001001:sale"])
	}
	for _, p := range first.Postings {
		for _, q := range second.Postings {
			if p.Key == q.Key && p.PlanHash != q.PlanHash {
				t.Errorf("%s changed between plans", p.Key)
			}
		}
	}
}

// The order documents arrive in whatever order they were read: the plan must not care.
func TestInputOrderDoesNotMatter(t *testing.T) {
	in := genInput(7, shopqb.Summary, shopqb.Detail, shopqb.Summary, shopqb.Detail, false)
	a, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(in.Orders), func(i, j int) { in.Orders[i], in.Orders[j] = in.Orders[j], in.Orders[i] })
	b, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if messageSet(a) != messageSet(b) {
		t.Fatal("shuffling the orders changed the plan")
	}
}

// COGS comes from QuickBooks' inventory items in detail inventory mode and
// from a daily journal entry in summary mode: never both, never neither.
func TestCOGSOnlyInSummaryInventoryMode(t *testing.T) {
	for _, inv := range []shopqb.Mode{shopqb.Detail, shopqb.Summary} {
		in := genInput(11, shopqb.Detail, shopqb.Summary, inv, shopqb.Summary, false)
		plan, err := Build(in)
		if err != nil {
			t.Fatal(err)
		}
		var cogsJE, invItems int
		for _, p := range plan.Postings {
			if strings.HasPrefix(p.Key, "cogs:") {
				cogsJE++
			}
			if p.Kind == "ItemInventoryAdd" {
				invItems++
			}
		}
		if inv == shopqb.Detail && (cogsJE != 0 || invItems == 0) {
			t.Errorf("detail inventory: %d COGS entries, %d inventory items", cogsJE, invItems)
		}
		if inv == shopqb.Summary && (cogsJE == 0 || invItems != 0) {
			t.Errorf("summary inventory: %d COGS entries, %d inventory items", cogsJE, invItems)
		}
	}
}

// A record QuickBooks already holds is linked: no Add, no dependency on one.
func TestKnownNamesAreLinkedNotAdded(t *testing.T) {
	in := goldenCase(t, "split-tender-with-change")
	in.Company.KnownNames = []string{"jane doe", "TS-BLK-M"}
	plan, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plan.Postings {
		if p.Key == "customer:9001" || p.Key == "item:301" {
			t.Errorf("%s was added although QuickBooks has it", p.Key)
		}
		for _, d := range p.DependsOn {
			if d == "customer:9001" || d == "item:301" {
				t.Errorf("%s depends on linked record %s", p.Key, d)
			}
		}
		if p.Kind == "SalesReceiptAdd" && !strings.Contains(p.Request, "<FullName>Jane Doe</FullName>") {
			t.Errorf("receipt does not refer to the existing customer: %s", p.Request)
		}
	}
}

func TestItemLimitRefusedOnPremierNotEnterprise(t *testing.T) {
	in := goldenCase(t, "forty-character-sku")
	in.Company.ExistingItems = 14499
	_, err := Build(in)
	if err == nil || !strings.Contains(err.Error(), "items") || !strings.Contains(err.Error(), "summary mode") {
		t.Fatalf("want a refusal suggesting summary mode, got %v", err)
	}
	in.Company.Edition = "enterprise"
	if _, err := Build(in); err != nil {
		t.Fatalf("enterprise refused: %v", err)
	}
}

func TestUnpaidOrderWaitsWithAWarning(t *testing.T) {
	in := goldenCase(t, "split-tender-with-change")
	in.Orders[0].Transactions = in.Orders[0].Transactions[:2]
	plan, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plan.Postings {
		if p.Kind == "SalesReceiptAdd" {
			t.Fatal("an unpaid order was booked")
		}
	}
	if len(plan.Warnings) != 1 || !strings.Contains(plan.Warnings[0], "#1001 is not fully paid (paid 50.00 of 73.53") {
		t.Fatalf("warnings %q", plan.Warnings)
	}
}

func TestTaxShareSplitsExactly(t *testing.T) {
	for _, c := range []struct{ tax, gross, net money.Cents }{{900, 11000, 9900}, {1, 3, 2}, {33, 1000, 999}, {0, 500, 0}} {
		in := taxShare(c.tax, c.gross, c.net)
		if c.net != 0 && (in < c.tax || in > c.gross) {
			t.Errorf("taxShare(%v) = %s out of range", c, in)
		}
	}
	if got := mulDiv(-5, 1, 2); got != -3 {
		t.Errorf("mulDiv(-5,1,2) = %s, want -0.03 (half away from zero)", got)
	}
}

// The sync engine re-plans only the orders that changed, with the names the
// last plan assigned. Every posting such a partial plan produces must be
// byte-identical to the same posting in a plan of everything, or the engine
// would see a change that is not one.
func TestPartialPlansMatchTheFullPlan(t *testing.T) {
	in := genInput(5, shopqb.Detail, shopqb.Detail, shopqb.Detail, shopqb.Detail, false)
	in.Payouts, in.PurchaseOrders = nil, nil
	full, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	hash := map[string]string{}
	for _, p := range full.Postings {
		hash[p.Key] = p.PlanHash
	}
	for i := range in.Orders {
		one := in
		one.Orders = in.Orders[i : i+1]
		one.Names = full.Names
		part, err := Build(one)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range part.Postings {
			if h, ok := hash[p.Key]; !ok || h != p.PlanHash {
				t.Errorf("order %s: posting %s differs from the full plan's", in.Orders[i].Name, p.Key)
			}
		}
	}
}

// The same order read twice (an older and a newer snapshot) is booked once,
// from the newer snapshot.
func TestDuplicateSnapshotsAreBookedOnce(t *testing.T) {
	in := goldenCase(t, "split-tender-with-change")
	older := in.Orders[0]
	older.UpdatedAt = older.UpdatedAt.Add(-3600e9)
	older.Name = "#OLD"
	in.Orders = append(in.Orders, older)
	in.Orders[0], in.Orders[1] = in.Orders[1], in.Orders[0]
	plan, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range plan.Postings {
		if p.Kind == "SalesReceiptAdd" {
			n++
			if p.RefNumber != "#1001" {
				t.Errorf("booked from the older snapshot: %s", p.RefNumber)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d receipts for one order", n)
	}
}

func TestResolveTxnRefs(t *testing.T) {
	in := goldenCase(t, "refund-larger-than-one-tender")
	plan, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	var refund string
	for _, p := range plan.Postings {
		if p.Key == "refund:551:payment:cash" {
			refund = p.Request
		}
	}
	if got := TxnRefs(refund); len(got) != 1 || got[0] != "refund:551" {
		t.Fatalf("TxnRefs = %q", got)
	}
	if _, err := ResolveTxnRefs(refund, func(string) (string, bool) { return "", false }); err == nil || !strings.Contains(err.Error(), "refund:551") {
		t.Fatalf("unresolved reference not reported: %v", err)
	}
	out, err := ResolveTxnRefs(refund, func(k string) (string, bool) { return "1A2B-1700000000", k == "refund:551" })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "<TxnID>1A2B-1700000000</TxnID>") || strings.Contains(out, "useMacro") {
		t.Fatalf("not resolved: %s", out)
	}
}

// An item QuickBooks has under shopqb's name but of another type or on
// another account is never linked: the plan adds its own under a distinct
// name and books through that. One of the same type and account is linked.
func TestKnownItemOfAnotherKindGetsADistinctName(t *testing.T) {
	var in Input
	var base *Plan
	for _, c := range []string{"refund-shipping-only", "split-tender-with-change", "tax-inclusive"} {
		in = goldenCase(t, c)
		p, err := Build(in)
		if err != nil {
			t.Fatal(err)
		}
		if byKey(p, "item:shipping") != nil {
			base = p
			break
		}
	}
	if base == nil {
		t.Fatal("no golden case plans a shipping item")
	}
	ship := byKey(base, "item:shipping")
	shape, err := qbxml.ShapeOfAdd(ship.Request)
	if err != nil {
		t.Fatal(err)
	}
	var tax *shopqb.Posting
	for _, p := range base.Postings {
		if p.Kind == "ItemSalesTaxAdd" {
			tax = p
			break
		}
	}
	in.Company.KnownItems = []KnownItem{{Name: ship.Name, Type: "ItemService", Account: "Construction Income:Labor Income"}}
	if tax != nil {
		in.Company.KnownItems = append(in.Company.KnownItems, KnownItem{Name: tax.Name, Type: "ItemSalesTaxGroup"})
	}
	plan, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	got := byKey(plan, "item:shipping")
	if got == nil || strings.EqualFold(got.Name, ship.Name) {
		t.Fatalf("shipping item not added under a distinct name: %+v", got)
	}
	for _, p := range plan.Postings {
		if strings.Contains(p.Request, "<FullName>"+ship.Name+"</FullName>") {
			t.Errorf("%s books through the existing Service item: %s", p.Key, p.Request)
		}
	}
	if tax == nil {
		t.Log("the case plans no tax item")
	} else {
		if nt := byKey(plan, tax.Key); nt == nil || strings.EqualFold(nt.Name, tax.Name) {
			t.Errorf("tax item linked to a tax group: %+v", nt)
		}
	}
	if !strings.Contains(strings.Join(plan.Warnings, "\n"), "Service item") {
		t.Errorf("no warning names the existing item: %v", plan.Warnings)
	}
	// The same type on the same account: linked, no Add.
	in.Company.KnownItems = []KnownItem{{Name: ship.Name, Type: shape.Type, Account: shape.Account}}
	plan, err = Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if p := byKey(plan, "item:shipping"); p != nil {
		t.Errorf("a matching existing item was added again: %+v", p)
	}
}

func byKey(p *Plan, key string) *shopqb.Posting {
	for _, x := range p.Postings {
		if x.Key == key {
			return x
		}
	}
	return nil
}
