package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// Department is a competent department (主管部门) of units.
type Department struct{ ent.Schema }

// Fields of the Department.
func (Department) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").MaxLen(32).NotEmpty().Comment("the source's department code"),
		field.String("name").SchemaType(varchar(100)).Validate(maxRunes(100)).NotEmpty(),
		field.String("region_code").GoType(domain.RegionCode("")).MaxLen(6).NotEmpty(),
	}
}

// Mixin of the Department.
func (Department) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}, TimeMixin{}} }

// Department has no edge to its units, nor Tenant to any unit-owned row:
// an edge predicate such as HasUnitsWith on a row that every user of a
// tenant may read would bypass the units' privacy filter.

// Indexes of the Department.
func (Department) Indexes() []ent.Index {
	return []ent.Index{index.Fields("tenant_id", "code").Unique()}
}
