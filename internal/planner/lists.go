package planner

import (
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbxml"
)

// QuickBooks field limits the list names must respect.
const (
	maxEntityName  = 41 // customers, vendors
	maxItemName    = 31 // every item type, payment methods, accounts, classes
	maxRefNumber   = 11 // sales receipts, credit memos, refunds, POs, journal entries
	maxRefNumber20 = 20 // item receipts
)

// The list namespaces. QuickBooks keeps customers, vendors, employees and
// other names unique together; items (all types) together; the rest each on
// their own.
const (
	nsEntities = "entities"
	nsItems    = "items"
	nsMethods  = "payment-methods"
	nsClasses  = "classes"
	nsAccounts = "accounts"
)

// listRec is a list record a transaction needs: created by an Add posting,
// or linked to an existing QuickBooks record with the same name.
type listRec struct {
	key    string
	kind   string
	ns     string
	name   string
	linked bool
	deps   []string
	// build renders the Add aggregate once the name and GUID are known.
	build func(name string, guid qbxml.GUID) qbxml.Request
}

// want is a list record request before its name is final.
type want struct {
	key, kind, ns string
	base          string // preferred name, already cleaned
	max           int
	deps          []string
	build         func(name string, guid qbxml.GUID) qbxml.Request
}

// list returns the name for key, creating the record on first use. A name
// from an earlier plan is kept; a name QuickBooks already holds is linked.
func (p *planner) list(w want) string {
	if r, ok := p.lists[w.key]; ok {
		return r.name
	}
	r := &listRec{key: w.key, kind: w.kind, ns: w.ns, deps: w.deps, build: w.build}
	prev, kept := p.earlier(w.key)
	kept = kept && prev != ""
	if kept {
		r.name = prev
	} else {
		r.name = p.space(w.ns).assign(w.key, w.base, w.max)
		// A same-name item of another type or on another account is someone
		// else's: take the next free name rather than book through it.
		for d := p.itemClash(w, r.name); d != ""; d = p.itemClash(w, r.name) {
			taken := r.name
			p.space(w.ns).claim("quickbooks:"+strings.ToLower(taken), taken)
			r.name = p.space(w.ns).assign(w.key, w.base, w.max)
			p.warnf("QuickBooks already has an item %q, but %s; shopqb adds its own as %q.", taken, d, r.name)
		}
	}
	r.linked = p.known[strings.ToLower(r.name)]
	if kept && r.linked {
		// A name from an earlier plan cannot change, but it is linked only
		// when the existing item is of the same type: otherwise the Add is
		// sent, QuickBooks answers "name in use", and the sync engine stops
		// it with the fix (it never links an item of another kind).
		if it, ok := p.knownItems[strings.ToLower(r.name)]; ok && w.ns == nsItems && w.build != nil {
			if want, err := p.shapeOf(w, r.name); err == nil && !strings.EqualFold(want.Type, it.Type) {
				r.linked = false
			}
		}
	}
	p.lists[w.key] = r
	p.names[w.key] = r.name
	return r.name
}

// shapeOf is the type and account of the item w would add under name.
func (p *planner) shapeOf(w want, name string) (qbxml.ListShape, error) {
	x, err := qbxml.MarshalRequest(w.build(name, ""))
	if err != nil {
		return qbxml.ListShape{}, err
	}
	return qbxml.ShapeOfAdd(x)
}

// itemClash says how the existing item called name differs from the one w
// would add, or "" when there is none or it can be used (same type, same
// account).
func (p *planner) itemClash(w want, name string) string {
	if w.ns != nsItems || w.build == nil {
		return ""
	}
	it, ok := p.knownItems[strings.ToLower(name)]
	if !ok {
		return ""
	}
	want, err := p.shapeOf(w, name)
	if err != nil {
		return ""
	}
	return want.Differs(qbxml.ListShape{Type: it.Type, Account: it.Account})
}

func (p *planner) space(ns string) *nameSpace {
	s, ok := p.spaces[ns]
	if !ok {
		s = newNameSpace(ns, p.in.Book)
		p.spaces[ns] = s
	}
	return s
}

// accountDep returns the key of the AccountAdd posting for c when its mapped
// account does not exist yet, or "" when nothing needs creating.
func (p *planner) accountDep(c shopqb.Category) string {
	acct := p.m.Account(c)
	if acct == "" || c == shopqb.SalesTaxPayable || c == arCategory || p.accounts[strings.ToLower(acct)] {
		return ""
	}
	key := "account:" + string(c)
	if _, ok := p.lists[key]; ok {
		return key
	}
	// Two categories may share an account (a gateway's clearing account
	// falling back to undeposited funds): create it once.
	if other, ok := p.accountKeys[strings.ToLower(acct)]; ok {
		return other
	}
	p.accountKeys[strings.ToLower(acct)] = key
	parent, leaf := "", acct
	if i := strings.LastIndex(acct, ":"); i >= 0 {
		parent, leaf = acct[:i], acct[i+1:]
	}
	typ := accountType(c)
	r := &listRec{key: key, kind: "AccountAdd", ns: nsAccounts, name: acct,
		build: func(string, qbxml.GUID) qbxml.Request {
			return qbxml.AccountAdd{Name: truncate(leaf, maxItemName), ParentRef: nameRef(parent), AccountType: typ}
		}}
	p.lists[key] = r
	p.names[key] = acct
	return key
}

// accountType is the QuickBooks account type a missing mapped account is
// created with: one the category allows (shopqb.AllowedAccountTypes), so the
// wizard's check and what the planner creates never disagree.
func accountType(c shopqb.Category) string { return shopqb.NewAccountType(c) }

func deps(keys ...string) []string {
	var out []string
	for _, k := range keys {
		if k != "" {
			out = append(out, k)
		}
	}
	return out
}

// otherCharge is an Other Charge item booked to one category: shipping, tips,
// gift cards, store credit, cash rounding, refund adjustments.
func (p *planner) otherCharge(key, base string, c shopqb.Category) string {
	acct := p.m.Account(c)
	return p.list(want{key: key, kind: "ItemOtherChargeAdd", ns: nsItems, base: base, max: maxItemName,
		deps: deps(p.accountDep(c)),
		build: func(name string, guid qbxml.GUID) qbxml.Request {
			return qbxml.ItemOtherChargeAdd{Name: name,
				SalesOrPurchase: &qbxml.SalesOrPurchase{Desc: base, AccountRef: nameRef(acct)}, ExternalGUID: guid}
		}})
}

// The fixed items every shop uses, by key.
const (
	itemShipping     = "item:shipping"
	itemTip          = "item:tip"
	itemGiftCard     = "item:gift-card"
	itemStoreCredit  = "item:store-credit"
	itemCashRounding = "item:cash-rounding"
	itemDiscount     = "item:discount"
	itemRefundAdjust = "item:refund-adjustment"
	itemNoRestock    = "item:return-not-restocked"
	itemCustom       = "item:custom"
)

// fixedItem creates one of the fixed items and returns its key.
func (p *planner) fixedItem(key string) string {
	switch key {
	case itemShipping:
		p.otherCharge(key, "Shipping", shopqb.ShippingIncome)
	case itemTip:
		p.otherCharge(key, "Tips", shopqb.TipsPayable)
	case itemGiftCard:
		p.otherCharge(key, "Gift Card", shopqb.GiftCardLiability)
	case itemStoreCredit:
		p.otherCharge(key, "Store Credit", shopqb.StoreCreditLiability)
	case itemCashRounding:
		p.otherCharge(key, "Cash Rounding", shopqb.CashOverShort)
	case itemRefundAdjust:
		p.otherCharge(key, "Refund Adjustment", shopqb.SalesIncome)
	case itemNoRestock:
		p.otherCharge(key, "Return Not Restocked", shopqb.SalesIncome)
	case itemCustom:
		p.otherCharge(key, "Custom Sale", shopqb.SalesIncome)
	case itemDiscount:
		acct := p.m.Account(shopqb.Discounts)
		p.list(want{key: key, kind: "ItemDiscountAdd", ns: nsItems, base: "Shopify Discount", max: maxItemName,
			deps: deps(p.accountDep(shopqb.Discounts)),
			build: func(name string, guid qbxml.GUID) qbxml.Request {
				return qbxml.ItemDiscountAdd{Name: name, ItemDesc: "Shopify discount", AccountRef: nameRef(acct), ExternalGUID: guid}
			}})
	}
	return key
}

// paymentMethod is the QuickBooks payment method for a gateway.
func (p *planner) paymentMethod(gateway string) string {
	key := "payment-method:" + gateway
	typ := "Other"
	switch gateway {
	case "cash":
		typ = "Cash"
	case "gift_card":
		typ = "GiftCard"
	case "shopify_payments":
		typ = "OtherCreditCard"
	}
	p.list(want{key: key, kind: "PaymentMethodAdd", ns: nsMethods, base: gatewayLabel(gateway), max: maxItemName,
		build: func(name string, _ qbxml.GUID) qbxml.Request {
			return qbxml.PaymentMethodAdd{Name: name, PaymentMethodType: typ}
		}})
	return key
}

// gatewayLabel turns "shopify_payments" into "Shopify Payments".
func gatewayLabel(gateway string) string {
	words := strings.FieldsFunc(gateway, func(r rune) bool { return r == '_' || r == '-' || r == ' ' })
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	s := cleanName(strings.Join(words, " "), maxItemName, "Gateway")
	return s
}

// paymentItem is the Payment item through which a non-main gateway's money
// lands in its own clearing account on a split-tender receipt.
func (p *planner) paymentItem(gateway string) string {
	key := "item:payment:" + gateway
	c := shopqb.ClearingCategory(gateway)
	acct := p.m.Account(c)
	pm := p.paymentMethod(gateway)
	pmName := p.name(pm)
	p.list(want{key: key, kind: "ItemPaymentAdd", ns: nsItems, base: "Paid " + gatewayLabel(gateway), max: maxItemName,
		deps: deps(p.accountDep(c), pm),
		build: func(name string, guid qbxml.GUID) qbxml.Request {
			return qbxml.ItemPaymentAdd{Name: name, ItemDesc: "Paid by " + gatewayLabel(gateway),
				DepositToAccountRef: nameRef(acct), PaymentMethodRef: nameRef(pmName), ExternalGUID: guid}
		}})
	return key
}

// classFor returns the class key for a location when class tracking is on.
func (p *planner) classFor(locID, locName string) string {
	if !p.in.Company.ClassTracking || !p.set.ClassPerLocation {
		return ""
	}
	key := "class:" + locID
	p.list(want{key: key, kind: "ClassAdd", ns: nsClasses, base: cleanName(locName, maxItemName, "Location "+locID), max: maxItemName,
		build: func(name string, _ qbxml.GUID) qbxml.Request { return qbxml.ClassAdd{Name: name} }})
	return key
}

// numericID returns the last segment of a GID ("gid://shopify/Order/123" → "123").
func numericID(gid string) string {
	if i := strings.LastIndex(gid, "/"); i >= 0 {
		return gid[i+1:]
	}
	return gid
}
