package tenants

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/plugins/syncplugin"
)

// PluginDir runs the sync plugins of one folder, by the names of their
// executables; it is the engine's PluginHost. Only the folder's operator
// puts executables there: a tenant picks one by name and can name no other
// file.
type PluginDir struct {
	// Path is the folder, an absolute path.
	Path string
	// CallTimeout bounds each call to a plugin; syncplugin's default when 0.
	CallTimeout time.Duration
	// Logger receives the plugins' records; nil discards them.
	Logger *slog.Logger
}

var _ engine.PluginHost = PluginDir{}

// pluginName is the form of a plugin's file name.
var pluginName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Plugins lists the executable regular files of the folder, by name. A
// missing folder has none.
func (d PluginDir) Plugins() ([]string, error) {
	entries, err := os.ReadDir(d.Path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list plugins: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !pluginName.MatchString(e.Name()) {
			continue
		}
		info, err := os.Stat(filepath.Join(d.Path, e.Name()))
		if err != nil || !info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0 {
			continue
		}
		names = append(names, e.Name())
	}
	return names, nil
}

// Start starts the plugin name of the folder with config.
func (d PluginDir) Start(ctx context.Context, name string, config map[string]string) (engine.PluginConn, error) {
	names, err := d.Plugins()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", engine.ErrPluginStart, err)
	}
	if !slices.Contains(names, name) {
		return nil, fmt.Errorf("%w: no plugin %q in the plugin folder", engine.ErrPluginStart, name)
	}
	conn, err := syncplugin.Start(ctx, syncplugin.Config{
		Path: filepath.Join(d.Path, name), Config: config,
		CallTimeout: d.CallTimeout, Logger: d.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", engine.ErrPluginStart, err)
	}
	return pluginConn{conn}, nil
}

// pluginConn is a running plugin whose errors the engine classifies.
type pluginConn struct{ c *syncplugin.Conn }

func (p pluginConn) Check(ctx context.Context) error { return explain(p.c.Check(ctx)) }

func (p pluginConn) Close() error { return p.c.Close() }

func (p pluginConn) Departments(ctx context.Context) ([]contract.Department, error) {
	v, err := p.c.Departments(ctx)
	return v, explain(err)
}

func (p pluginConn) Units(ctx context.Context, code string) ([]contract.Unit, error) {
	v, err := p.c.Units(ctx, code)
	return v, explain(err)
}

func (p pluginConn) People(ctx context.Context, code string) ([]contract.Person, error) {
	v, err := p.c.People(ctx, code)
	return v, explain(err)
}

func (p pluginConn) Posts(ctx context.Context, year int, code string) ([]contract.Post, error) {
	v, err := p.c.Posts(ctx, year, code)
	return v, explain(err)
}

// explain wraps a plugin call's error with the engine's word for it.
func explain(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syncplugin.ErrExited), errors.Is(err, syncplugin.ErrClosed):
		return fmt.Errorf("%w: %w", engine.ErrPluginExited, err)
	case errors.Is(err, syncplugin.ErrTimeout):
		return fmt.Errorf("%w: %w", engine.ErrPluginTimeout, err)
	case errors.Is(err, syncplugin.ErrPlugin):
		return fmt.Errorf("%w: %w", engine.ErrPluginFailed, err)
	}
	return err
}
