package engine_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/person"
	"github.com/zhicheng-hr/zhicheng/ent/quotadeclaration"
	"github.com/zhicheng-hr/zhicheng/ent/unit"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// TestIsolation checks that a declaration of one unit is "not found" for
// everyone outside its scope, through every engine operation and through
// the ent client's query paths: edge traversals, eager loading and edge
// predicates.
func TestIsolation(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		other := loadOtherTenant(t, f)

		owner := f.As(t, stateHospital)
		d, err := e.CreateDeclaration(owner, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeAssistant, 1)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.SubmitDeclaration(owner, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		unitID := d.Unit.ID

		outsiders := map[string]context.Context{
			"clerk of a sibling unit":        f.As(t, tcmHospital),
			"reviewer of another department": f.As(t, "433100-JTJ"),
			"bureau of a county":             f.As(t, "bureau-433101"),
			"clerk of another tenant":        asOther(t, other, stateHospital),
			"department of another tenant":   asOther(t, other, stateHealthWJ),
			"bureau of another tenant":       asOther(t, other, tenants.DemoBureau),
			"admin of another tenant":        asOther(t, other, tenants.DemoAdmin),
		}
		for who, ctx := range outsiders {
			t.Run(who, func(t *testing.T) {
				engineCallsNotFound(t, e, ctx, d.ID, unitID)
				clientPathsHide(t, e.Client(), ctx, d.ID, unitID)
			})
		}
	})
}

func engineCallsNotFound(t *testing.T, e *engine.Engine, ctx context.Context, id, unitID int) {
	t.Helper()
	a, _ := domain.ActorFrom(ctx)
	in := engine.DeclarationInput{Year: year, Lines: lines(domain.GradeAssistant, 1)}
	calls := map[string]func() error{
		"read":     func() error { _, err := e.Declaration(ctx, id); return err },
		"vacancy":  func() error { _, err := e.Vacancies(ctx, unitID, year); return err },
		"unit":     func() error { _, err := e.Unit(ctx, unitID); return err },
		"update":   func() error { _, err := e.UpdateDeclaration(ctx, id, in); return err },
		"delete":   func() error { return e.DeleteDeclaration(ctx, id) },
		"submit":   func() error { _, err := e.SubmitDeclaration(ctx, id, engine.Action{}); return err },
		"withdraw": func() error { _, err := e.WithdrawDeclaration(ctx, id, engine.Action{}); return err },
		"approve":  func() error { _, err := e.ApproveDeclaration(ctx, id, engine.Action{}); return err },
		"return":   func() error { _, err := e.ReturnDeclaration(ctx, id, engine.Action{Reason: "x"}); return err },
		"reject":   func() error { _, err := e.RejectDeclaration(ctx, id, engine.Action{Reason: "x"}); return err },
		"create":   func() error { in.UnitID = unitID; _, err := e.CreateDeclaration(ctx, in); return err },
	}
	for name, call := range calls {
		err := call()
		kind := engine.ErrorKind(err)
		// A role without the right gets "permission denied" before any row
		// is read, which tells nothing of the row.
		if kind != engine.KindNotFound && kind != engine.KindPermissionDenied {
			t.Errorf("%s as %s: got %v, want not found", name, a.Username, err)
		}
	}
	lists := map[string]func() ([]engine.Declaration, error){
		"list":  func() ([]engine.Declaration, error) { return e.Declarations(ctx, engine.DeclarationFilter{}) },
		"queue": func() ([]engine.Declaration, error) { return e.ReviewQueue(ctx) },
	}
	for name, list := range lists {
		ds, err := list()
		if engine.ErrorKind(err) == engine.KindPermissionDenied {
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		for _, d := range ds {
			if d.ID == id || d.Unit.ID == unitID {
				t.Errorf("%s as %s includes declaration %d", name, a.Username, d.ID)
			}
		}
	}
	units, err := e.Units(ctx)
	if err != nil && engine.ErrorKind(err) != engine.KindPermissionDenied {
		t.Errorf("units: %v", err)
	}
	for _, u := range units {
		if u.ID == unitID {
			t.Errorf("units as %s include unit %d", a.Username, unitID)
		}
	}
}

func clientPathsHide(t *testing.T, c *ent.Client, ctx context.Context, id, unitID int) {
	t.Helper()
	declarationPaths := map[string]func() ([]*ent.QuotaDeclaration, error){
		"query": func() ([]*ent.QuotaDeclaration, error) { return c.QuotaDeclaration.Query().All(ctx) },
		"edge traversal from units": func() ([]*ent.QuotaDeclaration, error) {
			return c.Unit.Query().QueryDeclarations().All(ctx)
		},
		"edge traversal from lines": func() ([]*ent.QuotaDeclaration, error) {
			return c.DeclarationLine.Query().QueryDeclaration().All(ctx)
		},
		"eager loading": func() ([]*ent.QuotaDeclaration, error) {
			us, err := c.Unit.Query().WithDeclarations().All(ctx)
			var out []*ent.QuotaDeclaration
			for _, u := range us {
				out = append(out, u.Edges.Declarations...)
			}
			return out, err
		},
		"edge predicate": func() ([]*ent.QuotaDeclaration, error) {
			return c.QuotaDeclaration.Query().Where(quotadeclaration.HasUnitWith(unit.ID(unitID))).All(ctx)
		},
	}
	for name, path := range declarationPaths {
		ds, err := path()
		if err != nil && !ent.IsNotFound(err) {
			// A denial is as good as an empty answer.
			continue
		}
		for _, d := range ds {
			if d.ID == id || d.UnitID == unitID {
				t.Errorf("%s reaches declaration %d of unit %d", name, d.ID, d.UnitID)
			}
		}
	}
	if n, err := c.Person.Query().Where(person.UnitID(unitID)).Count(ctx); err == nil && n != 0 {
		t.Errorf("%d people of unit %d visible", n, unitID)
	}
	if n, err := c.Person.Query().Where(person.HasUnitWith(unit.ID(unitID))).Count(ctx); err == nil && n != 0 {
		t.Errorf("edge predicate: %d people of unit %d visible", n, unitID)
	}
	if _, err := c.QuotaDeclaration.UpdateOneID(id).AddVersion(1).Save(ctx); err == nil {
		t.Errorf("update through the client succeeded")
	}
	if n, err := c.QuotaDeclaration.Delete().Where(quotadeclaration.ID(id)).Exec(ctx); err == nil && n != 0 {
		t.Errorf("delete through the client removed %d rows", n)
	}
}

// TestNoBackEdgesToUnitData guards the schema: rows that every user of a
// tenant may read (tenants, departments, regions, users) must have no edge
// to unit-owned rows, or an edge predicate on them would bypass the unit
// filter.
func TestNoBackEdgesToUnitData(t *testing.T) {
	unitOwned := map[reflect.Type]bool{}
	for _, v := range []any{
		ent.Unit{}, ent.Person{}, ent.PostPlan{}, ent.QuotaDeclaration{},
		ent.DeclarationLine{}, ent.ReviewEvent{}, ent.QuotaBalance{},
	} {
		unitOwned[reflect.TypeOf(v)] = true
	}
	for _, edges := range []any{ent.DepartmentEdges{}, ent.RegionEdges{}, ent.UserEdges{}, ent.SessionEdges{}} {
		rt := reflect.TypeOf(edges)
		for i := range rt.NumField() {
			ft := rt.Field(i).Type
			for ft.Kind() == reflect.Slice || ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if unitOwned[ft] {
				t.Errorf("%s.%s leads to unit-owned %s", rt.Name(), rt.Field(i).Name, ft.Name())
			}
		}
	}
}

// TestNoActorSeesNothing checks that the rules fail closed.
func TestNoActorSeesNothing(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		c := f.Engine.Client()
		ctx := context.Background()
		if _, err := c.Unit.Query().All(ctx); err == nil {
			t.Error("units readable without an actor")
		}
		if _, err := c.Person.Query().Count(ctx); err == nil {
			t.Error("people countable without an actor")
		}
		noScope := domain.WithActor(ctx, domain.Actor{TenantID: f.Tenant.ID, TenantKey: f.Tenant.Key, UserID: 1, Role: domain.RoleUnitClerk})
		if n, err := c.Person.Query().Count(noScope); err == nil && n != 0 {
			t.Errorf("a clerk without a unit counts %d people", n)
		}
		auditor := domain.WithActor(ctx, domain.Actor{TenantID: f.Tenant.ID, TenantKey: f.Tenant.Key, UserID: 1, Role: domain.RoleAuditReader})
		if n, err := c.Unit.Query().Count(auditor); err == nil && n != 0 {
			t.Errorf("an audit reader counts %d units", n)
		}
	})
}

func loadOtherTenant(t *testing.T, f *enginetest.Fixture) *enginetest.Fixture {
	t.Helper()
	spec := tenants.XiangxiSpec()
	spec.Key, spec.Name, spec.Hosts = "other", "另一个州", []string{"other.localhost"}
	ctx := engine.OperatorContext(context.Background(), "test")
	demo, err := tenants.LoadDemo(ctx, f.Engine, spec)
	if err != nil {
		t.Fatalf("load second tenant: %v", err)
	}
	return &enginetest.Fixture{Engine: f.Engine, Tenant: demo.Tenant, Demo: demo}
}

func asOther(t *testing.T, other *enginetest.Fixture, username string) context.Context {
	t.Helper()
	return other.As(t, username)
}
