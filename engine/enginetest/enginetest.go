// Package enginetest opens engines for tests on every storage backend that
// can run here: SQLite always, MySQL or MariaDB when a server answers. It
// also loads the demo tenant, 湘西州, from the Xiangxi sample export, so
// that tests start from realistic data.
package enginetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// MySQLEnv names the environment variable with the base DSN of the MySQL
// or MariaDB server for tests; the default is root on 127.0.0.1:3306.
const MySQLEnv = "ZHICHENG_TEST_MYSQL"

// Backend is a storage engine that tests run against.
type Backend struct {
	Name string
	// NewDatabase returns an empty database that lives as long as the test.
	NewDatabase func(t testing.TB) engine.Database
}

// Backends returns SQLite, and MySQL when its server answers. When it does
// not, the MySQL runs are skipped with a loud message.
func Backends(t testing.TB) []Backend {
	bs := []Backend{{Name: "sqlite", NewDatabase: sqliteDatabase}}
	if err := mysqlReachable(); err != nil {
		t.Logf("!!! MySQL/MariaDB not reachable (%v): MySQL runs SKIPPED !!!", err)
		return bs
	}
	return append(bs, Backend{Name: "mysql", NewDatabase: mysqlDatabase})
}

// Run runs fn as a subtest on every backend.
func Run(t *testing.T, fn func(t *testing.T, b Backend)) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) { fn(t, b) })
	}
}

func sqliteDatabase(t testing.TB) engine.Database {
	db, err := engine.ParseDatabase(filepath.Join(t.TempDir(), "zhicheng.db"))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func mysqlBase() string {
	if dsn := os.Getenv(MySQLEnv); dsn != "" {
		return dsn
	}
	return "root@tcp(127.0.0.1:3306)/"
}

func mysqlReachable() error {
	cfg, err := mysql.ParseDSN(mysqlBase())
	if err != nil {
		return err
	}
	c, err := net.DialTimeout("tcp", cfg.Addr, 2*time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}

// mysqlDatabase creates a throwaway database and drops it when the test
// ends.
func mysqlDatabase(t testing.TB) engine.Database {
	t.Helper()
	cfg, err := mysql.ParseDSN(mysqlBase())
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	name := "zc_test_" + randomHex(6)
	if _, err := admin.Exec("CREATE DATABASE " + name +
		" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE " + name); err != nil {
			t.Errorf("drop test database: %v", err)
		}
		admin.Close()
	})
	cfg.DBName = name
	db, err := engine.ParseDatabase("mysql://" + cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// Key is the data key of test engines.
var Key = []byte("zhicheng test data key, 32 bytes")

// Clock is the time of a test engine: the real time moved on by Advance,
// so that a test can let a session go idle without waiting.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now returns the real time plus what Advance added.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// Open opens an engine on db, closed when the test ends.
func Open(t testing.TB, db engine.Database) *engine.Engine {
	t.Helper()
	return openWithClock(t, db, &Clock{}, nil)
}

func openWithClock(t testing.TB, db engine.Database, clk *Clock, configure func(*engine.Config)) *engine.Engine {
	t.Helper()
	cfg := engine.Config{Database: db, DataKey: Key, Now: clk.Now}
	if configure != nil {
		configure(&cfg)
	}
	e, err := engine.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open engine: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// Fixture is an engine with the demo tenant loaded.
type Fixture struct {
	Engine *engine.Engine
	Tenant engine.Tenant
	Demo   tenants.Demo
	Clock  *Clock // the engine's time
}

// Xiangxi opens an engine on a fresh database of backend b and loads the
// demo tenant into it. On SQLite the load happens once per test binary and
// each test gets a copy of the file.
func Xiangxi(t testing.TB, b Backend) *Fixture {
	t.Helper()
	return XiangxiWith(t, b, nil)
}

// XiangxiWith is Xiangxi with the engine's configuration changed by
// configure, for instance to give it sync plugins.
func XiangxiWith(t testing.TB, b Backend, configure func(*engine.Config)) *Fixture {
	t.Helper()
	if b.Name == "sqlite" {
		return sqliteXiangxi(t, configure)
	}
	if mysqlTemplate.enabled {
		return mysqlXiangxi(t, configure)
	}
	clk := &Clock{}
	e := openWithClock(t, b.NewDatabase(t), clk, configure)
	ctx := engine.OperatorContext(context.Background(), "test")
	demo, err := tenants.LoadDemo(ctx, e, tenants.XiangxiSpec())
	if err != nil {
		t.Fatalf("load demo: %v", err)
	}
	return &Fixture{Engine: e, Tenant: demo.Tenant, Demo: demo, Clock: clk}
}

var template struct {
	once sync.Once
	dir  string
	demo tenants.Demo
	err  error
}

// sqliteXiangxi copies a loaded SQLite file made once per test binary.
func sqliteXiangxi(t testing.TB, configure func(*engine.Config)) *Fixture {
	t.Helper()
	template.once.Do(func() {
		template.dir, template.err = os.MkdirTemp("", "zhicheng-template-")
		if template.err != nil {
			return
		}
		db, _ := engine.ParseDatabase(filepath.Join(template.dir, "zhicheng.db"))
		e, err := engine.Open(context.Background(), engine.Config{Database: db, DataKey: Key})
		if err != nil {
			template.err = err
			return
		}
		ctx := engine.OperatorContext(context.Background(), "test")
		template.demo, template.err = tenants.LoadDemo(ctx, e, tenants.XiangxiSpec())
		if err := e.Close(); err != nil && template.err == nil {
			template.err = err
		}
	})
	if template.err != nil {
		t.Fatalf("load demo template: %v", template.err)
	}
	dst := filepath.Join(t.TempDir(), "zhicheng.db")
	if err := copyFile(filepath.Join(template.dir, "zhicheng.db"), dst); err != nil {
		t.Fatal(err)
	}
	db, _ := engine.ParseDatabase(dst)
	clk := &Clock{}
	return &Fixture{Engine: openWithClock(t, db, clk, configure), Tenant: template.demo.Tenant,
		Demo: template.demo, Clock: clk}
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// As logs in as a demo account and returns a context acting as that user.
func (f *Fixture) As(t testing.TB, username string) context.Context {
	t.Helper()
	s, err := f.Engine.Login(context.Background(), f.Tenant.ID, username, tenants.DemoPassword)
	if err != nil {
		t.Fatalf("log in as %s: %v", username, err)
	}
	return domain.WithActor(context.Background(), s.Actor)
}

// UnitID returns the id of the unit with a credit code, looked up as the
// tenant administrator.
func (f *Fixture) UnitID(t testing.TB, code string) int {
	t.Helper()
	u, err := f.Engine.UnitByCode(f.As(t, tenants.DemoAdmin), code)
	if err != nil {
		t.Fatalf("find unit %s: %v", code, err)
	}
	return u.ID
}

// String describes the fixture for failure messages.
func (f *Fixture) String() string { return fmt.Sprintf("tenant %s", f.Tenant.Key) }

// Main runs a package's tests; call it from TestMain. It lets Xiangxi load
// the demo into MySQL once per test binary and copy it for each test, and
// drops that template database at the end.
func Main(m *testing.M) {
	mysqlTemplate.enabled = true
	code := m.Run()
	if mysqlTemplate.drop != nil {
		mysqlTemplate.drop()
	}
	if template.dir != "" {
		os.RemoveAll(template.dir)
	}
	os.Exit(code)
}

var mysqlTemplate struct {
	enabled bool
	once    sync.Once
	name    string
	demo    tenants.Demo
	drop    func()
	err     error
}

// mysqlXiangxi copies a loaded template database, made once per test
// binary, into a fresh database whose schema the engine created.
func mysqlXiangxi(t testing.TB, configure func(*engine.Config)) *Fixture {
	t.Helper()
	mysqlTemplate.once.Do(makeMySQLTemplate)
	if mysqlTemplate.err != nil {
		t.Fatalf("load demo template: %v", mysqlTemplate.err)
	}
	db := mysqlDatabase(t)
	clk := &Clock{}
	e := openWithClock(t, db, clk, configure)
	if err := copyTables(mysqlTemplate.name, db); err != nil {
		t.Fatalf("copy demo template: %v", err)
	}
	return &Fixture{Engine: e, Tenant: mysqlTemplate.demo.Tenant, Demo: mysqlTemplate.demo, Clock: clk}
}

func makeMySQLTemplate() {
	cfg, err := mysql.ParseDSN(mysqlBase())
	if err != nil {
		mysqlTemplate.err = err
		return
	}
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		mysqlTemplate.err = err
		return
	}
	name := "zc_tmpl_" + randomHex(6)
	if _, err := admin.Exec("CREATE DATABASE " + name +
		" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		mysqlTemplate.err = err
		return
	}
	mysqlTemplate.name = name
	mysqlTemplate.drop = func() {
		admin.Exec("DROP DATABASE " + name)
		admin.Close()
	}
	cfg.DBName = name
	db, _ := engine.ParseDatabase("mysql://" + cfg.FormatDSN())
	e, err := engine.Open(context.Background(), engine.Config{Database: db, DataKey: Key})
	if err != nil {
		mysqlTemplate.err = err
		return
	}
	defer e.Close()
	ctx := engine.OperatorContext(context.Background(), "test")
	mysqlTemplate.demo, mysqlTemplate.err = tenants.LoadDemo(ctx, e, tenants.XiangxiSpec())
}

// copyTables copies every row of the template's tables into db.
func copyTables(template string, db engine.Database) error {
	dsn := strings.TrimPrefix(db.DSN, "mysql://")
	conn, err := sql.Open("mysql", dsn)
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx := context.Background()
	c, err := conn.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	rows, err := c.QueryContext(ctx, "SELECT table_name FROM information_schema.tables "+
		"WHERE table_schema = ? AND table_type = 'BASE TABLE'", template)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, name)
	}
	rows.Close()
	if _, err := c.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 0"); err != nil {
		return err
	}
	for _, tb := range tables {
		if _, err := c.ExecContext(ctx, fmt.Sprintf("INSERT INTO `%s` SELECT * FROM `%s`.`%s`", tb, template, tb)); err != nil {
			return fmt.Errorf("copy %s: %w", tb, err)
		}
	}
	_, err = c.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 1")
	return err
}
