// Package server is the multi-tenant HTTP server of zhicheng: a JSON API
// under /api/v1 over the engine, and the health and metrics endpoints that
// operators scrape.
//
// A request finds its tenant by host name (one of the tenant's hosts) or by
// a /t/{tenant}/ path prefix, so the same API answers at /api/v1/... on a
// tenant's host and at /t/{tenant}/api/v1/... on any host. Handlers decode
// a request, call one engine method and encode its answer; writeError turns
// every error into a status and a localized message, and statusOf is the
// one place that maps the engine's error kinds to HTTP statuses.
//
// Sessions are the engine's: the server keeps the session token in an
// HttpOnly, SameSite=Lax cookie and asks the engine who it belongs to on
// every request. Cross-origin state-changing requests are refused by
// http.CrossOriginProtection.
//
// User-visible text comes from the message catalogs in locales/, Chinese
// by default and English on request (?lang=, a lang cookie or
// Accept-Language). The API is described by the OpenAPI document
// openapi.json, served at /api/v1/openapi.json; the tests hold the routes
// and the traffic to it.
package server
