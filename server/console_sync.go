package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/zhicheng-hr/zhicheng/engine"
)

// syncRoutes adds the pages of the sync: the administrator's binding, and
// the runs, which administrators and unit clerks start and read.
func (c *console) syncRoutes(r *mux.Router) {
	get, post := http.MethodGet, http.MethodPost
	r.Handle("/settings/sync", c.auth(c.bindingPage)).Methods(get)
	r.Handle("/settings/sync", c.auth(c.saveBinding)).Methods(post)
	r.Handle("/settings/sync/test", c.auth(c.testBinding)).Methods(post)
	r.Handle("/sync/runs", c.auth(c.syncRuns)).Methods(get)
	r.Handle("/sync/runs", c.auth(c.startSync)).Methods(post)
	r.Handle("/sync/runs/{id:[0-9]+}", c.auth(c.syncRun)).Methods(get)
	r.Handle("/sync/jobs/{job:[0-9a-f]+}", c.auth(c.syncJob)).Methods(get)
}

// bindingForm is the binding page: the plugins to choose from, the
// binding's settings and empty rows for new ones.
type bindingForm struct {
	Plugins  []string
	Plugin   string
	Settings []engine.SettingView
	Blank    []int
	Check    *engine.SyncCheck
	Year     int
}

// blankRows is how many empty rows the binding form offers for new keys.
const blankRows = 3

// bindingPage shows the tenant's binding to the administrator.
func (c *console) bindingPage(w http.ResponseWriter, r *http.Request, v *view) error {
	if r.URL.Query().Get("saved") != "" {
		v.Notice = v.T("ui.sync.saved")
	}
	return c.renderBinding(w, r, v, http.StatusOK, nil)
}

func (c *console) renderBinding(w http.ResponseWriter, r *http.Request, v *view, status int, check *engine.SyncCheck) error {
	plugins, err := c.s.engine.SyncPlugins(r.Context(), v.Tenant.ID)
	if err != nil {
		return err
	}
	f := bindingForm{Plugins: plugins, Check: check, Year: c.s.year()}
	b, err := c.s.engine.SyncBinding(r.Context(), v.Tenant.ID)
	switch {
	case err == nil:
		f.Plugin, f.Settings = b.Plugin, b.Settings
	case engine.AsError(err).Code != "sync.not_bound":
		return err
	}
	for i := range blankRows {
		f.Blank = append(f.Blank, len(f.Settings)+i)
	}
	v.Title, v.Nav, v.Data = v.T("ui.sync.binding"), "sync_binding", f
	return c.render(w, status, "sync_binding", v)
}

// saveBinding saves the binding from the form: rows key_N, value_N and
// secret_N; a row without a key is dropped, a secret left empty keeps its
// value.
func (c *console) saveBinding(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	in := engine.SyncBindingInput{Plugin: r.PostFormValue("plugin"), Settings: []engine.SettingInput{}}
	for i := 0; ; i++ {
		n := strconv.Itoa(i)
		if _, ok := r.PostForm["key_"+n]; !ok {
			break
		}
		key := strings.TrimSpace(r.PostFormValue("key_" + n))
		if key == "" || r.PostFormValue("remove_"+n) == "on" {
			continue
		}
		in.Settings = append(in.Settings, engine.SettingInput{
			Key: key, Value: r.PostFormValue("value_" + n), Secret: r.PostFormValue("secret_"+n) == "on",
		})
	}
	_, err := c.s.engine.SetSyncBinding(r.Context(), v.Tenant.ID, in)
	if e := engine.AsError(err); err != nil && e.Kind == engine.KindInvalid {
		v.Error = v.Message(e)
		return c.renderBinding(w, r, v, http.StatusBadRequest, nil)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, v.Path("/settings/sync?saved=1"), http.StatusSeeOther)
	return nil
}

// testBinding starts the plugin, asks it to check its connection, and
// shows the outcome on the binding page.
func (c *console) testBinding(w http.ResponseWriter, r *http.Request, v *view) error {
	check, err := c.s.engine.TestSyncBinding(r.Context(), v.Tenant.ID)
	if err != nil {
		return err
	}
	if check.OK {
		v.Notice = v.T("ui.sync.check_ok", "plugin", check.Plugin, "count", check.Departments)
	} else {
		v.Error = v.T("ui.sync.check_failed", "reason", v.Message(check.Failure))
	}
	return c.renderBinding(w, r, v, http.StatusOK, &check)
}

// syncRuns lists the runs the user may see.
func (c *console) syncRuns(w http.ResponseWriter, r *http.Request, v *view) error {
	runs, err := c.s.engine.SyncRuns(r.Context(), engine.SyncRunFilter{})
	if err != nil {
		return err
	}
	v.Title, v.Nav = v.T("ui.sync.runs"), "sync_runs"
	v.Data = struct {
		Runs []engine.SyncRun
		Year int
	}{runs, c.s.year()}
	return c.render(w, http.StatusOK, "sync_runs", v)
}

// syncRun shows a run with its refusals.
func (c *console) syncRun(w http.ResponseWriter, r *http.Request, v *view) error {
	run, err := c.s.engine.SyncRunDetail(r.Context(), intVar(r, "id"))
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = v.T("ui.sync.run", "id", run.ID), "sync_runs", run
	if run.Failure != nil {
		v.Error = v.T("ui.sync.failed", "reason", v.Message(syncFailureError(run.Failure)))
	}
	return c.render(w, http.StatusOK, "sync_run", v)
}

// startSync starts a sync from a form: the whole tenant, or the unit
// and part the form names, for its year. The browser goes to the job's
// page.
func (c *console) startSync(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	req := engine.SyncRequest{Part: engine.SyncPart(r.PostFormValue("part"))}
	var err error
	if s := r.PostFormValue("unit"); s != "" {
		if req.UnitID, err = strconv.Atoi(s); err != nil {
			return requestError(engine.KindInvalid, "request.field_type", engine.P{"field": "unit"})
		}
	}
	if s := r.PostFormValue("year"); s != "" {
		if req.Year, err = strconv.Atoi(s); err != nil {
			return requestError(engine.KindInvalid, "request.field_type", engine.P{"field": "year"})
		}
	}
	j, _, err := c.s.startSync(r.Context(), v.Tenant.ID, v.Actor.UserID, req)
	if err != nil {
		return err
	}
	http.Redirect(w, r, v.Path("/sync/jobs/%s", j.ID), http.StatusSeeOther)
	return nil
}

// syncJob shows a sync's progress, refreshing itself until it ends, and
// then goes to the run.
func (c *console) syncJob(w http.ResponseWriter, r *http.Request, v *view) error {
	j, ok := c.s.jobs.get(mux.Vars(r)["job"], v.Tenant.ID, v.Actor.UserID)
	if !ok {
		return requestError(engine.KindNotFound, "not_found", engine.P{"what": "page"})
	}
	st := j.state()
	if run, ok := st.Result.(engine.SyncRun); ok && st.Finished && run.ID != 0 {
		http.Redirect(w, r, v.Path("/sync/runs/%d", run.ID), http.StatusSeeOther)
		return nil
	}
	if st.Finished && st.Err != nil {
		return st.Err
	}
	v.Title, v.Nav, v.Refresh, v.Data = v.T("ui.sync.running"), "sync_runs", !st.Finished, st
	return c.render(w, http.StatusOK, "sync_job", v)
}

// startSync runs a sync as a job of a user and returns once its run is
// recorded, with the run; or with the error that stopped it before.
func (s *server) startSync(ctx context.Context, tenantID, userID int, req engine.SyncRequest) (*job, engine.SyncRun, error) {
	type start struct {
		run engine.SyncRun
		err error
	}
	started := make(chan start, 1)
	ctx = context.WithoutCancel(ctx)
	j := s.jobs.start(tenantID, userID, func(j *job) (any, error) {
		j.progress("ui.sync.phase."+engine.SyncStarting, 0, 0)
		run, err := s.engine.RunSync(ctx, tenantID, req, engine.SyncOptions{
			Started: func(r engine.SyncRun) { started <- start{run: r} },
			Progress: func(p engine.SyncProgress) {
				j.progress("ui.sync.phase."+p.Phase, p.Done, p.Total)
			},
		})
		if run.ID == 0 {
			started <- start{err: err}
		}
		return run, err
	})
	st := <-started
	if st.err != nil {
		return nil, engine.SyncRun{}, st.err
	}
	return j, st.run, nil
}

// year is this year in China, the default year of the posts a sync reads.
func (s *server) year() int { return time.Now().In(s.messages.zone).Year() }

// syncFailureError is a run's failure as an error for the catalog.
func syncFailureError(f *engine.SyncFailure) *engine.Error {
	return &engine.Error{Kind: engine.KindInvalid, Code: f.Code,
		Params: engine.P{"detail": f.Detail, "key": f.Detail, "name": f.Detail}}
}

// ThisYear is this year in China, for a form's default year.
func (v *view) ThisYear() int { return time.Now().In(v.cat.zone).Year() }
