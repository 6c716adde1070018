package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/plugins/sourcetest"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource/sample"
	"github.com/zhicheng-hr/zhicheng/server"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// TestSyncThroughPlugin loads the demo, then syncs the same export again
// through the reference plugin running as its own process: every record
// of the export comes back unchanged.
func TestSyncThroughPlugin(t *testing.T) {
	dir := t.TempDir()
	dbPath, keyPath := filepath.Join(dir, "z.db"), filepath.Join(dir, "k")
	o := options{db: dbPath, keyFile: keyPath}
	log := slog.New(slog.DiscardHandler)
	e, err := openEngine(context.Background(), o, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tenants.LoadDemo(engine.OperatorContext(context.Background(), "test"), e, tenants.XiangxiSpec()); err != nil {
		t.Fatal(err)
	}
	e.Close()

	plugin := sourcetest.Build(t, "github.com/zhicheng-hr/zhicheng/cmd/zhicheng-sync-sql")
	export, err := sample.WriteSQLite(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	args := []string{"sync", "--db", dbPath, "--data-key-file", keyPath, "--tenant", "xiangxi",
		"--plugin", plugin, "--year", "2026", "--config", "driver=sqlite", "--config", "dsn=" + export}
	if err := run(context.Background(), args, &out, log); err != nil {
		t.Fatalf("sync: %v\n%s", err, out.String())
	}
	// The export: 23 departments, 41 units, 3,477 people, 533 posts.
	for _, want := range []string{
		"departments  created      0  updated      0  unchanged     23",
		"units        created      0  updated      0  unchanged     41",
		"people       created      0  updated      0  unchanged   3477",
		"posts        created      0  updated      0  unchanged    533",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestSyncUnitThroughBinding binds the demo tenant as `zhicheng demo`
// does, with the plugin in the plugin folder, and syncs the state
// hospital's people through the binding: its 328 people of the export
// come back unchanged, and the run is recorded.
func TestSyncUnitThroughBinding(t *testing.T) {
	dir := t.TempDir()
	plugin := sourcetest.Build(t, "github.com/zhicheng-hr/zhicheng/cmd/zhicheng-sync-sql")
	o := options{db: filepath.Join(dir, "z.db"), keyFile: filepath.Join(dir, "k"),
		pluginDir: filepath.Dir(plugin), syncDataDir: filepath.Join(dir, "sync")}
	log := slog.New(slog.DiscardHandler)
	e, err := openEngine(context.Background(), o, log)
	if err != nil {
		t.Fatal(err)
	}
	op := engine.OperatorContext(context.Background(), "test")
	d, err := tenants.LoadDemo(op, e, tenants.XiangxiSpec())
	if err != nil {
		t.Fatal(err)
	}
	if err := bindDemo(context.Background(), o, e, d.Tenant, log); err != nil {
		t.Fatal(err)
	}
	e.Close()

	var out bytes.Buffer
	args := []string{"sync", "--db", o.db, "--data-key-file", o.keyFile, "--plugin-dir", o.pluginDir,
		"--sync-data-dir", o.syncDataDir, "--tenant", "xiangxi", "--unit", "124331004000453123",
		"--part", "people", "--year", "2026"}
	if err := run(context.Background(), args, &out, log); err != nil {
		t.Fatalf("sync: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"succeeded",
		"people       created      0  updated      0  unchanged    328",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestSyncRefusalsInWords: the command line says a refusal the way the
// console does, in the user's language.
func TestSyncRefusalsInWords(t *testing.T) {
	dir := t.TempDir()
	base := []string{"sync", "--db", filepath.Join(dir, "z.db"), "--data-key-file", filepath.Join(dir, "k"),
		"--plugin-dir", dir, "--sync-data-dir", dir}
	for _, c := range []struct {
		args     []string
		lang     string
		want     string
		explains bool
	}{
		{[]string{"--tenant", "nosuch"}, "zh_CN.UTF-8", "租户不存在", true},
		{[]string{"--tenant", "nosuch"}, "en_US.UTF-8", "tenant", true},
		{[]string{"--addr", "x"}, "", "", false}, // sync takes no --addr
	} {
		err := run(context.Background(), append(append([]string{}, base...), c.args...), io.Discard,
			slog.New(slog.DiscardHandler))
		if err == nil {
			t.Fatalf("%v: no error", c.args)
		}
		msg, ok := server.Explain(err, c.lang)
		if ok != c.explains || !strings.Contains(msg, c.want) {
			t.Errorf("%v in %s: got %q (%v), want %q", c.args, c.lang, msg, ok, c.want)
		}
	}
}
