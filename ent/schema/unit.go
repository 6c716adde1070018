package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/zhicheng-hr/zhicheng/ent/privacy"
	"github.com/zhicheng-hr/zhicheng/ent/rule"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// Unit is an institution or an enterprise whose staff hold titles.
type Unit struct{ ent.Schema }

// Fields of the Unit.
func (Unit) Fields() []ent.Field {
	return []ent.Field{
		field.String("credit_code").GoType(domain.CreditCode("")).MaxLen(18).NotEmpty(),
		field.String("name").SchemaType(varchar(100)).Validate(maxRunes(100)).NotEmpty(),
		field.Enum("kind").GoType(domain.UnitKind("")),
		field.String("funding").MaxLen(2).Optional(),
		field.String("sector").SchemaType(varchar(20)).Validate(maxRunes(20)).Optional(),
		field.String("region_code").GoType(domain.RegionCode("")).MaxLen(6).NotEmpty(),
		field.Int("department_id"),
		field.String("contact_name").SchemaType(varchar(50)).Validate(maxRunes(50)).Optional(),
		field.String("contact_phone").MaxLen(20).Optional(),
		field.String("address").SchemaType(varchar(200)).Validate(maxRunes(200)).Optional(),
		field.Bool("uses_institution_system").Default(false),
	}
}

// Mixin of the Unit.
func (Unit) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}, TimeMixin{}} }

// Edges of the Unit.
func (Unit) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("department", Department.Type).Field("department_id").Unique().Required(),
		edge.From("people", Person.Type).Ref("unit"),
		edge.From("post_plans", PostPlan.Type).Ref("unit"),
		edge.From("declarations", QuotaDeclaration.Type).Ref("unit"),
	}
}

// Indexes of the Unit.
func (Unit) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("tenant_id", "credit_code").Unique(),
		index.Fields("department_id"),
		index.Fields("region_code"),
	}
}

// Policy of the Unit: the units in the actor's charge only.
func (Unit) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterUnits()},
		Mutation: privacy.MutationPolicy{rule.FilterUnits()},
	}
}
