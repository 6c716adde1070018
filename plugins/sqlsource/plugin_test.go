package sqlsource_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/plugins/sourcetest"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource/sqlsourcetest"
	"github.com/zhicheng-hr/zhicheng/plugins/syncplugin"
)

const referencePlugin = "github.com/zhicheng-hr/zhicheng/cmd/zhicheng-sync-sql"

// secret is a password that must appear in no error and no log.
const secret = "s3cret-Pa55"

func TestPluginConfigure(t *testing.T) {
	lite := sqlsourcetest.SQLitePath(t)
	tests := []struct {
		name   string
		config map[string]string
		want   string
	}{
		{"UnknownKey", map[string]string{"driver": "sqlite", "dsn": lite, "table": "ry"},
			`unknown key "table"`},
		{"NoDriver", map[string]string{"dsn": lite}, `"driver" and "dsn" are required`},
		{"UnknownDriver", map[string]string{"driver": "oracle", "dsn": lite}, `unknown driver`},
		{"PasswordForSQLite", map[string]string{"driver": "sqlite", "dsn": lite, "password": secret},
			"applies to driver mysql only"},
		{"MalformedDSN", map[string]string{"driver": "mysql", "dsn": "reader:" + secret + "@tcp(db:3306"},
			"not a valid MySQL DSN"},
		{"MalformedDSNAndPassword",
			map[string]string{"driver": "mysql", "dsn": "reader@tcp(db", "password": secret},
			"not a valid MySQL DSN"},
		{"BadMapping", map[string]string{"driver": "sqlite", "dsn": lite, "mapping": `{"units": 1}`},
			"mapping: parse mapping"},
		{"MissingMappingFile",
			map[string]string{"driver": "sqlite", "dsn": lite, "mapping": "/nonexistent.json"},
			"load mapping"},
		{"MissingDatabase", map[string]string{"driver": "sqlite", "dsn": lite + ".missing"},
			"open source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p sqlsource.Plugin
			err := p.Configure(tt.config)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one saying %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error quotes the password: %v", err)
			}
		})
	}
}

func TestPluginNotConfigured(t *testing.T) {
	var p sqlsource.Plugin
	if _, err := p.People(t.Context(), ""); !errors.Is(err, sqlsource.ErrNotConfigured) {
		t.Errorf("got %v, want ErrNotConfigured", err)
	}
	if err := p.Check(t.Context()); !errors.Is(err, sqlsource.ErrNotConfigured) {
		t.Errorf("check: got %v, want ErrNotConfigured", err)
	}
}

// TestPluginMappingFile configures the plugin with a mapping file, then
// with another database and the mapping inline.
func TestPluginMappingFile(t *testing.T) {
	var p sqlsource.Plugin
	defer p.Close()
	err := p.Configure(map[string]string{
		"driver":  "sqlite",
		"dsn":     sqlsourcetest.SQLitePath(t),
		"mapping": filepath.Join("mappings", "xiangxi.json"),
	})
	if err != nil {
		t.Fatal(err)
	}
	wantCount(t, &p, wantDepartments)

	err = p.Configure(map[string]string{
		"driver":  "sqlite",
		"dsn":     systemDB(t, otherSystem),
		"mapping": otherMapping,
	})
	if err != nil {
		t.Fatal(err)
	}
	wantCount(t, &p, 1)
}

// TestReferencePlugin runs the zhicheng-sync-sql plugin as a process over
// the export, in SQLite and in MariaDB, and over a broken copy.
func TestReferencePlugin(t *testing.T) {
	exe := sourcetest.Build(t, referencePlugin)

	t.Run("SQLite", func(t *testing.T) {
		path := sqlsourcetest.SQLitePath(t)
		testReferencePlugin(t, exe, map[string]string{"driver": "sqlite", "dsn": path},
			openSQLite(t, path))
	})
	t.Run("MySQL", func(t *testing.T) {
		dsn := sqlsourcetest.LoadMySQL(t, sqlsourcetest.MySQLBaseDSN())
		direct, err := sqlsource.Open("mysql", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer direct.Close()
		testReferencePlugin(t, exe, map[string]string{"driver": "mysql", "dsn": dsn}, direct)
	})
	t.Run("Broken", func(t *testing.T) { testBrokenExport(t, exe) })
	t.Run("Secrets", func(t *testing.T) { testSecrets(t, exe) })
}

// testReferencePlugin checks that the plugin configured with config gives
// the export's counts, the same records as direct, and passes the
// conformance rules.
func testReferencePlugin(t *testing.T, exe string, config map[string]string,
	direct *sqlsource.Source) {
	conn := startPlugin(t, exe, config, nil)
	ctx := t.Context()
	if err := conn.Check(ctx); err != nil {
		t.Errorf("check: %v", err)
	}

	rep := sourcetest.Conformance(t, conn, sourcetest.Options{Year: 2026, Unit: sampleUnit})
	counts := [4]int{rep.Departments, rep.Units, rep.People, rep.Posts}
	if want := [4]int{wantDepartments, wantUnits, wantPeople, wantPosts2026}; counts != want {
		t.Errorf("got departments, units, people, posts %v, want %v", counts, want)
	}

	sameAnswers(t, conn, direct)
	closeConn(t, conn)
}

// sameAnswers checks that the plugin and the source read directly agree,
// order included.
func sameAnswers(t *testing.T, conn *syncplugin.Conn, direct *sqlsource.Source) {
	t.Helper()
	ctx := t.Context()
	reads := map[string]func(contract.Source) (any, error){
		"Departments":  func(s contract.Source) (any, error) { return s.Departments(ctx) },
		"Units":        func(s contract.Source) (any, error) { return s.Units(ctx, "") },
		"People":       func(s contract.Source) (any, error) { return s.People(ctx, "") },
		"PeopleOfUnit": func(s contract.Source) (any, error) { return s.People(ctx, sampleUnit) },
		"Posts":        func(s contract.Source) (any, error) { return s.Posts(ctx, 2026, "") },
	}
	for name, read := range reads {
		got, err := read(conn)
		if err != nil {
			t.Fatalf("%s through the plugin: %v", name, err)
		}
		want, err := read(direct)
		if err != nil {
			t.Fatalf("%s directly: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the plugin's answer differs from the direct read", name)
		}
	}
}

// testBrokenExport runs the plugin over a copy of the export with faults
// put in, and checks that the conformance rules name each one.
func testBrokenExport(t *testing.T, exe string) {
	path := sqlsourcetest.SQLitePath(t)
	execSQL(t, path,
		// the ID number of 4000920001 given to 4000920002 as well
		`UPDATE ry SET sfzh = '433126197307253867', csrq = '1973-07-25', xb = '2'
			WHERE rybh = '4000920002'`,
		// a wrong check character
		`UPDATE ry SET sfzh = '433124197801237521' WHERE rybh = '4000920003'`,
		`UPDATE ry SET xm = '' WHERE rybh = '4000920004'`,
		`UPDATE ry SET dwdm = '12433100MB0000000X' WHERE rybh = '4000920005'`,
		`UPDATE gwsz SET gwdj = 14 WHERE dwdm = '12433100400092813K' AND nd = 2026 AND gwdj = 13`,
		`UPDATE gwsz SET hdzs = -1 WHERE dwdm = '12433100400092813K' AND nd = 2026 AND gwdj = 1`,
		`UPDATE dw SET zgbmdm = '433100-XXX' WHERE dwdm = '124331004000453123'`,
	)
	conn := startPlugin(t, exe, map[string]string{"driver": "sqlite", "dsn": path}, nil)
	rep, err := sourcetest.Verify(t.Context(), conn, sourcetest.Options{Year: 2026})
	if err != nil {
		t.Fatal(err)
	}

	want := []sourcetest.Violation{
		{Rule: sourcetest.RuleReference, Kind: "unit", Key: "124331004000453123",
			Field: "department_code"},
		{Rule: sourcetest.RuleDuplicate, Kind: "person", Key: "4000920002", Field: "id_number"},
		{Rule: sourcetest.RuleIDNumber, Kind: "person", Key: "4000920003", Field: "id_number"},
		{Rule: sourcetest.RuleRequired, Kind: "person", Key: "4000920004", Field: "name"},
		{Rule: sourcetest.RuleReference, Kind: "person", Key: "4000920005", Field: "unit_code"},
		{Rule: sourcetest.RulePostCount, Kind: "post", Key: sampleUnit + "/2026/2/1", Field: "approved"},
		{Rule: sourcetest.RulePostLevel, Kind: "post", Key: sampleUnit + "/2026/2/14", Field: "level"},
	}
	got := rep.Violations
	for i := range got {
		got[i].Reason = ""
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("violations:\ngot  %v\nwant %v", got, want)
	}
	closeConn(t, conn)
}

// testSecrets checks that a refused password appears neither in the error
// nor in the host's log, at any level.
func testSecrets(t *testing.T, exe string) {
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug - 4}))
	_, err := syncplugin.Start(t.Context(), syncplugin.Config{
		Path: exe,
		Config: map[string]string{
			"driver": "mysql", "dsn": "reader:" + secret + "@tcp(127.0.0.1:1)/hr?timeout=2s",
		},
		CallTimeout: 10 * time.Second,
		Logger:      logger,
	})
	if !errors.Is(err, syncplugin.ErrPlugin) {
		t.Fatalf("got %v, want ErrPlugin", err)
	}
	t.Log(err)
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error quotes the password: %v", err)
	}
	if strings.Contains(log.String(), secret) {
		t.Errorf("log quotes the password:\n%s", log.String())
	}
}

// startPlugin starts the plugin at exe with config; it is closed when the
// test ends.
func startPlugin(t testing.TB, exe string, config map[string]string,
	logger *slog.Logger) *syncplugin.Conn {
	t.Helper()
	conn, err := syncplugin.Start(t.Context(), syncplugin.Config{
		Path: exe, Config: config, CallTimeout: time.Minute, Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// closeConn closes conn and checks that its process is gone.
func closeConn(t *testing.T, conn *syncplugin.Conn) {
	t.Helper()
	conn.Close()
	if runtime.GOOS != "linux" {
		return
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat("/proc/" + strconv.Itoa(conn.PID())); err != nil {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("plugin process %d still in the process table", conn.PID())
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func wantCount(t *testing.T, s contract.Source, want int) {
	t.Helper()
	ds, err := s.Departments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != want {
		t.Errorf("got %d departments, want %d", len(ds), want)
	}
}

func execSQL(t testing.TB, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range stmts {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("edit database: %v", err)
		}
	}
}
