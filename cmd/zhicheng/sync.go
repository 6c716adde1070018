package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/plugins/syncplugin"
)

// syncTenant runs a sync plugin as a separate process and applies what it
// reads to the tenant. The plugin gets only its configuration, never this
// process's environment.
func syncTenant(ctx context.Context, o options, out io.Writer, log *slog.Logger) error {
	if o.sync.tenant == "" {
		return fmt.Errorf("sync: --tenant is required")
	}
	path, err := filepath.Abs(o.sync.plugin)
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	e, err := openEngine(ctx, o, log)
	if err != nil {
		return err
	}
	defer e.Close()
	t, err := e.TenantByKey(ctx, o.sync.tenant)
	if err != nil {
		return fmt.Errorf("sync: tenant %q: %w", o.sync.tenant, err)
	}

	defer syncplugin.CleanupClients()
	conn, err := syncplugin.Start(ctx, syncplugin.Config{Path: path, Config: o.sync.config, Logger: log})
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	defer conn.Close()
	log.Info("sync plugin started", "tenant", t.Key, "pid", conn.PID())

	start := time.Now()
	rep, err := e.Sync(engine.OperatorContext(ctx, "cli"), t.ID, conn, o.sync.year)
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	printReport(out, rep, time.Since(start))
	return nil
}

func printReport(out io.Writer, rep engine.SyncReport, took time.Duration) {
	row := func(name string, c engine.SyncCounts) {
		fmt.Fprintf(out, "  %-12s created %6d  updated %6d  unchanged %6d  refused %6d\n",
			name, c.Created, c.Updated, c.Unchanged, c.Refused)
	}
	fmt.Fprintf(out, "sync finished in %s\n", took.Round(time.Millisecond))
	row("departments", rep.Departments)
	row("units", rep.Units)
	row("people", rep.People)
	row("posts", rep.Posts)
	for _, r := range rep.Refusals {
		fmt.Fprintf(out, "  refused %s %s: %s: %s\n", r.Kind, r.Key, r.Field, r.Reason)
	}
}
