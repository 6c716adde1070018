package policies

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/casbin/casbin/v2"
)

// roles lists every role in the order of the columns of grants.
var roles = []string{
	RoleUnitClerk,
	RoleDepartmentReviewer,
	RoleBureauReviewer,
	RoleTenantAdmin,
	RoleAuditReader,
	RolePlatformOperator,
}

const y, n = true, false

// grants is the expected answer for every object and action, one column per
// role in the order of roles, written out from the least-privilege rules.
var grants = []struct {
	obj, act string
	want     [6]bool // clerk, dept reviewer, bureau reviewer, admin, audit, platform
}{
	{ObjVacancy, ActRead, [6]bool{y, y, y, n, n, n}},
	{ObjDeclaration, ActRead, [6]bool{y, y, y, n, n, n}},
	{ObjDeclaration, ActCreate, [6]bool{y, n, n, n, n, n}},
	{ObjDeclaration, ActUpdate, [6]bool{y, n, n, n, n, n}},
	{ObjDeclaration, ActDelete, [6]bool{y, n, n, n, n, n}},
	{ObjDeclaration, ActSubmit, [6]bool{y, n, n, n, n, n}},
	{ObjDeclaration, ActWithdraw, [6]bool{y, n, n, n, n, n}},
	{ObjDeclaration, ActReview, [6]bool{n, y, y, n, n, n}},
	{ObjUnit, ActRead, [6]bool{y, y, y, y, n, n}},
	{ObjUnit, ActUpdate, [6]bool{y, n, n, n, n, n}},
	{ObjUnit, ActCreate, [6]bool{n, n, n, y, n, n}},
	{ObjPerson, ActRead, [6]bool{y, y, y, n, n, n}},
	{ObjPerson, ActCreate, [6]bool{y, n, n, n, n, n}},
	{ObjPerson, ActUpdate, [6]bool{y, n, n, n, n, n}},
	{ObjAudit, ActRead, [6]bool{n, n, n, y, y, n}},
	{ObjSettings, ActRead, [6]bool{n, n, n, y, n, y}},
	{ObjSettings, ActUpdate, [6]bool{n, n, n, y, n, n}},
	{ObjUser, ActManage, [6]bool{n, n, n, y, n, n}},
	{ObjSync, ActRun, [6]bool{n, n, n, y, n, n}},
	{ObjUnitSync, ActRun, [6]bool{y, n, n, y, n, n}},
	{ObjSyncRun, ActRead, [6]bool{y, n, n, y, n, n}},
	{ObjSyncBinding, ActRead, [6]bool{n, n, n, y, n, n}},
	{ObjSyncBinding, ActUpdate, [6]bool{n, n, n, y, n, n}},
	{ObjTenant, ActCreate, [6]bool{n, n, n, n, n, y}},
	{ObjPostPlan, ActRead, [6]bool{y, y, y, n, n, n}},
	{ObjPostPlan, ActUpdate, [6]bool{y, n, n, n, n, n}},
	{ObjPostPlan, ActLock, [6]bool{n, n, y, n, n, n}},
	{ObjApplication, ActRead, [6]bool{y, y, y, n, n, n}},
	{ObjApplication, ActCreate, [6]bool{y, n, n, n, n, n}},
	{ObjApplication, ActUpdate, [6]bool{y, n, n, n, n, n}},
	{ObjApplication, ActDelete, [6]bool{y, n, n, n, n, n}},
	{ObjApplication, ActSubmit, [6]bool{y, n, n, n, n, n}},
	{ObjApplication, ActWithdraw, [6]bool{y, n, n, n, n, n}},
	{ObjApplication, ActReview, [6]bool{n, y, y, n, n, n}},
	{ObjWindow, ActRead, [6]bool{y, y, y, y, n, n}},
	{ObjWindow, ActExtend, [6]bool{n, n, y, n, n, n}},
}

func newEnforcer(t *testing.T) *casbin.SyncedEnforcer {
	t.Helper()
	e, err := NewEnforcer()
	if err != nil {
		t.Fatalf("NewEnforcer: %v", err)
	}
	return e
}

func enforce(t *testing.T, e *casbin.SyncedEnforcer, role, tenant, obj, act string) bool {
	t.Helper()
	ok, err := e.Enforce(role, tenant, obj, act)
	if err != nil {
		t.Fatalf("Enforce(%s, %s, %s, %s): %v", role, tenant, obj, act, err)
	}
	return ok
}

func TestDefaultPolicy(t *testing.T) {
	e := newEnforcer(t)
	for _, tenant := range []string{"xiangxi", "huaihua"} {
		for _, g := range grants {
			for i, role := range roles {
				name := fmt.Sprintf("%s/%s/%s/%s", tenant, role, g.obj, g.act)
				t.Run(name, func(t *testing.T) {
					if got := enforce(t, e, role, tenant, g.obj, g.act); got != g.want[i] {
						t.Errorf("got %v, want %v", got, g.want[i])
					}
				})
			}
		}
	}
}

func TestDefaultPolicyFileNamesKnownTerms(t *testing.T) {
	known := make(map[string]bool)
	for _, role := range roles {
		known["role "+role] = true
	}
	for _, g := range grants {
		known["permission "+g.obj+" "+g.act] = true
	}

	rules, err := parsePolicy(DefaultPolicy())
	if err != nil {
		t.Fatalf("parsePolicy: %v", err)
	}
	seen := make(map[string]bool)
	for i, r := range rules {
		role, dom, obj, act := r[0], r[1], r[2], r[3]
		if !known["role "+role] {
			t.Errorf("rule %d: unknown role %q", i+1, role)
		}
		if dom != allTenants {
			t.Errorf("rule %d: domain %q, want %q", i+1, dom, allTenants)
		}
		if !known["permission "+obj+" "+act] {
			t.Errorf("rule %d: unknown object and action %q %q", i+1, obj, act)
		}
		key := fmt.Sprint(r)
		if seen[key] {
			t.Errorf("rule %d: duplicate %v", i+1, r)
		}
		seen[key] = true
	}
}

func TestParsePolicyRejectsMalformedLines(t *testing.T) {
	for name, text := range map[string]string{
		"TooFewFields":   "p, unit_clerk, *, vacancy\n",
		"TooManyFields":  "p, unit_clerk, *, vacancy, read, extra\n",
		"WrongRuleType":  "g, unit_clerk, *, vacancy, read\n",
		"UnclosedQuotes": "p, \"unit_clerk, *, vacancy, read\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := parsePolicy(text); err == nil {
				t.Errorf("got no error for %q", text)
			}
		})
	}
}

func TestTenantPolicyStaysInItsTenant(t *testing.T) {
	e := newEnforcer(t)
	if err := AddTenantPolicy(e, "xiangxi", RoleAuditReader, ObjDeclaration, ActRead); err != nil {
		t.Fatalf("AddTenantPolicy: %v", err)
	}

	if got := enforce(t, e, RoleAuditReader, "xiangxi", ObjDeclaration, ActRead); !got {
		t.Errorf("own tenant: got %v, want true", got)
	}
	if got := enforce(t, e, RoleAuditReader, "huaihua", ObjDeclaration, ActRead); got {
		t.Errorf("other tenant: got %v, want false", got)
	}
	if got := enforce(t, e, RoleAuditReader, "xiangxi", ObjDeclaration, ActUpdate); got {
		t.Errorf("other action: got %v, want false", got)
	}
}

func TestAddTenantPolicyTwiceIsNotAnError(t *testing.T) {
	e := newEnforcer(t)
	for i := range 2 {
		if err := AddTenantPolicy(e, "xiangxi", RoleAuditReader, ObjVacancy, ActRead); err != nil {
			t.Fatalf("AddTenantPolicy call %d: %v", i+1, err)
		}
	}
}

func TestAddTenantPolicyRejectsInvalidRules(t *testing.T) {
	e := newEnforcer(t)
	for name, r := range map[string][4]string{
		"AllTenants":  {allTenants, RoleAuditReader, ObjDeclaration, ActRead},
		"EmptyTenant": {"", RoleAuditReader, ObjDeclaration, ActRead},
		"EmptyRole":   {"xiangxi", "", ObjDeclaration, ActRead},
		"EmptyObject": {"xiangxi", RoleAuditReader, "", ActRead},
		"EmptyAction": {"xiangxi", RoleAuditReader, ObjDeclaration, ""},
	} {
		t.Run(name, func(t *testing.T) {
			err := AddTenantPolicy(e, r[0], r[1], r[2], r[3])
			if !errors.Is(err, ErrInvalidTenantPolicy) {
				t.Errorf("got %v, want %v", err, ErrInvalidTenantPolicy)
			}
		})
	}
	if got := enforce(t, e, RoleAuditReader, "xiangxi", ObjDeclaration, ActRead); got {
		t.Errorf("after rejected rules: got %v, want false", got)
	}
}

func TestUnknownRoleIsDenied(t *testing.T) {
	e := newEnforcer(t)
	for _, role := range []string{"registrar", "", "*", "Unit_Clerk"} {
		for _, g := range grants {
			if got := enforce(t, e, role, "xiangxi", g.obj, g.act); got {
				t.Errorf("%q %s %s: got %v, want false", role, g.obj, g.act, got)
			}
		}
	}
}

func TestEnforceWhileAddingTenantPolicies(t *testing.T) {
	const readers, checks, tenants = 8, 50, 50
	e := newEnforcer(t)

	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range tenants {
			tenant := fmt.Sprintf("tenant%d", i)
			if err := AddTenantPolicy(e, tenant, RoleAuditReader, ObjDeclaration, ActRead); err != nil {
				t.Errorf("AddTenantPolicy %s: %v", tenant, err)
			}
		}
	})
	for r := range readers {
		wg.Go(func() { checkWhileAdding(t, e, r, checks, tenants) })
	}
	wg.Wait()

	for i := range tenants {
		tenant := fmt.Sprintf("tenant%d", i)
		if got := enforce(t, e, RoleAuditReader, tenant, ObjDeclaration, ActRead); !got {
			t.Errorf("%s after adding: got %v, want true", tenant, got)
		}
	}
}

// checkWhileAdding runs Enforce n times with answers that grants being added
// to other tenants must not change, and touches those tenants as well.
func checkWhileAdding(t *testing.T, e *casbin.SyncedEnforcer, r, n, tenants int) {
	for i := range n {
		allowed, err := e.Enforce(RoleUnitClerk, "xiangxi", ObjDeclaration, ActSubmit)
		if err != nil || !allowed {
			t.Errorf("reader %d: clerk submit got %v, %v; want true, nil", r, allowed, err)
		}
		denied, err := e.Enforce(RoleAuditReader, "xiangxi", ObjDeclaration, ActRead)
		if err != nil || denied {
			t.Errorf("reader %d: audit read declaration got %v, %v; want false, nil", r, denied, err)
		}
		tenant := fmt.Sprintf("tenant%d", (r*n+i)%tenants)
		if _, err := e.Enforce(RoleAuditReader, tenant, ObjDeclaration, ActRead); err != nil {
			t.Errorf("reader %d: Enforce %s: %v", r, tenant, err)
		}
	}
}
