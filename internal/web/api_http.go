package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/shopqb/shopqb"
)

// maxRequestBody caps every admin API request body. The largest legitimate
// one, a full settings document, is a few kilobytes.
const maxRequestBody = 1 << 20

// admin guards the JSON API with a bearer token compared in constant time
// (as SHA-256 digests, so not even the token's length shows in the timing),
// and marks every answer uncacheable: some carry a token shown only once.
func (s *server) admin(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.cfg.AdminToken == "" {
			writeError(w, http.StatusNotFound, "the admin API is disabled: start the server with --admin-token")
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		gotSum, wantSum := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(s.cfg.AdminToken))
		if !ok || subtle.ConstantTimeCompare(gotSum[:], wantSum[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="shopqb"`)
			writeError(w, http.StatusUnauthorized, "missing or wrong admin token")
			return
		}
		h(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// apiError is the body of every error answer.
type apiError struct {
	Error string `json:"error"`
	// Problems lists what stops the start, one fix each.
	Problems []string `json:"problems,omitempty"`
	// Details are the same problems with their codes, arguments and areas.
	Details []shopqb.StartProblem `json:"details,omitempty"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Error: msg})
}

// internalError logs what went wrong for the operator and answers without
// it: database and other internal messages are not the client's business.
// Error texts never carry secrets, which are only ever passed as plaintext
// to the box.
func (s *server) internalError(w http.ResponseWriter, r *http.Request, what string, err error) {
	s.cfg.Log.Error("admin API: "+what, "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, "internal error while trying to "+what+"; the server log has the details")
}

// decodeJSON reads a request body of exactly one JSON object into v,
// refusing fields v does not have (a misspelt field would otherwise be
// dropped in silence), bodies over maxRequestBody and trailing data. It
// answers the error itself and reports whether v was filled.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("the body holds more than one JSON value")
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return true
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is over %d bytes", maxRequestBody))
	case errors.Is(err, io.EOF):
		writeError(w, http.StatusBadRequest, "the request body is empty: send a JSON object")
	default:
		writeError(w, http.StatusBadRequest, "the request body is not the JSON this endpoint takes: "+strings.TrimPrefix(err.Error(), "json: "))
	}
	return false
}

// shop loads the shop named by the {id} path segment. Every per-shop
// endpoint reads and writes through the shop it returns and never through
// an id from the body or the query, so one shop's id cannot reach another's
// data.
func (s *server) shop(w http.ResponseWriter, r *http.Request) *shopqb.Shop {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, "shop id must be a positive number")
		return nil
	}
	shop, err := s.cfg.Store.ShopByID(r.Context(), id)
	if errors.Is(err, shopqb.ErrNotFound) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no shop with id %d", id))
		return nil
	}
	if err != nil {
		s.internalError(w, r, "load the shop", err)
		return nil
	}
	return shop
}

// queryInt reads an optional integer query parameter within [min, max];
// absent gives def. It answers a bad value itself and reports success.
func queryInt(w http.ResponseWriter, r *http.Request, name string, def, min, max int64) (int64, bool) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return def, true
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < min || n > max {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("query parameter %s must be a whole number from %d to %d", name, min, max))
		return 0, false
	}
	return n, true
}
