package syncplugin_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/plugins/syncplugin"
)

// registry is the whole of a minimal sync plugin's source: it implements
// contract.Source, here over a fixed list, where a real plugin would read
// the institution system. It may also implement syncplugin.Configurable,
// to receive the tenant's configuration, and syncplugin.Checker.
type registry struct{}

func (registry) Departments(context.Context) ([]contract.Department, error) {
	return []contract.Department{
		{Code: "433100-WJW", Name: "湘西土家族苗族自治州卫生健康委员会", Region: "433100"},
	}, nil
}

func (registry) Units(context.Context, string) ([]contract.Unit, error) { return nil, nil }

func (registry) People(context.Context, string) ([]contract.Person, error) { return nil, nil }

func (registry) Posts(context.Context, int, string) ([]contract.Post, error) { return nil, nil }

// pluginMain is the plugin's main function. Here the test binary plays the
// plugin: TestMain calls pluginMain when a host starts it.
func pluginMain() {
	syncplugin.Serve(registry{})
}

// Example starts a plugin process, reads from it and stops it, as the
// engine does for a sync.
func Example() {
	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	conn, err := syncplugin.Start(ctx, syncplugin.Config{Path: exe})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	ds, err := conn.Departments(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range ds {
		fmt.Println(d.Code, d.Name)
	}
	// Output:
	// 433100-WJW 湘西土家族苗族自治州卫生健康委员会
}
