package shopifysim

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// The fixed parts of the demo shop: locations with their tax jurisdictions,
// a catalogue and a customer list chosen to exercise what breaks QuickBooks
// exports (non-Latin names, names past 41 characters, SKUs past 31).

type locationSpec struct {
	name      string
	registers int
	rates     []Jurisdiction
	inclusive bool // prices include tax (the Vancouver pop-up)
	cashRound bool // cash is rounded to 0.05 there
}

var locationSpecs = []locationSpec{
	{name: "Brooklyn Flagship", registers: 3, rates: []Jurisdiction{
		{"New York State Tax", 40_000}, {"New York City Tax", 45_000}, {"Metropolitan Commuter Transportation District", 3_750}}},
	{name: "Chicago Loop", registers: 2, rates: []Jurisdiction{
		{"Illinois State Tax", 62_500}, {"Cook County Tax", 17_500}, {"Chicago City Tax", 12_500}, {"Regional Transportation Authority", 10_000}}},
	{name: "Seattle Pike Place", registers: 2, rates: []Jurisdiction{
		{"Washington State Tax", 65_000}, {"Seattle City Tax", 38_500}}},
	{name: "Vancouver Pop-up", registers: 1, inclusive: true, cashRound: true, rates: []Jurisdiction{
		{"GST", 50_000}, {"BC PST", 70_000}}},
	{name: "Warehouse (online fulfilment)", registers: 0},
}

// onlineRates is the destination tax for online orders, shipped to New Jersey.
var onlineRates = []Jurisdiction{{"New Jersey State Tax", 66_250}}

type productSpec struct {
	title, productType, vendor string
	giftCard                   bool
	variants                   []variantSpec
}

type variantSpec struct {
	title, sku    string
	price, cost   string
	taxable       bool
	untrackedCost bool
}

var productSpecs = []productSpec{
	{"Classic Cotton Tee", "Apparel", "Northwind Textiles", false, []variantSpec{
		{"Small / Black", "TEE-CLS-S-BLK", "24.00", "7.80", true, false},
		{"Medium / Black", "TEE-CLS-M-BLK", "24.00", "7.80", true, false},
		{"Large / Heather Grey", "TEE-CLS-L-HGR", "26.00", "8.15", true, false}}},
	{"Merino Crew Sweater", "Apparel", "Highland Wool Co.", false, []variantSpec{
		{"Medium / Oatmeal", "SWT-MER-M-OAT", "118.00", "41.30", true, false},
		{"Large / Navy", "SWT-MER-L-NAV", "118.00", "41.30", true, false}}},
	{"Ceramic Pour-Over Set", "Homewares", "Kiln & Co", false, []variantSpec{
		{"Default Title", "HOME-CERAMIC-POUROVER-SET-WHITE-GLAZE-01", "64.99", "22.10", true, false}}},
	{"Single-Origin Coffee Beans 340 g", "Grocery", "Roastery 29", false, []variantSpec{
		{"Whole Bean", "COF-SO-340-WB", "18.50", "6.02", true, false},
		{"Ground", "COF-SO-340-GR", "18.50", "6.02", true, false}}},
	{"Hand-Bound Notebook", "Stationery", "Papier Atelier", false, []variantSpec{
		{"A5 / Dotted", "NB-A5-DOT", "16.75", "4.40", true, false},
		{"A5 / Lined", "NB-A5-LIN", "16.75", "4.40", true, false}}},
	{"Waxed Canvas Weekender Bag with Leather Trim and Brass Hardware", "Bags", "Northwind Textiles", false, []variantSpec{
		{"Olive", "BAG-WKND-WAXED-CANVAS-LEATHER-TRIM-OLIVE", "249.00", "96.75", true, false}}},
	{"Beeswax Candle", "Homewares", "Kiln & Co", false, []variantSpec{
		{"Small", "CND-BW-SM", "12.00", "3.33", true, false},
		{"Large", "CND-BW-LG", "29.00", "8.97", true, false}}},
	{"Children's Rain Boots", "Footwear", "Puddle Jumpers", false, []variantSpec{
		{"Size 10 / Yellow", "BOOT-KID-10-YEL", "39.00", "14.60", false, false}}},
	{"Bakery Gift Box", "Grocery", "Roastery 29", false, []variantSpec{
		{"Default Title", "BAKE-BOX", "22.00", "9.50", false, true}}},
	{"Gift Card", "Gift Cards", "Demo Store", true, []variantSpec{
		{"$25", "", "25.00", "", false, true},
		{"$50", "", "50.00", "", false, true},
		{"$100", "", "100.00", "", false, true}}},
}

var customerNames = []struct{ first, last string }{
	{"김", "민준"}, {"José", "Müller"}, {"Maximiliana Alexandrina", "Wolfeschlegelsteinhausen-Bergerdorff"},
	{"Amélie", "Côté-Ø'Brien"}, {"Ava", "Thompson"}, {"Liam", "Nguyen"}, {"王", "秀英"}, {"Noah", "Patel"},
	{"Sofía", "Hernández"}, {"Olivia", "Smith"}, {"Ethan", "Okafor"}, {"Chloé", "Dubois"}, {"Mia", "Johnson"},
	{"Lucas", "García"}, {"Isabella", "Rossi"}, {"Jürgen", "Weiß"}, {"Hana", "Tanaka"}, {"Zoë", "Martin"},
	{"Acme Corporation Procurement Department", "Accounts Payable Team"}, {"Björk", "Guðmundsdóttir"},
}

// ids hands out GIDs with per-type counters so every run with the same seed
// produces the same identifiers.
type ids struct{ next map[string]int64 }

func newIDs() *ids { return &ids{next: map[string]int64{}} }

var idBase = map[string]int64{
	"Order": 5_100_000_000_000, "LineItem": 13_200_000_000_000, "OrderTransaction": 6_300_000_000_000,
	"Refund": 910_000_000_000, "Customer": 7_400_000_000_000, "Product": 8_500_000_000_000,
	"ProductVariant": 42_600_000_000_000, "InventoryItem": 44_700_000_000_000, "Location": 70_000_000_000,
	"ShopifyPaymentsPayout": 98_000_000, "ShopifyPaymentsBalanceTransaction": 2_400_000_000,
	"InventoryPurchaseOrder": 3_000_000, "InventoryPurchaseOrderLineItem": 5_000_000,
	"PointOfSaleDevice": 180_000_000, "OrderAgreement": 17_000_000_000, "Sale": 29_000_000_000,
	"ShippingLine": 4_100_000_000_000, "OrderAdjustment": 260_000_000_000,
}

func (g *ids) gid(typ string) string {
	g.next[typ]++
	return fmt.Sprintf("gid://shopify/%s/%d", typ, idBase[typ]+g.next[typ])
}

func buildLocations(g *ids, data *Data) []locationSpec {
	data.Jurisdictions = map[string][]Jurisdiction{"online": onlineRates}
	for _, spec := range locationSpecs {
		loc := shopify.Location{ID: g.gid("Location"), Name: spec.name, IsActive: true}
		data.Locations = append(data.Locations, loc)
		data.Jurisdictions[loc.ID] = spec.rates
		for r := 1; r <= spec.registers; r++ {
			data.Registers = append(data.Registers, Register{
				ID: g.gid("PointOfSaleDevice"), LocationID: loc.ID, Name: fmt.Sprintf("%s register %d", spec.name, r),
			})
		}
	}
	return locationSpecs
}

func buildCatalog(g *ids, data *Data, currency string, at time.Time) {
	for _, ps := range productSpecs {
		p := shopify.Product{ID: g.gid("Product"), Title: ps.title, ProductType: ps.productType, Vendor: ps.vendor,
			IsGiftCard: ps.giftCard, UpdatedAt: at, Variants: []shopify.ProductVariant{}}
		ref := &shopify.ProductRef{ID: p.ID, Title: p.Title, ProductType: p.ProductType, Vendor: p.Vendor}
		for _, vs := range ps.variants {
			item := &shopify.InventoryItem{ID: g.gid("InventoryItem"), SKU: vs.sku, Tracked: !ps.giftCard}
			if vs.cost != "" {
				item.UnitCost = &shopify.Money{Amount: money.MustParse(vs.cost), CurrencyCode: currency}
			}
			p.Variants = append(p.Variants, shopify.ProductVariant{
				ID: g.gid("ProductVariant"), SKU: vs.sku, Title: vs.title, DisplayName: p.Title + " - " + vs.title,
				Price: money.MustParse(vs.price), Taxable: vs.taxable && !ps.giftCard, InventoryItem: item,
				Product: ref, UpdatedAt: at,
			})
		}
		data.Products = append(data.Products, p)
	}
}

func buildCustomers(g *ids, data *Data, rng *rand.Rand, at time.Time) {
	for i, n := range customerNames {
		c := shopify.Customer{ID: g.gid("Customer"), FirstName: n.first, LastName: n.last,
			DisplayName: n.first + " " + n.last, TaxExempt: i == 18,
			CreatedAt: at.Add(-time.Duration(30+rng.IntN(300)) * 24 * time.Hour)}
		c.UpdatedAt = c.CreatedAt.Add(time.Duration(rng.IntN(20)) * 24 * time.Hour)
		c.LegacyResourceID = gidNumber(c.ID)
		if i%3 != 2 {
			c.DefaultEmailAddress = &shopify.Email{EmailAddress: fmt.Sprintf("customer%02d@example.com", i+1)}
		}
		if i%4 == 1 {
			c.DefaultPhoneNumber = &shopify.Phone{PhoneNumber: fmt.Sprintf("+1212555%04d", 100+i)}
		}
		c.DefaultAddress = &shopify.Address{Address1: fmt.Sprintf("%d Example Street", 10+i*7), City: "Hoboken",
			ProvinceCode: "NJ", Zip: "07030", CountryCodeV2: "US"}
		data.Customers = append(data.Customers, c)
	}
}
