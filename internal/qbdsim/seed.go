package qbdsim

// defaultAccounts is a retail chart of accounts like the one QuickBooks'
// EasyStep interview creates for a retail shop. role names accounts that
// QuickBooks itself posts to.
var defaultAccounts = []struct{ name, typ, role, special string }{
	{"Checking", "Bank", "Checking", ""},
	{"Petty Cash", "Bank", "", ""},
	{"Accounts Receivable", "AccountsReceivable", "AR", "AccountsReceivable"},
	{"Undeposited Funds", "OtherCurrentAsset", "UF", "UndepositedFunds"},
	{"Inventory Asset", "OtherCurrentAsset", "InventoryAsset", "InventoryAssets"},
	{"Accounts Payable", "AccountsPayable", "AP", "AccountsPayable"},
	{"Sales Tax Payable", "OtherCurrentLiability", "SalesTaxPayable", "SalesTaxPayable"},
	{"Payroll Liabilities", "OtherCurrentLiability", "", "PayrollLiabilities"},
	{"Opening Balance Equity", "Equity", "OBE", "OpeningBalanceEquity"},
	{"Owner's Equity", "Equity", "", ""},
	{"Retained Earnings", "Equity", "RetainedEarnings", "RetainedEarnings"},
	{"Sales", "Income", "Sales", ""},
	{"Merchandise Sales", "Income", "", ""},
	{"Shipping and Delivery Income", "Income", "", ""},
	{"Sales Discounts", "Income", "", ""},
	{"Uncategorized Income", "Income", "UncategorizedIncome", "UncategorizedIncome"},
	{"Cost of Goods Sold", "CostOfGoodsSold", "COGS", "CostOfGoodsSold"},
	{"Merchandise Purchases", "CostOfGoodsSold", "", ""},
	{"Merchant Account Fees", "Expense", "", ""},
	{"Bank Service Charges", "Expense", "", ""},
	{"Cash Over and Short", "Expense", "", ""},
	{"Inventory Shrinkage", "CostOfGoodsSold", "", ""},
	{"Uncategorized Expenses", "Expense", "UncategorizedExpenses", "UncategorizedExpenses"},
	{"Ask My Accountant", "OtherExpense", "", ""},
}

var defaultPaymentMethods = []struct{ name, typ string }{
	{"Cash", "Cash"}, {"Check", "Check"}, {"American Express", "AmericanExpress"}, {"Discover", "Discover"},
	{"MasterCard", "MasterCard"}, {"Visa", "Visa"}, {"Debit Card", "DebitCard"}, {"Gift Card", "GiftCard"}, {"E-Check", "ECheck"},
}

// seedDefaults fills a new company with the lists QuickBooks creates.
func (c *Company) seedDefaults() {
	add := func(kind, name string, body ...*node) *listRecord {
		now := c.stamp()
		r := &listRecord{Kind: kind, Name: name, FullName: name, IsActive: true, Created: now, Modified: now,
			ListID: c.newListID(), EditSequence: c.newEditSequence(), Body: elKids("Body", body...)}
		if err := c.deriveList(r); err != nil {
			panic("qbdsim: bad default list element " + name + ": " + err.Error())
		}
		c.insertList(r)
		return r
	}
	for _, a := range defaultAccounts {
		body := []*node{el("AccountType", a.typ)}
		if a.special != "" {
			body = append(body, el("SpecialAccountType", a.special))
		}
		r := add("Account", a.name, body...)
		if a.role != "" {
			c.st.Special[a.role] = r.ListID
		}
	}
	for _, pm := range defaultPaymentMethods {
		add("PaymentMethod", pm.name, el("PaymentMethodType", pm.typ))
	}
	tax := add("SalesTaxCode", "Tax", el("IsTaxable", "true"), el("Desc", "Taxable Sales"))
	add("SalesTaxCode", "Non", el("IsTaxable", "false"), el("Desc", "Non-Taxable Sales"))
	c.st.Special["TaxCode"] = tax.ListID
	agency := add("Vendor", "State Tax Agency", el("CompanyName", "State Tax Agency"))
	zero := add("ItemSalesTax", "Out of State", el("ItemDesc", "Sales not taxed in this state"), el("TaxRate", "0"), refNode("TaxVendorRef", agency))
	state := add("ItemSalesTax", "State Sales Tax", el("ItemDesc", "State sales tax"), el("TaxRate", "7.25"), refNode("TaxVendorRef", agency))
	c.st.DefaultTaxItem = state.ListID
	if c.st.Options.DefaultTaxItemZeroRate {
		c.st.DefaultTaxItem = zero.ListID
	}
}
