package engine

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/go-sql-driver/mysql"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// Database names a database: the SQL dialect and a data source name.
type Database struct {
	Dialect string // dialect.SQLite or dialect.MySQL
	DSN     string
}

// ParseDatabase reads a database URL: "mysql://user:pass@tcp(host:3306)/db"
// (a go-sql-driver DSN after the scheme), "sqlite://path/to/file.db", or a
// bare file path, which means SQLite.
func ParseDatabase(s string) (Database, error) {
	switch {
	case strings.HasPrefix(s, "mysql://"):
		return mysqlDatabase(strings.TrimPrefix(s, "mysql://"))
	case strings.HasPrefix(s, "sqlite://"):
		return sqliteDatabase(strings.TrimPrefix(s, "sqlite://")), nil
	case strings.Contains(s, "://"):
		return Database{}, fmt.Errorf("unsupported database URL scheme in %q", redactURL(s))
	case s == "":
		return Database{}, fmt.Errorf("empty database URL")
	}
	return sqliteDatabase(s), nil
}

// sqliteDatabase builds the modernc.org/sqlite DSN for a file: foreign
// keys on, WAL, a busy timeout, and transactions that take the write lock
// when they begin, so that read-then-write transactions serialise instead
// of failing with "database is locked". The driver reads settings only in
// this _pragma=name(value) form.
func sqliteDatabase(path string) Database {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_time_format", "sqlite") // times as 2006-01-02 15:04:05.999-07:00, readable by any tool
	q.Set("_txlock", "immediate")
	return Database{Dialect: dialect.SQLite, DSN: "file:" + path + "?" + q.Encode()}
}

// mysqlDatabase completes a go-sql-driver DSN with what the engine needs:
// parsed times, UTC, and utf8mb4 so that names outside the BMP survive.
func mysqlDatabase(dsn string) (Database, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return Database{}, fmt.Errorf("parse MySQL DSN: %w", err)
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Collation = "utf8mb4_unicode_ci"
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["charset"] = "utf8mb4"
	return Database{Dialect: dialect.MySQL, DSN: cfg.FormatDSN()}, nil
}

// open opens the database and returns an ent driver for it.
func (d Database) open() (*entsql.Driver, error) {
	name := "mysql"
	if d.Dialect == dialect.SQLite {
		name = "sqlite"
		if err := ensureSQLiteDir(d.DSN); err != nil {
			return nil, err
		}
	}
	db, err := sql.Open(name, d.DSN)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if d.Dialect == dialect.MySQL {
		db.SetConnMaxLifetime(5 * time.Minute)
	}
	db.SetMaxOpenConns(16)
	return entsql.OpenDB(d.Dialect, db), nil
}

// ensureSQLiteDir creates the folder of an SQLite file.
func ensureSQLiteDir(dsn string) error {
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if dir := filepath.Dir(path); dir != "." && dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("create database folder: %w", err)
		}
	}
	return nil
}

// redactURL hides a password in a database URL for messages.
func redactURL(s string) string {
	if i := strings.Index(s, "@"); i >= 0 {
		if j := strings.Index(s, "://"); j >= 0 && j < i {
			return s[:j+3] + "***" + s[i:]
		}
	}
	return s
}
