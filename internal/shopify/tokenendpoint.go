package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// TokenError is a refusal from /admin/oauth/access_token.
type TokenError struct {
	StatusCode  int
	Code        string // OAuth error, e.g. invalid_client, invalid_grant
	Description string
}

func (e *TokenError) Error() string {
	msg := e.Code
	if e.Description != "" {
		msg += ": " + e.Description
	}
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("shopify token endpoint: HTTP %d %s", e.StatusCode, msg)
}

// tokenResponse is the access-token endpoint's JSON answer for every grant.
type tokenResponse struct {
	AccessToken           string `json:"access_token"`
	Scope                 string `json:"scope"`
	ExpiresIn             int64  `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
	Error                 string `json:"error"`
	ErrorDescription      string `json:"error_description"`
	Errors                any    `json:"errors"`
}

// postTokenForm POSTs a grant to {base}/admin/oauth/access_token. The form
// carries the client secret, so neither it nor the response body is ever
// put into an error or a log.
func postTokenForm(ctx context.Context, hc *http.Client, base string, form url.Values, now time.Time) (Token, error) {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/admin/oauth/access_token", strings.NewReader(form.Encode()))
	if err != nil {
		return Token{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := hc.Do(req)
	if err != nil {
		return Token{}, fmt.Errorf("shopify token endpoint: %w", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return Token{}, fmt.Errorf("shopify token endpoint: read: %w", err)
	}
	var tr tokenResponse
	jsonErr := json.Unmarshal(raw, &tr)
	if res.StatusCode != http.StatusOK || tr.AccessToken == "" {
		te := &TokenError{StatusCode: res.StatusCode, Code: tr.Error, Description: tr.ErrorDescription}
		if te.Code == "" && tr.Errors != nil {
			te.Description = fmt.Sprint(tr.Errors)
		}
		if jsonErr != nil && te.Description == "" {
			te.Description = "response is not JSON"
		}
		return Token{}, te
	}
	t := Token{AccessToken: Secret(tr.AccessToken), Scope: tr.Scope, RefreshToken: Secret(tr.RefreshToken)}
	if tr.ExpiresIn > 0 {
		t.ExpiresAt = now.Add(time.Duration(tr.ExpiresIn) * time.Second)
	}
	if tr.RefreshTokenExpiresIn > 0 {
		t.RefreshExpiresAt = now.Add(time.Duration(tr.RefreshTokenExpiresIn) * time.Second)
	}
	return t, nil
}
