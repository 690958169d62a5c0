package shopify

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/shopqb/shopqb/internal/money"
)

// EncodeStored encodes v as a snapshot stores it: exactly as
// encoding/json.Marshal does. An Order, which every back-fill encodes once
// each, is written by hand (encodeOrder): encoding/json spent most of it
// walking the type through reflection. Anything encodeOrder cannot write
// (a time outside the years JSON times may have) is left to
// encoding/json, so its error is encoding/json's.
func EncodeStored(v any) ([]byte, error) {
	if o, ok := v.(*Order); ok && o != nil {
		if b, ok := encodeOrder(o); ok {
			return b, nil
		}
	}
	return json.Marshal(v)
}

// encodeOrder writes o as encoding/json.Marshal does, field by field in
// their declared order, under their tag names, leaving out what the tags'
// omitempty and omitzero leave out. TestEncodeOrderHandlesEveryField
// fails when a field is missing here.
//
// Slices are written by loops of their own rather than by a function
// taking each element's writer: calling through a func value made the
// encoder escape to the heap, and every append then paid a write barrier.
func encodeOrder(o *Order) ([]byte, bool) {
	scratch := encodeBuffers.Get().(*[]byte)
	e := orderEncoder{b: (*scratch)[:0]}
	e.order(o)
	// The snapshot gets a copy of its own size, as json.Marshal gives;
	// the scratch, grown to the largest order, serves the next one.
	out := bytes.Clone(e.b)
	*scratch = e.b
	encodeBuffers.Put(scratch)
	return out, !e.bad
}

var encodeBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// orderEncoder appends JSON to b. first says whether the object being
// written has no member yet.
type orderEncoder struct {
	b     []byte
	first bool
	bad   bool
}

func (e *orderEncoder) open() {
	e.b = append(e.b, '{')
	e.first = true
}

func (e *orderEncoder) close() {
	e.b = append(e.b, '}')
	e.first = false
}

// key writes a member's name (a tag name, which needs no escaping).
func (e *orderEncoder) key(name string) {
	if !e.first {
		e.b = append(e.b, ',')
	}
	e.first = false
	e.b = append(e.b, '"')
	e.b = append(e.b, name...)
	e.b = append(e.b, '"', ':')
}

func (e *orderEncoder) str(name, s string) {
	e.key(name)
	e.b = appendJSONString(e.b, s)
}

// strOmit is str for an omitempty field.
func (e *orderEncoder) strOmit(name, s string) {
	if s != "" {
		e.str(name, s)
	}
}

func (e *orderEncoder) boolean(name string, v bool) {
	e.key(name)
	e.b = strconv.AppendBool(e.b, v)
}

func (e *orderEncoder) integer(name string, n int) {
	e.key(name)
	e.b = strconv.AppendInt(e.b, int64(n), 10)
}

// time writes t as its MarshalJSON does (a quoted RFC 3339 text, which
// needs no escaping); a time it refuses sends the order to encoding/json.
func (e *orderEncoder) time(name string, t time.Time) {
	e.key(name)
	e.b = append(e.b, '"')
	b, err := t.AppendText(e.b)
	if err != nil {
		e.bad = true
		return
	}
	e.b = append(b, '"')
}

// cents writes an amount as encoding/json writes its MarshalText: a
// string (of digits, a sign and a point, which need no escaping).
func (e *orderEncoder) cents(name string, c money.Cents) {
	e.key(name)
	text, _ := c.MarshalText() // never fails
	e.b = append(e.b, '"')
	e.b = append(e.b, text...)
	e.b = append(e.b, '"')
}

func (e *orderEncoder) money(name string, m *Money) {
	e.key(name)
	e.open()
	e.cents("amount", m.Amount)
	e.str("currencyCode", m.CurrencyCode)
	e.close()
}

// moneyBag writes a MoneyBag; PresentmentMoney is omitzero.
func (e *orderEncoder) moneyBag(name string, m *MoneyBag) {
	e.key(name)
	e.open()
	e.money("shopMoney", &m.ShopMoney)
	if m.PresentmentMoney != (Money{}) {
		e.money("presentmentMoney", &m.PresentmentMoney)
	}
	e.close()
}

// appendJSONString appends s quoted as encoding/json quotes a string by
// default: <, > and & escaped for HTML, control characters escaped (the
// five with short escapes by them), invalid UTF-8 as U+FFFD, and U+2028
// and U+2029 escaped.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func (e *orderEncoder) order(v *Order) {
	e.open()
	e.str("id", v.ID)
	e.strOmit("legacyResourceId", v.LegacyResourceID)
	e.str("name", v.Name)
	e.time("createdAt", v.CreatedAt)
	e.time("processedAt", v.ProcessedAt)
	e.time("updatedAt", v.UpdatedAt)
	if v.CancelledAt != nil {
		e.time("cancelledAt", *v.CancelledAt)
	}
	e.strOmit("cancelReason", v.CancelReason)
	e.boolean("test", v.Test)
	e.str("sourceName", v.SourceName)
	e.strOmit("sourceIdentifier", v.SourceIdentifier)
	e.str("currencyCode", v.CurrencyCode)
	e.boolean("taxesIncluded", v.TaxesIncluded)
	e.str("displayFinancialStatus", v.DisplayFinancialStatus)
	if v.RetailLocation != nil {
		e.key("retailLocation")
		e.location(v.RetailLocation)
	}
	if v.Customer != nil {
		e.key("customer")
		e.customer(v.Customer)
	}
	e.key("paymentGatewayNames")
	if v.PaymentGatewayNames == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.PaymentGatewayNames {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.b = appendJSONString(e.b, v.PaymentGatewayNames[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.moneyBag("subtotalPriceSet", &v.SubtotalPriceSet)
	e.moneyBag("totalPriceSet", &v.TotalPriceSet)
	e.moneyBag("totalTaxSet", &v.TotalTaxSet)
	e.moneyBag("totalDiscountsSet", &v.TotalDiscountsSet)
	e.moneyBag("totalShippingPriceSet", &v.TotalShippingPriceSet)
	e.moneyBag("totalTipReceivedSet", &v.TotalTipReceivedSet)
	if v.SubtotalLineItemsQuantity != nil {
		e.integer("subtotalLineItemsQuantity", *v.SubtotalLineItemsQuantity)
	}
	e.moneyBag("totalReceivedSet", &v.TotalReceivedSet)
	e.moneyBag("totalRefundedSet", &v.TotalRefundedSet)
	e.moneyBag("currentTotalPriceSet", &v.CurrentTotalPriceSet)
	if v.TotalCashRoundingAdjustment != nil {
		e.key("totalCashRoundingAdjustment")
		e.cashRounding(v.TotalCashRoundingAdjustment)
	}
	e.key("taxLines")
	if v.TaxLines == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.TaxLines {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.taxLine(&v.TaxLines[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.key("lineItems")
	if v.LineItems == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.LineItems {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.lineItem(&v.LineItems[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.key("shippingLines")
	if v.ShippingLines == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.ShippingLines {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.shippingLine(&v.ShippingLines[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.key("discountApplications")
	if v.DiscountApplications == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.DiscountApplications {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.discountApplication(&v.DiscountApplications[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.key("transactions")
	if v.Transactions == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.Transactions {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.transaction(&v.Transactions[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.key("refunds")
	if v.Refunds == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.Refunds {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.refund(&v.Refunds[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.key("agreements")
	if v.Agreements == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.Agreements {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.agreement(&v.Agreements[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.close()
}

func (e *orderEncoder) location(v *Location) {
	e.open()
	e.str("id", v.ID)
	e.str("name", v.Name)
	e.boolean("isActive", v.IsActive)
	e.close()
}

func (e *orderEncoder) customer(v *Customer) {
	e.open()
	e.str("id", v.ID)
	e.strOmit("legacyResourceId", v.LegacyResourceID)
	e.str("displayName", v.DisplayName)
	e.strOmit("firstName", v.FirstName)
	e.strOmit("lastName", v.LastName)
	if v.DefaultEmailAddress != nil {
		e.key("defaultEmailAddress")
		e.email(v.DefaultEmailAddress)
	}
	if v.DefaultPhoneNumber != nil {
		e.key("defaultPhoneNumber")
		e.phone(v.DefaultPhoneNumber)
	}
	if v.DefaultAddress != nil {
		e.key("defaultAddress")
		e.address(v.DefaultAddress)
	}
	e.boolean("taxExempt", v.TaxExempt)
	e.time("createdAt", v.CreatedAt)
	e.time("updatedAt", v.UpdatedAt)
	e.close()
}

func (e *orderEncoder) email(v *Email) {
	e.open()
	e.str("emailAddress", v.EmailAddress)
	e.close()
}

func (e *orderEncoder) phone(v *Phone) {
	e.open()
	e.str("phoneNumber", v.PhoneNumber)
	e.close()
}

func (e *orderEncoder) address(v *Address) {
	e.open()
	e.strOmit("address1", v.Address1)
	e.strOmit("address2", v.Address2)
	e.strOmit("city", v.City)
	e.strOmit("provinceCode", v.ProvinceCode)
	e.strOmit("zip", v.Zip)
	e.strOmit("countryCodeV2", v.CountryCodeV2)
	e.close()
}

func (e *orderEncoder) cashRounding(v *CashRounding) {
	e.open()
	e.moneyBag("paymentSet", &v.PaymentSet)
	e.moneyBag("refundSet", &v.RefundSet)
	e.close()
}

func (e *orderEncoder) taxLine(v *TaxLine) {
	e.open()
	e.str("title", v.Title)
	e.str("rate", string(v.Rate))
	e.strOmit("ratePercentage", string(v.RatePercentage))
	e.moneyBag("priceSet", &v.PriceSet)
	e.boolean("channelLiable", v.ChannelLiable)
	e.close()
}

func (e *orderEncoder) lineItem(v *LineItem) {
	e.open()
	e.str("id", v.ID)
	e.str("name", v.Name)
	e.str("title", v.Title)
	e.strOmit("variantTitle", v.VariantTitle)
	e.strOmit("sku", v.SKU)
	e.strOmit("vendor", v.Vendor)
	e.integer("quantity", v.Quantity)
	e.integer("currentQuantity", v.CurrentQuantity)
	e.boolean("isGiftCard", v.IsGiftCard)
	e.boolean("taxable", v.Taxable)
	e.boolean("requiresShipping", v.RequiresShipping)
	if v.NonFulfillableQuantity != nil {
		e.integer("nonFulfillableQuantity", *v.NonFulfillableQuantity)
	}
	e.moneyBag("originalUnitPriceSet", &v.OriginalUnitPriceSet)
	e.moneyBag("originalTotalSet", &v.OriginalTotalSet)
	e.moneyBag("discountedTotalSet", &v.DiscountedTotalSet)
	e.moneyBag("totalDiscountSet", &v.TotalDiscountSet)
	e.key("discountAllocations")
	if v.DiscountAllocations == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.DiscountAllocations {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.discountAllocation(&v.DiscountAllocations[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.key("taxLines")
	if v.TaxLines == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.TaxLines {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.taxLine(&v.TaxLines[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	if v.Variant != nil {
		e.key("variant")
		e.productVariant(v.Variant)
	}
	if v.Product != nil {
		e.key("product")
		e.productRef(v.Product)
	}
	e.close()
}

func (e *orderEncoder) discountAllocation(v *DiscountAllocation) {
	e.open()
	e.moneyBag("allocatedAmountSet", &v.AllocatedAmountSet)
	e.key("discountApplication")
	e.discountApplicationRef(&v.DiscountApplication)
	e.close()
}

func (e *orderEncoder) discountApplicationRef(v *DiscountApplicationRef) {
	e.open()
	e.strOmit("__typename", v.Typename)
	e.strOmit("code", v.Code)
	e.strOmit("title", v.Title)
	e.integer("index", v.Index)
	e.strOmit("targetSelection", v.TargetSelection)
	e.strOmit("targetType", v.TargetType)
	e.strOmit("allocationMethod", v.AllocationMethod)
	e.close()
}

func (e *orderEncoder) productVariant(v *ProductVariant) {
	e.open()
	e.str("id", v.ID)
	e.str("sku", v.SKU)
	e.str("title", v.Title)
	e.str("displayName", v.DisplayName)
	e.cents("price", v.Price)
	e.boolean("taxable", v.Taxable)
	if v.InventoryItem != nil {
		e.key("inventoryItem")
		e.inventoryItem(v.InventoryItem)
	}
	if v.Product != nil {
		e.key("product")
		e.productRef(v.Product)
	}
	e.time("updatedAt", v.UpdatedAt)
	e.close()
}

func (e *orderEncoder) productRef(v *ProductRef) {
	e.open()
	e.str("id", v.ID)
	e.str("title", v.Title)
	e.str("productType", v.ProductType)
	e.str("vendor", v.Vendor)
	e.close()
}

func (e *orderEncoder) inventoryItem(v *InventoryItem) {
	e.open()
	e.str("id", v.ID)
	e.str("sku", v.SKU)
	e.boolean("tracked", v.Tracked)
	if v.UnitCost != nil {
		e.money("unitCost", v.UnitCost)
	}
	e.close()
}

func (e *orderEncoder) discountApplication(v *DiscountApplication) {
	e.open()
	e.strOmit("__typename", v.Typename)
	e.integer("index", v.Index)
	e.str("allocationMethod", v.AllocationMethod)
	e.str("targetSelection", v.TargetSelection)
	e.str("targetType", v.TargetType)
	e.strOmit("code", v.Code)
	e.strOmit("title", v.Title)
	e.close()
}

func (e *orderEncoder) shippingLine(v *ShippingLine) {
	e.open()
	e.strOmit("id", v.ID)
	e.str("title", v.Title)
	e.strOmit("code", v.Code)
	e.moneyBag("originalPriceSet", &v.OriginalPriceSet)
	e.moneyBag("discountedPriceSet", &v.DiscountedPriceSet)
	e.key("taxLines")
	if v.TaxLines == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.TaxLines {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.taxLine(&v.TaxLines[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.key("discountAllocations")
	if v.DiscountAllocations == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.DiscountAllocations {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.discountAllocation(&v.DiscountAllocations[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.boolean("isRemoved", v.IsRemoved)
	e.close()
}

func (e *orderEncoder) transaction(v *OrderTransaction) {
	e.open()
	e.str("id", v.ID)
	e.str("kind", v.Kind)
	e.str("status", v.Status)
	e.str("gateway", v.Gateway)
	e.strOmit("formattedGateway", v.FormattedGateway)
	e.moneyBag("amountSet", &v.AmountSet)
	if v.AmountRoundingSet != nil {
		e.moneyBag("amountRoundingSet", v.AmountRoundingSet)
	}
	e.time("processedAt", v.ProcessedAt)
	if v.ParentTransaction != nil {
		e.key("parentTransaction")
		e.transactionRef(v.ParentTransaction)
	}
	e.key("fees")
	if v.Fees == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.Fees {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.transactionFee(&v.Fees[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	if v.Location != nil {
		e.key("location")
		e.location(v.Location)
	}
	e.boolean("test", v.Test)
	e.close()
}

func (e *orderEncoder) transactionRef(v *TransactionRef) {
	e.open()
	e.str("id", v.ID)
	e.close()
}

func (e *orderEncoder) transactionFee(v *TransactionFee) {
	e.open()
	e.money("amount", &v.Amount)
	e.money("taxAmount", &v.TaxAmount)
	e.str("type", v.Type)
	e.close()
}

func (e *orderEncoder) refund(v *Refund) {
	e.open()
	e.str("id", v.ID)
	e.strOmit("legacyResourceId", v.LegacyResourceID)
	e.time("createdAt", v.CreatedAt)
	if v.ProcessedAt != nil {
		e.time("processedAt", *v.ProcessedAt)
	}
	e.time("updatedAt", v.UpdatedAt)
	e.strOmit("note", v.Note)
	e.moneyBag("totalRefundedSet", &v.TotalRefundedSet)
	e.key("refundLineItems")
	if v.RefundLineItems == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.RefundLineItems {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.refundLineItem(&v.RefundLineItems[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.key("refundShippingLines")
	if v.RefundShippingLines == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.RefundShippingLines {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.refundShippingLine(&v.RefundShippingLines[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.key("orderAdjustments")
	if v.OrderAdjustments == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.OrderAdjustments {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.orderAdjustment(&v.OrderAdjustments[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.key("transactions")
	if v.Transactions == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.Transactions {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.transaction(&v.Transactions[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.close()
}

func (e *orderEncoder) refundLineItem(v *RefundLineItem) {
	e.open()
	e.key("lineItem")
	e.lineItemRef(&v.LineItem)
	e.integer("quantity", v.Quantity)
	e.moneyBag("priceSet", &v.PriceSet)
	e.moneyBag("subtotalSet", &v.SubtotalSet)
	e.moneyBag("totalTaxSet", &v.TotalTaxSet)
	e.str("restockType", v.RestockType)
	e.boolean("restocked", v.Restocked)
	if v.Location != nil {
		e.key("location")
		e.location(v.Location)
	}
	e.close()
}

func (e *orderEncoder) lineItemRef(v *LineItemRef) {
	e.open()
	e.str("id", v.ID)
	e.strOmit("sku", v.SKU)
	e.close()
}

func (e *orderEncoder) refundShippingLine(v *RefundShippingLine) {
	e.open()
	e.moneyBag("subtotalAmountSet", &v.SubtotalAmountSet)
	e.moneyBag("taxAmountSet", &v.TaxAmountSet)
	e.close()
}

func (e *orderEncoder) orderAdjustment(v *OrderAdjustment) {
	e.open()
	e.strOmit("id", v.ID)
	e.moneyBag("amountSet", &v.AmountSet)
	e.moneyBag("taxAmountSet", &v.TaxAmountSet)
	e.str("reason", v.Reason)
	e.close()
}

func (e *orderEncoder) agreement(v *SalesAgreement) {
	e.open()
	e.strOmit("__typename", v.Typename)
	e.str("id", v.ID)
	e.time("happenedAt", v.HappenedAt)
	e.str("reason", v.Reason)
	e.key("sales")
	if v.Sales == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.Sales {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.sale(&v.Sales[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	e.close()
}

func (e *orderEncoder) sale(v *Sale) {
	e.open()
	e.strOmit("__typename", v.Typename)
	e.str("id", v.ID)
	e.str("actionType", v.ActionType)
	e.str("lineType", v.LineType)
	if v.Quantity != nil {
		e.integer("quantity", *v.Quantity)
	}
	e.moneyBag("totalAmount", &v.TotalAmount)
	e.moneyBag("totalTaxAmount", &v.TotalTaxAmount)
	e.moneyBag("totalDiscountAmountAfterTaxes", &v.TotalDiscountAmountAfterTaxes)
	e.key("taxes")
	if v.Taxes == nil {
		e.b = append(e.b, "null"...)
	} else {
		e.b = append(e.b, '[')
		for i := range v.Taxes {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.saleTax(&v.Taxes[i])
		}
		e.b = append(e.b, ']')
		e.first = false
	}
	if v.LineItem != nil {
		e.key("lineItem")
		e.lineItemRef(v.LineItem)
	}
	e.close()
}

func (e *orderEncoder) saleTax(v *SaleTax) {
	e.open()
	e.moneyBag("amount", &v.Amount)
	e.key("taxLine")
	e.taxLine(&v.TaxLine)
	e.close()
}
