package shopqb

import (
	"errors"
	"fmt"
)

// Error codes say what kind of failure an error is, so every front door
// answers it the same way: internal/web maps each to one HTTP status,
// internal/cli to one exit code. A code is part of the contract; the
// message is for people.
const (
	// EInvalid: the input cannot be used; the message says which field and why.
	EInvalid = "invalid"
	// ENotFound: the record does not exist.
	ENotFound = "not_found"
	// EConflict: a unique key (a domain, a Web Connector user) is already taken.
	EConflict = "conflict"
	// ELocked: the change is refused because the integration started.
	ELocked = "locked"
	// EAlreadyStarted: the one-time start already happened.
	EAlreadyStarted = "already_started"
	// ERefused: the act cannot happen yet; the error lists what to fix first.
	ERefused = "refused"
	// EUnauthorized: the caller may not do this.
	EUnauthorized = "unauthorized"
	// EUnavailable: this server cannot do it (not configured for it).
	EUnavailable = "unavailable"
	// EInternal: anything else; its detail belongs in the server log.
	EInternal = "internal"
)

// Error is a failure with a code and a message meant for the person who
// made the request. Err, when set, is the cause (for logs and errors.Is).
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// coder is an error type of its own (such as a refused start with its list
// of problems) that still has a code.
type coder interface{ ErrorCode() string }

// ErrorCode returns the code of err: that of the outermost *Error or coded
// error in its chain, "" for nil and EInternal for anything uncoded.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch v := e.(type) {
		case *Error:
			return v.Code
		case coder:
			return v.ErrorCode()
		}
	}
	// Joined errors and other multi-wrappers: the first coded one.
	var c coder
	if errors.As(err, &c) {
		return c.ErrorCode()
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the text to show the requester: the whole error for
// a coded one (its context says what and where), a generic sentence for an
// internal failure, whose detail stays in the log.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	if ErrorCode(err) == EInternal {
		return "internal error; the server log has the details"
	}
	return err.Error()
}

// ErrNotFound is returned by stores when a record does not exist.
var ErrNotFound = &Error{Code: ENotFound, Message: "not found"}

// ErrConflict is returned when a unique key is already taken.
var ErrConflict = &Error{Code: EConflict, Message: "already exists"}

// ErrAlreadyStarted refuses a second start.
var ErrAlreadyStarted = &Error{Code: EAlreadyStarted, Message: "already started"}

// ErrSettingsLocked refuses a change of the start date or a mode after the start.
var ErrSettingsLocked = &Error{Code: ELocked, Message: "the start date and the sync modes are locked since the integration started (changing them would double-count); an operator can run `shopqb admin reset`"}

// ErrNotStarted refuses a sync before the one-time start.
var ErrNotStarted = &Error{Code: EConflict, Message: "the integration has not been started: review the settings and run the start step"}

// NoPreflight is what stops the start, and a sync, before the Web
// Connector's first visit told shopqb what the company file is.
const NoPreflight = "no preflight yet: add the .qwc to the Web Connector and let it connect once"
