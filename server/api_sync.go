package server

import (
	"net/http"
	"strconv"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// syncPlugins lists the plugins of the server's plugin folder.
func (s *server) syncPlugins(w http.ResponseWriter, r *http.Request) error {
	names, err := s.engine.SyncPlugins(r.Context(), infoFrom(r.Context()).tenant.ID)
	if err != nil {
		return err
	}
	if names == nil {
		names = []string{}
	}
	return writeJSON(w, http.StatusOK, names)
}

// syncBinding shows the tenant's binding, secrets as set or not.
func (s *server) syncBinding(w http.ResponseWriter, r *http.Request) error {
	return reply(w)(s.engine.SyncBinding(r.Context(), infoFrom(r.Context()).tenant.ID))
}

// setSyncBinding replaces the tenant's binding.
func (s *server) setSyncBinding(w http.ResponseWriter, r *http.Request) error {
	var in engine.SyncBindingInput
	if err := decodeBody(w, r, &in, true); err != nil {
		return err
	}
	return reply(w)(s.engine.SetSyncBinding(r.Context(), infoFrom(r.Context()).tenant.ID, in))
}

// checkResult is the outcome of a connection test, with the failure in
// the user's words.
type checkResult struct {
	OK          bool   `json:"ok"`
	Plugin      string `json:"plugin"`
	Departments int    `json:"departments"`
	Code        string `json:"code,omitempty"`
	Message     string `json:"message,omitempty"`
}

// testSyncBinding starts the bound plugin and checks its connection. A
// failed check is an answer, not an error.
func (s *server) testSyncBinding(w http.ResponseWriter, r *http.Request) error {
	c, err := s.engine.TestSyncBinding(r.Context(), infoFrom(r.Context()).tenant.ID)
	if err != nil {
		return err
	}
	out := checkResult{OK: c.OK, Plugin: c.Plugin, Departments: c.Departments}
	if c.Failure != nil {
		body := s.messages.body(r, c.Failure)
		out.Code, out.Message = body.Error.Code, body.Error.Message
	}
	return writeJSON(w, http.StatusOK, out)
}

// syncRuns lists the runs the user may see; unit_id narrows them to a
// unit's.
func (s *server) syncRuns(w http.ResponseWriter, r *http.Request) error {
	unitID, err := queryInt(r, "unit_id")
	if err != nil {
		return err
	}
	runs, err := s.engine.SyncRuns(r.Context(), engine.SyncRunFilter{UnitID: unitID})
	if err != nil {
		return err
	}
	if runs == nil {
		runs = []engine.SyncRun{}
	}
	return writeJSON(w, http.StatusOK, runs)
}

// syncRun shows a run with its refusals.
func (s *server) syncRun(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "sync_run")
	if err != nil {
		return err
	}
	return reply(w)(s.engine.SyncRunDetail(r.Context(), id))
}

// startSyncRun starts a sync and answers 202 with the run as recorded,
// running; its page tells how it ends.
func (s *server) startSyncRun(w http.ResponseWriter, r *http.Request) error {
	var req engine.SyncRequest
	if err := decodeBody(w, r, &req, false); err != nil {
		return err
	}
	info := infoFrom(r.Context())
	user, _ := domain.ActorFrom(r.Context())
	_, run, err := s.startSync(r.Context(), info.tenant.ID, user.UserID, req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", info.base+apiPrefix+"/sync/runs/"+strconv.Itoa(run.ID))
	return writeJSON(w, http.StatusAccepted, run)
}
