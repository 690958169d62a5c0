package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/shopqb/shopqb"
)

// apiPreflight shows what shopqb learned about the company file on the Web
// Connector's first contact, with the problems that stop the start.
func (s *server) apiPreflight(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	pre, err := s.cfg.Engine.LoadPreflight(r.Context(), shop.ID)
	if errors.Is(err, shopqb.ErrNotFound) {
		writeError(w, http.StatusNotFound, shopqb.NoPreflight)
		return
	}
	if err != nil {
		s.internalError(w, r, "read the preflight", err)
		return
	}
	writeJSON(w, http.StatusOK, pre)
}

// apiStart is the one-time start: shopadmin's Start checks the settings against
// the preflight and locks the start date and the modes. A refusal is a 422
// listing every problem, so the merchant can fix them all in one pass.
func (s *server) apiStart(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	if err := s.cfg.Admin.Start(r.Context(), shop.ID, apiActor); err != nil {
		s.serviceError(w, r, "start", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "started: syncs now post to QuickBooks; the start date and modes are locked"})
}

// apiSync asks for a sync now. Before the start there is nothing to sync;
// saying so here gives the same 409 whether the sync would run inline or as
// a River job (which drops a not-started shop in silence).
func (s *server) apiSync(w http.ResponseWriter, r *http.Request) {
	if s.cfg.EnqueueSync == nil {
		writeError(w, http.StatusNotImplemented, "this server cannot run syncs")
		return
	}
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	if shop.StartedAt == nil {
		writeError(w, http.StatusConflict, shopqb.ErrNotStarted.Error())
		return
	}
	if err := s.cfg.EnqueueSync(r.Context(), shop.ID); err != nil {
		if status, msg, ok := syncRefusal(err); ok {
			writeError(w, status, msg)
			return
		}
		s.cfg.Log.Error("admin API: sync", "shop", shop.Domain, "err", err)
		writeError(w, http.StatusInternalServerError, fmt.Sprintf("the sync failed; GET /api/shops/%d/runs shows why", shop.ID))
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "sync requested; the Web Connector's next poll (within 15 minutes) posts it"})
}

// apiRetry puts failed postings back in the queue, after the merchant fixed
// their cause in QuickBooks.
func (s *server) apiRetry(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	n, err := s.cfg.Admin.RetryFailed(r.Context(), shop.ID, apiActor)
	if err != nil {
		s.serviceError(w, r, "queue the failed postings again", err)
		return
	}
	writeJSON(w, http.StatusOK, n)
}

type runView struct {
	ID         int64           `json:"id"`
	Trigger    shopqb.Trigger  `json:"trigger"`
	WindowFrom time.Time       `json:"windowFrom"`
	WindowTo   time.Time       `json:"windowTo"`
	StartedAt  time.Time       `json:"startedAt"`
	FinishedAt *time.Time      `json:"finishedAt,omitempty"`
	Status     shopqb.RunState `json:"status"`
	Counts     map[string]int  `json:"counts"`
	Error      string          `json:"error,omitempty"`
}

func (s *server) apiRuns(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	limit, ok := queryInt(w, r, "limit", 50, 1, 500)
	if !ok {
		return
	}
	runs, err := s.cfg.Store.SyncRuns(r.Context(), shop.ID, int(limit))
	if err != nil {
		s.internalError(w, r, "list the syncs", err)
		return
	}
	out := make([]runView, 0, len(runs))
	for _, run := range runs {
		out = append(out, runView{run.ID, run.Trigger, run.WindowFrom, run.WindowTo, run.StartedAt, run.FinishedAt, run.Status, run.Counts, run.Error})
	}
	writeJSON(w, http.StatusOK, out)
}

type postingView struct {
	ID        int64     `json:"id"`
	Key       string    `json:"key"`
	Kind      string    `json:"kind"`
	State     string    `json:"state"`
	RefNumber string    `json:"refNumber,omitempty"`
	TxnDate   string    `json:"txnDate,omitempty"`
	Name      string    `json:"name,omitempty"`
	QBID      string    `json:"qbId,omitempty"`
	Code      string    `json:"errorCode,omitempty"`
	Class     string    `json:"errorClass,omitempty"`
	Error     string    `json:"error,omitempty"`
	Attempts  int       `json:"attempts"`
	UpdatedAt time.Time `json:"updatedAt"`
}

var postingStates = map[shopqb.PostingState]bool{
	shopqb.Planned: true, shopqb.Sent: true, shopqb.Done: true, shopqb.Failed: true, shopqb.InDoubt: true,
}

// apiPostings pages through the outbox: ?state= filters, ?after= is the last
// id of the previous page, ?limit= its size.
func (s *server) apiPostings(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	f := shopqb.PostingFilter{ShopID: shop.ID}
	if st := shopqb.PostingState(r.URL.Query().Get("state")); st != "" {
		if !postingStates[st] {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("state %q: use planned, sent, done, failed or in_doubt", st))
			return
		}
		f.States = []shopqb.PostingState{st}
	}
	after, ok := queryInt(w, r, "after", 0, 0, 1<<62)
	if !ok {
		return
	}
	limit, ok := queryInt(w, r, "limit", 200, 1, 1000)
	if !ok {
		return
	}
	f.AfterID, f.Limit = after, int(limit)
	ps, err := s.cfg.Store.ListPostings(r.Context(), f)
	if err != nil {
		s.internalError(w, r, "list the postings", err)
		return
	}
	out := make([]postingView, 0, len(ps))
	for _, p := range ps {
		if p.ShopID != shop.ID {
			continue // the filter already guarantees it; a view of another shop's row is never worth the risk
		}
		out = append(out, postingView{p.ID, p.Key, p.Kind, string(p.State), p.RefNumber, p.TxnDate, p.Name, p.QBID,
			p.ErrorCode, p.ErrorClass, p.ErrorMessage, p.Attempts, p.UpdatedAt})
	}
	writeJSON(w, http.StatusOK, out)
}

type auditView struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Detail string    `json:"detail,omitempty"`
}

// apiAudit lists who changed what, newest first as the store keeps it.
func (s *server) apiAudit(w http.ResponseWriter, r *http.Request) {
	shop := s.shop(w, r)
	if shop == nil {
		return
	}
	limit, ok := queryInt(w, r, "limit", 100, 1, 1000)
	if !ok {
		return
	}
	entries, err := s.cfg.Store.Audit(r.Context(), shop.ID, int(limit))
	if err != nil {
		s.internalError(w, r, "read the audit log", err)
		return
	}
	out := make([]auditView, 0, len(entries))
	for _, e := range entries {
		out = append(out, auditView{e.At, e.Actor, e.Action, e.Detail})
	}
	writeJSON(w, http.StatusOK, out)
}

// syncRefusal maps an error of EnqueueSync to a status and a message; ok is
// false when the sync itself failed, whose reason the sync history keeps.
func syncRefusal(err error) (status int, msg string, ok bool) {
	switch {
	case errors.Is(err, shopqb.ErrNotStarted):
		return http.StatusConflict, shopqb.ErrNotStarted.Error(), true
	case errors.Is(err, shopqb.ErrNotFound):
		return http.StatusConflict, shopqb.NoPreflight, true
	}
	return 0, "", false
}
