package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// Region is a region (GB/T 2260) inside a tenant: the prefecture itself or
// one of its counties.
type Region struct{ ent.Schema }

// Fields of the Region.
func (Region) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").GoType(domain.RegionCode("")).MaxLen(6).NotEmpty(),
		field.String("name").SchemaType(varchar(100)).Validate(maxRunes(100)).NotEmpty(),
	}
}

// Mixin of the Region.
func (Region) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

// Indexes of the Region.
func (Region) Indexes() []ent.Index {
	return []ent.Index{index.Fields("tenant_id", "code").Unique()}
}
