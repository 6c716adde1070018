package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect/sql/schema"
	"github.com/casbin/casbin/v2"
	"github.com/go-sql-driver/mysql"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/privacy"
	_ "github.com/zhicheng-hr/zhicheng/ent/runtime" // installs the privacy rules and hooks
	"github.com/zhicheng-hr/zhicheng/policies"
)

// Config configures an Engine.
type Config struct {
	// Database is where the engine keeps its data; see ParseDatabase.
	Database Database
	// DataKey (at least 32 bytes) encrypts ID and phone numbers at rest.
	// Losing it makes them unreadable.
	DataKey []byte
	// Logger receives operator logs; nil discards them.
	Logger *slog.Logger
	// Now tells the time; nil means time.Now.
	Now func() time.Time
	// Plugins runs the sync plugins tenants bind; nil means none.
	Plugins PluginHost
	// SyncDataDir holds a folder per tenant, named by its key, in which
	// the tenant's plugin configuration may name files (an SQLite export,
	// a mapping). Empty means a configuration may name no file.
	SyncDataDir string
}

// Engine is the quota-and-title engine. It is safe for concurrent use.
type Engine struct {
	client   *ent.Client
	dialect  string
	enforcer *casbin.SyncedEnforcer
	seal     *sealer
	log      *slog.Logger
	now      func() time.Time

	plugins     PluginHost
	syncDataDir string
	db          *sql.DB // the pool under client, for prepared statements
}

// Open connects to the configured database, creates or upgrades its
// schema, and loads the authorisation policy.
func Open(ctx context.Context, cfg Config) (*Engine, error) {
	seal, err := newSealer(cfg.DataKey)
	if err != nil {
		return nil, err
	}
	enforcer, err := policies.NewEnforcer()
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	drv, err := cfg.Database.open()
	if err != nil {
		return nil, err
	}
	e := &Engine{
		client:   ent.NewClient(ent.Driver(drv)),
		dialect:  cfg.Database.Dialect,
		enforcer: enforcer,
		seal:     seal,
		log:      cfg.Logger,
		now:      cfg.Now,

		plugins:     cfg.Plugins,
		syncDataDir: cfg.SyncDataDir,
		db:          drv.DB(),
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.now == nil {
		e.now = time.Now
	}
	if err := e.Migrate(ctx); err != nil {
		e.client.Close()
		return nil, err
	}
	return e, nil
}

// migrating serialises migrations within a process: ent's migration
// changes the generated package-level table definitions as it runs, so two
// engines opening at once would race on them.
var migrating sync.Mutex

// Migrate creates the schema or upgrades an existing one. Upgrades only add
// tables, columns and indexes; nothing is dropped, so no data is lost.
func (e *Engine) Migrate(ctx context.Context) error {
	migrating.Lock()
	defer migrating.Unlock()
	err := e.client.Schema.Create(ctx,
		schema.WithDropColumn(false), schema.WithDropIndex(false))
	if err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	return nil
}

// Close releases the database.
func (e *Engine) Close() error { return e.client.Close() }

// Ping checks that the database answers.
func (e *Engine) Ping(ctx context.Context) error {
	_, err := e.client.Tenant.Query().Exist(system(ctx))
	return err
}

// system returns a context in which the privacy rules allow everything.
// Only the engine's trusted paths use it: loading, sessions, look-ups that
// precede an actor.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// actor returns the acting user of ctx, or an unauthenticated error.
func actor(ctx context.Context) (domain.Actor, error) {
	a, ok := domain.ActorFrom(ctx)
	if !ok || !a.Role.Valid() {
		return domain.Actor{}, errorf(KindUnauthenticated, "unauthenticated", nil)
	}
	return a, nil
}

// authorize returns the actor of ctx if their role may do act on obj in
// their tenant.
func (e *Engine) authorize(ctx context.Context, obj, act string) (domain.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return a, err
	}
	ok, err := e.enforcer.Enforce(string(a.Role), a.TenantKey, obj, act)
	if err != nil {
		return a, internal("authorize", err)
	}
	if !ok {
		e.auditDenied(ctx, a, obj, act)
		return a, errorf(KindPermissionDenied, "permission_denied", P{"object": obj, "action": act})
	}
	return a, nil
}

// Authorize refuses, with a permission error that the audit log records,
// an actor whose role may not do act on obj (see policies/names.go), such
// as a page that offers a form only to those who may submit it.
func (e *Engine) Authorize(ctx context.Context, obj, act string) error {
	_, err := e.authorize(ctx, obj, act)
	return err
}

// auditDenied records an action that a role may not do: refusals are
// events of consequence too.
func (e *Engine) auditDenied(ctx context.Context, a domain.Actor, obj, act string) {
	if a.TenantID == 0 {
		return
	}
	err := e.client.AuditEvent.Create().SetTenantID(a.TenantID).SetAt(e.now()).
		SetUserID(a.UserID).SetUsername(a.Username).SetRole(string(a.Role)).
		SetEvent(obj + "." + act).SetResult("denied").SetSource(SourceFrom(ctx)).
		Exec(system(ctx))
	if err != nil {
		e.log.Error("write audit log", "op", "denied", "err", err)
	}
}

// inTx runs fn in a transaction, committing when it returns nil. A
// transaction that the database aborted to break a deadlock is run again,
// a few times, from the start: fn reads what it needs inside.
func (e *Engine) inTx(ctx context.Context, fn func(tx *ent.Tx) error) error {
	const attempts = 4
	var err error
	for range attempts {
		if err = e.tryTx(ctx, fn); !retryable(err) {
			return err
		}
	}
	return err
}

func (e *Engine) tryTx(ctx context.Context, fn func(tx *ent.Tx) error) error {
	tx, err := e.client.Tx(ctx)
	if err != nil {
		return internal("begin transaction", err)
	}
	if err := fn(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil && !retryable(err) {
			e.log.Error("rollback", "err", rerr)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return internal("commit", err)
	}
	return nil
}

// retryable reports whether err is a deadlock or lock timeout after which
// the whole transaction may be run again.
func retryable(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1213 || me.Number == 1205 // ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT
	}
	return err != nil && strings.Contains(err.Error(), "database is locked")
}

// storageError turns an error of the storage layer into an engine error:
// privacy denials and missing rows become "not found".
func storageError(op, what string, err error) error {
	var ee *Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee):
		return err
	case ent.IsNotFound(err), errors.Is(err, privacy.Deny):
		nf := notFound(what)
		nf.Op, nf.Err = op, err
		return nf
	case ent.IsConstraintError(err):
		return &Error{Kind: KindConflict, Code: "conflict", Op: op, Err: err}
	}
	return internal(op, err)
}

// audit appends an entry to the audit log in the same transaction as the
// change it records.
func (e *Engine) audit(ctx context.Context, tx *ent.Tx, a domain.Actor, event, object, detail string) error {
	err := tx.AuditEvent.Create().
		SetTenantID(a.TenantID).
		SetAt(e.now()).
		SetUserID(a.UserID).
		SetUsername(a.Username).
		SetRole(string(a.Role)).
		SetEvent(event).
		SetObject(object).
		SetResult("ok").
		SetSource(SourceFrom(ctx)).
		SetDetail(detail).
		Exec(ctx)
	if err != nil {
		return internal("write audit log", err)
	}
	return nil
}

type sourceKey struct{}

// WithSource returns a context that carries the network address a request
// came from, for the audit log.
func WithSource(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, sourceKey{}, addr)
}

// SourceFrom returns the address that WithSource stored, or "".
func SourceFrom(ctx context.Context) string {
	s, _ := ctx.Value(sourceKey{}).(string)
	return s
}

// Client returns the ent client, for Go programs that need a query the
// engine does not offer. Every query through it is scoped by the same
// privacy rules as the engine's own: pass a context with an actor.
func (e *Engine) Client() *ent.Client { return e.client }
