package qbdsim

// checkOpening validates the opening-balance fields of a list Add before
// anything is stored, so a bad amount or a closed-period date refuses the
// whole Add.
func (c *Company) checkOpening(kind string, add *node) error {
	if _, _, err := optAmount(add, "OpenBalance"); err != nil {
		return err
	}
	if _, _, err := optAmount(add, "TotalValue"); err != nil {
		return err
	}
	if _, _, err := optDec5(add, "QuantityOnHand"); err != nil {
		return err
	}
	for _, f := range []string{"OpenBalanceDate", "InventoryDate"} {
		if d := add.text(f); d != "" {
			if _, err := parseDateField(f, d); err != nil {
				return err
			}
		}
	}
	date := add.text("OpenBalanceDate")
	if kind == "ItemInventory" {
		date = add.text("InventoryDate")
	}
	if date == "" {
		date = c.today()
	}
	if add.has("OpenBalance") || add.has("QuantityOnHand") {
		return c.checkClosingDate(kind, date)
	}
	return nil
}

// openingBalance posts what an Add brings with it: an account's OpenBalance
// (against Opening Balance Equity) and an inventory item's starting
// quantity and value, as QuickBooks does with an inventory adjustment.
func (c *Company) openingBalance(r *listRecord, add *node) error {
	switch r.Kind {
	case "Account":
		amt, ok, err := optAmount(add, "OpenBalance")
		if err != nil || !ok || amt == 0 {
			return err
		}
		if creditNormal(r.AccountType) {
			amt = -amt
		}
		date := add.text("OpenBalanceDate")
		if date == "" {
			date = c.today()
		}
		t := &txnRecord{Type: "JournalEntry", TxnDate: date, Total: amt.Abs(),
			Splits: []split{{Account: r.ListID, Amount: amt}, {Account: c.special("OBE"), Amount: -amt}},
		}
		c.commit(t, elKids("Body", el("TxnDate", date), el("IsAdjustment", "false")))
	case "Customer", "Vendor":
		// QuickBooks records a name's opening balance as an invoice (or a
		// bill) against Uncategorized Income (or Expenses).
		amt, ok, err := optAmount(add, "OpenBalance")
		if err != nil || !ok || amt == 0 {
			return err
		}
		date := add.text("OpenBalanceDate")
		if date == "" {
			date = c.today()
		}
		t := &txnRecord{Type: "Invoice", TxnDate: date, EntityID: r.ListID, Total: amt, Open: amt}
		t.Splits = []split{{Account: c.special("AR"), Amount: amt, Entity: r.ListID}, {Account: c.special("UncategorizedIncome"), Amount: -amt}}
		body := elKids("Body", refNode("CustomerRef", r), refNode("ARAccountRef", c.st.byID[c.special("AR")]), el("TxnDate", date), el("Subtotal", amt.String()))
		if r.Kind == "Vendor" {
			t.Type = "Bill"
			t.Splits = []split{{Account: c.special("AP"), Amount: -amt, Entity: r.ListID}, {Account: c.special("UncategorizedExpenses"), Amount: amt}}
			body = elKids("Body", refNode("VendorRef", r), refNode("APAccountRef", c.st.byID[c.special("AP")]), el("TxnDate", date), el("AmountDue", amt.String()))
		}
		c.commit(t, body)
	case "ItemInventory":
		qty, ok, err := optDec5(add, "QuantityOnHand")
		if err != nil || !ok || qty == 0 {
			return err
		}
		value, hasValue, err := optAmount(add, "TotalValue")
		if err != nil {
			return err
		}
		if !hasValue {
			value = qtyTimesRate(qty, int64(r.Cost)*1000)
		}
		date := add.text("InventoryDate")
		if date == "" {
			date = c.today()
		}
		t := &txnRecord{Type: "InventoryAdjustment", TxnDate: date}
		c.move(t, r, qty, value)
		t.Splits = []split{{Account: r.AssetAcct, Amount: value}, {Account: c.special("OBE"), Amount: -value}}
		line := elKids("InventoryAdjustmentLineAdd", refNode("ItemRef", r), el("QuantityDifference", formatDec5(qty)), el("ValueDifference", value.String()))
		c.lineRet(line, "InventoryAdjustmentLineRet")
		c.commit(t, elKids("Body", refNode("AccountRef", c.st.byID[c.special("OBE")]), el("TxnDate", date), line))
	}
	return nil
}
