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
