package planner

import (
	"fmt"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/shopify"
)

// productItem chooses the item a sold line is booked through: the gift-card
// liability item for gift cards; per the inventory mode, an inventory item per
// variant (QuickBooks then relieves inventory and books COGS itself) or a
// non-inventory item per product type (COGS then comes from the daily journal
// entry); a custom sale item for lines without a variant.
func (p *planner) productItem(o *shopify.Order, li shopify.LineItem) (string, shopqb.Category) {
	if li.IsGiftCard {
		return p.fixedItem(itemGiftCard), shopqb.GiftCardLiability
	}
	if p.set.InventoryMode == shopqb.Summary {
		return p.typeItem(p.productType(li.Variant, li.Product)), shopqb.SalesIncome
	}
	if li.Variant == nil || li.Variant.ID == "" {
		return p.fixedItem(itemCustom), shopqb.SalesIncome
	}
	return p.variantItem(li.Variant.ID, li.SKU, li.Name), shopqb.SalesIncome
}

// productType finds a line's product type from the line, or from the variant
// snapshot; "Other" when Shopify has none.
func (p *planner) productType(v *shopify.ProductVariant, pr *shopify.ProductRef) string {
	if pr != nil && pr.ProductType != "" {
		return pr.ProductType
	}
	if v != nil {
		if sv, ok := p.in.Variants[v.ID]; ok && sv.Product != nil && sv.Product.ProductType != "" {
			return sv.Product.ProductType
		}
		if v.Product != nil && v.Product.ProductType != "" {
			return v.Product.ProductType
		}
	}
	return "Other"
}

// variantItem is the inventory item of one variant (detail inventory mode),
// named by SKU when there is one: a 40-character SKU is cut to 31 and kept
// unique by the item namespace. Everything in the Add comes from the variant
// snapshot when there is one, not from whichever order line happened to be
// planned first, so a later plan renders the same request; the cost is left
// to QuickBooks' purchases, because a Shopify unit cost that changes would
// change the request too.
func (p *planner) variantItem(variantGID, sku, title string) string {
	id := numericID(variantGID)
	key := "item:" + id
	if v, ok := p.in.Variants[variantGID]; ok {
		if v.SKU != "" {
			sku = v.SKU
		}
		if v.DisplayName != "" {
			title = v.DisplayName
		}
	}
	base := cleanName(sku, maxItemName, "")
	if base == "" {
		base = cleanName(title, maxItemName, "Variant "+id)
	}
	desc := cleanText(title)
	if desc == "" {
		desc = base
	}
	income, cogs, asset := p.m.Account(shopqb.SalesIncome), p.m.Account(shopqb.COGS), p.m.Account(shopqb.InventoryAsset)
	p.list(want{key: key, kind: "ItemInventoryAdd", ns: nsItems, base: base, max: maxItemName,
		deps: deps(p.accountDep(shopqb.SalesIncome), p.accountDep(shopqb.COGS), p.accountDep(shopqb.InventoryAsset)),
		build: func(name string, guid qbxml.GUID) qbxml.Request {
			return qbxml.ItemInventoryAdd{Name: name, SalesDesc: desc, IncomeAccountRef: nameRef(income),
				PurchaseDesc: desc, COGSAccountRef: nameRef(cogs), AssetAccountRef: nameRef(asset), ExternalGUID: guid}
		}})
	return key
}

// typeItem is the non-inventory item of a product type (summary inventory
// mode). Purchases through it land in the inventory asset account, which the
// daily COGS journal entry relieves.
func (p *planner) typeItem(productType string) string {
	key := "item:type:" + productType
	base := cleanName(productType, maxItemName, "Products")
	income, asset := p.m.Account(shopqb.SalesIncome), p.m.Account(shopqb.InventoryAsset)
	p.list(want{key: key, kind: "ItemNonInventoryAdd", ns: nsItems, base: base, max: maxItemName,
		deps: deps(p.accountDep(shopqb.SalesIncome), p.accountDep(shopqb.InventoryAsset)),
		build: func(name string, guid qbxml.GUID) qbxml.Request {
			return qbxml.ItemNonInventoryAdd{Name: name,
				SalesAndPurchase: &qbxml.SalesAndPurchase{SalesDesc: base, IncomeAccountRef: nameRef(income),
					PurchaseDesc: base, ExpenseAccountRef: nameRef(asset)},
				ExternalGUID: guid}
		}})
	return key
}

// taxItem is the sales-tax item of one Shopify jurisdiction (title + rate).
// Its amount on a form is always Shopify's, so the rate is informative; it
// still matters for QuickBooks' Sales Tax Liability report.
func (p *planner) taxItem(tl shopify.TaxLine) (key, name string, err error) {
	pct, err := ratePercent(string(tl.Rate))
	if err != nil {
		return "", "", fmt.Errorf("tax line %q: %w", tl.Title, err)
	}
	key = "taxitem:" + tl.Title + ":" + string(tl.Rate)
	title := cleanName(tl.Title, maxItemName, "Sales Tax")
	base := truncate(title, maxItemName-len(pct)-2) + " " + pct + "%"
	agencyKey, agency := p.taxAgency()
	name = p.list(want{key: key, kind: "ItemSalesTaxAdd", ns: nsItems, base: base, max: maxItemName, deps: deps(agencyKey),
		build: func(name string, guid qbxml.GUID) qbxml.Request {
			return qbxml.ItemSalesTaxAdd{Name: name, ItemDesc: cleanText(tl.Title), TaxRate: qbxml.Decimal(pct),
				TaxVendorRef: nameRef(agency), ExternalGUID: guid}
		}})
	return key, name, nil
}

// taxAgency is the vendor new sales-tax items pay: the company's own agency
// when the preflight found one (nothing to add), else a "Sales Tax Agency"
// vendor shopqb adds. It returns the vendor's key ("" when it exists already)
// and name.
func (p *planner) taxAgency() (key, name string) {
	if a := p.in.Company.TaxAgency; a != "" {
		return "", a
	}
	key = "vendor:tax-agency"
	name = p.list(want{key: key, kind: "VendorAdd", ns: nsEntities, base: "Sales Tax Agency", max: maxEntityName,
		build: func(name string, guid qbxml.GUID) qbxml.Request {
			return qbxml.VendorAdd{Name: name, CompanyName: name, Notes: "Sales tax collected through Shopify", ExternalGUID: guid}
		}})
	return key, name
}

// ratePercent turns Shopify's decimal fraction ("0.0625") into the percentage
// qbXML wants ("6.25") by moving the decimal point, never through a float.
func ratePercent(rate string) (string, error) {
	rate = strings.TrimSpace(rate)
	if rate == "" {
		return "0", nil
	}
	whole, frac, _ := strings.Cut(rate, ".")
	if whole == "" {
		whole = "0"
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return "", fmt.Errorf("rate %q is not a decimal fraction", rate)
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	intPart := strings.TrimLeft(whole+frac[:2], "0")
	if intPart == "" {
		intPart = "0"
	}
	dec := strings.TrimRight(frac[2:], "0")
	if len(dec) > 5 {
		return "", fmt.Errorf("rate %q has more precision than QuickBooks keeps", rate)
	}
	if dec == "" {
		return intPart, nil
	}
	return intPart + "." + dec, nil
}
