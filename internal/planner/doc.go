// Package planner is shopqb's accounting: one pure, deterministic function,
// Build, that turns Shopify documents plus the merchant's settings and account
// mapping into QuickBooks postings (qbXML requests with stable keys,
// ExternalGUIDs and dependencies). Start here to learn where a Shopify amount
// ends up.
//
// # Sales (sales_receipt.go, sale_parts.go)
//
// Detail sales mode books one SalesReceipt per order (salesReceiptForOrder),
// dated on processedAt in the shop's zone, RefNumber from the order name (at
// most 11 characters, the end kept, unique). Summary mode books one receipt
// per day × location with the same lines merged. On the receipt:
//
//   - products: originalTotalSet on the variant's inventory item (detail
//     inventory mode, QuickBooks books COGS) or the product type's
//     non-inventory item (summary inventory mode), credited to sales income;
//   - discounts: each discount allocation, line or shipping, is a negative
//     line on the discount item, debiting the discounts account;
//   - shipping: originalPriceSet on the Shipping other-charge item → shipping
//     income;
//   - tips → tips payable, once, never sales or tax (tips.go): a tip is a
//     line item in the 2026-10 schema (TipSale.lineItem), told apart by the
//     agreements' TipSale, else by the schema's marks (no variant, untaxed,
//     not fulfillable, outside subtotalLineItemsQuantity, together equal to
//     totalTipReceivedSet); an order whose tip is on no line books
//     totalTipReceivedSet on the Tips item;
//   - gift cards sold (isGiftCard lines): the Gift Card item → gift-card liability;
//   - tax: one line per Shopify tax line (title + rate) on that jurisdiction's
//     sales-tax item with Shopify's exact amount → sales tax payable; the
//     header carries the company's 0 % item so QuickBooks adds nothing;
//   - prices that include tax: each line's tax is taken out of its price and
//     its discounts in proportion (taxShare), so price − discounts − tax is
//     exactly what the customer was charged and no cent moves between lines;
//   - cash rounding (totalCashRoundingAdjustment.paymentSet, the amount the
//     cash payment differs from the total) → cash over/short;
//   - money, from SUCCESS SALE/CAPTURE less CHANGE transactions by gateway:
//     gift cards and store credit are negative lines on their liability
//     items; the gateway that took the most is the receipt's deposit account
//     (its clearing account); every other gateway is a negative Payment-item
//     line depositing to its own clearing account.
//
// Orders not yet fully paid, test orders and orders before the start date are
// not booked (the first with a warning). What happens on or after the start
// date to an order processed before it is booked: its refunds that moved
// money (against the sale's accounts, dated at the refund) and its edits.
//
// # Refunds (refunds.go)
//
// A refund is a CreditMemo dated when the refund happened (processedAt, else
// createdAt): returned lines at refundLineItems.subtotalSet (tax-inclusive
// when the order's prices are, the tax then taken out), through the variant's
// inventory item when restocked (QuickBooks puts it back in stock) or a
// "Return Not Restocked" item otherwise; refunded shipping; order adjustments
// (amount positive when more was refunded than calculated) on a Refund
// Adjustment item; refunded tax spread over the jurisdictions that charged
// it; cash paid back rounded (totalCashRoundingAdjustment.refundSet) puts
// the difference on cash over/short; a refunded tip line gives back tips
// payable. Money paid back to a gift card or store credit is a negative line on
// the liability; real money is one ARRefundCreditCard per gateway from its
// clearing account, applied to the credit memo. The refund names the memo as
// <TxnID useMacro="TxnID:<memo key>"/>; the sync engine fills in the memo's
// TxnID with ResolveTxnRefs before sending it (txnrefs.go).
//
// # Cancellations and edits (edits.go)
//
// A posted receipt is never edited. An order cancelled after payment is
// refunded in Shopify and booked like any refund, dated at the cancellation;
// one cancelled before payment books nothing (with a warning). Each
// ORDER_EDIT agreement becomes its own adjustment posting
// (order:<id>:adjust:<agreement id>) dated when the edit happened, with the
// agreement's sales as lines (amount net of tax, tax per jurisdiction) and
// the money taken after the edit (or refunds without lines paid back after
// it): a SalesReceipt when the edit added, a CreditMemo and refunds when it
// took away. The order's own receipt is the order less what its edits added.
// What an edit took away stays on it: Shopify keeps removed units on the
// order (lineItems.quantity and the order totals are before removals, the
// current* figures after), and its ORDER_EDIT agreement carries them as
// RETURN (or UPDATE) sales with negative quantity and amount. Only
// unfulfilled units can be removed, so they never left stock: the credit
// memo returns them on the variant's inventory item (detail inventory mode)
// and summary mode's cost of goods gives their cost back on the edit's day.
//
// # Payouts (payouts.go)
//
// A PAID Shopify Payments payout is a Deposit into the bank dated issuedAt:
// charges and refunds gross from the Shopify Payments clearing account, fees
// as one negative line to processing fees, disputes to chargebacks, reserves
// and adjustments (and unknown types, with a warning) to payout adjustments.
// Its total equals the payout's net to the cent or the plan fails. A
// withdrawal (net below zero) is a journal entry instead.
//
// # Cost of goods (cogs.go), purchasing (purchasing.go)
//
// Summary inventory mode books a daily JournalEntry, Dr COGS / Cr inventory
// asset, from the unit cost captured with the variants, less restocked
// returns; detail inventory mode never does (QuickBooks does it). Ordered
// purchase orders become PurchaseOrders; each receipt of stock an ItemReceipt
// (Dr inventory asset, Cr accounts payable) depending on its purchase order,
// each line linked (LinkToTxn) to the purchase-order line it receives. Those
// IDs exist only once the order is posted, so the line names them as
// TxnID:<po key> and TxnLineID:<po key>#<n> (n its place on the order as
// planned), which the sync engine resolves like a refund's TxnID.
//
// # Lists (lists.go, items.go, names.go)
//
// Customers, vendors, items, tax items, payment methods, classes and missing
// mapped accounts are created on first use with ISO-8859-1, length-limited,
// case-insensitively unique names (a Korean name falls back to "Shopify
// customer <id>"); names from earlier plans (Input.Names) never change, and a
// name QuickBooks already holds (Company.KnownNames) is linked, not re-added.
// On Pro/Premier a plan that would cross 14,500 names or items is refused.
//
// # Checks (build.go, sale_parts.go, expected.go)
//
// Every order's lines must equal Shopify's discount, shipping, tax, tip and
// grand totals and its payments by gateway; every refund its transactions;
// every deposit its payout; every transaction must balance. Plan.Expected is
// computed from Shopify's totals for the reconciliation report; Plan.Ledger
// is the planned postings' effect by category.
package planner
