package qbdsim

import (
	"sort"
	"time"

	"github.com/shopqb/shopqb/internal/money"
)

// txnRecord is one transaction. Body holds its Ret fields after the
// transaction core; Splits are its general-ledger lines (debit positive),
// which always sum to zero.
type txnRecord struct {
	Type         string      `json:"type"`
	TxnID        string      `json:"txnID"`
	TxnNumber    int64       `json:"txnNumber"`
	EditSequence string      `json:"editSequence"`
	Created      time.Time   `json:"created"`
	Modified     time.Time   `json:"modified"`
	TxnDate      string      `json:"txnDate"`
	RefNumber    string      `json:"refNumber,omitempty"`
	ExternalGUID string      `json:"externalGUID,omitempty"`
	EntityID     string      `json:"entityID,omitempty"`
	Body         *node       `json:"body"`
	Splits       []split     `json:"splits,omitempty"`
	Moves        []invMove   `json:"moves,omitempty"`
	Total        money.Cents `json:"total"`
	Open         money.Cents `json:"open"`
	UF           []ufPart    `json:"uf,omitempty"`
	Applied      []applied   `json:"applied,omitempty"`
	// Received are the purchase-order lines a receipt or bill received
	// through LinkToTxn, so deleting it can give the quantities back.
	Received []receivedLine `json:"received,omitempty"`
}

// receivedLine is a quantity (dec5) received on a purchase-order line.
type receivedLine struct {
	PO     string `json:"po"`
	LineID string `json:"lineID"`
	Qty    int64  `json:"qty"`
}

// split is one ledger line: Amount > 0 debits the account, < 0 credits it.
// Item attributes sales-tax liability to a tax item; Entity is the customer
// or vendor on A/R and A/P lines.
type split struct {
	Account string      `json:"account"`
	Amount  money.Cents `json:"amount"`
	Item    string      `json:"item,omitempty"`
	Entity  string      `json:"entity,omitempty"`
}

// invMove is a change to an inventory item's quantity (dec5) and value.
type invMove struct {
	Item  string      `json:"item"`
	Qty   int64       `json:"qty"`
	Value money.Cents `json:"value"`
}

// ufPart is money a transaction left in Undeposited Funds; a deposit line
// picks it up by PaymentTxnID (and PaymentTxnLineID for payment-item lines).
type ufPart struct {
	LineID      string      `json:"lineID,omitempty"`
	Account     string      `json:"account"`
	Amount      money.Cents `json:"amount"`
	DepositedBy string      `json:"depositedBy,omitempty"`
}

// applied records what this transaction used up on another one (an invoice
// paid, a credit refunded, a payment deposited), so TxnDel can give it back.
type applied struct {
	TxnID  string      `json:"txnID"`
	Amount money.Cents `json:"amount,omitempty"`
	UFLine string      `json:"ufLine,omitempty"`
	UF     bool        `json:"uf,omitempty"`
}

// accountBalance is the account's balance as QuickBooks shows it: debit
// positive for asset and expense accounts, credit positive for the others.
func (c *Company) accountBalance(id string) money.Cents {
	b := c.st.acctSum[id]
	if a := c.st.byID[id]; a != nil && creditNormal(a.AccountType) {
		return -b
	}
	return b
}

// creditNormal account types show their balance as a positive credit.
func creditNormal(typ string) bool {
	switch typ {
	case "AccountsPayable", "CreditCard", "Equity", "Income", "LongTermLiability", "OtherCurrentLiability", "OtherIncome":
		return true
	}
	return false
}

// entityBalance is what a customer owes (A/R) or what is owed to a vendor (A/P).
func (c *Company) entityBalance(r *listRecord) money.Cents {
	if r.Kind == "Vendor" {
		return -c.st.apSum[r.ListID]
	}
	return c.st.arSum[r.ListID]
}

// post adds (sign 1) or removes (sign -1) a transaction's splits from the
// running balances, so queries never rescan the whole ledger.
func (s *state) post(t *txnRecord, sign money.Cents) {
	for _, sp := range t.Splits {
		s.acctSum[sp.Account] += sign * sp.Amount
		if sp.Entity == "" {
			continue
		}
		switch a := s.byID[sp.Account]; {
		case a == nil:
		case a.AccountType == "AccountsReceivable":
			s.arSum[sp.Entity] += sign * sp.Amount
		case a.AccountType == "AccountsPayable":
			s.apSum[sp.Entity] += sign * sp.Amount
		}
	}
}

// rebuildBalances recomputes the running balances from the ledger (after a
// load, or when an account's type changes).
func (s *state) rebuildBalances() {
	s.acctSum = map[string]money.Cents{}
	s.arSum = map[string]money.Cents{}
	s.apSum = map[string]money.Cents{}
	for _, t := range s.Txns {
		s.post(t, 1)
	}
}

// avgCost is the item's average unit cost in currency units (dec5).
func (r *listRecord) avgCost() int64 {
	if r.Qty > 0 {
		return mulDivRound(int64(r.Value), dec5Scale*1000, r.Qty)
	}
	if r.UnitCost != 0 {
		return r.UnitCost
	}
	return int64(r.Cost) * 1000
}

// costOf is the cost of q units at average cost; selling everything on hand
// takes exactly the remaining value, so no rounding cents are left behind.
func (r *listRecord) costOf(q int64) money.Cents {
	if r.Qty > 0 && q <= r.Qty {
		return money.Cents(mulDivRound(int64(r.Value), q, r.Qty))
	}
	return qtyTimesRate(q, r.avgCost())
}

// move applies an inventory change and remembers the average cost.
// Moves apply at once (a second line of the same item must see the first),
// and are journalled so a request that fails later changes nothing.
func (c *Company) move(t *txnRecord, item *listRecord, qty int64, value money.Cents) {
	c.undo = append(c.undo, undoMove{item: item, qty: qty, value: value, unitCost: item.UnitCost})
	item.Qty += qty
	item.Value += value
	if item.Qty > 0 {
		item.UnitCost = item.avgCost()
	}
	t.Moves = append(t.Moves, invMove{Item: item.ListID, Qty: qty, Value: value})
}

// undoMove is one journalled inventory change of the request in progress.
type undoMove struct {
	item     *listRecord
	qty      int64
	value    money.Cents
	unitCost int64
}

// rollback reverts the inventory changes of a request that failed.
func (c *Company) rollback() {
	for i := len(c.undo) - 1; i >= 0; i-- {
		u := c.undo[i]
		u.item.Qty -= u.qty
		u.item.Value -= u.value
		u.item.UnitCost = u.unitCost
	}
	c.undo = nil
}

// TrialBalance lists every account with a balance, debit or credit, in
// chart order. The debits always equal the credits.
func (c *Company) TrialBalance() []TBLine {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.trialBalance()
}

func (c *Company) trialBalance() []TBLine {
	sums := c.st.acctSum
	var out []TBLine
	for _, r := range c.st.Lists {
		if r.Kind != "Account" || sums[r.ListID] == 0 {
			continue
		}
		l := TBLine{Account: r.FullName, AccountType: r.AccountType}
		if v := sums[r.ListID]; v > 0 {
			l.Debit = v
		} else {
			l.Credit = -v
		}
		out = append(out, l)
	}
	return out
}

// TrialBalanceFor is the trial balance of the transactions dated from
// through to (YYYY-MM-DD, both included), QuickBooks' trial balance report
// for a date range: every account the period moved, debit or credit. An
// empty bound is open.
func (c *Company) TrialBalanceFor(from, to string) []TBLine {
	c.mu.Lock()
	defer c.mu.Unlock()
	sums := map[string]money.Cents{}
	for _, t := range c.st.Txns {
		if (from != "" && t.TxnDate < from) || (to != "" && t.TxnDate > to) {
			continue
		}
		for _, sp := range t.Splits {
			sums[sp.Account] += sp.Amount
		}
	}
	var out []TBLine
	for _, r := range c.st.Lists {
		if r.Kind != "Account" || sums[r.ListID] == 0 {
			continue
		}
		l := TBLine{Account: r.FullName, AccountType: r.AccountType}
		if v := sums[r.ListID]; v > 0 {
			l.Debit = v
		} else {
			l.Credit = -v
		}
		out = append(out, l)
	}
	return out
}

// Report is the company's state in figures, ready for JSON.
type Report struct {
	Company         string          `json:"company"`
	Edition         Edition         `json:"edition"`
	TrialBalance    []TBLine        `json:"trialBalance"`
	TotalDebits     money.Cents     `json:"totalDebits"`
	TotalCredits    money.Cents     `json:"totalCredits"`
	SalesTax        []TaxLiability  `json:"salesTaxLiability"`
	Lists           map[string]int  `json:"listCounts"`
	Transactions    map[string]int  `json:"transactionCounts"`
	Inventory       []InventoryLine `json:"inventory"`
	MessageSetsHeld int             `json:"messageSetsHeld"`
}

// TaxLiability is the sales tax collected (net of adjustments) per tax item.
type TaxLiability struct {
	Item      string      `json:"item"`
	Rate      string      `json:"rate"`
	TaxAgency string      `json:"taxAgency"`
	Amount    money.Cents `json:"amount"`
}

// InventoryLine is one inventory item's quantity on hand and value.
type InventoryLine struct {
	Item        string      `json:"item"`
	Quantity    string      `json:"quantity"`
	Value       money.Cents `json:"value"`
	AverageCost string      `json:"averageCost"`
}

// Report summarises the company: trial balance, sales-tax liability per tax
// item, list counts and inventory.
func (c *Company) Report() Report {
	c.mu.Lock()
	defer c.mu.Unlock()
	rep := Report{Company: c.st.Options.Name, Edition: c.st.Options.Edition, TrialBalance: c.trialBalance(),
		Lists: map[string]int{}, Transactions: map[string]int{}, MessageSetsHeld: len(c.st.MsgSets)}
	for _, l := range rep.TrialBalance {
		rep.TotalDebits += l.Debit
		rep.TotalCredits += l.Credit
	}
	stp := c.special("SalesTaxPayable")
	tax := map[string]money.Cents{}
	for _, t := range c.st.Txns {
		rep.Transactions[t.Type]++
		for _, s := range t.Splits {
			if s.Account == stp && s.Item != "" {
				tax[s.Item] -= s.Amount
			}
		}
	}
	for _, r := range c.st.Lists {
		rep.Lists[r.Kind]++
		switch r.Kind {
		case "ItemSalesTax":
			agency := ""
			if v := c.st.byID[r.TaxVendor]; v != nil {
				agency = v.FullName
			}
			rep.SalesTax = append(rep.SalesTax, TaxLiability{Item: r.FullName, Rate: formatDec5(r.Percent), TaxAgency: agency, Amount: tax[r.ListID]})
		case "ItemInventory":
			rep.Inventory = append(rep.Inventory, InventoryLine{Item: r.FullName, Quantity: formatDec5(r.Qty), Value: r.Value, AverageCost: formatDec5(r.avgCost())})
		}
	}
	sort.Slice(rep.Inventory, func(i, j int) bool { return rep.Inventory[i].Item < rep.Inventory[j].Item })
	return rep
}
