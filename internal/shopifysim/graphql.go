package shopifysim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"
)

// maxRequestBody bounds a GraphQL request body.
const maxRequestBody = 1 << 20

type graphqlRequest struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// validationCodes maps gqlparser's rule names to the codes Shopify's
// (graphql-ruby) validator puts in extensions.code.
var validationCodes = map[string]string{
	"FieldsOnCorrectType":        "undefinedField",
	"KnownArgumentNames":         "argumentNotAccepted",
	"ProvidedRequiredArguments":  "missingRequiredArguments",
	"KnownTypeNames":             "undefinedType",
	"NoUnusedVariables":          "variableNotUsed",
	"NoUndefinedVariables":       "variableNotDefined",
	"NoUnusedFragments":          "useAndDefineFragment",
	"KnownFragmentNames":         "undefinedFragment",
	"ScalarLeafs":                "selectionMismatch",
	"ValuesOfCorrectType":        "argumentLiteralsIncompatible",
	"VariablesInAllowedPosition": "variableMismatch",
	"PossibleFragmentSpreads":    "cannotSpreadFragment",
	"UniqueArgumentNames":        "argumentNotUnique",
	"KnownDirectives":            "undefinedDirective",
}

func fromGQLErrors(list gqlerror.List) []gqlError {
	out := make([]gqlError, 0, len(list))
	for _, e := range list {
		ge := gqlError{Message: e.Message}
		for _, l := range e.Locations {
			ge.Locations = append(ge.Locations, errLocation{l.Line, l.Column})
		}
		code := validationCodes[e.Rule]
		switch {
		case code != "":
		case e.Rule == "":
			code = "syntaxError"
		default:
			code = "GRAPHQL_VALIDATION_FAILED"
		}
		ge.Extensions = map[string]any{"code": code}
		out = append(out, ge)
	}
	return out
}

func (s *Sim) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	if !s.authenticated(r) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{
			"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"})
		return
	}
	version := r.PathValue("version")
	schema, err := s.schemas.get(version)
	if err != nil {
		var unknown errUnknownVersion
		if errors.As(err, &unknown) {
			writeJSON(w, http.StatusNotFound, map[string]any{"errors": "Not Found"})
			return
		}
		writeJSON(w, http.StatusInternalServerError, map[string]any{"errors": "Internal error: " + err.Error()})
		return
	}
	w.Header().Set("X-Shopify-API-Version", version)
	s.noteModelledWait(r)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	var req graphqlRequest
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && ct == "application/graphql" {
		req.Query = string(body) // Shopify also takes the bare document
	} else if err == nil {
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.UseNumber()
		err = dec.Decode(&req)
	}
	if err != nil || strings.TrimSpace(req.Query) == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": map[string]string{"query": "Required parameter missing or invalid"}})
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	status, resp := s.execute(schema, version, req, scheme+"://"+r.Host)
	writeJSON(w, status, resp)
	s.flushWebhooks()
}

// execute validates, costs and runs one request against a loaded schema.
// It returns the HTTP status and the response body, so the handler and the
// bulk runner share one path.
func (s *Sim) execute(schema *ast.Schema, version string, req graphqlRequest, baseURL string) (int, map[string]any) {
	doc, errs := gqlparser.LoadQuery(schema, req.Query)
	if len(errs) > 0 {
		return http.StatusOK, map[string]any{"errors": fromGQLErrors(errs)}
	}
	op := doc.Operations.ForName(req.OperationName)
	if op == nil {
		msg := "An operation name is required when the document has several operations"
		if req.OperationName != "" {
			msg = fmt.Sprintf("No operation named %q", req.OperationName)
		}
		return http.StatusOK, map[string]any{"errors": []gqlError{{Message: msg, Extensions: map[string]any{"code": "operationNotFound"}}}}
	}
	vars, verr := validator.VariableValues(schema, op, normaliseNumbers(req.Variables))
	if verr != nil {
		msg := verr.Error()
		var ge *gqlerror.Error
		if errors.As(verr, &ge) {
			msg = ge.Message
		}
		return http.StatusOK, map[string]any{"errors": []gqlError{{Message: msg, Extensions: map[string]any{"code": "variableMismatch"}}}}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	tr, err := s.treesLocked()
	if err != nil {
		return http.StatusInternalServerError, map[string]any{"errors": []gqlError{{Message: err.Error(), Extensions: map[string]any{"code": "INTERNAL_SERVER_ERROR"}}}}
	}
	e := &executor{sim: s, schema: schema, vars: vars, tr: tr, now: now, granted: map[string]bool{}, baseURL: baseURL, version: version}
	for _, sc := range s.grantedScopes() {
		e.granted[sc] = true
	}
	requested := e.requestedCost(op)
	s.stats.Requests++
	bnow := s.bucketNow()
	if requested > maxQueryCost {
		s.stats.OverMaxCost++
		s.countOperation(op.Name, 0, 0, true)
		return http.StatusOK, map[string]any{
			"errors": []gqlError{{Message: fmt.Sprintf("Query cost is %d, which exceeds the single query max cost limit (%d). "+
				"Request fewer items per connection or use a bulk operation.", requested, maxQueryCost),
				Extensions: map[string]any{"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": maxQueryCost}}},
			"extensions": costExtension(requested, nil, s.bucket.status(bnow)),
		}
	}
	if !s.bucket.take(requested, bnow) {
		s.stats.Throttled++
		s.countOperation(op.Name, 0, 0, true)
		return http.StatusOK, map[string]any{
			"errors":     []gqlError{{Message: "Throttled", Extensions: map[string]any{"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}},
			"extensions": costExtension(requested, nil, s.bucket.status(bnow)),
		}
	}
	data := e.run(op)
	actual := requested
	if op.Operation != ast.Mutation {
		actual = min(e.actual, requested)
	}
	s.bucket.refund(requested - actual)
	s.stats.RequestedPoints += requested
	s.stats.ActualPoints += actual
	s.countOperation(op.Name, requested, actual, false)
	resp := map[string]any{"data": data, "extensions": costExtension(requested, actual, s.bucket.status(bnow))}
	if len(e.errs) > 0 {
		resp["errors"] = e.errs
	}
	return http.StatusOK, resp
}

func costExtension(requested int, actual any, throttle map[string]any) map[string]any {
	return map[string]any{"cost": map[string]any{
		"requestedQueryCost": requested, "actualQueryCost": actual, "throttleStatus": throttle}}
}

// normaliseNumbers turns json.Number variables into int64 or float64 the
// way gqlparser's variable coercion expects.
func normaliseNumbers(v map[string]any) map[string]any {
	if v == nil {
		return map[string]any{}
	}
	var conv func(any) any
	conv = func(x any) any {
		switch x := x.(type) {
		case json.Number:
			if n, err := x.Int64(); err == nil {
				return n
			}
			f, _ := x.Float64()
			return f
		case map[string]any:
			m := make(map[string]any, len(x))
			for k, y := range x {
				m[k] = conv(y)
			}
			return m
		case []any:
			l := make([]any, len(x))
			for i, y := range x {
				l[i] = conv(y)
			}
			return l
		}
		return x
	}
	return conv(v).(map[string]any)
}

// treesLocked returns the cached object trees, rebuilding them after a
// change. The caller holds s.mu.
func (s *Sim) treesLocked() (*trees, error) {
	if s.trees != nil {
		return s.trees, nil
	}
	t, err := buildTrees(s.data, s.now())
	if err != nil {
		return nil, err
	}
	s.trees = t
	return t, nil
}
