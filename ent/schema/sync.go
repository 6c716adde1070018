package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent/privacy"
	"github.com/zhicheng-hr/zhicheng/ent/rule"
)

// SyncBinding is the sync plugin a tenant binds and its configuration.
// Secret values are sealed with the data key and never shown again.
type SyncBinding struct{ ent.Schema }

// Fields of the SyncBinding.
func (SyncBinding) Fields() []ent.Field {
	return []ent.Field{
		field.String("plugin").MaxLen(64).NotEmpty().
			Comment("name of an executable in the server's plugin folder"),
		field.JSON("settings", []domain.SyncSetting{}).Optional().Sensitive(),
	}
}

// Mixin of the SyncBinding.
func (SyncBinding) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}, TimeMixin{}} }

// Indexes of the SyncBinding: one binding a tenant.
func (SyncBinding) Indexes() []ent.Index {
	return []ent.Index{index.Fields("tenant_id").Unique().StorageKey("syncbinding_one_per_tenant")}
}

// Policy of the SyncBinding: administrators only.
func (SyncBinding) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowRoles(domain.RoleTenantAdmin)},
		Mutation: privacy.MutationPolicy{rule.AllowRoles(domain.RoleTenantAdmin)},
	}
}

// SyncRun records one sync: who started it, of what, through which
// plugin, when, how it ended and what it counted.
type SyncRun struct{ ent.Schema }

// Fields of the SyncRun.
func (SyncRun) Fields() []ent.Field {
	return []ent.Field{
		field.Int("unit_id").Optional().Nillable().Immutable().
			Comment("the unit of a unit sync; none for a whole-tenant sync"),
		field.Enum("scope").Values("tenant", "unit").Immutable(),
		field.Enum("part").Values("all", "people", "posts").Immutable(),
		field.Int("year").Immutable().Comment("year of the approved posts read"),
		field.String("plugin").MaxLen(64).Immutable(),
		field.Int("user_id").Optional().Immutable(),
		field.String("username").SchemaType(varchar(64)).Validate(maxRunes(64)).Optional().Immutable(),
		field.Time("started_at").SchemaType(datetime).Default(time.Now).Immutable(),
		field.Time("finished_at").SchemaType(datetime).Optional().Nillable(),
		field.Enum("status").Values("running", "succeeded", "failed").Default("running"),
		field.String("failure_code").MaxLen(64).Optional().Comment("catalog key of the failure"),
		field.String("failure").SchemaType(varchar(500)).Validate(maxRunes(500)).Optional().
			Comment("the failure's detail, in English"),
		field.JSON("counts", domain.SyncTotals{}).Optional(),
	}
}

// Mixin of the SyncRun.
func (SyncRun) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

// Edges of the SyncRun.
func (SyncRun) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("unit", Unit.Type).Field("unit_id").Unique().Immutable(),
		edge.From("refusals", SyncRefusal.Type).Ref("run"),
	}
}

// Indexes of the SyncRun.
func (SyncRun) Indexes() []ent.Index {
	return []ent.Index{index.Fields("tenant_id", "started_at"), index.Fields("unit_id")}
}

// Policy of the SyncRun: administrators see every run, a unit's clerk the
// runs of the unit.
func (SyncRun) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterSyncRuns()},
		Mutation: privacy.MutationPolicy{rule.FilterSyncRuns()},
	}
}

// SyncRefusal is a source record that a sync refused, with the reason.
// Personal keys are stored masked.
type SyncRefusal struct{ ent.Schema }

// Fields of the SyncRefusal.
func (SyncRefusal) Fields() []ent.Field {
	return []ent.Field{
		field.Int("run_id").Immutable(),
		field.Int("unit_id").Optional().Nillable().Immutable().Comment("the run's unit"),
		field.String("kind").MaxLen(16).Immutable(),
		field.String("key").SchemaType(varchar(64)).Validate(maxRunes(64)).Immutable(),
		field.String("field").MaxLen(32).Immutable(),
		field.String("reason").SchemaType(varchar(200)).Validate(maxRunes(200)).Immutable(),
		field.String("code").MaxLen(64).Optional().Immutable().
			Comment("the catalog code of the reason, when it has one"),
		field.JSON("params", map[string]any{}).Optional().Immutable().
			Comment("the parameters of the code's message"),
	}
}

// Mixin of the SyncRefusal.
func (SyncRefusal) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

// Edges of the SyncRefusal.
func (SyncRefusal) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("run", SyncRun.Type).Field("run_id").Unique().Required().Immutable(),
	}
}

// Policy of the SyncRefusal: as its run's.
func (SyncRefusal) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterSyncRuns()},
		Mutation: privacy.MutationPolicy{rule.FilterSyncRuns()},
	}
}

// Hooks of the SyncRefusal: a run's record is not edited.
func (SyncRefusal) Hooks() []ent.Hook { return []ent.Hook{rule.AppendOnly()} }

// PostPlanHistory keeps an approved post count that a sync replaced: the
// unit, year and level, the old and the new count (none when the level
// was removed), when, and the run.
type PostPlanHistory struct{ ent.Schema }

// Fields of the PostPlanHistory.
func (PostPlanHistory) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year").Immutable(),
		field.Int("level").GoType(domain.PostLevel(0)).Immutable(),
		field.Int("old_approved").Immutable(),
		field.Int("new_approved").Optional().Nillable().Immutable(),
		field.Time("at").SchemaType(datetime).Default(time.Now).Immutable(),
		field.Int("run_id").Optional().Nillable().Immutable(),
	}
}

// Mixin of the PostPlanHistory.
func (PostPlanHistory) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, UnitMixin{}}
}

// Edges of the PostPlanHistory.
func (PostPlanHistory) Edges() []ent.Edge {
	return []ent.Edge{
		unitEdge(),
		edge.To("run", SyncRun.Type).Field("run_id").Unique().Immutable(),
	}
}

// Indexes of the PostPlanHistory.
func (PostPlanHistory) Indexes() []ent.Index {
	return []ent.Index{index.Fields("unit_id", "year", "level")}
}

// Hooks of the PostPlanHistory: history is append-only.
func (PostPlanHistory) Hooks() []ent.Hook { return []ent.Hook{rule.AppendOnly()} }

// MovableUnitMixin is UnitMixin for rows that may change unit within the
// tenant, as people do when the institution system moves them. A move is
// allowed only to a unit in the actor's charge.
type MovableUnitMixin struct{ mixin.Schema }

// Fields of the MovableUnitMixin.
func (MovableUnitMixin) Fields() []ent.Field {
	return []ent.Field{field.Int("unit_id")}
}

// Policy of the MovableUnitMixin: rows of the units in the actor's charge
// only, moved only into such units.
func (MovableUnitMixin) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterUnitOwned()},
		Mutation: privacy.MutationPolicy{rule.FilterUnitOwned(), rule.MoveInScope()},
	}
}

// movableUnitEdge is the edge from a row of MovableUnitMixin to its unit.
func movableUnitEdge() ent.Edge {
	return edge.To("unit", Unit.Type).Field("unit_id").Unique().Required()
}
