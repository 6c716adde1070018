package syncplugin_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/plugins/sourcetest"
	"github.com/zhicheng-hr/zhicheng/plugins/syncplugin"
)

// The test plugins: one that misbehaves on demand, and one written
// without go-plugin, as the guide tells authors in other languages.
const (
	faultPlugin = "github.com/zhicheng-hr/zhicheng/plugins/syncplugin/internal/faultplugin"
	barePlugin  = "github.com/zhicheng-hr/zhicheng/plugins/syncplugin/internal/bareplugin"
)

// goneWithin bounds the wait for a stopped process to leave the process
// table.
const goneWithin = 5 * time.Second

// start runs the fault plugin with fault, and fails the test if it does
// not start. The plugin is closed when the test ends.
func start(t *testing.T, exe, fault string, timeout time.Duration) *syncplugin.Conn {
	t.Helper()
	conn, err := syncplugin.Start(t.Context(), syncplugin.Config{
		Path:        exe,
		Env:         []string{"FAULT=" + fault},
		CallTimeout: timeout,
	})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestProcess runs the fault plugin as a real process in each of its
// modes, and checks what the host reports and that no process is left.
func TestProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the process table is read from /proc")
	}
	exe := sourcetest.Build(t, faultPlugin)
	t.Cleanup(func() { noProcessesOf(t, exe) })

	t.Run("OK", func(t *testing.T) { testOK(t, exe) })
	t.Run("Environment", func(t *testing.T) { testEnvironment(t, exe) })
	t.Run("Crash", func(t *testing.T) { testCrash(t, exe) })
	t.Run("Hang", func(t *testing.T) { testHang(t, exe) })
	t.Run("Cancelled", func(t *testing.T) { testCancelled(t, exe) })
	t.Run("KilledMidway", func(t *testing.T) { testKilled(t, exe) })
	t.Run("StreamError", func(t *testing.T) { testStreamError(t, exe) })
	t.Run("Garbage", func(t *testing.T) { testGarbage(t, exe) })
	t.Run("OversizedMessage", func(t *testing.T) { testOversized(t, exe) })
	t.Run("StdoutNoise", func(t *testing.T) {
		testStartFails(t, exe, "noise", "to standard output before")
	})
	t.Run("NoHandshake", func(t *testing.T) { testStartFails(t, exe, "silent", "timeout") })
	t.Run("StderrGarbage", func(t *testing.T) { testStderrGarbage(t, exe) })
	t.Run("Closed", func(t *testing.T) { testClosed(t, exe) })
	t.Run("HostKilled", func(t *testing.T) { testHostKilled(t, exe) })
	t.Run("WithoutGoPlugin", testBarePlugin)
}

// testBarePlugin runs a plugin that speaks the handshake and mutual TLS by
// hand, and checks that it answers and stops when closed.
func testBarePlugin(t *testing.T) {
	exe := sourcetest.Build(t, barePlugin)
	conn := start(t, exe, "", 10*time.Second)
	ds, err := conn.Departments(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Code != "433100-WJW" {
		t.Errorf("got departments %+v, want 433100-WJW", ds)
	}

	began := time.Now()
	closeAndCheck(t, conn)
	if took := time.Since(began); took > time.Second {
		t.Errorf("close took %v: the plugin did not stop when asked", took)
	}
	noProcessesOf(t, exe)

	_, err = syncplugin.Start(t.Context(), syncplugin.Config{Path: exe, Env: []string{"PLAINTEXT=1"}})
	if err == nil || !strings.Contains(err.Error(), "tls") {
		t.Errorf("plugin without TLS: got %v, want a TLS error", err)
	}
	t.Log(err)
	noProcessesOf(t, exe)
}

func testOK(t *testing.T, exe string) {
	conn := start(t, exe, "", 10*time.Second)
	ctx := t.Context()
	if err := conn.Check(ctx); err != nil {
		t.Errorf("check: %v", err)
	}
	ps, err := conn.People(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(ps), 5; got != want {
		t.Errorf("got %d people, want %d", got, want)
	}
	posts, err := conn.Posts(ctx, 2026, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(posts), 3; got != want {
		t.Errorf("got %d posts, want %d", got, want)
	}
	closeAndCheck(t, conn)
}

// testEnvironment checks that the plugin sees only the environment meant
// for it, not the host's, and receives its configuration.
func testEnvironment(t *testing.T, exe string) {
	t.Setenv("ZHICHENG_DATABASE_URL", "mysql://zhicheng:secret@db/zhicheng")
	var log bytes.Buffer
	conn, err := syncplugin.Start(t.Context(), syncplugin.Config{
		Path:   exe,
		Env:    []string{"FAULT=env"},
		Config: map[string]string{"dsn": "reader:secret@tcp(institution:3306)/hr"},
		Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug - 4})),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer closeAndCheck(t, conn)

	ds, err := conn.Departments(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.Code)
	}
	want := []string{
		"FAULT", "PLUGIN_CLIENT_CERT", "PLUGIN_MAX_PORT", "PLUGIN_MIN_PORT",
		"PLUGIN_PROTOCOL_VERSIONS", syncplugin.Handshake.MagicCookieKey, "config:dsn",
	}
	if !slices.Equal(got, want) {
		t.Errorf("plugin environment and configuration:\ngot  %v\nwant %v", got, want)
	}
	if strings.Contains(log.String(), "secret") {
		t.Errorf("the log shows a secret:\n%s", log.String())
	}
}

func TestStartRelativePath(t *testing.T) {
	_, err := syncplugin.Start(t.Context(), syncplugin.Config{Path: "zhicheng-sync-sql"})
	if !errors.Is(err, syncplugin.ErrStart) {
		t.Errorf("got %v, want ErrStart", err)
	}
}

func testCrash(t *testing.T, exe string) {
	conn := start(t, exe, "crash", 10*time.Second)
	ps, err := conn.People(t.Context(), "")
	wantFailure(t, ps, err, syncplugin.ErrExited, "exit status 2")
	noProcess(t, conn.PID())
	startsAgain(t, exe)
}

func testHang(t *testing.T, exe string) {
	conn := start(t, exe, "hang", time.Second)
	began := time.Now()
	ps, err := conn.People(t.Context(), "")
	wantFailure(t, ps, err, syncplugin.ErrTimeout, "after 1s")
	if took := time.Since(began); took > 3*time.Second {
		t.Errorf("the call took %v, want about 1s", took)
	}
	closeAndCheck(t, conn)
	startsAgain(t, exe)
}

func testCancelled(t *testing.T, exe string) {
	conn := start(t, exe, "hang", time.Minute)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	ps, err := conn.People(ctx, "")
	wantFailure(t, ps, err, context.DeadlineExceeded, "read people")
	if errors.Is(err, syncplugin.ErrTimeout) {
		t.Errorf("got %v, want the caller's deadline rather than the call timeout", err)
	}
	closeAndCheck(t, conn)
}

func testKilled(t *testing.T, exe string) {
	conn := start(t, exe, "slow", 10*time.Second)
	go func() {
		time.Sleep(500 * time.Millisecond)
		syscall.Kill(conn.PID(), syscall.SIGKILL)
	}()
	ps, err := conn.People(t.Context(), "")
	wantFailure(t, ps, err, syncplugin.ErrExited, "signal: killed")
	noProcess(t, conn.PID())
	startsAgain(t, exe)
}

func testStreamError(t *testing.T, exe string) {
	conn := start(t, exe, "fail", 10*time.Second)
	ps, err := conn.People(t.Context(), "")
	wantFailure(t, ps, err, syncplugin.ErrPlugin, "institution system went away (Unavailable)")
	closeAndCheck(t, conn)
}

// testGarbage checks that a plugin sending an invalid ID number is
// flagged by the conformance rules, without the number in the report.
func testGarbage(t *testing.T, exe string) {
	conn := start(t, exe, "garbage", 10*time.Second)
	rep, err := sourcetest.Verify(t.Context(), conn, sourcetest.Options{Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	want := []sourcetest.Violation{{
		Rule: sourcetest.RuleIDNumber, Kind: "person", Key: "4000900002", Field: "id_number",
		Reason: "id number: check character does not match",
	}}
	if !slices.Equal(rep.Violations, want) {
		t.Errorf("got violations %v, want %v", rep.Violations, want)
	}
	closeAndCheck(t, conn)
}

// testOversized checks that the host refuses a message far larger than a
// batch of records.
func testOversized(t *testing.T, exe string) {
	conn := start(t, exe, "huge", 10*time.Second)
	ds, err := conn.Departments(t.Context())
	wantFailure(t, ds, err, syncplugin.ErrPlugin, "ResourceExhausted")
	closeAndCheck(t, conn)
}

// testStartFails checks that a plugin that does not complete its
// handshake gives ErrStart with reason, leaves no process, and that the
// next start works.
func testStartFails(t *testing.T, exe, fault, reason string) {
	conn, err := syncplugin.Start(t.Context(), syncplugin.Config{
		Path:         exe,
		Env:          []string{"FAULT=" + fault},
		StartTimeout: time.Second,
	})
	if err == nil {
		conn.Close()
		t.Fatal("got no error, want one")
	}
	if !errors.Is(err, syncplugin.ErrStart) || !strings.Contains(err.Error(), reason) {
		t.Errorf("got %v, want ErrStart saying %q", err, reason)
	}
	t.Log(err)
	noProcessesOf(t, exe)
	startsAgain(t, exe)
}

// testStderrGarbage checks that JSON of the wrong shape on the plugin's
// standard error does not bring the host down.
func testStderrGarbage(t *testing.T, exe string) {
	conn := start(t, exe, "stderr", 10*time.Second)
	if _, err := conn.Departments(t.Context()); err != nil {
		t.Fatal(err)
	}
	closeAndCheck(t, conn)
}

func testClosed(t *testing.T, exe string) {
	conn := start(t, exe, "", 10*time.Second)
	closeAndCheck(t, conn)
	ds, err := conn.Departments(t.Context())
	wantFailure(t, ds, err, syncplugin.ErrClosed, "read departments")
	if err := conn.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
}

// testHostKilled starts a host process, which starts the plugin, kills
// the host with SIGKILL, and checks that the plugin dies with it.
func testHostKilled(t *testing.T, exe string) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	host := exec.Command(self, "-test.run=^$")
	host.Env = append(os.Environ(), hostEnv+"="+exe)
	out, err := host.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := host.Start(); err != nil {
		t.Fatal(err)
	}
	defer host.Wait()

	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		host.Process.Kill()
		t.Fatalf("read plugin PID from host: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || !alive(pid) {
		host.Process.Kill()
		t.Fatalf("host reported plugin PID %q, want a running process", line)
	}

	if err := host.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	noProcess(t, pid)
}

// wantFailure checks that a call returned no records and an error that
// wraps target and says reason.
func wantFailure[T any](t *testing.T, got []T, err, target error, reason string) {
	t.Helper()
	if !errors.Is(err, target) || !strings.Contains(err.Error(), reason) {
		t.Errorf("got error %v, want %v saying %q", err, target, reason)
	}
	if got != nil {
		t.Errorf("got %d records with the error, want none", len(got))
	}
	t.Log(err)
}

// startsAgain checks that a fresh plugin process starts and answers.
func startsAgain(t *testing.T, exe string) {
	t.Helper()
	conn := start(t, exe, "", 10*time.Second)
	if _, err := conn.Departments(t.Context()); err != nil {
		t.Errorf("next start: %v", err)
	}
	closeAndCheck(t, conn)
}

// closeAndCheck closes conn and checks that its process is gone.
func closeAndCheck(t *testing.T, conn *syncplugin.Conn) {
	t.Helper()
	if err := conn.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	noProcess(t, conn.PID())
}

// noProcess fails t unless process pid leaves the process table soon.
func noProcess(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(goneWithin)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Errorf("plugin process %d still in the process table", pid)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// noProcessesOf fails t unless no process runs the executable exe.
func noProcessesOf(t *testing.T, exe string) {
	t.Helper()
	deadline := time.Now().Add(goneWithin)
	for {
		pids := processesOf(exe)
		if len(pids) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("processes %v of %s left running", pids, filepath.Base(exe))
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive reports whether process pid is in the process table, zombies
// included: a zombie is a process nobody waited for.
func alive(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return err == nil
}

// processesOf returns the IDs of the processes that run exe.
func processesOf(exe string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if path, err := os.Readlink("/proc/" + e.Name() + "/exe"); err == nil && path == exe {
			pids = append(pids, pid)
		}
	}
	return pids
}
