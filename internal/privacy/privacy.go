// Package privacy does what internal/shopify/COMPLIANCE.md promises for
// Shopify's privacy and lifecycle webhooks: app/uninstalled,
// customers/redact, customers/data_request and shop/redact. Every store call
// is scoped to the shop whose secret verified the delivery, and a payload
// naming another shop is refused, so one shop's request can never reach
// another shop's data.
package privacy

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
)

// Service handles the privacy topics for one shopqb deployment.
type Service struct {
	store store.API
	log   *slog.Logger
}

// New returns the privacy service over the store.
func New(st store.API, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: st, log: log}
}

// RedactedMarker replaces personal values in shopqb's stored copies.
const RedactedMarker = "redacted"

// Keys in the store written by the privacy topics.
const (
	// KVComplianceExportPrefix + a Shopify customer id holds the JSON export
	// built for customers/data_request.
	KVComplianceExportPrefix = "compliance:export:"
	// KVUninstalledAt is when app/uninstalled arrived (RFC 3339), for the
	// tombstone shop/redact leaves.
	KVUninstalledAt = "app:uninstalled_at"
)

// redactedCustomerName is what a redacted customer is called in shopqb's
// copies, and in QuickBooks if it had not reached QuickBooks yet. It is
// unique per customer, so two redacted customers never merge into one
// QuickBooks record, and it holds only the Shopify id, which identifies no
// one outside the merchant's own systems.
func redactedCustomerName(customerID string) string { return "Redacted customer " + customerID }

// compliancePayload is the part of a privacy payload the job keeps: the
// shop, the customer's id, the order ids and the data request id. The
// customer's e-mail and phone are dropped, because the job stores its
// arguments in River's table (until River prunes the finished job) and
// needs only the ids. The shape is Shopify's, so ParseCompliance reads it.
type compliancePayload struct {
	ShopID          json.Number   `json:"shop_id,omitempty"`
	ShopDomain      string        `json:"shop_domain"`
	Customer        *payloadID    `json:"customer,omitempty"`
	OrdersToRedact  []json.Number `json:"orders_to_redact,omitempty"`
	OrdersRequested []json.Number `json:"orders_requested,omitempty"`
	DataRequest     *payloadID    `json:"data_request,omitempty"`
}

type payloadID struct {
	ID json.Number `json:"id"`
}

// MinimalPayload checks a privacy delivery's payload and returns
// the ids the job needs. The payload must name the shop that signed it, and
// customer topics must name a customer by numeric id.
func MinimalPayload(w *shopify.Webhook) ([]byte, error) {
	req, err := shopify.ParseCompliance(w.Body)
	if err != nil {
		return nil, fmt.Errorf("%s from %s: %w", w.Topic, w.ShopDomain, err)
	}
	if req.ShopDomain != w.ShopDomain {
		return nil, fmt.Errorf("%s from %s: the payload names shop %s", w.Topic, w.ShopDomain, req.ShopDomain)
	}
	p := compliancePayload{ShopID: json.Number(req.ShopID), ShopDomain: req.ShopDomain}
	if req.ShopID != "" && !isDigits(req.ShopID) {
		p.ShopID = ""
	}
	if strings.HasPrefix(w.Topic, "customers/") {
		if req.Customer == nil || !isDigits(req.Customer.ID) {
			return nil, fmt.Errorf("%s from %s: the payload names no customer id", w.Topic, w.ShopDomain)
		}
		p.Customer = &payloadID{ID: json.Number(req.Customer.ID)}
	}
	for _, lists := range []struct {
		in  []string
		out *[]json.Number
	}{{req.OrdersToRedact, &p.OrdersToRedact}, {req.OrdersRequested, &p.OrdersRequested}} {
		for _, id := range lists.in {
			if !isDigits(id) {
				return nil, fmt.Errorf("%s from %s: order id %q is not a number", w.Topic, w.ShopDomain, id)
			}
			*lists.out = append(*lists.out, json.Number(id))
		}
	}
	if isDigits(req.DataRequestID) {
		p.DataRequest = &payloadID{ID: json.Number(req.DataRequestID)}
	}
	return json.Marshal(p)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// complianceRequest reads a job's payload and checks it belongs to shop.
func (svc *Service) complianceRequest(ctx context.Context, shopID int64, topic string, payload []byte) (*shopqb.Shop, *shopify.ComplianceRequest, error) {
	shop, err := svc.store.ShopByID(ctx, shopID)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", topic, err)
	}
	if len(payload) == 0 {
		return nil, nil, fmt.Errorf("%s of %s: the job carries no payload", topic, shop.Domain)
	}
	req, err := shopify.ParseCompliance(payload)
	if err != nil {
		return nil, nil, fmt.Errorf("%s of %s: %w", topic, shop.Domain, err)
	}
	if req.ShopDomain != shop.Domain {
		return nil, nil, fmt.Errorf("%s of %s: the payload names shop %s", topic, shop.Domain, req.ShopDomain)
	}
	if topic != "shop/redact" && (req.Customer == nil || !isDigits(req.Customer.ID)) {
		return nil, nil, fmt.Errorf("%s of %s: the payload names no customer id", topic, shop.Domain)
	}
	for _, id := range append(append([]string(nil), req.OrdersToRedact...), req.OrdersRequested...) {
		if !isDigits(id) {
			return nil, nil, fmt.Errorf("%s of %s: order id %q is not a number", topic, shop.Domain, id)
		}
	}
	return shop, req, nil
}

// shopifyAccessSecrets are the secrets that let shopqb call the Admin API,
// whatever the shop's ShopifyAuth: the admin token, the client id and
// secret of the shop's own app, and the cached or refreshable tokens. The
// webhook secrets are not among them (the client secret's copy that signs
// webhooks is shopadmin.SecretWebhook).
var shopifyAccessSecrets = shopadmin.ShopifySecrets

// Uninstalled answers app/uninstalled: the shop's Shopify access
// secrets are deleted, so every later sync stops with an error saying the
// token or credentials are missing, until the app is installed again. The
// webhook secrets stay: they verify the shop/redact that Shopify sends 48
// hours later. The data stays until then, as the merchant may re-install.
func (svc *Service) Uninstalled(ctx context.Context, shopID int64) error {
	if _, err := svc.store.ShopByID(ctx, shopID); errors.Is(err, shopqb.ErrNotFound) {
		return nil // erased already: nothing left to stop
	} else if err != nil {
		return fmt.Errorf("app/uninstalled: %w", err)
	}
	for _, name := range shopifyAccessSecrets {
		if err := svc.store.DeleteSecret(ctx, shopID, name); err != nil {
			return fmt.Errorf("app/uninstalled: %w", err)
		}
	}
	now := time.Now().UTC()
	if err := svc.store.PutKV(ctx, shopID, KVUninstalledAt, []byte(now.Format(time.RFC3339))); err != nil {
		return fmt.Errorf("app/uninstalled: %w", err)
	}
	return svc.store.AddAudit(ctx, shopID, "shopify", "app uninstalled",
		"Shopify access token and credentials deleted: syncs stop until the app is installed again. Data is kept until shop/redact (sent 48 hours after uninstall).")
}

// ShopRedact answers shop/redact: everything shopqb holds for the
// shop is deleted, leaving a tombstone. A shop already erased is done.
func (svc *Service) ShopRedact(ctx context.Context, shopID int64, payload []byte) error {
	shop, _, err := svc.complianceRequest(ctx, shopID, "shop/redact", payload)
	if errors.Is(err, shopqb.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var uninstalled *time.Time
	if v, err := svc.store.KV(ctx, shopID, KVUninstalledAt); err == nil {
		if t, err := time.Parse(time.RFC3339, string(v)); err == nil {
			uninstalled = &t
		}
	}
	t, err := svc.store.DeleteShopData(ctx, shopID, uninstalled)
	if errors.Is(err, shopqb.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("shop/redact of %s: %w", shop.Domain, err)
	}
	svc.log.Info("shop erased on shop/redact", "shop", t.Domain, "erased_at", t.ErasedAt)
	return nil
}

// customerScope is what shopqb holds about one customer: the snapshot
// versions and the posting keys that concern them.
type customerScope struct {
	id          string // Shopify's numeric id
	gid         string
	customerKey string // the planner's list key of the customer
	// fullOrders are redacted (or exported) whole: the orders the request
	// lists. refOrders name the customer but are not listed; only their
	// customer object is redacted.
	fullOrders map[string]bool
	refOrders  map[string]bool
	// keys are the posting keys of the customer, its orders and refunds;
	// prefixes catch their further postings ("order:1:adjust:2",
	// "refund:5:payment:cash").
	keys     map[string]bool
	prefixes []string
}

func (c *customerScope) postingKey(key string) bool {
	if c.keys[key] {
		return true
	}
	for _, p := range c.prefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// orderRefs is what scoping needs of an order snapshot.
type orderRefs struct {
	Customer *struct {
		ID string `json:"id"`
	} `json:"customer"`
	Refunds []struct {
		ID string `json:"id"`
	} `json:"refunds"`
}

// scopeCustomer finds the orders that name the customer and the posting
// keys of the customer, those orders, the listed orders and their refunds.
func (svc *Service) scopeCustomer(ctx context.Context, shopID int64, customerID string, listedOrders []string) (*customerScope, error) {
	c := &customerScope{id: customerID, gid: "gid://shopify/Customer/" + customerID, customerKey: "customer:" + customerID,
		fullOrders: map[string]bool{}, refOrders: map[string]bool{}, keys: map[string]bool{}}
	c.keys[c.customerKey] = true
	for _, id := range listedOrders {
		c.fullOrders["gid://shopify/Order/"+id] = true
	}
	refunds := map[string]bool{}
	err := svc.store.EachSnapshotVersion(ctx, shopID, func(s *shopqb.Snapshot) error {
		if s.Kind != "order" {
			return nil
		}
		var o orderRefs
		if json.Unmarshal(s.Body, &o) != nil {
			return nil // not an order shopqb can read; the planner skips it too
		}
		mine := o.Customer != nil && o.Customer.ID == c.gid
		if mine && !c.fullOrders[s.GID] {
			c.refOrders[s.GID] = true
		}
		if mine || c.fullOrders[s.GID] {
			for _, r := range o.Refunds {
				refunds[gidNumber(r.ID)] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for gid := range c.fullOrders {
		c.addOrder(gid)
	}
	for gid := range c.refOrders {
		c.addOrder(gid)
	}
	for id := range refunds {
		if id != "" {
			c.keys["refund:"+id] = true
			c.prefixes = append(c.prefixes, "refund:"+id+":") // its refund payments
		}
	}
	sort.Strings(c.prefixes)
	return c, nil
}

func (c *customerScope) addOrder(gid string) {
	n := gidNumber(gid)
	c.keys["order:"+n] = true
	c.prefixes = append(c.prefixes, "order:"+n+":")
}

// gidNumber is the numeric tail of a GID ("gid://shopify/Order/12" → "12").
func gidNumber(gid string) string {
	if i := strings.LastIndex(gid, "/"); i >= 0 {
		return gid[i+1:]
	}
	return gid
}

// CustomerRedact answers customers/redact as COMPLIANCE.md says:
// shopqb's snapshots and postings lose the customer's personal data, the
// name map stops naming a customer QuickBooks does not hold yet, and the
// audit log tells the merchant what QuickBooks still holds. Postings sent
// but not yet answered are left for the Web Connector to settle; the job
// then fails so that River retries it, and the retry redacts them.
func (svc *Service) CustomerRedact(ctx context.Context, shopID int64, payload []byte) error {
	shop, req, err := svc.complianceRequest(ctx, shopID, "customers/redact", payload)
	if errors.Is(err, shopqb.ErrNotFound) {
		return nil // the shop was erased since: nothing of the customer is left
	}
	if err != nil {
		return err
	}
	scope, err := svc.scopeCustomer(ctx, shopID, req.Customer.ID, req.OrdersToRedact)
	if err != nil {
		return fmt.Errorf("customers/redact of customer %s at %s: %w", req.Customer.ID, shop.Domain, err)
	}
	fail := func(err error) error {
		return fmt.Errorf("customers/redact of customer %s at %s: %w", scope.id, shop.Domain, err)
	}

	snapshots, err := svc.store.RedactSnapshots(ctx, shopID, func(kind, gid string, body []byte) ([]byte, error) {
		switch {
		case kind == "customer" && gid == scope.gid, kind == "order" && scope.fullOrders[gid]:
			return redactJSON(body)
		case kind == "order" && scope.refOrders[gid]:
			return redactJSONKey(body, "customer")
		}
		return body, nil
	})
	if err != nil {
		return fail(err)
	}

	// The QuickBooks customer record: its name in QuickBooks, and whether
	// QuickBooks holds (or may hold) it already.
	// plannedName is the name the planner gave the customer record
	// (store.PlanName), "" when it gave none.
	plannedName, err := svc.store.PlanName(ctx, shopID, scope.customerKey)
	if err != nil && !errors.Is(err, shopqb.ErrNotFound) {
		return fail(err)
	}
	qbName := plannedName
	var listID string
	inQuickBooks := false
	if p, err := svc.store.PostingByKey(ctx, shopID, scope.customerKey); err == nil {
		inQuickBooks = p.State == shopqb.Done || p.State == shopqb.Sent || p.State == shopqb.InDoubt
		listID = p.QBID
		if qbName == "" {
			qbName = p.Name
		}
	} else if !errors.Is(err, shopqb.ErrNotFound) {
		return fail(err)
	}
	newName := redactedCustomerName(scope.id)

	postings, err := svc.store.RedactPostings(ctx, shopID, func(p *shopqb.Posting) error {
		if !scope.postingKey(p.Key) {
			return nil
		}
		// A done posting is never sent again, so its customer name can go.
		// A posting still to be sent must name the customer as QuickBooks
		// does: the old name if QuickBooks has the record, else the new one.
		rename := p.State == shopqb.Done || !inQuickBooks
		rule := qbxmlRedaction{customerName: qbName, newName: newName, rename: rename}
		req, err := rule.apply(p.Request)
		if err != nil {
			return err
		}
		p.Request = req
		if rename && (p.Key == scope.customerKey || (qbName != "" && p.Name == qbName)) {
			p.Name = newName
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	// QuickBooks' answers to those postings are evidence only, never sent:
	// the customer's name goes from them whatever QuickBooks holds.
	answers, err := svc.store.RedactPostingResponses(ctx, shopID, func(key string, _ shopqb.PostingState, response string) (string, error) {
		if !scope.postingKey(key) {
			return response, nil
		}
		return qbxmlRedaction{customerName: qbName, newName: newName, rename: true}.apply(response)
	})
	if err != nil {
		return fail(err)
	}
	postings += answers

	if !inQuickBooks && plannedName != "" {
		// Re-planning must not bring the name back into a posting to come.
		if err := svc.store.SetPlanName(ctx, shopID, scope.customerKey, newName); err != nil {
			return fail(err)
		}
	}

	// An export built for an earlier data request is a copy too.
	if err := svc.store.DeleteKV(ctx, shopID, KVComplianceExportPrefix+scope.id); err != nil {
		return fail(err)
	}

	inFlight, txnIDs, err := svc.customerPostingStates(ctx, shopID, scope)
	if err != nil {
		return fail(err)
	}
	var held string
	switch {
	case inQuickBooks && listID != "":
		held = fmt.Sprintf("QuickBooks still holds customer record ListID %s", listID)
	case inQuickBooks:
		held = "QuickBooks may hold the customer record (its posting is awaiting QuickBooks' answer)"
	default:
		held = "QuickBooks holds no customer record of theirs (shopqb had not created one)"
	}
	if len(txnIDs) > 0 {
		held += fmt.Sprintf(" and %d transactions (TxnID %s)", len(txnIDs), strings.Join(txnIDs, ", "))
	}
	detail := fmt.Sprintf("Customer %s asked to be forgotten. shopqb erased its copies (%d snapshot versions, %d postings). %s; shopqb does not change QuickBooks — rename or make it inactive there if you decide to.",
		scope.id, snapshots, postings, held)
	if len(inFlight) > 0 {
		detail += fmt.Sprintf(" %d postings awaiting QuickBooks' answer (%s) will be redacted when it arrives.", len(inFlight), strings.Join(inFlight, ", "))
	}
	if err := svc.store.AddAudit(ctx, shopID, "shopify", "customers/redact", detail); err != nil {
		return fail(err)
	}
	if len(inFlight) > 0 {
		return fail(fmt.Errorf("%d postings are sent or in doubt (%s); retrying once QuickBooks has answered", len(inFlight), strings.Join(inFlight, ", ")))
	}
	return nil
}

// customerPostingStates lists the customer's postings still in flight and
// the TxnIDs QuickBooks gave the done ones (other than the customer record).
func (svc *Service) customerPostingStates(ctx context.Context, shopID int64, scope *customerScope) (inFlight, txnIDs []string, err error) {
	err = svc.eachPosting(ctx, shopqb.PostingFilter{ShopID: shopID, States: []shopqb.PostingState{shopqb.Sent, shopqb.InDoubt, shopqb.Done}},
		func(p *shopqb.Posting) {
			if !scope.postingKey(p.Key) {
				return
			}
			switch {
			case p.State != shopqb.Done:
				inFlight = append(inFlight, p.Key)
			case p.Key != scope.customerKey && p.QBID != "":
				txnIDs = append(txnIDs, p.QBID)
			}
		})
	return inFlight, txnIDs, err
}

// postingPage is how many postings eachPosting reads at a time, so a shop
// with a long history is walked in flat memory.
const postingPage = 1000

// eachPosting calls fn with every posting f selects, in id order, a page at a time.
func (svc *Service) eachPosting(ctx context.Context, f shopqb.PostingFilter, fn func(*shopqb.Posting)) error {
	f.Limit, f.AfterID = postingPage, 0
	for {
		ps, err := svc.store.ListPostings(ctx, f)
		if err != nil {
			return err
		}
		for _, p := range ps {
			fn(p)
		}
		if len(ps) < postingPage {
			return nil
		}
		f.AfterID = ps[len(ps)-1].ID
	}
}

// CustomerExport is the JSON export built for customers/data_request.
type CustomerExport struct {
	Shop            string    `json:"shop"`
	CustomerID      string    `json:"customerId"`
	CustomerGID     string    `json:"customerGid"`
	DataRequestID   string    `json:"dataRequestId,omitempty"`
	OrdersRequested []string  `json:"ordersRequested,omitempty"`
	GeneratedAt     time.Time `json:"generatedAt"`
	// Snapshots are every stored version of the customer and of their
	// orders (those naming them, and those the request lists), as Shopify sent them.
	Snapshots []ExportedSnapshot `json:"snapshots"`
	// QuickBooks lists what shopqb created (or will create) in QuickBooks
	// for them: the customer record and their transactions.
	QuickBooks []ExportedPosting `json:"quickbooks"`
}

// ExportedSnapshot is one stored snapshot version in an export.
type ExportedSnapshot struct {
	Kind      string          `json:"kind"`
	GID       string          `json:"gid"`
	UpdatedAt time.Time       `json:"updatedAt"`
	FetchedAt time.Time       `json:"fetchedAt"`
	Body      json.RawMessage `json:"body"`
}

// ExportedPosting is one QuickBooks record in an export.
type ExportedPosting struct {
	Key       string `json:"key"`
	Kind      string `json:"kind"`
	State     string `json:"state"`
	QBID      string `json:"quickbooksId,omitempty"` // ListID or TxnID once done
	RefNumber string `json:"refNumber,omitempty"`
	TxnDate   string `json:"txnDate,omitempty"`
}

// CustomerDataRequest answers customers/data_request: the export is
// stored under KVComplianceExportPrefix+id, and the audit log (`GET
// /api/shops/{id}/audit`) says so. The merchant sends it to the customer.
func (svc *Service) CustomerDataRequest(ctx context.Context, shopID int64, payload []byte) error {
	shop, req, err := svc.complianceRequest(ctx, shopID, "customers/data_request", payload)
	if errors.Is(err, shopqb.ErrNotFound) {
		return nil // the shop was erased since: shopqb holds nothing about the customer
	}
	if err != nil {
		return err
	}
	fail := func(err error) error {
		return fmt.Errorf("customers/data_request of customer %s at %s: %w", req.Customer.ID, shop.Domain, err)
	}
	scope, err := svc.scopeCustomer(ctx, shopID, req.Customer.ID, req.OrdersRequested)
	if err != nil {
		return fail(err)
	}
	exp := CustomerExport{Shop: shop.Domain, CustomerID: scope.id, CustomerGID: scope.gid, DataRequestID: req.DataRequestID,
		OrdersRequested: req.OrdersRequested, GeneratedAt: time.Now().UTC(), Snapshots: []ExportedSnapshot{}, QuickBooks: []ExportedPosting{}}
	err = svc.store.EachSnapshotVersion(ctx, shopID, func(s *shopqb.Snapshot) error {
		if !(s.Kind == "customer" && s.GID == scope.gid) && !(s.Kind == "order" && (scope.fullOrders[s.GID] || scope.refOrders[s.GID])) {
			return nil
		}
		body := json.RawMessage(s.Body)
		if !json.Valid(s.Body) {
			b, _ := json.Marshal(string(s.Body))
			body = b
		}
		exp.Snapshots = append(exp.Snapshots, ExportedSnapshot{Kind: s.Kind, GID: s.GID, UpdatedAt: s.UpdatedAt, FetchedAt: s.FetchedAt, Body: body})
		return nil
	})
	if err != nil {
		return fail(err)
	}
	err = svc.eachPosting(ctx, shopqb.PostingFilter{ShopID: shopID}, func(p *shopqb.Posting) {
		if scope.postingKey(p.Key) {
			exp.QuickBooks = append(exp.QuickBooks, ExportedPosting{Key: p.Key, Kind: p.Kind, State: string(p.State),
				QBID: p.QBID, RefNumber: p.RefNumber, TxnDate: p.TxnDate})
		}
	})
	if err != nil {
		return fail(err)
	}
	raw, err := json.MarshalIndent(exp, "", "  ")
	if err != nil {
		return fail(err)
	}
	key := KVComplianceExportPrefix + scope.id
	if err := svc.store.PutKV(ctx, shopID, key, raw); err != nil {
		return fail(err)
	}
	detail := fmt.Sprintf("Customer %s asked for their data. The export (%d snapshot versions, %d QuickBooks records) is stored as %s; send it to the customer.",
		scope.id, len(exp.Snapshots), len(exp.QuickBooks), key)
	if req.DataRequestID != "" {
		detail = fmt.Sprintf("Data request %s: %s", req.DataRequestID, detail)
	}
	if err := svc.store.AddAudit(ctx, shopID, "shopify", "customers/data_request", detail); err != nil {
		return fail(err)
	}
	return nil
}

// CustomerExport returns the export stored for a customer's data request
// (customers/data_request), for the operator to send on; shopqb.ErrNotFound
// when there is none, or it was erased since by customers/redact.
func (svc *Service) CustomerExport(ctx context.Context, shopID int64, customerID string) ([]byte, error) {
	return svc.store.KV(ctx, shopID, KVComplianceExportPrefix+customerID)
}

// Personal data in Shopify's JSON. Redaction walks the document generically
// instead of decoding it into Go structs, so a field added to a query later
// is not silently missed inside an address, and the document keeps every
// other field (ids, amounts, taxes, items, dates, locations) byte for byte
// in value. Types are kept: strings become RedactedMarker, numbers 0, so
// the planner still decodes the snapshot.
//
// personalKeys are redacted wherever they appear, with everything under
// them: firstName, lastName, displayName, email, emailAddress, phone,
// phoneNumber, note, customAttributes, company, address1, address2, city,
// zip, latitude, longitude, browserIp, clientDetails.
var personalKeys = map[string]bool{
	"firstName": true, "lastName": true, "displayName": true, "email": true, "emailAddress": true,
	"phone": true, "phoneNumber": true, "note": true, "customAttributes": true, "company": true,
	"address1": true, "address2": true, "city": true, "zip": true, "latitude": true, "longitude": true,
	"browserIp": true, "clientDetails": true,
}

// addressKeys hold postal addresses: billingAddress, shippingAddress,
// defaultAddress, addresses, addressesV2 (and its nodes). Inside them every
// value is redacted — "name" included — except addressKeep.
var addressKeys = map[string]bool{
	"billingAddress": true, "shippingAddress": true, "defaultAddress": true, "addresses": true, "addressesV2": true,
}

// addressKeep are the address fields kept: the id, and the country and
// province, which sales tax is reported by and which identify no one.
var addressKeep = map[string]bool{
	"id": true, "country": true, "countryCode": true, "countryCodeV2": true, "province": true, "provinceCode": true,
	"__typename": true,
}

// redactJSON redacts a whole Shopify document (see personalKeys). A
// document with nothing to redact is returned as it was.
func redactJSON(body []byte) ([]byte, error) {
	doc, err := decodeJSON(body)
	if err != nil {
		return nil, err
	}
	out, changed := redactValue(doc, false)
	if !changed {
		return body, nil
	}
	return encodeJSON(out)
}

// redactJSONKey redacts, in full, only the value under a top-level key:
// an order that names the customer but was not listed loses the customer
// object, and keeps its own addresses and notes.
func redactJSONKey(body []byte, key string) ([]byte, error) {
	doc, err := decodeJSON(body)
	if err != nil {
		return nil, err
	}
	obj, ok := doc.(map[string]any)
	if !ok || obj[key] == nil {
		return body, nil
	}
	v, changed := redactAll(obj[key])
	if !changed {
		return body, nil
	}
	obj[key] = v
	return encodeJSON(obj)
}

func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // amounts and ids survive exactly
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("snapshot is not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("snapshot has data after its JSON document")
	}
	return doc, nil
}

func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// redactValue walks v; inAddress is true below an address key.
func redactValue(v any, inAddress bool) (any, bool) {
	changed := false
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			var nv any
			var c bool
			switch {
			case inAddress && addressKeep[k]:
				continue
			case inAddress, personalKeys[k]:
				nv, c = redactAll(child)
			case addressKeys[k]:
				nv, c = redactValue(child, true)
			default:
				nv, c = redactValue(child, false)
			}
			if c {
				t[k] = nv
				changed = true
			}
		}
		return t, changed
	case []any:
		for i, child := range t {
			if nv, c := redactValue(child, inAddress); c {
				t[i] = nv
				changed = true
			}
		}
		return t, changed
	}
	if inAddress {
		return redactAll(v)
	}
	return v, false
}

// redactAll replaces every string under v with the marker and every number
// with 0; ids inside (addressKeep) stay so a redacted address keeps its id.
func redactAll(v any) (any, bool) {
	switch t := v.(type) {
	case string:
		return RedactedMarker, t != RedactedMarker
	case json.Number:
		return json.Number("0"), t != "0"
	case map[string]any:
		changed := false
		for k, child := range t {
			if k == "id" || k == "__typename" {
				continue
			}
			if nv, c := redactAll(child); c {
				t[k] = nv
				changed = true
			}
		}
		return t, changed
	case []any:
		changed := false
		for i, child := range t {
			if nv, c := redactAll(child); c {
				t[i] = nv
				changed = true
			}
		}
		return t, changed
	}
	return v, false
}

// qbxmlPersonal are the qbXML elements that hold a person's data, replaced
// by RedactedMarker wherever they appear: FirstName, MiddleName, LastName,
// Salutation, JobTitle, CompanyName, Contact, AltContact, Phone, AltPhone,
// Mobile, Pager, Fax, Email, Cc, Notes. The value is each element's maximum
// length in qbXML 13.0 where it is shorter than the marker (MiddleName is 5),
// so a redacted request still to be sent stays valid.
var qbxmlPersonal = map[string]int{
	"FirstName": 0, "MiddleName": 5, "LastName": 0, "Salutation": 0, "JobTitle": 0,
	"CompanyName": 0, "Contact": 0, "AltContact": 0, "Phone": 0, "AltPhone": 0,
	"Mobile": 0, "Pager": 0, "Fax": 0, "Email": 0, "Cc": 0, "Notes": 0,
}

// qbxmlAddresses are the address aggregates; all text inside them (Addr1-5,
// City, State, PostalCode, Country, Note and any other) is replaced.
var qbxmlAddresses = map[string]bool{
	"BillAddress": true, "ShipAddress": true, "Address": true, "ShipToAddress": true,
	"BillAddressBlock": true, "ShipAddressBlock": true,
}

// qbxmlRedaction rewrites one posting's qbXML request.
type qbxmlRedaction struct {
	customerName string // the customer's name in QuickBooks, if known
	newName      string
	// rename replaces the customer's name (CustomerAdd/CustomerMod Name, and
	// a CustomerRef FullName equal to it) with newName.
	rename bool
}

// apply returns req with the personal text replaced. Only character data
// is rewritten, in place: every element, attribute and byte around it stays,
// so a request stays what was sent apart from the personal values.
func (r qbxmlRedaction) apply(req string) (string, error) {
	if req == "" {
		return req, nil
	}
	dec := xml.NewDecoder(strings.NewReader(req))
	type edit struct {
		from, to int64
		text     string
	}
	var edits []edit
	var path []string
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("qbXML request: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path = append(path, t.Name.Local)
		case xml.EndElement:
			path = path[:len(path)-1]
		case xml.CharData:
			if len(path) == 0 || len(bytes.TrimSpace(t)) == 0 {
				continue
			}
			if text, ok := r.replacement(path, string(t)); ok {
				edits = append(edits, edit{start, dec.InputOffset(), text})
			}
		}
	}
	if len(edits) == 0 {
		return req, nil
	}
	var b strings.Builder
	var at int64
	for _, e := range edits {
		b.WriteString(req[at:e.from])
		if err := xml.EscapeText(&b, []byte(e.text)); err != nil {
			return "", err
		}
		at = e.to
	}
	b.WriteString(req[at:])
	return b.String(), nil
}

// replacement decides the new text of the element at the end of path.
func (r qbxmlRedaction) replacement(path []string, text string) (string, bool) {
	el := path[len(path)-1]
	parent := ""
	if len(path) > 1 {
		parent = path[len(path)-2]
	}
	for _, p := range path[:len(path)-1] {
		if qbxmlAddresses[p] {
			return RedactedMarker, text != RedactedMarker
		}
	}
	if max, ok := qbxmlPersonal[el]; ok {
		marker := RedactedMarker
		if max > 0 && len(marker) > max {
			marker = marker[:max]
		}
		return marker, text != marker
	}
	if !r.rename {
		return "", false
	}
	if el == "Name" && (parent == "CustomerAdd" || parent == "CustomerMod" || parent == "CustomerRet") {
		return r.newName, text != r.newName
	}
	if el == "FullName" && (parent == "CustomerRef" || parent == "CustomerRet") && r.customerName != "" && text == r.customerName {
		return r.newName, true
	}
	return "", false
}
