package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/plugins/syncplugin"
	"github.com/zhicheng-hr/zhicheng/server"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// openEngine opens the engine, which creates or upgrades the schema.
func openEngine(ctx context.Context, o options, log *slog.Logger) (*engine.Engine, error) {
	cfg, err := o.engineConfig()
	if err != nil {
		return nil, err
	}
	cfg.Logger = log
	if dir, ok := cfg.Plugins.(tenants.PluginDir); ok {
		dir.Logger = log
		cfg.Plugins = dir
	}
	e, err := engine.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	log.Info("database ready", "dialect", cfg.Database.Dialect)
	return e, nil
}

func migrate(ctx context.Context, o options, out io.Writer, log *slog.Logger) error {
	e, err := openEngine(ctx, o, log)
	if err != nil {
		return err
	}
	defer e.Close()
	fmt.Fprintln(out, "schema up to date")
	return nil
}

func serve(ctx context.Context, o options, log *slog.Logger) error {
	e, err := openEngine(ctx, o, log)
	if err != nil {
		return err
	}
	defer e.Close()
	return listen(ctx, o, e, log)
}

// demo loads the demo tenant unless it exists, prints how to log in, and
// serves.
func demo(ctx context.Context, o options, out io.Writer, log *slog.Logger) error {
	e, err := openEngine(ctx, o, log)
	if err != nil {
		return err
	}
	defer e.Close()
	spec := tenants.XiangxiSpec()
	t, err := e.TenantByKey(ctx, spec.Key)
	if engine.ErrorKind(err) == engine.KindNotFound {
		start := time.Now()
		d, err := tenants.LoadDemo(engine.OperatorContext(ctx, "demo"), e, spec)
		if err != nil {
			return err
		}
		t = d.Tenant
		log.Info("demo tenant loaded", "tenant", spec.Key, "people", d.Report.People.Created,
			"accounts", len(d.Accounts), "took", time.Since(start).Round(time.Millisecond))
	} else if err != nil {
		return err
	}
	if err := bindDemo(ctx, o, e, t, log); err != nil {
		return err
	}
	printDemo(out, o.addr, spec)
	return listen(ctx, o, e, log)
}

// bindDemo binds the demo tenant to the reference plugin over the bundled
// export, when the plugin is in the plugin folder (make builds it there)
// and the tenant has no binding yet.
func bindDemo(ctx context.Context, o options, e *engine.Engine, t engine.Tenant, log *slog.Logger) error {
	op := engine.OperatorContext(ctx, "demo")
	if _, err := e.SyncBinding(op, t.ID); err == nil {
		return nil
	}
	plugins, err := e.SyncPlugins(op, t.ID)
	if err != nil {
		return err
	}
	if !slices.Contains(plugins, tenants.DemoPlugin) {
		log.Warn("demo tenant not bound: no sync plugin "+tenants.DemoPlugin+" in the plugin folder (make build)",
			"tenant", t.Key, "dir", o.pluginDir)
		return nil
	}
	if err := tenants.BindDemo(op, e, t, o.syncDataDir); err != nil {
		return err
	}
	log.Info("demo tenant bound", "tenant", t.Key, "plugin", tenants.DemoPlugin)
	return nil
}

func printDemo(out io.Writer, addr string, spec engine.TenantSpec) {
	fmt.Fprintf(out, `
zhicheng demo: %s (%s)
  Console:    http://%s/t/%s/
  API:        http://%s/t/%s/api/v1/   (OpenAPI: /t/%s/api/v1/openapi.json)
  Password of every demo account: %s
  Accounts:
    %-20s  tenant administrator
    %-20s  prefecture bureau reviewer (bureau-<county code> for each county)
    %-20s  department reviewer, 州卫生健康委员会 (one per department, named by its code)
    %-20s  unit clerk, 州人民医院 (one per unit, named by its credit code)

`, spec.Name, spec.Key, addr, spec.Key, addr, spec.Key, spec.Key, tenants.DemoPassword,
		tenants.DemoAdmin, tenants.DemoBureau, "433100-WJW", "124331004000453123")
}

// listen serves HTTP until ctx ends, then shuts down gracefully and stops
// any sync plugin process still running.
func listen(ctx context.Context, o options, e *engine.Engine, log *slog.Logger) error {
	defer syncplugin.CleanupClients()
	if _, err := e.EndInterruptedSyncs(ctx); err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	h, err := server.New(server.Config{
		Engine: e, Tenants: tenants.NewResolver(e), Logger: log, Registry: reg,
		MetricsToken: o.metricsToken,
	})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr:              o.addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", o.addr)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}
