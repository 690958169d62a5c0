package shopifysim

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// payoutDelay is Shopify Payments' standard US schedule: funds of a day are
// paid out two days later.
const payoutDelay = 2

// chargebackFee is Shopify Payments' US dispute fee.
var chargebackFee = money.MustParse("15.00")

// buildPayouts groups every Shopify Payments charge and refund by the shop
// day it happened into the payout issued payoutDelay days later, adding the
// occasional dispute (amount withdrawn plus the chargeback fee) and
// adjustment. A payout's net is, by construction and by test, the sum of its
// balance transactions' nets.
func buildPayouts(g *ids, data *Data, rng *rand.Rand, start, end time.Time, cur string) {
	loc := start.Location()
	byDay := map[string][]shopify.BalanceTransaction{}
	var days []string
	add := func(day time.Time, bt shopify.BalanceTransaction) {
		k := day.In(loc).Format(time.DateOnly)
		if _, ok := byDay[k]; !ok {
			days = append(days, k)
		}
		byDay[k] = append(byDay[k], bt)
	}
	m := func(c money.Cents) shopify.Money { return shopify.Money{Amount: c, CurrencyCode: cur} }
	charges := 0
	for _, o := range data.Orders {
		ref := &shopify.OrderRef{ID: o.ID, Name: o.Name}
		for _, t := range o.Transactions {
			if t.Gateway != "shopify_payments" || t.Status != "SUCCESS" {
				continue
			}
			amt := t.AmountSet.ShopMoney.Amount
			switch t.Kind {
			case "SALE", "CAPTURE":
				var fee money.Cents
				for _, f := range t.Fees {
					fee += f.Amount.Amount + f.TaxAmount.Amount
				}
				add(t.ProcessedAt, shopify.BalanceTransaction{ID: g.gid("ShopifyPaymentsBalanceTransaction"), Type: "CHARGE",
					SourceType: "CHARGE", Amount: m(amt), Fee: m(fee), Net: m(amt - fee), TransactionDate: t.ProcessedAt,
					SourceOrderTransactionID: gidNumber(t.ID), AssociatedOrder: ref})
				charges++
				if charges%40 == 17 && o.CancelledAt == nil {
					when := t.ProcessedAt.Add(72 * time.Hour)
					if when.Before(end) {
						add(when, shopify.BalanceTransaction{ID: g.gid("ShopifyPaymentsBalanceTransaction"), Type: "DISPUTE_WITHDRAWAL",
							SourceType: "DISPUTE", Amount: m(-amt), Fee: m(chargebackFee), Net: m(-amt - chargebackFee),
							TransactionDate: when, AssociatedOrder: ref})
					}
				}
			case "REFUND":
				add(t.ProcessedAt, shopify.BalanceTransaction{ID: g.gid("ShopifyPaymentsBalanceTransaction"), Type: "REFUND",
					SourceType: "REFUND", Amount: m(-amt), Fee: m(0), Net: m(-amt), TransactionDate: t.ProcessedAt,
					SourceOrderTransactionID: gidNumber(t.ID), AssociatedOrder: ref})
			}
		}
	}
	sort.Strings(days)
	for n, day := range days {
		bts := byDay[day]
		d, _ := time.ParseInLocation(time.DateOnly, day, loc)
		if n%5 == 3 {
			adj := money.Cents(-(50 + rng.IntN(400)))
			at := d.Add(23 * time.Hour).UTC()
			bts = append(bts, shopify.BalanceTransaction{ID: g.gid("ShopifyPaymentsBalanceTransaction"), Type: "ADJUSTMENT",
				SourceType: "ADJUSTMENT", Amount: m(adj), Fee: m(0), Net: m(adj), TransactionDate: at,
				AdjustmentReason: "reserve_fee"})
		}
		sort.SliceStable(bts, func(a, b int) bool { return bts[a].TransactionDate.Before(bts[b].TransactionDate) })
		var net money.Cents
		for _, bt := range bts {
			net += bt.Net.Amount
		}
		issued := d.AddDate(0, 0, payoutDelay).Add(9 * time.Hour).UTC()
		p := shopify.Payout{ID: g.gid("ShopifyPaymentsPayout"), IssuedAt: issued, Status: "PAID", TransactionType: "DEPOSIT",
			Net: m(net), BalanceTransactions: bts}
		if net < 0 {
			p.TransactionType = "WITHDRAWAL"
			p.Net = m(-net)
		}
		if issued.After(end) {
			p.Status = "SCHEDULED"
		}
		p.LegacyResourceID = gidNumber(p.ID)
		data.Payouts = append(data.Payouts, p)
	}
}

// PayoutSignedNet is the payout's effect on the bank: net for a deposit,
// minus net for a withdrawal (Shopify reports net as a positive amount and
// the direction in transactionType).
func PayoutSignedNet(p shopify.Payout) money.Cents {
	if p.TransactionType == "WITHDRAWAL" {
		return -p.Net.Amount
	}
	return p.Net.Amount
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
