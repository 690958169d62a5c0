// Package layers holds no code: its test keeps shopqb's house one-way.
//
// From the bottom up:
//
//   - the domain: the root package shopqb and internal/money;
//   - the outside systems and the pure parts: qbxml, qbwc, shopify, stocky,
//     secret, planner, and store (which implements the domain's storage);
//   - the services, one per use case family: syncengine (the Web Connector
//     session and outbox), ingest (reading and planning), shopadmin (shop
//     administration), setup (the wizard), dashboard (the books after the
//     start), privacy, jobs, webauth;
//   - the front doors: ui (pages), web (HTTP: SOAP, webhooks, admin API);
//   - app (the wiring), then cli and demo, which start it.
//
// The simulators (qbdsim, shopifysim) and testenv stand beside the house:
// only the demo, the CLI's sim commands and tests may use them.
//
// A package may import only packages of its own layer (where the test allows
// it) or below. The pages in particular call services, never the store, the
// engine or Shopify: the admin API and the pages share every rule.
package layers
