// Package secret makes and checks the secrets shopqb hands out (app tokens,
// Web Connector session tickets) and keeps the ones it must remember (Shopify
// tokens, Stocky keys) encrypted at rest. Nothing here logs a secret, and the
// Redacted type keeps secrets out of logs, JSON and fmt output elsewhere.
package secret
