// Command zhicheng-sync-sql is the reference sync plugin: it reads an
// institution personnel system's SQL database, SQLite or MySQL/MariaDB,
// through a mapping of tables and columns. zhicheng starts it; run by hand
// it says so and exits. Its configuration keys (driver, dsn, password,
// mapping) and the mapping format are described in plugins/README.md.
package main

import (
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource"
	"github.com/zhicheng-hr/zhicheng/plugins/syncplugin"
)

func main() {
	syncplugin.Serve(&sqlsource.Plugin{})
}
