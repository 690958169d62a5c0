package app

import (
	"fmt"
	"net/http"

	"github.com/shopqb/shopqb/internal/ui"
)

// pages is the merchant pages (internal/ui) over this App's setup wizard:
// /console/ behind the deployment's own login, and /app/ behind Shopify's
// session token when the deployment has a Shopify app. It needs a.URL (the
// Web Connector's address is derived from it), so listen builds it.
func (a *App) pages() (http.Handler, error) {
	wiz, err := a.Setup("")
	if err != nil {
		return nil, fmt.Errorf("setup wizard: %w", err)
	}
	books, err := a.Books()
	if err != nil {
		return nil, fmt.Errorf("books: %w", err)
	}
	cfg := ui.Config{Wizard: wiz, Books: books, Log: a.log, PublicURL: a.URL}
	if a.Standalone != nil {
		cfg.Standalone = a.Standalone
	}
	if a.Embedded != nil {
		cfg.Embedded, cfg.APIKey = a.Embedded.Require, a.Embedded.APIKey()
	}
	h, err := ui.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("merchant pages: %w", err)
	}
	return h, nil
}
