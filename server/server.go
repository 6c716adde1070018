package server

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// Config configures the server.
type Config struct {
	// Engine answers every request; required.
	Engine *engine.Engine
	// Tenants finds the tenant of a request; required.
	Tenants *tenants.Resolver
	// Logger receives start-up and internal errors; nil discards them.
	Logger *slog.Logger
	// Registry receives the server's metrics and is served at /metrics.
	// Nil means a new registry with the Go runtime and process collectors.
	Registry *prometheus.Registry
	// MetricsToken, when set, is the bearer token /metrics asks for. When
	// empty, /metrics answers only requests from the loopback address.
	MetricsToken string
}

// server holds what the handlers share. It has no mutable state of its
// own: everything that changes lives in the engine.
type server struct {
	engine   *engine.Engine
	tenants  *tenants.Resolver
	log      *slog.Logger
	messages *catalog
	metrics  *metrics
	router   *mux.Router
	console  *console
	jobs     *jobs
	// metricsToken guards /metrics; see Config.MetricsToken.
	metricsToken string
}

// New returns the HTTP handler of the server. It fails when cfg lacks the
// engine or the tenant resolver, when the message catalogs do not load, or
// when the metrics are already registered in cfg.Registry.
func New(cfg Config) (http.Handler, error) {
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	return s.router, nil
}

func newServer(cfg Config) (*server, error) {
	if cfg.Engine == nil || cfg.Tenants == nil {
		return nil, errors.New("server: engine and tenant resolver are required")
	}
	s := &server{engine: cfg.Engine, tenants: cfg.Tenants, log: cfg.Logger, metricsToken: cfg.MetricsToken}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	reg := cfg.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(),
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	var err error
	if s.messages, err = newCatalog(); err != nil {
		return nil, err
	}
	if s.metrics, err = newMetrics(reg); err != nil {
		return nil, err
	}
	s.jobs = newJobs()
	if s.console, err = newConsole(s); err != nil {
		return nil, err
	}
	s.router = s.routes()
	return s, nil
}

// routes builds the router: the operator endpoints on every host, then the
// tenant's pages twice, once under /t/{tenant} and once on the tenant's
// own hosts.
func (s *server) routes() *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = s.observe(secure(s.handle(s.noRoute)))
	r.Use(s.observe, secure, s.crossOrigin())

	r.HandleFunc("/healthz", healthz).Methods(http.MethodGet)
	r.HandleFunc("/readyz", s.readyz).Methods(http.MethodGet)
	r.Handle("/metrics", guardMetrics(s.metricsToken, s.metrics.handler)).Methods(http.MethodGet)

	r.HandleFunc("/t/{tenant}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
	}).Methods(http.MethodGet)
	byKey := r.PathPrefix("/t/{tenant}").Subrouter()
	byKey.Use(s.tenantByKey)
	s.tenantRoutes(byKey)

	byHost := r.NewRoute().Subrouter()
	byHost.Use(s.tenantByHost)
	s.tenantRoutes(byHost)
	return r
}

// tenantRoutes adds what a tenant serves below its root: the JSON API,
// the console's assets and the console's pages.
func (s *server) tenantRoutes(r *mux.Router) {
	s.apiRoutes(r.PathPrefix(apiPrefix).Subrouter())
	r.PathPrefix("/static/").Handler(staticHandler()).Methods(http.MethodGet)
	pages := r.NewRoute().Subrouter()
	pages.Use(s.authenticate)
	s.console.routes(pages)
}

// apiPrefix is where the JSON API lives below a tenant's root.
const apiPrefix = "/api/v1"

// apiRoutes adds the JSON API. Every route here is in openapi.json.
func (s *server) apiRoutes(r *mux.Router) {
	r.Use(s.authenticate)
	get, post, put, del := http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete
	var paths []string
	allowed := map[string][]string{}
	route := func(method, path string, h handlerFunc) {
		r.Handle(path, s.handle(h)).Methods(method)
		if allowed[path] == nil {
			paths = append(paths, path)
		}
		allowed[path] = append(allowed[path], method)
	}

	route(get, "/openapi.json", openAPI)
	route(get, "/session", s.whoAmI)
	route(post, "/session", s.login)
	route(del, "/session", s.logout)

	route(get, "/units", s.units)
	route(get, "/units/{id:[0-9]+}", s.unit)
	route(put, "/units/{id:[0-9]+}", s.updateUnit)
	route(get, "/units/{id:[0-9]+}/vacancies", s.vacancies)
	route(get, "/departments", s.departments)

	route(get, "/declarations", s.declarations)
	route(post, "/declarations", s.createDeclaration)
	route(get, "/declarations/{id:[0-9]+}", s.declaration)
	route(put, "/declarations/{id:[0-9]+}", s.updateDeclaration)
	route(del, "/declarations/{id:[0-9]+}", s.deleteDeclaration)
	route(post, "/declarations/{id:[0-9]+}/submit", act("declaration", s.engine.SubmitDeclaration, false))
	route(post, "/declarations/{id:[0-9]+}/approve", act("declaration", s.engine.ApproveDeclaration, false))
	route(post, "/declarations/{id:[0-9]+}/return", act("declaration", s.engine.ReturnDeclaration, true))
	route(post, "/declarations/{id:[0-9]+}/reject", act("declaration", s.engine.RejectDeclaration, true))
	route(post, "/declarations/{id:[0-9]+}/withdraw", act("declaration", s.engine.WithdrawDeclaration, false))
	route(get, "/reviews", s.reviews)

	route(get, "/units/{id:[0-9]+}/post-plan", s.postPlan)
	route(put, "/units/{id:[0-9]+}/post-plan", s.savePostPlan)
	route(get, "/units/{id:[0-9]+}/special-quota", s.specialQuota)
	route(get, "/post-plan-locks/{year:[0-9]+}", s.postPlanLock)
	route(put, "/post-plan-locks/{year:[0-9]+}", s.lockPostPlans(true))
	route(del, "/post-plan-locks/{year:[0-9]+}", s.lockPostPlans(false))

	route(get, "/applications", s.applications)
	route(post, "/applications", s.createApplication)
	route(get, "/applications/{id:[0-9]+}", s.application)
	route(put, "/applications/{id:[0-9]+}", s.updateApplication)
	route(del, "/applications/{id:[0-9]+}", s.deleteApplication)
	route(post, "/applications/{id:[0-9]+}/submit", act("application", s.engine.SubmitApplication, false))
	route(post, "/applications/{id:[0-9]+}/approve", act("application", s.engine.ApproveApplication, false))
	route(post, "/applications/{id:[0-9]+}/return", act("application", s.engine.ReturnApplication, true))
	route(post, "/applications/{id:[0-9]+}/reject", act("application", s.engine.RejectApplication, true))
	route(post, "/applications/{id:[0-9]+}/withdraw", act("application", s.engine.WithdrawApplication, false))
	route(get, "/application-reviews", s.applicationReviews)
	route(get, "/units/{id:[0-9]+}/application-quota", s.applicationQuota)

	route(get, "/sync/plugins", s.syncPlugins)
	route(get, "/sync/binding", s.syncBinding)
	route(put, "/sync/binding", s.setSyncBinding)
	route(post, "/sync/binding/test", s.testSyncBinding)
	route(get, "/sync/runs", s.syncRuns)
	route(post, "/sync/runs", s.startSyncRun)
	route(get, "/sync/runs/{id:[0-9]+}", s.syncRun)

	route(get, "/settings/{year:[0-9]+}", s.settings)
	route(put, "/settings/{year:[0-9]+}", s.updateSettings)
	route(get, "/units/{id:[0-9]+}/windows/{kind:declaration|application}", s.window)
	route(post, "/units/{id:[0-9]+}/windows/{kind:declaration|application}/extension", s.extendWindow)
	route(get, "/window-extensions", s.windowExtensions)

	// Last, so that they catch only the methods the routes above refuse.
	for _, p := range paths {
		r.Handle(p, s.noMethod(allowed[p]))
	}
}

// handlerFunc is a handler that returns its error for writeError.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle turns h into an http.Handler that writes h's error.
func (s *server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// secure sets the headers every answer carries: no content sniffing and
// no caching of what may be personal data.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		// Pages load only this server's scripts, styles and images, post
		// forms only to it, and are never framed by another site.
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; "+
			"base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses cross-origin state-changing requests with a
// localized permission error.
func (s *server) crossOrigin() mux.MiddlewareFunc {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(s.handle(func(http.ResponseWriter, *http.Request) error {
		return requestError(engine.KindPermissionDenied, "request.cross_origin", nil)
	}))
	return p.Handler
}

// noRoute answers a path that matches no route: a page for a browser,
// JSON for anything else.
func (s *server) noRoute(w http.ResponseWriter, r *http.Request) error {
	e := requestError(engine.KindNotFound, "not_found", engine.P{"what": "page"})
	if strings.Contains(r.Header.Get("Accept"), "text/html") {
		s.console.errorPage(w, r, s.console.newView(r), e)
		return nil
	}
	return e
}

// noMethod answers a request for a path with a method it does not serve.
// (gorilla/mux's own answer to that is unreliable with subrouters.)
func (s *server) noMethod(allowed []string) http.Handler {
	allow := strings.Join(allowed, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := requestError(engine.KindInvalid, "request.method", engine.P{"method": r.Method})
		s.metrics.clientErrors.WithLabelValues(e.Code).Inc()
		w.Header().Set("Allow", allow)
		writeJSONError(w, http.StatusMethodNotAllowed, s.messages.body(r, e))
	})
}

// guardMetrics serves /metrics to a scraper that shows token, or, without
// a token, to the same machine only: the figures tell outsiders too much
// about the tenants.
func guardMetrics(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token != "" {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
		} else if host, _, err := net.SplitHostPort(r.RemoteAddr); err != nil || !net.ParseIP(host).IsLoopback() {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}
