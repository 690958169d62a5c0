// Package shopqb holds the domain of shopqb: shops, their settings and account
// mapping, postings (the outbox of QuickBooks work) and the errors every part
// shares. Packages under internal/ implement these against one outside system
// each: internal/store (databases), internal/qbwc (the Web Connector's SOAP),
// internal/shopify (the Admin GraphQL API), internal/qbxml (QuickBooks'
// message format). The accounting itself — how a Shopify order becomes a
// QuickBooks sales receipt — is internal/planner.
package shopqb

import "time"

// Mode is detail or summary, chosen separately for sales, customers,
// inventory and vendors.
type Mode string

// The two modes.
const (
	Detail  Mode = "detail"
	Summary Mode = "summary"
)

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool { return m == Detail || m == Summary }

// Shop is one Shopify store connected to one QuickBooks company file.
type Shop struct {
	ID     int64
	Domain string // example.myshopify.com
	Name   string
	// TimeZone is the shop's IANA zone: transactions are dated in it.
	TimeZone string
	Currency string

	// QBWCUser is the UserName in the shop's .qwc; the app token is its password.
	QBWCUser string
	// AppTokenHash is the SHA-256 of the app token; the token itself is shown once.
	AppTokenHash []byte
	// AppTokenCreatedAt is when the current app token was made (nil for
	// shops registered before it was recorded).
	AppTokenCreatedAt *time.Time
	// OwnerID and FileID are the stable GUIDs written into the .qwc.
	OwnerID string
	FileID  string
	// CompanyFile is the company file path reported by the first Web Connector
	// session; later sessions from another file are refused.
	CompanyFile string

	// ShopifyAuth says how shopqb reaches the Admin API: AuthStatic,
	// AuthClientCredentials or AuthOAuth.
	ShopifyAuth string
	// ShopifyURL overrides https://<Domain> (the simulator, or a proxy).
	ShopifyURL string

	Settings Settings
	// StartedAt is set by the one-time start; settings that would double-count
	// if changed are locked from then on.
	StartedAt *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Settings are the merchant's choices.
type Settings struct {
	StartDate     string `json:"startDate,omitempty"` // YYYY-MM-DD in the shop's zone
	SalesMode     Mode   `json:"salesMode"`
	CustomersMode Mode   `json:"customersMode"`
	InventoryMode Mode   `json:"inventoryMode"`
	VendorsMode   Mode   `json:"vendorsMode"`
	// Schedule is "manual" or "daily HH:MM" in the shop's zone.
	Schedule string `json:"schedule"`
	// ClassPerLocation assigns a QuickBooks class per location when class tracking is on.
	ClassPerLocation bool `json:"classPerLocation"`
	// Mapping is the QuickBooks account for each category.
	Mapping Mapping `json:"mapping"`
	// SummaryGraceMinutes is how long after the shop's day has ended its day
	// summaries (summary sales and refunds, the daily cost of goods) are held
	// back, so late orders and refunds of the day land in them rather than in
	// an adjustment. 0 means DefaultSummaryGrace; a negative value closes the
	// day at midnight. A change after the summary was posted still becomes an
	// adjustment.
	SummaryGraceMinutes int `json:"summaryGraceMinutes,omitempty"`
}

// DefaultSummaryGrace is how long a day summary waits after midnight (shop
// time) when the settings do not say: long enough for POS devices that were
// offline at closing to upload their sales.
const DefaultSummaryGrace = 3 * time.Hour

// SummaryGrace is the hold-back after the end of a shop's day; see
// SummaryGraceMinutes.
func (s Settings) SummaryGrace() time.Duration {
	switch {
	case s.SummaryGraceMinutes < 0:
		return 0
	case s.SummaryGraceMinutes == 0:
		return DefaultSummaryGrace
	}
	return time.Duration(s.SummaryGraceMinutes) * time.Minute
}

// SummaryDue is when the day summaries of the shop day that starts at day
// (its midnight in the shop's zone) stop being held back: the day's end
// plus SummaryGrace.
func (s Settings) SummaryDue(day time.Time) time.Time {
	return day.AddDate(0, 0, 1).Add(s.SummaryGrace())
}

// DefaultSettings are what a new shop starts with.
func DefaultSettings() Settings {
	return Settings{
		SalesMode: Detail, CustomersMode: Summary, InventoryMode: Summary, VendorsMode: Summary,
		Schedule: "manual", Mapping: DefaultMapping(),
	}
}

// Category is an accounting category a Shopify amount is booked to.
type Category string

// The mapping categories. Gateways get their own clearing account each, under
// the key "clearing:<gateway>".
const (
	SalesIncome          Category = "sales_income"
	ShippingIncome       Category = "shipping_income"
	Discounts            Category = "discounts"
	SalesTaxPayable      Category = "sales_tax_payable"
	TipsPayable          Category = "tips_payable"
	GiftCardLiability    Category = "gift_card_liability"
	StoreCreditLiability Category = "store_credit_liability"
	Bank                 Category = "bank"
	ProcessingFees       Category = "processing_fees"
	Chargebacks          Category = "chargebacks"
	PayoutAdjustments    Category = "payout_adjustments"
	CashOverShort        Category = "cash_over_short"
	COGS                 Category = "cogs"
	InventoryAsset       Category = "inventory_asset"
	InventoryAdjustment  Category = "inventory_adjustment"
	AccountsPayable      Category = "accounts_payable"
	UndepositedFunds     Category = "undeposited_funds"
)

// ClearingCategory is the category of a payment gateway's clearing account.
func ClearingCategory(gateway string) Category { return Category("clearing:" + gateway) }

// Mapping maps each category to a QuickBooks account full name.
type Mapping map[Category]string

// DefaultMapping proposes accounts that a default retail chart of accounts
// has, or that shopqb creates when they are missing.
func DefaultMapping() Mapping {
	return Mapping{
		SalesIncome:                          "Sales",
		ShippingIncome:                       "Shipping Income",
		Discounts:                            "Sales Discounts",
		SalesTaxPayable:                      "Sales Tax Payable",
		TipsPayable:                          "Tips Payable",
		GiftCardLiability:                    "Gift Card Liability",
		StoreCreditLiability:                 "Store Credit Liability",
		Bank:                                 "Checking",
		ProcessingFees:                       "Merchant Account Fees",
		Chargebacks:                          "Chargebacks",
		PayoutAdjustments:                    "Payout Adjustments",
		CashOverShort:                        "Cash Over and Short",
		COGS:                                 "Cost of Goods Sold",
		InventoryAsset:                       "Inventory Asset",
		InventoryAdjustment:                  "Inventory Adjustments",
		AccountsPayable:                      "Accounts Payable",
		UndepositedFunds:                     "Undeposited Funds",
		ClearingCategory("shopify_payments"): "Shopify Payments Clearing",
		ClearingCategory("cash"):             "Cash Drawer",
		ClearingCategory("gift_card"):        "Gift Card Liability",
		ClearingCategory("store_credit"):     "Store Credit Liability",
		ClearingCategory("manual"):           "Undeposited Funds",
	}
}

// Account returns the account for a category, falling back for unknown
// gateways to undeposited funds so no payment is ever dropped.
func (m Mapping) Account(c Category) string {
	if a, ok := m[c]; ok && a != "" {
		return a
	}
	if len(c) > 9 && c[:9] == "clearing:" {
		return m[UndepositedFunds]
	}
	return ""
}
