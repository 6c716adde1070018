package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// PostPlan is the number of approved professional posts (核准职数) of a
// unit at one post level for one year.
type PostPlan struct{ ent.Schema }

// Fields of the PostPlan.
func (PostPlan) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year"),
		field.Int("level").GoType(domain.PostLevel(0)),
		field.Int("approved").NonNegative(),
		field.Int("updated_by").Optional().
			Comment("the user who last entered it by hand; none when a sync wrote it"),
		field.String("note").SchemaType(varchar(200)).Validate(maxRunes(200)).Optional().
			Comment("what the clerk noted with the plan, such as the approval's reference"),
	}
}

// Mixin of the PostPlan.
func (PostPlan) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, UnitMixin{}, TimeMixin{}}
}

// Edges of the PostPlan.
func (PostPlan) Edges() []ent.Edge { return []ent.Edge{unitEdge()} }

// Indexes of the PostPlan.
func (PostPlan) Indexes() []ent.Index {
	return []ent.Index{index.Fields("unit_id", "year", "level").Unique()}
}

// PostPlanLock records that the bureau locked the post plans of a year: of
// the whole tenant when its region is the prefecture's, else of the units
// of that county. A locked plan cannot be changed by hand.
type PostPlanLock struct{ ent.Schema }

// Fields of the PostPlanLock.
func (PostPlanLock) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year").Immutable(),
		field.String("region_code").GoType(domain.RegionCode("")).MaxLen(6).NotEmpty().Immutable(),
		field.Int("locked_by").Immutable(),
	}
}

// Mixin of the PostPlanLock.
func (PostPlanLock) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}, TimeMixin{}} }

// Indexes of the PostPlanLock: one lock a region and year.
func (PostPlanLock) Indexes() []ent.Index {
	return []ent.Index{index.Fields("tenant_id", "year", "region_code").Unique()}
}
