package rule

import (
	"context"
	"fmt"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	gen "github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/privacy"
	"github.com/zhicheng-hr/zhicheng/ent/unit"
)

// FilterSyncRuns lets a tenant administrator see every sync run of the
// tenant and a unit clerk the runs of their unit; others see none.
func FilterSyncRuns() privacy.QueryMutationRule {
	type runFilter interface{ WhereUnitID(entql.IntP) }
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		a, _ := domain.ActorFrom(ctx)
		switch a.Role {
		case domain.RoleTenantAdmin:
			return privacy.Skip
		case domain.RoleUnitClerk:
			rf, ok := f.(runFilter)
			if !ok {
				return privacy.Denyf("unexpected filter type %T", f)
			}
			if a.UnitID == 0 {
				return privacy.Denyf("clerk without unit")
			}
			rf.WhereUnitID(entql.IntEQ(a.UnitID))
			return privacy.Skip
		}
		return privacy.Denyf("role %q sees no sync runs", a.Role)
	})
}

// MoveInScope checks an update that changes a row's unit: the new unit
// must be in the actor's charge. FilterUnitOwned has already limited the
// rows to those of units in the actor's charge.
func MoveInScope() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.MutationRuleFunc(
		func(ctx context.Context, m ent.Mutation) error {
			v, ok := m.Field("unit_id")
			if !ok {
				return privacy.Skip
			}
			c, ok := m.(interface{ Client() *gen.Client })
			if !ok {
				return privacy.Denyf("unexpected mutation type %T", m)
			}
			id, _ := v.(int)
			visible, err := c.Client().Unit.Query().Where(unit.ID(id)).Exist(ctx)
			if err != nil {
				return fmt.Errorf("check unit scope: %w", err)
			}
			if !visible {
				return privacy.Denyf("unit outside the actor's scope")
			}
			return privacy.Skip
		}), ent.OpUpdate|ent.OpUpdateOne)
}
