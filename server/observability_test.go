package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// TestOperatorEndpoints checks /healthz, /readyz and /metrics, the headers
// of API answers, and what happens when the database goes away: a generic
// message for the user, the details in the log.
func TestOperatorEndpoints(t *testing.T) {
	t.Parallel()
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		env := newEnv(t, b)
		get(t, env, "/healthz", http.StatusOK, "ok\n")
		get(t, env, "/readyz", http.StatusOK, "ok\n")

		clerk := env.login(t, "xiangxi", stateHospital)
		resp := clerk.do(t, http.MethodGet, "/units", nil, http.StatusOK, nil)
		for name, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"Cache-Control":          "no-store",
			"Content-Type":           "application/json; charset=utf-8",
		} {
			if got := resp.Header.Get(name); got != want {
				t.Errorf("%s: got %q, want %q", name, got, want)
			}
		}
		env.client("xiangxi").fail(t, http.MethodGet, "/units", nil, http.StatusUnauthorized)
		resp = clerk.raw().do(t, http.MethodPatch, "/declarations", nil, http.StatusMethodNotAllowed, nil)
		if got := resp.Header.Get("Allow"); got != "GET, POST" {
			t.Errorf("Allow: got %q, want %q", got, "GET, POST")
		}

		metrics := get(t, env, "/metrics", http.StatusOK, "")
		for _, want := range []string{
			`zhicheng_http_requests_total{class="2xx",method="GET",route="/t/{tenant}/api/v1/units"} 1`,
			`zhicheng_http_requests_total{class="4xx",method="GET",route="/t/{tenant}/api/v1/units"} 1`,
			`zhicheng_http_request_duration_seconds_count{route="/t/{tenant}/api/v1/units"} 2`,
			`zhicheng_http_client_errors_total{code="unauthenticated"} 1`,
			`zhicheng_http_client_errors_total{code="request.method"} 1`,
		} {
			if !strings.Contains(metrics, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		if strings.Contains(env.logs.String(), "unauthenticated") {
			t.Errorf("a client's mistake was logged: %s", env.logs)
		}

		// The database goes away.
		if err := env.fixture.Engine.Close(); err != nil {
			t.Fatal(err)
		}
		get(t, env, "/readyz", http.StatusServiceUnavailable, "database unavailable\n")
		e := clerk.fail(t, http.MethodGet, "/units", nil, http.StatusInternalServerError)
		want := "系统内部错误，请稍后再试；问题持续时请联系系统管理员"
		if e.Code != "internal" || e.Message != want || len(e.Params) != 0 {
			t.Errorf("got %s %q %v, want internal %q and no params", e.Code, e.Message, e.Params, want)
		}
		checkInternalLogged(t, env)
	})
}

// checkInternalLogged checks that an internal error was logged with the
// fixed keys, and no token.
func checkInternalLogged(t *testing.T, env *testEnv) {
	t.Helper()
	var found bool
	for _, line := range strings.Split(strings.TrimSpace(env.logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["msg"] != "internal error" {
			continue
		}
		found = true
		if rec["tenant"] != "xiangxi" || rec["op"] == "" || rec["err"] == "" {
			t.Errorf("internal error logged as %v, want tenant, op and err", rec)
		}
	}
	if !found {
		t.Errorf("no internal error in the log:\n%s", env.logs)
	}
	if strings.Contains(env.logs.String(), tenants.DemoPassword) {
		t.Error("the log holds a password")
	}
}

// get fetches an operator endpoint, checks its status and, when want is
// not empty, its body, and returns the body.
func get(t *testing.T, env *testEnv, path string, status int, want string) string {
	t.Helper()
	resp, err := env.srv.Client().Get(env.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != status || (want != "" && string(b) != want) {
		t.Errorf("GET %s: got %d %q, want %d %q", path, resp.StatusCode, b, status, want)
	}
	return string(b)
}

// TestMetricsGuarded: with a token, /metrics wants it; without, it answers
// this machine only.
func TestMetricsGuarded(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("figures")) })
	for _, c := range []struct {
		name, token, remote, auth string
		want                      int
	}{
		{"loopback without token", "", "127.0.0.1:5000", "", http.StatusOK},
		{"loopback v6 without token", "", "[::1]:5000", "", http.StatusOK},
		{"other host without token", "", "203.0.113.7:5000", "", http.StatusForbidden},
		{"right token from anywhere", "s3cret", "203.0.113.7:5000", "Bearer s3cret", http.StatusOK},
		{"wrong token", "s3cret", "127.0.0.1:5000", "Bearer guess", http.StatusUnauthorized},
		{"no token sent", "s3cret", "127.0.0.1:5000", "", http.StatusUnauthorized},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			r.RemoteAddr = c.remote
			if c.auth != "" {
				r.Header.Set("Authorization", c.auth)
			}
			w := httptest.NewRecorder()
			guardMetrics(c.token, ok).ServeHTTP(w, r)
			if w.Code != c.want {
				t.Errorf("got %d, want %d", w.Code, c.want)
			}
		})
	}
}
