// Package sqlsource reads an institution personnel system's SQL database
// and gives it to zhicheng as a contract.Source. A Mapping says which
// tables and columns hold which fields and how to translate their values;
// the default is the mapping of the Xiangxi export (tables zgbm, dw, gwsz
// and ry). The database may be a SQLite file or a MySQL or MariaDB
// database. Plugin is the configurable source that the zhicheng-sync-sql
// plugin serves.
//
// Text columns that are NULL become empty strings and integer columns that
// are NULL become 0; surrounding spaces are trimmed. Every answer is ordered
// by the columns of its key, as the database orders their values, so that
// two reads of the same database give the same result.
package sqlsource

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"

	"github.com/go-sql-driver/mysql"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
)

// Source reads the export held in a SQL database. It is safe for
// concurrent use.
type Source struct {
	db     *sql.DB
	schema schema
	owned  bool // Open made db, so Close closes it
}

var _ contract.Source = (*Source)(nil)

// New returns a Source that reads the Xiangxi export from db. The caller
// keeps ownership of db: Close leaves it open.
func New(db *sql.DB) *Source {
	sc, err := ExportMapping().schema()
	if err != nil {
		panic("sqlsource: export mapping: " + err.Error())
	}
	return &Source{db: db, schema: sc}
}

// Open connects to the Xiangxi export and checks that the database
// answers. It is OpenMapped with ExportMapping.
func Open(driver, dsn string) (*Source, error) {
	return OpenMapped(driver, dsn, ExportMapping())
}

// OpenMapped connects to the database that driver and dsn name, to read it
// through mapping m, and checks that the database answers.
//
// For driver "sqlite", dsn is the path of the SQLite file, which is opened
// read-only. For driver "mysql", dsn is a go-sql-driver/mysql DSN such as
// "user:password@tcp(host:3306)/db"; OpenMapped sets the connection
// character set to utf8mb4, which names outside the Basic Multilingual
// Plane need. Any other driver is an error. Errors never quote a MySQL DSN.
func OpenMapped(driver, dsn string, m *Mapping) (*Source, error) {
	sc, err := m.schema()
	if err != nil {
		return nil, fmt.Errorf("open source: mapping: %w", err)
	}
	db, err := openDB(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("open source: %w", err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open source: %w", err)
	}
	return &Source{db: db, schema: sc, owned: true}, nil
}

// openDB returns a handle on the database that driver and dsn name.
func openDB(driver, dsn string) (*sql.DB, error) {
	switch driver {
	case "sqlite":
		return sql.Open("sqlite", sqliteReadOnly(dsn))
	case "mysql":
		return openMySQL(dsn)
	default:
		return nil, fmt.Errorf("unknown driver %q", driver)
	}
}

// sqliteReadOnly returns the DSN that opens the SQLite file at path
// read-only and waits up to five seconds for a writer's lock.
func sqliteReadOnly(path string) string {
	u := url.URL{Path: path}
	return "file:" + u.EscapedPath() + "?mode=ro&_pragma=busy_timeout(5000)"
}

// errDSN reports a MySQL DSN that does not parse. The driver's own
// message is dropped: for a DSN that is malformed, it may quote part of
// the password.
var errDSN = errors.New("not a valid MySQL DSN (user:password@tcp(host:3306)/database)")

// openMySQL returns a handle on the MySQL or MariaDB database named by dsn,
// speaking utf8mb4.
func openMySQL(dsn string) (*sql.DB, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, errDSN
	}
	if err := cfg.Apply(mysql.Charset("utf8mb4", "")); err != nil {
		return nil, err
	}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(conn), nil
}

// Close closes the database that Open connected to. For a Source made by
// New it does nothing, since the caller owns the handle.
func (s *Source) Close() error {
	if !s.owned {
		return nil
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close source: %w", err)
	}
	return nil
}

// Departments returns every competent department, ordered by code.
func (s *Source) Departments(ctx context.Context) ([]contract.Department, error) {
	ds, err := readAll(ctx, s.db, s.schema.departments, nil)
	if err != nil {
		return nil, fmt.Errorf("read departments: %w", err)
	}
	return ds, nil
}

// Units returns the unit with credit code unitCode, or every unit when
// unitCode is empty, ordered by credit code.
func (s *Source) Units(ctx context.Context, unitCode string) ([]contract.Unit, error) {
	t := s.schema.units
	us, err := readAll(ctx, s.db, t, t.unitFilter(unitCode))
	if err != nil {
		return nil, fmt.Errorf("read units: %w", err)
	}
	return us, nil
}

// People returns the staff of unit unitCode, or of every unit when unitCode
// is empty, ordered by person number. Retired people are included.
func (s *Source) People(ctx context.Context, unitCode string) ([]contract.Person, error) {
	t := s.schema.people
	ps, err := readAll(ctx, s.db, t, t.unitFilter(unitCode))
	if err != nil {
		return nil, fmt.Errorf("read people: %w", err)
	}
	return ps, nil
}

// StreamPeople calls send with the people People returns, in batches of
// streamBatch as it reads them.
func (s *Source) StreamPeople(ctx context.Context, unitCode string, send func([]contract.Person) error) error {
	t := s.schema.people
	if err := readEach(ctx, s.db, t, t.unitFilter(unitCode), streamBatch, send); err != nil {
		return fmt.Errorf("read people: %w", err)
	}
	return nil
}

// streamBatch is how many people StreamPeople hands over at a time.
const streamBatch = 1024

// Posts returns the approved posts of year for unit unitCode, or for every
// unit when unitCode is empty, ordered by unit, category and level.
func (s *Source) Posts(ctx context.Context, year int, unitCode string) ([]contract.Post, error) {
	t := s.schema.posts
	filters := append([]filter{{column: t.year, value: year}}, t.unitFilter(unitCode)...)
	ps, err := readAll(ctx, s.db, t, filters)
	if err != nil {
		return nil, fmt.Errorf("read posts: %w", err)
	}
	return ps, nil
}

// Check checks that the database answers and holds the tables and
// columns of the mapping, without reading any row.
func (s *Source) Check(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("check source: %w", err)
	}
	probes := []struct{ kind, query string }{
		{"departments", s.schema.departments.probe()},
		{"units", s.schema.units.probe()},
		{"people", s.schema.people.probe()},
		{"posts", s.schema.posts.probe()},
	}
	for _, p := range probes {
		rows, err := s.db.QueryContext(ctx, p.query)
		if err != nil {
			return fmt.Errorf("check source: %s: %w", p.kind, err)
		}
		rows.Close()
	}
	return nil
}

// readAll reads the rows of t that match filters and makes a record of
// each. It returns either all records or an error, never part of them.
func readAll[T any](ctx context.Context, db *sql.DB, t table[T], filters []filter) ([]T, error) {
	var out []T
	err := readEach(ctx, db, t, filters, 0, func(batch []T) error {
		out = batch
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readEach reads the records of t that match filters and calls fn with
// every n of them, or once with all when n is 0. It stops at fn's error.
func readEach[T any](ctx context.Context, db *sql.DB, t table[T], filters []filter, n int,
	fn func([]T) error) error {
	q, args := t.query(filters)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()

	vals := make([]any, len(t.columns))
	dest := make([]any, len(vals))
	for i := range vals {
		dest[i] = &vals[i]
	}
	var batch []T
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		r, err := t.record(vals)
		if err != nil {
			return err
		}
		batch = append(batch, r)
		if n > 0 && len(batch) == n {
			if err := fn(batch); err != nil {
				return err
			}
			batch = make([]T, 0, n)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(batch) > 0 || n == 0 {
		return fn(batch)
	}
	return nil
}
