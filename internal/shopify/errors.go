package shopify

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrUnauthorized matches (errors.Is) an HTTPError with status 401 or 403:
// the token is wrong, revoked or the app was uninstalled. Retrying cannot help.
var ErrUnauthorized = errors.New("shopify: access token rejected")

// GQLError is one entry of a GraphQL response's errors array.
type GQLError struct {
	Message    string          `json:"message"`
	Path       []any           `json:"path,omitempty"`
	Extensions GQLErrorDetails `json:"extensions"`
}

// GQLErrorDetails is errors[].extensions.
type GQLErrorDetails struct {
	Code          string `json:"code"`
	Documentation string `json:"documentation,omitempty"`
	// RequiredAccess names the missing scope(s) on ACCESS_DENIED. Shopify
	// sends a sentence naming them; some responses send a list.
	RequiredAccess requiredAccess `json:"requiredAccess,omitempty"`
}

// requiredAccess accepts a string or a list of strings.
type requiredAccess []string

func (r *requiredAccess) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		if s != "" {
			*r = []string{s}
		}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return fmt.Errorf("requiredAccess: %w", err)
	}
	*r = l
	return nil
}

// AccessDeniedError is a permanent refusal: the app lacks a scope. The fix
// is to grant RequiredAccess (reinstall or update the app's scopes).
type AccessDeniedError struct {
	Op             string
	Message        string
	RequiredAccess []string
	Path           []any
}

func (e *AccessDeniedError) Error() string {
	need := strings.Join(e.RequiredAccess, "; ")
	if need == "" {
		need = "unknown scope"
	}
	return fmt.Sprintf("shopify %s: access denied (%s): grant the app %s", e.Op, e.Message, need)
}

// GraphQLError carries the errors Shopify returned for an operation other
// than throttling and access denial (invalid query, max cost exceeded,
// internal errors reported in the body).
type GraphQLError struct {
	Op     string
	Errors []GQLError
}

func (e *GraphQLError) Error() string {
	msgs := make([]string, 0, len(e.Errors))
	for _, g := range e.Errors {
		m := g.Message
		if g.Extensions.Code != "" {
			m = g.Extensions.Code + ": " + m
		}
		msgs = append(msgs, m)
	}
	return fmt.Sprintf("shopify %s: %s", e.Op, strings.Join(msgs, "; "))
}

// Code returns the first error's extensions.code.
func (e *GraphQLError) Code() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].Extensions.Code
}

// ThrottledError means the cost bucket could not cover the query. The client
// retries it after RetryAfter; callers see it only when attempts run out.
type ThrottledError struct {
	Op         string
	Requested  float64
	Status     ThrottleStatus
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("shopify %s: throttled (requested %.0f, available %.0f of %.0f, restore %.0f/s)",
		e.Op, e.Requested, e.Status.CurrentlyAvailable, e.Status.MaximumAvailable, e.Status.RestoreRate)
}

// HTTPError is a non-200 answer.
type HTTPError struct {
	StatusCode int
	Body       string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("HTTP %d %s: %s", e.StatusCode, http.StatusText(e.StatusCode), e.Body)
}

// Is makes errors.Is(err, ErrUnauthorized) true for 401 and 403.
func (e *HTTPError) Is(target error) bool {
	return target == ErrUnauthorized && (e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden)
}

// transientError marks a failure worth retrying (network, 5xx, 429).
type transientError struct{ err error }

func (e *transientError) Error() string { return e.err.Error() }
func (e *transientError) Unwrap() error { return e.err }

// permanentError marks a failure that retrying cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// retryable reports whether err is worth another attempt.
func retryable(err error) bool {
	var t *transientError
	var th *ThrottledError
	return errors.As(err, &t) || errors.As(err, &th)
}

// classifyErrors turns a response's errors array into a typed error.
// THROTTLED anywhere wins (the whole query was refused); ACCESS_DENIED next.
func classifyErrors(op string, g *gqlResponse) error {
	for _, e := range g.Errors {
		if e.Extensions.Code == "THROTTLED" {
			te := &ThrottledError{Op: op}
			if cost := g.Extensions.Cost; cost != nil {
				te.Requested = cost.RequestedQueryCost
				if cost.ThrottleStatus != nil {
					te.Status = *cost.ThrottleStatus
				}
			}
			if w, ok := throttleWait(g); ok {
				te.RetryAfter = w
			}
			return te
		}
	}
	for _, e := range g.Errors {
		if e.Extensions.Code == "ACCESS_DENIED" {
			return &AccessDeniedError{Op: op, Message: e.Message, RequiredAccess: e.Extensions.RequiredAccess, Path: e.Path}
		}
	}
	for _, e := range g.Errors {
		if e.Extensions.Code == "INTERNAL_SERVER_ERROR" {
			return &transientError{&GraphQLError{Op: op, Errors: g.Errors}}
		}
	}
	return &GraphQLError{Op: op, Errors: g.Errors}
}
