package qbdsim

import (
	"strings"
	"time"
)

// DeleteAccount deletes an account by its full name, as someone does in
// QuickBooks' Chart of Accounts (Edit › Delete Account). QuickBooks refuses
// to delete an account that has sub-accounts, that any transaction or item
// uses, or that it maintains itself (Undeposited Funds, A/R, …); the error
// says which. Postings that name the account afterwards get QuickBooks'
// 3140 "invalid reference" answer, as they would in a real company file.
func (c *Company) DeleteAccount(fullName string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.findByFullName([]string{"Account"}, fullName)
	if r == nil {
		return stErr(stNotFound, "Object \"%s\" specified in the request cannot be found.", fullName)
	}
	_, err := c.deleteAccount(r)
	return err
}

// listDel answers ListDelRq. The simulator deletes accounts only; other
// list types are refused with 1030 rather than deleted halfway (their
// in-use rules — items on sales forms, names on A/R — are not modelled).
func (c *Company) listDel(rq *node) (*node, error) {
	typ, id := rq.text("ListDelType"), rq.text("ListID")
	if typ != "Account" {
		return nil, stErr(stUnsupportedMsg, "ListDel of type \"%s\" is not supported by this simulated QuickBooks company; it deletes accounts only.", typ)
	}
	r := c.st.byID[id]
	if r == nil || r.Kind != "Account" {
		return nil, stErr(stNotFound, "Object \"%s\" specified in the request cannot be found.", id)
	}
	at, err := c.deleteAccount(r)
	if err != nil {
		return nil, err
	}
	return elKids("ListDelRs", el("ListDelType", typ), el("ListID", id), el("TimeDeleted", formatTime(at)), el("FullName", r.FullName)), nil
}

// deleteAccount removes r after QuickBooks' checks and returns when. The
// refusal wording follows QuickBooks' dialog; its status code (3176, "list
// element in use") is the documented code closest to it (qbd.md §5.1).
func (c *Company) deleteAccount(r *listRecord) (time.Time, error) {
	for role, id := range c.st.Special {
		if id == r.ListID {
			return time.Time{}, stErr(stInUse, "The account \"%s\" cannot be deleted: QuickBooks uses it itself (%s).", r.FullName, role)
		}
	}
	for _, o := range c.st.Lists {
		if o.Kind == "Account" && o.ParentID == r.ListID {
			return time.Time{}, stErr(stInUse, "The account \"%s\" cannot be deleted: it has sub-accounts (\"%s\"). Delete or move them first.", r.FullName, o.FullName)
		}
		if o.Kind != "Account" && o.usesAccount(r.ListID) {
			return time.Time{}, stErr(stInUse, "The account \"%s\" cannot be deleted: the %s \"%s\" uses it. You can make the account inactive instead.", r.FullName, o.Kind, o.FullName)
		}
	}
	for _, t := range c.st.Txns {
		if t.usesAccount(r.ListID) {
			return time.Time{}, stErr(stInUse, "The account \"%s\" cannot be deleted: it has been used in transactions (%s %s). You can make the account inactive instead.", r.FullName, t.Type, t.TxnID)
		}
	}
	kept := c.st.Lists[:0]
	for _, o := range c.st.Lists {
		if o != r {
			kept = append(kept, o)
		}
	}
	c.st.Lists = kept
	delete(c.st.byID, r.ListID)
	delete(c.st.acctSum, r.ListID)
	return c.stamp(), nil
}

// usesAccount reports whether a list element (an item, a payment method
// with a deposit account) names the account.
func (r *listRecord) usesAccount(id string) bool {
	for _, a := range []string{r.IncomeAcct, r.ExpenseAcct, r.COGSAcct, r.AssetAcct, r.DepositTo} {
		if a == id {
			return true
		}
	}
	return r.Body != nil && r.Body.refersTo(id)
}

// usesAccount reports whether a transaction has a ledger line on the
// account or names it anywhere (a zero line still counts for QuickBooks).
func (t *txnRecord) usesAccount(id string) bool {
	for _, s := range t.Splits {
		if s.Account == id {
			return true
		}
	}
	for _, u := range t.UF {
		if u.Account == id {
			return true
		}
	}
	return t.Body != nil && t.Body.refersTo(id)
}

// refersTo reports whether any …Ref under n carries the ListID.
func (n *node) refersTo(id string) bool {
	for _, k := range n.Kids {
		if strings.HasSuffix(k.Name, "Ref") && k.text("ListID") == id {
			return true
		}
		if len(k.Kids) > 0 && k.refersTo(id) {
			return true
		}
	}
	return false
}
