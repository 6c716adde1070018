// Package sqlsourcetest gives tests the Xiangxi sample export of an
// institution personnel system: as a SQLite file, and loaded into a
// throwaway MySQL or MariaDB database. Tests of sync adapters and of the
// engine use it to read the same data from both engines.
//
// The export is fictitious: 23 competent departments, 41 units and 3,477
// people of 湘西土家族苗族自治州 for the year 2026.
package sqlsourcetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource/sample"
)

// MySQLEnv is the environment variable that overrides DefaultMySQL.
const MySQLEnv = "ZHICHENG_TEST_MYSQL"

// DefaultMySQL is the base DSN of the MySQL or MariaDB server that tests
// use when MySQLEnv is not set: root without a password on the local host.
const DefaultMySQL = "root@tcp(127.0.0.1:3306)/"

// chunkSize bounds the bytes sent to the server in one statement batch,
// well below the default max_allowed_packet of MySQL and MariaDB.
const chunkSize = 512 << 10

// SQLitePath writes the export as a SQLite file into a temporary directory
// that is removed when the test ends, and returns the file's path.
func SQLitePath(t testing.TB) string {
	t.Helper()
	path, err := sample.WriteSQLite(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// MySQLBaseDSN returns the base DSN of the test server: the value of
// MySQLEnv when set, DefaultMySQL otherwise.
func MySQLBaseDSN() string {
	if dsn := os.Getenv(MySQLEnv); dsn != "" {
		return dsn
	}
	return DefaultMySQL
}

// LoadMySQL creates a database with a random name on the server that
// baseDSN names, loads the export into it, and returns a DSN for that
// database. The database is dropped when the test ends.
//
// baseDSN is a go-sql-driver/mysql DSN whose database part is ignored, such
// as DefaultMySQL. When the server cannot be reached, LoadMySQL skips the
// test; any other failure fails it.
func LoadMySQL(t testing.TB, baseDSN string) string {
	t.Helper()
	cfg, err := mysql.ParseDSN(baseDSN)
	if err != nil {
		t.Fatalf("parse MySQL base DSN: %v", err)
	}
	if err := cfg.Apply(mysql.Charset("utf8mb4", "")); err != nil {
		t.Fatalf("set MySQL charset: %v", err)
	}
	cfg.DBName = ""

	server := connect(t, cfg)
	cfg.DBName = createDatabase(t, server)

	load(t, cfg)
	return cfg.FormatDSN()
}

// connect opens the server that cfg names, skipping the test when the
// server does not answer. The handle is closed when the test ends.
func connect(t testing.TB, cfg *mysql.Config) *sql.DB {
	t.Helper()
	db := openDB(t, cfg)
	t.Cleanup(func() { db.Close() })

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := db.PingContext(ctx)
	var netErr *net.OpError
	if errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded) {
		t.Skipf("MariaDB not reachable at %s: MySQL tests skipped", cfg.Addr)
	}
	if err != nil {
		t.Fatalf("connect to MySQL: %v", err)
	}
	return db
}

// createDatabase creates a database with a random name on server, drops it
// when the test ends, and returns its name.
func createDatabase(t testing.TB, server *sql.DB) string {
	t.Helper()
	name := fmt.Sprintf("zc_src_%016x", rand.Uint64())
	_, err := server.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4")
	if err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := server.Exec("DROP DATABASE IF EXISTS " + name); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return name
}

// load runs the export's MySQL script in the database that cfg names.
func load(t testing.TB, cfg *mysql.Config) {
	t.Helper()
	script := sample.MySQLScript()

	multi := cfg.Clone()
	multi.MultiStatements = true
	db := openDB(t, multi)
	defer db.Close()

	// One connection, so that the script's session settings hold throughout.
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatalf("connect to MySQL: %v", err)
	}
	defer conn.Close()

	// One transaction for the rows, rather than a commit after each insert.
	stmts := append([]string{"SET autocommit = 0"}, batches(string(script), chunkSize)...)
	for _, stmt := range append(stmts, "COMMIT") {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("load export: %v", err)
		}
	}
}

// openDB returns a handle on the server or database that cfg names.
func openDB(t testing.TB, cfg *mysql.Config) *sql.DB {
	t.Helper()
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatalf("configure MySQL connector: %v", err)
	}
	return sql.OpenDB(conn)
}

// batches splits script into runs of whole statements of about size bytes
// at most, so that none exceeds the server's max_allowed_packet. Every
// statement of the script ends with ";" at the end of a line, and no value
// in it contains ";\n".
func batches(script string, size int) []string {
	var out []string
	var b strings.Builder
	for stmt := range strings.SplitSeq(script, ";\n") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if b.Len() > 0 && b.Len()+len(stmt) > size {
			out = append(out, b.String())
			b.Reset()
		}
		b.WriteString(stmt)
		b.WriteString(";\n")
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}
