package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/auditevent"
	"github.com/zhicheng-hr/zhicheng/ent/session"
	"github.com/zhicheng-hr/zhicheng/ent/user"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// Login lockout, DOMAIN.md §9: five failures lock an account for five
// minutes.
const (
	maxFailedLogins = 5
	lockDuration    = 5 * time.Minute
	touchInterval   = 30 * time.Second
)

// UserSpec describes a user to create. A unit clerk names a unit, a
// department reviewer a department, a bureau reviewer a region.
type UserSpec struct {
	TenantID     int
	Username     string
	DisplayName  string
	Password     string
	Role         domain.Role
	UnitID       int
	DepartmentID int
	Region       domain.RegionCode
}

// User is a user as others see it: never the password hash.
type User struct {
	ID          int         `json:"id"`
	Username    string      `json:"username"`
	DisplayName string      `json:"display_name"`
	Role        domain.Role `json:"role"`
}

// CreateUser creates a user in a tenant. A tenant administrator creates
// users of their tenant; a platform operator, any tenant's first users.
func (e *Engine) CreateUser(ctx context.Context, spec UserSpec) (User, error) {
	a, err := e.authorizeTenant(ctx, spec.TenantID, policies.ObjUser, policies.ActManage)
	if err != nil {
		return User{}, err
	}
	if err := spec.validate(); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(spec.Password)
	if err != nil {
		return User{}, internal("hash password", err)
	}
	var u *ent.User
	sys := system(ctx)
	err = e.inTx(sys, func(tx *ent.Tx) error {
		c := tx.User.Create().
			SetTenantID(spec.TenantID).SetUsername(spec.Username).
			SetDisplayName(spec.DisplayName).SetPasswordHash(hash).SetRole(spec.Role).
			SetRegionCode(spec.Region)
		if spec.UnitID != 0 {
			c.SetUnitID(spec.UnitID)
		}
		if spec.DepartmentID != 0 {
			c.SetDepartmentID(spec.DepartmentID)
		}
		if u, err = c.Save(sys); err != nil {
			return storageError("create user", "user", err)
		}
		a.TenantID = spec.TenantID
		return e.audit(sys, tx, a, "user.create", fmt.Sprintf("user:%d", u.ID), string(spec.Role))
	})
	if err != nil {
		return User{}, err
	}
	return userOf(u), nil
}

func (s UserSpec) validate() error {
	if s.Username == "" || len(s.Username) > 64 {
		return invalid("user.username", nil)
	}
	if !s.Role.Valid() || s.Role == domain.RolePlatformOperator {
		return invalid("user.role", P{"role": s.Role})
	}
	scoped := map[domain.Role]bool{
		domain.RoleUnitClerk:          s.UnitID != 0,
		domain.RoleDepartmentReviewer: s.DepartmentID != 0,
		domain.RoleBureauReviewer:     s.Region != "",
	}
	if ok, needs := scoped[s.Role]; needs && !ok {
		return invalid("user.scope", P{"role": s.Role})
	}
	return CheckPasswordStrength(s.Password)
}

func userOf(u *ent.User) User {
	return User{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role}
}

// Session is a logged-in session. Token is the secret the client keeps;
// the server stores only its hash.
type Session struct {
	Token string
	Actor domain.Actor
}

// Login checks a user's password in a tenant and opens a session. Every
// attempt, failed or not, is in the audit log. Five failures in a row lock
// the account for five minutes.
func (e *Engine) Login(ctx context.Context, tenantID int, username, password string) (Session, error) {
	sys := system(ctx)
	u, err := e.client.User.Query().
		Where(user.TenantID(tenantID), user.Username(username)).Only(sys)
	if ent.IsNotFound(err) {
		return Session{}, e.unknownLoginFailed(sys, tenantID, username)
	}
	if err != nil {
		return Session{}, internal("find user", err)
	}
	now := e.now()
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		e.auditLogin(sys, tenantID, u, username, "locked", "")
		return Session{}, errorf(KindUnauthenticated, "auth.locked", P{"until": *u.LockedUntil})
	}
	ok, err := checkPassword(u.PasswordHash, password)
	if err != nil {
		return Session{}, internal("check password", err)
	}
	if !ok || u.Disabled {
		return Session{}, e.loginFailed(sys, u)
	}
	return e.openSession(sys, u)
}

// loginFailed counts a failure and locks the account at the limit.
func (e *Engine) loginFailed(ctx context.Context, u *ent.User) error {
	failures := u.FailedLogins + 1
	upd := e.client.User.UpdateOne(u).SetFailedLogins(failures)
	var until time.Time
	if failures >= maxFailedLogins {
		until = e.now().Add(lockDuration)
		upd.SetLockedUntil(until).SetFailedLogins(0)
	}
	if err := upd.Exec(ctx); err != nil {
		return internal("count failed login", err)
	}
	e.auditLogin(ctx, u.TenantID, u, u.Username, "failed", "")
	if !until.IsZero() {
		return errorf(KindUnauthenticated, "auth.locked", P{"until": until})
	}
	return errorf(KindUnauthenticated, "auth.bad_credentials", nil)
}

// unknownLoginFailed answers a login with a name that has no account
// exactly as for an account with a wrong password, lockout included, so
// that the answers do not tell which names exist. The failures of such a
// name are counted in the audit log: the fifth since its last lock locks it
// for five minutes, and tries while locked are not failures.
func (e *Engine) unknownLoginFailed(ctx context.Context, tenantID int, username string) error {
	const failed, locking = "unknown user", "unknown user; locked"
	name := username
	if r := []rune(name); len(r) > 64 {
		name = string(r[:64])
	}
	now := e.now()
	recent, err := e.client.AuditEvent.Query().
		Where(auditevent.TenantID(tenantID), auditevent.Event("login"), auditevent.Username(name),
			auditevent.UserIDIsNil(), auditevent.Result("failed")).
		Order(ent.Desc(auditevent.FieldAt), ent.Desc(auditevent.FieldID)).Limit(maxFailedLogins).All(ctx)
	if err != nil {
		return internal("count failed logins", err)
	}
	if len(recent) > 0 && recent[0].Detail == locking && now.Before(recent[0].At.Add(lockDuration)) {
		until := recent[0].At.Add(lockDuration)
		e.auditLogin(ctx, tenantID, nil, username, "locked", failed)
		return errorf(KindUnauthenticated, "auth.locked", P{"until": until})
	}
	since := 0 // failures since the last lock
	for _, ev := range recent {
		if ev.Detail == locking {
			break
		}
		since++
	}
	if since+1 >= maxFailedLogins {
		e.auditLogin(ctx, tenantID, nil, username, "failed", locking)
		return errorf(KindUnauthenticated, "auth.locked", P{"until": now.Add(lockDuration)})
	}
	e.auditLogin(ctx, tenantID, nil, username, "failed", failed)
	return errorf(KindUnauthenticated, "auth.bad_credentials", nil)
}

// openSession resets the failure count and stores a new session.
func (e *Engine) openSession(ctx context.Context, u *ent.User) (Session, error) {
	token, hash, err := newToken()
	if err != nil {
		return Session{}, internal("new session", err)
	}
	now := e.now()
	err = e.inTx(ctx, func(tx *ent.Tx) error {
		if err := tx.User.UpdateOne(u).SetFailedLogins(0).ClearLockedUntil().Exec(ctx); err != nil {
			return internal("reset failures", err)
		}
		err := tx.Session.Create().SetTenantID(u.TenantID).SetTokenHash(hash).
			SetUserID(u.ID).SetCreatedAt(now).SetLastSeenAt(now).Exec(ctx)
		if err != nil {
			return internal("store session", err)
		}
		return nil
	})
	if err != nil {
		return Session{}, err
	}
	a, err := e.actorOf(ctx, u)
	if err != nil {
		return Session{}, err
	}
	e.auditLogin(ctx, u.TenantID, u, u.Username, "ok", "")
	return Session{Token: token, Actor: a}, nil
}

// Authenticate returns the actor of a session token. A session idle for
// longer than the tenant's timeout is ended and refused.
func (e *Engine) Authenticate(ctx context.Context, token string) (domain.Actor, error) {
	sys := system(ctx)
	s, err := e.client.Session.Query().Where(session.TokenHash(hashToken(token))).Only(sys)
	if ent.IsNotFound(err) {
		return domain.Actor{}, errorf(KindUnauthenticated, "unauthenticated", nil)
	}
	if err != nil {
		return domain.Actor{}, internal("find session", err)
	}
	set, err := e.settings(ctx, s.TenantID)
	if err != nil {
		return domain.Actor{}, err
	}
	now := e.now()
	if now.Sub(s.LastSeenAt) > time.Duration(set.SessionIdleMinutes)*time.Minute {
		if err := e.client.Session.DeleteOne(s).Exec(sys); err != nil {
			return domain.Actor{}, internal("end idle session", err)
		}
		return domain.Actor{}, errorf(KindUnauthenticated, "auth.idle", nil)
	}
	if now.Sub(s.LastSeenAt) > touchInterval {
		if err := e.client.Session.UpdateOne(s).SetLastSeenAt(now).Exec(sys); err != nil {
			return domain.Actor{}, internal("touch session", err)
		}
	}
	u, err := e.client.User.Get(sys, s.UserID)
	if err != nil || u.Disabled {
		return domain.Actor{}, errorf(KindUnauthenticated, "unauthenticated", nil)
	}
	return e.actorOf(sys, u)
}

// Logout ends the session of token.
func (e *Engine) Logout(ctx context.Context, token string) error {
	sys := system(ctx)
	s, err := e.client.Session.Query().Where(session.TokenHash(hashToken(token))).Only(sys)
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return internal("find session", err)
	}
	if err := e.client.Session.DeleteOne(s).Exec(sys); err != nil {
		return internal("end session", err)
	}
	return nil
}

// actorOf builds the actor of a user.
func (e *Engine) actorOf(ctx context.Context, u *ent.User) (domain.Actor, error) {
	t, err := e.client.Tenant.Get(system(ctx), u.TenantID)
	if err != nil {
		return domain.Actor{}, internal("read tenant", err)
	}
	a := domain.Actor{
		TenantID: u.TenantID, TenantKey: t.Key, UserID: u.ID,
		Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Region: u.RegionCode,
	}
	if u.UnitID != nil {
		a.UnitID = *u.UnitID
	}
	if u.DepartmentID != nil {
		a.DepartmentID = *u.DepartmentID
	}
	return a, nil
}

// auditLogin records a login attempt outside any other transaction.
func (e *Engine) auditLogin(ctx context.Context, tenantID int, u *ent.User, name, result, detail string) {
	if r := []rune(name); len(r) > 64 {
		name = string(r[:64])
	}
	c := e.client.AuditEvent.Create().SetTenantID(tenantID).SetAt(e.now()).
		SetUsername(name).SetEvent("login").SetResult(result).
		SetSource(SourceFrom(ctx)).SetDetail(detail)
	if u != nil {
		c.SetUserID(u.ID).SetRole(string(u.Role))
	}
	if err := c.Exec(ctx); err != nil {
		e.log.Error("write audit log", "op", "login", "err", err)
	}
}

func newToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
