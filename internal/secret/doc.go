// Package secret makes and checks the secrets shopqb hands out (app tokens,
// Web Connector session tickets) and keeps the ones it must remember (Shopify
// tokens, Stocky keys) encrypted at rest. Nothing here logs a secret.
package secret
