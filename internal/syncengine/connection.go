package syncengine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopqb/shopqb"
)

// What shopqb last saw of a shop's Web Connector, recorded where it happens
// (authenticate, connectionError, the HCP, the preflight) so the setup
// wizard can explain it in plain words while the merchant watches.
const (
	ConnWaiting     = "waiting"      // nothing received yet
	ConnBadPassword = "bad_password" // the shop's user with a wrong token
	ConnReached     = "reached"      // authenticated; QuickBooks not heard from yet
	ConnQBError     = "qb_error"     // connectionError with an HRESULT
	ConnOtherFile   = "other_file"   // another company file than the bound one
	ConnRefused     = "refused"      // QuickBooks too old, or its HCP unreadable
	ConnConnected   = "connected"    // the company file answered; a preflight exists
)

// Reasons of ConnRefused.
const (
	RefusedVersion = "version" // no supported qbXML version in common
	RefusedHCP     = "hcp"     // the host/company/preferences answer could not be read
)

// Connection is the last thing the Web Connector did for a shop. It never
// holds a password: a bad one is recorded as the fact that it was bad.
type Connection struct {
	State string    `json:"state"`
	At    time.Time `json:"at"`
	// HRESULT and Message are connectionError's (ConnQBError).
	HRESULT string `json:"hresult,omitempty"`
	Message string `json:"message,omitempty"`
	// OpenedFile and OpenedCompany are what QuickBooks had open (ConnOtherFile);
	// BoundFile and BoundCompany what the shop syncs with.
	OpenedFile    string `json:"openedFile,omitempty"`
	OpenedCompany string `json:"openedCompany,omitempty"`
	BoundFile     string `json:"boundFile,omitempty"`
	BoundCompany  string `json:"boundCompany,omitempty"`
	// Reason and Supported explain ConnRefused.
	Reason    string   `json:"reason,omitempty"`
	Supported []string `json:"supported,omitempty"`
	// LastContact and PreviousContact are the two latest authenticated
	// visits, whatever they brought: their gap shows the Web Connector's
	// real interval.
	LastContact     *time.Time `json:"lastContact,omitempty"`
	PreviousContact *time.Time `json:"previousContact,omitempty"`
}

const kvConnection = "connection"

// Connection returns what the Web Connector last did for the shop; a shop
// it never reached is ConnWaiting.
func (e *Engine) Connection(ctx context.Context, shopID int64) (*Connection, error) {
	raw, err := e.store.KV(ctx, shopID, kvConnection)
	if errors.Is(err, shopqb.ErrNotFound) || (err == nil && len(raw) == 0) {
		return &Connection{State: ConnWaiting}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("connection of shop %d: %w", shopID, err)
	}
	var c Connection
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("connection of shop %d: %w", shopID, err)
	}
	return &c, nil
}

// recordConnection stores the new state, keeping the contact times. A
// failure to record is logged, never allowed to break the session.
func (e *Engine) recordConnection(ctx context.Context, shopID int64, next Connection, contact bool) {
	prev, err := e.Connection(ctx, shopID)
	if err != nil {
		e.log.Warn("read connection state", "shop", shopID, "err", err)
		prev = &Connection{}
	}
	now := e.now()
	next.At = now
	next.LastContact, next.PreviousContact = prev.LastContact, prev.PreviousContact
	if contact {
		next.PreviousContact, next.LastContact = prev.LastContact, &now
	}
	raw, _ := json.Marshal(next)
	if err := e.store.PutKV(ctx, shopID, kvConnection, raw); err != nil {
		e.log.Warn("record connection state", "shop", shopID, "state", next.State, "err", err)
	}
}

// kvRecheck holds a merchant's request for a fresh read of QuickBooks.
const kvRecheck = "preflight:recheck"

// PreflightRecheck is a request for a fresh preflight at the next Web
// Connector visit, and when that visit brought it.
type PreflightRecheck struct {
	RequestedAt time.Time  `json:"requestedAt"`
	FulfilledAt *time.Time `json:"fulfilledAt,omitempty"`
}

// Pending reports whether the fresh read has not arrived yet.
func (r *PreflightRecheck) Pending() bool {
	return r != nil && !r.RequestedAt.IsZero() && (r.FulfilledAt == nil || r.FulfilledAt.Before(r.RequestedAt))
}

// RequestPreflight asks for a fresh read of QuickBooks (host, company,
// preferences, accounts, tax items) at the next Web Connector visit,
// however recent the last one is: the merchant just changed QuickBooks.
func (e *Engine) RequestPreflight(ctx context.Context, shopID int64) (*PreflightRecheck, error) {
	r := &PreflightRecheck{RequestedAt: e.now()}
	raw, _ := json.Marshal(r)
	if err := e.store.PutKV(ctx, shopID, kvRecheck, raw); err != nil {
		return nil, fmt.Errorf("request a fresh QuickBooks read for shop %d: %w", shopID, err)
	}
	return r, nil
}

// PreflightRecheckOf returns the last recheck request, or nil when none was made.
func (e *Engine) PreflightRecheckOf(ctx context.Context, shopID int64) (*PreflightRecheck, error) {
	raw, err := e.store.KV(ctx, shopID, kvRecheck)
	if errors.Is(err, shopqb.ErrNotFound) || (err == nil && len(raw) == 0) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("recheck of shop %d: %w", shopID, err)
	}
	var r PreflightRecheck
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("recheck of shop %d: %w", shopID, err)
	}
	return &r, nil
}

// recheckPending reports whether the merchant asked for a read not yet done.
func (e *Engine) recheckPending(ctx context.Context, shopID int64) bool {
	r, err := e.PreflightRecheckOf(ctx, shopID)
	return err == nil && r.Pending()
}

// fulfilRecheck marks a pending recheck as done by the preflight just stored.
func (e *Engine) fulfilRecheck(ctx context.Context, shopID int64) {
	r, err := e.PreflightRecheckOf(ctx, shopID)
	if err != nil || !r.Pending() {
		return
	}
	now := e.now()
	r.FulfilledAt = &now
	raw, _ := json.Marshal(r)
	if err := e.store.PutKV(ctx, shopID, kvRecheck, raw); err != nil {
		e.log.Warn("record the fresh QuickBooks read", "shop", shopID, "err", err)
	}
}
