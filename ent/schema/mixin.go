package schema

import (
	"fmt"
	"github.com/zhicheng-hr/zhicheng/ent/privacy"
	"github.com/zhicheng-hr/zhicheng/ent/rule"
	"time"
	"unicode/utf8"

	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"
)

// TenantMixin gives an entity its owning tenant. Every tenant-owned row
// carries the tenant, and the privacy rules filter on it.
type TenantMixin struct{ mixin.Schema }

// Fields of the TenantMixin.
func (TenantMixin) Fields() []ent.Field {
	return []ent.Field{field.Int("tenant_id").Immutable()}
}

// Edges of the TenantMixin.
func (TenantMixin) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("tenant", Tenant.Type).Field("tenant_id").Unique().Required().Immutable(),
	}
}

// Indexes of the TenantMixin.
func (TenantMixin) Indexes() []ent.Index {
	return []ent.Index{index.Fields("tenant_id")}
}

// Policy of the TenantMixin: no actor, no rows; rows of the actor's tenant
// only; new rows only in the actor's tenant and scope.
func (TenantMixin) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{rule.DenyWithoutActor(), rule.FilterTenant()},
		Mutation: privacy.MutationPolicy{
			rule.DenyWithoutActor(), rule.FilterTenant(), rule.CreateInScope(),
		},
	}
}

// UnitMixin gives an entity the unit it belongs to, besides its tenant.
// Rows of a unit are visible to the unit's clerk, its department and the
// bureaus whose region contains it.
type UnitMixin struct{ mixin.Schema }

// Fields of the UnitMixin.
func (UnitMixin) Fields() []ent.Field {
	return []ent.Field{field.Int("unit_id").Immutable()}
}

// Policy of the UnitMixin: rows of the units in the actor's charge only.
func (UnitMixin) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterUnitOwned()},
		Mutation: privacy.MutationPolicy{rule.FilterUnitOwned()},
	}
}

// TimeMixin records when a row was created and last updated.
type TimeMixin struct{ mixin.Schema }

// Fields of the TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").SchemaType(datetime).Default(time.Now).Immutable(),
		field.Time("updated_at").SchemaType(datetime).Default(time.Now).UpdateDefault(time.Now),
	}
}

// datetime stores times on MySQL as DATETIME(6): its TIMESTAMP type cannot
// hold a date before 1970, such as a birth date.
var datetime = map[string]string{dialect.MySQL: "datetime(6)"}

// varchar sizes a column of text people type in any script as VARCHAR(n)
// on MySQL, which counts characters. MaxLen would count bytes, three to a
// Chinese character; maxRunes checks characters instead.
func varchar(n int) map[string]string {
	return map[string]string{dialect.MySQL: fmt.Sprintf("varchar(%d)", n)}
}

// maxRunes refuses a value of more than n characters.
func maxRunes(n int) func(string) error {
	return func(s string) error {
		if utf8.RuneCountInString(s) > n {
			return fmt.Errorf("longer than %d characters", n)
		}
		return nil
	}
}
