package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"github.com/zhicheng-hr/zhicheng/ent/privacy"
	"github.com/zhicheng-hr/zhicheng/ent/rule"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// Tenant is a prefecture (州/市) hosted by the server.
type Tenant struct{ ent.Schema }

// Fields of the Tenant.
func (Tenant) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").MaxLen(32).NotEmpty().Unique().Immutable().
			Comment("short name used in paths, e.g. xiangxi"),
		field.String("name").SchemaType(varchar(100)).Validate(maxRunes(100)).NotEmpty(),
		field.String("region_code").GoType(domain.RegionCode("")).MaxLen(6).NotEmpty(),
		field.JSON("hosts", []string{}).Optional().
			Comment("host names of the tenant's entrances"),
		field.JSON("settings", domain.Settings{}).Optional(),
	}
}

// Mixin of the Tenant.
func (Tenant) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Policy of the Tenant: a user sees their own tenant; only a platform
// operator creates or changes tenants.
func (Tenant) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{rule.DenyWithoutActor(), rule.FilterTenants()},
		Mutation: privacy.MutationPolicy{
			rule.DenyWithoutActor(), rule.AllowRoles(domain.RolePlatformOperator),
		},
	}
}
