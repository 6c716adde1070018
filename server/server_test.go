package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// Units and accounts of the Xiangxi export used across the tests. The
// figures in the tests were counted from the export: approved from gwsz
// (nd 2026, gwlb 2), occupied from ry (ryzt 1 serving, gwlb 2
// professional) by gwdj.
const (
	stateHospital = "124331004000453123" // 州人民医院, under 433100-WJW
	tcmHospital   = "12433100400092813K" // 州民族中医院
	healthDept    = "433100-WJW"         // 州卫生健康委员会
	series        = "卫生技术人员"
)

// testEnv is a running server over a fixture with the demo tenant.
type testEnv struct {
	t        *testing.T
	fixture  *enginetest.Fixture
	resolver *tenants.Resolver
	srv      *httptest.Server
	registry *prometheus.Registry
	logs     *syncBuffer
	router   routers.Router
}

// newEnv starts a server on backend b over a fresh copy of the demo tenant.
func newEnv(t *testing.T, b enginetest.Backend) *testEnv {
	t.Helper()
	return newEnvWith(t, b, nil)
}

// newEnvWith is newEnv with the engine's configuration changed by
// configure, for instance to give it sync plugins.
func newEnvWith(t *testing.T, b enginetest.Backend, configure func(*engine.Config)) *testEnv {
	t.Helper()
	f := enginetest.XiangxiWith(t, b, configure)
	env := &testEnv{
		t: t, fixture: f, resolver: tenants.NewResolver(f.Engine),
		registry: prometheus.NewRegistry(), logs: &syncBuffer{}, router: openAPIRouter(t),
	}
	h, err := New(Config{
		Engine: f.Engine, Tenants: env.resolver, Registry: env.registry,
		Logger: slog.New(slog.NewJSONHandler(env.logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	env.srv = httptest.NewServer(h)
	t.Cleanup(env.srv.Close)
	return env
}

// openAPIRouter loads and validates the OpenAPI document.
func openAPIRouter(t testing.TB) routers.Router {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(openAPIDocument))
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not valid: %v", err)
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// client is a user agent with its own cookie jar talking to one tenant's
// API, whose traffic is checked against the OpenAPI document.
type client struct {
	env  *testEnv
	http *http.Client
	// base is the API's URL: .../t/{tenant}/api/v1, or .../api/v1 with
	// host set.
	base   string
	host   string
	header http.Header
	// unchecked marks requests that break the document on purpose; only
	// their answers are checked.
	unchecked bool
}

// client returns a new client of the tenant with key.
func (env *testEnv) client(key string) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		env.t.Fatal(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	env.t.Cleanup(tr.CloseIdleConnections)
	checked := &checkedTransport{t: env.t, router: env.router, next: tr}
	return &client{
		env:    env,
		http:   &http.Client{Jar: jar, Transport: checked},
		base:   env.srv.URL + "/t/" + key + "/api/v1",
		header: http.Header{},
	}
}

// hostClient returns a client that reaches the API at /api/v1 under host.
func (env *testEnv) hostClient(host string) *client {
	c := env.client("")
	c.base, c.host = env.srv.URL+"/api/v1", host
	return c
}

// login returns a client of tenant key logged in as username.
func (env *testEnv) login(t *testing.T, key, username string) *client {
	t.Helper()
	c := env.client(key)
	c.do(t, http.MethodPost, "/session",
		credentials{Username: username, Password: tenants.DemoPassword}, http.StatusOK, nil)
	return c
}

// with returns a copy of c that sends header name: value as well.
func (c *client) with(name, value string) *client {
	cc := *c
	cc.header = c.header.Clone()
	cc.header.Set(name, value)
	return &cc
}

// raw returns a copy of c whose requests are not checked against the
// document: they break it on purpose.
func (c *client) raw() *client {
	cc := *c
	cc.unchecked = true
	return &cc
}

// send sends a request and returns the status and body. A body that is a
// string is sent as it is; anything else as JSON. It makes no assertion,
// so goroutines may call it.
func (c *client) send(method, path string, body any) (*http.Response, []byte, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return nil, nil, err
		}
		rd = bytes.NewReader(j)
	}
	ctx := context.WithValue(context.Background(), uncheckedKey{}, c.unchecked)
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, nil, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	req.Host = c.host
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// do sends a request, fails the test unless the answer has status want,
// and decodes the answer's body into out when out is not nil.
func (c *client) do(t *testing.T, method, path string, body any, want int, out any) *http.Response {
	t.Helper()
	resp, b, err := c.send(method, path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s: got status %d, want %d; body %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return resp
}

// fail sends a request that must fail with status want and returns its
// error detail.
func (c *client) fail(t *testing.T, method, path string, body any, want int) errorDetail {
	t.Helper()
	var e errorBody
	c.do(t, method, path, body, want, &e)
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("%s %s: error without code or message: %+v", method, path, e)
	}
	return e.Error
}

type uncheckedKey struct{}

// checkedTransport validates every API request and answer against the
// OpenAPI document.
type checkedTransport struct {
	t      testing.TB
	router routers.Router
	next   http.RoundTripper
}

// RoundTrip sends req and reports to t where req or its answer disagrees
// with the document.
func (ct *checkedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.Contains(req.URL.Path, "/api/v1/") {
		return ct.next.RoundTrip(req)
	}
	unchecked, _ := req.Context().Value(uncheckedKey{}).(bool)
	input, body, err := ct.requestInput(req)
	switch {
	case err != nil && unchecked:
		return ct.next.RoundTrip(req)
	case err != nil:
		ct.t.Errorf("%s %s is not in the OpenAPI document: %v", req.Method, req.URL.Path, err)
		return ct.next.RoundTrip(req)
	}
	if !unchecked {
		if err := openapi3filter.ValidateRequest(req.Context(), input); err != nil {
			ct.t.Errorf("%s %s: request disagrees with the document: %v", req.Method, req.URL.Path, err)
		}
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := ct.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	ct.checkResponse(input, resp)
	return resp, nil
}

// requestInput finds the document's route of req and returns the input
// for validation and req's body, which it reads.
func (ct *checkedTransport) requestInput(req *http.Request) (
	*openapi3filter.RequestValidationInput, []byte, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, nil, err
		}
		req.Body.Close()
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := ct.router.FindRoute(req)
	if err != nil {
		return nil, body, err
	}
	vreq := req.Clone(req.Context())
	vreq.Body = io.NopCloser(bytes.NewReader(body))
	return &openapi3filter.RequestValidationInput{
		Request: vreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
			IncludeResponseStatus: true,
		},
	}, body, nil
}

// checkResponse validates resp, leaving its body readable.
func (ct *checkedTransport) checkResponse(
	input *openapi3filter.RequestValidationInput, resp *http.Response) {
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		ct.t.Errorf("read answer: %v", err)
		return
	}
	err = openapi3filter.ValidateResponse(input.Request.Context(),
		&openapi3filter.ResponseValidationInput{
			RequestValidationInput: input,
			Status:                 resp.StatusCode,
			Header:                 resp.Header,
			Body:                   io.NopCloser(bytes.NewReader(b)),
			Options:                input.Options,
		})
	if err != nil {
		ct.t.Errorf("%s %s: answer %d disagrees with the document: %v; body %s",
			input.Request.Method, input.Request.URL.Path, resp.StatusCode, err, b)
	}
}

// syncBuffer is a buffer that the server's logger and the test may use
// at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// declPath is the API path of a declaration, with an optional
// action.
func declPath(id int, action ...string) string {
	p := fmt.Sprintf("/declarations/%d", id)
	for _, a := range action {
		p += "/" + a
	}
	return p
}

// unitID returns the id of the unit with a credit code.
func (env *testEnv) unitID(code string) int {
	env.t.Helper()
	return env.fixture.UnitID(env.t, code)
}

// departmentID returns the id of the department with code.
func (env *testEnv) departmentID(code string) int {
	env.t.Helper()
	ds, err := env.fixture.Engine.Departments(env.fixture.As(env.t, tenants.DemoAdmin))
	if err != nil {
		env.t.Fatal(err)
	}
	for _, d := range ds {
		if d.Code == code {
			return d.ID
		}
	}
	env.t.Fatalf("no department %s", code)
	return 0
}

// createUser creates a user of the demo tenant as its administrator.
func (env *testEnv) createUser(spec engine.UserSpec) {
	env.t.Helper()
	spec.TenantID, spec.Password = env.fixture.Tenant.ID, tenants.DemoPassword
	admin := env.fixture.As(env.t, tenants.DemoAdmin)
	if _, err := env.fixture.Engine.CreateUser(admin, spec); err != nil {
		env.t.Fatalf("create user %s: %v", spec.Username, err)
	}
}
