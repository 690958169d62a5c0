package web

import (
	"errors"
	"net/http"

	"github.com/shopqb/shopqb"
)

// statusOf is the one mapping from shopqb's error codes to HTTP statuses.
var statusOf = map[string]int{
	shopqb.EInvalid:        http.StatusBadRequest,
	shopqb.ENotFound:       http.StatusNotFound,
	shopqb.EConflict:       http.StatusConflict,
	shopqb.ELocked:         http.StatusConflict,
	shopqb.EAlreadyStarted: http.StatusConflict,
	shopqb.ERefused:        http.StatusUnprocessableEntity,
	shopqb.EUnauthorized:   http.StatusForbidden,
	// This server is not set up for the act (no secret key, no pipeline):
	// retrying will not help, so not 503.
	shopqb.EUnavailable: http.StatusNotImplemented,
	shopqb.EInternal:    http.StatusInternalServerError,
}

// HTTPStatus returns the status that answers err.
func HTTPStatus(err error) int {
	if st, ok := statusOf[shopqb.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// serviceError answers a service's error: coded errors with their message
// (and a refused start with its problems), internal ones with a generic
// sentence while the detail goes to the server log.
func (s *server) serviceError(w http.ResponseWriter, r *http.Request, what string, err error) {
	status := HTTPStatus(err)
	if status == http.StatusInternalServerError {
		s.internalError(w, r, what, err)
		return
	}
	var refused *shopqb.StartRefusedError
	if errors.As(err, &refused) {
		writeJSON(w, status, apiError{Error: "cannot start yet", Problems: refused.Texts(), Details: refused.Problems})
		return
	}
	writeError(w, status, shopqb.ErrorMessage(err))
}
