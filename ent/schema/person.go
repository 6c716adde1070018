package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// Person is a member of a unit's staff. The ID number and the mobile phone
// are stored encrypted, with a keyed hash of the ID number for look-ups and
// masked copies for lists.
type Person struct{ ent.Schema }

// Fields of the Person.
func (Person) Fields() []ent.Field {
	return []ent.Field{
		field.String("source_id").MaxLen(32).Optional().Comment("the institution system's person number"),
		field.String("name").SchemaType(varchar(30)).Validate(maxRunes(30)).NotEmpty(),
		field.Enum("sex").GoType(domain.Sex("")),
		field.String("id_number_hash").MaxLen(64).NotEmpty().Sensitive(),
		field.Bytes("id_number_enc").Sensitive(),
		field.String("id_number_masked").MaxLen(18),
		field.Time("birth_date").SchemaType(datetime).Optional().Nillable(),
		field.String("ethnicity").MaxLen(2).Optional(),
		field.String("political").MaxLen(2).Optional(),
		field.String("education").MaxLen(2).Optional(),
		field.String("degree").MaxLen(1).Optional(),
		field.String("school").SchemaType(varchar(100)).Validate(maxRunes(100)).Optional(),
		field.String("major").SchemaType(varchar(100)).Validate(maxRunes(100)).Optional(),
		field.Time("graduation_date").SchemaType(datetime).Optional().Nillable(),
		field.Time("started_work").SchemaType(datetime).Optional().Nillable(),
		field.Time("joined_unit").SchemaType(datetime).Optional().Nillable(),
		field.Enum("post_category").GoType(domain.PostCategory("")).Optional().Nillable(),
		field.Int("post_level").Optional().Nillable().Comment("level of the post now held"),
		field.Time("appointed_date").SchemaType(datetime).Optional().Nillable(),
		field.String("title_series").SchemaType(varchar(50)).Validate(maxRunes(50)).Optional(),
		field.String("title_name").SchemaType(varchar(50)).Validate(maxRunes(50)).Optional(),
		field.Enum("title_grade").GoType(domain.Grade("")).Optional().Nillable(),
		field.Time("title_date").SchemaType(datetime).Optional().Nillable(),
		field.String("title_method").MaxLen(16).Optional().
			Comment("evaluation, recognition or examination"),
		field.String("certificate_no").MaxLen(50).Optional().Comment("title certificate number"),
		field.Enum("status").GoType(domain.PersonStatus("")).Default(string(domain.PersonServing)),
		field.Time("status_date").SchemaType(datetime).Optional().Nillable(),
		field.Bool("overseas").Default(false),
		field.Bool("postdoctoral").Default(false),
		field.Bytes("mobile_enc").Optional().Sensitive(),
		field.String("mobile_masked").MaxLen(11).Optional(),
		field.String("source_digest").MaxLen(64).Optional().
			Comment("digest of the record as the source last sent it"),
	}
}

// Mixin of the Person.
func (Person) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, MovableUnitMixin{}, TimeMixin{}}
}

// Edges of the Person. A person changes unit when the institution system
// moves them.
func (Person) Edges() []ent.Edge {
	return []ent.Edge{movableUnitEdge()}
}

// Indexes of the Person.
func (Person) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("tenant_id", "id_number_hash").Unique(),
		index.Fields("unit_id", "status", "post_level"),
	}
}

// unitEdge is the edge from a unit-owned row to its unit.
func unitEdge() ent.Edge {
	return edge.To("unit", Unit.Type).Field("unit_id").Unique().Required().Immutable()
}
