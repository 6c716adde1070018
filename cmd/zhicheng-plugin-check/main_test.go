package main

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/zhicheng-hr/zhicheng/plugins/sourcetest"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource/sqlsourcetest"
)

func TestRun(t *testing.T) {
	exe := sourcetest.Build(t, "github.com/zhicheng-hr/zhicheng/cmd/zhicheng-sync-sql")
	good := sqlsourcetest.SQLitePath(t)
	broken := sqlsourcetest.SQLitePath(t)
	edit(t, broken, `UPDATE ry SET sfzh = '433124197801237521' WHERE rybh = '4000920003'`)
	configFile := filepath.Join(t.TempDir(), "config.json")
	config := []byte(`{"driver": "sqlite", "dsn": "` + good + `"}`)
	if err := os.WriteFile(configFile, config, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		args       []string
		code       int
		out, noted string
	}{
		{"Conforming",
			[]string{"-config", "driver=sqlite", "-config", "dsn=" + good, "-year", "2026", exe},
			0, "read 23 departments, 41 units, 3477 people, 533 posts for 2026\nok: no rule broken\n", ""},
		{"ConfigFile", []string{"-config-file", configFile, "-year", "2026", exe},
			0, "ok: no rule broken", ""},
		{"Broken", []string{"-config", "driver=sqlite", "-config", "dsn=" + broken, "-year", "2026", exe},
			1, "id-number: person 4000920003: id_number: id number: check character does not match\n" +
				"violations: 1 (id-number 1)\n", "violations: 1"},
		{"Unconfigured", []string{exe}, 1, "", `"driver" and "dsn" are required`},
		{"NotAPlugin", []string{"-config", "driver=sqlite", filepath.Join(t.TempDir(), "missing")},
			1, "", "plugin did not start"},
		{"Usage", []string{}, 2, "", "usage: zhicheng-plugin-check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("got exit status %d, want %d\nstderr: %s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.out) {
				t.Errorf("stdout:\n%s\nwant it to contain:\n%s", stdout.String(), tt.out)
			}
			if !strings.Contains(stderr.String(), tt.noted) {
				t.Errorf("stderr:\n%s\nwant it to contain %q", stderr.String(), tt.noted)
			}
		})
	}
}

func edit(t *testing.T, path, stmt string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil {
		t.Fatal(err)
	}
}
