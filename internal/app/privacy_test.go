package app

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/jobs"
	"github.com/shopqb/shopqb/internal/privacy"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
)

const webhookSecret = "shpss_test_secret"

// openTestApp opens an App on a fresh SQLite database: no HTTP server, no
// River workers, so webhooks are handled inline by the delivery itself.
func openTestApp(t *testing.T) *App {
	t.Helper()
	t.Setenv("SHOPQB_SECRET_KEY", "")
	dir := t.TempDir()
	a, err := Open(context.Background(), Config{DatabaseURL: filepath.Join(dir, "shopqb.db"), KeyFile: filepath.Join(dir, "shopqb.key")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	return a
}

func addShop(t *testing.T, a *App, domain string) *shopqb.Shop {
	t.Helper()
	ctx := context.Background()
	s := &shopqb.Shop{Domain: domain, Name: domain, QBWCUser: domain, TimeZone: "America/Los_Angeles", Currency: "USD",
		Settings: shopqb.DefaultSettings()}
	if err := a.Store.CreateShop(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := a.Admin.SetWebhookSecret(ctx, s.ID, "test", webhookSecret); err != nil {
		t.Fatal(err)
	}
	if err := a.Admin.SetShopifyToken(ctx, s.ID, "test", "shpat_"+domain); err != nil {
		t.Fatal(err)
	}
	return s
}

// deliver sends a signed webhook through the real endpoint and returns its status.
func deliver(t *testing.T, a *App, domain, topic, body string) int {
	t.Helper()
	mac := hmac.New(sha256.New, []byte(webhookSecret))
	mac.Write([]byte(body))
	r := httptest.NewRequest(http.MethodPost, "/webhooks/shopify", strings.NewReader(body))
	r.Header.Set("X-Shopify-Topic", topic)
	r.Header.Set("X-Shopify-Shop-Domain", domain)
	r.Header.Set("X-Shopify-Webhook-Id", fmt.Sprintf("hook-%d", time.Now().UnixNano()))
	r.Header.Set("X-Shopify-Hmac-Sha256", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	w := httptest.NewRecorder()
	a.webhookHandler().ServeHTTP(w, r)
	return w.Code
}

// Ann (customer 7) placed orders 1001 (with refund 55) and 1002; Bob
// (customer 8) placed order 2000.
const (
	annCustomer = `{"id":"gid://shopify/Customer/7","legacyResourceId":"7","displayName":"Ann Lee","firstName":"Ann","lastName":"Lee",
"note":"VIP, allergic to nuts","defaultEmailAddress":{"emailAddress":"ann@example.com","marketingState":"SUBSCRIBED"},
"defaultPhoneNumber":{"phoneNumber":"+15415550100"},"defaultAddress":{"id":"gid://shopify/MailingAddress/1","name":"Ann Lee",
"firstName":"Ann","lastName":"Lee","address1":"1 Main St","address2":"Apt 2","city":"Springfield","zip":"97477",
"province":"Oregon","provinceCode":"OR","country":"United States","countryCodeV2":"US","phone":"+15415550100","latitude":44.05},
"taxExempt":false,"createdAt":"2026-10-01T10:00:00Z","updatedAt":"2026-11-01T10:00:00Z"}`
	annOrder1001 = `{"id":"gid://shopify/Order/1001","name":"#1001","processedAt":"2026-11-02T10:00:00Z","updatedAt":"2026-11-02T10:00:00Z",
"currencyCode":"USD","email":"ann@example.com","phone":"+15415550100","note":"Leave at the side gate",
"customAttributes":[{"key":"gift message","value":"Happy birthday Ann"}],
"customer":{"id":"gid://shopify/Customer/7","displayName":"Ann Lee","firstName":"Ann","lastName":"Lee","defaultEmailAddress":{"emailAddress":"ann@example.com"}},
"billingAddress":{"name":"Ann Lee","address1":"1 Main St","city":"Springfield","zip":"97477","provinceCode":"OR","countryCodeV2":"US"},
"shippingAddress":{"name":"Ann Lee","address1":"1 Main St","city":"Springfield","zip":"97477","provinceCode":"OR","countryCodeV2":"US"},
"retailLocation":{"id":"gid://shopify/Location/3","name":"Downtown"},
"totalPriceSet":{"shopMoney":{"amount":"54.10","currencyCode":"USD"},"presentmentMoney":{"amount":"54.10","currencyCode":"USD"}},
"totalTaxSet":{"shopMoney":{"amount":"4.10","currencyCode":"USD"},"presentmentMoney":{"amount":"4.10","currencyCode":"USD"}},
"taxLines":[{"title":"OR tax","rate":"0.082","priceSet":{"shopMoney":{"amount":"4.10","currencyCode":"USD"},"presentmentMoney":{"amount":"4.10","currencyCode":"USD"}}}],
"lineItems":[{"id":"gid://shopify/LineItem/1","name":"Blue mug","sku":"MUG-B","quantity":2,
"originalUnitPriceSet":{"shopMoney":{"amount":"25.00","currencyCode":"USD"},"presentmentMoney":{"amount":"25.00","currencyCode":"USD"}}}],
"refunds":[{"id":"gid://shopify/Refund/55","createdAt":"2026-11-03T10:00:00Z","note":"Ann changed her mind"}]}`
	annOrder1002 = `{"id":"gid://shopify/Order/1002","name":"#1002","processedAt":"2026-11-04T10:00:00Z","updatedAt":"2026-11-04T10:00:00Z",
"note":"Leave with the neighbour","customer":{"id":"gid://shopify/Customer/7","displayName":"Ann Lee","firstName":"Ann","lastName":"Lee"},
"totalPriceSet":{"shopMoney":{"amount":"12.00","currencyCode":"USD"}}}`
	bobOrder2000 = `{"id":"gid://shopify/Order/2000","name":"#2000","processedAt":"2026-11-04T11:00:00Z","updatedAt":"2026-11-04T11:00:00Z",
"note":"Bob's note","customer":{"id":"gid://shopify/Customer/8","displayName":"Bob Ray","firstName":"Bob","lastName":"Ray"},
"totalPriceSet":{"shopMoney":{"amount":"9.99","currencyCode":"USD"}}}`

	annCustomerAdd = `<CustomerAddRq requestID="1"><CustomerAdd><Name>Ann Lee</Name><FirstName>Ann</FirstName><LastName>Lee</LastName>` +
		`<Email>ann@example.com</Email><Notes>Shopify customer 7</Notes><ExternalGUID>{11111111-1111-4111-8111-111111111111}</ExternalGUID></CustomerAdd></CustomerAddRq>`
	annReceipt1001 = `<SalesReceiptAddRq requestID="2"><SalesReceiptAdd defMacro="TxnID:order:1001"><CustomerRef><FullName>Ann Lee</FullName></CustomerRef>` +
		`<TxnDate>2026-11-02</TxnDate><RefNumber>1001</RefNumber><BillAddress><Addr1>Ann Lee</Addr1><Addr2>1 Main St</Addr2><City>Springfield</City>` +
		`<State>OR</State><PostalCode>97477</PostalCode></BillAddress><Memo>Shopify order #1001</Memo><SalesReceiptLineAdd><ItemRef><FullName>MUG-B</FullName></ItemRef>` +
		`<Quantity>2</Quantity><Amount>50.00</Amount></SalesReceiptLineAdd><SalesReceiptLineAdd><ItemRef><FullName>OR tax</FullName></ItemRef><Amount>4.10</Amount>` +
		`</SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq>`
	annCredit55 = `<CreditMemoAddRq><CreditMemoAdd><CustomerRef><FullName>Ann Lee</FullName></CustomerRef><RefNumber>R55</RefNumber>` +
		`<CreditMemoLineAdd><ItemRef><FullName>MUG-B</FullName></ItemRef><Amount>25.00</Amount></CreditMemoLineAdd></CreditMemoAdd></CreditMemoAddRq>`
	annRefundPayment55 = `<ARRefundCreditCardAddRq><ARRefundCreditCardAdd><CustomerRef><FullName>Ann Lee</FullName></CustomerRef>` +
		`<Address><Addr1>1 Main St</Addr1></Address><RefundAppliedToTxnAdd><TxnID useMacro="TxnID:refund:55"/><RefundAmount>25.00</RefundAmount></RefundAppliedToTxnAdd>` +
		`</ARRefundCreditCardAdd></ARRefundCreditCardAddRq>`
	annReceipt1002 = `<SalesReceiptAddRq><SalesReceiptAdd><CustomerRef><FullName>Ann Lee</FullName></CustomerRef><RefNumber>1002</RefNumber>` +
		`<ShipAddress><Addr1>1 Main St</Addr1></ShipAddress><SalesReceiptLineAdd><Amount>12.00</Amount></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq>`
	bobCustomerAdd = `<CustomerAddRq><CustomerAdd><Name>Bob Ray</Name><FirstName>Bob</FirstName><Email>bob@example.com</Email></CustomerAdd></CustomerAddRq>`
	bobReceipt2000 = `<SalesReceiptAddRq><SalesReceiptAdd><CustomerRef><FullName>Bob Ray</FullName></CustomerRef><RefNumber>2000</RefNumber></SalesReceiptAdd></SalesReceiptAddRq>`
)

// seedCustomers stores the snapshots, postings and name map above for a
// shop. annState is the state of Ann's customer record posting.
func seedCustomers(t *testing.T, a *App, shopID int64, annState shopqb.PostingState) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)
	snaps := []struct{ kind, gid, body string }{
		{"customer", "gid://shopify/Customer/7", annCustomer},
		{"order", "gid://shopify/Order/1001", annOrder1001},
		{"order", "gid://shopify/Order/1002", annOrder1002},
		{"order", "gid://shopify/Order/2000", bobOrder2000},
	}
	for i, s := range snaps {
		for v := range 2 { // two versions of each: superseded ones must be redacted too
			if _, err := a.Store.PutSnapshot(ctx, &shopqb.Snapshot{ShopID: shopID, Kind: s.kind, GID: s.gid,
				UpdatedAt: at.Add(time.Duration(i*10+v) * time.Minute), Body: []byte(s.body)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	annQBID := ""
	if annState == shopqb.Done {
		annQBID = "80000001-1700000000"
	}
	ps := []*shopqb.Posting{
		{Key: "customer:7", Kind: "CustomerAdd", Request: annCustomerAdd, Name: "Ann Lee", State: annState, QBID: annQBID, PlanHash: "a"},
		{Key: "order:1001", Kind: "SalesReceiptAdd", Request: annReceipt1001, RefNumber: "1001", State: shopqb.Done, QBID: "1A-1700000001", PlanHash: "b", DependsOn: []string{"customer:7"}},
		{Key: "refund:55", Kind: "CreditMemoAdd", Request: annCredit55, RefNumber: "R55", State: shopqb.Done, QBID: "1B-1700000002", PlanHash: "c"},
		{Key: "refund:55:payment:cash", Kind: "ARRefundCreditCardAdd", Request: annRefundPayment55, State: shopqb.Done, QBID: "1E-1700000005", PlanHash: "g", DependsOn: []string{"refund:55"}},
		{Key: "order:1002", Kind: "SalesReceiptAdd", Request: annReceipt1002, RefNumber: "1002", State: shopqb.Planned, PlanHash: "d", DependsOn: []string{"customer:7"}},
		{Key: "customer:8", Kind: "CustomerAdd", Request: bobCustomerAdd, Name: "Bob Ray", State: shopqb.Done, QBID: "80000002-1700000000", PlanHash: "e"},
		{Key: "order:2000", Kind: "SalesReceiptAdd", Request: bobReceipt2000, State: shopqb.Done, QBID: "1C-1700000003", PlanHash: "f"},
	}
	if annState != shopqb.Done {
		// Nothing of Ann's reached QuickBooks yet.
		for _, p := range ps[1:4] {
			p.State, p.QBID = shopqb.Planned, ""
		}
	}
	if _, _, err := a.Store.UpsertPostings(ctx, shopID, ps); err != nil {
		t.Fatal(err)
	}
	// QuickBooks' answers, as the outbox keeps them for the support view.
	answers := map[int64]string{}
	for key, answer := range map[string]string{
		"customer:7": `<CustomerAddRs statusCode="0"><CustomerRet><ListID>80000001-1700000000</ListID><Name>Ann Lee</Name><FullName>Ann Lee</FullName><Email>ann@example.com</Email></CustomerRet></CustomerAddRs>`,
		"order:1001": `<SalesReceiptAddRs statusCode="0"><SalesReceiptRet><TxnID>1A-1700000001</TxnID><CustomerRef><FullName>Ann Lee</FullName></CustomerRef><BillAddress><Addr1>1 Main St</Addr1></BillAddress><TotalAmount>54.10</TotalAmount></SalesReceiptRet></SalesReceiptAddRs>`,
		"customer:8": `<CustomerAddRs statusCode="0"><CustomerRet><Name>Bob Ray</Name></CustomerRet></CustomerAddRs>`,
	} {
		p, err := a.Store.PostingByKey(ctx, shopID, key)
		if err != nil {
			t.Fatal(err)
		}
		answers[p.ID] = answer
	}
	if err := a.Store.PutPostingResponses(ctx, shopID, answers, time.Now()); err != nil {
		t.Fatal(err)
	}
	// The planner's names, as a plan commits them.
	if _, err := a.Store.CommitPlan(ctx, shopID, store.PlanCommit{Names: map[string]string{"customer:7": "Ann Lee", "customer:8": "Bob Ray", "item:MUG-B": "MUG-B"}}); err != nil {
		t.Fatal(err)
	}
}

// shopState is everything a handler could change in a shop, for before/after comparison.
type shopState struct {
	Snapshots []string
	Postings  []string
	KV        map[string]string
	Names     map[string]string
	Secrets   map[string]bool
}

func readShopState(t *testing.T, a *App, shopID int64) shopState {
	t.Helper()
	ctx := context.Background()
	var st shopState
	if err := a.Store.EachSnapshotVersion(ctx, shopID, func(s *shopqb.Snapshot) error {
		st.Snapshots = append(st.Snapshots, s.GID+" "+string(s.Body))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ps, err := a.Store.ListPostings(ctx, shopqb.PostingFilter{ShopID: shopID})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	answers, err := a.Store.PostingResponses(ctx, shopID, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		st.Postings = append(st.Postings, fmt.Sprintf("%s %s %s %s %s %s", p.Key, p.State, p.QBID, p.Name, p.Request, answers[p.ID]))
	}
	st.KV = map[string]string{}
	for _, k := range []string{privacy.KVUninstalledAt, privacy.KVComplianceExportPrefix + "7"} {
		if v, err := a.Store.KV(ctx, shopID, k); err == nil {
			st.KV[k] = string(v)
		}
	}
	st.Names = planNames(t, a, shopID)
	st.Secrets = map[string]bool{}
	for _, name := range []string{shopadmin.SecretShopifyToken, shopadmin.SecretWebhook} {
		_, err := a.Store.Secret(ctx, shopID, name)
		st.Secrets[name] = err == nil
	}
	return st
}

// planNames are the shop's planner names (store.EachPlanName).
func planNames(t *testing.T, a *App, shopID int64) map[string]string {
	t.Helper()
	names := map[string]string{}
	if err := a.Store.EachPlanName(context.Background(), shopID, func(key, name string) error {
		names[key] = name
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return names
}

func latestBody(t *testing.T, a *App, shopID int64, gid string) string {
	t.Helper()
	s, err := a.Store.LatestSnapshot(context.Background(), shopID, gid)
	if err != nil {
		t.Fatal(err)
	}
	return string(s.Body)
}

func postingByKey(t *testing.T, a *App, shopID int64, key string) *shopqb.Posting {
	t.Helper()
	p, err := a.Store.PostingByKey(context.Background(), shopID, key)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func assertNone(t *testing.T, what, text string, personal ...string) {
	t.Helper()
	for _, p := range personal {
		if strings.Contains(text, p) {
			t.Errorf("%s still contains %q: %s", what, p, text)
		}
	}
}

func assertAll(t *testing.T, what, text string, kept ...string) {
	t.Helper()
	for _, k := range kept {
		if !strings.Contains(text, k) {
			t.Errorf("%s lost %q: %s", what, k, text)
		}
	}
}

var annPersonal = []string{"Ann", "Lee", "ann@example.com", "5550100", "Main St", "Apt 2", "Springfield", "97477", "nuts", "side gate", "birthday"}

func TestCustomerRedactErasesShopqbsCopiesOnly(t *testing.T) {
	a := openTestApp(t)
	ctx := context.Background()
	shopA := addShop(t, a, "alpha.myshopify.com")
	shopB := addShop(t, a, "beta.myshopify.com")
	seedCustomers(t, a, shopA.ID, shopqb.Done)
	seedCustomers(t, a, shopB.ID, shopqb.Done)
	beforeB := readShopState(t, a, shopB.ID)
	order1001 := latestBody(t, a, shopA.ID, "gid://shopify/Order/1001")

	body := `{"shop_id":954889,"shop_domain":"alpha.myshopify.com","customer":{"id":7,"email":"ann@example.com","phone":"+15415550100"},"orders_to_redact":[1001]}`
	if code := deliver(t, a, "alpha.myshopify.com", "customers/redact", body); code != http.StatusOK {
		t.Fatalf("customers/redact answered %d", code)
	}

	// Snapshots: every version of the customer and the listed order is
	// redacted; GIDs, amounts, items, taxes, dates and location stay.
	var versions int
	if err := a.Store.EachSnapshotVersion(ctx, shopA.ID, func(s *shopqb.Snapshot) error {
		switch s.GID {
		case "gid://shopify/Customer/7", "gid://shopify/Order/1001":
			versions++
			assertNone(t, s.GID, string(s.Body), annPersonal...)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if versions != 4 {
		t.Fatalf("saw %d versions of the customer and order 1001, want 4", versions)
	}
	cust := latestBody(t, a, shopA.ID, "gid://shopify/Customer/7")
	assertAll(t, "customer", cust, `"id":"gid://shopify/Customer/7"`, `"gid://shopify/MailingAddress/1"`, `"provinceCode":"OR"`,
		`"countryCodeV2":"US"`, `"firstName":"redacted"`, `"emailAddress":"redacted"`, `"latitude":0`, `"marketingState":"SUBSCRIBED"`)
	var c shopify.Customer
	if err := json.Unmarshal([]byte(cust), &c); err != nil || c.DisplayName != privacy.RedactedMarker || c.DefaultAddress.Zip != privacy.RedactedMarker {
		t.Fatalf("redacted customer decodes as %+v, %v", c, err)
	}
	redacted1001 := latestBody(t, a, shopA.ID, "gid://shopify/Order/1001")
	assertAll(t, "order 1001", redacted1001, `"name":"#1001"`, `"name":"Blue mug"`, `"amount":"54.10"`, `"quantity":2`,
		`"rate":"0.082"`, `"gid://shopify/Refund/55"`, `"gid://shopify/Location/3"`, `"name":"Downtown"`, `"key":"redacted"`)
	var before, after shopify.Order
	if err := json.Unmarshal([]byte(order1001), &before); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(redacted1001), &after); err != nil {
		t.Fatalf("redacted order no longer decodes: %v", err)
	}
	if after.Customer == nil || after.Customer.ID != "gid://shopify/Customer/7" || after.Customer.DisplayName != privacy.RedactedMarker {
		t.Fatalf("order's customer after redaction: %+v", after.Customer)
	}
	if len(after.Refunds) != 1 || after.Refunds[0].Note != privacy.RedactedMarker {
		t.Fatalf("refund note after redaction: %+v", after.Refunds)
	}
	before.Customer, after.Customer = nil, nil
	before.Refunds[0].Note, after.Refunds[0].Note = "", ""
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("redaction changed what the books are made of:\nbefore %+v\nafter  %+v", before, after)
	}
	// Order 1002 names Ann but was not listed: only its customer goes.
	o1002 := latestBody(t, a, shopA.ID, "gid://shopify/Order/1002")
	assertNone(t, "order 1002", o1002, "Ann", "Lee")
	assertAll(t, "order 1002", o1002, "Leave with the neighbour", `"amount":"12.00"`)
	if got := latestBody(t, a, shopA.ID, "gid://shopify/Order/2000"); got != bobOrder2000 {
		t.Fatalf("Bob's order changed: %s", got)
	}

	// Postings: done ones lose the name and contact fields and keep ids,
	// keys and amounts.
	cp := postingByKey(t, a, shopA.ID, "customer:7")
	assertNone(t, "customer posting", cp.Request+cp.Name, "Ann", "Lee", "ann@example.com")
	assertAll(t, "customer posting", cp.Request, "<Name>Redacted customer 7</Name>", "{11111111-1111-4111-8111-111111111111}", `requestID="1"`)
	if cp.Name != "Redacted customer 7" || cp.QBID != "80000001-1700000000" || cp.State != shopqb.Done {
		t.Fatalf("customer posting: %+v", cp)
	}
	for key, amount := range map[string]string{"order:1001": "50.00", "refund:55": "25.00", "refund:55:payment:cash": "25.00"} {
		p := postingByKey(t, a, shopA.ID, key)
		assertNone(t, key, p.Request, annPersonal...)
		assertAll(t, key, p.Request, "<FullName>Redacted customer 7</FullName>", ">"+amount+"</")
		if p.QBID == "" || p.State != shopqb.Done {
			t.Fatalf("%s lost its TxnID or state: %+v", key, p)
		}
	}
	assertAll(t, "refund:55:payment:cash", postingByKey(t, a, shopA.ID, "refund:55:payment:cash").Request,
		`<TxnID useMacro="TxnID:refund:55"/>`, "<Address><Addr1>redacted</Addr1></Address>")
	assertAll(t, "order:1001", postingByKey(t, a, shopA.ID, "order:1001").Request, "<Amount>50.00</Amount>", "<Amount>4.10</Amount>", "<FullName>MUG-B</FullName>",
		"<State>redacted</State>", "<Memo>Shopify order #1001</Memo>", `defMacro="TxnID:order:1001"`)
	// Order 1002 is still to be sent and QuickBooks knows Ann by her name:
	// its address goes, its customer reference must stay valid.
	p1002 := postingByKey(t, a, shopA.ID, "order:1002")
	assertAll(t, "order:1002", p1002.Request, "<FullName>Ann Lee</FullName>", "<Addr1>redacted</Addr1>")
	if got := postingByKey(t, a, shopA.ID, "customer:8").Request; got != bobCustomerAdd {
		t.Fatalf("Bob's customer posting changed: %s", got)
	}
	// QuickBooks' answers to Ann's postings lose her data; Bob's stay.
	answerOf := func(key string) string {
		t.Helper()
		p := postingByKey(t, a, shopA.ID, key)
		got, err := a.Store.PostingResponses(ctx, shopA.ID, []int64{p.ID})
		if err != nil {
			t.Fatal(err)
		}
		return got[p.ID]
	}
	for _, key := range []string{"customer:7", "order:1001"} {
		assertNone(t, key+" answer", answerOf(key), "Ann", "Lee", "ann@example.com", "Main St")
	}
	assertAll(t, "customer:7 answer", answerOf("customer:7"), "<Name>Redacted customer 7</Name>", "<ListID>80000001-1700000000</ListID>")
	assertAll(t, "order:1001 answer", answerOf("order:1001"), "<FullName>Redacted customer 7</FullName>", "<TotalAmount>54.10</TotalAmount>")
	assertAll(t, "customer:8 answer", answerOf("customer:8"), "<Name>Bob Ray</Name>")
	if names := planNames(t, a, shopA.ID); names["customer:7"] != "Ann Lee" {
		t.Fatalf("the plan names must keep the name QuickBooks holds: %v", names)
	}

	audit, err := a.Store.Audit(ctx, shopA.ID, 1)
	if err != nil || len(audit) != 1 {
		t.Fatalf("audit: %v, %v", audit, err)
	}
	assertAll(t, "audit entry", audit[0].Action+" "+audit[0].Detail, "customers/redact", "Customer 7 asked to be forgotten",
		"ListID 80000001-1700000000", "1A-1700000001", "1B-1700000002", "1E-1700000005")
	assertNone(t, "audit entry", audit[0].Detail, "Ann", "ann@example.com")

	// The other shop, which has the same ids, is untouched.
	if afterB := readShopState(t, a, shopB.ID); !reflect.DeepEqual(beforeB, afterB) {
		t.Fatalf("shop beta changed:\nbefore %+v\nafter  %+v", beforeB, afterB)
	}
	// A repeat changes nothing more.
	stateA := readShopState(t, a, shopA.ID)
	if code := deliver(t, a, "alpha.myshopify.com", "customers/redact", body); code != http.StatusOK {
		t.Fatalf("repeat answered %d", code)
	}
	if again := readShopState(t, a, shopA.ID); !reflect.DeepEqual(stateA, again) {
		t.Fatalf("repeat changed the shop:\nbefore %+v\nafter  %+v", stateA, again)
	}
}

func TestCustomerRedactBeforeQuickBooksHasTheCustomer(t *testing.T) {
	a := openTestApp(t)
	ctx := context.Background()
	shop := addShop(t, a, "alpha.myshopify.com")
	seedCustomers(t, a, shop.ID, shopqb.Planned)
	payload := []byte(`{"shop_domain":"alpha.myshopify.com","customer":{"id":7},"orders_to_redact":[1001]}`)
	if err := a.handleWebhook(ctx, shop.ID, "customers/redact", "", payload); err != nil {
		t.Fatal(err)
	}
	// Nothing reached QuickBooks: the new name goes everywhere, the name
	// map included, so what is sent or re-planned later carries no
	// personal data and still names one customer consistently.
	for _, key := range []string{"customer:7", "order:1001", "refund:55", "refund:55:payment:cash", "order:1002"} {
		p := postingByKey(t, a, shop.ID, key)
		assertNone(t, key, p.Request+p.Name, "Ann", "Lee", "Main St")
		if key != "customer:7" {
			assertAll(t, key, p.Request, "<FullName>Redacted customer 7</FullName>")
		}
	}
	if p := postingByKey(t, a, shop.ID, "customer:7"); p.Name != "Redacted customer 7" || p.State != shopqb.Planned ||
		!strings.Contains(p.Request, "<Name>Redacted customer 7</Name>") {
		t.Fatalf("planned customer posting: %+v", p)
	}
	if names := planNames(t, a, shop.ID); names["customer:7"] != "Redacted customer 7" || names["customer:8"] != "Bob Ray" {
		t.Fatalf("plan names: %v", names)
	}
	audit, _ := a.Store.Audit(ctx, shop.ID, 1)
	if len(audit) != 1 || !strings.Contains(audit[0].Detail, "holds no customer record") {
		t.Fatalf("audit: %+v", audit)
	}
}

func TestCustomerRedactWaitsForPostingsInFlight(t *testing.T) {
	a := openTestApp(t)
	ctx := context.Background()
	shop := addShop(t, a, "alpha.myshopify.com")
	seedCustomers(t, a, shop.ID, shopqb.Done)
	// An edit of Ann's order is on its way to QuickBooks.
	inFlight := &shopqb.Posting{Key: "order:1001:adjust:9", Kind: "SalesReceiptAdd", Request: annReceipt1001, State: shopqb.Sent, PlanHash: "z"}
	if _, _, err := a.Store.UpsertPostings(ctx, shop.ID, []*shopqb.Posting{inFlight}); err != nil {
		t.Fatal(err)
	}
	payload := []byte(`{"shop_domain":"alpha.myshopify.com","customer":{"id":7},"orders_to_redact":[1001]}`)
	err := a.handleWebhook(ctx, shop.ID, "customers/redact", "", payload)
	if err == nil || !strings.Contains(err.Error(), "order:1001:adjust:9") {
		t.Fatalf("with a posting in flight the job must fail to be retried, got %v", err)
	}
	if p := postingByKey(t, a, shop.ID, "order:1001:adjust:9"); p.Request != annReceipt1001 {
		t.Fatalf("a sent posting was changed under the Web Connector: %s", p.Request)
	}
	assertNone(t, "order:1001", postingByKey(t, a, shop.ID, "order:1001").Request, annPersonal...)
	audit, _ := a.Store.Audit(ctx, shop.ID, 1)
	if len(audit) != 1 || !strings.Contains(audit[0].Detail, "1 postings awaiting QuickBooks' answer (order:1001:adjust:9)") {
		t.Fatalf("audit: %+v", audit)
	}
	// Once QuickBooks has answered, the retry redacts it.
	inFlight = postingByKey(t, a, shop.ID, "order:1001:adjust:9")
	inFlight.State, inFlight.QBID = shopqb.Done, "1D-1700000004"
	if err := a.Store.UpdatePostings(ctx, []*shopqb.Posting{inFlight}); err != nil {
		t.Fatal(err)
	}
	if err := a.handleWebhook(ctx, shop.ID, "customers/redact", "", payload); err != nil {
		t.Fatalf("retry: %v", err)
	}
	p := postingByKey(t, a, shop.ID, "order:1001:adjust:9")
	assertNone(t, "settled posting", p.Request, annPersonal...)
	assertAll(t, "settled posting", p.Request, "<FullName>Redacted customer 7</FullName>", "<Amount>50.00</Amount>")
}

func TestCustomerDataRequestExportsWhatShopqbHolds(t *testing.T) {
	a := openTestApp(t)
	ctx := context.Background()
	shopA := addShop(t, a, "alpha.myshopify.com")
	shopB := addShop(t, a, "beta.myshopify.com")
	seedCustomers(t, a, shopA.ID, shopqb.Done)
	seedCustomers(t, a, shopB.ID, shopqb.Done)
	beforeB := readShopState(t, a, shopB.ID)
	body := `{"shop_id":954889,"shop_domain":"alpha.myshopify.com","orders_requested":[1001],"customer":{"id":7,"email":"ann@example.com","phone":"+15415550100"},"data_request":{"id":9999}}`
	if code := deliver(t, a, "alpha.myshopify.com", "customers/data_request", body); code != http.StatusOK {
		t.Fatalf("customers/data_request answered %d", code)
	}
	raw, err := a.Store.KV(ctx, shopA.ID, privacy.KVComplianceExportPrefix+"7")
	if err != nil {
		t.Fatal(err)
	}
	var exp privacy.CustomerExport
	if err := json.Unmarshal(raw, &exp); err != nil {
		t.Fatal(err)
	}
	gids := map[string]int{}
	for _, s := range exp.Snapshots {
		gids[s.GID]++
		if !json.Valid(s.Body) {
			t.Errorf("snapshot %s body is not JSON", s.GID)
		}
	}
	want := map[string]int{"gid://shopify/Customer/7": 2, "gid://shopify/Order/1001": 2, "gid://shopify/Order/1002": 2}
	if !reflect.DeepEqual(gids, want) {
		t.Fatalf("exported snapshots %v, want %v", gids, want)
	}
	var qb []string
	for _, p := range exp.QuickBooks {
		qb = append(qb, p.Key+"="+p.QBID)
	}
	wantQB := []string{"customer:7=80000001-1700000000", "order:1001=1A-1700000001", "refund:55=1B-1700000002", "refund:55:payment:cash=1E-1700000005", "order:1002="}
	if !reflect.DeepEqual(qb, wantQB) {
		t.Fatalf("exported QuickBooks records %v, want %v", qb, wantQB)
	}
	if exp.DataRequestID != "9999" || exp.CustomerGID != "gid://shopify/Customer/7" || exp.Shop != "alpha.myshopify.com" {
		t.Fatalf("export header: %+v", exp)
	}
	assertAll(t, "export", string(raw), "ann@example.com", "1 Main St") // it is the customer's data, in full
	audit, _ := a.Store.Audit(ctx, shopA.ID, 1)
	if len(audit) != 1 || audit[0].Action != "customers/data_request" || !strings.Contains(audit[0].Detail, "compliance:export:7") ||
		!strings.Contains(audit[0].Detail, "Data request 9999") {
		t.Fatalf("audit: %+v", audit)
	}
	if afterB := readShopState(t, a, shopB.ID); !reflect.DeepEqual(beforeB, afterB) {
		t.Fatalf("shop beta changed:\nbefore %+v\nafter  %+v", beforeB, afterB)
	}
	if got, err := a.Privacy.CustomerExport(ctx, shopA.ID, "7"); err != nil || !bytes.Equal(got, raw) {
		t.Fatalf("CustomerExport: %v", err)
	}
	if _, err := a.Privacy.CustomerExport(ctx, shopB.ID, "7"); !errors.Is(err, shopqb.ErrNotFound) {
		t.Fatalf("the other shop has an export: %v", err)
	}
	// Erasing the customer afterwards erases the export too.
	redact := `{"shop_domain":"alpha.myshopify.com","customer":{"id":7},"orders_to_redact":[1001]}`
	if code := deliver(t, a, "alpha.myshopify.com", "customers/redact", redact); code != http.StatusOK {
		t.Fatalf("customers/redact answered %d", code)
	}
	if _, err := a.Privacy.CustomerExport(ctx, shopA.ID, "7"); !errors.Is(err, shopqb.ErrNotFound) {
		t.Fatalf("export after customers/redact: %v", err)
	}
}

func TestUninstallThenShopRedactLeavesOnlyTheTombstone(t *testing.T) {
	a := openTestApp(t)
	ctx := context.Background()
	shopA := addShop(t, a, "alpha.myshopify.com")
	shopB := addShop(t, a, "beta.myshopify.com")
	seedCustomers(t, a, shopA.ID, shopqb.Done)
	seedCustomers(t, a, shopB.ID, shopqb.Done)

	for _, shop := range []int64{shopA.ID, shopB.ID} {
		for _, name := range []string{shopadmin.SecretShopifyClientID, shopadmin.SecretShopifyClientSecret, shopadmin.SecretShopifyCCToken, shopadmin.SecretShopifyOAuthToken, shopadmin.SecretStockyKey} {
			if err := a.Store.PutSecret(ctx, shop, name, []byte("sealed "+name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	beforeB := readShopState(t, a, shopB.ID)
	if code := deliver(t, a, "alpha.myshopify.com", "app/uninstalled", `{"id":954889,"domain":"alpha.myshopify.com"}`); code != http.StatusOK {
		t.Fatalf("app/uninstalled answered %d", code)
	}
	for _, name := range []string{shopadmin.SecretShopifyToken, shopadmin.SecretShopifyClientID, shopadmin.SecretShopifyClientSecret, shopadmin.SecretShopifyCCToken, shopadmin.SecretShopifyOAuthToken} {
		if _, err := a.Store.Secret(ctx, shopA.ID, name); !errors.Is(err, shopqb.ErrNotFound) {
			t.Errorf("after uninstall %s: %v", name, err)
		}
		if _, err := a.Store.Secret(ctx, shopB.ID, name); err != nil {
			t.Errorf("other shop's %s: %v", name, err)
		}
	}
	for _, name := range []string{shopadmin.SecretWebhook, shopadmin.SecretStockyKey} {
		if _, err := a.Store.Secret(ctx, shopA.ID, name); err != nil {
			t.Errorf("after uninstall %s must stay until shop/redact: %v", name, err)
		}
	}
	st := readShopState(t, a, shopA.ID)
	if st.Secrets[shopadmin.SecretShopifyToken] || !st.Secrets[shopadmin.SecretWebhook] || st.KV[privacy.KVUninstalledAt] == "" || len(st.Snapshots) != 8 || len(st.Postings) != 7 {
		t.Fatalf("after uninstall: token gone, webhook secret and data kept, got %+v", st)
	}
	if _, err := a.shopifySource(ctx, shopA); err == nil || !strings.Contains(err.Error(), "no Shopify token") {
		t.Fatalf("a sync after uninstall must stop with a clear error, got %v", err)
	}
	if _, err := a.shopifySource(ctx, shopB); err != nil {
		t.Fatalf("the other shop's syncs must go on: %v", err)
	}

	// A payload naming another shop is refused and erases nothing.
	if code := deliver(t, a, "alpha.myshopify.com", "shop/redact", `{"shop_id":1,"shop_domain":"beta.myshopify.com"}`); code != http.StatusInternalServerError {
		t.Fatalf("shop/redact naming another shop answered %d", code)
	}
	if _, err := a.Store.ShopByID(ctx, shopB.ID); err != nil {
		t.Fatal(err)
	}
	if code := deliver(t, a, "alpha.myshopify.com", "shop/redact", `{"shop_id":954889,"shop_domain":"alpha.myshopify.com"}`); code != http.StatusOK {
		t.Fatalf("shop/redact answered %d", code)
	}
	if _, err := a.Store.ShopByDomain(ctx, "alpha.myshopify.com"); !errors.Is(err, shopqb.ErrNotFound) {
		t.Fatalf("erased shop still there: %v", err)
	}
	rows, err := a.Store.SQL().QueryContext(ctx, `SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
		WHERE m.type = 'table' AND c.name = 'shop_id'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	for _, table := range tables {
		var n int
		if err := a.Store.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE shop_id = ?", shopA.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s keeps %d rows of the erased shop", table, n)
		}
	}
	ts, err := a.Store.Tombstones(ctx, "alpha.myshopify.com")
	if err != nil || len(ts) != 1 || ts[0].UninstalledAt == nil || !ts[0].InstalledAt.Equal(shopA.CreatedAt) {
		t.Fatalf("tombstone: %+v, %v", ts, err)
	}
	if afterB := readShopState(t, a, shopB.ID); !reflect.DeepEqual(beforeB, afterB) {
		t.Fatalf("shop beta changed:\nbefore %+v\nafter  %+v", beforeB, afterB)
	}
	// Shopify retrying after the erasure: the shop is unknown, so the
	// delivery cannot be verified.
	if code := deliver(t, a, "alpha.myshopify.com", "shop/redact", `{"shop_id":954889,"shop_domain":"alpha.myshopify.com"}`); code != http.StatusUnauthorized {
		t.Fatalf("shop/redact after erasure answered %d", code)
	}
	// Jobs for the erased shop that River runs late have nothing left to do.
	for _, topic := range []string{"shop/redact", "customers/redact", "customers/data_request", "app/uninstalled"} {
		if err := a.handleWebhook(ctx, shopA.ID, topic, "", []byte(`{"shop_domain":"alpha.myshopify.com","customer":{"id":7}}`)); err != nil {
			t.Fatalf("%s job for an erased shop: %v", topic, err)
		}
	}
	if ts, _ := a.Store.Tombstones(ctx, "alpha.myshopify.com"); len(ts) != 1 {
		t.Fatalf("late jobs changed the tombstones: %+v", ts)
	}
}

// TestPrivacyJobRunsThroughTheQueue sends a data request through River, as
// `shopqb serve` does, and checks the queued job keeps only ids.
func TestPrivacyJobRunsThroughTheQueue(t *testing.T) {
	t.Setenv("SHOPQB_SECRET_KEY", "")
	dir := t.TempDir()
	ctx := context.Background()
	a, err := Open(ctx, Config{DatabaseURL: filepath.Join(dir, "shopqb.db"), KeyFile: filepath.Join(dir, "shopqb.key"), Jobs: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	shop := addShop(t, a, "alpha.myshopify.com")
	seedCustomers(t, a, shop.ID, shopqb.Done)
	body := `{"shop_id":954889,"shop_domain":"alpha.myshopify.com","orders_requested":[1001],"customer":{"id":7,"email":"ann@example.com","phone":"+15415550100"},"data_request":{"id":9999}}`
	if code := deliver(t, a, "alpha.myshopify.com", "customers/data_request", body); code != http.StatusOK {
		t.Fatalf("customers/data_request answered %d", code)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := a.Privacy.CustomerExport(ctx, shop.ID, "7"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the queued data request never produced an export")
		}
		time.Sleep(50 * time.Millisecond)
	}
	var args []byte
	if err := a.Store.SQL().QueryRowContext(ctx, "SELECT json(args) FROM river_job WHERE kind = 'shopqb_webhook'").Scan(&args); err != nil {
		t.Fatal(err)
	}
	var job jobs.WebhookArgs
	if err := json.Unmarshal(args, &job); err != nil {
		t.Fatal(err)
	}
	if job.Topic != "customers/data_request" || job.ShopID != shop.ID || strings.Contains(string(job.Payload), "ann@") ||
		strings.Contains(string(job.Payload), "5550100") || !strings.Contains(string(job.Payload), `"customer":{"id":7}`) {
		t.Fatalf("queued job %+v payload %s", job, job.Payload)
	}
}
