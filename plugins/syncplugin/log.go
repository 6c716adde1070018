package syncplugin

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"maps"
	"slices"
	"sync"

	"github.com/hashicorp/go-hclog"
)

// hclogger adapts a *slog.Logger to the hclog.Logger that go-plugin logs
// to.
type hclogger struct {
	l    *slog.Logger
	name string
	args []any
}

var _ hclog.Logger = (*hclogger)(nil)

func newHCLogger(l *slog.Logger) *hclogger { return &hclogger{l: l} }

// Log writes a record at the slog level matching level. go-plugin's
// "error" key becomes the project's "err".
func (h *hclogger) Log(level hclog.Level, msg string, args ...any) {
	args = slices.Clone(args)
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] == "error" {
			args[i] = "err"
		}
	}
	if h.name != "" {
		args = append(args, "logger", h.name)
	}
	h.l.Log(context.Background(), slogLevel(level), msg, args...)
}

func (h *hclogger) Trace(msg string, args ...any) { h.Log(hclog.Trace, msg, args...) }
func (h *hclogger) Debug(msg string, args ...any) { h.Log(hclog.Debug, msg, args...) }
func (h *hclogger) Info(msg string, args ...any)  { h.Log(hclog.Info, msg, args...) }
func (h *hclogger) Warn(msg string, args ...any)  { h.Log(hclog.Warn, msg, args...) }
func (h *hclogger) Error(msg string, args ...any) { h.Log(hclog.Error, msg, args...) }

func (h *hclogger) IsTrace() bool { return h.enabled(hclog.Trace) }
func (h *hclogger) IsDebug() bool { return h.enabled(hclog.Debug) }
func (h *hclogger) IsInfo() bool  { return h.enabled(hclog.Info) }
func (h *hclogger) IsWarn() bool  { return h.enabled(hclog.Warn) }
func (h *hclogger) IsError() bool { return h.enabled(hclog.Error) }

func (h *hclogger) enabled(level hclog.Level) bool {
	return h.l.Enabled(context.Background(), slogLevel(level))
}

// ImpliedArgs returns the arguments given to With.
func (h *hclogger) ImpliedArgs() []any { return h.args }

// With returns a logger that adds args to every record.
func (h *hclogger) With(args ...any) hclog.Logger {
	return &hclogger{l: h.l.With(args...), name: h.name, args: append(slices.Clone(h.args), args...)}
}

// Name returns the logger's name.
func (h *hclogger) Name() string { return h.name }

// Named returns a logger whose name is h's followed by name.
func (h *hclogger) Named(name string) hclog.Logger {
	if h.name != "" {
		name = h.name + "." + name
	}
	return h.ResetNamed(name)
}

// ResetNamed returns a logger named name.
func (h *hclogger) ResetNamed(name string) hclog.Logger {
	return &hclogger{l: h.l, name: name, args: h.args}
}

// SetLevel does nothing: the slog handler decides what is written.
func (h *hclogger) SetLevel(hclog.Level) {}

// GetLevel returns hclog.Off, which makes go-plugin hand the plugin's
// standard error to Config's writers rather than parse it itself: its
// parser panics, bringing the host down, on a JSON line whose "@message"
// or "@level" is not a string.
func (h *hclogger) GetLevel() hclog.Level { return hclog.Off }

// StandardLogger returns a standard logger writing to h at level Info.
func (h *hclogger) StandardLogger(*hclog.StandardLoggerOptions) *log.Logger {
	return slog.NewLogLogger(h.l.Handler(), slog.LevelInfo)
}

// StandardWriter returns a writer whose lines h logs at level Info.
func (h *hclogger) StandardWriter(opts *hclog.StandardLoggerOptions) io.Writer {
	return h.StandardLogger(opts).Writer()
}

// slogLevel returns the slog level for an hclog level.
func slogLevel(level hclog.Level) slog.Level {
	switch level {
	case hclog.Trace:
		return slog.LevelDebug - 4
	case hclog.Debug:
		return slog.LevelDebug
	case hclog.Warn:
		return slog.LevelWarn
	case hclog.Error:
		return slog.LevelError
	}
	return slog.LevelInfo
}

// maxLogLine bounds a line of the plugin's output kept for the log.
const maxLogLine = 64 << 10

// logWriter logs each line that a plugin writes to one of its outputs:
// JSON lines in hclog's form (see Logger) at their level with their
// attributes, other lines at level Debug, or Error for the start of a
// panic.
type logWriter struct {
	l      *slog.Logger
	stream string

	mu  sync.Mutex
	buf []byte
}

func newLogWriter(l *slog.Logger, stream string) *logWriter {
	return &logWriter{l: l, stream: stream}
}

// Write logs the complete lines of p and keeps the rest for later.
func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()

	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.logLine(w.buf[:i])
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) > maxLogLine {
		w.logLine(w.buf)
		w.buf = nil
	}
	return len(p), nil
}

// logLine logs one line of output.
func (w *logWriter) logLine(line []byte) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return
	}
	ctx := context.Background()
	if msg, level, args, ok := parseLogLine(line); ok {
		w.l.Log(ctx, level, msg, args...)
		return
	}
	level := slog.LevelDebug
	if bytes.HasPrefix(line, []byte("panic: ")) || bytes.HasPrefix(line, []byte("fatal error: ")) {
		level = slog.LevelError
	}
	w.l.Log(ctx, level, "plugin output", "stream", w.stream, "line", string(line))
}

// parseLogLine reads a JSON log record in hclog's form: "@message",
// "@level", and attributes. It accepts any JSON object, of whatever types.
func parseLogLine(line []byte) (string, slog.Level, []any, bool) {
	var rec map[string]any
	if line[0] != '{' || json.Unmarshal(line, &rec) != nil {
		return "", 0, nil, false
	}
	msg, _ := rec["@message"].(string)
	if msg == "" {
		msg = "plugin log"
	}
	lvl, _ := rec["@level"].(string)
	for _, k := range []string{"@message", "@level", "@timestamp"} {
		delete(rec, k)
	}

	var args []any
	for _, k := range slices.Sorted(maps.Keys(rec)) {
		args = append(args, k, rec[k])
	}
	return msg, slogLevel(hclog.LevelFromString(lvl)), args, true
}
