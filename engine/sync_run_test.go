package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/ent/auditevent"
	"github.com/zhicheng-hr/zhicheng/ent/person"
	"github.com/zhicheng-hr/zhicheng/ent/postplan"
	"github.com/zhicheng-hr/zhicheng/ent/postplanhistory"
	"github.com/zhicheng-hr/zhicheng/ent/privacy"
	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/plugins/sourcetest"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource/sample"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// fakeHost is a plugin folder whose plugins are sources in this process.
type fakeHost struct {
	sources map[string]contract.Source
	checked error               // what Check answers
	configs []map[string]string // what each Start was given
}

func (h *fakeHost) Plugins() ([]string, error) {
	var names []string
	for n := range h.sources {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, nil
}

func (h *fakeHost) Start(_ context.Context, name string, config map[string]string) (engine.PluginConn, error) {
	h.configs = append(h.configs, config)
	return fakeConn{Source: h.sources[name], checked: h.checked}, nil
}

type fakeConn struct {
	contract.Source
	checked error
}

func (c fakeConn) Check(context.Context) error { return c.checked }
func (c fakeConn) Close() error                { return nil }

// exportDir writes the sample export into the demo tenant's sync data
// folder below dir and returns dir.
func exportDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "xiangxi"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := sample.WriteSQLite(filepath.Join(dir, "xiangxi")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestSyncBindingKeepsSecrets(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		data := exportDir(t)
		host := &fakeHost{sources: map[string]contract.Source{tenants.DemoPlugin: openSample(t)}}
		f := enginetest.XiangxiWith(t, b, func(c *engine.Config) { c.Plugins, c.SyncDataDir = host, data })
		admin := f.As(t, tenants.DemoAdmin)
		const password = "Pw-never-shown-42"

		in := engine.SyncBindingInput{Plugin: tenants.DemoPlugin, Settings: []engine.SettingInput{
			{Key: "driver", Value: "sqlite"},
			{Key: "dsn", Value: "institution.db"},
			{Key: "password", Value: password},
			{Key: "region", Value: "433100", Secret: true},
		}}
		got, err := f.Engine.SetSyncBinding(admin, f.Tenant.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		want := []engine.SettingView{
			{Key: "driver", Value: "sqlite"},
			{Key: "dsn", Secret: true, Set: true},
			{Key: "password", Secret: true, Set: true},
			{Key: "region", Secret: true, Set: true},
		}
		if !slices.Equal(got.Settings, want) {
			t.Errorf("got settings %+v, want %+v", got.Settings, want)
		}

		// Saved again with the secrets left empty, they keep their values.
		for i := 1; i < len(in.Settings); i++ {
			in.Settings[i].Value = ""
		}
		if _, err := f.Engine.SetSyncBinding(admin, f.Tenant.ID, in); err != nil {
			t.Fatal(err)
		}
		check, err := f.Engine.TestSyncBinding(admin, f.Tenant.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !check.OK || check.Departments != exportDepartments {
			t.Errorf("test connection: got %+v, want OK with %d departments", check, exportDepartments)
		}
		config := host.configs[len(host.configs)-1]
		wantDSN := filepath.Join(data, "xiangxi", "institution.db")
		if config["password"] != password || config["region"] != "433100" || config["dsn"] != wantDSN {
			t.Errorf("plugin got password %q region %q dsn %q, want the values typed first and %s",
				config["password"], config["region"], config["dsn"], wantDSN)
		}

		// Neither the stored row nor the audit log holds the password.
		row, err := f.Engine.Client().SyncBinding.Query().Only(admin)
		if err != nil {
			t.Fatal(err)
		}
		stored, _ := json.Marshal(row.Settings)
		if strings.Contains(string(stored), password) || strings.Contains(string(stored), "institution.db") {
			t.Errorf("stored settings hold a secret in clear: %s", stored)
		}
		events, err := f.Engine.Client().AuditEvent.Query().
			Where(auditevent.Event("sync_binding.update")).All(admin)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 2 {
			t.Errorf("got %d audit entries of the binding, want 2", len(events))
		}
		for _, ev := range events {
			if strings.Contains(ev.Detail, password) || !strings.Contains(ev.Detail, "password (secret)") {
				t.Errorf("audit detail %q: want key names only", ev.Detail)
			}
		}

		// The binding is the administrator's alone.
		_, err = f.Engine.SyncBinding(f.As(t, stateHospital), f.Tenant.ID)
		if engine.ErrorKind(err) != engine.KindPermissionDenied {
			t.Errorf("clerk reads the binding: got %v, want permission denied", err)
		}
	})
}

func TestSyncBindingRefuses(t *testing.T) {
	data := exportDir(t)
	outside := filepath.Join(t.TempDir(), "other.db")
	if err := os.WriteFile(outside, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(data, "xiangxi", "link.db")); err != nil {
		t.Fatal(err)
	}
	host := &fakeHost{sources: map[string]contract.Source{tenants.DemoPlugin: src{}}}
	b := enginetest.Backends(t)[0]
	f := enginetest.XiangxiWith(t, b, func(c *engine.Config) { c.Plugins, c.SyncDataDir = host, data })
	admin := f.As(t, tenants.DemoAdmin)
	sqlite := func(dsn string) engine.SyncBindingInput {
		return engine.SyncBindingInput{Plugin: tenants.DemoPlugin, Settings: []engine.SettingInput{
			{Key: "driver", Value: "sqlite"}, {Key: "dsn", Value: dsn}}}
	}
	tests := []struct {
		name string
		in   engine.SyncBindingInput
		code string
	}{
		{"PluginOutsideFolder", engine.SyncBindingInput{Plugin: "../../bin/sh"}, "sync.plugin_unknown"},
		{"PathUp", sqlite("../other/institution.db"), "sync.path_outside"},
		{"AbsolutePath", sqlite("/etc/passwd"), "sync.path_outside"},
		{"SymlinkOut", sqlite("link.db"), "sync.path_outside"},
		{"Missing", sqlite("missing.db"), "sync.path_missing"},
		{"MappingFile", engine.SyncBindingInput{Plugin: tenants.DemoPlugin, Settings: []engine.SettingInput{
			{Key: "mapping", Value: "/etc/hosts"}}}, "sync.path_outside"},
		{"BadKey", engine.SyncBindingInput{Plugin: tenants.DemoPlugin, Settings: []engine.SettingInput{
			{Key: "a b", Value: "1"}}}, "sync.setting_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.Engine.SetSyncBinding(admin, f.Tenant.ID, tt.in)
			if e := engine.AsError(err); e.Kind != engine.KindInvalid || e.Code != tt.code {
				t.Errorf("got %v, want invalid %s", err, tt.code)
			}
		})
	}

	// Without a sync data folder, a configuration may name no file.
	f2 := enginetest.XiangxiWith(t, b, func(c *engine.Config) { c.Plugins = host })
	_, err := f2.Engine.SetSyncBinding(f2.As(t, tenants.DemoAdmin), f2.Tenant.ID, sqlite("institution.db"))
	if e := engine.AsError(err); e.Code != "sync.path_not_allowed" {
		t.Errorf("no data folder: got %v, want sync.path_not_allowed", err)
	}
}

func TestSyncBindingCheckFails(t *testing.T) {
	host := &fakeHost{
		sources: map[string]contract.Source{tenants.DemoPlugin: src{}},
		checked: fmt.Errorf("%w: database unreachable", engine.ErrPluginFailed),
	}
	f := enginetest.XiangxiWith(t, enginetest.Backends(t)[0],
		func(c *engine.Config) { c.Plugins = host })
	admin := f.As(t, tenants.DemoAdmin)
	if _, err := f.Engine.SetSyncBinding(admin, f.Tenant.ID,
		engine.SyncBindingInput{Plugin: tenants.DemoPlugin}); err != nil {
		t.Fatal(err)
	}
	check, err := f.Engine.TestSyncBinding(admin, f.Tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	if check.OK || check.Failure == nil || check.Failure.Code != "sync.plugin_error" ||
		!strings.Contains(fmt.Sprint(check.Failure.Params["detail"]), "database unreachable") {
		t.Errorf("got %+v (%v), want a plugin error saying the database is unreachable", check, check.Failure)
	}
}

// TestRunSyncThroughPlugin syncs the demo tenant through the reference
// plugin's process, bound as `zhicheng demo` binds it: first the whole
// tenant as the administrator, then the state hospital's people and posts
// as its clerk. The export is what the demo was loaded from, so every
// record comes back unchanged.
func TestRunSyncThroughPlugin(t *testing.T) {
	exe := sourcetest.Build(t, "github.com/zhicheng-hr/zhicheng/cmd/zhicheng-sync-sql")
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		data := t.TempDir()
		f := enginetest.XiangxiWith(t, b, func(c *engine.Config) {
			c.Plugins, c.SyncDataDir = tenants.PluginDir{Path: filepath.Dir(exe)}, data
		})
		admin, clerk := f.As(t, tenants.DemoAdmin), f.As(t, stateHospital)
		if err := tenants.BindDemo(admin, f.Engine, f.Tenant, data); err != nil {
			t.Fatal(err)
		}
		check, err := f.Engine.TestSyncBinding(admin, f.Tenant.ID)
		if err != nil || !check.OK || check.Departments != exportDepartments {
			t.Fatalf("test connection: got %+v, %v, want OK with %d departments", check, err, exportDepartments)
		}
		loaded, err := f.Engine.SyncRuns(admin, engine.SyncRunFilter{})
		if err != nil {
			t.Fatal(err)
		}

		var progress []string
		run, err := f.Engine.RunSync(admin, f.Tenant.ID, engine.SyncRequest{Year: sample.Year},
			engine.SyncOptions{Progress: func(p engine.SyncProgress) {
				if len(progress) == 0 || progress[len(progress)-1] != p.Phase {
					progress = append(progress, p.Phase)
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		want := domain.SyncTotals{
			Departments: engine.SyncCounts{Unchanged: exportDepartments},
			Units:       engine.SyncCounts{Unchanged: exportUnits},
			People:      engine.SyncCounts{Unchanged: exportPeople},
			Posts:       engine.SyncCounts{Unchanged: exportPosts},
		}
		if run.Status != engine.RunSucceeded || run.Counts != want || run.Plugin != tenants.DemoPlugin {
			t.Errorf("tenant run: got %s %+v via %s, want succeeded, all unchanged", run.Status, run.Counts, run.Plugin)
		}
		wantPhases := []string{engine.SyncStarting, engine.SyncReading, engine.SyncApplying}
		if !slices.Equal(progress, wantPhases) {
			t.Errorf("got phases %v, want %v", progress, wantPhases)
		}

		// 州人民医院: 328 people in the export, and its posts of 2026.
		unitID := f.UnitID(t, stateHospital)
		people, err := f.Engine.RunSync(clerk, f.Tenant.ID,
			engine.SyncRequest{UnitID: unitID, Part: engine.SyncPeople, Year: sample.Year}, engine.SyncOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := people.Counts.People; got != (engine.SyncCounts{Unchanged: 328}) || people.Scope != "unit" {
			t.Errorf("unit people run: got %s %+v, want 328 unchanged", people.Scope, got)
		}
		posts, err := f.Engine.RunSync(clerk, f.Tenant.ID,
			engine.SyncRequest{UnitID: unitID, Part: engine.SyncPosts, Year: sample.Year}, engine.SyncOptions{})
		if err != nil {
			t.Fatal(err)
		}
		plans, err := f.Engine.Client().PostPlan.Query().
			Where(postplan.UnitID(unitID), postplan.Year(sample.Year)).Count(admin)
		if err != nil {
			t.Fatal(err)
		}
		if got := posts.Counts.Posts; got.Unchanged != plans || got.Updated+got.Created+got.Removed != 0 || plans == 0 {
			t.Errorf("unit posts run: got %+v, want the unit's %d levels unchanged", got, plans)
		}

		// The administrator sees three more runs than the demo's load,
		// the clerk the unit's two; the tenant's run is not found for the
		// clerk.
		all, err := f.Engine.SyncRuns(admin, engine.SyncRunFilter{})
		if err != nil {
			t.Fatal(err)
		}
		mine, err := f.Engine.SyncRuns(clerk, engine.SyncRunFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(loaded)+3 || len(mine) != 2 || mine[0].Unit == nil || mine[0].Unit.ID != unitID {
			t.Errorf("got %d runs for the administrator, %d for the clerk, want %d and 2 of the unit",
				len(all), len(mine), len(loaded)+3)
		}
		if _, err := f.Engine.SyncRunDetail(clerk, run.ID); engine.ErrorKind(err) != engine.KindNotFound {
			t.Errorf("clerk reads the tenant's run: got %v, want not found", err)
		}
		if _, err := f.Engine.SyncRuns(f.As(t, tenants.DemoBureau), engine.SyncRunFilter{}); engine.ErrorKind(err) != engine.KindPermissionDenied {
			t.Errorf("bureau lists runs: got %v, want permission denied", err)
		}

		// A clerk syncs no other unit, and no enterprise.
		_, err = f.Engine.RunSync(clerk, f.Tenant.ID, engine.SyncRequest{UnitID: f.UnitID(t, tcmHospital)}, engine.SyncOptions{})
		if engine.ErrorKind(err) != engine.KindNotFound {
			t.Errorf("clerk syncs another unit: got %v, want not found", err)
		}
		ent := tenants.DemoEnterprises[0].CreditCode
		_, err = f.Engine.RunSync(f.As(t, ent), f.Tenant.ID, engine.SyncRequest{UnitID: f.UnitID(t, ent)}, engine.SyncOptions{})
		if e := engine.AsError(err); e.Code != "sync.unit_not_synced" {
			t.Errorf("enterprise clerk syncs: got %v, want sync.unit_not_synced", err)
		}
	})
}

// failing is the sample export whose reads named in fail end in the
// error a plugin that crashed gives.
type failing struct {
	contract.Source
	renamed string // a department name the source now gives, read before the failure
	fail    map[string]bool
}

var errCrashed = fmt.Errorf("%w: plugin process ended (signal: killed)", engine.ErrPluginExited)

func (s failing) Departments(ctx context.Context) ([]contract.Department, error) {
	ds, err := s.Source.Departments(ctx)
	for i := range ds {
		ds[i].Name = s.renamed
	}
	return ds, err
}

func (s failing) People(ctx context.Context, code string) ([]contract.Person, error) {
	if s.fail["people"] {
		return nil, errCrashed
	}
	ps, err := s.Source.People(ctx, code)
	for i := range ps {
		ps[i].Name = "改名"
	}
	return ps, err
}

func (s failing) Posts(ctx context.Context, year int, code string) ([]contract.Post, error) {
	if s.fail["posts"] {
		return nil, errCrashed
	}
	return s.Source.Posts(ctx, year, code)
}

// TestSyncFailureChangesNothing checks that a source failing midway
// leaves the tenant as it was, for a whole-tenant sync and for a unit's,
// and that the run records the failure.
func TestSyncFailureChangesNothing(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		op := engine.OperatorContext(context.Background(), "test")
		admin := f.As(t, tenants.DemoAdmin)

		tenantWide := failing{Source: openSample(t), renamed: "改名的部门", fail: map[string]bool{"posts": true}}
		run, err := f.Engine.SyncFrom(op, f.Tenant.ID, tenantWide, engine.SyncRequest{Year: sample.Year},
			engine.SyncOptions{Plugin: "test"})
		if err == nil || run.Status != engine.RunFailed || run.Failure == nil || run.Failure.Code != "sync.plugin_exited" {
			t.Fatalf("got %+v, %v, want a failed run: plugin exited", run, err)
		}
		depts, err := f.Engine.Departments(admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range depts {
			if d.Name == tenantWide.renamed {
				t.Fatalf("department %s renamed by a failed sync", d.Code)
			}
		}

		unitID := f.UnitID(t, stateHospital)
		unit := failing{Source: openSample(t), fail: map[string]bool{"posts": true}}
		run, err = f.Engine.SyncFrom(op, f.Tenant.ID, unit, engine.SyncRequest{UnitID: unitID, Year: sample.Year},
			engine.SyncOptions{Plugin: "test"})
		if err == nil || run.Status != engine.RunFailed {
			t.Fatalf("unit sync: got %+v, %v, want a failed run", run, err)
		}
		renamed, err := f.Engine.Client().Person.Query().Where(person.Name("改名")).Count(admin)
		if err != nil {
			t.Fatal(err)
		}
		if renamed != 0 {
			t.Errorf("%d people renamed by a failed unit sync", renamed)
		}
		detail, err := f.Engine.SyncRunDetail(admin, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if detail.Status != engine.RunFailed || detail.FinishedAt == nil || !strings.Contains(detail.Failure.Detail, "signal: killed") {
			t.Errorf("stored run: got %+v, want failed with the plugin's words", detail)
		}
	})
}

// TestSyncMovesPeople checks that a person the source places in another
// unit of the tenant is moved there, not created twice, and reported.
func TestSyncMovesPeople(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		e, ten := smallTenantOn(t, b.NewDatabase(t), nil)
		t.Cleanup(func() { e.Close() })
		op := engine.OperatorContext(context.Background(), "test")
		admin := adminOf(t, e, ten)
		tcm := contract.Unit{CreditCode: tcmHospital, Name: "湘西土家族苗族自治州民族中医院", Kind: "1",
			Region: "433100", DepartmentCode: "433100-WJW"}
		chen := contract.Person{SourceID: "1", UnitCode: stateHospital, Name: "陈静", Sex: "2",
			IDNumber: "11010519491231002X", BirthDate: "1949-12-31", Status: "1"}
		if _, err := e.Sync(op, ten.ID, src{units: []contract.Unit{tcm}, people: []contract.Person{chen}}, 2026); err != nil {
			t.Fatal(err)
		}
		before, err := e.Client().Person.Query().Where(person.Name("陈静")).Only(admin)
		if err != nil {
			t.Fatal(err)
		}

		chen.UnitCode = tcmHospital
		rep, err := e.Sync(op, ten.ID, src{units: []contract.Unit{tcm}, people: []contract.Person{chen}}, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if want := (engine.SyncCounts{Updated: 1, Moved: 1}); rep.People != want {
			t.Errorf("got people %+v, want %+v", rep.People, want)
		}
		after, err := e.Client().Person.Query().Where(person.Name("陈静")).Only(admin)
		if err != nil {
			t.Fatal(err)
		}
		tcmUnit, err := e.UnitByCode(admin, tcmHospital)
		if err != nil {
			t.Fatal(err)
		}
		if after.ID != before.ID || after.UnitID != tcmUnit.ID || after.Status != domain.PersonServing {
			t.Errorf("got person %d in unit %d (%s), want person %d in unit %d, serving",
				after.ID, after.UnitID, after.Status, before.ID, tcmUnit.ID)
		}
	})
}

// TestSyncReplacesPosts checks that a sync replaces a unit's approved
// posts of the year and keeps the values it replaced, with the run.
func TestSyncReplacesPosts(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		e, ten := smallTenantOn(t, b.NewDatabase(t), nil)
		t.Cleanup(func() { e.Close() })
		op := engine.OperatorContext(context.Background(), "test")
		admin := adminOf(t, e, ten)
		post := func(level, n int) contract.Post {
			return contract.Post{UnitCode: stateHospital, Year: 2026, Category: "2", Level: level, Approved: n}
		}
		sync := func(posts ...contract.Post) engine.SyncRun {
			t.Helper()
			run, err := e.SyncFrom(op, ten.ID, src{posts: posts}, engine.SyncRequest{Year: 2026},
				engine.SyncOptions{Plugin: "test"})
			if err != nil {
				t.Fatal(err)
			}
			return run
		}
		first := sync(post(5, 3), post(7, 2))
		if want := (engine.SyncCounts{Created: 2}); first.Counts.Posts != want {
			t.Errorf("first: got %+v, want %+v", first.Counts.Posts, want)
		}
		second := sync(post(5, 4))
		if want := (engine.SyncCounts{Updated: 1, Removed: 1}); second.Counts.Posts != want {
			t.Errorf("second: got %+v, want %+v", second.Counts.Posts, want)
		}

		plans, err := e.Client().PostPlan.Query().All(admin)
		if err != nil {
			t.Fatal(err)
		}
		if len(plans) != 1 || plans[0].Level != 5 || plans[0].Approved != 4 {
			t.Errorf("got plans %v, want level 5 with 4 posts only", plans)
		}
		history, err := e.Client().PostPlanHistory.Query().Order(postplanhistory.ByLevel()).All(admin)
		if err != nil {
			t.Fatal(err)
		}
		if len(history) != 2 {
			t.Fatalf("got %d history rows, want 2", len(history))
		}
		five, seven := history[0], history[1]
		if five.Level != 5 || five.OldApproved != 3 || five.NewApproved == nil || *five.NewApproved != 4 ||
			five.RunID == nil || *five.RunID != second.ID {
			t.Errorf("level 5 history: got %+v, want 3 → 4 by run %d", five, second.ID)
		}
		if seven.Level != 7 || seven.OldApproved != 2 || seven.NewApproved != nil {
			t.Errorf("level 7 history: got %+v, want 2 → removed", seven)
		}
	})
}

// TestMoveStaysInScope checks that a person's unit, which a sync may now
// change, is changed by nobody else to a unit outside their charge: a
// clerk cannot move a person of the unit into another unit.
func TestMoveStaysInScope(t *testing.T) {
	f := enginetest.Xiangxi(t, enginetest.Backends(t)[0])
	clerk := f.As(t, stateHospital)
	p, err := f.Engine.Client().Person.Query().Where(person.UnitID(f.UnitID(t, stateHospital))).First(clerk)
	if err != nil {
		t.Fatal(err)
	}
	err = f.Engine.Client().Person.UpdateOneID(p.ID).SetUnitID(f.UnitID(t, tcmHospital)).Exec(clerk)
	if !errors.Is(err, privacy.Deny) || !strings.Contains(err.Error(), "unit outside") {
		t.Fatalf("clerk moves a person into another unit: got %v, want denied", err)
	}
	after, err := f.Engine.Client().Person.Get(f.As(t, tenants.DemoAdmin), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.UnitID != p.UnitID {
		t.Errorf("got unit %d, want %d", after.UnitID, p.UnitID)
	}
}

// stalled is the sample export whose posts never come until the sync is
// cancelled: a sync cut off by a stop of the server.
type stalled struct{ contract.Source }

func (stalled) Posts(ctx context.Context, _ int, _ string) ([]contract.Post, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestInterruptedSyncEndsAtStart checks that a run left running when the
// server stopped is marked failed when a server starts, so that it neither
// shows as running forever nor blocks the next run.
func TestInterruptedSyncEndsAtStart(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		op := engine.OperatorContext(context.Background(), "test")
		admin := f.As(t, tenants.DemoAdmin)

		ctx, cancel := context.WithCancel(op)
		done := make(chan struct{})
		go func() {
			defer close(done)
			f.Engine.SyncFrom(ctx, f.Tenant.ID, stalled{openSample(t)}, engine.SyncRequest{Year: sample.Year},
				engine.SyncOptions{Plugin: "test"})
		}()
		defer func() { cancel(); <-done }()

		var runs []engine.SyncRun
		for range 200 {
			var err error
			if runs, err = f.Engine.SyncRuns(admin, engine.SyncRunFilter{}); err != nil {
				t.Fatal(err)
			}
			if len(runs) > 0 && runs[0].Status == engine.RunRunning { // latest first
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if len(runs) == 0 || runs[0].Status != engine.RunRunning {
			t.Fatalf("runs %+v, want the latest running", runs)
		}
		_, err := f.Engine.SyncFrom(op, f.Tenant.ID, openSample(t), engine.SyncRequest{Year: sample.Year},
			engine.SyncOptions{Plugin: "test"})
		wantKind(t, err, engine.KindConflict, "sync.running")

		n, err := f.Engine.EndInterruptedSyncs(context.Background())
		if err != nil || n != 1 {
			t.Fatalf("ended %d runs (%v), want 1", n, err)
		}
		run, err := f.Engine.SyncRunDetail(admin, runs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if run.Status != engine.RunFailed || run.Failure == nil || run.Failure.Code != "sync.interrupted" || run.FinishedAt == nil {
			t.Fatalf("after the start: %+v, want failed as interrupted", run)
		}
		// The next run is no longer blocked.
		if _, err := f.Engine.SyncFrom(op, f.Tenant.ID, openSample(t), engine.SyncRequest{Year: sample.Year},
			engine.SyncOptions{Plugin: "test"}); err != nil {
			t.Fatalf("next run: %v", err)
		}
	})
}
