package server

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/plugins/sourcetest"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource/sample"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// The Xiangxi export: 23 departments, 3,477 people, 328 of them at the
// state hospital.
const (
	exportDepartments   = 23
	exportPeople        = 3477
	stateHospitalPeople = 328
)

// withPlugin configures an engine with a plugin folder holding the
// reference plugin, built for the test, and a sync data folder holding
// the export for the demo tenant.
func withPlugin(t *testing.T) func(*engine.Config) {
	t.Helper()
	exe := sourcetest.Build(t, "github.com/zhicheng-hr/zhicheng/cmd/zhicheng-sync-sql")
	data := t.TempDir()
	if err := os.MkdirAll(filepath.Join(data, "xiangxi"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := sample.WriteSQLite(filepath.Join(data, "xiangxi")); err != nil {
		t.Fatal(err)
	}
	return func(c *engine.Config) {
		c.Plugins = tenants.PluginDir{Path: filepath.Dir(exe)}
		c.SyncDataDir = data
	}
}

// waitRun polls a run until it has ended.
func waitRun(t *testing.T, c *client, id int) engine.SyncRun {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var run engine.SyncRun
		c.do(t, http.MethodGet, fmt.Sprintf("/sync/runs/%d", id), nil, http.StatusOK, &run)
		if run.Status != engine.RunRunning {
			return run
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %d still running", id)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestAPISync(t *testing.T) {
	env := newEnvWith(t, enginetest.Backends(t)[0], withPlugin(t))
	admin := env.login(t, "xiangxi", tenants.DemoAdmin)

	if e := admin.fail(t, http.MethodGet, "/sync/binding", nil, http.StatusNotFound); e.Code != "sync.not_bound" {
		t.Errorf("before binding: got %s, want sync.not_bound", e.Code)
	}
	var plugins []string
	admin.do(t, http.MethodGet, "/sync/plugins", nil, http.StatusOK, &plugins)
	if len(plugins) != 1 || plugins[0] != tenants.DemoPlugin {
		t.Errorf("got plugins %v, want [%s]", plugins, tenants.DemoPlugin)
	}

	// The dsn is secret by its name: stored, never shown.
	in := engine.SyncBindingInput{Plugin: tenants.DemoPlugin, Settings: []engine.SettingInput{
		{Key: "driver", Value: "sqlite"}, {Key: "dsn", Value: "institution.db"}}}
	_, body, err := admin.send(http.MethodPut, "/sync/binding", in)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(body), "institution.db") || !strings.Contains(string(body), `"set":true`) {
		t.Errorf("binding answer %s: want the dsn set and not shown", body)
	}
	var check checkResult
	admin.do(t, http.MethodPost, "/sync/binding/test", nil, http.StatusOK, &check)
	if !check.OK || check.Departments != exportDepartments {
		t.Errorf("test connection: got %+v, want OK with %d departments", check, exportDepartments)
	}

	var run engine.SyncRun
	resp := admin.do(t, http.MethodPost, "/sync/runs", engine.SyncRequest{Year: sample.Year}, http.StatusAccepted, &run)
	if loc := resp.Header.Get("Location"); !strings.HasSuffix(loc, fmt.Sprintf("/sync/runs/%d", run.ID)) {
		t.Errorf("got Location %q for run %d", loc, run.ID)
	}
	run = waitRun(t, admin, run.ID)
	if run.Status != engine.RunSucceeded || run.Counts.People != (engine.SyncCounts{Unchanged: exportPeople}) {
		t.Errorf("tenant run: got %s %+v, want succeeded, %d people unchanged", run.Status, run.Counts.People, exportPeople)
	}

	// The state hospital's clerk syncs the hospital's people, and sees
	// neither the binding nor the tenant's run.
	clerk := env.login(t, "xiangxi", stateHospital)
	unitID := env.fixture.UnitID(t, stateHospital)
	var mine engine.SyncRun
	clerk.do(t, http.MethodPost, "/sync/runs",
		engine.SyncRequest{UnitID: unitID, Part: engine.SyncPeople}, http.StatusAccepted, &mine)
	mine = waitRun(t, clerk, mine.ID)
	if mine.Counts.People != (engine.SyncCounts{Unchanged: stateHospitalPeople}) || mine.Unit == nil {
		t.Errorf("unit run: got %+v, want %d people unchanged", mine, stateHospitalPeople)
	}
	clerk.fail(t, http.MethodGet, "/sync/binding", nil, http.StatusForbidden)
	clerk.fail(t, http.MethodGet, fmt.Sprintf("/sync/runs/%d", run.ID), nil, http.StatusNotFound)
	clerk.fail(t, http.MethodPost, "/sync/runs", engine.SyncRequest{}, http.StatusForbidden)
	var runs []engine.SyncRun
	clerk.do(t, http.MethodGet, "/sync/runs", nil, http.StatusOK, &runs)
	if len(runs) != 1 || runs[0].ID != mine.ID {
		t.Errorf("clerk's runs: got %d, want only the unit's", len(runs))
	}

	// A database the plugin cannot reach fails the test in words.
	in = engine.SyncBindingInput{Plugin: tenants.DemoPlugin, Settings: []engine.SettingInput{
		{Key: "driver", Value: "mysql"}, {Key: "dsn", Value: "reader@tcp(127.0.0.1:1)/hr"}}}
	admin.do(t, http.MethodPut, "/sync/binding", in, http.StatusOK, nil)
	admin.do(t, http.MethodPost, "/sync/binding/test", nil, http.StatusOK, &check)
	if check.OK || !strings.HasPrefix(check.Code, "sync.plugin_") || !strings.Contains(check.Message, "同步适配器") {
		t.Errorf("unreachable database: got %+v, want a failed test with a message", check)
	}
	if strings.Contains(env.logs.String(), "reader@tcp") {
		t.Error("the log quotes the dsn")
	}
}

// TestBrowserSync walks the sync through clicks: the administrator binds
// the reference plugin with a secret dsn, which the page never shows
// again, tests the connection and syncs the tenant; the state hospital's
// clerk syncs the hospital's staff from the unit page.
func TestBrowserSync(t *testing.T) {
	b := newBrowserWith(t, withPlugin(t))
	b.login(tenants.DemoAdmin)
	b.click("#nav-sync-binding", "#binding-form")
	b.run(
		chromedp.SendKeys(chromedp.CSS("#key-0"), "driver"),
		chromedp.SendKeys(chromedp.CSS("#value-0"), "sqlite"),
		chromedp.SendKeys(chromedp.CSS("#key-1"), "dsn"),
		chromedp.SendKeys(chromedp.CSS("#value-1"), "institution.db"),
	)
	b.click("#binding-save", "#page-notice")
	html := browse(b, chromedp.OuterHTML(chromedp.CSS("html")))
	if strings.Contains(html, "institution.db") {
		t.Error("the binding page shows the secret dsn")
	}
	if got := b.text("#setting-dsn .secret-state"); got != "已设置" {
		t.Errorf("dsn shown as %q, want 已设置", got)
	}
	b.screenshot("sync-binding")

	b.click("#binding-test", "#page-notice")
	if got := b.text("#page-notice"); !strings.Contains(got, fmt.Sprintf("%d 个主管部门", exportDepartments)) {
		t.Errorf("test connection: got %q", got)
	}
	b.click("#sync-start", "main h1")
	b.run(chromedp.WaitVisible(chromedp.CSS("#run-status")))
	if got := b.text("#run-status"); got != "成功" {
		t.Errorf("run status %q, want 成功", got)
	}
	if got := b.text("#counts-people .unchanged"); got != fmt.Sprint(exportPeople) {
		t.Errorf("people unchanged %s, want %d", got, exportPeople)
	}
	b.screenshot("sync-run")
	b.logout()

	b.login(stateHospital)
	b.run(chromedp.Navigate(fmt.Sprintf("%s/units/%d", b.base, b.env.fixture.UnitID(t, stateHospital))))
	b.run(chromedp.WaitVisible(chromedp.CSS("#unit-sync")))
	b.click("#sync-people", "main h1")
	b.run(chromedp.WaitVisible(chromedp.CSS("#run-status")))
	if got := b.text("#counts-people .unchanged"); got != fmt.Sprint(stateHospitalPeople) {
		t.Errorf("the hospital's people unchanged %s, want %d", got, stateHospitalPeople)
	}
}
