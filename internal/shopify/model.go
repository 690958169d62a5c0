package shopify

// The types in this file are the Shopify documents shopqb books from, in the
// shape of the Admin GraphQL API 2026-10: JSON field names are the schema's
// field names, money is a MoneyBag and only shopMoney is booked. A document is
// decoded straight from a GraphQL response (connections flattened to slices by
// the client) and stored as a source snapshot, so the planner always sees what
// Shopify said, not a reinterpretation.
//
// Fixture files for the simulator use the same shape, so any real order can be
// replayed by pasting its GraphQL JSON.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopqb/shopqb/internal/money"
)

// Money is Shopify's MoneyV2: a decimal amount and its currency.
type Money struct {
	Amount       money.Cents `json:"amount"`
	CurrencyCode string      `json:"currencyCode"`
}

// MoneyBag carries an amount in the shop's and in the customer's currency.
// shopqb books ShopMoney only.
type MoneyBag struct {
	ShopMoney Money `json:"shopMoney"`
	// PresentmentMoney is left out of a snapshot when empty, as it is unless
	// a query asks for it: it was a fifth of every order's stored JSON.
	PresentmentMoney Money `json:"presentmentMoney,omitzero"`
}

// Shop is the store itself.
type Shop struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	MyshopifyDomain string `json:"myshopifyDomain"`
	CurrencyCode    string `json:"currencyCode"`
	IanaTimezone    string `json:"ianaTimezone"`
	TaxesIncluded   bool   `json:"taxesIncluded"`
	PlanDisplayName string `json:"planDisplayName,omitempty"`
}

// Location is a shop location; POS orders carry theirs as Order.RetailLocation.
type Location struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	IsActive bool   `json:"isActive"`
}

// Customer is a Shopify customer.
type Customer struct {
	ID                  string    `json:"id"`
	LegacyResourceID    string    `json:"legacyResourceId,omitempty"`
	DisplayName         string    `json:"displayName"`
	FirstName           string    `json:"firstName,omitempty"`
	LastName            string    `json:"lastName,omitempty"`
	DefaultEmailAddress *Email    `json:"defaultEmailAddress,omitempty"`
	DefaultPhoneNumber  *Phone    `json:"defaultPhoneNumber,omitempty"`
	DefaultAddress      *Address  `json:"defaultAddress,omitempty"`
	TaxExempt           bool      `json:"taxExempt"`
	CreatedAt           time.Time `json:"createdAt"`
	UpdatedAt           time.Time `json:"updatedAt"`
}

// Email is CustomerEmailAddress.
type Email struct {
	EmailAddress string `json:"emailAddress"`
}

// Phone is CustomerPhoneNumber.
type Phone struct {
	PhoneNumber string `json:"phoneNumber"`
}

// Address is MailingAddress.
type Address struct {
	Address1      string `json:"address1,omitempty"`
	Address2      string `json:"address2,omitempty"`
	City          string `json:"city,omitempty"`
	ProvinceCode  string `json:"provinceCode,omitempty"`
	Zip           string `json:"zip,omitempty"`
	CountryCodeV2 string `json:"countryCodeV2,omitempty"`
}

// Product and its variants; the inventory item carries the unit cost.
type Product struct {
	ID          string           `json:"id"`
	Title       string           `json:"title"`
	ProductType string           `json:"productType"`
	Vendor      string           `json:"vendor"`
	IsGiftCard  bool             `json:"isGiftCard"`
	UpdatedAt   time.Time        `json:"updatedAt"`
	Variants    []ProductVariant `json:"variants"`
}

// ProductVariant is a sellable variant of a product.
type ProductVariant struct {
	ID            string         `json:"id"`
	SKU           string         `json:"sku"`
	Title         string         `json:"title"`
	DisplayName   string         `json:"displayName"`
	Price         money.Cents    `json:"price"`
	Taxable       bool           `json:"taxable"`
	InventoryItem *InventoryItem `json:"inventoryItem,omitempty"`
	Product       *ProductRef    `json:"product,omitempty"`
	UpdatedAt     time.Time      `json:"updatedAt"`
}

// ProductRef is the few product fields read alongside a variant.
type ProductRef struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	ProductType string `json:"productType"`
	Vendor      string `json:"vendor"`
}

// InventoryItem holds the unit cost used for COGS.
type InventoryItem struct {
	ID       string `json:"id"`
	SKU      string `json:"sku"`
	Tracked  bool   `json:"tracked"`
	UnitCost *Money `json:"unitCost,omitempty"`
}

// Order is a Shopify order, POS or online.
type Order struct {
	ID                     string     `json:"id"`
	LegacyResourceID       string     `json:"legacyResourceId,omitempty"`
	Name                   string     `json:"name"`
	CreatedAt              time.Time  `json:"createdAt"`
	ProcessedAt            time.Time  `json:"processedAt"`
	UpdatedAt              time.Time  `json:"updatedAt"`
	CancelledAt            *time.Time `json:"cancelledAt,omitempty"`
	CancelReason           string     `json:"cancelReason,omitempty"`
	Test                   bool       `json:"test"`
	SourceName             string     `json:"sourceName"`
	SourceIdentifier       string     `json:"sourceIdentifier,omitempty"`
	CurrencyCode           string     `json:"currencyCode"`
	TaxesIncluded          bool       `json:"taxesIncluded"`
	DisplayFinancialStatus string     `json:"displayFinancialStatus"`
	RetailLocation         *Location  `json:"retailLocation,omitempty"`
	Customer               *Customer  `json:"customer,omitempty"`
	PaymentGatewayNames    []string   `json:"paymentGatewayNames"`
	SubtotalPriceSet       MoneyBag   `json:"subtotalPriceSet"`
	TotalPriceSet          MoneyBag   `json:"totalPriceSet"`
	TotalTaxSet            MoneyBag   `json:"totalTaxSet"`
	TotalDiscountsSet      MoneyBag   `json:"totalDiscountsSet"`
	TotalShippingPriceSet  MoneyBag   `json:"totalShippingPriceSet"`
	TotalTipReceivedSet    MoneyBag   `json:"totalTipReceivedSet"`
	// SubtotalLineItemsQuantity is the units of the lines that make up the
	// subtotal: it leaves out tips and gift cards, which is how a tip line
	// is told apart when an order carries no agreements. Nil when not read.
	SubtotalLineItemsQuantity   *int                  `json:"subtotalLineItemsQuantity,omitempty"`
	TotalReceivedSet            MoneyBag              `json:"totalReceivedSet"`
	TotalRefundedSet            MoneyBag              `json:"totalRefundedSet"`
	CurrentTotalPriceSet        MoneyBag              `json:"currentTotalPriceSet"`
	TotalCashRoundingAdjustment *CashRounding         `json:"totalCashRoundingAdjustment,omitempty"`
	TaxLines                    []TaxLine             `json:"taxLines"`
	LineItems                   []LineItem            `json:"lineItems"`
	ShippingLines               []ShippingLine        `json:"shippingLines"`
	DiscountApplications        []DiscountApplication `json:"discountApplications"`
	Transactions                []OrderTransaction    `json:"transactions"`
	Refunds                     []Refund              `json:"refunds"`
	Agreements                  []SalesAgreement      `json:"agreements"`
}

// CashRounding is Order.totalCashRoundingAdjustment.
type CashRounding struct {
	PaymentSet MoneyBag `json:"paymentSet"`
	RefundSet  MoneyBag `json:"refundSet"`
}

// TaxLine is one tax jurisdiction's charge: title and rate identify the
// QuickBooks sales-tax item, PriceSet is Shopify's exact amount.
type TaxLine struct {
	Title          string      `json:"title"`
	Rate           DecimalText `json:"rate"` // decimal fraction as Shopify sends it, e.g. "0.0625"
	RatePercentage DecimalText `json:"ratePercentage,omitempty"`
	PriceSet       MoneyBag    `json:"priceSet"`
	ChannelLiable  bool        `json:"channelLiable"`
}

// LineItem is one line of an order.
type LineItem struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Title            string `json:"title"`
	VariantTitle     string `json:"variantTitle,omitempty"`
	SKU              string `json:"sku,omitempty"`
	Vendor           string `json:"vendor,omitempty"`
	Quantity         int    `json:"quantity"`
	CurrentQuantity  int    `json:"currentQuantity"`
	IsGiftCard       bool   `json:"isGiftCard"`
	Taxable          bool   `json:"taxable"`
	RequiresShipping bool   `json:"requiresShipping"`
	// NonFulfillableQuantity is the units that cannot be fulfilled: refunded
	// ones, and every unit of a tip. Nil when not read.
	NonFulfillableQuantity *int                 `json:"nonFulfillableQuantity,omitempty"`
	OriginalUnitPriceSet   MoneyBag             `json:"originalUnitPriceSet"`
	OriginalTotalSet       MoneyBag             `json:"originalTotalSet"`
	DiscountedTotalSet     MoneyBag             `json:"discountedTotalSet"`
	TotalDiscountSet       MoneyBag             `json:"totalDiscountSet"`
	DiscountAllocations    []DiscountAllocation `json:"discountAllocations"`
	TaxLines               []TaxLine            `json:"taxLines"`
	Variant                *ProductVariant      `json:"variant,omitempty"`
	Product                *ProductRef          `json:"product,omitempty"`
}

// DiscountAllocation is the part of a discount application that landed on a line.
type DiscountAllocation struct {
	AllocatedAmountSet  MoneyBag               `json:"allocatedAmountSet"`
	DiscountApplication DiscountApplicationRef `json:"discountApplication"`
}

// DiscountApplicationRef identifies the application an allocation came from.
type DiscountApplicationRef struct {
	// Typename, Code and Title say which application it is, as Shopify
	// serves the application itself here; shopqb reads the index only.
	Typename         string `json:"__typename,omitempty"`
	Code             string `json:"code,omitempty"`
	Title            string `json:"title,omitempty"`
	Index            int    `json:"index"`
	TargetSelection  string `json:"targetSelection,omitempty"` // ALL | ENTITLED | EXPLICIT
	TargetType       string `json:"targetType,omitempty"`      // LINE_ITEM | SHIPPING_LINE
	AllocationMethod string `json:"allocationMethod,omitempty"`
}

// DiscountApplication is one discount on the order (code, automatic, manual, script).
type DiscountApplication struct {
	Typename         string `json:"__typename,omitempty"`
	Index            int    `json:"index"`
	AllocationMethod string `json:"allocationMethod"`
	TargetSelection  string `json:"targetSelection"`
	TargetType       string `json:"targetType"`
	Code             string `json:"code,omitempty"`  // DiscountCodeApplication
	Title            string `json:"title,omitempty"` // Automatic/Manual/Script
}

// ShippingLine is one shipping charge.
type ShippingLine struct {
	ID                  string               `json:"id,omitempty"`
	Title               string               `json:"title"`
	Code                string               `json:"code,omitempty"`
	OriginalPriceSet    MoneyBag             `json:"originalPriceSet"`
	DiscountedPriceSet  MoneyBag             `json:"discountedPriceSet"`
	TaxLines            []TaxLine            `json:"taxLines"`
	DiscountAllocations []DiscountAllocation `json:"discountAllocations"`
	IsRemoved           bool                 `json:"isRemoved"`
}

// OrderTransaction is money moving (or not) on an order. Only SUCCESS
// SALE/CAPTURE/REFUND/CHANGE move money.
type OrderTransaction struct {
	ID                string           `json:"id"`
	Kind              string           `json:"kind"`
	Status            string           `json:"status"`
	Gateway           string           `json:"gateway"`
	FormattedGateway  string           `json:"formattedGateway,omitempty"`
	AmountSet         MoneyBag         `json:"amountSet"`
	AmountRoundingSet *MoneyBag        `json:"amountRoundingSet,omitempty"`
	ProcessedAt       time.Time        `json:"processedAt"`
	ParentTransaction *TransactionRef  `json:"parentTransaction,omitempty"`
	Fees              []TransactionFee `json:"fees"`
	Location          *Location        `json:"location,omitempty"`
	Test              bool             `json:"test"`
}

// TransactionRef points at another transaction.
type TransactionRef struct {
	ID string `json:"id"`
}

// TransactionFee is a Shopify Payments fee on a transaction.
type TransactionFee struct {
	Amount    Money  `json:"amount"`
	TaxAmount Money  `json:"taxAmount"`
	Type      string `json:"type"`
}

// Refund is a refund or return on an order.
type Refund struct {
	ID                  string               `json:"id"`
	LegacyResourceID    string               `json:"legacyResourceId,omitempty"`
	CreatedAt           time.Time            `json:"createdAt"`
	ProcessedAt         *time.Time           `json:"processedAt,omitempty"`
	UpdatedAt           time.Time            `json:"updatedAt"`
	Note                string               `json:"note,omitempty"`
	TotalRefundedSet    MoneyBag             `json:"totalRefundedSet"`
	RefundLineItems     []RefundLineItem     `json:"refundLineItems"`
	RefundShippingLines []RefundShippingLine `json:"refundShippingLines"`
	OrderAdjustments    []OrderAdjustment    `json:"orderAdjustments"`
	Transactions        []OrderTransaction   `json:"transactions"`
}

// RefundLineItem is a returned or refunded quantity of a line.
type RefundLineItem struct {
	LineItem    LineItemRef `json:"lineItem"`
	Quantity    int         `json:"quantity"`
	PriceSet    MoneyBag    `json:"priceSet"`
	SubtotalSet MoneyBag    `json:"subtotalSet"`
	TotalTaxSet MoneyBag    `json:"totalTaxSet"`
	RestockType string      `json:"restockType"` // RETURN | CANCEL | NO_RESTOCK | LEGACY_RESTOCK
	Restocked   bool        `json:"restocked"`
	Location    *Location   `json:"location,omitempty"`
}

// LineItemRef points at the order line a refund line returns.
type LineItemRef struct {
	ID  string `json:"id"`
	SKU string `json:"sku,omitempty"`
}

// RefundShippingLine is refunded shipping.
type RefundShippingLine struct {
	SubtotalAmountSet MoneyBag `json:"subtotalAmountSet"`
	TaxAmountSet      MoneyBag `json:"taxAmountSet"`
}

// OrderAdjustment is the gap between the calculated and the actual refund
// (restocking fee, goodwill, discrepancy).
type OrderAdjustment struct {
	ID           string   `json:"id,omitempty"`
	AmountSet    MoneyBag `json:"amountSet"`
	TaxAmountSet MoneyBag `json:"taxAmountSet"`
	Reason       string   `json:"reason"`
}

// SalesAgreement is one dated event in the order's sales ledger: the order
// itself, an edit, a refund or a return.
type SalesAgreement struct {
	Typename   string    `json:"__typename,omitempty"`
	ID         string    `json:"id"`
	HappenedAt time.Time `json:"happenedAt"`
	Reason     string    `json:"reason"` // ORDER | ORDER_EDIT | REFUND | RETURN
	Sales      []Sale    `json:"sales"`
}

// Sale is one line of an agreement.
type Sale struct {
	Typename                      string       `json:"__typename,omitempty"`
	ID                            string       `json:"id"`
	ActionType                    string       `json:"actionType"` // ORDER | RETURN | UPDATE
	LineType                      string       `json:"lineType"`   // PRODUCT | TIP | GIFT_CARD | SHIPPING | ...
	Quantity                      *int         `json:"quantity,omitempty"`
	TotalAmount                   MoneyBag     `json:"totalAmount"`
	TotalTaxAmount                MoneyBag     `json:"totalTaxAmount"`
	TotalDiscountAmountAfterTaxes MoneyBag     `json:"totalDiscountAmountAfterTaxes"`
	Taxes                         []SaleTax    `json:"taxes"`
	LineItem                      *LineItemRef `json:"lineItem,omitempty"`
}

// SaleTax is a sale's tax per tax line.
type SaleTax struct {
	Amount  MoneyBag `json:"amount"`
	TaxLine TaxLine  `json:"taxLine"`
}

// Payout is a Shopify Payments payout; its balance transactions explain the net.
type Payout struct {
	ID                  string               `json:"id"`
	LegacyResourceID    string               `json:"legacyResourceId,omitempty"`
	IssuedAt            time.Time            `json:"issuedAt"`
	Status              string               `json:"status"`
	TransactionType     string               `json:"transactionType"`
	Net                 Money                `json:"net"`
	BalanceTransactions []BalanceTransaction `json:"balanceTransactions"`
}

// BalanceTransaction is one movement inside a payout.
type BalanceTransaction struct {
	ID                       string    `json:"id"`
	Type                     string    `json:"type"`       // CHARGE, REFUND, ADJUSTMENT, DISPUTE_WITHDRAWAL, ...
	SourceType               string    `json:"sourceType"` // CHARGE | REFUND | ADJUSTMENT | DISPUTE | ...
	Amount                   Money     `json:"amount"`
	Fee                      Money     `json:"fee"`
	Net                      Money     `json:"net"`
	TransactionDate          time.Time `json:"transactionDate"`
	SourceOrderTransactionID string    `json:"sourceOrderTransactionId,omitempty"`
	AssociatedOrder          *OrderRef `json:"associatedOrder,omitempty"`
	AdjustmentReason         string    `json:"adjustmentReason,omitempty"`
	Test                     bool      `json:"test"`
}

// OrderRef names an order.
type OrderRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// PurchaseOrder is a native Shopify inventory purchase order (unstable API)
// or a Stocky purchase order mapped to the same shape.
type PurchaseOrder struct {
	ID           string              `json:"id"`
	Name         string              `json:"name"`
	Status       string              `json:"status"` // DRAFT | ORDERED | PARTIALLY_RECEIVED | RECEIVED | CLOSED | CANCELLED
	SupplierName string              `json:"supplierName"`
	SupplierID   string              `json:"supplierId,omitempty"`
	OrderedAt    *time.Time          `json:"orderedAt,omitempty"`
	ExpectedAt   *time.Time          `json:"expectedAt,omitempty"`
	Destination  *Location           `json:"destination,omitempty"`
	CurrencyCode string              `json:"currencyCode"`
	UpdatedAt    time.Time           `json:"updatedAt"`
	LineItems    []PurchaseOrderLine `json:"lineItems"`
	Receipts     []PurchaseReceipt   `json:"receipts"`
	Source       string              `json:"source"` // "shopify" | "stocky" | "stocky-archive"
	// Shipping and Adjustments are header charges on a Stocky purchase
	// order, in the shop currency (native purchase orders expose none).
	Shipping    money.Cents `json:"shipping,omitempty"`
	Adjustments money.Cents `json:"adjustments,omitempty"`
}

// PurchaseOrderLine is one ordered variant.
type PurchaseOrderLine struct {
	ID        string      `json:"id"`
	VariantID string      `json:"variantId"`
	SKU       string      `json:"sku"`
	Title     string      `json:"title"`
	Quantity  int         `json:"quantity"`
	UnitCost  money.Cents `json:"unitCost"`
	// InventoryItemID is the line's inventory item GID: Stocky lines name
	// the item, not the variant.
	InventoryItemID string `json:"inventoryItemId,omitempty"`
}

// PurchaseReceipt is stock received against a purchase order on a date.
type PurchaseReceipt struct {
	ID         string                `json:"id"`
	ReceivedAt time.Time             `json:"receivedAt"`
	Lines      []PurchaseReceiptLine `json:"lines"`
}

// PurchaseReceiptLine is a received quantity of one purchase-order line.
type PurchaseReceiptLine struct {
	LineID   string `json:"lineId"`
	Quantity int    `json:"quantity"`
}

// DecimalText is a Shopify Float the model keeps as its exact decimal
// text (a tax rate): taken as Shopify sends it (a JSON number) or as a
// snapshot stores it (a string), it never passes through a float. It is a
// type of its own, not a method of TaxLine, so that decoding a tax line
// decodes its rates in place: a TaxLine.UnmarshalJSON decoding the whole
// line again was a fifth of the cost of decoding an order.
type DecimalText string

// UnmarshalJSON keeps a JSON number's literal text, or a JSON string's value.
func (d *DecimalText) UnmarshalJSON(b []byte) error {
	s, err := decimalText(b)
	if err != nil {
		return fmt.Errorf("decimal: %w", err)
	}
	*d = DecimalText(s)
	return nil
}

// plainString reports whether raw is a JSON string of printable ASCII
// without escapes, whose value is the text between its quotes.
func plainString(raw []byte) bool {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return false
	}
	for _, c := range raw[1 : len(raw)-1] {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// decimalText is a JSON number's literal text, or a JSON string's value.
func decimalText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", nil
	case plainString(raw):
		// Such a string's value is its text between the quotes; decoding
		// it again showed in profiles of a back-fill.
		return string(raw[1 : len(raw)-1]), nil
	case raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		// A JSON value (the decoder checked it) that starts so is a number,
		// and its text is the literal.
		return string(raw), nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", err
	}
	return n.String(), nil
}
