package planner

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
)

// content is what a transaction books, in the planner's own terms, stored
// on its posting (shopqb.Posting.Content) so that a later plan can compute
// the difference between what QuickBooks holds and what Shopify now says.
// A sales receipt and a credit memo keep their parts (item lines and money
// by gateway, before the gateways are put on the form); a credit memo's
// parts include the money its refund postings pay back. A journal entry
// keeps its lines.
type content struct {
	Lines    []contentLine          `json:"lines,omitempty"`
	Payments map[string]money.Cents `json:"payments,omitempty"`
	JE       []contentJE            `json:"je,omitempty"`
	// Orders are the Shopify order names the transaction covers, so an
	// adjustment's memo can say which ones arrived late.
	Orders []string `json:"orders,omitempty"`
}

type contentLine struct {
	Item     string          `json:"item,omitempty"`
	Desc     string          `json:"desc,omitempty"`
	Qty      int             `json:"qty,omitempty"`
	Amount   money.Cents     `json:"amount"`
	Category shopqb.Category `json:"category"`
	TaxItem  string          `json:"taxItem,omitempty"`
}

type contentJE struct {
	Category shopqb.Category `json:"category"`
	Amount   money.Cents     `json:"amount"`
}

// adjustable says whether a kind of transaction can be adjusted by booking
// a difference: the forms the day summaries and order sales use.
func adjustable(kind string) bool {
	switch kind {
	case kindSalesReceipt, kindCreditMemo, kindJournalEntry:
		return true
	}
	return false
}

// contentOf is d's content, or nil for kinds that keep none.
func contentOf(d *txnDoc) *content {
	switch {
	case d.kind == kindJournalEntry:
		c := &content{}
		for _, l := range d.je {
			c.JE = append(c.JE, contentJE{Category: l.category, Amount: l.amount})
		}
		return c
	case d.src != nil && (d.kind == kindSalesReceipt || d.kind == kindCreditMemo):
		c := &content{Payments: map[string]money.Cents{}, Orders: d.orders}
		for _, l := range d.src.lines {
			c.Lines = append(c.Lines, contentLine{Item: l.item, Desc: l.desc, Qty: l.qty, Amount: l.amount,
				Category: l.category, TaxItem: l.taxItem})
		}
		for g, a := range d.src.payments {
			if a != 0 {
				c.Payments[g] = a
			}
		}
		return c
	}
	return nil
}

func (c *content) encode() string {
	if c == nil {
		return ""
	}
	b, err := json.Marshal(c)
	if err != nil {
		panic("planner: encode content: " + err.Error()) // plain data: cannot fail
	}
	return string(b)
}

func decodeContent(s string) (*content, error) {
	c := &content{}
	if err := json.Unmarshal([]byte(s), c); err != nil {
		return nil, err
	}
	return c, nil
}

// lineKey is what lines are compared by: the same item on the same account
// (and tax item) is the same line, whatever its description.
type lineKey struct {
	item, taxItem string
	category      shopqb.Category
}

// minus is c − o: per line (by item, account and tax item), per gateway and
// per journal account. Descriptions come from c, the newer content.
func (c *content) minus(o *content) *content {
	out := &content{Payments: map[string]money.Cents{}}
	idx := map[lineKey]int{}
	add := func(l contentLine, sign int) {
		k := lineKey{l.Item, l.TaxItem, l.Category}
		i, ok := idx[k]
		if !ok {
			i = len(out.Lines)
			idx[k] = i
			out.Lines = append(out.Lines, contentLine{Item: l.Item, Desc: l.Desc, Category: l.Category, TaxItem: l.TaxItem})
		}
		out.Lines[i].Amount += money.Cents(sign) * l.Amount
		out.Lines[i].Qty += sign * l.Qty
	}
	for _, l := range c.Lines {
		add(l, 1)
	}
	for _, l := range o.Lines {
		add(l, -1)
	}
	kept := out.Lines[:0]
	for _, l := range out.Lines {
		if l.Amount != 0 || l.Qty != 0 {
			kept = append(kept, l)
		}
	}
	out.Lines = kept
	for g, a := range c.Payments {
		out.Payments[g] += a
	}
	for g, a := range o.Payments {
		out.Payments[g] -= a
	}
	for g, a := range out.Payments {
		if a == 0 {
			delete(out.Payments, g)
		}
	}
	je := map[shopqb.Category]money.Cents{}
	for _, l := range c.JE {
		je[l.Category] += l.Amount
	}
	for _, l := range o.JE {
		je[l.Category] -= l.Amount
	}
	cats := make([]string, 0, len(je))
	for k, a := range je {
		if a != 0 {
			cats = append(cats, string(k))
		}
	}
	sort.Strings(cats)
	for _, k := range cats {
		out.JE = append(out.JE, contentJE{Category: shopqb.Category(k), Amount: je[shopqb.Category(k)]})
	}
	seen := map[string]bool{}
	for _, n := range o.Orders {
		seen[n] = true
	}
	for _, n := range c.Orders {
		if !seen[n] {
			out.Orders = append(out.Orders, n)
		}
	}
	return out
}

// plus adds o into c.
func (c *content) plus(o *content) *content {
	neg := &content{Payments: map[string]money.Cents{}, Orders: o.Orders}
	for _, l := range o.Lines {
		l.Amount, l.Qty = -l.Amount, -l.Qty
		neg.Lines = append(neg.Lines, l)
	}
	for g, a := range o.Payments {
		neg.Payments[g] = -a
	}
	for _, l := range o.JE {
		neg.JE = append(neg.JE, contentJE{Category: l.Category, Amount: -l.Amount})
	}
	sum := c.minus(neg)
	sum.Orders = append([]string(nil), c.Orders...)
	seen := map[string]bool{}
	for _, n := range c.Orders {
		seen[n] = true
	}
	for _, n := range o.Orders {
		if !seen[n] {
			sum.Orders = append(sum.Orders, n)
		}
	}
	return sum
}

// empty says whether the content books nothing.
func (c *content) empty() bool { return len(c.Lines) == 0 && len(c.Payments) == 0 && len(c.JE) == 0 }

// parts turns sales-form content back into parts.
func (c *content) parts() *parts {
	ps := newParts()
	for _, l := range c.Lines {
		ps.lines = append(ps.lines, docLine{item: l.Item, desc: l.Desc, qty: l.Qty, amount: l.Amount, category: l.Category, taxItem: l.TaxItem})
	}
	for g, a := range c.Payments {
		ps.payments[g] = a
	}
	return ps
}

// Booked is what a posting's recorded content books: debit positive by
// category, and the Shopify orders it covers. Reports use it to show what an
// adjustment moved.
type Booked struct {
	ByCategory map[shopqb.Category]money.Cents
	Orders     []string
}

// BookedBy reads a posting's content (shopqb.Posting.Content) of the given
// kind. A sales receipt credits its lines and debits the money taken to
// each gateway's account; a credit memo the other way round; a journal
// entry books its lines.
func BookedBy(kind, raw string) (Booked, error) {
	out := Booked{ByCategory: map[shopqb.Category]money.Cents{}}
	if raw == "" {
		return out, nil
	}
	c, err := decodeContent(raw)
	if err != nil {
		return out, fmt.Errorf("posting content: %w", err)
	}
	sign := money.Cents(1)
	switch kind {
	case kindSalesReceipt:
	case kindCreditMemo:
		sign = -1
	case kindJournalEntry:
		for _, l := range c.JE {
			out.ByCategory[l.Category] += l.Amount
		}
	default:
		return out, fmt.Errorf("posting content: a %s keeps none", kind)
	}
	for _, l := range c.Lines {
		out.ByCategory[l.Category] -= sign * l.Amount
	}
	for g, a := range c.Payments {
		out.ByCategory[shopqb.GatewayCategory(g)] += sign * a
	}
	for k, a := range out.ByCategory {
		if a == 0 {
			delete(out.ByCategory, k)
		}
	}
	out.Orders = c.Orders
	return out, nil
}
