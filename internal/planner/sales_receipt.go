package planner

import (
	"sort"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/shopify"
)

// salesReceiptForOrder is detail sales mode: one SalesReceipt per order, dated
// on the day the order was processed in the shop's zone, with its RefNumber
// from the order name. See doc.go for where each amount goes.
func (p *planner) salesReceiptForOrder(o *shopify.Order) (*txnDoc, error) {
	ps, err := p.saleParts(o)
	if err != nil {
		return nil, err
	}
	key := "order:" + numericID(o.ID) + ":sale"
	locID, locName := orderLocation(o)
	d := p.receiptFromParts(ps, key, p.date(o.ProcessedAt), p.refNumber(key, o.Name, maxRefNumber),
		p.orderCustomer(o), p.classFor(locID, locName))
	d.label = "order " + o.Name
	d.memo = "Shopify order " + cleanText(o.Name)
	return d, nil
}

// receiptFromParts puts parts on a SalesReceipt: the gateway that took the
// most money is the deposit account (its clearing account); every other
// gateway becomes a payment-item line to its own clearing account.
func (p *planner) receiptFromParts(ps *parts, key, date, ref, customer, class string) *txnDoc {
	d := &txnDoc{key: key, kind: kindSalesReceipt, date: date, ref: ref, customer: customer, class: class, zeroTaxHeader: true,
		lines: append([]docLine(nil), ps.lines...), src: ps.clone()}
	main := mainGateway(ps.payments)
	if main == "" {
		d.account = shopqb.UndepositedFunds
	} else {
		d.account = shopqb.ClearingCategory(main)
		d.paymentMethod = p.paymentMethod(main)
	}
	for _, g := range sortedKeys(ps.payments) {
		if g == main || ps.payments[g] == 0 {
			continue
		}
		d.lines = append(d.lines, docLine{item: p.paymentItem(g), desc: "Paid by " + gatewayLabel(g),
			amount: -ps.payments[g], category: shopqb.ClearingCategory(g)})
	}
	return d
}

// mainGateway is the gateway with the largest positive amount, ties broken by name.
func mainGateway(pay map[string]money.Cents) string {
	best := ""
	for _, g := range sortedKeys(pay) {
		if pay[g] > 0 && (best == "" || pay[g] > pay[best]) {
			best = g
		}
	}
	return best
}

// orderLocation is the POS location of an order, or "online" for orders
// without one (web orders, draft orders marked as paid).
func orderLocation(o *shopify.Order) (id, name string) {
	if o.RetailLocation != nil && o.RetailLocation.ID != "" {
		return numericID(o.RetailLocation.ID), o.RetailLocation.Name
	}
	return "online", "Online Store"
}

// orderCustomer is the QuickBooks customer a sale goes to: the Shopify
// customer in detail customers mode, otherwise (and for orders without a
// customer) one customer per location.
func (p *planner) orderCustomer(o *shopify.Order) string {
	if p.set.CustomersMode == shopqb.Detail && p.set.SalesMode == shopqb.Detail && o.Customer != nil && o.Customer.ID != "" {
		return p.shopifyCustomer(o.Customer)
	}
	id, name := orderLocation(o)
	return p.locationCustomer(id, name)
}

func (p *planner) shopifyCustomer(c *shopify.Customer) string {
	id := numericID(c.ID)
	key := "customer:" + id
	display := c.DisplayName
	if display == "" {
		display = strings.TrimSpace(c.FirstName + " " + c.LastName)
	}
	base := cleanName(display, maxEntityName, "Shopify customer "+id)
	first, last := truncate(cleanName(c.FirstName, 25, ""), 25), truncate(cleanName(c.LastName, 25, ""), 25)
	email := ""
	if c.DefaultEmailAddress != nil {
		email = cleanText(c.DefaultEmailAddress.EmailAddress)
	}
	p.list(want{key: key, kind: "CustomerAdd", ns: nsEntities, base: base, max: maxEntityName,
		build: func(name string, guid qbxml.GUID) qbxml.Request {
			return qbxml.CustomerAdd{Name: name, FirstName: first, LastName: last, Email: email,
				Notes: "Shopify customer " + id, ExternalGUID: guid}
		}})
	return key
}

// locationCustomer is the walk-in customer of a location (summary customers
// mode, summary sales, and orders without a customer).
func (p *planner) locationCustomer(locID, locName string) string {
	key := "customer:location:" + locID
	base := cleanName("Shopify "+locName, maxEntityName, "Shopify location "+locID)
	p.list(want{key: key, kind: "CustomerAdd", ns: nsEntities, base: base, max: maxEntityName,
		build: func(name string, guid qbxml.GUID) qbxml.Request {
			return qbxml.CustomerAdd{Name: name, Notes: "Sales at Shopify location " + locID, ExternalGUID: guid}
		}})
	return key
}

// refNumber gives a transaction a RefNumber within max characters, unique
// among the plan's and earlier plans' reference numbers, and kept forever.
func (p *planner) refNumber(key, want string, max int) string {
	nk := "refnumber:" + key
	if prev, ok := p.earlier(nk); ok && prev != "" {
		p.names[nk] = prev
		return prev
	}
	r := p.space(refSpace(key)).assign(nk, refNumberFor(want, max), max)
	p.names[nk] = r
	return r
}

// refSpace groups RefNumbers by the transaction type they number: sales
// receipts (orders, edits, daily sales), credit memos (refunds), and each
// other kind on its own. QuickBooks only warns about duplicates within a type.
func refSpace(key string) string {
	switch {
	case strings.HasPrefix(key, "summary:sales:"):
		return "refs:order"
	case strings.HasPrefix(key, "summary:refunds:"):
		return "refs:refund"
	}
	first, _, _ := strings.Cut(key, ":")
	return "refs:" + first
}

// sortOrders orders documents by processing time, then id, so plans are
// deterministic whatever order the snapshots were read in.
func sortOrders(os []shopify.Order) []*shopify.Order {
	out := make([]*shopify.Order, len(os))
	for i := range os {
		out[i] = &os[i]
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].ProcessedAt.Equal(out[j].ProcessedAt) {
			return out[i].ProcessedAt.Before(out[j].ProcessedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out
}
