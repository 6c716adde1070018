package syncplugin

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// records returns a logger that writes text records into a buffer.
func records() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	h := slog.NewTextHandler(&buf, &slog.HandlerOptions{
		Level: slog.LevelDebug - 4,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	return slog.New(h), &buf
}

func TestLogWriter(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"HCLogJSON",
			[]string{`{"@level":"warn","@message":"slow query","@timestamp":"2026-01-02T03:04:05.000000Z","table":"ry"}`, "\n"},
			`level=WARN msg="slow query" table=ry` + "\n"},
		{"SlogJSONFromLogger",
			[]string{`{"@timestamp":"2026-01-02T03:04:05Z","@level":"debug","@message":"read","rows":3}` + "\n"},
			`level=DEBUG msg=read rows=3` + "\n"},
		{"WrongTypes",
			[]string{`{"@message": 1, "@level": ["error"]}` + "\n"},
			`level=INFO msg="plugin log"` + "\n"},
		{"PlainLineInPieces",
			[]string{"connecting", " to db", "\n"},
			`level=DEBUG msg="plugin output" stream=stderr line="connecting to db"` + "\n"},
		{"Panic",
			[]string{"panic: boom\n\ngoroutine 1 [running]:\n"},
			`level=ERROR msg="plugin output" stream=stderr line="panic: boom"` + "\n" +
				`level=DEBUG msg="plugin output" stream=stderr line="goroutine 1 [running]:"` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, buf := records()
			w := newLogWriter(l, "stderr")
			for _, s := range tt.writes {
				if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
					t.Fatalf("write: got %d, %v; want %d, nil", n, err, len(s))
				}
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestLoggerFormat checks that what Logger writes is read back by the
// host with its level, message and attributes.
func TestLoggerFormat(t *testing.T) {
	var out bytes.Buffer
	plugin := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{ReplaceAttr: hclogKeys}))
	plugin.Warn("table missing", "table", "ry")

	host, buf := records()
	newLogWriter(host, "stderr").Write(out.Bytes())
	if got, want := buf.String(), "level=WARN msg=\"table missing\" table=ry\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestHCLogger(t *testing.T) {
	l, buf := records()
	h := newHCLogger(l).Named("plugin").Named("stdio").With("id", 7)
	h.Error("plugin process exited", "error", "exit status 2")
	want := "level=ERROR msg=\"plugin process exited\" id=7 err=\"exit status 2\" logger=plugin.stdio\n"
	if got := buf.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if h.Name() != "plugin.stdio" {
		t.Errorf("name: got %q, want plugin.stdio", h.Name())
	}
}

func TestToStatus(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want codes.Code
	}{
		{"Plain", errors.New("no such table"), codes.Unknown},
		{"Cancelled", context.Canceled, codes.Canceled},
		{"Deadline", context.DeadlineExceeded, codes.DeadlineExceeded},
		{"Status", status.Error(codes.Unavailable, "down"), codes.Unavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := status.Code(toStatus(codes.Unknown, tt.err)); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestClip(t *testing.T) {
	if got, want := clip("正在连接事业系统", 7), "正在…"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := clip("short", 80); got != "short" {
		t.Errorf("got %q, want it unchanged", got)
	}
	if strings.Contains(clip(strings.Repeat("x", 100), 80), strings.Repeat("x", 81)) {
		t.Error("not clipped")
	}
}
