package stocky

import "encoding/json"

// The records of the Stocky v2 API, field names as documented. Unknown
// fields are ignored on decode but each record keeps its raw JSON, so an
// archive import can store exactly what Stocky said.

// PurchaseOrder is a Stocky purchase order.
type PurchaseOrder struct {
	ID                       ID             `json:"id"`
	Number                   Text           `json:"number"`
	SequentialID             Text           `json:"sequential_id"`
	InvoiceNumber            Text           `json:"invoice_number"`
	InvoiceDate              Time           `json:"invoice_date"`
	CreatedAt                Time           `json:"created_at"`
	UpdatedAt                Time           `json:"updated_at"`
	GeneratedAt              Time           `json:"generated_at"`
	OrderedAt                Time           `json:"ordered_at"`
	ExpectedOn               Time           `json:"expected_on"`
	ShipOn                   Time           `json:"ship_on"`
	PaymentDueOn             Time           `json:"payment_due_on"`
	Archived                 Bool           `json:"archived"`
	Paid                     Bool           `json:"paid"`
	SupplierName             Text           `json:"supplier_name"`
	SupplierID               ID             `json:"supplier_id"`
	Currency                 Text           `json:"currency"`
	ShopifyReceiveLocationID ID             `json:"shopify_receive_location_id"`
	Adjustments              Decimal        `json:"adjustments"`
	AdjustmentsLocal         Decimal        `json:"adjustments_local"`
	Shipping                 Decimal        `json:"shipping"`
	ShippingLocal            Decimal        `json:"shipping_local"`
	ShippingTaxType          Text           `json:"shipping_tax_type"`
	PurchaseItems            []PurchaseItem `json:"purchase_items"`

	Raw json.RawMessage `json:"-"`
}

// PurchaseItem is one line of a purchase order. Stocky records no received
// quantity: only a status and the time the line was received.
type PurchaseItem struct {
	ID                ID      `json:"id"`
	SKU               Text    `json:"sku"`
	InventoryItemID   ID      `json:"inventory_item_id"`
	ProductTitle      Text    `json:"product_title"`
	VariantTitle      Text    `json:"variant_title"`
	Quantity          Int     `json:"quantity"`
	Status            Text    `json:"status"` // e.g. "not delivered", "received"
	RetailPrice       Decimal `json:"retail_price"`
	CostPrice         Decimal `json:"cost_price"`
	SupplierCostPrice Decimal `json:"supplier_cost_price"`
	AccountCode       Text    `json:"account_code"`
	TaxTypeID         ID      `json:"tax_type_id"`
	AccountingTaxType Text    `json:"accounting_tax_type"`
	ReceivedAt        Time    `json:"received_at"`
	UpdatedAt         Time    `json:"updated_at"`
}

// Supplier is a Stocky supplier.
type Supplier struct {
	ID            ID   `json:"id"`
	Name          Text `json:"name"`
	CompanyName   Text `json:"company_name"`
	AccountNumber Text `json:"account_number"`
	ContactName   Text `json:"contact_name"`
	ContactEmail  Text `json:"contact_email"`
	Address1      Text `json:"address1"`
	Address2      Text `json:"address2"`
	City          Text `json:"city"`
	ProvinceCode  Text `json:"province_code"`
	CountryName   Text `json:"country_name"`
	Zip           Text `json:"zip"`
	Phone         Text `json:"phone"`
	PhoneTollFree Text `json:"phone_toll_free"`
	Fax           Text `json:"fax"`
	IsHidden      Bool `json:"is_hidden"`
	CreatedAt     Time `json:"created_at"`
	UpdatedAt     Time `json:"updated_at"`

	Raw json.RawMessage `json:"-"`
}

// StockItem is one inventory item's quantity change in an adjustment or a
// transfer.
type StockItem struct {
	ID              ID      `json:"id"`
	InventoryItemID ID      `json:"inventory_item_id"`
	SKU             Text    `json:"sku"`
	Quantity        Int     `json:"quantity"`
	CostPrice       Decimal `json:"cost_price"`
}

// StockAdjustment is a stock count correction or write-off.
type StockAdjustment struct {
	ID                ID          `json:"id"`
	ShopifyLocationID ID          `json:"shopify_location_id"`
	Reason            Text        `json:"reason"`
	CreatedAt         Time        `json:"created_at"`
	UpdatedAt         Time        `json:"updated_at"`
	Items             []StockItem `json:"stock_adjustment_items"`

	Raw json.RawMessage `json:"-"`
}

// StockTransfer moves stock between locations.
type StockTransfer struct {
	ID             ID          `json:"id"`
	FromLocationID ID          `json:"from_location_id"`
	ToLocationID   ID          `json:"to_location_id"`
	Status         Text        `json:"status"`
	CreatedAt      Time        `json:"created_at"`
	UpdatedAt      Time        `json:"updated_at"`
	Items          []StockItem `json:"stock_transfer_items"`

	Raw json.RawMessage `json:"-"`
}

// resource describes one list endpoint: its path, the key its list is
// wrapped in, and the key a single record is wrapped in.
type resource struct {
	path, plural, singular string
}

var (
	resPurchaseOrders   = resource{"purchase_orders", "purchase_orders", "purchase_order"}
	resSuppliers        = resource{"suppliers", "suppliers", "supplier"}
	resStockAdjustments = resource{"stock_adjustments", "stock_adjustments", "stock_adjustment"}
	resStockTransfers   = resource{"stock_transfers", "stock_transfers", "stock_transfer"}
)
