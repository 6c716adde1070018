package sqlsource

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/go-sql-driver/mysql"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
)

// The keys of the configuration that Plugin takes.
const (
	// KeyDriver is "sqlite" or "mysql" (for MySQL and MariaDB).
	KeyDriver = "driver"

	// KeyDSN is the path of the SQLite file, or a go-sql-driver/mysql DSN
	// such as "reader@tcp(10.0.0.5:3306)/hr".
	KeyDSN = "dsn"

	// KeyPassword, optional, is the MySQL password, kept out of the DSN so
	// that the DSN can be shown while the password stays secret.
	KeyPassword = "password"

	// KeyMapping, optional, is the path of a mapping file, or the mapping
	// itself as JSON (a value starting with "{"). Empty means the mapping
	// of the Xiangxi export.
	KeyMapping = "mapping"
)

// ErrNotConfigured means Plugin was read before it was configured.
var ErrNotConfigured = errors.New("not configured: no database")

// Plugin is the source that the zhicheng-sync-sql plugin serves: a Source
// over the database that its configuration names. It implements
// contract.Source and the Configure and Check methods of a sync plugin.
// The zero value is ready to be configured. It is safe for concurrent use.
type Plugin struct {
	mu  sync.RWMutex
	src *Source
}

var _ contract.Source = (*Plugin)(nil)

// Configure opens the database that config names, with the keys Key…, and
// reads it from then on. Errors name the key at fault and never quote the
// DSN or the password.
func (p *Plugin) Configure(config map[string]string) error {
	src, err := openConfig(config)
	if err != nil {
		return err
	}

	p.mu.Lock()
	old := p.src
	p.src = src
	p.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}

// openConfig opens the Source that config names.
func openConfig(config map[string]string) (*Source, error) {
	for k := range config {
		if !slices.Contains([]string{KeyDriver, KeyDSN, KeyPassword, KeyMapping}, k) {
			return nil, fmt.Errorf("configuration: unknown key %q", k)
		}
	}
	driver, dsn := config[KeyDriver], config[KeyDSN]
	if driver == "" || dsn == "" {
		return nil, fmt.Errorf("configuration: %q and %q are required", KeyDriver, KeyDSN)
	}
	dsn, err := withPassword(driver, dsn, config[KeyPassword])
	if err != nil {
		return nil, err
	}
	m, err := mappingOf(config[KeyMapping])
	if err != nil {
		return nil, fmt.Errorf("configuration: %s: %w", KeyMapping, err)
	}
	return OpenMapped(driver, dsn, m)
}

// withPassword returns dsn with its password replaced by password, when
// one is given; only a MySQL DSN has a password.
func withPassword(driver, dsn, password string) (string, error) {
	if password == "" {
		return dsn, nil
	}
	if driver != "mysql" {
		return "", fmt.Errorf("configuration: %q applies to driver mysql only", KeyPassword)
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "", fmt.Errorf("configuration: %s: %w", KeyDSN, errDSN)
	}
	cfg.Passwd = password
	return cfg.FormatDSN(), nil
}

// mappingOf reads the mapping that the value of KeyMapping names.
func mappingOf(v string) (*Mapping, error) {
	switch v = strings.TrimSpace(v); {
	case v == "":
		return ExportMapping(), nil
	case strings.HasPrefix(v, "{"):
		return ParseMapping([]byte(v))
	default:
		return LoadMapping(v)
	}
}

// source returns the configured Source.
func (p *Plugin) source() (*Source, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.src == nil {
		return nil, ErrNotConfigured
	}
	return p.src, nil
}

// Check checks that the database answers and holds the mapped tables and
// columns.
func (p *Plugin) Check(ctx context.Context) error {
	src, err := p.source()
	if err != nil {
		return err
	}
	return src.Check(ctx)
}

// Departments returns every competent department.
func (p *Plugin) Departments(ctx context.Context) ([]contract.Department, error) {
	src, err := p.source()
	if err != nil {
		return nil, err
	}
	return src.Departments(ctx)
}

// Units returns unit unitCode, or every unit when unitCode is empty.
func (p *Plugin) Units(ctx context.Context, unitCode string) ([]contract.Unit, error) {
	src, err := p.source()
	if err != nil {
		return nil, err
	}
	return src.Units(ctx, unitCode)
}

// People returns the staff of unit unitCode, or of every unit when
// unitCode is empty.
func (p *Plugin) People(ctx context.Context, unitCode string) ([]contract.Person, error) {
	src, err := p.source()
	if err != nil {
		return nil, err
	}
	return src.People(ctx, unitCode)
}

// StreamPeople hands over the people People returns in batches, as it
// reads them.
func (p *Plugin) StreamPeople(ctx context.Context, unitCode string, send func([]contract.Person) error) error {
	src, err := p.source()
	if err != nil {
		return err
	}
	return src.StreamPeople(ctx, unitCode, send)
}

// Posts returns the approved posts of year for unit unitCode, or for every
// unit when unitCode is empty.
func (p *Plugin) Posts(ctx context.Context, year int, unitCode string) ([]contract.Post, error) {
	src, err := p.source()
	if err != nil {
		return nil, err
	}
	return src.Posts(ctx, year, unitCode)
}

// Close closes the database, if one was configured.
func (p *Plugin) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.src == nil {
		return nil
	}
	err := p.src.Close()
	p.src = nil
	return err
}
