package server

import (
	"net/http"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// sessionCookie names the cookie that carries the session token.
const sessionCookie = "zhicheng_session"

// authenticate puts the actor of the request's session into its context.
// A request without a valid session of this tenant goes on without an
// actor, and the engine refuses what needs one.
func (s *server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := infoFrom(r.Context())
		for _, ck := range r.CookiesNamed(sessionCookie) {
			a, err := s.engine.Authenticate(r.Context(), ck.Value)
			switch {
			case err == nil && a.TenantID == info.tenant.ID:
				info.token, info.refusal = ck.Value, nil
				next.ServeHTTP(w, r.WithContext(domain.WithActor(r.Context(), a)))
				return
			case err == nil:
				// A session of another tenant on a shared host: not ours.
			case engine.ErrorKind(err) == engine.KindUnauthenticated:
				info.refusal = engine.AsError(err)
			default:
				s.writeError(w, r, err)
				return
			}
		}
		if info.refusal != nil {
			clearSessionCookie(w, r)
		}
		next.ServeHTTP(w, r)
	})
}

// credentials is the body of a login.
type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// sessionView answers "who am I".
type sessionView struct {
	Username     string            `json:"username"`
	Role         domain.Role       `json:"role"`
	RoleName     string            `json:"role_name"`
	Tenant       tenantView        `json:"tenant"`
	UnitID       int               `json:"unit_id,omitempty"`
	DepartmentID int               `json:"department_id,omitempty"`
	Region       domain.RegionCode `json:"region,omitempty"`
}

// tenantView names a tenant.
type tenantView struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// login opens a session and sets its cookie.
func (s *server) login(w http.ResponseWriter, r *http.Request) error {
	var c credentials
	if err := decodeBody(w, r, &c, true); err != nil {
		return err
	}
	info := infoFrom(r.Context())
	sess, err := s.engine.Login(r.Context(), info.tenant.ID, c.Username, c.Password)
	if err != nil {
		return err
	}
	http.SetCookie(w, newSessionCookie(r, sess.Token))
	return writeJSON(w, http.StatusOK, s.sessionView(r, sess.Actor))
}

// whoAmI describes the logged-in user.
func (s *server) whoAmI(w http.ResponseWriter, r *http.Request) error {
	a, ok := domain.ActorFrom(r.Context())
	if !ok {
		return requestError(engine.KindUnauthenticated, "unauthenticated", nil)
	}
	return writeJSON(w, http.StatusOK, s.sessionView(r, a))
}

// logout ends the request's session, if it has one, and clears the cookie.
func (s *server) logout(w http.ResponseWriter, r *http.Request) error {
	if token := infoFrom(r.Context()).token; token != "" {
		if err := s.engine.Logout(r.Context(), token); err != nil {
			return err
		}
	}
	clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) sessionView(r *http.Request, a domain.Actor) sessionView {
	t := infoFrom(r.Context()).tenant
	return sessionView{
		Username: a.Username, Role: a.Role,
		RoleName: name(s.messages.localizer(r), "role", a.Role),
		Tenant:   tenantView{Key: t.Key, Name: t.Name},
		UnitID:   a.UnitID, DepartmentID: a.DepartmentID, Region: a.Region,
	}
}

// newSessionCookie carries token for the tenant's root only: "/" on the
// tenant's host, "/t/{key}/" otherwise. It is Secure when the request came
// over TLS.
func newSessionCookie(r *http.Request, token string) *http.Cookie {
	return &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     infoFrom(r.Context()).base + "/",
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	}
}

// clearSessionCookie tells the browser to forget the session cookie.
func clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	ck := newSessionCookie(r, "")
	ck.MaxAge = -1
	http.SetCookie(w, ck)
}
