// Package e2e holds the merchant pages' end-to-end browser tests: shopqb
// itself (app.Open on SQLite, real HTTP on 127.0.0.1), the Shopify
// simulator over HTTP and the QuickBooks simulator behind its Web Connector
// over SOAP, with Debian's Chromium driven through chromedp from a new
// shop to a started one. It lives beside internal/ui, not inside it,
// because it needs internal/app, which imports internal/ui: the page
// package's own tests use a fake wizard, these use the real one.
//
// The package has no code of its own; `go test ./internal/ui/...` runs it.
package e2e
