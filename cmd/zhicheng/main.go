// Command zhicheng runs the zhicheng server for prefecture human resources
// bureaus: professional titles, post quotas and their approval.
//
// Usage:
//
//	zhicheng serve   [--addr 127.0.0.1:8080] [--db URL] [--data-key-file FILE]
//	zhicheng demo    [same flags]  load the demo tenant 湘西州 if missing, then serve
//	zhicheng migrate [--db URL]    create or upgrade the database schema, then exit
//	zhicheng sync    --tenant KEY [--unit CODE [--part people|posts|all]] [--year N]
//	                 [--plugin FILE [--config key=value]...]
//	                               sync the tenant, or one unit, from its institution
//	                               system through the plugin it binds, or through FILE
//
// Every command takes --plugin-dir (the sync plugins tenants may bind,
// default ./bin/plugins) and --sync-data-dir (a folder per tenant, the only
// place a plugin configuration may name files in, default ./data/sync).
// Every flag may also be given in the environment: ZHICHENG_ADDR,
// ZHICHENG_DB, ZHICHENG_DATA_KEY_FILE, ZHICHENG_PLUGIN_DIR,
// ZHICHENG_SYNC_DATA_DIR. The database URL is a file path (SQLite, the
// default ./data/zhicheng.db) or mysql://user:pass@tcp(host:3306)/db.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/zhicheng-hr/zhicheng/server"
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, log); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		// A refusal the user can act on is said in their words; anything
		// else goes to the log with its details.
		if msg, ok := server.Explain(err, os.Getenv("LANG")); ok {
			fmt.Fprintln(os.Stderr, "zhicheng:", msg)
		} else {
			log.Error("zhicheng", "err", err)
		}
		os.Exit(1)
	}
}

// run dispatches a command line.
func run(ctx context.Context, args []string, out io.Writer, log *slog.Logger) error {
	if len(args) == 0 {
		args = []string{"serve"}
	}
	cmd, args := args[0], args[1:]
	opts, err := parseOptions(cmd, args)
	if err != nil {
		return err
	}
	switch cmd {
	case "serve":
		return serve(ctx, opts, log)
	case "demo":
		return demo(ctx, opts, out, log)
	case "migrate":
		return migrate(ctx, opts, out, log)
	case "sync":
		return syncTenant(ctx, opts, out, log)
	}
	return fmt.Errorf("unknown command %q: want serve, demo, migrate or sync", cmd)
}
