package qbdsim

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// iterator is a query being read page by page (iterator="Start"/"Continue").
// Like QuickBooks it snapshots the matching IDs when it starts.
type iterator struct {
	IDs   []string
	Lines bool
	Txn   bool
}

// maxOpenIterators bounds the iterators kept between requests.
const maxOpenIterators = 100

// listQueryKinds maps a query to the list kinds it returns.
var listQueryKinds = map[string][]string{
	"Account": {"Account"}, "Customer": {"Customer"}, "Vendor": {"Vendor"}, "Employee": {"Employee"},
	"OtherName": {"OtherName"}, "PaymentMethod": {"PaymentMethod"}, "Class": {"Class"}, "SalesTaxCode": {"SalesTaxCode"},
	"Item": refKinds["ItemRef"], "ItemInventory": {"ItemInventory"}, "ItemNonInventory": {"ItemNonInventory"},
	"ItemService": {"ItemService"}, "ItemOtherCharge": {"ItemOtherCharge"}, "ItemDiscount": {"ItemDiscount"},
	"ItemSalesTax": {"ItemSalesTax"}, "ItemPayment": {"ItemPayment"}, "ItemSubtotal": {"ItemSubtotal"},
	"Entity": {"Customer", "Vendor", "Employee", "OtherName"},
}

var txnQueryKinds = map[string]bool{
	"SalesReceipt": true, "Invoice": true, "ReceivePayment": true, "CreditMemo": true, "ARRefundCreditCard": true,
	"JournalEntry": true, "Deposit": true, "PurchaseOrder": true, "ItemReceipt": true, "Bill": true, "InventoryAdjustment": true,
}

// query answers list, transaction and Transaction (all types) queries.
func (c *Company) query(kind string, rq *node) ([]*node, []attr, error) {
	mode, _ := rq.attr("iterator")
	if mode == "Continue" || mode == "Stop" {
		id, _ := rq.attr("iteratorID")
		it := c.iters[id]
		if it == nil {
			return nil, nil, stErr(stInvalidValue, "There is an invalid value \"%s\" in the field \"iteratorID\": the iterator does not exist or has finished.", id)
		}
		if mode == "Stop" {
			delete(c.iters, id)
			return nil, []attr{{"iteratorRemainingCount", "0"}, {"iteratorID", id}}, nil
		}
		return c.page(id, it, maxReturned(rq))
	}
	var ids []string
	var lines, isTxn bool
	var err error
	switch {
	case listQueryKinds[kind] != nil:
		ids, err = c.matchLists(listQueryKinds[kind], rq)
	case txnQueryKinds[kind] || kind == "Transaction":
		isTxn = true
		lines = rq.text("IncludeLineItems") == "true"
		ids, err = c.matchTxns(kind, rq)
	default:
		return nil, nil, stErr(stUnsupportedMsg, "The request \"%sQueryRq\" is not supported by this QuickBooks company.", kind)
	}
	var partial *partialError
	if errors.As(err, &partial) {
		// Some of the IDs or names asked for exist: answer those with 500.
		return c.rets(&iterator{Lines: lines, Txn: isTxn}, ids, kind == "Transaction"), nil, err
	}
	if err != nil {
		return nil, nil, err
	}
	it := &iterator{IDs: ids, Lines: lines, Txn: isTxn}
	if kind == "Transaction" {
		it.Lines = false
	}
	if mode == "Start" {
		// Abandoned iterators would pile up; QuickBooks drops them when the
		// session ends, the simulator when too many are open.
		if len(c.iters) >= maxOpenIterators {
			for k := range c.iters {
				delete(c.iters, k)
				break
			}
		}
		id := newGUID()
		c.iters[id] = it
		return c.page(id, it, maxReturned(rq))
	}
	if m := maxReturned(rq); m > 0 && len(it.IDs) > m {
		it.IDs = it.IDs[:m]
	}
	return c.rets(it, it.IDs, kind == "Transaction"), nil, nil
}

func maxReturned(rq *node) int {
	n, err := strconv.Atoi(rq.text("MaxReturned"))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// page returns the next MaxReturned results of an iterator.
func (c *Company) page(id string, it *iterator, max int) ([]*node, []attr, error) {
	if max <= 0 || max > len(it.IDs) {
		max = len(it.IDs)
	}
	take := it.IDs[:max]
	it.IDs = it.IDs[max:]
	if len(it.IDs) == 0 {
		delete(c.iters, id)
	}
	return c.rets(it, take, false), []attr{{"iteratorRemainingCount", strconv.Itoa(len(it.IDs))}, {"iteratorID", id}}, nil
}

func (c *Company) rets(it *iterator, ids []string, summary bool) []*node {
	var out []*node
	for _, id := range ids {
		if it.Txn {
			t := c.st.txByID[id]
			if t == nil {
				continue // deleted since the iterator started
			}
			if summary {
				out = append(out, c.transactionRet(t))
			} else {
				out = append(out, c.txnRet(t, it.Lines))
			}
			continue
		}
		if r := c.st.byID[id]; r != nil {
			out = append(out, c.listRet(r))
		}
	}
	return out
}

// transactionRet is TransactionQuery's summary of any transaction.
func (c *Company) transactionRet(t *txnRecord) *node {
	n := elKids("TransactionRet", el("TxnType", t.Type), el("TxnID", t.TxnID), el("TimeCreated", formatTime(t.Created)),
		el("TimeModified", formatTime(t.Modified)))
	if e := c.st.byID[t.EntityID]; e != nil {
		n.add(refNode("EntityRef", e))
	}
	n.add(el("TxnDate", t.TxnDate), refNumberNode(t), el("Amount", t.Total.String()))
	return n
}

// matchLists applies list filters: ListID/FullName, or ActiveStatus,
// modified dates, NameFilter, NameRangeFilter and AccountType.
func (c *Company) matchLists(kinds []string, rq *node) ([]string, error) {
	want := map[string]bool{}
	for _, k := range kinds {
		want[k] = true
	}
	if ids, names := rq.children("ListID"), rq.children("FullName"); len(ids) > 0 || len(names) > 0 {
		var out, missing []string
		for _, n := range ids {
			if r := c.st.byID[strings.TrimSpace(n.Text)]; r != nil && want[r.Kind] {
				out = append(out, r.ListID)
			} else {
				missing = append(missing, strings.TrimSpace(n.Text))
			}
		}
		for _, n := range names {
			if r := c.findByFullName(kinds, strings.TrimSpace(n.Text)); r != nil {
				out = append(out, r.ListID)
			} else {
				missing = append(missing, strings.TrimSpace(n.Text))
			}
		}
		return out, partialIf(out, missing)
	}
	active := rq.text("ActiveStatus")
	if active == "" {
		active = "ActiveOnly"
	}
	loc := c.now().Location()
	var from, to time.Time
	var err error
	if v := rq.text("FromModifiedDate"); v != "" {
		if from, err = parseDateTimeField("FromModifiedDate", v, loc); err != nil {
			return nil, err
		}
	}
	if v := rq.text("ToModifiedDate"); v != "" {
		if to, err = parseDateTimeField("ToModifiedDate", v, loc); err != nil {
			return nil, err
		}
	}
	nf := rq.child("NameFilter")
	nr := rq.child("NameRangeFilter")
	acctTypes := map[string]bool{}
	for _, a := range rq.children("AccountType") {
		acctTypes[a.Text] = true
	}
	var out []string
	for _, r := range c.st.Lists {
		if !want[r.Kind] {
			continue
		}
		if (active == "ActiveOnly" && !r.IsActive) || (active == "InactiveOnly" && r.IsActive) {
			continue
		}
		if !from.IsZero() && r.Modified.Before(from) || !to.IsZero() && r.Modified.After(to) {
			continue
		}
		if nf != nil && !nameMatches(r.FullName, nf.text("MatchCriterion"), nf.text("Name")) {
			continue
		}
		if nr != nil {
			l := strings.ToLower(r.FullName)
			if f := strings.ToLower(nr.text("FromName")); f != "" && l < f {
				continue
			}
			if t := strings.ToLower(nr.text("ToName")); t != "" && l > t {
				continue
			}
		}
		if len(acctTypes) > 0 && !acctTypes[r.AccountType] {
			continue
		}
		out = append(out, r.ListID)
	}
	return out, nil
}

func nameMatches(name, criterion, pattern string) bool {
	n, p := strings.ToLower(name), strings.ToLower(pattern)
	switch criterion {
	case "StartsWith":
		return strings.HasPrefix(n, p)
	case "EndsWith":
		return strings.HasSuffix(n, p)
	}
	return strings.Contains(n, p)
}

// matchTxns applies transaction filters: TxnID/RefNumber, or modified and
// transaction date ranges, EntityFilter, AccountFilter and RefNumberFilter.
func (c *Company) matchTxns(kind string, rq *node) ([]string, error) {
	ok := func(t *txnRecord) bool { return kind == "Transaction" || t.Type == kind }
	if ids, refs := rq.children("TxnID"), rq.children("RefNumber"); len(ids) > 0 || len(refs) > 0 {
		var out, missing []string
		for _, n := range ids {
			if t := c.st.txByID[strings.TrimSpace(n.Text)]; t != nil && ok(t) {
				out = append(out, t.TxnID)
			} else {
				missing = append(missing, strings.TrimSpace(n.Text))
			}
		}
		for _, n := range refs {
			found := false
			for _, t := range c.st.Txns {
				if ok(t) && t.RefNumber == strings.TrimSpace(n.Text) {
					out = append(out, t.TxnID)
					found = true
				}
			}
			if !found {
				missing = append(missing, strings.TrimSpace(n.Text))
			}
		}
		return out, partialIf(out, missing)
	}
	loc := c.now().Location()
	var from, to time.Time
	var err error
	// TransactionQuery names its filters with a "Transaction" prefix.
	prefixed := func(name string) *node {
		if n := rq.child(name); n != nil {
			return n
		}
		return rq.child("Transaction" + name)
	}
	if m := prefixed("ModifiedDateRangeFilter"); m != nil {
		if v := m.text("FromModifiedDate"); v != "" {
			if from, err = parseDateTimeField("FromModifiedDate", v, loc); err != nil {
				return nil, err
			}
		}
		if v := m.text("ToModifiedDate"); v != "" {
			if to, err = parseDateTimeField("ToModifiedDate", v, loc); err != nil {
				return nil, err
			}
		}
	}
	var fromDate, toDate string
	d := prefixed("TxnDateRangeFilter")
	if d == nil {
		d = rq.child("TransactionDateRangeFilter")
	}
	if d != nil {
		if fromDate = d.text("FromTxnDate"); fromDate != "" {
			if _, err := parseDateField("FromTxnDate", fromDate); err != nil {
				return nil, err
			}
		}
		if toDate = d.text("ToTxnDate"); toDate != "" {
			if _, err := parseDateField("ToTxnDate", toDate); err != nil {
				return nil, err
			}
		}
	}
	var entity *listRecord
	if ef := prefixed("EntityFilter"); ef != nil {
		if id := ef.text("ListID"); id != "" {
			entity = c.st.byID[id]
		} else {
			entity = c.findByFullName(listQueryKinds["Entity"], ef.text("FullName"))
		}
		if entity == nil {
			return nil, nil
		}
	}
	var account *listRecord
	if af := prefixed("AccountFilter"); af != nil {
		if id := af.text("ListID"); id != "" {
			account = c.st.byID[id]
		} else {
			account = c.findByFullName([]string{"Account"}, af.text("FullName"))
		}
		if account == nil {
			return nil, nil
		}
	}
	rf := rq.child("RefNumberFilter")
	var out []string
	for _, t := range c.st.Txns {
		if !ok(t) {
			continue
		}
		if !from.IsZero() && t.Modified.Before(from) || !to.IsZero() && t.Modified.After(to) {
			continue
		}
		if fromDate != "" && t.TxnDate < fromDate || toDate != "" && t.TxnDate > toDate {
			continue
		}
		if entity != nil && t.EntityID != entity.ListID {
			continue
		}
		if account != nil && !touches(t, account.ListID) {
			continue
		}
		if rf != nil && !refMatches(t.RefNumber, rf.text("MatchCriterion"), rf.text("RefNumber")) {
			continue
		}
		out = append(out, t.TxnID)
	}
	return out, nil
}

func touches(t *txnRecord, account string) bool {
	for _, s := range t.Splits {
		if s.Account == account {
			return true
		}
	}
	return false
}

func refMatches(ref, criterion, pattern string) bool {
	switch criterion {
	case "StartsWith":
		return strings.HasPrefix(ref, pattern)
	case "EndsWith":
		return strings.HasSuffix(ref, pattern)
	case "Contains":
		return strings.Contains(ref, pattern)
	}
	return ref == pattern
}

// partialError is status 500: a query by IDs or names found some of them.
type partialError struct{ missing []string }

func (e *partialError) Error() string {
	return fmt.Sprintf("The query request has not been fully completed. There was a required element (\"%s\") that could not be found in QuickBooks.", strings.Join(e.missing, "\", \""))
}

// partialIf reports a partial result; when nothing matched the answer is
// simply "no match" (status 1).
func partialIf(found, missing []string) error {
	if len(found) > 0 && len(missing) > 0 {
		return &partialError{missing: missing}
	}
	return nil
}

// newGUID makes a braced GUID for iterator IDs.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("{%X-%X-%X-%X-%X}", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
