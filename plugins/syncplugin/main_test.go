package syncplugin_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/plugins/syncplugin"
)

// hostEnv names the plugin that the test binary, run as a helper host,
// starts before it waits to be killed.
const hostEnv = "SYNCPLUGIN_TEST_HOST"

// TestMain lets the test binary play two other programs: the example's
// plugin, when a host starts it with the handshake's cookie set, and a
// host that runs a plugin, for the test that kills the host.
func TestMain(m *testing.M) {
	if os.Getenv(syncplugin.Handshake.MagicCookieKey) != "" {
		pluginMain()
		os.Exit(0)
	}
	if path := os.Getenv(hostEnv); path != "" {
		os.Exit(hostMain(path))
	}
	os.Exit(m.Run())
}

// hostMain starts the plugin at path, prints its process ID and waits to
// be killed.
func hostMain(path string) int {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := syncplugin.Start(ctx, syncplugin.Config{Path: path})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(conn.PID())
	<-ctx.Done()
	return 1
}

// TestGuideHandshake checks that the guide gives plugin authors in other
// languages the magic cookie that the host sets.
func TestGuideHandshake(t *testing.T) {
	guide, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	cookie := syncplugin.Handshake.MagicCookieKey + "=" + syncplugin.Handshake.MagicCookieValue
	if !strings.Contains(string(guide), cookie) {
		t.Errorf("plugins/README.md does not give the cookie %s", cookie)
	}
}
