package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// options are the settings every command reads from flags or environment.
type options struct {
	addr        string
	db          string
	keyFile     string
	pluginDir   string
	syncDataDir string
	// metricsToken is the bearer token /metrics asks for; without one it
	// answers this machine only.
	metricsToken string
	sync         syncOptions
}

// syncOptions are the flags of `zhicheng sync`.
type syncOptions struct {
	tenant string
	unit   string
	part   string
	plugin string
	year   int
	config configFlag
}

// configFlag collects repeated --config key=value flags.
type configFlag map[string]string

func (c configFlag) String() string { return fmt.Sprint(len(c), " entries") }

// Set adds one key=value entry.
func (c configFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want key=value, got %q", s)
	}
	c[k] = v
	return nil
}

// parseOptions reads the flags of a command; each flag's default comes
// from its environment variable, then from the built-in default.
func parseOptions(cmd string, args []string) (options, error) {
	var o options
	fset := flag.NewFlagSet("zhicheng "+cmd, flag.ContinueOnError)
	o.addr = env("ZHICHENG_ADDR", "127.0.0.1:8080")
	if cmd == "serve" || cmd == "demo" {
		fset.StringVar(&o.addr, "addr", o.addr, "address to listen on")
	}
	fset.StringVar(&o.db, "db", env("ZHICHENG_DB", "data/zhicheng.db"),
		"database: an SQLite file path, or mysql://user:pass@tcp(host:3306)/db")
	fset.StringVar(&o.keyFile, "data-key-file", env("ZHICHENG_DATA_KEY_FILE", "data/zhicheng.key"),
		"file with the key that encrypts ID and phone numbers; created if missing")
	fset.StringVar(&o.pluginDir, "plugin-dir", env("ZHICHENG_PLUGIN_DIR", "bin/plugins"),
		"folder of the sync plugins that tenants may bind, by name")
	fset.StringVar(&o.syncDataDir, "sync-data-dir", env("ZHICHENG_SYNC_DATA_DIR", "data/sync"),
		"folder with a folder per tenant key, the only place a plugin configuration may name files in")
	o.metricsToken = os.Getenv("ZHICHENG_METRICS_TOKEN")
	if cmd == "sync" {
		o.sync.config = configFlag{}
		fset.StringVar(&o.sync.tenant, "tenant", "", "key of the tenant to sync, e.g. xiangxi")
		fset.StringVar(&o.sync.unit, "unit", "", "credit code of one unit to sync instead of the whole tenant")
		fset.StringVar(&o.sync.part, "part", "all", "what to sync of the unit: people, posts or all")
		fset.StringVar(&o.sync.plugin, "plugin", "",
			"a sync plugin executable to run with --config, instead of the tenant's binding")
		fset.IntVar(&o.sync.year, "year", time.Now().Year(), "year of the approved posts to read")
		fset.Var(o.sync.config, "config", "plugin configuration as key=value; repeatable")
	}
	if err := fset.Parse(args); err != nil {
		return o, err
	}
	return o, nil
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// engineConfig builds the engine configuration: the database and the data
// key, which is created on first use.
func (o options) engineConfig() (engine.Config, error) {
	db, err := engine.ParseDatabase(o.db)
	if err != nil {
		return engine.Config{}, err
	}
	key, err := loadKey(o.keyFile)
	if err != nil {
		return engine.Config{}, err
	}
	plugins, err := filepath.Abs(o.pluginDir)
	if err != nil {
		return engine.Config{}, fmt.Errorf("plugin folder: %w", err)
	}
	data, err := filepath.Abs(o.syncDataDir)
	if err != nil {
		return engine.Config{}, fmt.Errorf("sync data folder: %w", err)
	}
	return engine.Config{
		Database: db, DataKey: key,
		Plugins: tenants.PluginDir{Path: plugins}, SyncDataDir: data,
	}, nil
}

// loadKey reads the data key, creating a random one if the file does not
// exist yet.
func loadKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil {
		if len(key) < 32 {
			return nil, fmt.Errorf("data key file %s: want at least 32 bytes", path)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read data key: %w", err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("make data key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("make data key folder: %w", err)
	}
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("write data key: %w", err)
	}
	return key, nil
}
