package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// The console's templates and assets, embedded in the binary.
//
//go:embed web/templates/*.html
var templateFiles embed.FS

//go:embed web/static
var staticFiles embed.FS

// console renders the web console: server-rendered pages over the same
// engine calls as the JSON API.
type console struct {
	s     *server
	pages map[string]*template.Template
}

// newConsole parses every page with the shared layout.
func newConsole(s *server) (*console, error) {
	c := &console{s: s, pages: map[string]*template.Template{}}
	names, err := fs.Glob(templateFiles, "web/templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	for _, n := range names {
		base := n[len("web/templates/") : len(n)-len(".html")]
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New("layout.html").Funcs(templateFuncs).
			ParseFS(templateFiles, "web/templates/layout.html", "web/templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", n, err)
		}
		c.pages[base] = t
	}
	return c, nil
}

// templateFuncs are the functions pages use besides the page's own
// helpers, which come in the view.
var templateFuncs = template.FuncMap{
	// dict passes several values to a partial template.
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	// levels lists the professional post levels 1–13.
	"levels": func() []int {
		out := make([]int, 13)
		for i := range out {
			out[i] = i + 1
		}
		return out
	},
	// list makes a list of strings for a range.
	"list": func(s ...string) []string { return s },
	// deref shows what a pointer points to, "" for nil.
	"deref": func(p any) any {
		v := reflect.ValueOf(p)
		if v.Kind() != reflect.Pointer {
			return p
		}
		if v.IsNil() {
			return ""
		}
		return v.Elem().Interface()
	},
}

// routes adds the console's pages below a tenant's root.
func (c *console) routes(r *mux.Router) {
	get, post := http.MethodGet, http.MethodPost
	r.Handle("/login", c.page(c.loginPage)).Methods(get)
	r.Handle("/login", c.page(c.login)).Methods(post)
	r.Handle("/logout", c.page(c.logout)).Methods(post)
	r.Handle("/", c.auth(c.home)).Methods(get)
	r.Handle("/units", c.auth(c.units)).Methods(get)
	r.Handle("/units/{id:[0-9]+}", c.auth(c.unit)).Methods(get)
	r.Handle("/units/{id:[0-9]+}/edit", c.auth(c.editUnit)).Methods(get)
	r.Handle("/units/{id:[0-9]+}/edit", c.auth(c.updateUnit)).Methods(post)
	r.Handle("/people", c.auth(c.people)).Methods(get)
	r.Handle("/people/import", c.auth(c.importPage)).Methods(get)
	r.Handle("/people/import", c.auth(c.upload)).Methods(post)
	r.Handle("/people/import/{job:[0-9a-f]+}", c.auth(c.importJob)).Methods(get)
	r.Handle("/people/import/{job:[0-9a-f]+}/errors.xlsx", c.auth(c.importErrors)).Methods(get)
	r.Handle("/people/template.xlsx", c.auth(c.template)).Methods(get)
	r.Handle("/people/export.xlsx", c.auth(c.exportPeople)).Methods(get)
	r.Handle("/people/new", c.auth(c.newPerson)).Methods(get)
	r.Handle("/people/new", c.auth(c.savePerson)).Methods(post)
	r.Handle("/people/{id:[0-9]+}/edit", c.auth(c.editPerson)).Methods(get)
	r.Handle("/people/{id:[0-9]+}/edit", c.auth(c.savePerson)).Methods(post)
	r.Handle("/people/{id:[0-9]+}/status", c.auth(c.setStatus)).Methods(post)
	r.Handle("/people/{id:[0-9]+}", c.auth(c.person)).Methods(get)
	r.Handle("/people/{id:[0-9]+}/reveal", c.auth(c.reveal)).Methods(post)
	r.Handle("/declarations", c.auth(c.declarations)).Methods(get)
	r.Handle("/declarations", c.auth(c.createDeclaration)).Methods(post)
	r.Handle("/declarations/new", c.auth(c.newDeclaration)).Methods(get)
	r.Handle("/declarations/submit", c.auth(c.submitSelected)).Methods(post)
	r.Handle("/declarations/{id:[0-9]+}", c.auth(c.declaration)).Methods(get)
	r.Handle("/declarations/{id:[0-9]+}/edit", c.auth(c.editDeclaration)).Methods(get)
	r.Handle("/declarations/{id:[0-9]+}/edit", c.auth(c.updateDeclaration)).Methods(post)
	r.Handle("/declarations/{id:[0-9]+}/{action:submit|withdraw|delete|approve|return|reject}",
		c.auth(c.act)).Methods(post)
	r.Handle("/reviews", c.auth(c.reviews)).Methods(get)
	r.Handle("/reviews/approve", c.auth(c.approveSelected)).Methods(post)
	c.postPlanRoutes(r)
	c.applicationRoutes(r)
	c.syncRoutes(r)
	r.Handle("/settings", c.auth(c.settingsPage)).Methods(get)
	r.Handle("/settings", c.auth(c.saveSettings)).Methods(post)
	r.Handle("/windows", c.auth(c.windowsPage)).Methods(get)
	r.Handle("/windows", c.auth(c.extendWindow)).Methods(post)
}

// staticHandler serves the embedded assets with a long cache lifetime:
// their names change with their content's version in the query string.
func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFiles, "web/static")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Path[strings.LastIndex(r.URL.Path, "/static/")+len("/static/"):]
		if _, err := fs.Stat(sub, name); err != nil || name == "" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		http.ServeFileFS(w, r, sub, name)
	})
}

// pageFunc handles a console request; an error is shown as an error page.
type pageFunc func(w http.ResponseWriter, r *http.Request, v *view) error

// page runs h with a view of the request.
func (c *console) page(h pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		rememberLanguage(w, r)
		v := c.newView(r)
		if err := h(w, r, v); err != nil {
			c.errorPage(w, r, v, err)
		}
	})
}

// auth is page for pages that need a logged-in user: without one the
// browser goes to the login page, which says why (an idle session ended,
// or no session).
func (c *console) auth(h pageFunc) http.Handler {
	return c.page(func(w http.ResponseWriter, r *http.Request, v *view) error {
		if v.Actor == nil {
			reason := "unauthenticated"
			if refused := sessionRefusal(r.Context()); refused != nil {
				reason = refused.Code
			}
			http.Redirect(w, r, v.Base+"/login?reason="+url.QueryEscape(reason), http.StatusSeeOther)
			return nil
		}
		return h(w, r, v)
	})
}

// render writes page name with v and status.
func (c *console) render(w http.ResponseWriter, status int, name string, v *view) error {
	t, ok := c.pages[name]
	if !ok {
		return fmt.Errorf("no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// errorPage shows err: an engine error in the user's words with its HTTP
// status, an internal one logged and shown generically.
func (c *console) errorPage(w http.ResponseWriter, r *http.Request, v *view, err error) {
	e := engine.AsError(err)
	status := statusOf(e.Kind)
	if status == http.StatusInternalServerError {
		c.s.logInternal(r, e)
		e = requestError(engine.KindInternal, string(engine.KindInternal), nil)
	} else {
		c.s.metrics.clientErrors.WithLabelValues(e.Code).Inc()
	}
	v.Title = v.T("ui.error.title")
	v.Error = v.Message(e)
	if rerr := c.render(w, status, "error", v); rerr != nil {
		http.Error(w, http.StatusText(status), status)
	}
}

// rememberLanguage keeps the language the user switched to in a cookie,
// so that the following pages speak it too.
func rememberLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.URL.Query().Get("lang")
	if lang != "zh" && lang != "en" {
		return
	}
	base := ""
	if info := infoFrom(r.Context()); info != nil {
		base = info.base
	}
	http.SetCookie(w, &http.Cookie{
		Name: "lang", Value: lang, Path: base + "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
}

// view is what every page template sees: the request's language, tenant,
// user and base path, and the page's own data.
type view struct {
	Lang   string
	Here   string // this page's path, or the home page's after a form post
	Tenant engine.Tenant
	Base   string
	Actor  *domain.Actor
	Title  string
	Nav    string // the menu entry of the page
	Error  string // a message for the whole page
	Notice string // a confirmation for the whole page
	// UnitSynced tells a clerk of a unit whose staff come from the
	// institution system, for the menu.
	UnitSynced bool
	// Refresh reloads the page every second, while a job runs.
	Refresh bool
	Data    any

	loc *i18n.Localizer
	cat *catalog
}

func (c *console) newView(r *http.Request) *view {
	loc := c.s.messages.localizer(r)
	v := &view{loc: loc, cat: c.s.messages, Lang: "zh"}
	if text(loc, "lang", nil) == "en" {
		v.Lang = "en"
	}
	if info := infoFrom(r.Context()); info != nil {
		v.Tenant, v.Base = info.tenant, info.base
	}
	v.Here = r.URL.Path
	if r.Method != http.MethodGet {
		v.Here = v.Base + "/"
	}
	if a, ok := domain.ActorFrom(r.Context()); ok {
		v.Actor = &a
		if a.Role == domain.RoleUnitClerk {
			u, err := c.s.engine.Unit(r.Context(), a.UnitID)
			v.UnitSynced = err == nil && u.UsesInstitutionSystem
		}
	}
	return v
}

// T returns a catalog text; pairs of arguments fill its parameters.
func (v *view) T(id string, kv ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		data[fmt.Sprint(kv[i])] = kv[i+1]
	}
	if msg := text(v.loc, id, data); msg != "" {
		return msg
	}
	return id
}

// Name returns the catalog name of a value of a kind: grade, status, role,
// channel.
func (v *view) Name(kind string, value any) string { return name(v.loc, kind, value) }

// Message says an engine error in the user's language.
func (v *view) Message(e *engine.Error) string {
	msg := text(v.loc, e.Code, v.cat.params(v.loc, e.Params))
	if msg == "" {
		msg = text(v.loc, string(e.Kind), nil)
	}
	return msg
}

// RefusalReason says why a sync refused a record: the catalog message of
// its code in the user's language, or else the reason the sync gave.
func (v *view) RefusalReason(r engine.Refusal) string {
	if r.Code != "" {
		if msg := text(v.loc, r.Code, v.cat.params(v.loc, r.Params)); msg != "" {
			return msg
		}
	}
	return r.Reason
}

// Date formats a date as 2026年3月1日 in Chinese and 2026-03-01 in English.
func (v *view) Date(t any) string { return v.format(t, "format.date") }

// DateTime formats a moment with its clock time.
func (v *view) DateTime(t any) string { return v.format(t, "format.datetime") }

// format formats a time.Time or *time.Time with a catalog layout; nil and
// other values give "".
func (v *view) format(t any, layout string) string {
	var tt time.Time
	switch x := t.(type) {
	case time.Time:
		tt = x
	case *time.Time:
		if x == nil {
			return ""
		}
		tt = *x
	default:
		return ""
	}
	return tt.In(v.cat.zone).Format(v.T(layout))
}

// Is reports whether the user has role r.
func (v *view) Is(r string) bool { return v.Actor != nil && string(v.Actor.Role) == r }

// IsReviewer reports whether the user reviews declarations.
func (v *view) IsReviewer() bool {
	return v.Is(string(domain.RoleDepartmentReviewer)) || v.Is(string(domain.RoleBureauReviewer))
}

// Grades lists the title grades, highest first.
func (v *view) Grades() []domain.Grade { return domain.Grades[:] }

// Path is the base path joined with p.
func (v *view) Path(p string, args ...any) string {
	return v.Base + fmt.Sprintf(p, args...)
}

// intVar reads a numeric route variable.
func intVar(r *http.Request, name string) int {
	n, _ := strconv.Atoi(mux.Vars(r)[name])
	return n
}
