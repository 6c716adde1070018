package server

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gorilla/mux"

	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// TestOpenAPIRoutes checks that the document and the router agree: every
// API route of both faces, /api/v1 on a tenant's host and
// /t/{tenant}/api/v1, is an operation of the document, and every
// operation of the document is a route of both faces.
func TestOpenAPIRoutes(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(openAPIDocument))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not valid: %v", err)
	}
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(documented)

	faces := routesByFace(t)
	if len(faces) != 2 {
		t.Fatalf("got API routes under %v, want under /api/v1 and /t/{tenant}/api/v1", keys(faces))
	}
	for face, routes := range faces {
		slices.Sort(routes)
		if !slices.Equal(routes, documented) {
			t.Errorf("routes under %s:\n%s\nwant the document's:\n%s", face,
				strings.Join(routes, "\n"), strings.Join(documented, "\n"))
		}
	}
}

// routeVar matches a route variable with a pattern, such as {id:[0-9]+}.
var routeVar = regexp.MustCompile(`\{(\w+):[^}]*\}`)

// routesByFace walks the router and returns the API routes with methods,
// as "METHOD /path" with the patterns of variables removed, by the prefix
// they were found under.
func routesByFace(t *testing.T) map[string][]string {
	t.Helper()
	b := enginetest.Backends(t)[0]
	e := enginetest.Open(t, b.NewDatabase(t))
	s, err := newServer(Config{Engine: e, Tenants: tenants.NewResolver(e)})
	if err != nil {
		t.Fatal(err)
	}
	faces := map[string][]string{}
	err = s.router.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil {
			return nil
		}
		methods, err := route.GetMethods()
		face, path, isAPI := strings.Cut(tpl, apiPrefix)
		if err != nil || !isAPI {
			return nil
		}
		path = routeVar.ReplaceAllString(path, "{$1}")
		for _, m := range methods {
			faces[face+apiPrefix] = append(faces[face+apiPrefix], m+" "+path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return faces
}

func keys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
