package server

import (
	_ "embed"
	"io"
	"net/http"
)

// openAPIDocument describes the JSON API in OpenAPI 3.0. The tests check
// that it lists exactly the routes of apiRoutes and that the traffic of
// every test conforms to it.
//
//go:embed openapi.json
var openAPIDocument string

// openAPI serves the OpenAPI document.
func openAPI(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = io.WriteString(w, openAPIDocument)
	return nil
}
