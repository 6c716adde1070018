package sourcetest

import (
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/hashicorp/go-plugin"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/plugins/syncplugin"
)

// Connect serves src in-process over gRPC, as a plugin serves it, and
// returns the host's side of the connection: every record goes through
// the wire form and back. The connection is closed when the test ends.
// Unlike a plugin process, the connection is neither authenticated nor
// bound by timeouts.
func Connect(t testing.TB, src contract.Source) *syncplugin.RemoteSource {
	t.Helper()
	// Closing the client asks the server to stop, as a host does.
	client, _ := plugin.TestPluginGRPCConn(t, false, syncplugin.PluginSet(src))
	t.Cleanup(func() { client.Close() })

	raw, err := client.Dispense(syncplugin.PluginName)
	if err != nil {
		t.Fatalf("dispense source: %v", err)
	}
	remote, ok := raw.(*syncplugin.RemoteSource)
	if !ok {
		t.Fatalf("dispensed %T, want *syncplugin.RemoteSource", raw)
	}
	return remote
}

// Build compiles the main package pkg, an import path or a directory as
// the go command takes them, into a temporary directory removed when the
// test ends, and returns the executable's absolute path. It runs the go
// command found on PATH, where go test puts the one running the test.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	name := path.Base(filepath.ToSlash(pkg))
	if name == "." || name == ".." || name == "/" {
		name = "plugin"
	}
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	exe := filepath.Join(t.TempDir(), name)

	out, err := exec.Command("go", "build", "-o", exe, pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("build %s: %v\n%s", pkg, err, out)
	}
	return exe
}
