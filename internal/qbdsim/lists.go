package qbdsim

import (
	"strings"
	"time"

	"github.com/shopqb/shopqb/internal/money"
)

// listRecord is one list element: an account, a name (customer, vendor,
// employee, other name), an item of any type, a payment method, a class or
// a sales-tax code. Body holds the element's qbXML fields in Ret order
// (after the list core, name and parent), so queries return what was added.
type listRecord struct {
	Kind         string    `json:"kind"`
	ListID       string    `json:"listID"`
	Name         string    `json:"name"`
	FullName     string    `json:"fullName"`
	ParentID     string    `json:"parentID,omitempty"`
	Sublevel     int       `json:"sublevel,omitempty"`
	IsActive     bool      `json:"isActive"`
	EditSequence string    `json:"editSequence"`
	Created      time.Time `json:"created"`
	Modified     time.Time `json:"modified"`
	ExternalGUID string    `json:"externalGUID,omitempty"`
	Body         *node     `json:"body"`

	AccountType   string      `json:"accountType,omitempty"`
	IncomeAcct    string      `json:"incomeAcct,omitempty"`
	ExpenseAcct   string      `json:"expenseAcct,omitempty"`
	COGSAcct      string      `json:"cogsAcct,omitempty"`
	AssetAcct     string      `json:"assetAcct,omitempty"`
	TaxCode       string      `json:"taxCode,omitempty"`
	Taxable       bool        `json:"taxable,omitempty"`
	Price         money.Cents `json:"price,omitempty"`
	Cost          money.Cents `json:"cost,omitempty"`
	Percent       int64       `json:"percent,omitempty"` // dec5: tax rate, discount or price percent
	HasPercent    bool        `json:"hasPercent,omitempty"`
	TaxVendor     string      `json:"taxVendor,omitempty"`
	DepositTo     string      `json:"depositTo,omitempty"`
	PaymentMethod string      `json:"paymentMethod,omitempty"`
	ItemSalesTax  string      `json:"itemSalesTax,omitempty"`
	Qty           int64       `json:"qty,omitempty"`      // dec5 quantity on hand
	Value         money.Cents `json:"value,omitempty"`    // inventory value
	UnitCost      int64       `json:"unitCost,omitempty"` // last average cost, cents×1e5
}

var entityKinds = map[string]bool{"Customer": true, "Vendor": true, "Employee": true, "OtherName": true}

var itemKinds = map[string]bool{
	"ItemInventory": true, "ItemNonInventory": true, "ItemService": true, "ItemOtherCharge": true,
	"ItemDiscount": true, "ItemSalesTax": true, "ItemPayment": true, "ItemSubtotal": true,
}

func (r *listRecord) isEntity() bool { return entityKinds[r.Kind] }
func (r *listRecord) isItem() bool   { return itemKinds[r.Kind] }

// refKinds says which lists a reference element may point to. References to
// lists the simulator does not model (terms, templates, sales reps, …) are
// passed through unchecked.
var refKinds = map[string][]string{
	"AccountRef": {"Account"}, "IncomeAccountRef": {"Account"}, "COGSAccountRef": {"Account"},
	"AssetAccountRef": {"Account"}, "ExpenseAccountRef": {"Account"}, "DepositToAccountRef": {"Account"},
	"ARAccountRef": {"Account"}, "APAccountRef": {"Account"}, "RefundFromAccountRef": {"Account"},
	"OverrideItemAccountRef": {"Account"}, "DiscountAccountRef": {"Account"}, "PrefillAccountRef": {"Account"},
	"CustomerRef": {"Customer"}, "VendorRef": {"Vendor"}, "TaxVendorRef": {"Vendor"}, "PrefVendorRef": {"Vendor"},
	"EntityRef": {"Customer", "Vendor", "Employee", "OtherName"}, "ShipToEntityRef": {"Customer", "Vendor", "Employee", "OtherName"},
	"ItemRef":         {"ItemInventory", "ItemNonInventory", "ItemService", "ItemOtherCharge", "ItemDiscount", "ItemSalesTax", "ItemPayment", "ItemSubtotal"},
	"ItemSalesTaxRef": {"ItemSalesTax"}, "DefaultItemSalesTaxRef": {"ItemSalesTax"},
	"SalesTaxCodeRef": {"SalesTaxCode"}, "CustomerSalesTaxCodeRef": {"SalesTaxCode"}, "PurchaseTaxCodeRef": {"SalesTaxCode"},
	"PaymentMethodRef": {"PaymentMethod"}, "PreferredPaymentMethodRef": {"PaymentMethod"},
	"ClassRef": {"Class"}, "OverrideClassRef": {"Class"},
}

// refLabel is the list name QuickBooks prints in a 3140 message.
func refLabel(kinds []string) string {
	switch {
	case len(kinds) > 1 && itemKinds[kinds[0]]:
		return "Item"
	case len(kinds) > 1:
		return "Entity"
	case kinds[0] == "ItemSalesTax":
		return "ItemSalesTax"
	}
	return kinds[0]
}

// resolve finds what a …Ref element points to (ListID first, then FullName,
// case-insensitively) or answers 3140 as QuickBooks does.
func (c *Company) resolve(ref *node, context string) (*listRecord, error) {
	kinds, ok := refKinds[ref.Name]
	if !ok {
		return nil, nil
	}
	id, name := ref.text("ListID"), ref.text("FullName")
	var r *listRecord
	if id != "" {
		r = c.st.byID[id]
	} else if name != "" {
		r = c.findByFullName(kinds, name)
	}
	if r != nil {
		for _, k := range kinds {
			if r.Kind == k {
				return r, nil
			}
		}
	}
	what := name
	if id != "" {
		what = id
	}
	return nil, stErr(stBadRef, "There is an invalid reference to QuickBooks %s \"%s\" in the %s.  QuickBooks error message: Invalid argument.  The specified record does not exist in the list.", refLabel(kinds), what, context)
}

func (c *Company) findByFullName(kinds []string, name string) *listRecord {
	key := strings.ToLower(name)
	if len(kinds) > 0 && entityKinds[kinds[0]] {
		return c.st.names[key]
	}
	if len(kinds) > 0 && itemKinds[kinds[0]] {
		return c.st.itemName[key]
	}
	for _, r := range c.st.Lists {
		if strings.ToLower(r.FullName) == key {
			for _, k := range kinds {
				if r.Kind == k {
					return r
				}
			}
		}
	}
	return nil
}

// refNode is the Ret form of a reference: ListID then FullName.
func refNode(name string, r *listRecord) *node {
	if r == nil {
		return nil
	}
	return elKids(name, el("ListID", r.ListID), el("FullName", r.FullName))
}

// enrichRefs validates every modelled reference under n and rewrites it to
// carry both ListID and FullName, as QuickBooks returns them.
func (c *Company) enrichRefs(n *node, context string) error {
	for i, k := range n.Kids {
		if strings.HasSuffix(k.Name, "Ref") && (k.has("ListID") || k.has("FullName")) {
			r, err := c.resolve(k, context)
			if err != nil {
				return err
			}
			if r != nil {
				n.Kids[i] = refNode(k.Name, r)
			}
			continue
		}
		if len(k.Kids) > 0 {
			if err := c.enrichRefs(k, context); err != nil {
				return err
			}
		}
	}
	return nil
}

// listCount counts active and inactive elements of the given kinds.
func (c *Company) listCount(pred func(*listRecord) bool) int {
	n := 0
	for _, r := range c.st.Lists {
		if pred(r) {
			n++
		}
	}
	return n
}

// checkCapacity enforces the edition's list limits (qbd.md §6.2). The
// reference documents the limits but not the status QuickBooks answers when
// a list is full; 3180 ("error when saving", which QuickBooks also uses for
// business-rule refusals) is the closest documented code.
func (c *Company) checkCapacity(kind string) error {
	enterprise := c.st.Options.Edition == Enterprise
	full := func(what string, limit int) error {
		return stErr(stGeneralSave, "There was an error when saving a %s list element.  QuickBooks error message: The %s list is full: QuickBooks %s holds at most %d entries.", kind, what, c.st.Options.Edition, limit)
	}
	switch {
	case entityKinds[kind]:
		names := c.listCount(func(r *listRecord) bool { return r.isEntity() })
		one := c.listCount(func(r *listRecord) bool { return r.Kind == kind })
		if enterprise {
			if names >= enterpriseListLimit {
				return full("name", enterpriseListLimit)
			}
			return nil
		}
		if names >= proNameLimit {
			return full("name (customers, vendors, employees and other names together)", proNameLimit)
		}
		if one >= proPerNameListLimit {
			return full(kind, proPerNameListLimit)
		}
	case itemKinds[kind]:
		limit := proItemLimit
		if enterprise {
			limit = enterpriseListLimit
		}
		if c.listCount(func(r *listRecord) bool { return r.isItem() }) >= limit {
			return full("item", limit)
		}
	case kind == "Account":
		limit := proAccountLimit
		if enterprise {
			limit = enterpriseAcctLimit
		}
		if c.listCount(func(r *listRecord) bool { return r.Kind == "Account" }) >= limit {
			return full("account", limit)
		}
	case kind == "Class":
		limit := proClassLimit
		if enterprise {
			limit = enterpriseAcctLimit
		}
		if c.listCount(func(r *listRecord) bool { return r.Kind == "Class" }) >= limit {
			return full("class", limit)
		}
	}
	return nil
}

// checkNameFree enforces unique names: entity names across customers,
// vendors, employees and other names together; item names across all item
// types; other lists within themselves. Case does not matter (qbd.md §6.1).
func (c *Company) checkNameFree(kind, fullName string, self *listRecord) error {
	key := strings.ToLower(fullName)
	var other *listRecord
	switch {
	case entityKinds[kind]:
		other = c.st.names[key]
	case itemKinds[kind]:
		other = c.st.itemName[key]
	default:
		other = c.findByFullName([]string{kind}, fullName)
	}
	if other != nil && other != self {
		return stErr(stNameInUse, "The name \"%s\" of the list element is already in use.", fullName)
	}
	return nil
}

// insertList stores a new record and indexes it.
func (c *Company) insertList(r *listRecord) {
	c.st.Lists = append(c.st.Lists, r)
	c.st.byID[r.ListID] = r
	switch {
	case r.isEntity():
		c.st.names[strings.ToLower(r.FullName)] = r
	case r.isItem():
		c.st.itemName[strings.ToLower(r.FullName)] = r
	}
}

// rename moves r to a new full name in the name indexes.
func (c *Company) rename(r *listRecord, name, fullName string) {
	switch {
	case r.isEntity():
		delete(c.st.names, strings.ToLower(r.FullName))
		c.st.names[strings.ToLower(fullName)] = r
	case r.isItem():
		delete(c.st.itemName, strings.ToLower(r.FullName))
		c.st.itemName[strings.ToLower(fullName)] = r
	}
	r.Name, r.FullName = name, fullName
}

// special returns the ListID of an account QuickBooks maintains itself.
func (c *Company) special(role string) string { return c.st.Special[role] }
