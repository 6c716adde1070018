package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/tenants"
)

func TestMigrateCreatesDatabaseAndKey(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	args := []string{"migrate", "--db", filepath.Join(dir, "sub", "z.db"), "--data-key-file", filepath.Join(dir, "k")}
	if err := run(context.Background(), args, &out, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "schema up to date") {
		t.Errorf("got %q", out.String())
	}
	fi, err := os.Stat(filepath.Join(dir, "k"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != 32 || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: got %d bytes mode %v, want 32 bytes mode 0600", fi.Size(), fi.Mode().Perm())
	}
	if _, err := os.Stat(filepath.Join(dir, "sub", "z.db")); err != nil {
		t.Errorf("database file: %v", err)
	}
}

func TestUnknownCommand(t *testing.T) {
	err := run(context.Background(), []string{"fly"}, io.Discard, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("got %v, want unknown command", err)
	}
}

// TestDemoServes runs `zhicheng demo` as `make run` does, on a fresh
// folder, and logs in as the demo clerk through the API.
func TestDemoServes(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() { done <- run(ctx, []string{"demo", "--addr", addr}, &out, slog.New(slog.DiscardHandler)) }()

	waitHealthy(t, addr, done)
	body := strings.NewReader(`{"username":"124331004000453123","password":"` + tenants.DemoPassword + `"}`)
	res, err := http.Post("http://"+addr+"/t/xiangxi/api/v1/session", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	var who struct {
		Role   string `json:"role"`
		Tenant struct{ Key string }
	}
	json.NewDecoder(res.Body).Decode(&who)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || who.Role != "unit_clerk" || who.Tenant.Key != "xiangxi" {
		t.Errorf("login: got %d %+v, want 200 as unit_clerk of xiangxi", res.StatusCode, who)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "zhicheng.db")); err != nil {
		t.Errorf("demo database: %v", err)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("demo returned %v after shutdown", err)
	}
	if !strings.Contains(out.String(), tenants.DemoPassword) {
		t.Errorf("demo did not print how to log in:\n%s", out.String())
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitHealthy(t *testing.T, addr string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("demo stopped: %v", err)
		default:
		}
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("demo did not become healthy")
}
