// Package rule holds the privacy rules that scope every query and mutation
// to the acting user: their tenant, and below it their unit, department or
// region. The rules fail closed: a context without an actor sees nothing.
// Trusted code (loading, sessions) runs with privacy.DecisionContext(ctx,
// privacy.Allow) instead of an actor.
package rule

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	gen "github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/predicate"
	"github.com/zhicheng-hr/zhicheng/ent/privacy"
	"github.com/zhicheng-hr/zhicheng/ent/unit"
)

// DenyWithoutActor denies every query and mutation whose context carries
// no actor.
func DenyWithoutActor() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if _, ok := domain.ActorFrom(ctx); !ok {
			return privacy.Denyf("no actor in context")
		}
		return privacy.Skip
	})
}

// FilterTenant limits rows to the actor's tenant.
func FilterTenant() privacy.QueryMutationRule {
	type tenantFilter interface{ WhereTenantID(entql.IntP) }
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		a, ok := domain.ActorFrom(ctx)
		if !ok || a.TenantID == 0 {
			return privacy.Denyf("actor has no tenant")
		}
		tf, ok := f.(tenantFilter)
		if !ok {
			return privacy.Denyf("unexpected filter type %T", f)
		}
		tf.WhereTenantID(entql.IntEQ(a.TenantID))
		return privacy.Skip
	})
}

// FilterUnitOwned limits rows that belong to a unit to the units in the
// actor's charge: a clerk's own unit, a department's units, the units of a
// bureau's region. A tenant administrator sees the whole tenant; any other
// role sees no unit data.
func FilterUnitOwned() privacy.QueryMutationRule {
	type unitOwnedFilter interface {
		WhereUnitID(entql.IntP)
		WhereHasUnitWith(...predicate.Unit)
	}
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		a, _ := domain.ActorFrom(ctx)
		uf, ok := f.(unitOwnedFilter)
		if !ok {
			return privacy.Denyf("unexpected filter type %T", f)
		}
		switch a.Role {
		case domain.RoleUnitClerk:
			if a.UnitID == 0 {
				return privacy.Denyf("clerk without unit")
			}
			uf.WhereUnitID(entql.IntEQ(a.UnitID))
		case domain.RoleDepartmentReviewer, domain.RoleBureauReviewer:
			p, err := reviewerUnits(a)
			if err != nil {
				return err
			}
			if p != nil {
				uf.WhereHasUnitWith(p)
			}
		case domain.RoleTenantAdmin:
		default:
			return privacy.Denyf("role %q sees no unit data", a.Role)
		}
		return privacy.Skip
	})
}

// FilterUnits limits units themselves to those in the actor's charge, by
// the same scopes as FilterUnitOwned.
func FilterUnits() privacy.QueryMutationRule {
	type unitFilter interface {
		WhereID(entql.IntP)
		WhereDepartmentID(entql.IntP)
		WhereRegionCode(entql.StringP)
	}
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		a, _ := domain.ActorFrom(ctx)
		uf, ok := f.(unitFilter)
		if !ok {
			return privacy.Denyf("unexpected filter type %T", f)
		}
		switch a.Role {
		case domain.RoleUnitClerk:
			if a.UnitID == 0 {
				return privacy.Denyf("clerk without unit")
			}
			uf.WhereID(entql.IntEQ(a.UnitID))
		case domain.RoleDepartmentReviewer:
			if a.DepartmentID == 0 {
				return privacy.Denyf("reviewer without scope")
			}
			uf.WhereDepartmentID(entql.IntEQ(a.DepartmentID))
		case domain.RoleBureauReviewer:
			if a.Region == "" {
				return privacy.Denyf("reviewer without scope")
			}
			if !a.Region.IsPrefecture() {
				uf.WhereRegionCode(entql.StringEQ(string(a.Region)))
			}
		case domain.RoleTenantAdmin:
		default:
			return privacy.Denyf("role %q sees no units", a.Role)
		}
		return privacy.Skip
	})
}

// CreateInScope checks the owner fields of a new row: its tenant must be
// the actor's, and its unit, where it has one, must be visible to the actor.
// Filters cannot do this, as a creation has no rows to filter.
func CreateInScope() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.MutationRuleFunc(
		func(ctx context.Context, m ent.Mutation) error {
			a, _ := domain.ActorFrom(ctx)
			if v, ok := m.Field("tenant_id"); !ok || v != a.TenantID {
				return privacy.Denyf("row outside the actor's tenant")
			}
			v, ok := m.Field("unit_id")
			if !ok {
				return privacy.Skip
			}
			c, ok := m.(interface{ Client() *gen.Client })
			if !ok {
				return privacy.Denyf("unexpected mutation type %T", m)
			}
			id, _ := v.(int)
			if known, ok := ctx.Value(visibleUnitsKey{}).(*sync.Map); ok {
				if _, seen := known.Load(id); seen {
					return privacy.Skip
				}
			}
			visible, err := c.Client().Unit.Query().Where(unit.ID(id)).Exist(ctx)
			if err != nil {
				return fmt.Errorf("check unit scope: %w", err)
			}
			if !visible {
				return privacy.Denyf("unit outside the actor's scope")
			}
			if known, ok := ctx.Value(visibleUnitsKey{}).(*sync.Map); ok {
				known.Store(id, true)
			}
			return privacy.Skip
		}), ent.OpCreate)
}

// reviewerUnits returns the predicate that selects a reviewer's units, nil
// when the reviewer's scope is the whole tenant.
func reviewerUnits(a domain.Actor) (predicate.Unit, error) {
	switch {
	case a.Role == domain.RoleDepartmentReviewer && a.DepartmentID != 0:
		return unit.DepartmentID(a.DepartmentID), nil
	case a.Role == domain.RoleBureauReviewer && a.Region != "":
		if a.Region.IsPrefecture() {
			return nil, nil
		}
		return unit.RegionCode(a.Region), nil
	}
	return nil, privacy.Denyf("reviewer without scope")
}

var errAppendOnly = errors.New("append-only: entries are never changed or deleted")

// AppendOnly is a hook that refuses every mutation but creation, whatever
// the privacy decision: audit and review history are never edited.
func AppendOnly() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if !m.Op().Is(ent.OpCreate) {
				return nil, errAppendOnly
			}
			return next.Mutate(ctx, m)
		})
	}
}

type visibleUnitsKey struct{}

// WithVisibleUnits returns a context in which CreateInScope remembers the
// units it found visible, so that creating many rows of one unit checks
// the unit once. Use it for one operation of one actor, not longer: a
// change of scope would not be seen.
func WithVisibleUnits(ctx context.Context) context.Context {
	return context.WithValue(ctx, visibleUnitsKey{}, &sync.Map{})
}

// FilterUsers lets a tenant administrator see the tenant's users and
// everyone else only their own user.
func FilterUsers() privacy.QueryMutationRule {
	type userFilter interface{ WhereID(entql.IntP) }
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		a, _ := domain.ActorFrom(ctx)
		if a.Role == domain.RoleTenantAdmin {
			return privacy.Skip
		}
		uf, ok := f.(userFilter)
		if !ok {
			return privacy.Denyf("unexpected filter type %T", f)
		}
		uf.WhereID(entql.IntEQ(a.UserID))
		return privacy.Skip
	})
}

// FilterTenants lets a platform operator see every tenant and anyone else
// only their own.
func FilterTenants() privacy.QueryMutationRule {
	type tenantFilter interface{ WhereID(entql.IntP) }
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		a, _ := domain.ActorFrom(ctx)
		if a.Role == domain.RolePlatformOperator {
			return privacy.Skip
		}
		tf, ok := f.(tenantFilter)
		if !ok {
			return privacy.Denyf("unexpected filter type %T", f)
		}
		tf.WhereID(entql.IntEQ(a.TenantID))
		return privacy.Skip
	})
}

// AllowRoles lets only the given roles through; it skips for them and
// denies everyone else.
func AllowRoles(roles ...domain.Role) privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		a, _ := domain.ActorFrom(ctx)
		for _, r := range roles {
			if a.Role == r {
				return privacy.Skip
			}
		}
		return privacy.Denyf("role %q not allowed", a.Role)
	})
}
