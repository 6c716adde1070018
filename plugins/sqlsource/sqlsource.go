// Package sqlsource reads an institution personnel system's SQL export
// (tables zgbm, dw, gwsz and ry) and gives it to zhicheng as a
// contract.Source. The export may live in a SQLite file or in a MySQL or
// MariaDB database.
//
// Text columns that are NULL become empty strings and integer columns that
// are NULL become 0; surrounding spaces are trimmed. Every answer is ordered
// by its key, so that two reads of the same export give the same result.
package sqlsource

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

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

// New returns a Source that reads the export from db. The caller keeps
// ownership of db: Close leaves it open.
func New(db *sql.DB) *Source {
	return &Source{db: db, schema: exportSchema()}
}

// Open connects to the export and checks that the database answers.
//
// For driver "sqlite", dsn is the path of the SQLite file, which is opened
// read-only. For driver "mysql", dsn is a go-sql-driver/mysql DSN such as
// "user:password@tcp(host:3306)/db"; Open sets the connection character set
// to utf8mb4, which names outside the Basic Multilingual Plane need. Any
// other driver is an error.
func Open(driver, dsn string) (*Source, error) {
	db, err := openDB(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("open source: %w", err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open source: %w", err)
	}

	s := New(db)
	s.owned = true
	return s, nil
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

// openMySQL returns a handle on the MySQL or MariaDB database named by dsn,
// speaking utf8mb4.
func openMySQL(dsn string) (*sql.DB, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, err
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
	q, args := s.schema.departments.query(nil)
	ds, err := queryAll(ctx, s.db, q, args, scanDepartment)
	if err != nil {
		return nil, fmt.Errorf("read departments: %w", err)
	}
	return ds, nil
}

// Units returns the unit with credit code unitCode, or every unit when
// unitCode is empty, ordered by credit code.
func (s *Source) Units(ctx context.Context, unitCode string) ([]contract.Unit, error) {
	t := s.schema.units
	q, args := t.query(t.unitFilter(unitCode))
	us, err := queryAll(ctx, s.db, q, args, scanUnit)
	if err != nil {
		return nil, fmt.Errorf("read units: %w", err)
	}
	return us, nil
}

// People returns the staff of unit unitCode, or of every unit when unitCode
// is empty, ordered by person number. Retired people are included.
func (s *Source) People(ctx context.Context, unitCode string) ([]contract.Person, error) {
	t := s.schema.people
	q, args := t.query(t.unitFilter(unitCode))
	ps, err := queryAll(ctx, s.db, q, args, scanPerson)
	if err != nil {
		return nil, fmt.Errorf("read people: %w", err)
	}
	return ps, nil
}

// Posts returns the approved posts of year for unit unitCode, or for every
// unit when unitCode is empty, ordered by unit, category and level.
func (s *Source) Posts(ctx context.Context, year int, unitCode string) ([]contract.Post, error) {
	t := s.schema.posts
	filters := append([]filter{{column: t.year, value: year}}, t.unitFilter(unitCode)...)
	q, args := t.query(filters)
	ps, err := queryAll(ctx, s.db, q, args, scanPost)
	if err != nil {
		return nil, fmt.Errorf("read posts: %w", err)
	}
	return ps, nil
}

// queryAll runs query and scans every row with scan. It returns either all
// rows or an error, never part of the rows.
func queryAll[T any](ctx context.Context, db *sql.DB, query string, args []any,
	scan func(*sql.Rows) (T, error)) ([]T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func scanDepartment(rows *sql.Rows) (contract.Department, error) {
	var d contract.Department
	err := rows.Scan(text(&d.Code), text(&d.Name), text(&d.Region))
	return d, err
}

func scanUnit(rows *sql.Rows) (contract.Unit, error) {
	var u contract.Unit
	err := rows.Scan(text(&u.CreditCode), text(&u.Name), text(&u.Kind), text(&u.Funding),
		text(&u.Sector), text(&u.Region), text(&u.DepartmentCode),
		text(&u.ContactName), text(&u.ContactPhone), text(&u.Address))
	return u, err
}

func scanPost(rows *sql.Rows) (contract.Post, error) {
	var p contract.Post
	err := rows.Scan(text(&p.UnitCode), number(&p.Year), text(&p.Category), number(&p.Level),
		number(&p.Approved))
	return p, err
}

func scanPerson(rows *sql.Rows) (contract.Person, error) {
	var p contract.Person
	err := rows.Scan(text(&p.SourceID), text(&p.UnitCode), text(&p.Name), text(&p.Sex),
		text(&p.IDNumber), text(&p.BirthDate), text(&p.Ethnicity), text(&p.Political),
		text(&p.Education), text(&p.Degree), text(&p.School), text(&p.Major),
		text(&p.GraduationDate), text(&p.StartedWork), text(&p.JoinedUnit),
		text(&p.PostCategory), number(&p.PostLevel), text(&p.AppointedDate),
		text(&p.TitleSeries), text(&p.TitleName), text(&p.TitleGrade), text(&p.TitleDate),
		text(&p.TitleMethod), text(&p.Status), text(&p.LeftDate), text(&p.Mobile))
	return p, err
}

// textScanner scans a nullable text column into a string.
type textScanner struct{ dst *string }

// text returns a scan destination that stores a text column in dst, with
// NULL as "" and surrounding spaces trimmed.
func text(dst *string) *textScanner {
	return &textScanner{dst: dst}
}

// Scan implements sql.Scanner.
func (t *textScanner) Scan(src any) error {
	var ns sql.NullString
	if err := ns.Scan(src); err != nil {
		return err
	}
	*t.dst = strings.TrimSpace(ns.String)
	return nil
}

// errNotInteger reports a value that does not fit an integer column. It
// does not quote the value, which may be personal data.
var errNotInteger = errors.New("not an integer")

// numberScanner scans a nullable integer column into an int.
type numberScanner struct{ dst *int }

// number returns a scan destination that stores an integer column in dst,
// with NULL as 0.
func number(dst *int) *numberScanner {
	return &numberScanner{dst: dst}
}

// Scan implements sql.Scanner.
func (n *numberScanner) Scan(src any) error {
	var ni sql.NullInt64
	if err := ni.Scan(src); err != nil {
		return errNotInteger
	}
	*n.dst = int(ni.Int64)
	return nil
}
