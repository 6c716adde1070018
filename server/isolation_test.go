package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// TestIsolation checks that a declaration of 州人民医院, in review at the
// health department, is invisible to the clerk of another unit, to the
// reviewer of another department and to every user of another tenant:
// each gets 404, as for an id that does not exist, and no list shows it.
func TestIsolation(t *testing.T) {
	t.Parallel()
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		env := newEnv(t, b)
		loadOtherTenant(t, env)
		owner := env.login(t, "xiangxi", stateHospital)
		var d engine.Declaration
		owner.do(t, http.MethodPost, "/declarations", associateSenior(1), http.StatusCreated, &d)
		d = takeStep(t, owner, d, "submit", nil)
		unit := env.unitID(stateHospital)

		t.Run("clerk of another unit", func(t *testing.T) {
			c := env.login(t, "xiangxi", tcmHospital)
			checkHidden(t, c, d.ID, clerkCalls)
			c.fail(t, http.MethodGet, fmt.Sprintf("/units/%d", unit), nil, http.StatusNotFound)
			c.fail(t, http.MethodGet, fmt.Sprintf("/units/%d/vacancies?year=2026", unit), nil,
				http.StatusNotFound)
			checkLists(t, c, d.ID, unit)
			checkNotListed(t, c, "/units", unit)
			// Reviewing is not a clerk's job: refused alike for any id.
			for _, cl := range reviewerCalls[1:] {
				for _, id := range []int{d.ID, 999999} {
					e := c.fail(t, cl.method, cl.path(id), cl.body, http.StatusForbidden)
					if e.Code != "permission_denied" {
						t.Errorf("%s: got %s, want permission_denied", cl.path(id), e.Code)
					}
				}
			}
		})
		t.Run("reviewer of another department", func(t *testing.T) {
			c := env.login(t, "xiangxi", otherDepartment(t, env))
			checkHidden(t, c, d.ID, reviewerCalls)
			checkLists(t, c, d.ID, unit)
			checkNotListed(t, c, "/reviews", d.ID)
		})
		t.Run("users of another tenant", func(t *testing.T) {
			c := env.login(t, "other", stateHospital)
			checkHidden(t, c, d.ID, clerkCalls)
			checkLists(t, c, d.ID, unit)
			for _, reviewer := range []string{healthDept, tenants.DemoBureau} {
				c := env.login(t, "other", reviewer)
				checkHidden(t, c, d.ID, reviewerCalls)
				checkLists(t, c, d.ID, unit)
				checkNotListed(t, c, "/reviews", d.ID)
			}
		})
		t.Run("session of another tenant", func(t *testing.T) {
			c := env.client("other")
			for _, ck := range owner.http.Jar.Cookies(mustURL(t, owner.base+"/")) {
				c = c.with("Cookie", ck.Name+"="+ck.Value)
			}
			e := c.fail(t, http.MethodGet, "/session", nil, http.StatusUnauthorized)
			if e.Code != "unauthenticated" {
				t.Errorf("got %s, want unauthenticated", e.Code)
			}
			c.fail(t, http.MethodGet, declPath(d.ID), nil, http.StatusUnauthorized)
		})

		// The owner still sees it, untouched.
		if got := show(t, owner, d.ID); got.Version != d.Version || got.Status != d.Status {
			t.Errorf("after the attempts: got version %d %s, want version %d %s",
				got.Version, got.Status, d.Version, d.Status)
		}
	})
}

// call is a request on a declaration: a method, the action after its
// path, if any, and a body.
type call struct {
	method, action string
	body           any
}

// What each kind of user may try on a declaration.
var (
	clerkCalls = []call{
		{http.MethodGet, "", nil},
		{http.MethodPut, "", associateSenior(1)},
		{http.MethodDelete, "", nil},
		{http.MethodPost, "submit", nil},
		{http.MethodPost, "withdraw", nil},
	}
	reviewerCalls = []call{
		{http.MethodGet, "", nil},
		{http.MethodPost, "approve", nil},
		{http.MethodPost, "return", engine.Action{Reason: "请补充材料"}},
		{http.MethodPost, "reject", engine.Action{Reason: "不符合条件"}},
	}
)

// path is the call's path for declaration id.
func (c call) path(id int) string {
	if c.action == "" {
		return declPath(id)
	}
	return declPath(id, c.action)
}

// checkHidden checks that c gets 404 not_found of a declaration for each
// of calls on declaration id.
func checkHidden(t *testing.T, c *client, id int, calls []call) {
	t.Helper()
	for _, cl := range calls {
		e := c.fail(t, cl.method, cl.path(id), cl.body, http.StatusNotFound)
		if e.Code != "not_found" || e.Params["what"] != "declaration" {
			t.Errorf("%s %s: got %s %v, want not_found of a declaration",
				cl.method, cl.path(id), e.Code, e.Params)
		}
	}
}

// checkLists checks that declaration id is in none of c's lists of
// declarations, with or without a filter naming its unit.
func checkLists(t *testing.T, c *client, id, unit int) {
	t.Helper()
	paths := []string{
		"/declarations",
		"/declarations?year=2026&status=in_review",
		fmt.Sprintf("/declarations?unit_id=%d", unit),
	}
	for _, p := range paths {
		checkNotListed(t, c, p, id)
	}
}

// checkNotListed checks that the list at path has no item with id.
func checkNotListed(t *testing.T, c *client, path string, id int) {
	t.Helper()
	var list []struct {
		ID int `json:"id"`
	}
	c.do(t, http.MethodGet, path, nil, http.StatusOK, &list)
	for _, item := range list {
		if item.ID == id {
			t.Errorf("GET %s lists %d, which is not in the user's charge", path, id)
		}
	}
}

// mustURL parses s.
func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// loadOtherTenant onboards a second tenant from the same export, so that
// its units, departments and accounts have the same names as xiangxi's.
func loadOtherTenant(t *testing.T, env *testEnv) {
	t.Helper()
	spec := tenants.XiangxiSpec()
	spec.Key, spec.Name, spec.Hosts = "other", "另一州", []string{"other.localhost"}
	ctx := engine.OperatorContext(context.Background(), "test")
	if _, err := tenants.LoadDemo(ctx, env.fixture.Engine, spec); err != nil {
		t.Fatalf("load second tenant: %v", err)
	}
	if err := env.resolver.Reload(ctx); err != nil {
		t.Fatal(err)
	}
}

// otherDepartment returns the code of a department other than the health
// department, which 州人民医院 belongs to.
func otherDepartment(t *testing.T, env *testEnv) string {
	t.Helper()
	ds, err := env.fixture.Engine.Departments(env.fixture.As(t, tenants.DemoAdmin))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Code != healthDept {
			return d.Code
		}
	}
	t.Fatal("the export has one department only")
	return ""
}
