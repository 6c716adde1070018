package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/plugins/syncplugin"
)

// syncTenant syncs a tenant, or one of its units, from its institution
// system and prints the run's counts. By default it runs the plugin the
// tenant binds; --plugin runs another executable with the --config given,
// for whoever holds the server's credentials. The plugin gets only its
// configuration, never this process's environment. Progress shows as a
// bar on a terminal.
func syncTenant(ctx context.Context, o options, out io.Writer, log *slog.Logger) error {
	if o.sync.tenant == "" {
		return fmt.Errorf("sync: --tenant is required")
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
	op := engine.OperatorContext(ctx, "cli")
	req := engine.SyncRequest{UnitCode: o.sync.unit, Part: engine.SyncPart(o.sync.part), Year: o.sync.year}
	bar := newSyncBar()
	opts := engine.SyncOptions{Progress: bar.show}
	defer syncplugin.CleanupClients()

	start := time.Now()
	var run engine.SyncRun
	if o.sync.plugin == "" {
		run, err = e.RunSync(op, t.ID, req, opts)
	} else {
		run, err = syncWithPlugin(op, o, e, t, req, opts, log)
	}
	bar.finish()
	if run.ID != 0 {
		printRun(out, run, time.Since(start))
	}
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	return nil
}

// syncWithPlugin runs the executable --plugin names with --config.
func syncWithPlugin(ctx context.Context, o options, e *engine.Engine, t engine.Tenant,
	req engine.SyncRequest, opts engine.SyncOptions, log *slog.Logger) (engine.SyncRun, error) {
	path, err := filepath.Abs(o.sync.plugin)
	if err != nil {
		return engine.SyncRun{}, err
	}
	conn, err := syncplugin.Start(ctx, syncplugin.Config{Path: path, Config: o.sync.config, Logger: log})
	if err != nil {
		return engine.SyncRun{}, err
	}
	defer conn.Close()
	log.Info("sync plugin started", "tenant", t.Key, "pid", conn.PID())
	opts.Plugin = filepath.Base(path)
	return e.SyncFrom(ctx, t.ID, conn, req, opts)
}

// syncBar draws a sync's progress on standard error when it is a
// terminal: a spinner while the plugin reads, a bar while people are
// written.
type syncBar struct {
	visible bool
	phase   string
	bar     *progressbar.ProgressBar
}

func newSyncBar() *syncBar {
	return &syncBar{visible: term.IsTerminal(int(os.Stderr.Fd()))}
}

var phaseText = map[string]string{
	engine.SyncStarting: "starting the plugin",
	engine.SyncReading:  "reading the institution system",
	engine.SyncApplying: "writing",
}

func (b *syncBar) show(p engine.SyncProgress) {
	if !b.visible {
		return
	}
	if p.Phase != b.phase || b.bar == nil {
		b.finish()
		b.phase = p.Phase
		total := int64(p.Total)
		if p.Phase != engine.SyncApplying {
			total = -1
		}
		opts := []progressbar.Option{
			progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionSetDescription(phaseText[p.Phase]),
			progressbar.OptionThrottle(100 * time.Millisecond),
			progressbar.OptionClearOnFinish(),
		}
		// Only writing counts people; the other phases show a spinner.
		if p.Phase == engine.SyncApplying {
			opts = append(opts, progressbar.OptionShowCount(),
				progressbar.OptionSetItsString("people"), progressbar.OptionShowIts())
		}
		b.bar = progressbar.NewOptions64(total, opts...)
	}
	if p.Phase == engine.SyncApplying {
		b.bar.Set(p.Done)
	} else {
		b.bar.Add(1)
	}
}

func (b *syncBar) finish() {
	if b.bar != nil {
		b.bar.Finish()
		b.bar = nil
	}
}

// printRun prints a run's outcome and counts.
func printRun(out io.Writer, run engine.SyncRun, took time.Duration) {
	row := func(name string, c engine.SyncCounts) {
		fmt.Fprintf(out, "  %-12s created %6d  updated %6d  unchanged %6d  refused %6d",
			name, c.Created, c.Updated, c.Unchanged, c.Refused)
		if c.Moved > 0 || c.Left > 0 || c.Removed > 0 {
			fmt.Fprintf(out, "  moved %d  left %d  removed %d", c.Moved, c.Left, c.Removed)
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "sync run %d %s in %s\n", run.ID, run.Status, took.Round(time.Millisecond))
	if run.Failure != nil {
		fmt.Fprintf(out, "  failure: %s %s\n", run.Failure.Code, run.Failure.Detail)
		return
	}
	row("departments", run.Counts.Departments)
	row("units", run.Counts.Units)
	row("people", run.Counts.People)
	row("posts", run.Counts.Posts)
	for _, r := range run.Refusals {
		fmt.Fprintf(out, "  refused %s %s: %s: %s\n", r.Kind, r.Key, r.Field, r.Reason)
	}
}
