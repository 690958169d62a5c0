package qbdsim

import (
	"strconv"
	"strings"
)

// listHeader fields are held on the record itself, not in Body.
var listHeader = map[string]bool{"ListID": true, "EditSequence": true, "Name": true, "IsActive": true, "ParentRef": true, "ExternalGUID": true}

// addOnly fields are accepted on Add but are not part of the Ret: they
// become transactions (opening balances) or computed figures.
var addOnly = map[string]bool{"OpenBalance": true, "OpenBalanceDate": true, "QuantityOnHand": true, "TotalValue": true, "InventoryDate": true, "BarCode": true}

// hasFullName lists the Ret types that carry FullName (hierarchical lists).
var hasFullName = map[string]bool{
	"Account": true, "Customer": true, "Class": true, "ItemInventory": true, "ItemNonInventory": true,
	"ItemService": true, "ItemOtherCharge": true, "ItemDiscount": true,
}

// listAdd handles every …Add request for a list element.
func (c *Company) listAdd(kind string, rq *node) (*node, error) {
	add := rq.child(kind + "Add")
	if add == nil {
		return nil, stErr(stMissingElement, "There is a missing element: \"%sAdd\".", kind)
	}
	add = add.clone()
	latin1Tree(add)
	if err := checkLengths(add, kind, true, ""); err != nil {
		return nil, err
	}
	name := add.text("Name")
	if kind == "Employee" {
		var parts []string
		for _, f := range []string{"FirstName", "MiddleName", "LastName"} {
			if v := add.text(f); v != "" {
				parts = append(parts, v)
			}
		}
		name = strings.Join(parts, " ")
	}
	if name == "" {
		return nil, stErr(stMissingElement, "There is a missing element: \"Name\".")
	}
	if strings.Contains(name, ":") {
		return nil, stErr(stInvalidValue, "There is an invalid character \":\" in the name \"%s\": a colon separates levels of a list.", name)
	}
	if err := c.checkCapacity(kind); err != nil {
		return nil, err
	}
	now := c.stamp()
	r := &listRecord{Kind: kind, Name: name, FullName: name, IsActive: true, Created: now, Modified: now}
	if err := c.applyListFields(r, add, false); err != nil {
		return nil, err
	}
	if err := c.checkNameFree(kind, r.FullName, nil); err != nil {
		return nil, err
	}
	if err := c.deriveList(r); err != nil {
		return nil, err
	}
	if err := c.checkOpening(kind, add); err != nil {
		return nil, err
	}
	r.ListID = c.newListID()
	r.EditSequence = c.newEditSequence()
	c.insertList(r)
	if err := c.openingBalance(r, add); err != nil {
		return nil, err
	}
	return c.listRet(r), nil
}

// listMod handles …Mod: the EditSequence must be the current one (3200),
// and only the fields sent change.
func (c *Company) listMod(kind string, rq *node) (*node, error) {
	mod := rq.child(kind + "Mod")
	if mod == nil {
		return nil, stErr(stMissingElement, "There is a missing element: \"%sMod\".", kind)
	}
	mod = mod.clone()
	latin1Tree(mod)
	if err := checkLengths(mod, kind, true, ""); err != nil {
		return nil, err
	}
	id := mod.text("ListID")
	r := c.st.byID[id]
	if r == nil || r.Kind != kind {
		return nil, stErr(stNotFound, "Object \"%s\" specified in the request cannot be found.", id)
	}
	if es := mod.text("EditSequence"); es != r.EditSequence {
		return nil, stErr(stEditSequence, "The provided edit sequence \"%s\" is out-of-date.", es)
	}
	if name := mod.text("Name"); strings.Contains(name, ":") {
		return nil, stErr(stInvalidValue, "There is an invalid character \":\" in the name \"%s\": a colon separates levels of a list.", name)
	}
	// Work on a copy so a refused Mod changes nothing.
	cp := *r
	cp.Body = r.Body.clone()
	if err := c.applyListFields(&cp, mod, true); err != nil {
		return nil, err
	}
	if err := c.checkNameFree(kind, cp.FullName, r); err != nil {
		return nil, err
	}
	if err := c.deriveList(&cp); err != nil {
		return nil, err
	}
	newName, newFull := cp.Name, cp.FullName
	cp.Name, cp.FullName = r.Name, r.FullName
	*r = cp
	c.rename(r, newName, newFull)
	c.renameChildren(r)
	r.Modified = c.stamp()
	r.EditSequence = c.newEditSequence()
	if kind == "Account" {
		// A/R and A/P balances by name depend on account types.
		c.st.rebuildBalances()
	}
	return c.listRet(r), nil
}

// renameChildren keeps sub-element full names ("Parent:Child") in step.
func (c *Company) renameChildren(parent *listRecord) {
	for _, r := range c.st.Lists {
		if r.ParentID == parent.ListID {
			r.Sublevel = parent.Sublevel + 1
			c.rename(r, r.Name, parent.FullName+":"+r.Name)
			c.renameChildren(r)
		}
	}
}

// applyListFields copies header fields and body fields from an Add or Mod.
func (c *Company) applyListFields(r *listRecord, in *node, isMod bool) error {
	if r.Body == nil {
		r.Body = &node{Name: "Body"}
	}
	if v := in.text("IsActive"); v != "" {
		b, err := parseBoolField("IsActive", v)
		if err != nil {
			return err
		}
		r.IsActive = b
	}
	if g := in.text("ExternalGUID"); in.has("ExternalGUID") {
		if err := checkGUID(g); err != nil {
			return err
		}
		r.ExternalGUID = g
	}
	name := r.Name
	if v := in.text("Name"); v != "" && r.Kind != "Employee" {
		name = v
	}
	if p := in.child("ParentRef"); p != nil {
		kinds := []string{r.Kind}
		if r.isItem() {
			kinds = refKinds["ItemRef"]
		}
		var parent *listRecord
		if id := p.text("ListID"); id != "" {
			parent = c.st.byID[id]
		} else {
			parent = c.findByFullName(kinds, p.text("FullName"))
		}
		if parent == nil || (parent.Kind != r.Kind && !(r.isItem() && parent.isItem())) {
			return stErr(stBadRef, "There is an invalid reference to QuickBooks %s \"%s%s\" in the %s.", r.Kind, p.text("ListID"), p.text("FullName"), r.Kind)
		}
		// A record cannot sit below itself: QuickBooks refuses the move.
		for a := parent; a != nil; a = c.st.byID[a.ParentID] {
			if r.ListID != "" && a.ListID == r.ListID {
				return stErr(stInvalidValue, "There is an invalid value in the field \"ParentRef\": %s cannot be placed under itself.", r.FullName)
			}
			if a.ParentID == "" {
				break
			}
		}
		r.ParentID = parent.ListID
		r.Sublevel = parent.Sublevel + 1
	}
	r.Name, r.FullName = name, name
	if r.ParentID != "" {
		if p := c.st.byID[r.ParentID]; p != nil {
			r.FullName = p.FullName + ":" + name
		}
	}
	for _, k := range in.Kids {
		if listHeader[k.Name] {
			continue
		}
		holder := &node{Kids: []*node{k.clone()}}
		if err := c.enrichRefs(holder, r.Kind); err != nil {
			return err
		}
		k = holder.Kids[0]
		if isMod {
			replaceChild(r.Body, k)
			continue
		}
		r.Body.Kids = append(r.Body.Kids, k)
	}
	return nil
}

// replaceChild puts k where the first same-named child was, so a Mod keeps
// the stored fields in schema order; a new field goes at the end.
func replaceChild(n, k *node) {
	at := -1
	out := n.Kids[:0]
	for _, c := range n.Kids {
		if c.Name == k.Name {
			if at < 0 {
				at = len(out)
				out = append(out, k)
			}
			continue
		}
		out = append(out, c)
	}
	n.Kids = out
	if at < 0 {
		n.Kids = append(n.Kids, k)
	}
}

// deriveList reads the accounting meaning of a record's fields.
func (c *Company) deriveList(r *listRecord) error {
	b := r.Body
	refID := func(name string) string {
		if n := b.child(name); n != nil {
			return n.text("ListID")
		}
		return ""
	}
	var err error
	switch r.Kind {
	case "Account":
		r.AccountType = b.text("AccountType")
		if !accountTypes[r.AccountType] {
			return stErr(stInvalidValue, "There is an invalid value \"%s\" in the field \"AccountType\".", r.AccountType)
		}
	case "Customer":
		r.TaxCode, r.ItemSalesTax = refID("SalesTaxCodeRef"), refID("ItemSalesTaxRef")
	case "SalesTaxCode":
		if v := b.text("IsTaxable"); v != "" {
			if r.Taxable, err = parseBoolField("IsTaxable", v); err != nil {
				return err
			}
		}
	case "ItemInventory":
		if !c.st.Options.Inventory {
			return stErr(stFeatureOff, "Inventory is not enabled in this company file (Edit › Preferences › Items & Inventory).")
		}
		r.IncomeAcct, r.COGSAcct, r.AssetAcct = refID("IncomeAccountRef"), refID("COGSAccountRef"), refID("AssetAccountRef")
		for _, need := range []struct{ id, name string }{{r.IncomeAcct, "IncomeAccountRef"}, {r.COGSAcct, "COGSAccountRef"}, {r.AssetAcct, "AssetAccountRef"}} {
			if need.id == "" {
				return stErr(stMissingElement, "There is a missing element: \"%s\".", need.name)
			}
		}
		r.TaxCode = refID("SalesTaxCodeRef")
		if v := b.text("SalesPrice"); v != "" {
			if r.Price, err = parseAmountField("SalesPrice", normAmount(v)); err != nil {
				return err
			}
		}
		if v := b.text("PurchaseCost"); v != "" {
			if r.Cost, err = parseAmountField("PurchaseCost", normAmount(v)); err != nil {
				return err
			}
		}
	case "ItemNonInventory", "ItemService", "ItemOtherCharge":
		r.TaxCode = refID("SalesTaxCodeRef")
		if sp := b.child("SalesOrPurchase"); sp != nil {
			r.IncomeAcct = sp.child("AccountRef").text("ListID")
			r.ExpenseAcct = r.IncomeAcct
			if v := sp.text("Price"); v != "" {
				if r.Price, err = parseAmountField("Price", normAmount(v)); err != nil {
					return err
				}
			}
			if v := sp.text("PricePercent"); v != "" {
				if r.Percent, err = parseDec5("PricePercent", v); err != nil {
					return err
				}
				r.HasPercent = true
			}
		} else if sp := b.child("SalesAndPurchase"); sp != nil {
			r.IncomeAcct = sp.child("IncomeAccountRef").text("ListID")
			r.ExpenseAcct = sp.child("ExpenseAccountRef").text("ListID")
			if v := sp.text("SalesPrice"); v != "" {
				if r.Price, err = parseAmountField("SalesPrice", normAmount(v)); err != nil {
					return err
				}
			}
			if v := sp.text("PurchaseCost"); v != "" {
				if r.Cost, err = parseAmountField("PurchaseCost", normAmount(v)); err != nil {
					return err
				}
			}
		}
		if r.IncomeAcct == "" {
			return stErr(stMissingElement, "There is a missing element: \"AccountRef\".")
		}
	case "ItemDiscount":
		r.TaxCode, r.IncomeAcct = refID("SalesTaxCodeRef"), refID("AccountRef")
		if r.IncomeAcct == "" {
			return stErr(stMissingElement, "There is a missing element: \"AccountRef\".")
		}
		if v := b.text("DiscountRate"); v != "" {
			if r.Price, err = parseAmountField("DiscountRate", normAmount(v)); err != nil {
				return err
			}
		}
		if v := b.text("DiscountRatePercent"); v != "" {
			if r.Percent, err = parseDec5("DiscountRatePercent", v); err != nil {
				return err
			}
			r.HasPercent = true
		}
	case "ItemSalesTax":
		r.TaxVendor = refID("TaxVendorRef")
		if r.TaxVendor == "" {
			return stErr(stMissingElement, "There is a missing element: \"TaxVendorRef\".")
		}
		r.Percent, r.HasPercent = 0, true
		if v := b.text("TaxRate"); v != "" {
			if r.Percent, err = parseDec5("TaxRate", v); err != nil {
				return err
			}
		}
	case "ItemPayment":
		r.DepositTo, r.PaymentMethod = refID("DepositToAccountRef"), refID("PaymentMethodRef")
	}
	return nil
}

// normAmount lets price fields (PRICETYPE, up to 5 decimals) be read as
// cents when they are whole cents; finer prices are refused rather than rounded.
func normAmount(s string) string {
	whole, frac, ok := strings.Cut(s, ".")
	if !ok {
		return s
	}
	frac = strings.TrimRight(frac, "0")
	for len(frac) < 2 {
		frac += "0"
	}
	return whole + "." + frac
}

var accountTypes = map[string]bool{
	"AccountsPayable": true, "AccountsReceivable": true, "Bank": true, "CostOfGoodsSold": true, "CreditCard": true,
	"Equity": true, "Expense": true, "FixedAsset": true, "Income": true, "LongTermLiability": true, "NonPosting": true,
	"OtherAsset": true, "OtherCurrentAsset": true, "OtherCurrentLiability": true, "OtherExpense": true, "OtherIncome": true,
}

// listRet writes a record as its …Ret element.
func (c *Company) listRet(r *listRecord) *node {
	n := &node{Name: r.Kind + "Ret"}
	n.add(el("ListID", r.ListID), el("TimeCreated", formatTime(r.Created)), el("TimeModified", formatTime(r.Modified)),
		el("EditSequence", r.EditSequence), el("Name", r.Name))
	if hasFullName[r.Kind] {
		n.add(el("FullName", r.FullName))
	}
	n.add(el("IsActive", boolText(r.IsActive)))
	if hasFullName[r.Kind] {
		if p := c.st.byID[r.ParentID]; p != nil {
			n.add(refNode("ParentRef", p))
		}
		n.add(el("Sublevel", strconv.Itoa(r.Sublevel)))
	}
	for _, k := range r.Body.Kids {
		if !addOnly[k.Name] {
			n.add(k.clone())
		}
	}
	switch r.Kind {
	case "Account":
		bal := c.accountBalance(r.ListID)
		n.insertAfter(el("Balance", bal.String()), "AccountType", "SpecialAccountType", "AccountNumber", "BankNumber", "Desc")
		n.insertAfter(el("TotalBalance", bal.String()), "Balance")
	case "Customer", "Vendor":
		bal := c.entityBalance(r)
		n.insertAfter(el("Balance", bal.String()), "Sublevel", "IsActive", "CompanyName", "Salutation", "FirstName", "MiddleName", "LastName",
			"JobTitle", "BillAddress", "ShipAddress", "VendorAddress", "PrintAs", "Phone", "AltPhone", "Fax", "Email", "Cc", "Contact", "AltContact",
			"CustomerTypeRef", "TermsRef", "SalesRepRef", "NameOnCheck", "AccountNumber", "Notes", "VendorTypeRef", "CreditLimit", "VendorTaxIdent", "IsVendorEligibleFor1099")
		if r.Kind == "Customer" {
			n.insertAfter(el("TotalBalance", bal.String()), "Balance")
		}
	case "ItemInventory":
		n.insertAfter(el("QuantityOnHand", formatDec5(r.Qty)), "AssetAccountRef", "ReorderPoint", "Max")
		n.insertAfter(el("AverageCost", formatDec5(r.avgCost())), "QuantityOnHand")
	}
	if r.ExternalGUID != "" {
		n.add(el("ExternalGUID", r.ExternalGUID))
	}
	return n
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
