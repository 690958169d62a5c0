package qbdsim

import (
	"strings"
	"time"
)

// txnDel deletes a transaction and undoes its effects (ledger, inventory,
// applications), refusing closed periods (3171).
func (c *Company) txnDel(rq *node) (*node, error) {
	typ, id := rq.text("TxnDelType"), rq.text("TxnID")
	t := c.st.txByID[id]
	if t == nil || t.Type != typ {
		return nil, stErr(stNotFound, "Object \"%s\" specified in the request cannot be found.", id)
	}
	if err := c.checkClosingDate(typ, t.TxnDate); err != nil {
		return nil, err
	}
	for _, m := range t.Moves {
		if it := c.st.byID[m.Item]; it != nil {
			it.Qty -= m.Qty
			it.Value -= m.Value
		}
	}
	for _, a := range t.Applied {
		other := c.st.txByID[a.TxnID]
		if other == nil {
			continue
		}
		if a.UF {
			for i := range other.UF {
				if other.UF[i].LineID == a.UFLine {
					other.UF[i].DepositedBy = ""
				}
			}
			continue
		}
		if other.Type == "Invoice" || other.Type == "CreditMemo" {
			other.Open += a.Amount
		}
	}
	c.unreceive(t)
	out := c.st.Txns[:0]
	for _, x := range c.st.Txns {
		if x != t {
			out = append(out, x)
		}
	}
	c.st.Txns = out
	c.st.post(t, -1)
	delete(c.st.txByID, id)
	now := c.stamp()
	c.st.Deleted = append(c.st.Deleted, deletedTxn{TxnID: id, Type: typ, RefNumber: t.RefNumber, Created: t.Created, Deleted: now})
	return elKids("TxnDelRs", el("TxnDelType", typ), el("TxnID", id), el("TimeDeleted", formatTime(now)), refNumberNode(t)), nil
}

func refNumberNode(t *txnRecord) *node {
	if t.RefNumber == "" {
		return nil
	}
	return el("RefNumber", t.RefNumber)
}

// txnDeletedQuery lists deleted transactions of the given types, optionally
// within a deletion time range.
func (c *Company) txnDeletedQuery(rq *node) ([]*node, error) {
	types := map[string]bool{}
	for _, k := range rq.children("TxnDelType") {
		types[strings.TrimSpace(k.Text)] = true
	}
	loc := c.now().Location()
	var from, to time.Time
	if f := rq.child("DeletedDateRangeFilter"); f != nil {
		var err error
		if v := f.text("FromDeletedDate"); v != "" {
			if from, err = parseDateTimeField("FromDeletedDate", v, loc); err != nil {
				return nil, err
			}
		}
		if v := f.text("ToDeletedDate"); v != "" {
			if to, err = parseDateTimeField("ToDeletedDate", v, loc); err != nil {
				return nil, err
			}
		}
	}
	var out []*node
	for _, d := range c.st.Deleted {
		if !types[d.Type] || !from.IsZero() && d.Deleted.Before(from) || !to.IsZero() && d.Deleted.After(to) {
			continue
		}
		n := elKids("TxnDeletedRet", el("TxnDelType", d.Type), el("TxnID", d.TxnID), el("TimeCreated", formatTime(d.Created)), el("TimeDeleted", formatTime(d.Deleted)))
		if d.RefNumber != "" {
			n.add(el("RefNumber", d.RefNumber))
		}
		out = append(out, n)
	}
	return out, nil
}
