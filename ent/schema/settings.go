package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// YearSettings are a tenant's settings for one year. A year without a row
// takes the tenant's base settings.
type YearSettings struct{ ent.Schema }

// Fields of the YearSettings.
func (YearSettings) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year").Immutable(),
		field.JSON("settings", domain.Settings{}),
		field.Int("version").Default(1).Comment("raised by every change; guards concurrent edits"),
		field.Int("updated_by").Optional(),
	}
}

// Mixin of the YearSettings.
func (YearSettings) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}, TimeMixin{}} }

// Indexes of the YearSettings.
func (YearSettings) Indexes() []ent.Index {
	return []ent.Index{index.Fields("tenant_id", "year").Unique()}
}

// WindowExtension lets one unit act after a window of a year has closed,
// up to and including a day, as the bureau decided.
type WindowExtension struct{ ent.Schema }

// Fields of the WindowExtension.
func (WindowExtension) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year").Immutable(),
		field.Enum("window").Values("declaration", "application").Immutable(),
		field.String("until").GoType(domain.Day("")).MaxLen(10),
		field.String("reason").SchemaType(varchar(500)).Validate(maxRunes(500)).NotEmpty(),
		field.Int("granted_by"),
	}
}

// Mixin of the WindowExtension.
func (WindowExtension) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, UnitMixin{}, TimeMixin{}}
}

// Edges of the WindowExtension.
func (WindowExtension) Edges() []ent.Edge { return []ent.Edge{unitEdge()} }

// Indexes of the WindowExtension.
func (WindowExtension) Indexes() []ent.Index {
	return []ent.Index{index.Fields("unit_id", "year", "window").Unique()}
}
