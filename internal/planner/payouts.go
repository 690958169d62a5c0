package planner

import (
	"fmt"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/shopify"
)

// payoutLine says where one kind of balance transaction goes on a payout's
// deposit, with the memo the line gets.
type payoutLine struct {
	memo     string
	category shopqb.Category
}

// payoutCategory maps a balance-transaction type to its deposit line: charges
// and refunds come out of the Shopify Payments clearing account (where the
// sales put them), disputes go to chargebacks, reserves and adjustments to
// payout adjustments. Unknown types go to payout adjustments too, flagged.
func payoutCategory(typ string) (payoutLine, bool) {
	clearing := shopqb.ClearingCategory("shopify_payments")
	switch {
	case typ == "CHARGE":
		return payoutLine{"Charges", clearing}, true
	case typ == "REFUND" || typ == "REFUND_FAILURE":
		return payoutLine{"Refunds", clearing}, true
	case strings.Contains(typ, "DISPUTE") || strings.Contains(typ, "CHARGEBACK"):
		return payoutLine{"Chargebacks and disputes", shopqb.Chargebacks}, true
	case strings.Contains(typ, "RESERVE"):
		return payoutLine{"Reserved funds", shopqb.PayoutAdjustments}, true
	case strings.Contains(typ, "ADJUSTMENT"):
		return payoutLine{"Adjustments", shopqb.PayoutAdjustments}, true
	}
	return payoutLine{"Other (" + typ + ")", shopqb.PayoutAdjustments}, false
}

// planPayouts books each paid Shopify Payments payout as a Deposit into the
// bank: gross charges and refunds from the clearing account, fees to
// processing fees, the rest mapped; the deposit total is the payout's net.
// A withdrawal (net below zero) cannot be a deposit and becomes a journal entry.
func (p *planner) planPayouts() error {
	for i := range p.in.Payouts {
		po := &p.in.Payouts[i]
		if po.Status != "PAID" {
			continue
		}
		date := p.date(po.IssuedAt)
		if p.set.StartDate != "" && date < p.set.StartDate {
			continue
		}
		key := "payout:" + numericID(po.ID)
		label := "payout " + numericID(po.ID)
		type agg struct {
			line payoutLine
			amt  money.Cents
		}
		var order []string
		sums := map[string]*agg{}
		addLine := func(l payoutLine, a money.Cents) {
			k := l.memo
			if _, ok := sums[k]; !ok {
				sums[k] = &agg{line: l}
				order = append(order, k)
			}
			sums[k].amt += a
		}
		for _, bt := range po.BalanceTransactions {
			if bt.Type == "TRANSFER" || bt.Type == "PAYOUT" || bt.Test {
				continue
			}
			l, known := payoutCategory(bt.Type)
			if !known {
				p.warnf("payout %s: balance transaction type %s booked to payout adjustments", numericID(po.ID), bt.Type)
			}
			addLine(l, bt.Amount.Amount)
			if bt.Fee.Amount != 0 {
				addLine(payoutLine{"Shopify Payments fees", shopqb.ProcessingFees}, -bt.Fee.Amount)
			}
			if bt.Net.Amount != bt.Amount.Amount-bt.Fee.Amount {
				return fmt.Errorf("%s: balance transaction %s: amount %s − fee %s is not its net %s",
					label, bt.ID, bt.Amount.Amount, bt.Fee.Amount, bt.Net.Amount)
			}
		}
		d := &txnDoc{key: key, kind: kindDeposit, date: date, account: shopqb.Bank, label: label,
			memo: "Shopify Payments payout " + numericID(po.ID)}
		for _, k := range order {
			if s := sums[k]; s.amt != 0 {
				d.lines = append(d.lines, docLine{desc: s.line.memo, amount: s.amt, category: s.line.category})
			}
		}
		if net := payoutNet(po); d.total() != net {
			return fmt.Errorf("%s: balance transactions come to %s but the payout's net is %s (difference %s)",
				label, d.total(), net, d.total()-net)
		}
		if len(d.lines) == 0 {
			p.warnf("%s has no balance transactions: nothing to deposit", label)
			continue
		}
		if d.total() < 0 {
			d.kind = kindJournalEntry
			d.ref = p.refNumber(key, "P"+numericID(po.ID), maxRefNumber)
			d.je = append(d.je, jeLine{category: shopqb.Bank, amount: d.total(), memo: d.memo})
			for _, l := range d.lines {
				d.je = append(d.je, jeLine{category: l.category, amount: -l.amount, memo: l.desc})
			}
			d.lines = nil
		}
		p.docs = append(p.docs, d)
	}
	return nil
}

// payoutNet is the payout's effect on the bank: Shopify reports net as a
// positive amount and the direction in transactionType.
func payoutNet(po *shopify.Payout) money.Cents {
	if po.TransactionType == "WITHDRAWAL" {
		return -po.Net.Amount.Abs()
	}
	return po.Net.Amount
}
