package web

import (
	"errors"
	"net/http"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/syncengine"
)

// settingsRefusal maps an error of Engine.UpdateSettings to a status and a
// message for the client; ok is false for an internal failure, whose text
// stays in the server log.
func settingsRefusal(err error) (status int, msg string, ok bool) {
	var invalid *syncengine.InvalidSettingsError
	switch {
	case errors.Is(err, syncengine.ErrSettingsLocked):
		return http.StatusConflict, err.Error(), true
	case errors.As(err, &invalid):
		return http.StatusBadRequest, invalid.Msg, true
	}
	return 0, "", false
}

// enginePreflightMissing is what the start lacks before the Web Connector's first visit.
const enginePreflightMissing = "no preflight yet: let the Web Connector connect once"

// startRefusal maps an error of Engine.Start (whose shop exists) to a status
// and a body listing the problems; ok is false for an internal failure.
func startRefusal(err error) (status int, body apiError, ok bool) {
	var refused *syncengine.StartRefusedError
	switch {
	case errors.As(err, &refused):
		return http.StatusUnprocessableEntity, apiError{Error: "cannot start yet", Problems: refused.Problems}, true
	case errors.Is(err, syncengine.ErrAlreadyStarted):
		return http.StatusConflict, apiError{Error: err.Error()}, true
	case errors.Is(err, shopqb.ErrNotFound):
		// The shop was loaded just before, so what is missing is the preflight.
		return http.StatusUnprocessableEntity, apiError{Error: "cannot start yet", Problems: []string{enginePreflightMissing}}, true
	}
	return 0, apiError{}, false
}

// syncRefusal maps an error of EnqueueSync to a status and a message; ok is
// false when the sync itself failed, whose reason the sync history keeps.
func syncRefusal(err error) (status int, msg string, ok bool) {
	switch {
	case errors.Is(err, syncengine.ErrNotStarted):
		return http.StatusConflict, syncengine.ErrNotStarted.Error(), true
	case errors.Is(err, shopqb.ErrNotFound):
		return http.StatusConflict, enginePreflightMissing, true
	}
	return 0, "", false
}
