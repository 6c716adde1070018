// Command zhicheng-plugin-check runs a sync plugin and checks what it
// gives against the rules of the sync contract: required fields present,
// ID numbers and credit codes valid, keys unique, posts at levels 1–13,
// references to known units and departments, one-unit answers consistent
// with the whole. It prints each broken rule and exits with status 1 if
// there is any, or if the plugin cannot be started or read.
//
// Usage:
//
//	zhicheng-plugin-check [flags] PLUGIN
//
// For example, the reference plugin over a SQLite export:
//
//	zhicheng-plugin-check -config driver=sqlite -config dsn=institution.db \
//		-year 2026 ./zhicheng-sync-sql
//
// Secrets are better given in a file (-config-file, a JSON object of
// strings) than on the command line, which other users may see.
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/zhicheng-hr/zhicheng/plugins/sourcetest"
	"github.com/zhicheng-hr/zhicheng/plugins/syncplugin"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	syncplugin.CleanupClients()
	os.Exit(code)
}

// options are the command's flags and argument.
type options struct {
	plugin     string
	config     pairs
	configFile string
	env        pairs
	year       int
	unit       string
	timeout    time.Duration
	verbose    bool
}

// run runs the command with args and returns its exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stderr)
	if err != nil {
		return 2
	}
	if err := check(ctx, opts, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "zhicheng-plugin-check:", err)
		return 1
	}
	return 0
}

// parseFlags reads the flags and the plugin's path from args.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("zhicheng-plugin-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: zhicheng-plugin-check [flags] PLUGIN")
		fs.PrintDefaults()
	}
	fs.Var(&o.config, "config", "a configuration `key=value` for the plugin; repeat for more")
	fs.StringVar(&o.configFile, "config-file", "", "a JSON `file` of configuration keys and values")
	fs.Var(&o.env, "env", "an environment variable `NAME=value` for the plugin; repeat for more")
	fs.IntVar(&o.year, "year", time.Now().Year(), "the `year` of the approved posts")
	fs.StringVar(&o.unit, "unit", "",
		"the credit `code` of the unit for the one-unit checks (default: the first)")
	fs.DurationVar(&o.timeout, "timeout", syncplugin.DefaultCallTimeout, "the timeout of each call")
	fs.BoolVar(&o.verbose, "v", false, "show the plugin's debug log")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return o, errors.New("want one plugin")
	}
	o.plugin = fs.Arg(0)
	return o, nil
}

// check starts the plugin, tests its connection, verifies what it gives
// and prints the report. It returns an error if the plugin fails or breaks
// a rule.
func check(ctx context.Context, o options, stdout, stderr io.Writer) error {
	config, err := o.configuration()
	if err != nil {
		return err
	}
	path, err := filepath.Abs(o.plugin)
	if err != nil {
		return fmt.Errorf("plugin path: %w", err)
	}
	conn, err := syncplugin.Start(ctx, syncplugin.Config{
		Path:        path,
		Env:         o.env,
		Config:      config,
		CallTimeout: o.timeout,
		Logger:      logger(stderr, o.verbose),
	})
	if err != nil {
		return err
	}
	defer conn.Close()

	if err := conn.Check(ctx); err != nil {
		return err
	}
	rep, err := sourcetest.Verify(ctx, conn, sourcetest.Options{Year: o.year, Unit: o.unit})
	if err != nil {
		return err
	}
	printReport(stdout, rep, o.year)
	if !rep.OK() {
		return fmt.Errorf("violations: %d", len(rep.Violations))
	}
	return nil
}

// configuration merges the configuration file and the -config flags, the
// flags winning.
func (o options) configuration() (map[string]string, error) {
	config := map[string]string{}
	if o.configFile != "" {
		data, err := os.ReadFile(o.configFile)
		if err != nil {
			return nil, fmt.Errorf("read configuration: %w", err)
		}
		if err := json.Unmarshal(data, &config); err != nil {
			return nil, fmt.Errorf("read configuration %s: %w", o.configFile, err)
		}
	}
	for _, kv := range o.config {
		k, v, _ := strings.Cut(kv, "=")
		config[k] = v
	}
	return config, nil
}

// logger returns the logger for the plugin's records: warnings and
// errors, or everything when verbose.
func logger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// printReport prints what the plugin gave and the rules it broke, with a
// count per rule.
func printReport(w io.Writer, rep sourcetest.Report, year int) {
	fmt.Fprintf(w, "read %d departments, %d units, %d people, %d posts for %d\n",
		rep.Departments, rep.Units, rep.People, rep.Posts, year)
	if rep.OK() {
		fmt.Fprintln(w, "ok: no rule broken")
		return
	}
	counts := map[sourcetest.Rule]int{}
	for _, v := range rep.Violations {
		fmt.Fprintln(w, v)
		counts[v.Rule]++
	}
	rules := slices.SortedFunc(maps.Keys(counts), func(a, b sourcetest.Rule) int {
		return cmp.Compare(a, b)
	})
	per := make([]string, len(rules))
	for i, r := range rules {
		per[i] = fmt.Sprintf("%s %d", r, counts[r])
	}
	fmt.Fprintf(w, "violations: %d (%s)\n", len(rep.Violations), strings.Join(per, ", "))
}

// pairs is a repeatable flag of "key=value" entries.
type pairs []string

func (p *pairs) String() string { return strings.Join(*p, ",") }

// Set adds one entry, which must contain "=".
func (p *pairs) Set(s string) error {
	if !strings.Contains(s, "=") {
		return errors.New("want key=value")
	}
	*p = append(*p, s)
	return nil
}
