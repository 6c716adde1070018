package server

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// errorBody is the JSON body of every error answer.
type errorBody struct {
	Error errorDetail `json:"error"`
}

// errorDetail names the error by its catalog code, says it in the user's
// language, and carries the values the message was filled with.
type errorDetail struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Params  map[string]any `json:"params,omitempty"`
}

// statusOf maps an engine error kind to its HTTP status. It is the only
// place that does.
func statusOf(k engine.Kind) int {
	switch k {
	case engine.KindInvalid:
		return http.StatusBadRequest
	case engine.KindNotFound:
		return http.StatusNotFound
	case engine.KindConflict:
		return http.StatusConflict
	case engine.KindPermissionDenied:
		return http.StatusForbidden
	case engine.KindUnauthenticated:
		return http.StatusUnauthorized
	}
	return http.StatusInternalServerError
}

// requestError is an error the server finds in a request before it reaches
// the engine, in the engine's vocabulary.
func requestError(kind engine.Kind, code string, params engine.P) *engine.Error {
	return &engine.Error{Kind: kind, Code: code, Params: params}
}

// writeError answers with err. An internal error is logged and answered
// with a generic message; a client's mistake is counted, not logged.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := engine.AsError(err)
	if e.Kind == engine.KindUnauthenticated {
		if refused := sessionRefusal(r.Context()); refused != nil {
			e = refused
		}
	}
	if statusOf(e.Kind) == http.StatusInternalServerError {
		s.logInternal(r, e)
		e = requestError(engine.KindInternal, string(engine.KindInternal), nil)
	} else {
		s.metrics.clientErrors.WithLabelValues(e.Code).Inc()
	}
	writeJSONError(w, statusOf(e.Kind), s.messages.body(r, e))
}

// logInternal logs an internal error with the fixed keys and no personal
// data: the tenant's key, the user's id, the operation and the cause.
func (s *server) logInternal(r *http.Request, e *engine.Error) {
	tenant, user := "", 0
	if info := infoFrom(r.Context()); info != nil {
		tenant = info.tenant.Key
	}
	if a, ok := domain.ActorFrom(r.Context()); ok {
		user = a.UserID
	}
	op := e.Op
	if op == "" {
		op = routeName(r)
	}
	var cause error = e
	if e.Err != nil {
		cause = e.Err
	}
	s.log.Error("internal error", "tenant", tenant, "user", user, "op", op, "err", cause)
}

// routeName is the template of the route r matched, or "unmatched".
func routeName(r *http.Request) string {
	if route := mux.CurrentRoute(r); route != nil {
		if tpl, err := route.GetPathTemplate(); err == nil {
			return tpl
		}
	}
	return "unmatched"
}

// writeJSONError writes an error body with status.
func writeJSONError(w http.ResponseWriter, status int, body errorBody) {
	if err := writeJSON(w, status, body); err != nil {
		http.Error(w, http.StatusText(status), status)
	}
}
