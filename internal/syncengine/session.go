package syncengine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbwc"
	"github.com/shopqb/shopqb/internal/secret"
)

var _ qbwc.Service = (*Engine)(nil)

// session is a ticket's state, stored as JSON on the ticket so the next call
// can land on any process.
type session struct {
	Phase       string    `json:"phase"` // hcp, preflight, recover, link, post, closed
	Started     time.Time `json:"started"`
	CompanyFile string    `json:"companyFile,omitempty"`
	Version     string    `json:"qbxmlVersion,omitempty"`
	// InFlight is the message set QuickBooks is working on.
	InFlight *inFlight `json:"inFlight,omitempty"`
	// Batch is the current adaptive batch size.
	Batch      int    `json:"batch"`
	RoundTrips int    `json:"roundTrips"`
	Done       int    `json:"done"`
	Failed     int    `json:"failed"`
	Retried    int    `json:"retried"`
	Recovered  int    `json:"recovered"`
	LastError  string `json:"lastError,omitempty"`
	// Suspects are groups of postings from a set QuickBooks rejected as
	// unreadable (one bad request spoils the set), sent one group per set
	// before anything else: halving them finds the bad request in a few
	// round trips, and the session then returns to full batches.
	Suspects [][]int64 `json:"suspects,omitempty"`
	// TriedSets are lost message sets already asked about this session.
	TriedSets []string `json:"triedSets,omitempty"`
	// Preflighted is set once this session has sent the preflight or found
	// it not due.
	Preflighted   bool      `json:"preflighted"`
	PreflightedAt time.Time `json:"preflightedAt"`
	// PlannedCount is percentDone's last count of planned postings.
	PlannedCount *plannedCount `json:"plannedCount,omitempty"`
}

// plannedCount is how many postings were planned after round trip
// RoundTrips, when the session had settled Settled of its postings.
type plannedCount struct {
	Planned    int `json:"planned"`
	RoundTrips int `json:"roundTrips"`
	Settled    int `json:"settled"`
}

// inFlight remembers what a sent message set asked, to read its answer.
type inFlight struct {
	Kind         string           `json:"kind"` // preflight, recover, link, post
	MessageSetID string           `json:"messageSetId,omitempty"`
	Postings     []int64          `json:"postings,omitempty"`
	Queries      map[string]int64 `json:"queries,omitempty"` // requestID → posting ID
	// Isolating marks a set of suspects from a rejected set.
	Isolating bool      `json:"isolating,omitempty"`
	SentAt    time.Time `json:"sentAt"`
}

// ServerVersion implements qbwc.Service.
func (e *Engine) ServerVersion(ctx context.Context) string { return e.Version }

// minClientVersion is the oldest Web Connector we accept without a warning:
// 2.x is the line Intuit supports and documents.
const minClientVersion = 2

// ClientVersion implements qbwc.Service: warn (never refuse) on a Web
// Connector older than 2.x, since the merchant may still be able to sync.
func (e *Engine) ClientVersion(ctx context.Context, version string) string {
	major := 0
	fmt.Sscanf(strings.TrimSpace(version), "%d", &major)
	if major > 0 && major < minClientVersion {
		return fmt.Sprintf("W:This Web Connector (%s) is older than 2.0; shopqb is tested with 2.x. Please update the QuickBooks Web Connector.", version)
	}
	return ""
}

// Authenticate implements qbwc.Service.
func (e *Engine) Authenticate(ctx context.Context, user, password string) (qbwc.AuthResult, error) {
	now := e.now()
	ticket := secret.NewTicket()
	shop, err := e.store.ShopByQBWCUser(ctx, user)
	if err != nil && !errors.Is(err, shopqb.ErrNotFound) {
		return qbwc.AuthResult{}, fmt.Errorf("authenticate %q: %w", user, err)
	}
	if shop == nil || !secret.CheckAppToken(shop.AppTokenHash, password) {
		if shop != nil {
			// The right user with a wrong token: the merchant pasted an old
			// token or none. Only the fact is kept, never the password.
			e.recordConnection(ctx, shop.ID, Connection{State: ConnBadPassword}, false)
		}
		e.slowDown(ctx, user, now)
		// The user name is not secret (it is in the .qwc); the token never leaves this function.
		e.log.Warn("web connector authentication failed", "user", user)
		return qbwc.AuthResult{Ticket: ticket, Status: "nvu"}, nil
	}
	// While a sync is filling the outbox, a session would see half of it.
	if running, err := e.syncRunning(ctx, shop.ID); err != nil {
		return qbwc.AuthResult{}, err
	} else if running {
		return qbwc.AuthResult{Ticket: ticket, Status: "busy", PostponeSeconds: 60}, nil
	}
	// A session that is still open means the Web Connector lost it (Intuit's
	// guide: an authenticate while a response is awaited means something was
	// lost). Close it; its unanswered postings become in doubt and are asked
	// about before anything is sent again. If that Web Connector was in fact
	// alive, its late answer meets a closed ticket, and the lookup finds what
	// QuickBooks committed: nothing is posted twice either way.
	if open, err := e.store.OpenTicket(ctx, shop.ID, now); err == nil {
		closed := now
		open.ClosedAt = &closed
		open.LastError = "superseded by a new Web Connector session"
		if err := e.store.UpdateTicket(ctx, open); err != nil {
			return qbwc.AuthResult{}, fmt.Errorf("authenticate: close stale ticket: %w", err)
		}
	} else if !errors.Is(err, shopqb.ErrNotFound) {
		return qbwc.AuthResult{}, fmt.Errorf("authenticate: %w", err)
	}
	if err := e.markInDoubt(ctx, shop.ID); err != nil {
		return qbwc.AuthResult{}, err
	}
	due, err := e.workDue(ctx, shop, now)
	if err != nil {
		return qbwc.AuthResult{}, err
	}
	if !due {
		// Nothing to ask QuickBooks, so nothing new is learnt of it; only a
		// password that was wrong before is known to be right now.
		prev, _ := e.Connection(ctx, shop.ID)
		next := *prev
		if prev.State == ConnBadPassword || prev.State == ConnWaiting {
			next = Connection{State: ConnConnected}
		}
		e.recordConnection(ctx, shop.ID, next, true)
		return qbwc.AuthResult{Ticket: ticket, Status: "none"}, nil
	}
	e.recordConnection(ctx, shop.ID, Connection{State: ConnReached}, true)
	st := session{Phase: "hcp", Started: now, Batch: 10}
	raw, _ := json.Marshal(st)
	t := &shopqb.Ticket{ID: ticket, ShopID: shop.ID, CreatedAt: now, ExpiresAt: now.Add(e.TicketTTL), State: raw}
	if err := e.store.CreateTicket(ctx, t); err != nil {
		return qbwc.AuthResult{}, fmt.Errorf("authenticate: create ticket: %w", err)
	}
	e.log.Info("web connector session started", "shop", shop.Domain, "ticket", ticket[:8])
	// "" = use the company file open in QuickBooks; sendRequestXML checks it
	// is the file this shop is bound to.
	return qbwc.AuthResult{Ticket: ticket, Status: ""}, nil
}

// syncRunning reports whether a sync of the shop is reading and planning now.
func (e *Engine) syncRunning(ctx context.Context, shopID int64) (bool, error) {
	runs, err := e.store.SyncRuns(ctx, shopID, 1)
	if err != nil {
		return false, err
	}
	// A run stuck in "running" for an hour died with its process; don't block on it.
	return len(runs) > 0 && runs[0].Status == shopqb.RunRunning && e.now().Sub(runs[0].StartedAt) < time.Hour, nil
}

// slowDown delays a failed authentication in proportion to recent failures
// for the same user, so guessing a token is slow without locking anyone out.
func (e *Engine) slowDown(ctx context.Context, user string, now time.Time) {
	_ = e.store.RecordAuthFailure(ctx, user, now)
	n, err := e.store.AuthFailuresSince(ctx, user, now.Add(-15*time.Minute))
	if err != nil || n <= 3 {
		return
	}
	d := time.Duration(n-3) * 500 * time.Millisecond
	if d > 5*time.Second {
		d = 5 * time.Second
	}
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}

// workDue reports whether a session has anything to do: a first preflight,
// postings waiting, or postings whose fate must be asked.
func (e *Engine) workDue(ctx context.Context, shop *shopqb.Shop, now time.Time) (bool, error) {
	if pre, err := e.LoadPreflight(ctx, shop.ID); errors.Is(err, shopqb.ErrNotFound) {
		return true, nil
	} else if err != nil {
		return false, err
	} else if len(pre.Problems) > 0 && shop.StartedAt == nil {
		// The merchant may have fixed QuickBooks: look again.
		return true, nil
	} else if e.recheckPending(ctx, shop.ID) {
		return true, nil
	}
	if shop.StartedAt == nil {
		return false, nil // nothing is sent before the start (nextRequest)
	}
	counts, err := e.store.CountPostingsIn(ctx, shop.ID, shopqb.Planned, shopqb.InDoubt)
	if err != nil {
		return false, fmt.Errorf("count postings: %w", err)
	}
	if counts[shopqb.InDoubt] > 0 {
		return true, nil
	}
	if counts[shopqb.Planned] == 0 {
		return false, nil
	}
	return e.readyExists(ctx, shop.ID, now)
}

// readyExists reports whether at least one planned posting could leave now.
func (e *Engine) readyExists(ctx context.Context, shopID int64, now time.Time) (bool, error) {
	return e.store.ReadyExists(ctx, shopID, now)
}

// markInDoubt turns postings left "sent" by a lost session into "in doubt":
// QuickBooks may or may not have them, so they are asked about, never re-sent blindly.
func (e *Engine) markInDoubt(ctx context.Context, shopID int64) error {
	for {
		ps, err := e.store.ListPostings(ctx, shopqb.PostingFilter{ShopID: shopID, States: []shopqb.PostingState{shopqb.Sent}, Limit: 500})
		if err != nil {
			return fmt.Errorf("find sent postings: %w", err)
		}
		if len(ps) == 0 {
			return nil
		}
		for _, p := range ps {
			p.State = shopqb.InDoubt
		}
		if err := e.store.UpdatePostings(ctx, ps); err != nil {
			return fmt.Errorf("mark postings in doubt: %w", err)
		}
		e.log.Warn("postings in doubt after a lost session", "shop", shopID, "count", len(ps))
	}
}

// loadSession reads a live ticket and its shop.
func (e *Engine) loadSession(ctx context.Context, ticket string) (*shopqb.Ticket, *session, *shopqb.Shop, error) {
	t, err := e.store.Ticket(ctx, ticket)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("ticket %.8s: %w", ticket, err)
	}
	now := e.now()
	if t.ClosedAt != nil || now.After(t.ExpiresAt) {
		return nil, nil, nil, fmt.Errorf("ticket %.8s has expired or was closed; the Web Connector will start a new session", ticket)
	}
	var st session
	if err := json.Unmarshal(t.State, &st); err != nil {
		return nil, nil, nil, fmt.Errorf("ticket %.8s state: %w", ticket, err)
	}
	shop, err := e.store.ShopByID(ctx, t.ShopID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("ticket %.8s shop: %w", ticket, err)
	}
	return t, &st, shop, nil
}

func (e *Engine) saveSession(ctx context.Context, t *shopqb.Ticket, st *session) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	t.State = raw
	t.LastError = st.LastError
	t.ExpiresAt = e.now().Add(e.TicketTTL)
	return e.store.UpdateTicket(ctx, t)
}

// SendRequest implements qbwc.Service.
func (e *Engine) SendRequest(ctx context.Context, ticket string, in qbwc.SendRequestInput) (string, error) {
	t, st, shop, err := e.loadSession(ctx, ticket)
	if err != nil {
		return "", err
	}
	if in.HCPResponse != "" || st.Phase == "hcp" {
		if err := e.acceptHCP(ctx, shop, st, in); err != nil {
			st.LastError = err.Error()
			st.Phase = "closed"
			_ = e.saveSession(ctx, t, st)
			e.log.Warn("session refused", "shop", shop.Domain, "err", err)
			return "", nil
		}
		t.CompanyFile = st.CompanyFile
	}
	req, err := e.nextRequest(ctx, shop, st)
	if err != nil {
		st.LastError = err.Error()
		_ = e.saveSession(ctx, t, st)
		return "", nil
	}
	if req == "" {
		st.Phase = "closed"
		if st.LastError == "" {
			st.LastError = "Nothing to send: every posting is done or waiting on something `shopqb admin status` lists."
		}
	} else {
		st.RoundTrips++
		if e.Trace != nil {
			e.Trace(shop.ID, req)
		}
	}
	if err := e.saveSession(ctx, t, st); err != nil {
		return "", fmt.Errorf("save session: %w", err)
	}
	return req, nil
}

// ReceiveResponse implements qbwc.Service.
func (e *Engine) ReceiveResponse(ctx context.Context, ticket string, in qbwc.ReceiveResponseInput) (int, error) {
	t, st, shop, err := e.loadSession(ctx, ticket)
	if err != nil {
		return -1, err
	}
	fl := st.InFlight
	st.InFlight = nil
	if fl == nil {
		st.LastError = "QuickBooks answered a request shopqb has no record of sending; the session was reset."
		_ = e.saveSession(ctx, t, st)
		return -1, nil
	}
	e.adaptBatch(st, fl, e.now().Sub(fl.SentAt))
	if in.HResult != "" || strings.TrimSpace(in.Response) == "" {
		// QuickBooks did not process the set (request processor error): nothing
		// was committed, so the postings go back to planned with a backoff.
		msg, goOn := e.requestFailed(ctx, shop, st, fl, in.HResult, in.Message)
		st.LastError = msg
		if goOn {
			pct, err := e.percentDone(ctx, shop, st)
			if err == nil {
				_ = e.saveSession(ctx, t, st)
				return pct, nil
			}
		}
		_ = e.saveSession(ctx, t, st)
		return -1, nil
	}
	if err := e.applyResponse(ctx, shop, st, fl, in.Response); err != nil {
		st.LastError = err.Error()
		_ = e.saveSession(ctx, t, st)
		e.log.Error("apply QuickBooks response", "shop", shop.Domain, "err", err)
		return -1, nil
	}
	// QuickBooks answered and the answer was recorded: an error from an
	// earlier set (a rejected set since isolated, a busy QuickBooks) is
	// over. Each posting keeps its own error for the dashboard.
	st.LastError = ""
	pct, err := e.percentDone(ctx, shop, st)
	if err != nil {
		return -1, err
	}
	if err := e.saveSession(ctx, t, st); err != nil {
		return -1, fmt.Errorf("save session: %w", err)
	}
	return pct, nil
}

// recountEvery is how many round trips the count of planned postings in
// percentDone is reused for at least, and recountShare the share of that
// count (one in recountShare) the session must have settled since before it
// counts again. Counting reads every planned posting's index entry, so
// counting on every round trip would make a back-fill's progress reports
// cost the square of its size, and even every recountEvery round trips it
// did at 100,000 orders (a tenth of the Web Connector's CPU); recounting
// once an eighth is settled keeps all of a back-fill's counts to about
// eight times its outbox.
const (
	recountEvery = 16
	recountShare = 8
)

// percentDone is honest progress: work done this session over work done plus
// work still ready to leave. 100 tells the Web Connector to close, which is
// decided on exact facts (nothing in doubt, nothing ready); only the
// fraction uses a count of planned postings (see recountEvery), less what
// the session settled since.
func (e *Engine) percentDone(ctx context.Context, shop *shopqb.Shop, st *session) (int, error) {
	done := st.Done + st.Failed + st.Recovered
	if c := st.PlannedCount; c == nil ||
		(st.RoundTrips-c.RoundTrips >= recountEvery && done-c.Settled >= c.Planned/recountShare) {
		counts, err := e.store.CountPostingsIn(ctx, shop.ID, shopqb.Planned)
		if err != nil {
			return -1, err
		}
		st.PlannedCount = &plannedCount{Planned: counts[shopqb.Planned], RoundTrips: st.RoundTrips, Settled: done}
	}
	counts, err := e.store.CountPostingsIn(ctx, shop.ID, shopqb.InDoubt)
	if err != nil {
		return -1, err
	}
	if counts[shopqb.InDoubt] == 0 {
		more, err := e.readyExists(ctx, shop.ID, e.now())
		if err != nil {
			return -1, err
		}
		if !more && st.Preflighted {
			return 100, nil
		}
	}
	planned := max(st.PlannedCount.Planned-(done-st.PlannedCount.Settled), 0)
	remaining := planned + counts[shopqb.InDoubt]
	if done+remaining == 0 {
		return 1, nil
	}
	pct := done * 100 / (done + remaining)
	if pct >= 100 {
		pct = 99
	}
	if pct < 1 {
		pct = 1
	}
	return pct, nil
}

// adaptBatch keeps a round trip near the target: halve on a slow QuickBooks,
// grow by half on a fast one. A set isolating a rejected request is small
// by design and says nothing of QuickBooks' speed.
func (e *Engine) adaptBatch(st *session, fl *inFlight, took time.Duration) {
	if fl.Isolating {
		return
	}
	switch {
	case took > e.TargetRoundTrip && st.Batch > 1:
		st.Batch /= 2
	case took < e.TargetRoundTrip/4 && st.Batch < e.MaxBatch:
		st.Batch += st.Batch/2 + 1
		if st.Batch > e.MaxBatch {
			st.Batch = e.MaxBatch
		}
	}
}

// ConnectionError implements qbwc.Service.
func (e *Engine) ConnectionError(ctx context.Context, ticket, hresult, message string) (string, error) {
	t, st, shop, err := e.loadSession(ctx, ticket)
	if err != nil {
		return "done", nil
	}
	c := classifyHRESULT(hresult)
	st.LastError = fmt.Sprintf("The Web Connector could not open QuickBooks (%s): %s %s", hresult, c.Message, c.Fix)
	st.Phase = "closed"
	now := e.now()
	t.ClosedAt = &now
	_ = e.saveSession(ctx, t, st)
	e.recordConnection(ctx, shop.ID, Connection{State: ConnQBError, HRESULT: c.Code, Message: message}, false)
	e.log.Warn("web connector connection error", "shop", shop.Domain, "hresult", hresult, "message", message)
	_ = e.store.AddAudit(ctx, shop.ID, "web-connector", "connection_error", st.LastError)
	return "done", nil
}

// LastError implements qbwc.Service.
func (e *Engine) LastError(ctx context.Context, ticket string) (string, error) {
	t, err := e.store.Ticket(ctx, ticket)
	if err != nil {
		return "Unknown session: the Web Connector will start a new one.", nil
	}
	if t.LastError == "" {
		return "No error.", nil
	}
	return t.LastError, nil
}

// CloseConnection implements qbwc.Service.
func (e *Engine) CloseConnection(ctx context.Context, ticket string) (string, error) {
	t, st, shop, err := e.loadSession(ctx, ticket)
	if err != nil {
		return "Session already closed.", nil
	}
	now := e.now()
	t.ClosedAt = &now
	st.Phase = "closed"
	if err := e.saveSession(ctx, t, st); err != nil {
		return "", err
	}
	counts, _ := e.store.CountPostings(ctx, shop.ID)
	msg := fmt.Sprintf("OK: %d posted, %d recovered, %d failed this session; %d waiting, %d failed in all.",
		st.Done, st.Recovered, st.Failed, counts[shopqb.Planned]+counts[shopqb.InDoubt], counts[shopqb.Failed])
	if counts[shopqb.Failed] > 0 {
		msg += " `shopqb admin status --shop " + shop.Domain + "` (or the admin API's postings?state=failed) lists the fixes."
	}
	e.finishRuns(ctx, shop.ID, counts)
	return msg, nil
}
