package syncplugin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
)

// The defaults of Config's timeouts.
const (
	DefaultCallTimeout  = 5 * time.Minute
	DefaultStartTimeout = 30 * time.Second
)

const (
	// killGrace is how long Close lets go-plugin stop a plugin before it
	// kills the process itself.
	killGrace = 5 * time.Second

	// exitWait is how long a failed call waits to learn whether the plugin
	// process has ended, which the host notices shortly after the
	// connection breaks.
	exitWait = 2 * time.Second

	// maxMessage bounds a message from a plugin, far above a batch of
	// records, so that a broken plugin cannot make the host take a
	// gigabyte in one piece.
	maxMessage = 16 << 20
)

// Config says which plugin Start runs and with what.
type Config struct {
	// Path is the absolute path of the plugin executable.
	Path string

	// Env is the plugin's whole environment, as "KEY=value" entries. The
	// host's environment is never passed on; go-plugin adds only the
	// variables of its handshake.
	Env []string

	// Config is the tenant's configuration of the plugin, given to it by
	// Configure once it has started. Values may be secrets: they travel
	// over the authenticated connection, never through the environment,
	// the command line or the log.
	Config map[string]string

	// CallTimeout bounds each call to the plugin; DefaultCallTimeout when
	// zero.
	CallTimeout time.Duration

	// StartTimeout bounds the start of the process and the handshake;
	// DefaultStartTimeout when zero.
	StartTimeout time.Duration

	// Logger receives the host's records about the plugin and what the
	// plugin logs; nil discards both.
	Logger *slog.Logger
}

// withDefaults returns cfg with its zero fields set to their defaults.
func (cfg Config) withDefaults() Config {
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = DefaultCallTimeout
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = DefaultStartTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

// Conn is a running plugin process. It implements contract.Source: each
// method makes one call, within Config.CallTimeout and the context, and
// returns the whole answer or an error wrapping ErrExited, ErrTimeout,
// ErrPlugin or ErrClosed. It is safe for concurrent use.
type Conn struct {
	client  *plugin.Client
	cmd     *exec.Cmd
	remote  *RemoteSource
	timeout time.Duration
	logger  *slog.Logger

	pid       int
	release   chan struct{} // closed by Close, ends the thread that started the process
	closeOnce sync.Once
	closed    atomic.Bool
}

var _ contract.Source = (*Conn)(nil)

// Start runs the plugin executable cfg.Path in a new process, completes
// the handshake over a mutually authenticated connection, and passes
// cfg.Config to the plugin. Every call runs a fresh process; the caller
// stops it with Close. Errors wrap ErrStart, or, when the plugin refuses
// its configuration, ErrPlugin.
func Start(ctx context.Context, cfg Config) (*Conn, error) {
	cfg = cfg.withDefaults()
	if !filepath.IsAbs(cfg.Path) {
		return nil, fmt.Errorf("start plugin: %w: path %q is not absolute", ErrStart, cfg.Path)
	}

	c := newConn(cfg)
	if err := c.start(ctx, cfg.Config); err != nil {
		return nil, fmt.Errorf("start plugin %s: %w", filepath.Base(cfg.Path), err)
	}
	c.logger.Info("plugin started", "op", "plugin.start", "pid", c.pid)
	return c, nil
}

// newConn prepares the process and go-plugin's client for cfg.
func newConn(cfg Config) *Conn {
	cmd := exec.Command(cfg.Path)
	cmd.Env = append([]string{}, cfg.Env...)
	cmd.SysProcAttr = sysProcAttr()

	logger := cfg.Logger.With("plugin", filepath.Base(cfg.Path))
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  Handshake,
		Plugins:          PluginSet(nil),
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		SkipHostEnv:      true,
		GRPCDialOptions: []grpc.DialOption{
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessage)),
		},
		// TODO(sync-plugins): go-plugin keeps every managed client, a few
		// kilobytes each, until CleanupClients; a host that syncs often
		// for months holds them all.
		Managed:      true,
		StartTimeout: cfg.StartTimeout,
		Logger:       newHCLogger(logger),
		Stderr:       newLogWriter(logger, "stderr"),
		SyncStdout:   newLogWriter(logger, "stdout"),
		SyncStderr:   newLogWriter(logger, "stderr"),
	})
	return &Conn{
		client:  client,
		cmd:     cmd,
		timeout: cfg.CallTimeout,
		logger:  logger,
		release: make(chan struct{}),
	}
}

// start launches the process, connects to it and configures it. On
// failure it stops the process.
func (c *Conn) start(ctx context.Context, config map[string]string) error {
	if err := c.launch(ctx); err != nil {
		return err
	}
	if err := c.dispense(); err != nil {
		c.Close()
		return fmt.Errorf("%w: %w", ErrStart, err)
	}
	if err := c.Configure(ctx, config); err != nil {
		c.Close()
		return err
	}
	return nil
}

// launch starts the process and waits for its handshake, or for ctx.
func (c *Conn) launch(ctx context.Context) error {
	errc := make(chan error, 1)
	go c.startLocked(errc)

	select {
	case err := <-errc:
		if err != nil {
			c.Close()
			return c.handshakeError(err)
		}
		c.pid = c.cmd.Process.Pid
		return nil
	case <-ctx.Done():
		// The handshake ends within StartTimeout; Close waits for it.
		go c.Close()
		return fmt.Errorf("%w: %w", ErrStart, context.Cause(ctx))
	}
}

// startLocked starts the process from a goroutine locked to its OS thread
// and keeps the thread until Close, because the kernel sends the plugin
// its parent-death signal when the starting thread ends, not the host.
func (c *Conn) startLocked(errc chan<- error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	_, err := c.client.Start()
	errc <- err
	if err == nil {
		<-c.release
	}
}

// handshakeError says why go-plugin could not start the plugin, in words
// an administrator can act on. The process has been stopped.
func (c *Conn) handshakeError(err error) error {
	msg := err.Error()
	if line, ok := strings.CutPrefix(msg, "Unrecognized remote plugin message: "); ok {
		line, _, _ = strings.Cut(line, "\n")
		if line == "" {
			return fmt.Errorf("%w: it closed its standard output without a handshake line", ErrStart)
		}
		return fmt.Errorf("%w: it wrote %q to standard output before its handshake line",
			ErrStart, clip(line, 80))
	}
	if msg == "plugin exited before we could connect" && c.cmd.ProcessState != nil {
		return fmt.Errorf("%w: it exited before its handshake (%s)", ErrStart, c.cmd.ProcessState)
	}
	return fmt.Errorf("%w: %w", ErrStart, err)
}

// clip shortens s to at most n bytes, on a character boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// dispense opens the gRPC connection and gets the plugin's source.
func (c *Conn) dispense() error {
	rpc, err := c.client.Client()
	if err != nil {
		return err
	}
	raw, err := rpc.Dispense(PluginName)
	if err != nil {
		return err
	}
	remote, ok := raw.(*RemoteSource)
	if !ok {
		return fmt.Errorf("dispensed %T, want *RemoteSource", raw)
	}
	c.remote = remote
	return nil
}

// PID returns the process ID of the plugin.
func (c *Conn) PID() int { return c.pid }

// Configure passes a new configuration to the plugin.
func (c *Conn) Configure(ctx context.Context, config map[string]string) error {
	_, err := call(ctx, c, "configure", func(ctx context.Context) (struct{}, error) {
		return struct{}{}, c.remote.configure(ctx, config)
	})
	return err
}

// Check asks the plugin to test its connection to the institution system:
// the administrator's "test connection" action.
func (c *Conn) Check(ctx context.Context) error {
	_, err := call(ctx, c, "check", func(ctx context.Context) (struct{}, error) {
		return struct{}{}, c.remote.check(ctx)
	})
	return err
}

// Departments returns every competent department.
func (c *Conn) Departments(ctx context.Context) ([]contract.Department, error) {
	return call(ctx, c, "read departments", c.remote.departments)
}

// Units returns unit unitCode, or every unit when unitCode is empty.
func (c *Conn) Units(ctx context.Context, unitCode string) ([]contract.Unit, error) {
	return call(ctx, c, "read units", func(ctx context.Context) ([]contract.Unit, error) {
		return c.remote.units(ctx, unitCode)
	})
}

// People returns the staff of unit unitCode, or of every unit when
// unitCode is empty.
func (c *Conn) People(ctx context.Context, unitCode string) ([]contract.Person, error) {
	return call(ctx, c, "read people", func(ctx context.Context) ([]contract.Person, error) {
		return c.remote.people(ctx, unitCode)
	})
}

// Posts returns the approved posts of year for unit unitCode, or for every
// unit when unitCode is empty.
func (c *Conn) Posts(ctx context.Context, year int, unitCode string) ([]contract.Post, error) {
	return call(ctx, c, "read posts", func(ctx context.Context) ([]contract.Post, error) {
		return c.remote.posts(ctx, year, unitCode)
	})
}

// call runs f within the call timeout and explains its error, if any.
func call[T any](ctx context.Context, c *Conn, op string,
	f func(context.Context) (T, error)) (T, error) {
	var zero T
	if c.closed.Load() {
		return zero, fmt.Errorf("%s: %w", op, ErrClosed)
	}
	ctx, cancel := context.WithTimeoutCause(ctx, c.timeout, ErrTimeout)
	defer cancel()

	v, err := f(ctx)
	if err != nil {
		return zero, c.explain(ctx, op, err)
	}
	return v, nil
}

// explain says why the call op, made with ctx, failed with err: the Conn
// was closed, the call timed out or was cancelled, the process ended, or
// the plugin answered with an error.
func (c *Conn) explain(ctx context.Context, op string, err error) error {
	if status.Code(err) == codes.DeadlineExceeded {
		// The plugin's side, which got the deadline with the call, may
		// give up a moment before ctx does.
		awaitDeadline(ctx)
	}
	switch {
	case c.closed.Load():
		return fmt.Errorf("%s: %w", op, ErrClosed)
	case errors.Is(context.Cause(ctx), ErrTimeout):
		return fmt.Errorf("%s: %w after %s", op, ErrTimeout, c.timeout)
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", op, context.Cause(ctx))
	}
	if state, ok := c.exitState(brokenConnection(err)); ok {
		return fmt.Errorf("%s: %w (%s): %w", op, ErrExited, state, err)
	}
	st := status.Convert(err)
	return fmt.Errorf("%s: %w: %s (%s)", op, ErrPlugin, st.Message(), st.Code())
}

// awaitDeadline waits until ctx is done, if it has a deadline, or a
// moment past the deadline.
func awaitDeadline(ctx context.Context) {
	d, ok := ctx.Deadline()
	if !ok {
		return
	}
	t := time.NewTimer(time.Until(d) + 100*time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// brokenConnection reports whether err is how gRPC reports a connection
// that broke, as when the plugin process ends.
func brokenConnection(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.Internal, codes.Canceled:
		return true
	}
	return false
}

// exitState returns how the plugin process ended, if it has, waiting up
// to exitWait for it when wait is set.
func (c *Conn) exitState(wait bool) (string, bool) {
	var timeout <-chan time.Time
	if wait {
		t := time.NewTimer(exitWait)
		defer t.Stop()
		timeout = t.C
	} else {
		expired := make(chan time.Time)
		close(expired)
		timeout = expired
	}

	select {
	case <-c.remote.done.Done():
		// go-plugin cancels done after waiting for the process.
		if st := c.cmd.ProcessState; st != nil {
			return st.String(), true
		}
		return "status unknown", true
	case <-timeout:
		return "", false
	}
}

// Close stops the plugin process and waits until it is gone. It returns
// nil, and may be called more than once.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		c.kill()
		close(c.release)
		if c.pid != 0 {
			c.logger.Info("plugin stopped", "op", "plugin.stop", "pid", c.pid)
		}
	})
	return nil
}

// kill stops the process through go-plugin, which first asks the plugin
// to exit, and kills the process itself if that takes longer than
// killGrace, as with a frozen plugin that cannot answer.
func (c *Conn) kill() {
	done := make(chan struct{})
	go func() {
		c.client.Kill()
		close(done)
	}()

	select {
	case <-done:
		return
	case <-time.After(killGrace):
	}
	if c.pid != 0 {
		if err := c.cmd.Process.Kill(); err != nil {
			c.logger.Warn("kill plugin", "op", "plugin.stop", "pid", c.pid, "err", err)
		}
	}
	<-done
}

// CleanupClients kills every plugin process that Start ran and that is
// still alive. A program that starts plugins calls it once, as it exits,
// so that no plugin outlives it; Close stops one plugin.
func CleanupClients() {
	plugin.CleanupClients()
}
