package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
)

// TestReopenKeepsData opens a database that already has a schema and data,
// as an upgrade does: the migration runs again and nothing is lost.
func TestReopenKeepsData(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		db := b.NewDatabase(t)
		e, ten := smallTenantOn(t, db, nil)
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		again := enginetest.Open(t, db)
		if err := again.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		got, err := again.TenantByKey(context.Background(), ten.Key)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != ten.Name {
			t.Errorf("got tenant %q, want %q", got.Name, ten.Name)
		}
		if _, err := again.Login(context.Background(), ten.ID, "admin", adminPassword); err != nil {
			t.Errorf("login after reopening: %v", err)
		}
	})
}

func TestParseDatabase(t *testing.T) {
	tests := []struct {
		url, dialect, contains string
	}{
		{"data/zhicheng.db", "sqlite3", "_txlock=immediate"},
		{"sqlite://x.db", "sqlite3", "_pragma=foreign_keys%281%29"},
		{"mysql://root@tcp(127.0.0.1:3306)/zc", "mysql", "parseTime=true"},
		{"mysql://root@tcp(127.0.0.1:3306)/zc", "mysql", "charset=utf8mb4"},
	}
	for _, tt := range tests {
		db, err := engine.ParseDatabase(tt.url)
		if err != nil {
			t.Fatalf("%s: %v", tt.url, err)
		}
		if db.Dialect != tt.dialect || !strings.Contains(db.DSN, tt.contains) {
			t.Errorf("%s: got %s %s, want %s with %s", tt.url, db.Dialect, db.DSN, tt.dialect, tt.contains)
		}
	}
	for _, bad := range []string{"", "postgres://x", "mysql://::bad"} {
		if _, err := engine.ParseDatabase(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// smallTenantOn opens an engine on db with a clock (nil: the real one)
// and creates a tenant with only an administrator.
func smallTenantOn(t *testing.T, db engine.Database, now func() time.Time) (*engine.Engine, engine.Tenant) {
	t.Helper()
	e, err := engine.Open(context.Background(), engine.Config{Database: db, DataKey: enginetest.Key, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	op := engine.OperatorContext(context.Background(), "test")
	ten, err := e.CreateTenant(op, engine.TenantSpec{Key: "t1", Name: "测试州", Region: "433100"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.CreateUser(op, engine.UserSpec{TenantID: ten.ID, Username: "admin", Password: adminPassword, Role: domain.RoleTenantAdmin})
	if err != nil {
		t.Fatal(err)
	}
	return e, ten
}
