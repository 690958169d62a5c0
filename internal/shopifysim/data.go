package shopifysim

import (
	"github.com/shopqb/shopqb/internal/shopify"
)

// Data is everything the simulator serves. Documents use the shopify model
// types so tests compare like with like; the executor serves them by
// marshalling each to its Admin GraphQL JSON shape.
type Data struct {
	Shop           shopify.Shop
	Locations      []shopify.Location
	Registers      []Register
	Customers      []shopify.Customer
	Products       []shopify.Product
	Orders         []shopify.Order
	Payouts        []shopify.Payout
	PurchaseOrders []shopify.PurchaseOrder // Source "shopify" (native) or "stocky"
	Suppliers      []Supplier              // Stocky's supplier list
	// StockAdjustments and StockTransfers are Stocky history.
	StockAdjustments []StockAdjustment
	StockTransfers   []StockTransfer
	// Jurisdictions are the tax rates charged at each location (by location
	// GID) and for online orders (key "online").
	Jurisdictions map[string][]Jurisdiction
}

// Register is a POS device at a location; POS orders carry it in
// sourceIdentifier ("<location>-<register>-<sequence>") and transactions in device.
type Register struct {
	ID         string // gid://shopify/PointOfSaleDevice/…
	LocationID string
	Name       string
}

// Supplier is a Stocky supplier (Shopify has no supplier object API; native
// purchase orders carry only a supplier-name snapshot).
type Supplier struct {
	ID   string
	Name string
}

// Jurisdiction is one tax authority's rate, as Shopify titles it on TaxLine.
type Jurisdiction struct {
	Title string
	// PPM is the rate in millionths (62500 = 6.25 %), exact for every US rate.
	PPM int64
}

// Rate renders the rate the way Shopify's TaxLine.rate does: a decimal fraction.
func (j Jurisdiction) Rate() string { return ppmFraction(j.PPM) }

// RatePercentage renders TaxLine.ratePercentage.
func (j Jurisdiction) RatePercentage() string { return ppmPercent(j.PPM) }

// orderIndex finds an order by GID.
func (d *Data) orderIndex(id string) int {
	for i := range d.Orders {
		if d.Orders[i].ID == id {
			return i
		}
	}
	return -1
}
