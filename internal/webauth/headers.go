package webauth

import "net/http"

// StandaloneCSP is the policy of every /console page: nothing framed,
// nothing loaded from anywhere but this server (the self-hosted pages load
// nothing from the internet), forms posted only back here.
const StandaloneCSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// EmbeddedCSP is the policy of an embedded page of shop: only that shop's
// admin and the unified admin may frame it. It must name the request's shop,
// never a wildcard (Shopify's STATIC_FRAME_ANCESTORS check); shop must be a
// validated myshopify domain, taken from a verified token or a registered shop.
func EmbeddedCSP(shop string) string {
	if shop == "" {
		return "frame-ancestors https://admin.shopify.com;"
	}
	return "frame-ancestors https://" + shop + " https://admin.shopify.com;"
}

// SetEmbeddedHeaders sets the headers every embedded HTML response needs.
func SetEmbeddedHeaders(h http.Header, shop string) {
	h.Set("Content-Security-Policy", EmbeddedCSP(shop))
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Authorization")
}

// SetStandaloneHeaders sets the headers every standalone HTML response needs.
func SetStandaloneHeaders(h http.Header) {
	h.Set("Content-Security-Policy", StandaloneCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
}

// Unframed wraps standalone pages outside a session (the login page, the
// assets) with the standalone headers; StandaloneAuth.Require and
// StandaloneAuth.Public already do.
func Unframed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetStandaloneHeaders(w.Header())
		next.ServeHTTP(w, r)
	})
}

// safeMethod reports whether the method changes nothing (RFC 9110 §9.2.1).
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
