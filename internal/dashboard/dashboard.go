package dashboard

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// Dashboard implements Books.
func (s *Service) Dashboard(ctx context.Context, shopID int64) (*DashboardView, error) {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	v := &DashboardView{Shop: shop, Started: shop.StartedAt != nil, TimeZone: shop.TimeZone}
	if v.Connection, err = s.connection(ctx, shopID); err != nil {
		return nil, err
	}
	runs, err := s.cfg.Store.SyncRunsBefore(ctx, shopID, 0, 20)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		v.History = append(v.History, runView(r))
	}
	for i := range v.History {
		if v.History[i].Status != shopqb.RunRunning {
			v.LastSync = &v.History[i]
			break
		}
	}
	v.Schedule, v.NextSync = s.schedule(shop)
	var since time.Time
	if len(runs) > 0 {
		since = runs[0].StartedAt
	}
	counts, doneSince, err := s.cfg.Store.PostingCounts(ctx, shopID, since)
	if err != nil {
		return nil, err
	}
	v.Progress = *progressOf(runs, counts, doneSince)
	v.Counts = map[shopqb.PostingState]int{}
	for _, st := range []shopqb.PostingState{shopqb.Planned, shopqb.Sent, shopqb.Done, shopqb.Failed, shopqb.InDoubt} {
		v.Counts[st] = counts[st]
	}
	if v.Failures, err = s.failureGroups(ctx, shop); err != nil {
		return nil, err
	}
	doubt, err := s.cfg.Store.ListPostings(ctx, shopqb.PostingFilter{ShopID: shopID, States: []shopqb.PostingState{shopqb.InDoubt}, Limit: 20})
	if err != nil {
		return nil, err
	}
	if v.InDoubt, err = s.postingViews(ctx, shop, doubt, false); err != nil {
		return nil, err
	}
	if len(doubt) > 0 {
		v.InDoubtNote = msgp("books.indoubt.note", "Count", v.Counts[shopqb.InDoubt])
	}
	if shop.StartedAt != nil {
		today := s.cfg.Now().In(s.location(shop))
		from := today.AddDate(0, 0, -13).Format("2006-01-02")
		rec, err := s.reconciliation(ctx, shopID, from, today.Format("2006-01-02"), false)
		if err != nil {
			return nil, err
		}
		v.BooksCheck = booksCheck(rec)
	}
	return v, nil
}

func booksCheck(rec *ReconView) []DayCheck {
	byDay := map[string]*DayCheck{}
	var out []DayCheck
	for d := range days(rec.From, rec.To) {
		out = append(out, DayCheck{Day: d, Balanced: true})
	}
	for i := range out {
		byDay[out[i].Day] = &out[i]
	}
	for _, r := range rec.ByDay {
		if c := byDay[r.Day]; c != nil && r.Difference != 0 {
			c.Balanced = false
			c.Difference += r.Difference.Abs()
		}
	}
	return out
}

func runView(r *shopqb.SyncRun) RunView {
	return RunView{ID: r.ID, Trigger: r.Trigger, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, Status: r.Status,
		From: r.WindowFrom, To: r.WindowTo, OrdersRead: r.Counts[shopqb.CountOrdersRead] + r.Counts[shopqb.CountOrdersFromCheck],
		Planned: r.Counts[shopqb.CountPostingsNew], Error: r.Error}
}

// connection is the health strip's Web Connector block: amber after twice
// the interval seen (or an hour when unknown), red after 24 hours.
func (s *Service) connection(ctx context.Context, shopID int64) (ConnectionView, error) {
	c, err := s.cfg.QuickBooks.Connection(ctx, shopID)
	if err != nil {
		return ConnectionView{}, err
	}
	v := ConnectionView{State: c.State, LastContact: c.LastContact, Health: Green}
	if c.LastContact != nil && c.PreviousContact != nil {
		v.Interval = c.LastContact.Sub(*c.PreviousContact)
	}
	pre, err := s.cfg.QuickBooks.LoadPreflight(ctx, shopID)
	if err != nil && !errors.Is(err, shopqb.ErrNotFound) {
		return v, err
	}
	if pre != nil {
		v.Product, v.CompanyName, v.CompanyFile = pre.Product, pre.CompanyName, pre.CompanyFile
	}
	now := s.cfg.Now()
	switch {
	case c.LastContact == nil:
		v.Health, v.Status = Red, msg("books.conn.never")
	case now.Sub(*c.LastContact) > 24*time.Hour:
		v.Health, v.Status = Red, msg("books.conn.stale", "Since", *c.LastContact)
	case c.State != syncengine.ConnConnected:
		v.Health, v.Status = Red, msg("books.conn.state."+c.State, "HRESULT", c.HRESULT, "At", c.At)
	default:
		if now.Sub(*c.LastContact) > lateAfter(v.Interval) {
			v.Health, v.Status = Amber, msg("books.conn.late", "Since", *c.LastContact)
		} else {
			v.Status = msg("books.conn.ok", "Since", *c.LastContact)
		}
	}
	return v, nil
}

// lateAfter is how long after its last contact the Web Connector counts as
// late: twice the interval seen, an hour when none is known, and never less
// than two minutes — a Web Connector visiting every few seconds (Real Time,
// or one kept busy) is not "late" after a pause of a few seconds.
func lateAfter(interval time.Duration) time.Duration {
	if interval <= 0 {
		return time.Hour
	}
	return max(2*interval, 2*time.Minute)
}

// schedule describes the schedule and computes the next sync in the shop's zone.
func (s *Service) schedule(shop *shopqb.Shop) (Message, *time.Time) {
	h, m, err := shopqb.ParseDailySchedule(shop.Settings.Schedule)
	if err != nil {
		return msg("books.schedule.manual"), nil
	}
	loc := s.location(shop)
	now := s.cfg.Now().In(loc)
	next := time.Date(now.Year(), now.Month(), now.Day(), h, m, 0, 0, loc)
	if !next.After(now) {
		next = next.AddDate(0, 0, 1)
	}
	return msg("books.schedule.daily", "Time", next.Format("15:04"), "Zone", shop.TimeZone), &next
}

// Progress implements Books.
func (s *Service) Progress(ctx context.Context, shopID int64) (*ProgressView, error) {
	runs, err := s.cfg.Store.SyncRunsBefore(ctx, shopID, 0, 1)
	if err != nil {
		return nil, err
	}
	return s.progress(ctx, shopID, runs)
}

// progress counts the current batch: every posting not done when the
// newest run began, plus those planned since. A done posting's updated_at
// is when it became done, so "done since the run began" counts what the
// Web Connector finished of the batch.
func (s *Service) progress(ctx context.Context, shopID int64, runs []*shopqb.SyncRun) (*ProgressView, error) {
	open, err := s.cfg.Store.CountPostingsIn(ctx, shopID, shopqb.Planned, shopqb.Sent, shopqb.Failed, shopqb.InDoubt)
	if err != nil {
		return nil, err
	}
	done := 0
	if len(runs) > 0 {
		if done, err = s.cfg.Store.CountDoneSince(ctx, shopID, runs[0].StartedAt); err != nil {
			return nil, err
		}
	}
	return progressOf(runs, open, done), nil
}

// progressOf is the card from the counts per state and the postings done
// since the newest run began.
func progressOf(runs []*shopqb.SyncRun, counts map[shopqb.PostingState]int, doneSince int) *ProgressView {
	v := &ProgressView{Phase: PhaseIdle}
	v.Failed, v.InDoubt = counts[shopqb.Failed], counts[shopqb.InDoubt]
	waiting := counts[shopqb.Planned] + counts[shopqb.Sent] + counts[shopqb.InDoubt]
	if len(runs) > 0 {
		r := runs[0]
		v.RunID, v.Since, v.Done = r.ID, r.StartedAt, doneSince
		if r.Status == shopqb.RunRunning {
			v.Phase, v.Indeterminate = PhaseReading, true
			v.Planned = v.Done + waiting + v.Failed
			v.Status = msg("books.progress.reading", "Done", v.Done)
			return v
		}
	}
	v.Planned = v.Done + waiting + v.Failed
	if waiting > 0 {
		v.Phase = PhasePosting
	}
	if v.Planned > 0 {
		v.Percent = v.Done * 100 / v.Planned
	} else {
		v.Percent = 100 // nothing waits (a re-sync that found nothing new): not "0 %"
	}
	switch {
	case v.Phase == PhasePosting:
		v.Status = msg("books.progress.posting", "Done", v.Done, "Planned", v.Planned)
	case v.Failed > 0:
		v.Status = msg("books.progress.stopped", "Done", v.Done, "Planned", v.Planned, "Failed", v.Failed)
	default:
		v.Status = msg("books.progress.idle")
	}
	return v
}

// failureGroups groups failed postings by cause with the classified text.
func (s *Service) failureGroups(ctx context.Context, shop *shopqb.Shop) ([]FailureGroup, error) {
	causes, err := s.cfg.Store.FailureCauses(ctx, shop.ID)
	if err != nil {
		return nil, err
	}
	var out []FailureGroup
	for _, c := range causes {
		g := FailureGroup{Cause: Cause{Code: c.Code, Class: c.Class, Kind: c.Kind}, Count: c.Count, Code: c.Code}
		g.What, g.Kind = msg("books.failure.what", "Count", c.Count), kindLabel(c.Kind)
		class := classOf(c.Code, c.Class)
		g.Why = msg("books.failure.why."+kindID(class.Kind), "Code", c.Code)
		g.Fix = msg("books.failure.fix." + kindID(class.Kind))
		g.Evidence = strings.TrimSpace(class.Message + " " + class.Fix)
		sample, err := s.cfg.Store.FailedWithCause(ctx, shop.ID, c.Code, c.Class, c.Kind, 0, 5)
		if err != nil {
			return nil, err
		}
		if g.Sample, err = s.postingViews(ctx, shop, sample, false); err != nil {
			return nil, err
		}
		if len(sample) > 0 && sample[0].ErrorMessage != "" {
			g.Evidence = sample[0].ErrorMessage
		}
		if account, ok := missingAccount(c.Code, g.Evidence); ok {
			if err := s.explainMissingAccount(ctx, shop, &g, account); err != nil {
				return nil, err
			}
		}
		out = append(out, g)
	}
	return out, nil
}

// classOf re-reads a stored code with internal/qbxml's classification.
func classOf(code, class string) qbxml.Class {
	switch {
	case strings.HasPrefix(code, "0x"):
		return qbxml.ClassifyHRESULT(code)
	case code != "":
		if n, err := strconv.Atoi(code); err == nil {
			return qbxml.Classify(n)
		}
	}
	return qbxml.Class{Kind: qbxml.Kind(class), Code: code}
}

// kindID is the catalog suffix of a classified kind.
func kindID(k qbxml.Kind) string {
	switch k {
	case qbxml.RetryLater, qbxml.MerchantFix, qbxml.Requery, qbxml.LinkExisting, qbxml.Permanent, qbxml.NotFound:
		return string(k)
	}
	return "other"
}

// kindLabel is a catalog message naming a qbXML request kind.
func kindLabel(kind string) Message {
	switch kind {
	case "SalesReceiptAdd", "CreditMemoAdd", "ARRefundCreditCardAdd", "DepositAdd", "JournalEntryAdd", "ItemReceiptAdd",
		"PurchaseOrderAdd", "CustomerAdd", "VendorAdd", "AccountAdd", "ItemNonInventoryAdd", "ItemInventoryAdd",
		"ItemSalesTaxAdd", "ItemServiceAdd", "ItemOtherChargeAdd", "ItemDiscountAdd", "ItemPaymentAdd", "PaymentMethodAdd", "ClassAdd":
		return msg("books.kind." + kind)
	}
	return msg("books.kind.other", "Kind", kind)
}

// History implements Books.
func (s *Service) History(ctx context.Context, shopID int64, cursor string, limit int) (*HistoryPage, error) {
	before, err := cursorID(cursor)
	if err != nil {
		return nil, err
	}
	limit = pageSize(limit, 20)
	runs, err := s.cfg.Store.SyncRunsBefore(ctx, shopID, before, limit+1)
	if err != nil {
		return nil, err
	}
	p := &HistoryPage{}
	for i, r := range runs {
		if i == limit {
			p.Next = strconv.FormatInt(runs[i-1].ID, 10)
			break
		}
		p.Runs = append(p.Runs, runView(r))
	}
	return p, nil
}

// FailedPostings implements Books.
func (s *Service) FailedPostings(ctx context.Context, shopID int64, cause Cause, cursor string, limit int) (*FailedPage, error) {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	after, err := cursorID(cursor)
	if err != nil {
		return nil, err
	}
	limit = pageSize(limit, 50)
	ps, err := s.cfg.Store.FailedWithCause(ctx, shopID, cause.Code, cause.Class, cause.Kind, after, limit+1)
	if err != nil {
		return nil, err
	}
	p := &FailedPage{}
	if len(ps) > limit {
		ps = ps[:limit]
		p.Next = strconv.FormatInt(ps[limit-1].ID, 10)
	}
	if p.Postings, err = s.postingViews(ctx, shop, ps, false); err != nil {
		return nil, err
	}
	return p, nil
}

// postingViews turns postings into their views with their ledgers.
func (s *Service) postingViews(ctx context.Context, shop *shopqb.Shop, ps []*shopqb.Posting, support bool) ([]PostingView, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	ledgers, err := s.cfg.Store.PostingLedgers(ctx, shop.ID, ids)
	if err != nil {
		return nil, err
	}
	var answers map[int64]string
	if support {
		if answers, err = s.cfg.Store.PostingResponses(ctx, shop.ID, ids); err != nil {
			return nil, err
		}
	}
	out := make([]PostingView, len(ps))
	for i, p := range ps {
		v := PostingView{ID: p.ID, Key: p.Key, Kind: p.Kind, Label: kindLabel(p.Kind), State: p.State, RefNumber: p.RefNumber,
			TxnID: p.QBID, TxnDate: p.TxnDate, Attempts: p.Attempts, Error: p.ErrorMessage}
		for _, l := range ledgers[p.ID] {
			r := LedgerRow{Category: l.Category, Account: shop.Settings.Mapping.Account(l.Category)}
			if l.Category == "accounts_receivable" {
				r.Account = "Accounts Receivable"
			}
			if l.Amount > 0 {
				r.Debit = l.Amount
			} else {
				r.Credit = -l.Amount
			}
			v.Ledger = append(v.Ledger, r)
		}
		if p.RefNumber != "" {
			v.FindIt = msgp("books.findit", "Ref", p.RefNumber)
		}
		if support {
			v.Request, v.Response = p.Request, answers[p.ID]
		}
		out[i] = v
	}
	return out, nil
}
