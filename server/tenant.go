package server

import (
	"context"
	"net"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/zhicheng-hr/zhicheng/engine"
)

// requestInfo is what the middlewares learn about a tenant's request.
type requestInfo struct {
	tenant engine.Tenant
	// base is the path of the tenant's root without the final slash: ""
	// on the tenant's own host, "/t/{key}" otherwise.
	base string
	// token is the session token that authenticated the request, if any.
	token string
	// refusal says why a session cookie was refused, if it was.
	refusal *engine.Error
}

type infoKey struct{}

// infoFrom returns the request's information, or nil outside a tenant.
func infoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(infoKey{}).(*requestInfo)
	return info
}

// sessionRefusal returns why the request's session cookie was refused, or
// nil.
func sessionRefusal(ctx context.Context) *engine.Error {
	if info := infoFrom(ctx); info != nil {
		return info.refusal
	}
	return nil
}

// tenantByKey finds the tenant named in the /t/{tenant} prefix.
func (s *server) tenantByKey(next http.Handler) http.Handler {
	return s.withTenant(next, func(r *http.Request) (engine.Tenant, bool, string, error) {
		key := mux.Vars(r)["tenant"]
		t, ok, err := s.tenants.ByKey(r.Context(), key)
		return t, ok, "/t/" + key, err
	})
}

// tenantByHost finds the tenant that serves the request's host.
func (s *server) tenantByHost(next http.Handler) http.Handler {
	return s.withTenant(next, func(r *http.Request) (engine.Tenant, bool, string, error) {
		t, ok, err := s.tenants.ByHost(r.Context(), r.Host)
		return t, ok, "", err
	})
}

// withTenant answers 404 when find knows no tenant for the request, and
// otherwise passes it on with its requestInfo and its source address.
func (s *server) withTenant(next http.Handler,
	find func(*http.Request) (engine.Tenant, bool, string, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, ok, base, err := find(r)
		switch {
		case err != nil:
			s.writeError(w, r, &engine.Error{Kind: engine.KindInternal, Op: "find tenant", Err: err})
			return
		case !ok:
			s.writeError(w, r, requestError(engine.KindNotFound, "not_found", engine.P{"what": "tenant"}))
			return
		}
		ctx := context.WithValue(r.Context(), infoKey{}, &requestInfo{tenant: t, base: base})
		ctx = engine.WithSource(ctx, clientIP(r))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// clientIP is the address the connection came from. Headers such as
// X-Forwarded-For are not trusted: anyone can send them.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
