package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/ent/auditevent"
)

// clock is a settable time for tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

const adminPassword = "Admin#2026pw"

// smallTenant opens an engine with a clock and a tenant with only an
// administrator.
func smallTenant(t *testing.T, b enginetest.Backend) (*engine.Engine, engine.Tenant, *clock) {
	t.Helper()
	clk := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	e, ten := smallTenantOn(t, b.NewDatabase(t), clk.Now)
	t.Cleanup(func() { e.Close() })
	return e, ten, clk
}

func TestLoginLockout(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		e, ten, clk := smallTenant(t, b)
		ctx := context.Background()
		for i := 1; i <= 4; i++ {
			_, err := e.Login(ctx, ten.ID, "admin", "wrong")
			wantKind(t, err, engine.KindUnauthenticated, "auth.bad_credentials")
		}
		_, err := e.Login(ctx, ten.ID, "admin", "wrong")
		ee := wantKind(t, err, engine.KindUnauthenticated, "auth.locked")
		if until, _ := ee.Params["until"].(time.Time); !until.Equal(clk.Now().Add(5 * time.Minute)) {
			t.Errorf("locked until %v, want five minutes from now", ee.Params["until"])
		}
		// Even the right password is refused while locked.
		_, err = e.Login(ctx, ten.ID, "admin", adminPassword)
		wantKind(t, err, engine.KindUnauthenticated, "auth.locked")

		clk.Advance(5*time.Minute + time.Second)
		if _, err := e.Login(ctx, ten.ID, "admin", adminPassword); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
		_, err = e.Login(ctx, ten.ID, "nobody", adminPassword)
		wantKind(t, err, engine.KindUnauthenticated, "auth.bad_credentials")
	})
}

// TestLoginLockoutOfUnknownNames: a name without an account gets the same
// answers as an account with a wrong password, so that the answers do not
// tell which names exist.
func TestLoginLockoutOfUnknownNames(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		e, ten, clk := smallTenant(t, b)
		ctx := context.Background()
		try := func(name string) *engine.Error {
			_, err := e.Login(ctx, ten.ID, name, "wrong")
			return engine.AsError(err)
		}
		// The same sequence for the administrator and for a stranger.
		for _, name := range []string{"admin", "stranger"} {
			start := clk.Now()
			for i := 1; i <= 4; i++ {
				if got := try(name); got.Code != "auth.bad_credentials" {
					t.Fatalf("%s try %d: got %s, want auth.bad_credentials", name, i, got.Code)
				}
				clk.Advance(time.Minute) // slow tries count as well
			}
			got := try(name)
			if until, _ := got.Params["until"].(time.Time); got.Code != "auth.locked" || !until.Equal(clk.Now().Add(5*time.Minute)) {
				t.Fatalf("%s fifth try: got %s until %v, want locked for five minutes", name, got.Code, got.Params["until"])
			}
			// Tries while locked keep the lock and do not extend it.
			clk.Advance(4 * time.Minute)
			if got := try(name); got.Code != "auth.locked" || !got.Params["until"].(time.Time).Equal(start.Add(9*time.Minute)) {
				t.Fatalf("%s while locked: got %s until %v", name, got.Code, got.Params["until"])
			}
			// After the lock the count starts again.
			clk.Advance(time.Minute + time.Second)
			if got := try(name); got.Code != "auth.bad_credentials" {
				t.Fatalf("%s after the lock: got %s, want auth.bad_credentials", name, got.Code)
			}
			clk.Advance(10 * time.Minute)
		}
	})
}

func TestSessionIdleTimeout(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		e, ten, clk := smallTenant(t, b)
		ctx := context.Background()
		s, err := e.Login(ctx, ten.ID, "admin", adminPassword)
		if err != nil {
			t.Fatal(err)
		}
		// Activity within ten minutes keeps the session.
		for range 3 {
			clk.Advance(9 * time.Minute)
			if _, err := e.Authenticate(ctx, s.Token); err != nil {
				t.Fatalf("active session refused: %v", err)
			}
		}
		clk.Advance(10*time.Minute + time.Second)
		_, err = e.Authenticate(ctx, s.Token)
		wantKind(t, err, engine.KindUnauthenticated, "auth.idle")
		_, err = e.Authenticate(ctx, s.Token)
		wantKind(t, err, engine.KindUnauthenticated, "unauthenticated")

		s, err = e.Login(ctx, ten.ID, "admin", adminPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Logout(ctx, s.Token); err != nil {
			t.Fatal(err)
		}
		_, err = e.Authenticate(ctx, s.Token)
		wantKind(t, err, engine.KindUnauthenticated, "unauthenticated")
	})
}

func TestPasswordRules(t *testing.T) {
	tests := []struct {
		pw string
		ok bool
	}{
		{"Abcdef1!", true},  // four classes
		{"abcdef12!", true}, // lower, digit, other
		{"ABCDEFG1a", true}, // upper, digit, lower
		{"Abc1!", false},    // too short
		{"abcdefgh", false}, // one class
		{"abcd1234", false}, // two classes
		{"密码密码密码12a", true},
	}
	for _, tt := range tests {
		err := engine.CheckPasswordStrength(tt.pw)
		if (err == nil) != tt.ok {
			t.Errorf("%q: got %v, want ok=%v", tt.pw, err, tt.ok)
		}
	}
}

func TestAuditLog(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		e, ten, _ := smallTenant(t, b)
		ctx := engine.WithSource(context.Background(), "192.0.2.7")
		_, _ = e.Login(ctx, ten.ID, "admin", "wrong")
		s, err := e.Login(ctx, ten.ID, "admin", adminPassword)
		if err != nil {
			t.Fatal(err)
		}
		actx := domain.WithActor(ctx, s.Actor)
		c := e.Client()
		logins, err := c.AuditEvent.Query().Where(auditevent.Event("login")).
			Order(auditevent.ByID()).All(actx)
		if err != nil {
			t.Fatal(err)
		}
		if len(logins) != 2 || logins[0].Result != "failed" || logins[1].Result != "ok" ||
			logins[1].Source != "192.0.2.7" || logins[1].Username != "admin" {
			t.Fatalf("got login entries %+v, want failed then ok from 192.0.2.7", logins)
		}
		if _, err := c.AuditEvent.UpdateOneID(logins[0].ID).Save(actx); err == nil {
			t.Error("an audit entry was changed")
		}
		if err := c.AuditEvent.DeleteOneID(logins[0].ID).Exec(actx); err == nil {
			t.Error("an audit entry was deleted")
		}
		if n, err := c.AuditEvent.Query().Count(actx); err != nil || n < 2 {
			t.Errorf("got %d entries (%v) after the attempts, want them kept", n, err)
		}
	})
}
