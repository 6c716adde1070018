package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/syncrefusal"
	"github.com/zhicheng-hr/zhicheng/ent/syncrun"
	"github.com/zhicheng-hr/zhicheng/ent/unit"
	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// SyncPart says what a sync of one unit reads: its people, its approved
// posts of the year, or both. A whole-tenant sync reads everything.
type SyncPart string

// The parts of a unit sync.
const (
	SyncAll    SyncPart = "all"
	SyncPeople SyncPart = "people"
	SyncPosts  SyncPart = "posts"
)

// SyncRequest says what a sync reads.
type SyncRequest struct {
	// UnitID is the unit to sync, 0 for the whole tenant.
	UnitID int `json:"unit_id,omitempty"`
	// UnitCode names the unit to sync by credit code instead of UnitID.
	UnitCode string `json:"unit_code,omitempty"`
	// Part is what to read of the unit; SyncAll when empty.
	Part SyncPart `json:"part,omitempty"`
	// Year is the year of the approved posts; this year when 0.
	Year int `json:"year,omitempty"`
}

// The phases of a sync, as SyncProgress names them.
const (
	SyncStarting = "starting" // starting the plugin
	SyncReading  = "reading"  // reading the institution system; Done of Total reads
	SyncApplying = "applying" // writing; Done of Total people
)

// SyncProgress says how far a sync has gone.
type SyncProgress struct {
	Phase string
	Done  int
	Total int
}

// SyncOptions tune a sync.
type SyncOptions struct {
	// Plugin names the source in the run's record, for SyncFrom.
	Plugin string
	// Started, when set, is called with the run once it is recorded.
	Started func(SyncRun)
	// Progress, when set, is told how far the sync has gone.
	Progress func(SyncProgress)
}

// The statuses of a sync run.
const (
	RunRunning   = "running"
	RunSucceeded = "succeeded"
	RunFailed    = "failed"
)

// SyncRun is the record of one sync.
type SyncRun struct {
	ID         int               `json:"id"`
	Scope      string            `json:"scope"` // tenant or unit
	Part       SyncPart          `json:"part"`
	Unit       *UnitRef          `json:"unit,omitempty"`
	Year       int               `json:"year"`
	Plugin     string            `json:"plugin"`
	Username   string            `json:"username,omitempty"`
	StartedAt  time.Time         `json:"started_at"`
	FinishedAt *time.Time        `json:"finished_at,omitempty"`
	Status     string            `json:"status"`
	Failure    *SyncFailure      `json:"failure,omitempty"`
	Counts     domain.SyncTotals `json:"counts"`
	Total      SyncCounts        `json:"total"`
	// Refusals are the records the sync refused; only SyncRunDetail
	// fills them.
	Refusals []Refusal `json:"refusals,omitempty"`

	report SyncReport
}

// SyncFailure says why a run failed: a catalog code and, for failures of
// the source, the plugin's own words in English.
type SyncFailure struct {
	Code   string `json:"code"`
	Detail string `json:"detail,omitempty"`
}

// maxStoredRefusals bounds the refusals kept with a run; the counts keep
// the whole number.
const maxStoredRefusals = 10_000

// staleRun is how long a run may stay running before another may start
// in its place: a run whose process died is never finished.
const staleRun = time.Hour

// syncJob is one sync being run.
type syncJob struct {
	actor    domain.Actor
	tenantID int
	unit     *ent.Unit // nil for the whole tenant
	req      SyncRequest
	plugin   string
	opts     SyncOptions
}

func (j *syncJob) progress(phase string, done, total int) {
	if j.opts.Progress != nil {
		j.opts.Progress(SyncProgress{Phase: phase, Done: done, Total: total})
	}
}

// SyncFrom syncs a tenant, or one of its units, from src, a source the
// caller has opened: a plugin started by hand, or a Go source. It records
// the run. Errors are those of RunSync.
func (e *Engine) SyncFrom(ctx context.Context, tenantID int, src contract.Source, req SyncRequest, opts SyncOptions) (SyncRun, error) {
	j, err := e.syncJob(ctx, tenantID, req, opts)
	if err != nil {
		return SyncRun{}, err
	}
	j.plugin = opts.Plugin
	return e.runSync(ctx, j, func(context.Context) (contract.Source, func(), error) {
		return src, func() {}, nil
	})
}

// RunSync syncs a tenant, or one of its units, through the plugin the
// tenant binds, and records the run. A tenant administrator syncs the
// whole tenant or any unit, a unit's clerk the unit. A whole-tenant sync
// is one transaction, as is a unit's; a failure of the plugin at any
// point changes nothing but the run's record. The run is returned with
// its failure when the plugin fails, beside the error.
func (e *Engine) RunSync(ctx context.Context, tenantID int, req SyncRequest, opts SyncOptions) (SyncRun, error) {
	j, err := e.syncJob(ctx, tenantID, req, opts)
	if err != nil {
		return SyncRun{}, err
	}
	b, err := e.binding(ctx, tenantID)
	if err != nil {
		return SyncRun{}, err
	}
	j.plugin = b.Plugin
	return e.runSync(ctx, j, func(ctx context.Context) (contract.Source, func(), error) {
		conn, err := e.startPlugin(ctx, tenantID, b)
		if err != nil {
			return nil, nil, err
		}
		return conn, func() { conn.Close() }, nil
	})
}

// syncJob authorises a sync and finds its unit.
func (e *Engine) syncJob(ctx context.Context, tenantID int, req SyncRequest, opts SyncOptions) (*syncJob, error) {
	obj := policies.ObjSync
	if req.UnitID != 0 || req.UnitCode != "" {
		obj = policies.ObjUnitSync
	}
	a, err := e.authorizeTenant(ctx, tenantID, obj, policies.ActRun)
	if err != nil {
		return nil, err
	}
	a.TenantID = tenantID
	if req.Year == 0 {
		req.Year = e.now().Year()
	}
	if req.Year < 2000 || req.Year > 2100 {
		return nil, invalid("sync.year", P{"year": req.Year})
	}
	j := &syncJob{actor: a, tenantID: tenantID, req: req, opts: opts}
	if req.UnitID == 0 && req.UnitCode == "" {
		j.req.Part = SyncAll
		return j, nil
	}
	switch req.Part {
	case "":
		j.req.Part = SyncAll
	case SyncAll, SyncPeople, SyncPosts:
	default:
		return nil, invalid("sync.part", P{"value": req.Part})
	}
	// A clerk sees only their unit; the operator has no actor scope and
	// looks the unit up in the tenant.
	look := ctx
	if a.Role == domain.RolePlatformOperator {
		look = system(ctx)
	}
	q := e.client.Unit.Query().Where(unit.TenantID(tenantID))
	if req.UnitCode != "" {
		q.Where(unit.CreditCode(domain.CreditCode(req.UnitCode)))
	} else {
		q.Where(unit.ID(req.UnitID))
	}
	u, err := q.Only(look)
	if err != nil {
		return nil, storageError("read unit", "unit", err)
	}
	if !u.UsesInstitutionSystem {
		return nil, invalid("sync.unit_not_synced", P{"unit": u.Name})
	}
	j.unit = u
	return j, nil
}

// runSync records the run, opens the source, reads it all, then applies
// it in one transaction.
func (e *Engine) runSync(ctx context.Context, j *syncJob,
	open func(context.Context) (contract.Source, func(), error)) (SyncRun, error) {
	run, err := e.beginRun(ctx, j)
	if err != nil {
		return SyncRun{}, err
	}
	if j.opts.Started != nil {
		j.opts.Started(run)
	}
	e.log.Info("sync started", "tenant", j.tenantID, "user", j.actor.UserID, "op", "sync",
		"run", run.ID, "scope", run.Scope, "part", run.Part, "plugin", j.plugin)

	j.progress(SyncStarting, 0, 0)
	src, closeSource, err := open(ctx)
	if err != nil {
		return e.failRun(ctx, j, run, err)
	}
	defer closeSource()
	in, err := e.readScope(ctx, j, src)
	if err != nil {
		return e.failRun(ctx, j, run, err)
	}
	rep, err := e.apply(ctx, j, run.ID, in)
	if err != nil {
		return e.failRun(ctx, j, run, err)
	}
	now := e.now()
	run.Status, run.FinishedAt, run.report, run.Refusals = RunSucceeded, &now, rep, rep.Refusals
	run.Counts = rep.Totals()
	run.Total = run.Counts.Sum()
	e.log.Info("sync finished", "tenant", j.tenantID, "op", "sync", "run", run.ID,
		"people", len(in.People), "refused", run.Total.Refused)
	return run, nil
}

// beginRun records a run as running, unless another run of the same
// scope is running.
func (e *Engine) beginRun(ctx context.Context, j *syncJob) (SyncRun, error) {
	sys := system(ctx)
	var r *ent.SyncRun
	err := e.inTx(sys, func(tx *ent.Tx) error {
		busy := tx.SyncRun.Query().Where(syncrun.TenantID(j.tenantID),
			syncrun.StatusEQ(syncrun.StatusRunning),
			syncrun.StartedAtGT(e.now().Add(-staleRun)))
		if j.unit != nil {
			busy.Where(syncrun.Or(syncrun.UnitIDIsNil(), syncrun.UnitID(j.unit.ID)))
		}
		running, err := busy.Exist(sys)
		if err != nil {
			return internal("check running syncs", err)
		}
		if running {
			return conflict("sync.running", nil)
		}
		c := tx.SyncRun.Create().SetTenantID(j.tenantID).SetScope(syncrun.ScopeTenant).
			SetPart(syncrun.Part(j.req.Part)).SetYear(j.req.Year).SetPlugin(j.plugin).
			SetUserID(j.actor.UserID).SetUsername(j.actor.Username).SetStartedAt(e.now())
		if j.unit != nil {
			c.SetScope(syncrun.ScopeUnit).SetUnitID(j.unit.ID)
		}
		if r, err = c.Save(sys); err != nil {
			return internal("record sync run", err)
		}
		return e.audit(sys, tx, j.actor, "sync.start", runObject(r.ID), string(j.req.Part))
	})
	if err != nil {
		return SyncRun{}, err
	}
	return e.runOf(r, j.unit), nil
}

func runObject(id int) string { return fmt.Sprintf("sync_run:%d", id) }

// readScope reads what the sync covers from src: everything, or one
// unit's people or posts. Any failed read fails the whole read.
func (e *Engine) readScope(ctx context.Context, j *syncJob, src contract.Source) (SyncInput, error) {
	if j.unit == nil {
		j.progress(SyncReading, 0, 4)
		reads := &progressSource{Source: src, done: func(n int) { j.progress(SyncReading, n, 4) }}
		return ReadSource(ctx, reads, j.req.Year)
	}
	var in SyncInput
	var err error
	code := string(j.unit.CreditCode)
	j.progress(SyncReading, 0, 1)
	if j.req.Part != SyncPosts {
		if in.People, err = src.People(ctx, code); err != nil {
			return SyncInput{}, fmt.Errorf("read people: %w", err)
		}
	}
	if j.req.Part != SyncPeople {
		if in.Posts, err = src.Posts(ctx, j.req.Year, code); err != nil {
			return SyncInput{}, fmt.Errorf("read posts of %d: %w", j.req.Year, err)
		}
	}
	j.progress(SyncReading, 1, 1)
	return in, nil
}

// progressSource counts the reads of a whole-tenant sync.
type progressSource struct {
	contract.Source
	n    int
	done func(n int)
}

func (p *progressSource) Departments(ctx context.Context) ([]contract.Department, error) {
	defer p.step()
	return p.Source.Departments(ctx)
}

func (p *progressSource) Units(ctx context.Context, code string) ([]contract.Unit, error) {
	defer p.step()
	return p.Source.Units(ctx, code)
}

func (p *progressSource) People(ctx context.Context, code string) ([]contract.Person, error) {
	defer p.step()
	return p.Source.People(ctx, code)
}

func (p *progressSource) Posts(ctx context.Context, year int, code string) ([]contract.Post, error) {
	defer p.step()
	return p.Source.Posts(ctx, year, code)
}

func (p *progressSource) step() {
	p.n++
	p.done(p.n)
}

// apply writes what a sync read in one transaction, with the run's
// outcome and the audit entry.
func (e *Engine) apply(ctx context.Context, j *syncJob, runID int, in SyncInput) (SyncReport, error) {
	var rep SyncReport
	sys := system(ctx)
	err := e.inPreparedTx(sys, func(tx *ent.Tx, stx *sql.Tx) error {
		rep = SyncReport{}
		s := &syncer{e: e, tx: tx, stx: stx, tenantID: j.tenantID, runID: runID, year: j.req.Year, rep: &rep,
			progress: func(done, total int) { j.progress(SyncApplying, done, total) }}
		var steps []func(context.Context, SyncInput) error
		switch {
		case j.unit == nil:
			steps = []func(context.Context, SyncInput) error{s.departments, s.units, s.people, s.posts}
		case j.req.Part == SyncPeople:
			steps = []func(context.Context, SyncInput) error{s.people}
		case j.req.Part == SyncPosts:
			steps = []func(context.Context, SyncInput) error{s.posts}
		default:
			steps = []func(context.Context, SyncInput) error{s.people, s.posts}
		}
		if j.unit != nil {
			s.unitIDs = map[string]int{string(j.unit.CreditCode): j.unit.ID}
		}
		for _, step := range steps {
			if err := step(sys, in); err != nil {
				return err
			}
		}
		if err := e.finishRun(sys, tx, j, runID, rep); err != nil {
			return err
		}
		p, t := rep.People, rep.Posts
		detail := fmt.Sprintf("people created %d updated %d moved %d unchanged %d left %d refused %d; "+
			"posts created %d updated %d removed %d refused %d",
			p.Created, p.Updated, p.Moved, p.Unchanged, p.Left, p.Refused,
			t.Created, t.Updated, t.Removed, t.Refused)
		return e.audit(sys, tx, j.actor, "sync", runObject(runID), detail)
	})
	return rep, err
}

// finishRun records a run's success, its counts and its refusals.
func (e *Engine) finishRun(ctx context.Context, tx *ent.Tx, j *syncJob, runID int, rep SyncReport) error {
	err := tx.SyncRun.UpdateOneID(runID).SetStatus(syncrun.StatusSucceeded).
		SetFinishedAt(e.now()).SetCounts(rep.Totals()).Exec(ctx)
	if err != nil {
		return internal("record sync run", err)
	}
	refusals := rep.Refusals[:min(len(rep.Refusals), maxStoredRefusals)]
	for i := 0; i < len(refusals); i += bulkSize {
		batch := refusals[i:min(i+bulkSize, len(refusals))]
		creates := make([]*ent.SyncRefusalCreate, len(batch))
		for k, r := range batch {
			creates[k] = tx.SyncRefusal.Create().SetTenantID(j.tenantID).SetRunID(runID).
				SetKind(r.Kind).SetKey(r.Key).SetField(r.Field).SetReason(clip(r.Reason, 200)).
				SetCode(r.Code)
			if r.Params != nil {
				creates[k].SetParams(r.Params)
			}
			if j.unit != nil {
				creates[k].SetUnitID(j.unit.ID)
			}
		}
		if err := tx.SyncRefusal.CreateBulk(creates...).Exec(ctx); err != nil {
			return internal("record sync refusals", err)
		}
	}
	return nil
}

// failRun records why a run failed and returns the run with an error
// that says it.
func (e *Engine) failRun(ctx context.Context, j *syncJob, run SyncRun, cause error) (SyncRun, error) {
	f := syncFailure(cause)
	e.log.Warn("sync failed", "tenant", j.tenantID, "op", "sync", "run", run.ID, "err", cause)
	sys := system(context.WithoutCancel(ctx))
	now := e.now()
	err := e.inTx(sys, func(tx *ent.Tx) error {
		err := tx.SyncRun.UpdateOneID(run.ID).SetStatus(syncrun.StatusFailed).SetFinishedAt(now).
			SetFailureCode(f.Code).SetFailure(f.Detail).Exec(sys)
		if err != nil {
			return internal("record sync run", err)
		}
		return e.audit(sys, tx, j.actor, "sync.failed", runObject(run.ID), f.Code)
	})
	if err != nil {
		return run, err
	}
	run.Status, run.FinishedAt, run.Failure = RunFailed, &now, &f
	return run, &Error{Kind: KindInternal, Code: f.Code, Params: P{"detail": f.Detail},
		Op: "sync", Err: cause}
}

// Errors that a PluginHost wraps, so that a failed sync says why.
var (
	// ErrPluginStart means the plugin did not start or refused its
	// configuration.
	ErrPluginStart = errors.New("sync plugin did not start")
	// ErrPluginExited means the plugin process ended during a call.
	ErrPluginExited = errors.New("sync plugin exited")
	// ErrPluginTimeout means a call to the plugin took too long.
	ErrPluginTimeout = errors.New("sync plugin timed out")
	// ErrPluginFailed means the plugin answered a call with an error of
	// its own, such as an unreachable database.
	ErrPluginFailed = errors.New("sync plugin reported an error")
)

// syncFailure classifies why a sync failed. Only a source's failure keeps
// its detail, which plugins keep free of secrets and personal data; a
// failure of this system's storage is for the log only.
func syncFailure(err error) SyncFailure {
	var ee *Error
	code := "sync.source"
	switch {
	case errors.Is(err, ErrPluginStart):
		code = "sync.plugin_start"
	case errors.Is(err, ErrPluginExited):
		code = "sync.plugin_exited"
	case errors.Is(err, ErrPluginTimeout), errors.Is(err, context.DeadlineExceeded):
		code = "sync.plugin_timeout"
	case errors.Is(err, ErrPluginFailed):
		code = "sync.plugin_error"
	case errors.As(err, &ee) && ee.Kind == KindInternal:
		return SyncFailure{Code: string(KindInternal)}
	case errors.As(err, &ee):
		return SyncFailure{Code: ee.Code, Detail: paramText(ee.Params)}
	}
	return SyncFailure{Code: code, Detail: clip(err.Error(), 500)}
}

// paramText is the key or name a refusal of a configuration names, for a
// run's record.
func paramText(p P) string {
	for _, k := range []string{"key", "name"} {
		if v, ok := p[k]; ok {
			return fmt.Sprint(v)
		}
	}
	return ""
}

// clip shortens s to at most n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// runOf converts a stored run; u is its unit, when known.
func (e *Engine) runOf(r *ent.SyncRun, u *ent.Unit) SyncRun {
	run := SyncRun{
		ID: r.ID, Scope: string(r.Scope), Part: SyncPart(r.Part), Year: r.Year, Plugin: r.Plugin,
		Username: r.Username, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt,
		Status: string(r.Status), Counts: r.Counts, Total: r.Counts.Sum(),
	}
	if u == nil {
		u = r.Edges.Unit
	}
	if u != nil {
		ref := unitRef(u)
		run.Unit = &ref
	}
	if r.FailureCode != "" {
		run.Failure = &SyncFailure{Code: r.FailureCode, Detail: r.Failure}
	}
	return run
}

// SyncRunFilter selects sync runs.
type SyncRunFilter struct {
	UnitID int // only the runs of a unit, when set
	Limit  int // at most this many, newest first; 100 when 0
}

// SyncRuns lists the sync runs the actor may see, newest first: every run
// of the tenant for an administrator, the unit's runs for its clerk.
func (e *Engine) SyncRuns(ctx context.Context, f SyncRunFilter) ([]SyncRun, error) {
	if _, err := e.authorize(ctx, policies.ObjSyncRun, policies.ActRead); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	q := e.client.SyncRun.Query().WithUnit().
		Order(ent.Desc(syncrun.FieldStartedAt), ent.Desc(syncrun.FieldID)).Limit(f.Limit)
	if f.UnitID != 0 {
		q.Where(syncrun.UnitID(f.UnitID))
	}
	rs, err := q.All(ctx)
	if err != nil {
		return nil, storageError("list sync runs", "sync_run", err)
	}
	out := make([]SyncRun, len(rs))
	for i, r := range rs {
		out[i] = e.runOf(r, nil)
	}
	return out, nil
}

// SyncRunDetail returns a sync run with the records it refused.
func (e *Engine) SyncRunDetail(ctx context.Context, id int) (SyncRun, error) {
	if _, err := e.authorize(ctx, policies.ObjSyncRun, policies.ActRead); err != nil {
		return SyncRun{}, err
	}
	r, err := e.client.SyncRun.Query().Where(syncrun.ID(id)).WithUnit().Only(ctx)
	if err != nil {
		return SyncRun{}, storageError("read sync run", "sync_run", err)
	}
	run := e.runOf(r, nil)
	refusals, err := e.client.SyncRefusal.Query().Where(syncrefusal.RunID(id)).
		Order(ent.Asc(syncrefusal.FieldID)).All(ctx)
	if err != nil {
		return SyncRun{}, storageError("read sync refusals", "sync_run", err)
	}
	for _, x := range refusals {
		run.Refusals = append(run.Refusals, Refusal{Kind: x.Kind, Key: x.Key, Field: x.Field, Reason: x.Reason,
			Code: x.Code, Params: x.Params})
	}
	return run, nil
}

// EndInterruptedSyncs marks as failed every run that is still recorded as
// running. A run lives in the process that started it, so a server calls
// this when it starts: a run left running was cut off when the server
// stopped, and, being one transaction, changed nothing. It returns how many
// runs it ended.
func (e *Engine) EndInterruptedSyncs(ctx context.Context) (int, error) {
	sys := system(ctx)
	n, err := e.client.SyncRun.Update().Where(syncrun.StatusEQ(syncrun.StatusRunning)).
		SetStatus(syncrun.StatusFailed).SetFinishedAt(e.now()).
		SetFailureCode("sync.interrupted").Save(sys)
	if err != nil {
		return 0, internal("end interrupted syncs", err)
	}
	if n > 0 {
		e.log.Warn("sync runs interrupted by a stop of the server marked failed", "op", "sync", "runs", n)
	}
	return n, nil
}
