package dashboard

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"sort"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/shopify"
	"github.com/shopqb/shopqb/internal/store"
)

// days yields every YYYY-MM-DD from..to inclusive.
func days(from, to string) iter.Seq[string] {
	return func(yield func(string) bool) {
		d, err := time.Parse("2006-01-02", from)
		if err != nil {
			return
		}
		for ; d.Format("2006-01-02") <= to; d = d.AddDate(0, 0, 1) {
			if !yield(d.Format("2006-01-02")) {
				return
			}
		}
	}
}

// maxReconDays bounds one reconciliation (a page of the report).
const maxReconDays = 92

func (s *Service) rangeOf(shop *shopqb.Shop, from, to string) (time.Time, time.Time, error) {
	loc := s.location(shop)
	f, err1 := time.ParseInLocation("2006-01-02", from, loc)
	t, err2 := time.ParseInLocation("2006-01-02", to, loc)
	if err1 != nil || err2 != nil || t.Before(f) {
		return time.Time{}, time.Time{}, shopqb.Errorf(shopqb.EInvalid, "dates must be YYYY-MM-DD with from ≤ to (got %q, %q)", from, to)
	}
	if t.Sub(f) > maxReconDays*24*time.Hour {
		return time.Time{}, time.Time{}, shopqb.Errorf(shopqb.EInvalid, "at most %d days at a time", maxReconDays)
	}
	return f, t.AddDate(0, 0, 1), nil
}

// ShopifyInput loads, from the stored snapshots, the planner input of every
// order and payout that books something in [from, to) (zero times: the whole
// shop), with every variant and purchase order. The reconciliation and the
// demo's report both compute Shopify's figures from it with planner.Build,
// the same way the sync plans, so the two columns are independent sums.
func ShopifyInput(ctx context.Context, st Store, shop *shopqb.Shop, company planner.Company, from, to time.Time) (planner.Input, error) {
	in := planner.Input{Shop: *shop, Company: company, Variants: map[string]shopify.ProductVariant{}}
	decodeOrder := func(sn *shopqb.Snapshot) error {
		var o shopify.Order
		if err := json.Unmarshal(sn.Body, &o); err != nil {
			return fmt.Errorf("order snapshot %s: %w", sn.GID, err)
		}
		in.Orders = append(in.Orders, o)
		return nil
	}
	decodePayout := func(sn *shopqb.Snapshot) error {
		var p shopify.Payout
		if err := json.Unmarshal(sn.Body, &p); err != nil {
			return fmt.Errorf("payout snapshot %s: %w", sn.GID, err)
		}
		in.Payouts = append(in.Payouts, p)
		return nil
	}
	for _, k := range []struct {
		kind   string
		decode func(*shopqb.Snapshot) error
	}{{"order", decodeOrder}, {"payout", decodePayout}} {
		if from.IsZero() {
			if err := st.EachLatestSnapshot(ctx, shop.ID, k.kind, k.decode); err != nil {
				return in, err
			}
			continue
		}
		gids, err := st.SnapshotsTouching(ctx, shop.ID, k.kind, from, to)
		if err != nil {
			return in, err
		}
		snaps, err := st.LatestSnapshots(ctx, shop.ID, gids)
		if err != nil {
			return in, err
		}
		for _, sn := range snaps {
			if err := k.decode(sn); err != nil {
				return in, err
			}
		}
	}
	err := st.EachLatestSnapshot(ctx, shop.ID, "variant", func(sn *shopqb.Snapshot) error {
		var v shopify.ProductVariant
		if err := json.Unmarshal(sn.Body, &v); err != nil {
			return fmt.Errorf("variant snapshot %s: %w", sn.GID, err)
		}
		in.Variants[v.ID] = v
		return nil
	})
	if err != nil {
		return in, err
	}
	err = st.EachLatestSnapshot(ctx, shop.ID, "purchase_order", func(sn *shopqb.Snapshot) error {
		var po shopify.PurchaseOrder
		if err := json.Unmarshal(sn.Body, &po); err != nil {
			return fmt.Errorf("purchase order snapshot %s: %w", sn.GID, err)
		}
		in.PurchaseOrders = append(in.PurchaseOrders, po)
		return nil
	})
	return in, err
}

// Expected is Shopify's figures by day and category for [from, to) (zero: all).
func Expected(ctx context.Context, st Store, shop *shopqb.Shop, company planner.Company, from, to time.Time) (planner.Totals, error) {
	in, err := ShopifyInput(ctx, st, shop, company, from, to)
	if err != nil {
		return planner.Totals{}, err
	}
	plan, err := planner.Build(in)
	if err != nil {
		return planner.Totals{}, fmt.Errorf("Shopify's figures: %w", err)
	}
	return plan.Expected, nil
}

// figures are one side's sums of a range: per day and category, the whole
// and the part refunds book.
type figures struct {
	all, refunds map[string]map[shopqb.Category]money.Cents
}

func newFigures() figures {
	return figures{all: map[string]map[shopqb.Category]money.Cents{}, refunds: map[string]map[shopqb.Category]money.Cents{}}
}

func (f figures) add(day string, c shopqb.Category, refund bool, a money.Cents) {
	put := func(m map[string]map[shopqb.Category]money.Cents) {
		if m[day] == nil {
			m[day] = map[shopqb.Category]money.Cents{}
		}
		m[day][c] += a
	}
	put(f.all)
	if refund {
		put(f.refunds)
	}
}

// shopifyFigures is Shopify's side of from..to: the figures the commit step
// stored (one indexed sum) once every source of the shop is stored, else
// (a shop planned before they were, until its next sync) Shopify's figures
// planned again from the snapshots.
func (s *Service) shopifyFigures(ctx context.Context, shop *shopqb.Shop, from, to string, f, t time.Time) (figures, error) {
	out := newFigures()
	complete, err := s.cfg.Store.KV(ctx, shop.ID, store.KVExpectedComplete)
	if err != nil && !errors.Is(err, shopqb.ErrNotFound) {
		return out, err
	}
	if len(complete) > 0 {
		rows, err := s.cfg.Store.ExpectedByDay(ctx, shop.ID, from, to)
		if err != nil {
			return out, err
		}
		for _, r := range rows {
			out.add(r.Day, r.Category, r.Refund, r.Amount)
		}
		return out, nil
	}
	company, err := s.cfg.Company(ctx, shop.ID)
	if err != nil {
		return out, err
	}
	exp, err := Expected(ctx, s.cfg.Store, shop, company, f, t)
	if err != nil {
		return out, err
	}
	for day, cats := range exp.ByDay {
		for c, a := range cats {
			out.add(day, c, false, a)
		}
	}
	for day, cats := range exp.Refunds {
		for c, a := range cats {
			if out.refunds[day] == nil {
				out.refunds[day] = map[shopqb.Category]money.Cents{}
			}
			out.refunds[day][c] += a
		}
	}
	return out, nil
}

// Reconciliation implements Books.
func (s *Service) Reconciliation(ctx context.Context, shopID int64, from, to string) (*ReconView, error) {
	return s.reconciliation(ctx, shopID, from, to, true)
}

// reconciliation compares the days; withPayouts adds the payouts' matches
// (the dashboard's books check needs only the days).
func (s *Service) reconciliation(ctx context.Context, shopID int64, from, to string, withPayouts bool) (*ReconView, error) {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	f, t, err := s.rangeOf(shop, from, to)
	if err != nil {
		return nil, err
	}
	exp, err := s.shopifyFigures(ctx, shop, from, to, f, t)
	if err != nil {
		return nil, err
	}
	posted, err := s.cfg.Store.DoneLedgerByDay(ctx, shopID, from, to)
	if err != nil {
		return nil, err
	}
	qb := newFigures()
	for _, d := range posted {
		qb.add(d.Day, d.Category, d.Refund, d.Amount)
	}
	v := &ReconView{From: from, To: to}
	byCat := map[shopqb.Category]*ReconRow{}
	for day := range days(from, to) {
		sp := SeriesPoint{Day: day}
		cats := map[shopqb.Category]bool{}
		for c := range exp.all[day] {
			cats[c] = true
		}
		for c := range qb.all[day] {
			cats[c] = true
		}
		for _, c := range sortedCats(cats) {
			if c == "accounts_receivable" {
				continue // passes through credit memos and their refunds; nets to zero and no mapping names it
			}
			r := ReconRow{Day: day, Category: c, Account: shop.Settings.Mapping.Account(c), Shopify: exp.all[day][c], QuickBooks: qb.all[day][c]}
			r.Difference = r.QuickBooks - r.Shopify
			if r.Shopify == 0 && r.QuickBooks == 0 {
				continue
			}
			if r.Difference != 0 {
				v.Differences++
			}
			v.ByDay = append(v.ByDay, r)
			tot := byCat[c]
			if tot == nil {
				tot = &ReconRow{Category: c, Account: r.Account}
				byCat[c] = tot
			}
			tot.Shopify += r.Shopify
			tot.QuickBooks += r.QuickBooks
			tot.Difference += r.Difference
			switch c {
			case shopqb.SalesIncome:
				sp.SalesShopify, sp.SalesQuickBooks = -r.Shopify, -r.QuickBooks
				sp.RefundsShopify, sp.RefundsQuickBooks = exp.refunds[day][c], qb.refunds[day][c]
				sp.GrossSalesShopify, sp.GrossSalesQuickBooks = sp.SalesShopify+sp.RefundsShopify, sp.SalesQuickBooks+sp.RefundsQuickBooks
			case shopqb.SalesTaxPayable:
				sp.TaxShopify, sp.TaxQuickBooks = -r.Shopify, -r.QuickBooks
			case shopqb.Bank:
				sp.DepositsShopify, sp.DepositsQuickBooks = r.Shopify, r.QuickBooks
			}
		}
		v.Series = append(v.Series, sp)
	}
	cats := map[shopqb.Category]bool{}
	for c := range byCat {
		cats[c] = true
	}
	for _, c := range sortedCats(cats) {
		v.ByCategory = append(v.ByCategory, *byCat[c])
	}
	if withPayouts {
		if v.Payouts, err = s.payoutMatches(ctx, shop, f, t); err != nil {
			return nil, err
		}
	}
	if v.Differences > 0 {
		v.Note = msgp("books.recon.differences", "Count", v.Differences)
	}
	return v, nil
}

func sortedCats(m map[shopqb.Category]bool) []shopqb.Category {
	out := make([]shopqb.Category, 0, len(m))
	for c := range m {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// payoutMatches compares each paid payout issued in [from, to) with its deposit.
func (s *Service) payoutMatches(ctx context.Context, shop *shopqb.Shop, from, to time.Time) ([]PayoutMatch, error) {
	gids, err := s.cfg.Store.SnapshotsTouching(ctx, shop.ID, "payout", from, to)
	if err != nil {
		return nil, err
	}
	snaps, err := s.cfg.Store.LatestSnapshots(ctx, shop.ID, gids)
	if err != nil {
		return nil, err
	}
	var out []PayoutMatch
	var keys []string
	for _, sn := range snaps {
		// Only the payout's head: its balance transactions (hundreds a day
		// on a big shop) are not needed to match it.
		var head struct {
			ID               string        `json:"id"`
			LegacyResourceID string        `json:"legacyResourceId"`
			Status           string        `json:"status"`
			IssuedAt         time.Time     `json:"issuedAt"`
			TransactionType  string        `json:"transactionType"`
			Net              shopify.Money `json:"net"`
		}
		if err := json.Unmarshal(sn.Body, &head); err != nil {
			return nil, fmt.Errorf("payout snapshot %s: %w", sn.GID, err)
		}
		p := shopify.Payout{ID: head.ID, LegacyResourceID: head.LegacyResourceID, Status: head.Status, IssuedAt: head.IssuedAt,
			TransactionType: head.TransactionType, Net: head.Net}
		if p.Status != "PAID" {
			continue
		}
		out = append(out, PayoutMatch{PayoutGID: p.ID, PayoutID: p.LegacyResourceID, IssuedAt: p.IssuedAt.In(s.location(shop)).Format("2006-01-02"),
			Net: planner.PayoutNet(&p)})
		keys = append(keys, planner.PayoutKey(p.ID))
	}
	ps, err := s.cfg.Store.PostingsByKeys(ctx, shop.ID, keys)
	if err != nil {
		return nil, err
	}
	byKey := map[string]*shopqb.Posting{}
	ids := make([]int64, 0, len(ps))
	for _, p := range ps {
		byKey[p.Key] = p
		ids = append(ids, p.ID)
	}
	ledgers, err := s.cfg.Store.PostingLedgers(ctx, shop.ID, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		m := &out[i]
		if p := byKey[planner.PayoutKey(m.PayoutGID)]; p != nil {
			m.DepositState = p.State
			if p.State == shopqb.Done {
				for _, l := range ledgers[p.ID] {
					if l.Category == shopqb.Bank {
						m.Deposit += l.Amount
					}
				}
			}
		}
		m.Difference = m.Deposit - m.Net
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].IssuedAt < out[j].IssuedAt || (out[i].IssuedAt == out[j].IssuedAt && out[i].PayoutGID < out[j].PayoutGID)
	})
	return out, nil
}

// ReconciliationCSV implements Books: the same rows as Reconciliation.
func (s *Service) ReconciliationCSV(ctx context.Context, shopID int64, from, to, table string, w io.Writer) error {
	v, err := s.Reconciliation(ctx, shopID, from, to)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	write := func(rec ...string) { _ = cw.Write(rec) }
	switch table {
	case TableDays, TableCategories:
		rows := v.ByDay
		if table == TableCategories {
			rows = v.ByCategory
			write("category", "account", "shopify", "quickbooks", "difference")
		} else {
			write("day", "category", "account", "shopify", "quickbooks", "difference")
		}
		for _, r := range rows {
			rec := []string{string(r.Category), r.Account, r.Shopify.String(), r.QuickBooks.String(), r.Difference.String()}
			if table == TableDays {
				rec = append([]string{r.Day}, rec...)
			}
			write(rec...)
		}
	case TablePayouts:
		write("payout", "issued", "net", "deposit", "deposit_state", "difference")
		for _, p := range v.Payouts {
			write(p.PayoutID, p.IssuedAt, p.Net.String(), p.Deposit.String(), string(p.DepositState), p.Difference.String())
		}
	case TableSeries:
		write("day", "sales_shopify", "sales_quickbooks", "tax_shopify", "tax_quickbooks", "deposits_shopify", "deposits_quickbooks",
			"gross_sales_shopify", "gross_sales_quickbooks", "refunds_shopify", "refunds_quickbooks")
		for _, p := range v.Series {
			write(p.Day, p.SalesShopify.String(), p.SalesQuickBooks.String(), p.TaxShopify.String(), p.TaxQuickBooks.String(),
				p.DepositsShopify.String(), p.DepositsQuickBooks.String(), p.GrossSalesShopify.String(), p.GrossSalesQuickBooks.String(),
				p.RefundsShopify.String(), p.RefundsQuickBooks.String())
		}
	default:
		return shopqb.Errorf(shopqb.EInvalid, "no table %q: one of %s", table, strings.Join([]string{TableDays, TableCategories, TablePayouts, TableSeries}, ", "))
	}
	cw.Flush()
	return cw.Error()
}
