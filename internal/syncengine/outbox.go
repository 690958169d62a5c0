package syncengine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/planner"
	"github.com/shopqb/shopqb/internal/qbxml"
	"github.com/shopqb/shopqb/internal/secret"
	"github.com/shopqb/shopqb/internal/store"
)

// nextRequest chooses what QuickBooks is asked next: the preflight once per
// session, then the fate of in-doubt postings (lost answers, and names
// QuickBooks already had), then a batch of ready postings. "" means nothing is left for this session.
func (e *Engine) nextRequest(ctx context.Context, shop *shopqb.Shop, st *session) (string, error) {
	ms := qbxml.MsgSet{OnError: qbxml.ContinueOnError, Version: st.Version}
	now := e.now()
	if !st.Preflighted {
		// Decided once per session, whether sent or not due: percentDone
		// may report 100 only once no preflight is still to come.
		st.Preflighted = true
		if e.preflightDue(ctx, shop.ID) {
			reqs, err := preflightRequest()
			if err != nil {
				return "", err
			}
			st.InFlight = &inFlight{Kind: "preflight", SentAt: now}
			return ms.Build(reqs)
		}
	}
	if shop.StartedAt == nil {
		// Until the start nothing is sent nor asked about: the start's check
		// plans into the outbox, and a refused check takes its plan back.
		st.LastError = "The shop is not started: shopqb sends nothing to QuickBooks before the start."
		return "", nil
	}
	// In doubt: ask before anything is sent again.
	doubt, err := e.store.ListPostings(ctx, shopqb.PostingFilter{ShopID: shop.ID, States: []shopqb.PostingState{shopqb.InDoubt}, Limit: max(st.Batch, 10)})
	if err != nil {
		return "", fmt.Errorf("list in-doubt postings: %w", err)
	}
	if len(doubt) > 0 {
		// First ask QuickBooks for the lost set's stored answer (qbXML error
		// recovery): one round trip settles the whole set. If QuickBooks does
		// not know the set, look each posting up instead.
		if msid := setToRecover(doubt, st); msid != "" {
			st.TriedSets = append(st.TriedSets, msid)
			ms.OldMessageSetID = msid
			st.InFlight = &inFlight{Kind: "recover-set", MessageSetID: msid, SentAt: now}
			return ms.Build(nil)
		}
		return e.lookupRequest(ms, st, "recover", doubt, now)
	}
	msid := newMessageSetID()
	claimed, err := e.claimSuspects(ctx, shop.ID, st, msid)
	if err != nil {
		return "", err
	}
	isolating := len(claimed) > 0
	if len(claimed) == 0 {
		claimed, err = e.store.ClaimRequests(ctx, shop.ID, now, max(st.Batch, 1), msid)
		if err != nil {
			return "", fmt.Errorf("claim postings: %w", err)
		}
	}
	if len(claimed) == 0 {
		return "", nil
	}
	ms.NewMessageSetID = msid
	reqs := make([]qbxml.Raw, len(claimed))
	ids := make([]int64, len(claimed))
	for i, p := range claimed {
		x, err := e.resolveMacros(ctx, shop.ID, p.Request)
		if err != nil {
			return "", fmt.Errorf("posting %s: %w", p.Key, err)
		}
		reqs[i] = qbxml.Raw{RequestID: strconv.FormatInt(p.ID, 10), XML: x}
		ids[i] = p.ID
	}
	x, err := ms.Build(reqs)
	if err != nil {
		// A stored request that no longer builds is a shopqb bug: fail those
		// postings loudly rather than loop on them.
		for _, p := range claimed {
			p.State, p.ErrorClass, p.ErrorMessage = shopqb.Failed, string(qbxml.Permanent), "shopqb could not build this request: "+err.Error()
		}
		_ = e.store.UpdatePostings(ctx, claimed)
		return "", err
	}
	st.InFlight = &inFlight{Kind: "post", MessageSetID: msid, Postings: ids, SentAt: now, Isolating: isolating}
	return x, nil
}

// setToRecover picks a lost message set not yet asked about this session.
func setToRecover(doubt []*shopqb.Posting, st *session) string {
	for _, p := range doubt {
		if p.MessageSetID == "" || p.ErrorClass == string(qbxml.LinkExisting) || slices.Contains(st.TriedSets, p.MessageSetID) {
			continue
		}
		return p.MessageSetID
	}
	return ""
}

// claimSuspects takes the next group of postings from a rejected message set
// (see requestFailed) that are still waiting, marking them sent as
// ClaimReady does. They were claimed once already, so their dependencies are
// done; a session is the shop's only sender, so nobody else claims them.
func (e *Engine) claimSuspects(ctx context.Context, shopID int64, st *session, msid string) ([]*shopqb.Posting, error) {
	for len(st.Suspects) > 0 {
		group := st.Suspects[0]
		st.Suspects = st.Suspects[1:]
		ps, err := e.store.PostingsByID(ctx, shopID, group)
		if err != nil {
			return nil, fmt.Errorf("load postings of a rejected set: %w", err)
		}
		var claimed []*shopqb.Posting
		for _, p := range ps {
			if p.State != shopqb.Planned {
				continue
			}
			p.State, p.MessageSetID = shopqb.Sent, msid
			p.Attempts++
			claimed = append(claimed, p)
		}
		if len(claimed) == 0 {
			continue
		}
		if err := e.store.UpdatePostings(ctx, claimed); err != nil {
			return nil, fmt.Errorf("claim postings of a rejected set: %w", err)
		}
		return claimed, nil
	}
	return nil, nil
}

// recoveryRefused are the messageSetStatusCode values with which QuickBooks
// says it has no stored answer for an oldMessageSetID (Intuit's error
// recovery sample): 600 no saved state for that ID, 9001 checksum mismatch,
// 9002 no stored response, 9004 an ID longer than 24 characters, 9005 the
// response could not be stored. Any other answer carrying responses is the
// stored answer (0, no code at all, and warnings inside the responses).
var recoveryRefused = map[int]bool{600: true, 9001: true, 9002: true, 9004: true, 9005: true}

// applyRecoveredSet applies QuickBooks' stored answer to a lost message set
// as if it had arrived in time. When QuickBooks has none, nothing changes:
// the postings are looked up one by one next.
func (e *Engine) applyRecoveredSet(ctx context.Context, shop *shopqb.Shop, st *session, fl *inFlight, rs *qbxml.MsgsRs) error {
	if len(rs.Responses) == 0 || (rs.HasMessageSetStatus && recoveryRefused[rs.MessageSetStatusCode]) {
		return nil
	}
	now := e.now()
	var changed []*shopqb.Posting
	after := int64(0)
	for {
		ps, err := e.store.ListPostings(ctx, shopqb.PostingFilter{ShopID: shop.ID, States: []shopqb.PostingState{shopqb.InDoubt}, AfterID: after, Limit: 500})
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			break
		}
		for _, p := range ps {
			after = p.ID
			if p.MessageSetID != fl.MessageSetID || p.ErrorClass == string(qbxml.LinkExisting) {
				continue
			}
			if r := rs.ByRequestID(strconv.FormatInt(p.ID, 10)); r != nil {
				e.applyOne(ctx, shop.ID, p, r, now, st)
				changed = append(changed, p)
			}
		}
	}
	st.Recovered += len(changed)
	return e.store.UpdatePostings(ctx, changed)
}

// lookupRequest builds queries that find postings' records in QuickBooks:
// transactions by RefNumber (or date) with their ExternalGUID, list records by name.
func (e *Engine) lookupRequest(ms qbxml.MsgSet, st *session, kind string, ps []*shopqb.Posting, now time.Time) (string, error) {
	fl := &inFlight{Kind: kind, Queries: map[string]int64{}, SentAt: now}
	var reqs []qbxml.Raw
	for _, p := range ps {
		var q qbxml.Request
		var err error
		if isListKind(p.Kind) {
			q, err = qbxml.ListQueryFor(p.Kind, p.Name)
		} else {
			q, err = qbxml.TxnQueryFor(p.Kind, p.RefNumber, p.TxnDate)
		}
		if err != nil {
			return "", fmt.Errorf("look up %s: %w", p.Key, err)
		}
		x, err := qbxml.MarshalRequest(q)
		if err != nil {
			return "", fmt.Errorf("look up %s: %w", p.Key, err)
		}
		id := fmt.Sprintf("q%d", p.ID)
		fl.Queries[id] = p.ID
		reqs = append(reqs, qbxml.Raw{RequestID: id, XML: x})
	}
	st.InFlight = fl
	return ms.Build(reqs)
}

// preflightDue: the preflight (chart of accounts, tax items, list sizes) is
// refreshed at most twice a day, every session while problems remain, and
// at the first visit after the merchant asked for a fresh read.
func (e *Engine) preflightDue(ctx context.Context, shopID int64) bool {
	pre, err := e.LoadPreflight(ctx, shopID)
	if err != nil || len(pre.Problems) > 0 || e.recheckPending(ctx, shopID) {
		return true
	}
	at, err := time.Parse("2006-01-02T15:04:05Z", pre.CheckedAt)
	return err != nil || e.now().Sub(at) > 12*time.Hour
}

func isListKind(kind string) bool {
	switch kind {
	case "CustomerAdd", "VendorAdd", "AccountAdd", "PaymentMethodAdd", "ClassAdd",
		"ItemInventoryAdd", "ItemNonInventoryAdd", "ItemServiceAdd", "ItemOtherChargeAdd",
		"ItemDiscountAdd", "ItemSalesTaxAdd", "ItemPaymentAdd":
		return true
	}
	return false
}

// applyResponse reads QuickBooks' answer to the set in flight.
func (e *Engine) applyResponse(ctx context.Context, shop *shopqb.Shop, st *session, fl *inFlight, response string) error {
	rs, err := qbxml.ParseResponse(response)
	if err != nil {
		// Unreadable answer: for a posting set, QuickBooks may have committed
		// it, so its postings are in doubt, not failed.
		if fl.Kind == "post" {
			e.setInDoubt(ctx, shop.ID, fl.Postings)
		}
		return fmt.Errorf("read QuickBooks' response: %w", err)
	}
	switch fl.Kind {
	case "preflight":
		return e.recordPreflight(ctx, shop, st, rs)
	case "post":
		return e.applyPostResults(ctx, shop, st, fl, rs)
	case "recover":
		return e.applyLookups(ctx, shop, st, fl, rs)
	case "recover-set":
		return e.applyRecoveredSet(ctx, shop, st, fl, rs)
	}
	return fmt.Errorf("unknown in-flight kind %q", fl.Kind)
}

func (e *Engine) postingsByID(ctx context.Context, shopID int64, ids []int64) (map[int64]*shopqb.Posting, error) {
	ps, err := e.store.PostingsByID(ctx, shopID, ids)
	return byPostingID(ps), err
}

// statesByID reads postings to record their outcomes: only who they are
// and the fields an outcome reads and writes (PostingOutcomesByID), not
// their request, content or planner's fields, which an outcome does not
// touch (and which must not be read from these postings).
func (e *Engine) statesByID(ctx context.Context, shopID int64, ids []int64) (map[int64]*shopqb.Posting, error) {
	ps, err := e.store.PostingOutcomesByID(ctx, shopID, ids)
	return byPostingID(ps), err
}

func byPostingID(ps []*shopqb.Posting) map[int64]*shopqb.Posting {
	out := make(map[int64]*shopqb.Posting, len(ps))
	for _, p := range ps {
		out[p.ID] = p
	}
	return out
}

// applyPostResults records each posting's outcome from its own response.
func (e *Engine) applyPostResults(ctx context.Context, shop *shopqb.Shop, st *session, fl *inFlight, rs *qbxml.MsgsRs) error {
	byID, err := e.statesByID(ctx, shop.ID, fl.Postings)
	if err != nil {
		return fmt.Errorf("load postings of set %s: %w", fl.MessageSetID, err)
	}
	now := e.now()
	var changed []*shopqb.Posting
	answers := map[int64]*qbxml.Node{}
	for _, id := range fl.Postings {
		p := byID[id]
		if p == nil || p.State != shopqb.Sent {
			continue
		}
		r := rs.ByRequestID(strconv.FormatInt(id, 10))
		if r == nil {
			// stopOnError or a truncated answer: QuickBooks did not get to it.
			p.State = shopqb.Planned
			changed = append(changed, p)
			continue
		}
		e.applyOne(ctx, shop.ID, p, r, now, st)
		changed = append(changed, p)
		answers[id] = r.Node
	}
	// The outcomes and the answers land in one transaction: one commit per
	// round trip, before the Web Connector is told the set was read.
	if err := e.store.RecordResults(ctx, shop.ID, changed, keptResponses(answers), now); err != nil {
		return fmt.Errorf("record results of set %s: %w", fl.MessageSetID, err)
	}
	return nil
}

// applyOne applies one response to its posting, per the classification of its status.
func (e *Engine) applyOne(ctx context.Context, shopID int64, p *shopqb.Posting, r *qbxml.Response, now time.Time, st *session) {
	c := r.Class()
	p.ErrorCode, p.ErrorClass, p.ErrorMessage = "", "", ""
	switch c.Kind {
	case qbxml.OK:
		p.State = shopqb.Done
		if len(r.Rets) > 0 {
			ret := r.Rets[0]
			p.QBID = firstNonEmpty(ret.TxnID, ret.ListID)
			p.EditSequence = ret.EditSequence
			e.recordTxnLines(ctx, shopID, p, &ret)
		}
		st.Done++
	case qbxml.LinkExisting:
		// The name exists in QuickBooks: look it up (as an in-doubt posting
		// is) and link to it instead of adding a second one.
		p.State = shopqb.InDoubt
		p.ErrorCode, p.ErrorClass, p.ErrorMessage = c.Code, string(c.Kind), c.Message
	case qbxml.RetryLater, qbxml.Requery:
		if p.Attempts >= e.MaxAttempts {
			p.State = shopqb.Failed
			p.ErrorCode, p.ErrorClass = c.Code, string(c.Kind)
			p.ErrorMessage = fmt.Sprintf("%s (gave up after %d attempts) %s", c.Message, p.Attempts, c.Fix)
			st.Failed++
			return
		}
		p.State = shopqb.Planned
		p.NextAttempt = now.Add(e.backoff(p.Attempts))
		p.ErrorCode, p.ErrorClass, p.ErrorMessage = c.Code, string(c.Kind), c.Message
		st.Retried++
	default:
		p.State = shopqb.Failed
		p.ErrorCode, p.ErrorClass = c.Code, string(c.Kind)
		p.ErrorMessage = strings.TrimSpace(c.Message + " " + c.Fix)
		if r.StatusMessage != "" {
			p.ErrorMessage += " QuickBooks said: " + r.StatusMessage
		}
		st.Failed++
	}
}

// backoff grows from RetryBase (2 s): 2 s, 4 s, 8 s … up to 10 minutes, the
// Web Connector's next polls picking the posting up once it is due.
func (e *Engine) backoff(attempts int) time.Duration {
	d := e.RetryBase
	if d <= 0 {
		d = 2 * time.Second
	}
	for i := 1; i < attempts && d < 10*time.Minute; i++ {
		d *= 2
	}
	return min(d, 10*time.Minute)
}

// applyLookups resolves in-doubt postings and links: found in QuickBooks
// (same ExternalGUID, or for a list record the same name) means done; not
// found means QuickBooks never got it, so it may be sent.
func (e *Engine) applyLookups(ctx context.Context, shop *shopqb.Shop, st *session, fl *inFlight, rs *qbxml.MsgsRs) error {
	ids := make([]int64, 0, len(fl.Queries))
	for _, id := range fl.Queries {
		ids = append(ids, id)
	}
	byID, err := e.postingsByID(ctx, shop.ID, ids)
	if err != nil {
		return err
	}
	var changed []*shopqb.Posting
	for reqID, pid := range fl.Queries {
		p := byID[pid]
		if p == nil {
			continue
		}
		r := rs.ByRequestID(reqID)
		if r == nil {
			continue // asked again next round
		}
		c := r.Class()
		if c.Kind != qbxml.OK && c.Kind != qbxml.NotFound {
			if c.Kind == qbxml.RetryLater {
				continue
			}
			p.State = shopqb.Failed
			p.ErrorCode, p.ErrorClass, p.ErrorMessage = c.Code, string(c.Kind), "looking it up in QuickBooks failed: "+c.Message
			st.Failed++
			changed = append(changed, p)
			continue
		}
		match := findPosting(p, r.Rets)
		var mismatch string
		if match != nil && isListKind(p.Kind) {
			mismatch = listMismatch(p, match)
		}
		switch {
		case mismatch != "":
			// Same name, another kind of record: linking would book this
			// category through someone else's item and account.
			p.State = shopqb.Failed
			p.ErrorCode, p.ErrorClass = "3100", string(qbxml.MerchantFix)
			p.ErrorMessage = mismatch
			st.Failed++
		case match != nil:
			p.State = shopqb.Done
			p.QBID = firstNonEmpty(match.TxnID, match.ListID)
			p.EditSequence = match.EditSequence
			p.ErrorCode, p.ErrorClass, p.ErrorMessage = "", "", ""
			st.Recovered++
		case p.ErrorClass == string(qbxml.LinkExisting):
			p.State = shopqb.Failed
			p.ErrorClass = string(qbxml.MerchantFix)
			p.ErrorMessage = fmt.Sprintf("QuickBooks said the name %q is in use, but no %s has that name: it is probably a customer, vendor, employee or other name of another type. Rename that record in QuickBooks, then retry.", p.Name, strings.TrimSuffix(p.Kind, "Add"))
			st.Failed++
		default:
			// Not in QuickBooks: the lost set never committed it. Safe to send.
			p.State = shopqb.Planned
			p.ErrorCode, p.ErrorClass, p.ErrorMessage = "", "", ""
		}
		changed = append(changed, p)
	}
	return e.store.UpdatePostings(ctx, changed)
}

// findPosting picks, among the records a lookup returned, the one the
// posting created: a list record by name; a transaction by its ExternalGUID
// when QuickBooks returned one, else by reference number, date, customer or
// vendor and amount (TxnKey). A transaction carrying another ExternalGUID is
// never taken for ours, whatever its figures.
func findPosting(p *shopqb.Posting, rets []qbxml.Ret) *qbxml.Ret {
	var want *qbxml.TxnKey
	for i := range rets {
		ret := &rets[i]
		if isListKind(p.Kind) {
			if strings.EqualFold(firstNonEmpty(ret.FullName, ret.Name), p.Name) {
				return ret
			}
			continue
		}
		if ret.ExternalGUID != "" && p.ExternalGUID != "" {
			if sameGUID(ret.ExternalGUID, p.ExternalGUID) {
				return ret
			}
			continue
		}
		if want == nil {
			k, err := qbxml.TxnKeyOfAdd(p.Request)
			if err != nil {
				return nil
			}
			want = &k
		}
		if want.SameTxn(qbxml.TxnKeyOfRet(ret)) {
			return ret
		}
	}
	return nil
}

// listMismatch explains, in words the merchant can act on, why an existing
// record with the posting's name cannot stand in for it; "" when it can.
func listMismatch(p *shopqb.Posting, have *qbxml.Ret) string {
	want, err := qbxml.ShapeOfAdd(p.Request)
	if err != nil {
		return ""
	}
	got := qbxml.ShapeOfRet(have)
	d := want.Differs(got)
	if d == "" {
		return ""
	}
	return fmt.Sprintf("QuickBooks already has %q, but %s. shopqb needs %s and will not book through the existing one. "+
		"In QuickBooks, rename the existing %q (for example to %q) or change it to match, then retry this posting; shopqb then adds its own.",
		p.Name, d, want.Describe(), p.Name, p.Name+" (old)")
}

func sameGUID(a, b string) bool {
	norm := func(s string) string { return strings.ToUpper(strings.Trim(strings.TrimSpace(s), "{}")) }
	return a != "" && norm(a) == norm(b)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// requestFailed handles a set QuickBooks could not process at all (an
// HRESULT instead of a response): nothing in it was committed.
// It reports whether the session should go on: it does while a set rejected
// as unreadable is being split up to find the bad request, and after that
// request failed alone.
func (e *Engine) requestFailed(ctx context.Context, shop *shopqb.Shop, st *session, fl *inFlight, hresult, message string) (string, bool) {
	c := classifyHRESULT(hresult)
	msg := fmt.Sprintf("QuickBooks could not process the request (%s %s): %s %s", hresult, strings.TrimSpace(message), c.Message, c.Fix)
	if fl.Kind == "post" {
		byID, err := e.statesByID(ctx, shop.ID, fl.Postings)
		if err == nil {
			var changed []*shopqb.Posting
			now := e.now()
			for _, p := range byID {
				if p.State != shopqb.Sent {
					continue
				}
				// An HRESULT is about QuickBooks (a dialog, a lock, a crash),
				// not about the posting, so it does not use up the posting's
				// attempts. A parse error rejects the whole set for one bad
				// request: the set's postings are sent one at a time next, so
				// only the bad one fails and the others go through.
				switch {
				case c.Kind != qbxml.Permanent:
					p.State = shopqb.Planned
					p.Attempts--
					p.NextAttempt = now.Add(e.backoff(1))
				case len(fl.Postings) > 1:
					p.State = shopqb.Planned
					p.Attempts--
				default:
					p.State = shopqb.Failed
					st.Failed++
				}
				p.ErrorCode, p.ErrorClass, p.ErrorMessage = c.Code, string(c.Kind), msg
				changed = append(changed, p)
			}
			_ = e.store.UpdatePostings(ctx, changed)
			if c.Kind == qbxml.Permanent && len(fl.Postings) > 1 {
				// Bisect: each half goes alone next; a rejected half is
				// split again, until the bad request is alone and fails.
				// Sets that are accepted go back to full batches.
				h := (len(fl.Postings) + 1) / 2
				st.Suspects = append([][]int64{fl.Postings[:h], fl.Postings[h:]}, st.Suspects...)
			}
		}
	}
	e.log.Warn("QuickBooks request failed", "shop", shop.Domain, "hresult", hresult, "message", message)
	// A rejected set is being isolated (or its bad request has just failed
	// alone): the session goes on with the rest.
	return msg, c.Kind == qbxml.Permanent && fl.Kind == "post"
}

func (e *Engine) setInDoubt(ctx context.Context, shopID int64, ids []int64) {
	byID, err := e.statesByID(ctx, shopID, ids)
	if err != nil {
		return
	}
	var changed []*shopqb.Posting
	for _, p := range byID {
		if p.State == shopqb.Sent {
			p.State = shopqb.InDoubt
			changed = append(changed, p)
		}
	}
	_ = e.store.UpdatePostings(ctx, changed)
}

func classifyHRESULT(h string) qbxml.Class { return qbxml.ClassifyHRESULT(h) }

// newMessageSetID names a message set so a lost answer can be asked for.
func newMessageSetID() string { return "ms-" + secret.NewTicket()[:18] }

// finishRuns closes running sync runs once nothing is left to send.
func (e *Engine) finishRuns(ctx context.Context, shopID int64, counts map[shopqb.PostingState]int) {
	closeRuns(ctx, e.store, shopID, counts, e.now())
}

// FinishRuns closes a shop's runs that are posting when nothing is left to
// send: a sync whose plan changed nothing in the outbox is done at once.
func FinishRuns(ctx context.Context, st store.API, shopID int64, now time.Time) {
	counts, err := st.CountPostings(ctx, shopID)
	if err != nil {
		return
	}
	closeRuns(ctx, st, shopID, counts, now)
}

func closeRuns(ctx context.Context, st store.API, shopID int64, counts map[shopqb.PostingState]int, now time.Time) {
	if counts[shopqb.Planned]+counts[shopqb.InDoubt]+counts[shopqb.Sent] > 0 {
		return
	}
	runs, err := st.SyncRuns(ctx, shopID, 20)
	if err != nil {
		return
	}
	for _, r := range runs {
		if r.Status == shopqb.RunPosting {
			r.Status = shopqb.RunOK
			if counts[shopqb.Failed] > 0 {
				r.Status = shopqb.RunOKWithFailures
			}
			r.FinishedAt = &now
			if r.Counts == nil {
				r.Counts = map[string]int{}
			}
			r.Counts["failed_total"] = counts[shopqb.Failed]
			r.Counts["done_total"] = counts[shopqb.Done]
			_ = st.UpdateSyncRun(ctx, r)
		}
	}
}

// txnLinesKey is the per-shop KV entry holding the TxnLineIDs of a posted
// purchase order, in line order: its item receipts link to them.
func txnLinesKey(postingKey string) string { return "txnlines:" + postingKey }

// recordTxnLines keeps the TxnLineIDs of a purchase order QuickBooks just
// saved, before the posting is recorded done (and its receipts can be
// claimed). QuickBooks returns them only in the Add's answer; a failure to
// store them is logged, and the receipts then go unlinked (resolveMacros).
func (e *Engine) recordTxnLines(ctx context.Context, shopID int64, p *shopqb.Posting, ret *qbxml.Ret) {
	if p.Kind != "PurchaseOrderAdd" || ret.Node == nil {
		return
	}
	var ids []string
	for _, n := range ret.Node.FindAll("PurchaseOrderLineRet/TxnLineID") {
		ids = append(ids, n.Text)
	}
	b, err := json.Marshal(ids)
	if err == nil {
		err = e.store.PutKV(ctx, shopID, txnLinesKey(p.Key), b)
	}
	if err != nil {
		e.log.Warn("could not record the line IDs of a purchase order; its receipts will not be linked to it", "shop", shopID, "posting", p.Key, "err", err)
	}
}

// resolveMacros fills in the IDs of transactions a posting refers to (a
// refund names its credit memo, an item receipt the purchase-order lines it
// receives). QuickBooks resolves a macro only inside the message set that
// defined it, and has none for line IDs, while a posting is claimed only once
// what it depends on is done, so the reference becomes that posting's TxnID
// (and its TxnLineIDs, recorded by recordTxnLines).
func (e *Engine) resolveMacros(ctx context.Context, shopID int64, x string) (string, error) {
	if !planner.HasRefs(x) {
		return x, nil
	}
	done := map[string]*shopqb.Posting{}
	posting := func(key string) *shopqb.Posting {
		if p, ok := done[key]; ok {
			return p
		}
		dep, err := e.store.PostingStateByKey(ctx, shopID, key)
		if err != nil || dep.State != shopqb.Done {
			dep = nil
		}
		done[key] = dep
		return dep
	}
	lines := map[string][]string{}
	for _, ref := range planner.TxnLineRefs(x) {
		if _, ok := lines[ref.Key]; ok || posting(ref.Key) == nil {
			continue
		}
		b, err := e.store.KV(ctx, shopID, txnLinesKey(ref.Key))
		var ids []string
		if err == nil {
			err = json.Unmarshal(b, &ids)
		}
		if err != nil {
			// Done without recorded lines: found by a lookup after a lost
			// answer (which returns no lines), or the record failed. The
			// receipt still books correctly, only not linked.
			e.log.Warn("line IDs of a posted purchase order are unknown; its receipt is booked without links to its lines", "shop", shopID, "posting", ref.Key, "err", err)
			x = planner.UnlinkTxnLines(x, ref.Key)
			continue
		}
		lines[ref.Key] = ids
	}
	return planner.ResolveTxnLineRefs(x, func(key string) (string, bool) {
		dep := posting(key)
		if dep == nil {
			return "", false
		}
		return dep.QBID, dep.QBID != ""
	}, func(key string, n int) (string, bool) {
		ids := lines[key]
		if n < 1 || n > len(ids) {
			return "", false
		}
		return ids[n-1], true
	})
}
